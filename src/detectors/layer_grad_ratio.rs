//! Layer gradient ratio: the first layer's gradient is orders of magnitude
//! smaller or larger than the last layer's. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::Ema;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed `grad_norm_first / grad_norm_last` leaves
    /// `[1 / factor, factor]`.
    pub LayerGradRatio = "layer_grad_ratio" {
        title: "Gradient ratio through depth",
        family: "optimization",
        course_baseline: false,
        what: "The ratio of the first layer's weight-gradient norm to the last layer's, \
               smoothed over about 20 steps (geometric mean), is below 1/100 or above 100.",
        why: "Backpropagation multiplies the gradient by every layer's Jacobian on its way \
              down. When the product shrinks, the first layers stop learning while the loss \
              still looks fine (vanishing through depth); when it grows, the first layers \
              take wild steps (exploding through depth). The global norm hides both; the \
              per-layer view that TensorBoard's gradient histograms give shows them.",
        threshold: "A factor of 100 either way (two orders of magnitude). Glorot & Bengio \
                    (2010) and He et al. (2015) chose their initialisations to keep per-layer \
                    gradient norms within a small factor of each other; in the lab's clean runs \
                    the smoothed ratio stays between 0.1 and 2.",
        recommendation: "Use He initialisation with ReLU (Xavier with tanh), avoid sigmoid in \
                         hidden layers, add batch normalisation or residual connections, or use \
                         fewer layers.",
    }
    settings {
        /// How far from 1 the ratio may go, either way.
        factor: f64 = 100.0, in [1.0, f64::INFINITY];
        /// Observations that never fire, while the smoothing settles.
        warmup: u64 = 19, in [0, u32::MAX];
    }
    state(s) {
        log_ratio: Ema = Ema::with_span(20.0),
        trigger: Trigger = Trigger::new(100).warmup(s.warmup),
    }
}

/// The advice when the first layer's gradient is the larger one.
const EXPLODING: &str = "Lower the initial weight scale (He/Xavier), clip gradients, add \
                         normalisation layers, or lower the learning rate.";

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let first = finite(frame, names::GRAD_NORM_FIRST)?;
        let last = finite(frame, names::GRAD_NORM_LAST)?;
        if first <= 0.0 && last <= 0.0 {
            return None;
        }
        // A zero on one side is the extreme case; clamp it to 1e±12.
        let ratio = (first / last).clamp(1e-12, 1e12);
        let ratio = libm::exp(self.log_ratio.update(libm::log(ratio)));
        let limit = libm::log(s.factor).abs();
        if !self.trigger.update(libm::log(ratio).abs() > limit) {
            return None;
        }
        let step = frame.step;
        Some(if ratio < 1.0 {
            let message = format!(
                "Vanishing through depth: the first layer's gradient is {ratio:.1e} times \
                 the last layer's (below 1/{}); the early layers have almost stopped \
                 learning",
                s.factor
            );
            INFO.finding(step, Severity::Warning, message)
        } else {
            let message = format!(
                "Exploding through depth: the first layer's gradient is {ratio:.1e} times \
                 the last layer's (above {})",
                s.factor
            );
            INFO.finding(step, Severity::Warning, message)
                .recommending(EXPLODING)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::rng::Rng;

    fn frame(step: u64, first: f64, last: f64) -> Frame {
        Frame::new(step)
            .with(names::GRAD_NORM_FIRST, first)
            .with(names::GRAD_NORM_LAST, last)
    }

    fn run(d: &mut LayerGradRatio, ratios: impl Iterator<Item = f64>) -> Vec<Finding> {
        ratios
            .enumerate()
            .filter_map(|(i, r)| d.observe(&frame(i as u64, r, 1.0)))
            .collect()
    }

    #[test]
    fn quiet_within_the_band_fires_outside_it_both_ways() {
        let mut rng = Rng::new(3);
        // Healthy: ratio 0.3 with a factor-3 scatter.
        let healthy: Vec<f64> = (0..500).map(|_| 0.3 * libm::exp(rng.normal())).collect();
        assert!(run(&mut LayerGradRatio::default(), healthy.iter().copied()).is_empty());

        let vanishing = healthy.iter().copied().chain((0..100).map(|_| 1e-4));
        let found = run(&mut LayerGradRatio::default(), vanishing);
        assert_eq!(found.len(), 1);
        assert!(found[0].step > 500 && found[0].step < 520, "{:?}", found[0]);
        assert!(
            found[0].message.starts_with("Vanishing"),
            "{}",
            found[0].message
        );

        let exploding = healthy.iter().copied().chain((0..100).map(|_| 1e4));
        let found = run(&mut LayerGradRatio::default(), exploding);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with("Exploding"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn warm_up_missing_and_degenerate_values_are_skipped() {
        let mut d = LayerGradRatio::default();
        assert!(run(&mut d, (0..19).map(|_| 1e-6)).is_empty(), "warm-up");
        let mut d = LayerGradRatio::default();
        for i in 0..100 {
            assert!(d.observe(&frame(i, 0.0, 0.0)).is_none());
            assert!(d.observe(&frame(i, f64::NAN, 1.0)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::GRAD_NORM_FIRST, 1e-9))
                .is_none());
        }
        // A dead first layer (zero gradient) is the extreme of vanishing.
        assert!(run(&mut d, (0..30).map(|_| 0.0)).len() == 1);
    }
}
