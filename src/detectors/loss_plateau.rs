//! Loss plateau: the loss has stopped changing over a long window.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::RollingWindow;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the loss variance over the window is below the threshold.
    pub LossPlateau = "loss_plateau" {
        title: "Loss plateau",
        family: "optimization",
        course_baseline: true,
        what: "The variance of the training loss over the last 1000 steps is below a fixed \
               threshold.",
        why: "A flat loss means training makes no progress: the learning rate is too small, \
              the gradients have vanished, or the optimiser sits on a saddle or in a poor \
              minimum. Steps spent there are wasted.",
        threshold: "Variance < 1e-6 over a window of 1000 steps, the course page's \
                    OptimizationFailures.loss_plateau. Absolute and strict: the minibatch noise of \
                    the lab's runs (a variance of 2e-5 to 1e-3 over 1000 steps, even once \
                    converged) already exceeds it, so it catches only losses that are truly \
                    frozen: a network killed by a learning-rate spike, or a full-batch loss.",
        recommendation: "Raise the learning rate or use a schedule with warm restarts, switch to \
                         an adaptive optimiser (Adam), and check for vanishing gradients. If the \
                         loss is already as low as you need, stop training.",
    }
    settings {
        /// Variance below which the detector fires.
        threshold: f64 = 1e-6, in [0.0, f64::INFINITY];
        /// Losses the variance is taken over (and quiet steps before it re-arms).
        window: usize = 1000, in [2, u32::MAX];
    }
    state(s) {
        values: RollingWindow = RollingWindow::new(s.window),
        trigger: Trigger = Trigger::new(s.window.min(u32::MAX as usize) as u32),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        self.values.push(finite(frame, names::LOSS)?);
        let var = self.values.variance();
        let flat = self.values.is_full() && var < s.threshold;
        self.trigger.update(flat).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Loss plateau: the loss variance over the last {} steps is {var:.2e}, \
                     below {:.0e}; the loss is stuck near {:.4}",
                    s.window,
                    s.threshold,
                    self.values.mean()
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::rng::Rng;

    fn feed(d: &mut LossPlateau, from: u64, losses: impl Iterator<Item = f64>) -> Vec<u64> {
        losses
            .enumerate()
            .filter_map(|(i, l)| {
                d.observe(&Frame::new(from + i as u64).with(names::LOSS, l))
                    .map(|f| f.step)
            })
            .collect()
    }

    #[test]
    fn fires_once_the_window_is_full_of_a_flat_loss() {
        let mut rng = Rng::new(1);
        let mut d = LossPlateau::default();
        // Learning: a falling, noisy loss never fires.
        let learning = (0..2000).map(|i| 1.0 / (1.0 + 0.01 * i as f64) + 0.01 * rng.normal());
        assert!(feed(&mut d, 0, learning).is_empty());
        // Stuck: 1e-4 noise (variance 1e-8) on a constant.
        let stuck: Vec<f64> = (0..1500).map(|_| 0.7 + 1e-4 * rng.normal()).collect();
        let fired = feed(&mut d, 2000, stuck.into_iter());
        assert_eq!(fired.len(), 1, "once: {fired:?}");
        // The window is full of stuck values only after 1000 of them, and the
        // learning tail keeps the variance up until it has slid out.
        assert!(fired[0] > 2000 && fired[0] <= 3000, "{fired:?}");
    }

    #[test]
    fn a_huge_loss_sliding_out_of_the_window_is_no_plateau() {
        // Issue 13: after the automatic response rolled a spiked run back,
        // "Loss plateau ... variance 0.00e0" fired on a visibly noisy loss.
        // The spike's huge (finite) losses entered the window; sliding them
        // out again cancelled the running sums to nothing (or below zero,
        // read as 0), until the next exact recount.
        let mut rng = Rng::new(3);
        let mut d = LossPlateau::default();
        let before = (0..1200).map(|_| 0.5 + 0.05 * rng.normal());
        assert!(feed(&mut d, 0, before).is_empty());
        let spike = [1e3, 1e8, 1e12, 1e15];
        assert!(feed(&mut d, 1200, spike.into_iter()).is_empty());
        // Rolled back: the same noisy loss again (variance 2.5e-3).
        let after: Vec<f64> = (0..3000).map(|_| 0.5 + 0.05 * rng.normal()).collect();
        let fired = feed(&mut d, 1204, after.into_iter());
        assert!(fired.is_empty(), "a noisy loss read as flat at {fired:?}");
    }

    #[test]
    fn skips_missing_and_non_finite_losses() {
        let mut d = LossPlateau::with(Settings {
            window: 3,
            threshold: 1e-6,
        });
        for step in 0..2 {
            assert!(d
                .observe(&Frame::new(step).with(names::LOSS, 1.0))
                .is_none());
        }
        assert!(d.observe(&Frame::new(2)).is_none());
        assert!(d
            .observe(&Frame::new(3).with(names::LOSS, f64::NAN))
            .is_none());
        assert!(d.observe(&Frame::new(4).with(names::LOSS, 1.0)).is_some());
    }
}
