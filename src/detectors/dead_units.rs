//! Dead units: a large share of the hidden ReLU units output zero for every
//! input. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::Ema;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed `dead_frac` exceeds the warning or critical level.
    pub DeadUnits = "dead_units" {
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
        recommendation: "Lower the learning rate, use He initialisation and small positive \
                         biases, or switch to Leaky ReLU / ELU, whose units never die completely. \
                         Dead units do not come back: restart from an earlier checkpoint.",
    }
    settings {
        /// Smoothed fraction above which it warns.
        warning: f64 = 0.5, in [0.0, 1.0];
        /// Smoothed fraction at which it is critical.
        critical: f64 = 0.95, in [0.0, 1.0];
        /// Observations that never fire, while the smoothing settles.
        warmup: u64 = 19, in [0, u32::MAX];
    }
    state(s) {
        frac: Ema = Ema::with_span(20.0),
        warning: Trigger = Trigger::new(100).warmup(s.warmup),
        critical: Trigger = Trigger::new(100).warmup(s.warmup),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let frac = self.frac.update(finite(frame, names::DEAD_FRAC)?);
        let critical = self.critical.update(frac >= s.critical);
        let warning = self.warning.update(frac > s.warning);
        let (severity, limit) = match (critical, warning) {
            (true, _) => (Severity::Critical, s.critical),
            (false, true) => (Severity::Warning, s.warning),
            _ => return None,
        };
        Some(INFO.finding(
            frame.step,
            severity,
            format!(
                "Dead units: {:.0}% of the hidden ReLU units output zero on every input (limit \
                 {:.0}%); they pass no gradient and cannot recover",
                100.0 * frac,
                100.0 * limit
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::detectors::Detector;

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
