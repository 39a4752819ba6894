//! Progress stopped: the loss, still far from converged, stops falling
//! abruptly. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use std::collections::VecDeque;

use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the loss, falling a window ago, stops falling abruptly while
    /// still far above where it started towards.
    pub ProgressStopped = "progress_stopped" {
        title: "Progress stopped",
        family: "optimization",
        course_baseline: false,
        what: "The training loss is averaged over blocks of 20 steps, and the blocks over \
               windows of 3. It fires when the window before last fell at least 10% below the \
               one before it (the run was learning), the last window fell less than 3% below \
               the window before last (it stopped), and the last window is still above 0.3 x \
               the first block (far from converged). Reads the loss alone, not the learning \
               rate.",
        why: "Learning that stops abruptly while the loss is still high is a broken \
              optimiser, not convergence: a schedule that sends the learning rate to nearly \
              zero, a frozen parameter group, an optimizer whose step is no longer called, \
              gradients detached by mistake. Many logs record no learning rate, so it must be \
              read from the loss. `loss_plateau` waits for 1,000 steps of a flat loss; this \
              fires about three windows (180 steps) after the stop.",
        threshold: "Blocks of 20 steps, windows of 3 blocks; a fall of 10% and then of less \
                    than 3%, above 0.3 x the first block. Chosen on the tuning part of the \
                    second corpus (corpus/): a mean of 60 minibatch losses moves by about 2% \
                    from noise alone; its stopped runs stop at 50-80% of their starting loss, \
                    its clean runs slow down gradually and flatten only below 30% of it. \
                    Tuning part: 10 of 10 stopped runs caught, no clean run flagged.",
        recommendation: "Check the learning rate actually applied (schedule, optimizer state), \
                         that the optimizer step is called and that every parameter group \
                         still receives gradients.",
    }
    settings {
        /// Losses averaged into one block.
        block: u64 = 20, in [1, u32::MAX];
        /// Blocks averaged into one window.
        window: u64 = 3, in [1, 1000];
        /// The fall, as a share, the window before last must show (it was learning).
        fall: f64 = 0.1, in [0.0, 1.0];
        /// The fall, as a share, below which the last window counts as stopped.
        flat: f64 = 0.03, in [0.0, 1.0];
        /// The level, as a share of the first block's, above which the run is far from converged.
        unconverged: f64 = 0.3, in [0.0, f64::INFINITY];
    }
    state(s) {
        /// The sum and count of the block being filled.
        sum: f64 = 0.0,
        count: u64 = 0,
        /// The first block's mean.
        first: Option<f64> = None,
        /// The means of the last `3 x window` blocks, oldest first.
        blocks: VecDeque<f64> = VecDeque::with_capacity(3 * s.window as usize),
        trigger: Trigger = Trigger::new(u32::MAX),
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
        let w = s.window as usize;
        if self.blocks.len() == 3 * w {
            self.blocks.pop_front();
        }
        self.blocks.push_back(mean);
        if self.blocks.len() < 3 * w {
            return None;
        }
        // The three windows' means, oldest first (a few dozen blocks at most).
        let avg = |k: usize| self.blocks.range(k * w..(k + 1) * w).sum::<f64>() / w as f64;
        let (before, then, now) = (avg(0), avg(1), avg(2));
        let stopped = then < before * (1.0 - s.fall)
            && now >= then * (1.0 - s.flat)
            && now > s.unconverged * first;
        self.trigger.update(stopped).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Progress stopped: the loss fell from {before:.4} to {then:.4} and then \
                     stayed at {now:.4} (windows of {} steps), still {:.0}% of its first level \
                     {first:.4}",
                    s.block * s.window,
                    100.0 * now / first
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
        only_finding(&found, &INFO, 100..300);
    }

    #[test]
    fn quiet_when_the_loss_converges_gradually() {
        let losses: Vec<f64> = (0..1000)
            .map(|i| 0.02 + libm::exp(-0.02 * i as f64))
            .collect();
        assert!(feed(&mut ProgressStopped::default(), names::LOSS, losses).is_empty());
    }
}
