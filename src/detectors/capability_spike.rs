//! Capability spike: a score on one of the learner's capability tests
//! jumps abruptly. Documented in [`INFO`].

use std::collections::VecDeque;

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

/// The capability tests it reads: scores in [0, 1] measured at the test
/// cadence, with the capability each one tests.
const TESTS: [(&str, &str); 2] = [
    (names::PROBE_SUM, "the held-out task (a + b, read from the hidden layer)"),
    (names::PROBE_DIFF, "a task never trained for (a - b, read from the hidden layer)"),
];

declare_detector! {
    /// Fires when a capability test's score rises `jump` above its lowest
    /// of the last `window` measurements.
    pub CapabilitySpike = "capability_spike" {
        title: "Capability spike",
        family: "emergence",
        course_baseline: false,
        what: "A score on the learner's capability test suite (run at the test cadence: a \
               linear probe reading the held-out task, and one reading a task never trained \
               for, from the hidden layer) rises by 0.3 or more within 4 measurements. One of \
               the course page's TrainingEarlyWarning signs (\"unexpected capability \
               emergence\"), made concrete on capability scores. It reads no reward: a reward \
               that jumps is a reward, not a capability (reward hacking has its own detectors).",
        why: "Capabilities measured on a fixed suite grow gradually while a network fits; an \
              abrupt rise means the network has found a new way to compute, one that nobody \
              has evaluated yet. In the lab's grokking runs the probes jump from chance within \
              a hundred steps while held-out accuracy is still at chance: the representation \
              has changed long before the output shows it.",
        threshold: "A rise of 0.3 (scores in [0, 1]) over the lowest of the last 4 measurements \
                    (200 steps at the default test cadence of 50). On the lab's grokking runs \
                    with weight decay (seeds 1-20) the untrained probe rises by 0.3-0.6 within \
                    two measurements (it fires at step 100 on all 20, 840 steps before held-out \
                    accuracy passes 0.7, median); without it the probes mostly creep up, and \
                    the jump fired on 1 of the 20 controls. On seeds 201-220: all 20 runs with \
                    weight decay, none of the 20 controls.",
        recommendation: "Unexpected capability emergence: increase evaluation. Test what the \
                         model can now do, trained for or not, before trusting it.",
    }
    settings {
        /// Rise of a score that counts as a jump.
        jump: f64 = 0.3, in [0.0, 1.0];
        /// Measurements the rise is counted over.
        window: u32 = 4, in [2, 1000];
    }
    state(s) {
        recent: [VecDeque<f64>; 2] = Default::default(),
        trigger: Trigger = Trigger::new(u32::MAX),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let mut spike = None;
        for ((name, what), recent) in TESTS.iter().zip(&mut self.recent) {
            let Some(score) = finite(frame, name) else {
                continue;
            };
            if recent.len() >= s.window as usize {
                recent.pop_front();
            }
            let low = recent.iter().copied().fold(f64::INFINITY, f64::min);
            recent.push_back(score);
            if score - low >= s.jump && spike.is_none() {
                spike = Some((what, low, score));
            }
        }
        // Steps without a capability test leave the trigger alone.
        if spike.is_none() && TESTS.iter().all(|(n, _)| finite(frame, n).is_none()) {
            return None;
        }
        let fired = self.trigger.update(spike.is_some());
        let (what, low, score) = spike.filter(|_| fired)?;
        Some(INFO.finding(
            frame.step,
            Severity::Warning,
            format!(
                "Capability spike: {what} jumped from {low:.2} to {score:.2} within {} \
                 measurements",
                s.window
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::detectors::Detector;

    #[test]
    fn fires_once_when_a_capability_score_jumps() {
        let scores = [0.01, 0.05, 0.09, 0.4, 0.6, 0.9, 0.95, 0.2, 0.9];
        let found = feed(&mut CapabilitySpike::default(), names::PROBE_DIFF, scores);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].step, 3);
        assert!(found[0].message.contains("never trained"), "{}", found[0].message);
    }

    #[test]
    fn quiet_on_a_slow_rise_and_on_a_jumping_reward() {
        let slow = (0..100).map(|i| 0.01 + 0.003 * i as f64);
        assert!(feed(&mut CapabilitySpike::default(), names::PROBE_SUM, slow).is_empty());
        // The agent's proxy reward tripling is no capability.
        let reward = (0..500).map(|i| if i < 400 { 1.0 } else { 3.0 });
        assert!(feed(&mut CapabilitySpike::default(), names::REWARD, reward).is_empty());
        let mut d = CapabilitySpike::default();
        assert!(d.observe(&Frame::new(0).with(names::LOSS, 9.0)).is_none());
    }
}
