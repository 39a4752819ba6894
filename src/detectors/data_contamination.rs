//! Data contamination: the validation metrics have become optimistic
//! compared with a test split that training never saw. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the validation split's lead over the test split, in loss and
    /// in accuracy, grows past its early level by the margins.
    pub DataContamination = "data_contamination" {
        title: "Data contamination",
        family: "data",
        course_baseline: false,
        what: "On the steps that measure both held-out splits, the validation split has pulled \
               ahead of the test split: compared with the gaps of the run's first measurements \
               (the 2nd to 6th), the smoothed gap test loss - validation loss has grown by 40% \
               of the early test loss and the gap validation accuracy - test accuracy by 3 \
               points, at two measurements in a row.",
        why: "Two splits drawn from the same data differ only by chance, and a network that \
              trains on neither scores about the same on both. When one of them starts to look \
              better and better, the network is being trained on it: held-out data has leaked \
              into the training set (the course's DatasetFailures.detect_data_contamination: \
              model outputs or test data in the training corpus). Its numbers then measure \
              memory, not generalisation, and every choice made on them is biased.",
        threshold: "The comparison of a possibly leaked split with a clean one is how the GPT-3 \
                    paper (Brown et al., 2020) measured benchmark contamination: scores on the \
                    full benchmark against its decontaminated subset. Both margins are relative \
                    to the run's own early gap (a negative early gap, validation harder than \
                    test, counts as 0, so a gap that merely closes as both splits converge is not \
                    optimism) and are chosen from the lab's runs: in 20 to 120 seeds of every \
                    clean case neither margin is reached together, while validation data leaked \
                    40 times over reaches both on 98 of 100 seeds. Needs `test_loss`, \
                    `test_acc`, `val_loss` and `val_acc` on the same steps.",
        recommendation: "Held-out data is probably reaching training: look for training points \
                         that are also validation points (exact and near duplicates, e.g. by \
                         hashing each record), rebuild the splits so that nothing held out is \
                         trained on, and trust the test split's numbers until then.",
    }
    settings {
        /// Growth of the loss gap that counts, as a share of the early test loss.
        loss_margin: f64 = 0.4, in [0.0, f64::INFINITY];
        /// Growth of the accuracy gap that counts.
        acc_margin: f64 = 0.03, in [0.0, 1.0];
        /// Measurements averaged for the early gaps (after the skipped first one);
        /// the warm-up is those and the skipped one.
        early: u32 = 5, in [1, u32::MAX];
        /// Consecutive measurements the condition must hold.
        patience: u32 = 2, in [1, u32::MAX];
    }
    state(s) {
        early: u64 = u64::from(s.early.max(1)),
        early_loss_gap: f64 = 0.0,
        early_acc_gap: f64 = 0.0,
        early_test_loss: f64 = 0.0,
        loss_gap: f64 = 0.0,
        acc_gap: f64 = 0.0,
        trigger: Trigger = Trigger::new(20)
            .warmup(SKIP + u64::from(s.early.max(1)))
            .patience(s.patience),
    }
}

