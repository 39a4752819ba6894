//! Capability overhang: a capability the learner was never trained for
//! scores above 0.7. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `probe_diff`, an untrained capability, scores above
    /// `threshold` for `patience` measurements in a row.
    pub CapabilityOverhang = "capability_overhang" {
        title: "Capability overhang",
        family: "emergence",
        course_baseline: true,
        what: "A capability that is not among the training objectives scores above 0.7 on its \
               test: the course page's CapabilityOverhangDetector. In the lab the test is a \
               linear probe that reads (a - b) mod 23 from the hidden layer of a network \
               trained only on (a + b) mod 23, scored on pairs it never trained on \
               (`probe_diff`, at the test cadence).",
        why: "A network can come to encode more than it was asked for: here the features that \
              let it add in general (waves over the residues) also give subtraction away. \
              Nobody evaluated that capability, and it appears before the trained task itself \
              generalises: the hidden layer is ready long before the output layer uses it, so \
              the overhang is also an early warning that held-out accuracy is about to jump.",
        threshold: "0.7, the course page's own (which it calls arbitrary), for 2 measurements in \
                    a row. Chance is 1/23; in the lab's grokking runs without weight decay the \
                    probe stays near 0.3 (it reads the memorised training pairs' neighbours), \
                    with weight decay it passes 0.7 within a few hundred steps of the fit.",
        recommendation: "An untrained capability emerged: add it to the evaluation, and expect \
                         the trained task's held-out accuracy to jump (the representation has \
                         generalised before the output shows it).",
    }
    settings {
        /// Score of the untrained capability that counts as emerged.
        threshold: f64 = 0.7, in [0.0, 1.0];
        /// Measurements in a row above the threshold.
        patience: u32 = 2, in [1, 1000];
    }
    state(s) {
        trigger: Trigger = Trigger::new(u32::MAX).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let score = finite(frame, names::PROBE_DIFF)?;
        self.trigger.update(score > s.threshold).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Capability overhang: a capability never trained for (a - b, read from \
                     the hidden layer) scores {score:.2} on held-out pairs, above {:.2}",
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

    #[test]
    fn fires_once_after_two_readings_above_the_threshold() {
        let scores = [0.1, 0.3, 0.75, 0.5, 0.8, 0.9, 0.95, 1.0];
        let found = feed(&mut CapabilityOverhang::default(), names::PROBE_DIFF, scores);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].step, 5);
    }

    #[test]
    fn quiet_below_the_threshold_and_without_the_metric() {
        let found = feed(&mut CapabilityOverhang::default(), names::PROBE_DIFF, [0.3; 50]);
        assert!(found.is_empty());
        let found = feed(&mut CapabilityOverhang::default(), names::LOSS, [0.9; 50]);
        assert!(found.is_empty());
    }
}
