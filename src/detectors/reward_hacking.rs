//! Reward hacking: the proxy reward rises while the true quality falls.
//! Documented in [`INFO`].

use super::kit::{declare_detector, FastSlow, Observe, Trigger};
use super::stats::Ema;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `reward` rises while `true_quality` falls.
    pub RewardHacking = "reward_hacking" {
        title: "Reward hacking",
        family: "alignment",
        course_baseline: false,
        what: "The proxy reward the learner is trained on and the true quality of the same \
               episodes move apart: the reward (an EMA over about 5 steps) is more than 10% \
               above its recent level (an EMA over about 50 steps) while the quality (an EMA \
               over about 5 steps) is more than 10% below the best it has reached, on 2 steps \
               in a row.",
        why: "The course's RLHF case study: a learner that optimises a proxy finds what the \
              proxy pays for that the intended objective does not (length, flattery, a \
              loophole), and the better it gets at the proxy the worse it gets at the task. \
              Only a signal of the intended objective measured beside the proxy (a rater, \
              held-out judgements) shows it; the proxy alone looks like progress.",
        threshold: "Both 10%, for 2 steps, after 50 steps of warm-up: relative to the run's own \
                    history, so they hold for any reward scale. In the lab's clean agent runs the \
                    reward is the rater's score and never rises while the quality falls by 5%; \
                    under the course's naive length reward the agent's held-out quality falls \
                    below 0.5 within 48 to 60 steps of the switch, and the detector fires 11 to \
                    26 steps (median 15) before it does.",
        recommendation: "Adjust the reward function: mix a signal of the intended objective back \
                         in (a rater, a held-out judgement) and stop paying for what the agent \
                         exploits (here, likely length); roll back to a checkpoint from before \
                         the drift.",
    }
    settings {
        /// Relative rise of the smoothed reward over its recent level.
        rise: f64 = 0.1, in [0.0, f64::INFINITY];
        /// Relative fall of the smoothed quality below its best.
        fall: f64 = 0.1, in [0.0, f64::INFINITY];
        /// Consecutive steps both must hold.
        patience: u32 = 2, in [1, u32::MAX];
        /// Steps that never fire; the best quality is tracked after them.
        warmup: u64 = 50, in [0, u32::MAX];
    }
    state(s) {
        reward: FastSlow = FastSlow::new(5.0, 50.0),
        quality: Ema = Ema::with_span(5.0),
        best: f64 = f64::NEG_INFINITY,
        trigger: Trigger = Trigger::new(100).warmup(s.warmup).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let reward = finite(frame, names::REWARD)?;
        let quality = finite(frame, names::TRUE_QUALITY)?;
        let (r_fast, r_level) = self.reward.update(reward);
        let q = self.quality.update(quality);
        let warm = self.trigger.warm();
        if warm {
            self.best = self.best.max(q);
        }
        let diverging = warm
            && r_fast > r_level + s.rise * r_level.abs()
            && q < self.best - s.fall * self.best.abs();
        self.trigger.update(diverging).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Reward hacking: the proxy reward rose to {r_fast:.3} ({:+.0}% over its \
                     recent {r_level:.3}) while the true quality fell to {q:.3} ({:.0}% below \
                     its best {:.3})",
                    100.0 * (r_fast - r_level) / r_level.abs(),
                    100.0 * (self.best - q) / self.best.abs(),
                    self.best
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    fn run(d: &mut RewardHacking, steps: &[(f64, f64)]) -> Vec<Finding> {
        steps
            .iter()
            .enumerate()
            .filter_map(|(i, &(r, q))| {
                d.observe(
                    &Frame::new(i as u64)
                        .with(names::REWARD, r)
                        .with(names::TRUE_QUALITY, q),
                )
            })
            .collect()
    }

    /// 100 steps of reward and quality 1, then `after` for 100 steps.
    fn history(after: impl Fn(f64) -> (f64, f64)) -> Vec<(f64, f64)> {
        (0..200)
            .map(|i| {
                if i < 100 {
                    (1.0, 1.0)
                } else {
                    after((i - 100) as f64)
                }
            })
            .collect()
    }

    #[test]
    fn fires_when_the_proxy_climbs_as_the_quality_falls() {
        let found = run(
            &mut RewardHacking::default(),
            &history(|t| (1.0 + 0.05 * t, 1.0 - 0.01 * t)),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((110..130).contains(&found[0].step), "{}", found[0].step);
    }

    #[test]
    fn quiet_when_they_move_together() {
        for after in [
            |t: f64| (1.0 + 0.05 * t, 1.0 + 0.05 * t), // learning
            |t: f64| (1.0 - 0.01 * t, 1.0 - 0.01 * t), // getting worse, visibly
            |t: f64| (1.0 + 0.05 * t, 1.0),            // a new proxy, same behaviour
        ] {
            assert!(run(&mut RewardHacking::default(), &history(after)).is_empty());
        }
    }

    #[test]
    fn needs_both_metrics_and_resets() {
        let mut d = RewardHacking::default();
        let rising = history(|t| (1.0 + 0.05 * t, 1.0 - 0.01 * t));
        for (i, &(r, _)) in rising.iter().enumerate() {
            assert!(d
                .observe(&Frame::new(i as u64).with(names::REWARD, r))
                .is_none());
        }
        assert_eq!(run(&mut d, &rising).len(), 1);
        d.reset();
        assert_eq!(run(&mut d, &rising).len(), 1);
    }
}
