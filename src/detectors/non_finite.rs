//! Non-finite metrics: a NaN or an infinity in the metric stream.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{Finding, Severity};
use crate::metrics::Frame;

declare_detector! {
    /// Fires on the first NaN or infinite value of any metric.
    pub NonFinite = "non_finite" {
        title: "Non-finite values",
        family: "optimization",
        course_baseline: false,
        what: "Any reported metric (loss, gradient norms, validation loss...) is NaN or \
               infinite.",
        why: "Once a NaN reaches the weights it spreads to every output and the run is lost; \
              an infinite loss or gradient norm means an overflow has already happened. This is \
              what PyTorch's `detect_anomaly`, TensorFlow's `check_numerics` and Keras' \
              `TerminateOnNaN` stop on.",
        threshold: "No threshold: any non-finite value fires, at once, as critical. Every \
                    training tool treats the first NaN as fatal.",
        recommendation: "Restart from the last good checkpoint with a lower learning rate and \
                         gradient clipping; look for a log of 0, a division by zero or a corrupt \
                         batch (NaN/Inf in the inputs or labels).",
    }
    settings {

    }
    state(s) {
        trigger: Trigger = Trigger::new(50),
    }
}

impl Observe for State {
    fn observe(&mut self, _: &Settings, frame: &Frame) -> Option<Finding> {
        let first_bad = frame.iter().find(|(_, v)| !v.is_finite());
        if !self.trigger.update(first_bad.is_some()) {
            return None;
        }
        let (name, value) = first_bad?;
        let bad: Vec<&str> = frame
            .iter()
            .filter(|(_, v)| !v.is_finite())
            .map(|(n, _)| n)
            .collect();
        Some(INFO.finding(
            frame.step,
            Severity::Critical,
            format!(
                "Non-finite value: {name} is {value} at step {} (non-finite: {})",
                frame.step,
                bad.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::metrics::names;

    #[test]
    fn fires_on_any_non_finite_metric_and_names_it() {
        let mut d = NonFinite::default();
        let ok = Frame::new(0)
            .with(names::LOSS, 0.3)
            .with(names::GRAD_NORM, 1e30);
        assert!(d.observe(&ok).is_none(), "large but finite");
        assert!(d.observe(&Frame::new(1)).is_none(), "empty frame");
        let bad = Frame::new(2)
            .with(names::LOSS, 0.3)
            .with(names::GRAD_NORM, f64::INFINITY)
            .with(names::VAL_LOSS, f64::NAN);
        let f = d.observe(&bad).expect("fires");
        assert_eq!((f.step, f.severity), (2, Severity::Critical));
        assert!(f.message.contains("grad_norm is inf"), "{}", f.message);
        assert!(f.message.contains("val_loss"), "{}", f.message);
        assert!(d.observe(&bad).is_none(), "latched");
    }

    #[test]
    fn a_nan_loss_alone_fires() {
        let mut d = NonFinite::default();
        let f = d
            .observe(&Frame::new(7).with(names::LOSS, f64::NAN))
            .expect("fires");
        assert!(f.message.contains("loss is NaN"), "{}", f.message);
    }
}
