//! Broken start: the run's first frames are already outside what any healthy
//! network shows. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when one of the first losses or gradient norms is far beyond a
    /// freshly initialised network's.
    pub BrokenStart = "broken_start" {
        title: "Broken from the start",
        family: "optimization",
        course_baseline: false,
        what: "One of the run's first few training losses is above what a freshly \
               initialised classifier can give, or one of its first gradient norms is huge. \
               Only the first frames are judged; later steps never fire.",
        why: "A healthy network starts near chance: its cross-entropy is about ln(classes) \
              (0.69 for two classes, 2.3 for ten, 6.9 for a thousand, 10.8 for a 50,000-token \
              vocabulary), and its gradients are of order one. A first loss in the tens or \
              hundreds means logits in the tens or hundreds: weights initialised far too \
              large (or inputs not normalised), which overflow to NaN within a step or two. \
              Judged on the first frames, the run is flagged before the damage, when a \
              restart with a proper initialisation costs nothing.",
        threshold: "A first loss above 12 (above ln(50,000) = 10.8, the chance loss of any \
                    common classifier) or a first gradient norm above 50, within the first \
                    3 frames. Chosen on the tuning part of the second corpus (corpus/): its \
                    bad initialisations start at losses of 17 and more or norms of 60 and \
                    more, its clean runs at losses below 4 and norms below 15. A regression \
                    loss on unscaled targets can start higher: raise `max_loss` there.",
        recommendation: "Stop and restart with a smaller initialisation (He or Xavier scale) \
                         and normalised inputs; check the first loss against ln(classes).",
    }
    settings {
        /// The largest first loss a healthy classifier gives.
        max_loss: f64 = 12.0, in [0.0, f64::INFINITY];
        /// The largest first gradient norm a healthy network gives.
        max_grad_norm: f64 = 50.0, in [0.0, f64::INFINITY];
        /// How many first frames are judged.
        frames: u64 = 3, in [1, u32::MAX];
    }
    state(s) {
        /// Frames seen so far.
        seen: u64 = 0,
        trigger: Trigger = Trigger::new(u32::MAX),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        if self.seen >= s.frames {
            return None;
        }
        self.seen += 1;
        let loss = finite(frame, names::LOSS).filter(|&l| l > s.max_loss);
        let norm = finite(frame, names::GRAD_NORM).filter(|&n| n > s.max_grad_norm);
        let what = match (loss, norm) {
            (Some(l), _) => format!(
                "the training loss {l:.4} is above {}, beyond the chance loss ln(classes) of \
                 any common classifier",
                s.max_loss
            ),
            (None, Some(n)) => format!(
                "the gradient norm {n:.4e} is above {}, where a fresh network's is of order one",
                s.max_grad_norm
            ),
            (None, None) => String::new(),
        };
        self.trigger.update(!what.is_empty()).then(|| {
            INFO.finding(
                frame.step,
                Severity::Critical,
                format!("Broken from the start: on frame {} of the run, {what}", self.seen),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{feed, only_finding, Detector};

    #[test]
    fn fires_on_a_huge_first_loss_and_never_after_the_first_frames() {
        let mut d = BrokenStart::default();
        let found = feed(&mut d, names::LOSS, [150.0, f64::NAN, f64::NAN]);
        only_finding(&found, &INFO, 0..1);
        d.reset();
        // Near chance at the start: quiet, and a later spike is not its business.
        assert!(feed(&mut d, names::LOSS, [2.3, 2.2, 2.1, 500.0]).is_empty());
    }

    #[test]
    fn fires_on_a_huge_first_gradient_norm() {
        let mut d = BrokenStart::default();
        assert!(d.observe(&Frame::new(0).with(names::LOSS, 2.0)).is_none());
        let f = d.observe(&Frame::new(1).with(names::GRAD_NORM, 1e4)).unwrap();
        assert!(f.message.contains("gradient norm"), "{}", f.message);
        assert!(d.observe(&Frame::new(2).with(names::GRAD_NORM, 1e4)).is_none());
    }
}