/// Measurements skipped at the start (the untrained network's).
const SKIP: u64 = 1;
/// EMA weight of each measurement in the smoothed gaps.
const SMOOTHING: f64 = 0.3;

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let test_loss = finite(frame, names::TEST_LOSS)?;
        let test_acc = finite(frame, names::TEST_ACC)?;
        let val_loss = finite(frame, names::VAL_LOSS)?;
        let val_acc = finite(frame, names::VAL_ACC)?;
        let (loss_gap, acc_gap) = (test_loss - val_loss, val_acc - test_acc);
        let warm = self.trigger.warm();
        if !warm && self.trigger.seen() >= SKIP {
            // Sums while warming up, means once done.
            self.early_loss_gap += loss_gap;
            self.early_acc_gap += acc_gap;
            self.early_test_loss += test_loss;
            if self.trigger.seen() + 1 == SKIP + self.early {
                let n = self.early as f64;
                self.early_loss_gap /= n;
                self.early_acc_gap /= n;
                self.early_test_loss /= n;
                (self.loss_gap, self.acc_gap) = (self.early_loss_gap, self.early_acc_gap);
            }
        }
        let leaked = warm && {
            self.loss_gap += SMOOTHING * (loss_gap - self.loss_gap);
            self.acc_gap += SMOOTHING * (acc_gap - self.acc_gap);
            let loss_growth = self.loss_gap - self.early_loss_gap.max(0.0);
            let acc_growth = self.acc_gap - self.early_acc_gap.max(0.0);
            self.early_test_loss > 0.0
                && loss_growth >= s.loss_margin * self.early_test_loss
                && acc_growth >= s.acc_margin
        };
        self.trigger.update(leaked).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Data contamination: the validation split now looks better than the test \
                     split it used to match: accuracy {:.1}% vs {:.1}% (smoothed gap {:+.1} \
                     points, {:+.1} early), loss {val_loss:.4} vs {test_loss:.4} (smoothed gap \
                     {:.4}, {:.4} early)",
                    100.0 * val_acc,
                    100.0 * test_acc,
                    100.0 * self.acc_gap,
                    100.0 * self.early_acc_gap,
                    self.loss_gap,
                    self.early_loss_gap
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    fn frame(
        step: u64,
        (val_loss, test_loss): (f64, f64),
        (val_acc, test_acc): (f64, f64),
    ) -> Frame {
        Frame::new(step)
            .with(names::VAL_LOSS, val_loss)
            .with(names::TEST_LOSS, test_loss)
            .with(names::VAL_ACC, val_acc)
            .with(names::TEST_ACC, test_acc)
    }

    /// Measurements every 50 steps: `n` alike, then the validation split
    /// pulling ahead by `lead` of the loss and accuracy per measurement.
    fn run(d: &mut DataContamination, n: u64, lead: f64) -> Vec<u64> {
        (0..40)
            .filter_map(|i| {
                let ahead = if i < n { 0.0 } else { lead * (i - n) as f64 };
                let val = 0.1 * (1.0 - ahead).max(0.0);
                d.observe(&frame(50 * i, (val, 0.1), (0.88 + ahead / 2.0, 0.88)))
                    .map(|f| f.step)
            })
            .collect()
    }

    #[test]
    fn fires_once_when_validation_pulls_ahead_of_test() {
        let mut d = DataContamination::default();
        assert!(run(&mut d, 40, 0.0).is_empty());
        d.reset();
        let fired = run(&mut d, 10, 0.1);
        assert_eq!(fired.len(), 1, "{fired:?}");
        // The raw loss gap reaches 40% of the test loss 4 measurements after
        // the leak (step 500), the accuracy gap 3 points sooner; the smoothed
        // gaps lag about 2.3 measurements behind; then 2 in a row.
        assert!((850..=950).contains(&fired[0]), "{fired:?}");
    }

    #[test]
    fn needs_both_gaps_and_keeps_an_early_lead() {
        // The loss gap alone (accuracy stuck at its ceiling): quiet.
        let mut d = DataContamination::default();
        let fired: Vec<u64> = (0..40)
            .filter_map(|i| {
                let val = if i < 10 { 0.05 } else { 0.001 };
                d.observe(&frame(50 * i, (val, 0.1), (1.0, 0.99)))
                    .map(|f| f.step)
            })
            .collect();
        assert!(fired.is_empty(), "{fired:?}");
        // A lead present from the start is the splits' luck, not a leak.
        let mut d = DataContamination::default();
        let lucky: Vec<u64> = (0..40)
            .filter_map(|i| {
                d.observe(&frame(50 * i, (0.05, 0.1), (0.95, 0.88)))
                    .map(|f| f.step)
            })
            .collect();
        assert!(lucky.is_empty());
        // A validation split that starts harder and catches up as both converge.
        let mut d = DataContamination::default();
        let closing: Vec<u64> = (0..40)
            .filter_map(|i| {
                let behind = if i < 8 { 0.05 } else { 0.0 };
                let f = frame(50 * i, (0.1 + behind, 0.1), (0.9 - behind, 0.9));
                d.observe(&f).map(|f| f.step)
            })
            .collect();
        assert!(closing.is_empty());
    }

    #[test]
    fn silent_when_a_metric_is_missing_or_not_finite() {
        let mut d = DataContamination::default();
        for i in 0..40 {
            let ahead = if i < 10 { 0.0 } else { 0.5 };
            let full = frame(50 * i, (0.1 - 0.1 * ahead, 0.1), (0.8 + ahead, 0.8));
            let mut partial = Frame::new(full.step);
            for (name, v) in full.iter().filter(|(n, _)| *n != names::TEST_ACC) {
                partial.set(name, v);
            }
            assert!(d.observe(&partial).is_none());
            let nan = full.clone().with(names::TEST_LOSS, f64::NAN);
            assert!(d.observe(&nan).is_none());
        }
    }
}
