//! Gradient explosion: the global gradient norm is far too large.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `grad_norm` exceeds the threshold.
    pub GradientExplosion = "gradient_explosion" {
        title: "Gradient explosion",
        family: "optimization",
        course_baseline: true,
        what: "The global L2 norm of the gradients exceeds a fixed threshold.",
        why: "Huge gradients make huge updates: the weights jump far from where the loss \
              was informative and the loss soon overflows to Inf or NaN. Caught here, the run \
              can still be saved by a smaller learning rate and gradient clipping.",
        threshold: "Norm > 1000, the course page's OptimizationFailures.gradient_explosion. \
                    It is an absolute number: it fits small networks whose healthy norms are \
                    below 10, and must be raised for large models.",
        recommendation: "Reduce the learning rate and clip gradients.",
    }
    settings {
        /// Norm above which the detector fires.
        threshold: f64 = 1000.0, in [0.0, f64::INFINITY];
    }
    state(s) {
        trigger: Trigger = Trigger::new(50),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let norm = frame.get(names::GRAD_NORM)?;
        // An infinite norm is also an explosion; NaN is left to the non-finite check.
        self.trigger.update(norm > s.threshold).then(|| {
            INFO.finding(
                frame.step,
                Severity::Critical,
                format!(
                    "Gradient explosion: global gradient norm {norm:.3e} is above {}",
                    s.threshold
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    fn frame(step: u64, norm: f64) -> Frame {
        Frame::new(step).with(names::GRAD_NORM, norm)
    }

    #[test]
    fn fires_above_threshold_once_and_not_below() {
        let mut d = GradientExplosion::default();
        assert!(d.observe(&frame(0, 999.0)).is_none());
        let f = d.observe(&frame(1, 1500.0)).expect("fires above 1000");
        assert_eq!((f.step, f.severity), (1, Severity::Critical));
        assert!(d.observe(&frame(2, 2000.0)).is_none(), "latched");
        assert!(
            d.observe(&Frame::new(3)).is_none(),
            "no grad_norm, no finding"
        );
    }

    #[test]
    fn threshold_is_a_setting() {
        let mut d = GradientExplosion::with(Settings { threshold: 10.0 });
        assert!(d.observe(&frame(0, 11.0)).is_some());
    }
}
