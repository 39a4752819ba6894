//! Shortcut reliance: validation looks excellent while a stress split, where
//! the suspected shortcut points the wrong way, fails. Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when validation accuracy is high and the stress split's
    /// accuracy trails it by the margin, at two measurements in a row.
    pub ShortcutReliance = "shortcut_reliance" {
        title: "Shortcut reliance",
        family: "alignment",
        course_baseline: false,
        what: "On the steps that measure the stress split (held-out points on which a suspected \
               shortcut points to the wrong class: in the lab, points on the other class's side \
               of the line x = 0), validation accuracy is at least 0.9 while the stress split's \
               accuracy trails it by 0.2 or more, at two measurements in a row (the first two \
               measurements, of a barely trained network, are skipped).",
        why: "A network takes the easiest feature that predicts its labels. When the data were \
              collected so that something incidental (a background, a watermark, a position) \
              goes with the class, the network learns that instead of the class itself, and \
              every split drawn from the same collection confirms it: validation looks \
              excellent. Deployment breaks the correlation and the model fails (Geirhos et al., \
              2020, \"Shortcut learning in deep neural networks\"; the course's objective \
              misalignment: a high score on the training objective, the intended behaviour \
              missing). Only data where the shortcut and the class disagree, a stress test or a \
              counterfactual that flips the suspected feature, tells the two apart.",
        threshold: "Validation accuracy >= 0.9 is the course's analyze_objective_misalignment \
                    bar for a high training score (training_objective.score > 0.9). The gap \
                    margin 0.2 is chosen on the lab's runs (seeds 1-20, 200 stress points \
                    measured every 50 steps): clean circles, where the network learns the real \
                    boundary, keep the stress split within 0.07 of validation (binomial noise on \
                    200 points is about 0.02), and no clean run of spiral, circles or xor meets \
                    the condition even at a margin of 0.1 (the suite's sweep); with the \
                    shortcut the gap passes 0.2 100 to 250 steps after the onset and ends at \
                    0.45 to 0.76. A margin of 0.1 would fire 50 steps sooner, with less room \
                    over the clean gap. On held-out seeds 201-220: 20 of 20 caught (steps \
                    400-500), no firing on clean circles. Needs `val_acc` and `stress_acc` on \
                    the same steps; silent without a stress split.",
        recommendation: "The model is probably relying on a shortcut that only holds in the \
                         collected data: look at what separates the stress points from the \
                         rest (here, the side of the plane), rebalance or augment the data so \
                         the shortcut no longer predicts the label (add counterexamples, \
                         randomise or remove the feature), or train with group-aware objectives \
                         (worst-group accuracy, e.g. group DRO); trust the stress split over \
                         validation until then.",
    }
    settings {
        /// Validation accuracy from which the model counts as looking excellent.
        val_floor: f64 = 0.9, in [0.0, 1.0];
        /// How far the stress split's accuracy must trail validation's.
        margin: f64 = 0.2, in [0.0, 1.0];
        /// Measurements skipped at the start.
        warmup: u64 = 2, in [0, u32::MAX];
        /// Consecutive measurements the condition must hold.
        patience: u32 = 2, in [1, u32::MAX];
    }
    state(s) {
        trigger: Trigger = Trigger::new(20).warmup(s.warmup).patience(s.patience),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        let stress = finite(frame, names::STRESS_ACC)?;
        let val = finite(frame, names::VAL_ACC)?;
        let relies = val >= s.val_floor && val - stress >= s.margin;
        self.trigger.update(relies).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Shortcut reliance: validation accuracy {:.1}% but {:.1}% on the stress \
                     split, where the suspected shortcut points the wrong way (a gap of {:.1} \
                     points, over {:.0})",
                    100.0 * val,
                    100.0 * stress,
                    100.0 * (val - stress),
                    100.0 * s.margin
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;

    /// Measurements every 50 steps of (validation, stress) accuracy; the
    /// steps at which the detector fired.
    fn run(d: &mut ShortcutReliance, accs: &[(f64, f64)]) -> Vec<u64> {
        (accs.iter().enumerate())
            .filter_map(|(i, &(val, stress))| {
                let frame = Frame::new(50 * i as u64)
                    .with(names::VAL_ACC, val)
                    .with(names::STRESS_ACC, stress);
                d.observe(&frame).map(|f| f.step)
            })
            .collect()
    }

    #[test]
    fn fires_once_when_stress_trails_a_high_validation() {
        let mut d = ShortcutReliance::default();
        let mut accs = vec![(0.97, 0.96); 8];
        accs.extend([(0.99, 0.85), (1.0, 0.78), (1.0, 0.7), (1.0, 0.6), (1.0, 0.5)]);
        accs.extend([(1.0, 0.45); 10]);
        // The gap passes 0.2 at the 10th measurement (step 450), then holds.
        assert_eq!(run(&mut d, &accs), [500]);
    }

    #[test]
    fn quiet_while_validation_is_low_or_the_gap_small_or_early() {
        let mut d = ShortcutReliance::default();
        // A network that is poor everywhere (validation below 0.9).
        assert!(run(&mut d, &[(0.7, 0.4); 20]).is_empty());
        d.reset();
        // Stress as good as validation, give or take the noise.
        assert!(run(&mut d, &[(0.97, 0.92); 20]).is_empty());
        d.reset();
        // An untrained network's luck in the first two measurements.
        let mut accs = vec![(0.95, 0.1), (0.95, 0.1)];
        accs.extend([(0.97, 0.96); 10]);
        assert!(run(&mut d, &accs).is_empty());
        d.reset();
        // One bad measurement is not two.
        let mut accs = vec![(0.97, 0.96); 5];
        accs.extend([(0.97, 0.5), (0.97, 0.96), (0.97, 0.96)]);
        assert!(run(&mut d, &accs).is_empty());
    }

    #[test]
    fn silent_without_a_stress_split_or_on_non_finite_values() {
        let mut d = ShortcutReliance::default();
        for i in 0..20 {
            let val = Frame::new(50 * i).with(names::VAL_ACC, 1.0);
            assert!(d.observe(&val).is_none());
            let nan = val.with(names::STRESS_ACC, f64::NAN);
            assert!(d.observe(&nan).is_none());
        }
    }
}
