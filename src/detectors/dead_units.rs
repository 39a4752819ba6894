//! Dead units: a large share of the hidden ReLU units output zero for every
//! input. Documented in [`INFO`].

use super::stats::Ema;
use super::{finite, Detector, DetectorInfo, Finding, Latch, Severity};
use crate::metrics::{names, Frame};

/// Registry entry and documentation.
pub const INFO: DetectorInfo = DetectorInfo {
    id: "dead_units",
    title: "Dead ReLU units",
    family: "optimization",
    course_baseline: false,
    what: "The fraction of hidden ReLU units that output zero on the whole batch \
           (`dead_frac`), smoothed over about 20 steps, is above one half; critical when \
           virtually all of them are dead.",
    why: "A ReLU whose input is negative for every example passes no gradient, so it can \
          never recover: the network loses capacity for good. Mass death usually follows \
          one too-large update (a learning-rate spike, a bad batch) that pushed the biases \
          far negative. When all units of a layer are dead the output is constant and \
          training is over.",
    threshold: "Warning above 0.5, critical at 0.95 or more. Karpathy's CS231n notes warn \
                that with a too-high learning rate \"as much as 40% of your network can be \
                dead\"; more than half is past that.",
    build: || Box::new(DeadUnits::default()),
};

/// Fires when the smoothed `dead_frac` exceeds `warning` or `critical`.
#[derive(Clone, Debug)]
pub struct DeadUnits {
    /// Smoothed fraction above which it warns. Default 0.5.
    pub warning: f64,
    /// Smoothed fraction at which it is critical. Default 0.95.
    pub critical: f64,
    /// Steps seen before the detector may fire. Default 20.
    pub warmup: u64,
    frac: Ema,
    seen: u64,
    warning_latch: Latch,
    critical_latch: Latch,
}

impl Default for DeadUnits {
    fn default() -> Self {
        DeadUnits::new(0.5, 0.95)
    }
}

impl DeadUnits {
    /// A detector warning above `warning`, critical at `critical`.
    pub fn new(warning: f64, critical: f64) -> Self {
        DeadUnits {
            warning,
            critical,
            warmup: 20,
            frac: Ema::with_span(20.0),
            seen: 0,
            warning_latch: Latch::new(100),
            critical_latch: Latch::new(100),
        }
    }
}

impl Detector for DeadUnits {
    fn id(&self) -> &'static str {
        INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        let frac = self.frac.update(finite(frame, names::DEAD_FRAC)?);
        self.seen += 1;
        let warm = self.seen >= self.warmup;
        let critical = self.critical_latch.update(warm && frac >= self.critical);
        let warning = self.warning_latch.update(warm && frac > self.warning);
        let severity = if critical {
            Severity::Critical
        } else if warning {
            Severity::Warning
        } else {
            return None;
        };
        Some(Finding::new(
            INFO.id,
            frame.step,
            severity,
            format!(
                "Dead units: {:.0}% of the hidden ReLU units output zero on every input (limit \
                 {:.0}%); they pass no gradient and cannot recover",
                100.0 * frac,
                100.0
                    * if critical {
                        self.critical
                    } else {
                        self.warning
                    }
            ),
            "Lower the learning rate, use He initialisation and small positive biases, or \
             switch to Leaky ReLU / ELU, whose units never die completely. Dead units do not \
             come back: restart from an earlier checkpoint.",
        ))
    }

    fn reset(&mut self) {
        self.frac.reset();
        self.seen = 0;
        self.warning_latch.reset();
        self.critical_latch.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;

    fn run(d: &mut DeadUnits, fracs: impl Iterator<Item = f64>) -> Vec<Finding> {
        feed(d, names::DEAD_FRAC, fracs)
    }

    #[test]
    fn warns_then_goes_critical_as_units_die() {
        // A healthy 15-30% (batch-to-batch noise), then a mass die-off.
        let healthy = (0..300).map(|i| if i % 3 == 0 { 0.3 } else { 0.15 });
        let dying = (0..100).map(|i| (0.3 + 0.01 * i as f64).min(1.0));
        let found = run(&mut DeadUnits::default(), healthy.chain(dying));
        let got: Vec<(Severity, bool)> = found.iter().map(|f| (f.severity, f.step > 300)).collect();
        assert_eq!(got, [(Severity::Warning, true), (Severity::Critical, true)]);
        assert!(
            found[1].message.contains("(limit 95%)"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn skips_missing_values_and_waits_for_warm_up() {
        let mut d = DeadUnits::default();
        for i in 0..50 {
            assert!(d.observe(&Frame::new(i).with(names::LOSS, 1.0)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::DEAD_FRAC, f64::NAN))
                .is_none());
        }
        assert!(run(&mut d, (0..19).map(|_| 1.0)).is_empty(), "warm-up");
        assert_eq!(run(&mut d, (0..1).map(|_| 1.0)).len(), 1);
    }
}
