//! Mode coverage: a generator stops drawing modes of the data it had
//! covered. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `modes_covered` has fallen well below its best.
    pub ModeCoverage = "mode_coverage" {
        title: "Mode coverage lost",
        family: "alignment",
        course_baseline: false,
        what: "The number of the data's modes with generated points near them (evaluated at a \
               fixed cadence on fixed noise) has fallen by at least 4 below the best the run \
               has reached, at 2 evaluations in a row.",
        why: "Mode collapse in a generative model: the generator draws a few of the data's modes \
              and drops the rest, while each of its samples still looks real (so its loss and \
              the discriminator's need not say so). Counting the modes it covers is the direct \
              measure GAN Lab and the unrolled-GAN paper use on the ring of Gaussians. Relative \
              to the run's own best, so a generator still learning its first modes is not a \
              collapse.",
        threshold: "4 modes lost (half of the ring's 8) at 2 evaluations in a row (50 steps at \
                     the GAN's cadence of 25). On seeds 1-20 of the lab's clean GAN (1,600 \
                     steps) a run loses at most 3 modes from its best, and never at 2 \
                     evaluations in a row; under gen_lr_too_high it loses 5 to 8 at the \
                     first evaluations after the onset.",
        recommendation: "Lower the generator's learning rate (or raise the discriminator's) back \
                         to a balanced ratio, keep a regulariser such as instance noise on, and \
                         roll back to a checkpoint from before the collapse.",
    }
    settings {
        /// Modes lost from the run's best that count as a collapse.
        lost: f64 = 4.0, in [1.0, f64::INFINITY];
        /// Evaluations in a row the loss must last.
        patience: u32 = 2, in [1, 1000];
    }
    state(s) {
        best: f64 = 0.0,
        trigger: Trigger = Trigger::new(20).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let modes = finite(frame, names::MODES_COVERED)?;
        self.best = self.best.max(modes);
        let best = self.best;
        self.trigger.update(modes <= best - s.lost).then(|| {
            INFO.finding(
                frame.step,
                Severity::Critical,
                format!(
                    "Mode collapse: the generator covers {modes} modes of the data, down from \
                     {best}: its samples sit on a few modes and the rest are dropped"
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;

    #[test]
    fn fires_on_a_lasting_loss_of_modes_once() {
        let mut d = ModeCoverage::default();
        let found = feed(
            &mut d,
            names::MODES_COVERED,
            [0.0, 1.0, 3.0, 8.0, 7.0, 2.0, 5.0, 3.0, 1.0, 0.0],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].step, found[0].severity), (8, Severity::Critical));
    }

    #[test]
    fn quiet_while_learning_and_without_the_metric() {
        let mut d = ModeCoverage::default();
        assert!(feed(&mut d, names::MODES_COVERED, [0.0, 0.0, 1.0, 2.0, 5.0, 8.0]).is_empty());
        assert!(feed(&mut d, names::LOSS, [0.0, 0.0, 0.0]).is_empty());
    }
}
