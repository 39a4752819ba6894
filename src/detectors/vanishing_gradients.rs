//! Vanishing gradients: the global gradient norm is all but zero.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `grad_norm` is below the threshold.
    pub VanishingGradients = "vanishing_gradients" {
        title: "Vanishing gradients",
        family: "optimization",
        course_baseline: true,
        what: "The global L2 norm of the gradients falls below a fixed threshold.",
        why: "With no gradient there is no update: the weights stop moving and the loss \
              stops falling, whatever the learning rate. Saturated sigmoid/tanh units, dead \
              ReLUs, a tiny initialisation or a very deep plain network all starve the \
              gradient.",
        threshold: "Norm < 1e-8, the course page's OptimizationFailures.gradient_vanishing. \
                    Absolute: healthy runs of the lab's networks stay above 1e-3, but a model \
                    that fits its data exactly also has near-zero gradients, so check the loss \
                    before acting.",
        recommendation: "If the loss is still high: use He/Xavier initialisation, ReLU-like \
                         activations instead of saturating sigmoid/tanh, batch normalisation or \
                         residual connections, and a larger learning rate. If the loss is near \
                         zero the model has simply fitted its data.",
    }
    settings {
        /// Norm below which the detector fires.
        threshold: f64 = 1e-8, in [0.0, f64::INFINITY];
    }
    state(s) {
        trigger: Trigger = Trigger::new(50),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        // NaN compares false: it is the non-finite check's business.
        let norm = frame.get(names::GRAD_NORM)?;
        let message = || {
            format!(
                "Vanishing gradients: global gradient norm {norm:.3e} is below {:.0e}; \
                 the weights have all but stopped moving",
                s.threshold
            )
        };
        let fire = self.trigger.update(norm < s.threshold);
        fire.then(|| INFO.finding(frame.step, Severity::Warning, message()))
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
    fn fires_below_threshold_once_and_not_above() {
        let mut d = VanishingGradients::default();
        assert!(d.observe(&frame(0, 1e-3)).is_none());
        assert!(d.observe(&frame(1, f64::NAN)).is_none(), "NaN is not small");
        let f = d.observe(&frame(2, 1e-10)).expect("fires below 1e-8");
        assert_eq!((f.step, f.severity), (2, Severity::Warning));
        assert!(f.message.contains("1.000e-10"), "{}", f.message);
        assert!(d.observe(&frame(3, 0.0)).is_none(), "latched");
        assert!(d.observe(&Frame::new(4)).is_none(), "no grad_norm");
        d.reset();
        assert!(d.observe(&frame(5, 0.0)).is_some(), "reset re-arms");
    }

    #[test]
    fn threshold_is_a_setting() {
        let mut d = VanishingGradients::with(Settings { threshold: 1e-2 });
        assert!(d.observe(&frame(0, 5e-3)).is_some());
    }
}
