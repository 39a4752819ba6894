//! Class imbalance: one class far outnumbers another in the training data.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe};
use super::{times, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `class_ratio` rises above `warn` (warning) or `severe`
    /// (critical); quiet again once it is back at or below `warn`.
    pub ClassImbalance = "class_imbalance" {
        title: "Class imbalance",
        family: "data",
        // Its critical level is the course's check, but it also warns at 10:1,
        // where the course's check is silent: not the baseline.
        course_baseline: false,
        what: "The training data's class ratio (points of the most common class over points of \
               the rarest, the `class_ratio` metric) is above 10 (warning) or above 100 \
               (critical).",
        why: "With one class a hundred times rarer, almost every gradient comes from the common \
              class: answering it everywhere already scores 99% on the training data, and the \
              rare class's recall collapses. On balanced held-out data, or in deployment where \
              the rare class matters, the model is no better than a constant guess.",
        threshold: "Critical above 100:1, the course page's DatasetFailures.check_data_imbalance \
                    (`imbalance_ratio > 100`, strictly: exactly 100:1 is a warning). The warning \
                    above 10:1 is the lab's earlier line: there a constant guess of the common \
                    class already scores 91% on the training data, so the loss barely asks for the \
                    rare one (in the lab, 100:1 on circles takes the rare class's recall from \
                    0.93-0.99 to 0.11-0.45 within 1200 steps). Both are ratios of counts, the same \
                    for any dataset size.",
        recommendation: "Rebalance the training data (oversample the rare class or undersample \
                         the common one), or weight the loss by inverse class frequency; judge the \
                         model by per-class recall, not accuracy. If the imbalance is a \
                         data-pipeline bug (a filter or a sampler that drops a class), fix the \
                         pipeline.",
    }
    settings {
        /// Ratio above which the detector warns.
        warn: f64 = 10.0, in [1.0, f64::INFINITY];
        /// Ratio above which it is critical.
        severe: f64 = 100.0, in [1.0, f64::INFINITY];
    }
    state(s) {
        // Not a `Trigger`: once per level and episode, so a warning may still
        // become critical; the episode ends as soon as the ratio is back down.
        /// The loudest level reported since the ratio was last at or below `warn`.
        reported: Option<Severity> = None,
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let ratio = frame.get(names::CLASS_RATIO).filter(|r| !r.is_nan())?;
        let level = if ratio > s.severe {
            Severity::Critical
        } else if ratio > s.warn {
            Severity::Warning
        } else {
            self.reported = None;
            return None;
        };
        if self.reported.is_some_and(|r| r >= level) {
            return None;
        }
        self.reported = Some(level);
        let line = if level == Severity::Critical {
            format!("above the course's severe line of {}:1", s.severe)
        } else {
            format!(
                "above {}:1 (the course's severe line is {}:1)",
                s.warn, s.severe
            )
        };
        Some(INFO.finding(
            frame.step,
            level,
            format!(
                "Class imbalance: the training data has {}:1 points of its most common class \
                 per point of its rarest, {line}",
                times(ratio)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::detectors::Detector;

    fn severities(values: &[f64]) -> Vec<(u64, Severity)> {
        feed(
            &mut ClassImbalance::default(),
            names::CLASS_RATIO,
            values.iter().copied(),
        )
        .iter()
        .map(|f| (f.step, f.severity))
        .collect()
    }

    #[test]
    fn warns_above_10_escalates_above_100_once_per_episode() {
        assert_eq!(
            severities(&[1.0, 10.0, 11.0, 50.0, 100.0, 101.0, 500.0, 20.0]),
            [(2, Severity::Warning), (5, Severity::Critical)]
        );
        // Straight to critical; back to balanced re-arms.
        assert_eq!(
            severities(&[200.0, 200.0, 1.0, 12.0]),
            [(0, Severity::Critical), (3, Severity::Warning)]
        );
        assert!(severities(&[1.0, 2.0, 10.0, f64::NAN]).is_empty());
    }

    #[test]
    fn silent_without_the_metric_and_after_reset() {
        let mut d = ClassImbalance::default();
        assert!(d.observe(&Frame::new(0).with(names::LOSS, 1.0)).is_none());
        let f = d.observe(&Frame::new(1).with(names::CLASS_RATIO, f64::INFINITY));
        assert_eq!(f.unwrap().severity, Severity::Critical);
        assert!(d
            .observe(&Frame::new(2).with(names::CLASS_RATIO, 300.0))
            .is_none());
        d.reset();
        assert!(d
            .observe(&Frame::new(3).with(names::CLASS_RATIO, 300.0))
            .is_some());
    }
}
