//! Held-out turn: the held-out loss, which rose while the network
//! memorised, turns and falls while held-out accuracy is still low: a
//! capability is forming before any accuracy shows it. Documented in
//! [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the validation loss, after rising to `rise` times its
    /// first value, has fallen `fall` below its peak for `patience`
    /// measurements in a row while validation accuracy is below
    /// `max_acc`.
    pub HeldOutTurn = "held_out_turn" {
        title: "Held-out loss turning",
        family: "emergence",
        course_baseline: false,
        what: "The validation loss first rose well above where it started (the network fit its \
               training data by memorising it: held-out answers got confidently wrong), then \
               turned and fell by a fifth from its peak, while validation accuracy is still \
               below one half. The held-out loss is the progress measure: it moves long before \
               the accuracy does.",
        why: "Grokking and other late generalisation look like nothing on the training curves \
              (the training loss is already near 0) and like nothing on held-out accuracy until \
              the jump. The held-out loss does move: once weight decay starts replacing the \
              memorising weights by a general solution, the wrong answers become less \
              confident and the held-out loss falls, hundreds of steps before held-out \
              accuracy passes 0.7. A run that only memorises (no weight decay) sees its held-out \
              loss rise for ever; an ordinary run's held-out loss never rises above its start.",
        threshold: "A rise to 1.25x the first validation loss, then a fall of 20% below the \
                     peak, twice in a row, with validation accuracy under 0.5; chosen on the \
                     lab's grokking runs, seeds 1-20 (the held-out loss peaks at 1.5-2x its start \
                     within 150 steps and is 20% down by step 200-300), quiet on every clean run \
                     of the suite; reported on seeds 201-220 in the README.",
        recommendation: "A held-out capability is forming: expect held-out accuracy to jump. \
                         Evaluate what the model can now do before it shows, and keep the \
                         checkpoints of this stretch.",
    }
    settings {
        /// How far above its first value the held-out loss must have risen.
        rise: f64 = 1.25, in [1.0, 100.0];
        /// The fall below the peak that counts as a turn (0.2: 20%).
        fall: f64 = 0.2, in [0.0, 1.0];
        /// Validation accuracy below which the turn is still unseen.
        max_acc: f64 = 0.5, in [0.0, 1.0];
        /// Measurements in a row past the fall.
        patience: u32 = 2, in [1, 1000];
    }
    state(s) {
        first: Option<f64> = None,
        peak: f64 = f64::NEG_INFINITY,
        trigger: Trigger = Trigger::new(u32::MAX).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let loss = finite(frame, names::VAL_LOSS)?;
        let acc = finite(frame, names::VAL_ACC)?;
        let first = *self.first.get_or_insert(loss);
        self.peak = self.peak.max(loss);
        let rose = first > 0.0 && self.peak >= s.rise * first;
        let turned = rose && loss <= (1.0 - s.fall) * self.peak && acc < s.max_acc;
        self.trigger.update(turned).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Held-out loss turning: {loss:.3}, {:.0}% below its peak of {:.3} \
                     (it rose from {first:.3}) while validation accuracy is still {acc:.2}: \
                     a held-out capability is forming",
                    100.0 * (1.0 - loss / self.peak),
                    self.peak
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    fn feed(points: &[(f64, f64)]) -> Vec<Finding> {
        let mut d = HeldOutTurn::default();
        (points.iter().enumerate())
            .filter_map(|(i, &(loss, acc))| {
                d.observe(
                    &Frame::new(i as u64)
                        .with(names::VAL_LOSS, loss)
                        .with(names::VAL_ACC, acc),
                )
            })
            .collect()
    }

    #[test]
    fn fires_once_when_a_risen_held_out_loss_falls_a_fifth() {
        let run = [
            (3.2, 0.0),
            (5.0, 0.0),
            (5.6, 0.0),
            (5.0, 0.0),
            (4.4, 0.01),
            (4.3, 0.02),
            (3.9, 0.04),
            (3.0, 0.1),
        ];
        let found = feed(&run);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].step, 5);
    }

    #[test]
    fn quiet_on_an_ordinary_run_a_memorising_run_and_a_visible_jump() {
        // Ordinary: the held-out loss falls from its start.
        let ordinary: Vec<_> = (0..50).map(|i| (0.7 / (1.0 + i as f64), 0.9)).collect();
        assert!(feed(&ordinary).is_empty());
        // Memorising: it rises for ever.
        let memorising: Vec<_> = (0..50).map(|i| (3.2 + i as f64, 0.0)).collect();
        assert!(feed(&memorising).is_empty());
        // Risen and fallen, but the accuracy already shows it.
        let shown = [(3.0, 0.0), (6.0, 0.2), (4.0, 0.8), (3.0, 0.9), (2.0, 0.95)];
        assert!(feed(&shown).is_empty());
    }
}
