//! Loss oscillation: the loss swings up and down far harder than usual for
//! this run. Documented in [`INFO`].

use super::kit::{declare_detector, Baseline, Observe, Trigger};
use super::stats::RollingWindow;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the loss swings with `ratio` times its usual relative amplitude.
    pub LossOscillation = "loss_oscillation" {
        title: "Loss oscillation",
        family: "optimization",
        course_baseline: false,
        what: "Over the last 50 steps the loss goes back and forth (its step-to-step changes \
               flip sign at least 60% of the time) with a relative amplitude (mean |change| / \
               mean loss) far above its own long-run level in this run. One of the course \
               page's TrainingEarlyWarning signs, made concrete.",
        why: "A loss that bounces instead of settling means the steps overshoot the valley: \
              the learning rate is too high for the curvature, or some batches pull the model \
              one way and others the other way (mislabelled or inconsistent data). It often \
              comes before divergence.",
        threshold: "Fires when the amplitude is above 4x its slow average (an EMA over about \
                    1000 steps), above 0.5 in absolute terms, with at least 60% sign changes, \
                    after 200 steps of warm-up. Minibatch noise alone already flips the sign \
                    about 2/3 of the time, so the amplitude carries the signal. In the lab's \
                    clean runs (4 datasets x 20 seeds x 1500 steps) the amplitude ratio peaks at \
                    2.6.",
        // The course page's recommendation for this warning sign.
        recommendation: "Training may be unstable, check for data issues",
    }
    settings {
        /// How many times its long-run level the amplitude must reach.
        ratio: f64 = 4.0, in [1.0, f64::INFINITY];
        /// The amplitude must also be above this.
        min_amplitude: f64 = 0.5, in [0.0, f64::INFINITY];
        /// Fraction of sign flips of the changes needed.
        min_flips: f64 = 0.6, in [0.0, 1.0];
        /// Steps the amplitude and flips are taken over.
        window: usize = 50, in [2, u32::MAX];
        /// Full windows that never fire.
        warmup: u64 = 200, in [0, u32::MAX];
    }
    state(s) {
        losses: RollingWindow = RollingWindow::new(s.window),
        changes: RollingWindow = RollingWindow::new(s.window),
        flips: RollingWindow = RollingWindow::new(s.window),
        prev_loss: Option<f64> = None,
        prev_change: Option<f64> = None,
        baseline: Baseline = Baseline::new(0.002),
        trigger: Trigger = Trigger::new(50).warmup(s.warmup),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let loss = finite(frame, names::LOSS)?;
        self.losses.push(loss);
        if let Some(prev) = self.prev_loss.replace(loss) {
            let change = loss - prev;
            if let Some(pc) = self.prev_change.replace(change) {
                self.flips.push(if change * pc < 0.0 { 1.0 } else { 0.0 });
            }
            self.changes.push(change.abs());
        }
        let level = self.losses.mean().abs();
        if !self.flips.is_full() || level <= 0.0 {
            return None;
        }
        let amplitude = self.changes.mean() / level;
        let flips = self.flips.mean();
        let warm = self.trigger.warm();
        let (usual, high) = self.baseline.judge(amplitude, |usual| {
            warm && flips >= s.min_flips
                && amplitude > s.min_amplitude
                && amplitude > s.ratio * usual
        });
        self.trigger.update(high).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Loss oscillation: over the last {} steps the loss moves by {:.0}% of its \
                     level per step ({:.1}x its usual {:.0}%), reversing direction {:.0}% of \
                     the time",
                    s.window,
                    100.0 * amplitude,
                    amplitude / usual,
                    100.0 * usual,
                    100.0 * flips
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::detectors::{feed, only_finding};
    use crate::rng::Rng;

    fn run(d: &mut LossOscillation, losses: &[f64]) -> Vec<Finding> {
        feed(d, names::LOSS, losses.iter().copied())
    }

    /// A decaying loss with 15% multiplicative minibatch noise.
    fn healthy(rng: &mut Rng, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                (0.2 + 0.8 * libm::exp(-(i as f64) / 300.0)) * (1.0 + 0.15 * rng.normal()).abs()
            })
            .collect()
    }

    #[test]
    fn quiet_on_minibatch_noise_fires_on_a_bouncing_loss() {
        let mut rng = Rng::new(6);
        let mut losses = healthy(&mut rng, 1000);
        assert!(run(&mut LossOscillation::default(), &losses).is_empty());
        // Overshooting: the loss alternates between the valley floor and a far wall.
        losses.extend((0..200).map(|i| {
            if i % 2 == 0 {
                0.25
            } else {
                1.5 + 0.1 * rng.normal()
            }
        }));
        let found = run(&mut LossOscillation::default(), &losses);
        only_finding(&found, &INFO, 1000..1030);
    }

    #[test]
    fn a_steady_climb_is_not_an_oscillation() {
        let mut rng = Rng::new(8);
        let mut losses = healthy(&mut rng, 1000);
        // Divergence, not oscillation: the loss doubles every few steps.
        let last = *losses.last().unwrap();
        losses.extend((1..100).map(|i| last * libm::exp(0.3 * i as f64)));
        assert!(run(&mut LossOscillation::default(), &losses).is_empty());
    }

    #[test]
    fn skips_missing_and_non_finite_losses() {
        let mut d = LossOscillation::default();
        for i in 0..500 {
            assert!(d.observe(&Frame::new(i)).is_none());
            let bad = if i % 2 == 0 { f64::NAN } else { f64::INFINITY };
            assert!(d.observe(&Frame::new(i).with(names::LOSS, bad)).is_none());
        }
    }
}
