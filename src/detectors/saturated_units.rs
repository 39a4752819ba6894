//! Saturated units: most hidden sigmoid/tanh units sit in their flat tails.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::Ema;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed `saturated_frac` exceeds the threshold.
    pub SaturatedUnits = "saturated_units" {
        title: "Saturated units",
        family: "optimization",
        course_baseline: false,
        what: "The fraction of hidden sigmoid/tanh units in their flat tails \
               (`saturated_frac`), smoothed over about 20 steps, is above one half.",
        why: "In the tails the derivative of sigmoid or tanh is nearly zero, so a saturated \
              unit passes almost no gradient: learning slows to a crawl and the gradient \
              vanishes on its way to the first layers. The usual causes are too-large initial \
              weights, unnormalised inputs or a too-high learning rate.",
        threshold: "Warning above 0.5. Glorot & Bengio (2010) showed sigmoid networks whose top \
                    hidden layer saturates early and learns only slowly; more than half the \
                    units saturated means most of the network has lost its gradient.",
        recommendation: "Scale the initial weights down (Xavier/Glorot), normalise the inputs, \
                         lower the learning rate, or use ReLU-like activations or batch \
                         normalisation.",
    }
    settings {
        /// Smoothed fraction above which it warns.
        threshold: f64 = 0.5, in [0.0, 1.0];
        /// Observations that never fire, while the smoothing settles.
        warmup: u64 = 19, in [0, u32::MAX];
    }
    state(s) {
        frac: Ema = Ema::with_span(20.0),
        trigger: Trigger = Trigger::new(100).warmup(s.warmup),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let frac = self.frac.update(finite(frame, names::SATURATED_FRAC)?);
        self.trigger.update(frac > s.threshold).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Saturated units: {:.0}% of the hidden sigmoid/tanh units sit in their \
                     flat tails (limit {:.0}%) and pass almost no gradient",
                    100.0 * frac,
                    100.0 * s.threshold
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    fn frame(step: u64, frac: f64) -> Frame {
        Frame::new(step).with(names::SATURATED_FRAC, frac)
    }

    #[test]
    fn fires_once_when_most_units_saturate() {
        let mut d = SaturatedUnits::default();
        for i in 0..200 {
            assert!(d
                .observe(&frame(i, if i % 2 == 0 { 0.45 } else { 0.1 }))
                .is_none());
        }
        let fired: Vec<u64> = (200..400)
            .filter_map(|i| d.observe(&frame(i, 0.9)).map(|f| f.step))
            .collect();
        assert_eq!(fired.len(), 1, "{fired:?}");
        assert!(fired[0] < 215, "{fired:?}");
    }

    #[test]
    fn skips_missing_values_and_waits_for_warm_up() {
        let mut d = SaturatedUnits::default();
        assert!(d.observe(&Frame::new(0)).is_none());
        assert!(d.observe(&frame(0, f64::NAN)).is_none());
        for i in 0..19 {
            assert!(d.observe(&frame(i, 1.0)).is_none(), "warm-up");
        }
        assert!(d.observe(&frame(19, 1.0)).is_some());
    }
}
