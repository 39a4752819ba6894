//! Loss divergence: the loss climbs persistently back up, far above the best
//! level this run reached. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::Ema;
use super::{finite, times, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed loss rises persistently above its running minimum.
    pub LossDivergence = "loss_divergence" {
        title: "Loss divergence",
        family: "optimization",
        course_baseline: false,
        what: "The smoothed loss (an EMA over about 20 steps) stays, for 5 steps in a row, \
               above twice its running minimum and has given back more than half of the \
               progress made since its peak (smoothed loss - minimum > 0.5 x (peak - minimum)).",
        why: "A loss that climbs back up is training undoing itself: the learning rate is too \
              high for the current region, the data changed, or an explosion is under way. \
              Caught while the loss is still finite, the run can be rolled back to the best \
              checkpoint and continued with a smaller learning rate.",
        threshold: "2x the running minimum and half the progress given back, for 5 steps, after \
                    49 steps of warm-up. Both are relative to the run's own history, so they hold \
                    for any loss scale. The progress condition keeps runs whose loss is near zero \
                    quiet: there, minibatch noise alone moves the smoothed loss by 7x its minimum \
                    (the lab's clean Gaussians runs) while the loss stays far below where it began.",
        recommendation: "Roll back to the best checkpoint and lower the learning rate (or add a \
                         decay schedule and gradient clipping); if the data changed, check the \
                         new batches.",
    }
    settings {
        /// How many times its minimum the smoothed loss must reach.
        factor: f64 = 2.0, in [1.0, f64::INFINITY];
        /// Share of the progress (peak - minimum) that must be given back.
        give_back: f64 = 0.5, in [0.0, 1.0];
        /// Consecutive steps the condition must hold.
        patience: u32 = 5, in [1, u32::MAX];
        /// Losses that never fire; the minimum is tracked after them.
        warmup: u64 = 49, in [0, u32::MAX];
    }
    state(s) {
        smooth: Ema = Ema::with_span(SETTLE as f64),
        min: f64 = f64::INFINITY,
        peak: f64 = f64::NEG_INFINITY,
        trigger: Trigger = Trigger::new(100).warmup(s.warmup).patience(s.patience),
    }
}

/// Span of the loss EMA; its peak counts from the `SETTLE`th loss on.
const SETTLE: u64 = 20;

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let loss = self.smooth.update(finite(frame, names::LOSS)?);
        // The first few smoothed values are mostly the first noisy loss.
        if self.trigger.seen() + 1 >= SETTLE {
            self.peak = self.peak.max(loss);
        }
        let warm = self.trigger.warm();
        if warm {
            self.min = self.min.min(loss);
        }
        let rise = loss - self.min;
        let diverging = warm
            && rise > (s.factor - 1.0) * self.min.abs()
            && rise > s.give_back * (self.peak - self.min);
        self.trigger.update(diverging).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Loss divergence: the smoothed loss {loss:.4e} has risen to {}x its best \
                     {:.4} and given back {:.0}% of the progress from its peak {:.4} over the \
                     last {} steps",
                    times(loss / self.min),
                    self.min,
                    100.0 * rise / (self.peak - self.min),
                    self.peak,
                    self.trigger.streak()
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::detectors::Detector;
    use crate::rng::Rng;

    fn run(d: &mut LossDivergence, losses: &[f64]) -> Vec<Finding> {
        feed(d, names::LOSS, losses.iter().copied())
    }

    /// A loss falling from 1 towards `floor` with heavy-tailed minibatch noise.
    fn healthy(rng: &mut Rng, n: usize, floor: f64) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let level = floor + (1.0 - floor) * libm::exp(-(i as f64) / 100.0);
                level * libm::exp(0.5 * rng.normal())
            })
            .collect()
    }

    #[test]
    fn quiet_while_learning_even_near_zero_fires_when_the_loss_climbs_back() {
        for floor in [0.2, 1e-3] {
            let mut rng = Rng::new(10);
            let mut losses = healthy(&mut rng, 1000, floor);
            assert!(
                run(&mut LossDivergence::default(), &losses).is_empty(),
                "floor {floor}"
            );
            // The loss grows 5% a step from its floor: divergence.
            losses.extend((1..200).map(|i| floor * libm::exp(0.05 * i as f64)));
            let found = run(&mut LossDivergence::default(), &losses);
            assert_eq!(found.len(), 1, "floor {floor}: {found:?}");
            let climbed_to = losses[found[0].step as usize];
            assert!(
                found[0].step > 1000 && climbed_to < 2.0,
                "floor {floor}: fired at {} (loss {climbed_to}), later than twice the start",
                found[0].step
            );
        }
    }

    #[test]
    fn skips_missing_and_non_finite_losses_and_resets() {
        let mut d = LossDivergence::default();
        for i in 0..100 {
            assert!(d.observe(&Frame::new(i)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::LOSS, f64::INFINITY))
                .is_none());
        }
        let rising: Vec<f64> = (0..200).map(|i| 0.1 * libm::exp(0.05 * i as f64)).collect();
        // Rising from the start: twice the post-warm-up level is divergence too.
        assert_eq!(run(&mut d, &rising).len(), 1);
        d.reset();
        let mut v = vec![1.0; 60];
        v.extend(std::iter::repeat(0.1).take(60));
        v.extend(std::iter::repeat(2.0).take(60));
        assert_eq!(run(&mut d, &v).len(), 1);
    }
}
