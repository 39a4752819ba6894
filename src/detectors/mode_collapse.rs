//! Mode collapse: the learner gives the same few responses to diverse
//! prompts. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `diversity_ratio` is below the threshold.
    pub ModeCollapse = "mode_collapse" {
        title: "Mode collapse",
        family: "alignment",
        course_baseline: true,
        what: "The diversity ratio of a step's responses (distinct responses / responses \
               sampled, over the batch of diverse prompts) is below a fixed threshold.",
        why: "A model that says the same few things whatever it is asked has collapsed onto a \
              few modes of its output distribution: nothing pushes it back, because a policy \
              that no longer samples an alternative gets no gradient towards it. The course's \
              RLHF case study.",
        threshold: "Diversity ratio < 0.1, the course page's ModeCollapseDetector (\"SEVERE MODE \
                    COLLAPSE\"). In the lab's agent, 64 prompts of 5 kinds: at most 6 distinct \
                    responses. Clean agent runs stay at or above 0.156 (10 of 64) once past their \
                    first 100 steps (one right response type per kind, several phrasings \
                    each); a collapsed one shows 5/64 = 0.078, one phrasing per kind. In the \
                    lab's GAN, 64 generated points binned in cells of two data standard \
                    deviations: a generator on the whole ring fills 0.4 to 0.9, one bunched on \
                    a mode or two falls below 0.1, one spread between a few modes does not.",
        recommendation: "Increase the sampling temperature and add a diversity penalty (an \
                         entropy bonus); roll back to a checkpoint from before the collapse.",
    }
    settings {
        /// Ratio below which the detector fires.
        threshold: f64 = 0.1, in [0.0, 1.0];
    }
    state(s) {
        trigger: Trigger = Trigger::new(50),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let ratio = finite(frame, names::DIVERSITY_RATIO)?;
        self.trigger.update(ratio < s.threshold).then(|| {
            INFO.finding(
                frame.step,
                Severity::Critical,
                format!(
                    "Severe mode collapse: diversity ratio {ratio:.3}, below {}: the batch's \
                     prompts got only a few distinct responses",
                    s.threshold
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

    #[test]
    fn fires_below_the_threshold_once() {
        let mut d = ModeCollapse::default();
        let found = feed(&mut d, names::DIVERSITY_RATIO, [0.4, 0.2, 0.1, 0.08, 0.05]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].step, found[0].severity), (3, Severity::Critical));
    }

    #[test]
    fn silent_without_the_metric_and_the_threshold_is_a_setting() {
        let mut d = ModeCollapse::default();
        assert!(d.observe(&Frame::new(0).with(names::LOSS, 0.0)).is_none());
        assert!(
            feed(
                &mut ModeCollapse::with(Settings { threshold: 0.5 }),
                names::DIVERSITY_RATIO,
                [0.4]
            )
            .len()
                == 1
        );
    }
}
