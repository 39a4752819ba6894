//! Loss divergence: the loss climbs persistently back up, far above the best
//! level this run reached. Documented in [`INFO`].

use super::stats::Ema;
use super::{finite, times, Detector, DetectorInfo, Finding, Latch, Severity};
use crate::metrics::{names, Frame};

/// Registry entry and documentation.
pub const INFO: DetectorInfo = DetectorInfo {
    id: "loss_divergence",
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
                50 steps of warm-up. Both are relative to the run's own history, so they hold \
                for any loss scale. The progress condition keeps runs whose loss is near zero \
                quiet: there, minibatch noise alone moves the smoothed loss by 7x its minimum \
                (the lab's clean Gaussians runs) while the loss stays far below where it began.",
    build: || Box::new(LossDivergence::default()),
};

/// Span of the loss EMA, and the steps it needs to settle before its peak counts.
const SETTLE: u64 = 20;

/// Fires when the smoothed loss rises persistently above its running minimum.
#[derive(Clone, Debug)]
pub struct LossDivergence {
    /// How many times its minimum the smoothed loss must reach. Default 2.
    pub factor: f64,
    /// Share of the progress (peak - minimum) that must be given back. Default 0.5.
    pub give_back: f64,
    /// Consecutive steps the condition must hold. Default 5.
    pub patience: u32,
    /// Losses seen before the minimum is tracked. Default 50.
    pub warmup: u64,
    smooth: Ema,
    min: f64,
    peak: f64,
    seen: u64,
    run: u32,
    latch: Latch,
}

impl Default for LossDivergence {
    fn default() -> Self {
        LossDivergence::new(2.0, 0.5)
    }
}

impl LossDivergence {
    /// A detector firing at `factor` times the minimum with `give_back` of
    /// the progress lost.
    pub fn new(factor: f64, give_back: f64) -> Self {
        LossDivergence {
            factor,
            give_back,
            patience: 5,
            warmup: 50,
            smooth: Ema::with_span(SETTLE as f64),
            min: f64::INFINITY,
            peak: f64::NEG_INFINITY,
            seen: 0,
            run: 0,
            latch: Latch::new(100),
        }
    }
}

impl Detector for LossDivergence {
    fn id(&self) -> &'static str {
        INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        let loss = self.smooth.update(finite(frame, names::LOSS)?);
        self.seen += 1;
        // The first few smoothed values are mostly the first noisy loss.
        if self.seen >= SETTLE {
            self.peak = self.peak.max(loss);
        }
        if self.seen < self.warmup {
            return None;
        }
        self.min = self.min.min(loss);
        let rise = loss - self.min;
        let diverging = rise > (self.factor - 1.0) * self.min.abs()
            && rise > self.give_back * (self.peak - self.min);
        self.run = if diverging { self.run + 1 } else { 0 };
        if !self.latch.update(self.run >= self.patience) {
            return None;
        }
        Some(Finding::new(
            INFO.id,
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
                self.run
            ),
            "Roll back to the best checkpoint and lower the learning rate (or add a decay \
             schedule and gradient clipping); if the data changed, check the new batches.",
        ))
    }

    fn reset(&mut self) {
        *self = LossDivergence {
            patience: self.patience,
            warmup: self.warmup,
            ..LossDivergence::new(self.factor, self.give_back)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
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
