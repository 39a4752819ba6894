//! Accuracy drop: validation accuracy has fallen far below the best this run
//! reached. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when `val_acc` stays `drop` below its best for `patience`
    /// measurements in a row.
    pub AccuracyDrop = "accuracy_drop" {
        title: "Accuracy drop",
        family: "optimization",
        course_baseline: false,
        what: "Validation accuracy falls more than 0.25 below the best it reached in this run \
               and stays there for 3 measurements in a row, once the run has reached at least \
               0.6. A symptom rather than a cause: it reads only what any log of a classifier \
               holds, so it also holds on imported logs without gradient norms.",
        why: "A classifier that has learned does not unlearn by itself: a lasting fall of its \
              held-out accuracy means something broke its weights or its data (a step too \
              large, a corrupt or relabelled batch, dying units). The loss may hide it for a \
              while, since a few confident errors move the mean loss less than they move \
              the accuracy.",
        threshold: "A drop of 0.25 below the run's best, for 3 measurements in a row (30 steps \
                    at the default validation cadence of 10), after 5 measurements of warm-up, \
                    once the best is at least 0.6. Chosen on the lab's own clean runs, where \
                    validation accuracy wobbles by a few hundredths around its trend once \
                    learned; a quarter of the examples turning wrong at once is far outside \
                    that.",
        recommendation: "Look at what changed just before the drop (the learning rate, the \
                         data, the gradient norm); roll back to the checkpoint with the best \
                         validation accuracy and lower the learning rate.",
    }
    settings {
        /// How far below its best validation accuracy must fall.
        drop: f64 = 0.25, in [0.01, 1.0];
        /// The best must have reached this before a drop counts.
        min_best: f64 = 0.6, in [0.0, 1.0];
        /// Measurements in a row the drop must last.
        patience: u32 = 3, in [1, 1000];
        /// Measurements that never fire.
        warmup: u64 = 5, in [0, 100_000];
    }
    state(s) {
        /// The best validation accuracy seen.
        best: f64 = f64::NEG_INFINITY,
        trigger: Trigger = Trigger::new(10).warmup(s.warmup).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let acc = finite(frame, names::VAL_ACC)?;
        self.best = self.best.max(acc);
        let dropped = self.best >= s.min_best && self.best - acc > s.drop;
        self.trigger.update(dropped).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Accuracy drop: validation accuracy is {acc:.2}, down from the run's best \
                     {:.2} for {} measurements in a row",
                    self.best, s.patience
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
    fn quiet_while_learning_fires_on_a_lasting_fall() {
        // Learning with wobbles: never fires.
        let learning: Vec<f64> = (0..100)
            .map(|i| (0.5 + 0.004 * i as f64).min(0.95) + if i % 3 == 0 { 0.03 } else { -0.02 })
            .collect();
        assert!(feed(&mut AccuracyDrop::default(), names::VAL_ACC, learning.clone()).is_empty());
        // Then a fall to chance that lasts: fires once, on its third measurement.
        let mut broken = learning;
        broken.extend([0.5; 20]);
        let found = feed(&mut AccuracyDrop::default(), names::VAL_ACC, broken);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].step, found[0].severity), (102, Severity::Warning));
    }

    #[test]
    fn a_single_bad_measurement_or_a_run_that_never_learned_is_not_a_drop() {
        let mut blip = vec![0.9; 20];
        blip[10] = 0.3;
        assert!(feed(&mut AccuracyDrop::default(), names::VAL_ACC, blip).is_empty());
        let never: Vec<f64> = (0..50).map(|i| if i < 10 { 0.55 } else { 0.2 }).collect();
        assert!(feed(&mut AccuracyDrop::default(), names::VAL_ACC, never).is_empty());
    }
}
