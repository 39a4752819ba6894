//! Gradient explosion: the global gradient norm is far too large.
//! Documented in [`INFO`].

use super::{Detector, DetectorInfo, Finding, Latch, Severity};
use crate::metrics::{names, Frame};

/// Registry entry and documentation.
pub const INFO: DetectorInfo = DetectorInfo {
    id: "gradient_explosion",
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
    build: || Box::new(GradientExplosion::default()),
};

/// Fires when `grad_norm` exceeds `threshold`.
#[derive(Clone, Debug)]
pub struct GradientExplosion {
    /// Norm above which the detector fires. Default 1000.
    pub threshold: f64,
    latch: Latch,
}

impl Default for GradientExplosion {
    fn default() -> Self {
        GradientExplosion::new(1000.0)
    }
}

impl GradientExplosion {
    /// A detector that fires above `threshold`.
    pub fn new(threshold: f64) -> Self {
        GradientExplosion {
            threshold,
            latch: Latch::new(50),
        }
    }
}

impl Detector for GradientExplosion {
    fn id(&self) -> &'static str {
        INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        let norm = frame.get(names::GRAD_NORM)?;
        // An infinite norm is also an explosion; NaN is left to the non-finite check.
        if !self.latch.update(norm > self.threshold) {
            return None;
        }
        Some(Finding {
            detector: INFO.id.to_string(),
            step: frame.step,
            severity: Severity::Critical,
            message: format!(
                "Gradient explosion: global gradient norm {norm:.3e} is above {}",
                self.threshold
            ),
            recommendation: "Reduce the learning rate and clip gradients.".to_string(),
        })
    }

    fn reset(&mut self) {
        self.latch.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut d = GradientExplosion::new(10.0);
        assert!(d.observe(&frame(0, 11.0)).is_some());
    }
}
