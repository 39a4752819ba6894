//! Loss level jump: the training loss's level jumps up and stays, as when the
//! labels are corrupted. Documented in [`INFO`].

use super::kit::{declare_detector, Baseline, Latch, Observe, Trigger};
use super::stats::Ema;
use super::{finite, times, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the smoothed training loss jumps to several times its own
    /// level and stays there.
    pub LossLevelJump = "loss_level_jump" {
        title: "Loss level jump",
        family: "data",
        course_baseline: false,
        what: "The training loss, smoothed over about 5 steps, stays for 10 steps in a row \
               above twice its own slow level (an EMA that learns only ordinary values) and \
               above it by more than a quarter of the run's starting loss; or a single loss \
               leaps to 10x that level and above it by more than the run's very first loss, \
               where the untrained network stood (then it fires on that step).",
        why: "A training loss that jumps to a new, higher level in one step and stays there, \
              without diverging, means the task changed under the network: labels corrupted \
              or shuffled, a new data source mixed in, a broken preprocessing step. The \
              generalisation gap shows it only hundreds of steps later; the training loss \
              shows it at once. A single leap far above the start is a step that blew up (a \
              learning-rate spike) or a batch of garbage: the run may overflow on the next \
              steps, so it fires at once, with or without a learning-rate column.",
        threshold: "2x the slow level and a rise of 0.25 x the starting loss, for 10 steps, after \
                    30 steps of warm-up. Chosen on the tuning part of the second corpus \
                    (corpus/): corrupting 40-80% of the labels lifts the smoothed loss 3-20x; \
                    the absolute rise keeps near-zero losses quiet, whose minibatch noise \
                    alone moves them several-fold. The leap: 10x the level and a rise of 1x the \
                    first loss; the tuning part's clean runs never exceed 7.2x their level, \
                    the lab's clean runs (seeds 1-20) reach 12.9x on one minibatch of an easy \
                    dataset but never rise by more than 0.3x their first loss; the spiked runs \
                    leap 30-300x, and by 1.4-170x their first loss, on the first steps after \
                    the spike.",
        recommendation: "Check the data fed since the jump: labels, sources, preprocessing; \
                         compare a batch from before and after.",
    }
    settings {
        /// How many times its level the smoothed loss must reach.
        factor: f64 = 2.0, in [1.0, f64::INFINITY];
        /// The rise above the level, as a share of the starting loss, it must also reach.
        rise: f64 = 0.25, in [0.0, f64::INFINITY];
        /// Consecutive steps the condition must hold.
        patience: u32 = 10, in [1, u32::MAX];
        /// How many times its level one loss must leap to fire at once.
        leap: f64 = 10.0, in [1.0, f64::INFINITY];
        /// The leap above the level, as a share of the run's first loss.
        leap_rise: f64 = 1.0, in [0.0, f64::INFINITY];
        /// Losses that never fire.
        warmup: u64 = 30, in [0, u32::MAX];
    }
    state(s) {
        /// The run's very first loss: the untrained network's.
        first: f64 = f64::NAN,
        /// The smoothed loss after the first 10 losses: the run's starting loss.
        start: f64 = f64::NAN,
        /// The loss smoothed over about 5 steps.
        fast: Ema = Ema::with_span(5.0),
        /// Fires once for a leap.
        leaped: Latch = Latch::new(50),
        /// The smoothed loss's slow level.
        level: Baseline = Baseline::new(0.05),
        trigger: Trigger = Trigger::new(50).warmup(s.warmup).patience(s.patience),
    }
}

/// Losses smoothed into the starting loss.
const START: u64 = 10;

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let loss = finite(frame, names::LOSS)?;
        let fast = self.fast.update(loss);
        if self.first.is_nan() {
            self.first = loss;
        }
        if self.trigger.seen() < START {
            self.start = fast;
        }
        // Ratios of levels mean something only for a positive loss (a policy
        // gradient's loss, around zero and of either sign, is not judged).
        let warm = self.trigger.warm() && self.start > 0.0 && fast > 0.0;
        let start = self.start;
        let (level, jumped) = self.level.judge(fast, |level| {
            warm && level > 0.0 && fast > s.factor * level && fast - level > s.rise * start
        });
        let leap = warm
            && level > 0.0
            && self.first > 0.0
            && loss > s.leap * level
            && loss - level > s.leap_rise * self.first;
        if self.leaped.update(leap) {
            self.trigger.update(jumped);
            return Some(INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Loss level jump: the training loss leapt to {loss:.4}, {}x its level \
                     {level:.4}, in one step: a step that blew up or data that changed",
                    times(loss / level)
                ),
            ));
        }
        self.trigger.update(jumped).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Loss level jump: the smoothed training loss {fast:.4} has stood at {}x its \
                     level {level:.4} for {} steps: the data or its labels may have changed",
                    times(fast / level),
                    self.trigger.streak()
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{feed, only_finding};
    use crate::rng::Rng;

    #[test]
    fn fires_soon_after_the_level_jumps_and_not_on_noise_near_zero() {
        let mut rng = Rng::new(3);
        let mut losses: Vec<f64> = (0..300)
            .map(|i| (0.01 + 2.0 * libm::exp(-0.03 * i as f64)) * libm::exp(0.5 * rng.normal()))
            .collect();
        assert!(feed(&mut LossLevelJump::default(), names::LOSS, losses.clone()).is_empty());
        losses.extend((0..100).map(|_| 1.2 * libm::exp(0.2 * rng.normal())));
        let found = feed(&mut LossLevelJump::default(), names::LOSS, losses);
        only_finding(&found, &INFO, 300..330);
    }

    #[test]
    fn a_single_leap_fires_at_once_only_above_the_first_loss() {
        // An easy run: from 0.7 down to 0.02 within a few dozen steps.
        let mut losses: Vec<f64> = (0..300)
            .map(|i| 0.02 + 0.68 * libm::exp(-0.1 * i as f64))
            .collect();
        // One hard minibatch at 12x the level, below the first loss: noise.
        losses.push(0.25);
        losses.extend([0.02; 20]);
        assert!(feed(&mut LossLevelJump::default(), names::LOSS, losses.clone()).is_empty());
        // A step that blew up, far above where the untrained network stood.
        losses.push(3.0);
        let found = feed(&mut LossLevelJump::default(), names::LOSS, losses);
        let f = only_finding(&found, &INFO, 321..322);
        assert!(f.message.contains("in one step"), "{}", f.message);
    }
}
