//! Update ratio: each step changes the weights by far too much, or by
//! almost nothing. Documented in [`INFO`].

use super::kit::{declare_detector, Latch, Observe, Trigger};
use super::stats::{Ema, LogLevel};
use super::{finite, times, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed `update_ratio` leaves `[low, high]` or falls
    /// `drop` times below its own level.
    pub UpdateRatio = "update_ratio" {
        title: "Update-to-weight ratio",
        family: "optimization",
        course_baseline: false,
        what: "The norm of each step's weight update divided by the norm of the weights, \
               smoothed over about 20 steps (geometric mean), is far above or far below \
               Karpathy's rule of thumb of 1e-3, or has suddenly fallen 100x below its own \
               usual level in this run.",
        why: "The ratio says how fast the network is being rewritten, independently of the \
              model's scale. Far above 1e-3 the learning rate is too high: each step throws \
              away a visible part of what was learned, and divergence or dead units follow. \
              Far below, the weights barely move and the model is not learning; a sudden \
              fall (a learning rate cut by mistake, a frozen layer) stops progress in any \
              model, whatever its usual ratio.",
        threshold: "Warning above 0.05 or below 1e-6, after 19 steps of warm-up; warning when \
                    100x below its own level (a slow running geometric mean over about 200 \
                    steps), after 99 steps. The reference is Karpathy's CS231n notes \
                    (\"somewhere around 1e-3\"); small networks like the lab's run between 2e-4 \
                    and 1e-2 when healthy (estimated as lr x grad_norm / weight norm), so the \
                    fixed bounds sit a factor 5 above and two orders below that range. Within \
                    one clean run the smoothed ratio varies by at most about 15x.",
        recommendation: "If the loss is still high, raise the learning rate or check for \
                         vanishing gradients; if it has converged, training can stop.",
    }
    settings {
        /// Ratio above which the learning rate is too high.
        high: f64 = 0.05, in [0.0, f64::INFINITY];
        /// Ratio below which the model is not learning.
        low: f64 = 1e-6, in [0.0, f64::INFINITY];
        /// Fall below the run's own level that counts as stopping.
        drop: f64 = 100.0, in [1.0, f64::INFINITY];
        /// Observations that never fire on the fixed bounds.
        warmup: u64 = 19, in [0, u32::MAX];
        /// Observations that never fire on the relative fall.
        level_warmup: u64 = 99, in [0, u32::MAX];
    }
    state(s) {
        log_ratio: Ema = Ema::with_span(20.0),
        level: LogLevel = LogLevel::new(0.01, 2.0, 100),
        /// Counts every observation: the fixed bounds' and the fall's warm-ups.
        too_fast: Trigger = Trigger::new(100).warmup(s.warmup),
        /// Fed only when `too_fast` did not fire.
        too_slow: Latch = Latch::new(100),
    }
}

/// The advice when the ratio is too high.
const TOO_FAST: &str = "Lower the learning rate (try 10x lower) or use warm-up; clip gradients.";

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let raw = finite(frame, names::UPDATE_RATIO)?;
        if raw < 0.0 {
            return None;
        }
        let ratio = libm::exp(self.log_ratio.update(libm::log(raw.max(1e-300))));
        let level = self.level.get().unwrap_or(ratio);
        self.level.update(raw);
        let warm = self.too_fast.warm();
        let fell = self.too_fast.seen() >= s.level_warmup && ratio * s.drop < level;
        if self.too_fast.update(ratio > s.high) {
            let message = format!(
                "Update ratio {ratio:.2e}: each step changes the weights by {:.1}% of their \
                 norm, above {} (rule of thumb: about 1e-3)",
                100.0 * ratio,
                s.high
            );
            return Some(
                INFO.finding(frame.step, Severity::Warning, message)
                    .recommending(TOO_FAST),
            );
        }
        let too_low = warm && ratio < s.low;
        if !self.too_slow.update(too_low || fell) {
            return None;
        }
        let message = if too_low {
            format!(
                "Update ratio {ratio:.2e}: the weights barely move (below {:.0e}; rule of \
                 thumb: about 1e-3)",
                s.low
            )
        } else {
            format!(
                "Update ratio {ratio:.2e}: {}x below its usual {level:.2e} in this run; \
                 learning has all but stopped",
                times(level / ratio)
            )
        };
        Some(INFO.finding(frame.step, Severity::Warning, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::detectors::Detector;
    use crate::rng::Rng;

    fn run(d: &mut UpdateRatio, ratios: impl Iterator<Item = f64>) -> Vec<Finding> {
        feed(d, names::UPDATE_RATIO, ratios)
    }

    #[test]
    fn quiet_near_the_rule_of_thumb_fires_far_from_it() {
        let mut rng = Rng::new(12);
        let healthy: Vec<f64> = (0..500)
            .map(|_| 3e-3 * libm::exp(0.5 * rng.normal()))
            .collect();
        assert!(run(&mut UpdateRatio::default(), healthy.iter().copied()).is_empty());

        let too_fast = healthy.iter().copied().chain((0..50).map(|_| 0.3));
        let found = run(&mut UpdateRatio::default(), too_fast);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].step > 500 && found[0].step < 515, "{:?}", found[0]);

        let frozen = healthy.iter().copied().chain((0..200).map(|_| 1e-9));
        let found = run(&mut UpdateRatio::default(), frozen);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].step > 500 && found[0].step < 520, "{:?}", found[0]);
    }

    #[test]
    fn a_sudden_fall_below_its_own_level_fires_at_any_scale() {
        for usual in [3e-3, 1e-2, 2e-2] {
            let mut rng = Rng::new(13);
            let healthy: Vec<f64> = (0..500)
                .map(|_| usual * libm::exp(0.5 * rng.normal()))
                .collect();
            // Halving every 100 steps is a schedule, not a stop.
            let decaying = healthy
                .iter()
                .enumerate()
                .map(|(i, r)| r * libm::exp2(-(i as f64) / 100.0));
            assert!(
                run(&mut UpdateRatio::default(), decaying).is_empty(),
                "{usual}"
            );
            // The learning rate cut 1000x at step 500.
            let cut = healthy
                .iter()
                .copied()
                .chain((0..100).map(|_| usual * 1e-3));
            let found = run(&mut UpdateRatio::default(), cut);
            assert_eq!(found.len(), 1, "{usual}: {found:?}");
            assert!(found[0].step > 500 && found[0].step < 530, "{:?}", found[0]);
            assert!(
                found[0].message.contains("below its usual"),
                "{}",
                found[0].message
            );
        }
    }

    #[test]
    fn skips_missing_negative_and_non_finite_values() {
        let mut d = UpdateRatio::default();
        for i in 0..100 {
            assert!(d.observe(&Frame::new(i)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::UPDATE_RATIO, -1.0))
                .is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::UPDATE_RATIO, f64::INFINITY))
                .is_none());
        }
        assert!(run(&mut d, (0..19).map(|_| 1.0)).is_empty(), "warm-up");
    }
}
