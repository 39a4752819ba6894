//! Progress stopped: the loss, still far from converged, stops falling
//! abruptly. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the loss's block means stop falling abruptly, far above
    /// where the run started towards.
    pub ProgressStopped = "progress_stopped" {
        title: "Progress stopped",
        family: "optimization",
        course_baseline: false,
        what: "The training loss, averaged over blocks of 20 steps, was falling (the block \
               before fell at least 5% below its predecessor) and then stops: the next 2 \
               blocks each fall less than 3%, while their mean is still above 30% of the \
               first block's (far from converged). Reads the loss alone, not the learning \
               rate.",
        why: "Learning that stops abruptly while the loss is still high is a broken \
              optimiser, not convergence: a schedule that sends the learning rate to nearly \
              zero, a frozen parameter group, an optimizer whose step is no longer called, \
              gradients detached by mistake. Many logs record no learning rate, so it must be \
              read from the loss. `loss_plateau` waits for 1,000 steps of a flat loss; this \
              fires within three blocks of the stop.",
        threshold: "Blocks of 20 steps; a fall of 5% in the block before, then 2 blocks of less \
                    than 3% each, at a level above 0.3 x the first block's. Chosen on the tuning \
                    part of the second corpus (corpus/): a mean of 20 minibatch losses moves by \
                    about 2% from noise alone; its stopped runs sit at 40-90% of their first \
                    block, its clean runs slow down gradually and below 30% of it.",
        recommendation: "Check the learning rate actually applied (schedule, optimizer state), \
                         that the optimizer step is called and that every parameter group \
                         still receives gradients.",
    }
    settings {
        /// Losses averaged into one block.
        block: u64 = 20, in [2, u32::MAX];
        /// The fall, as a share, below which a block counts as no progress.
        flat: f64 = 0.03, in [0.0, 1.0];
        /// The fall, as a share, the block before the stop must show.
        fall: f64 = 0.05, in [0.0, 1.0];
        /// The level, as a share of the first block's, above which the run is far from converged.
        unconverged: f64 = 0.3, in [0.0, f64::INFINITY];
        /// Blocks in a row without progress.
        patience: u32 = 2, in [1, u32::MAX];
    }
    state(s) {
        /// The sum and count of the block being filled.
        sum: f64 = 0.0,
        count: u64 = 0,
        /// The first block's mean.
        first: Option<f64> = None,
        /// The means of the last `patience + 2` blocks, newest last.
        recent: Vec<f64> = Vec::with_capacity(s.patience as usize + 2),
        trigger: Trigger = Trigger::new(1).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        self.sum += finite(frame, names::LOSS)?;
        self.count += 1;
        if self.count < s.block {
            return None;
        }
        let mean = self.sum / self.count as f64;
        (self.sum, self.count) = (0.0, 0);
        let first = *self.first.get_or_insert(mean);
        let keep = s.patience as usize + 2;
        if self.recent.len() == keep {
            self.recent.remove(0);
        }
        self.recent.push(mean);
        let n = self.recent.len();
        let no_progress = n >= 2 && mean >= self.recent[n - 2] * (1.0 - s.flat);
        // The blocks before the flat streak: the last one fell.
        let fell = n == keep && self.recent[1] < self.recent[0] * (1.0 - s.fall);
        let far = mean > s.unconverged * first;
        let fire = self.trigger.update(no_progress);
        (fire && fell && far).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Progress stopped: the loss fell from {:.4} to {:.4}, then stayed at {mean:.4} \
                     for {} blocks of {} steps, still {:.0}% of its first level {first:.4}",
                    self.recent[0],
                    self.recent[1],
                    s.patience,
                    s.block,
                    100.0 * mean / first
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{feed, only_finding};

    #[test]
    fn fires_when_a_falling_loss_stops_far_from_converged() {
        // Falls 1% a step for 100 steps (to 0.37), then stays.
        let losses: Vec<f64> = (0..300)
            .map(|i| libm::exp(-0.01 * (i.min(100) as f64)))
            .collect();
        let found = feed(&mut ProgressStopped::default(), names::LOSS, losses);
        only_finding(&found, &INFO, 100..200);
    }

    #[test]
    fn quiet_when_the_loss_converges_gradually() {
        let losses: Vec<f64> = (0..1000)
            .map(|i| 0.02 + libm::exp(-0.02 * i as f64))
            .collect();
        assert!(feed(&mut ProgressStopped::default(), names::LOSS, losses).is_empty());
    }
}
