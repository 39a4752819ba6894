//! Progress stopped: the validation loss, moving at every evaluation, stops
//! moving at once while the training loss is still far from converged.
//! Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the validation loss, which moved visibly at each
    /// evaluation, stops moving at all for a few evaluations while the
    /// training loss is still far above where it started towards.
    pub ProgressStopped = "progress_stopped" {
        title: "Progress stopped",
        family: "optimization",
        course_baseline: false,
        what: "The validation loss is compared from one evaluation to the next. It fires when \
               it moved by at least 0.3% at one evaluation and then by less than 0.01% at each \
               of the next 3 (and for at least 3 times the interval between its last two \
               moves), while the training loss since that last move still averages above \
               0.3 x its first 20 steps' (far from converged). Reads the validation and the \
               training loss, not the learning rate.",
        why: "The validation loss is the current weights judged on a fixed set: while the \
              network learns it changes at every evaluation, by noise at least. When it \
              repeats to four significant digits, the weights have stopped changing: a \
              schedule that sent the learning rate to nearly zero, an optimizer whose step \
              is no longer called, a frozen parameter group, gradients detached by mistake. \
              A healthy run that converges or plateaus, even at a high loss, still moves its \
              validation loss a little at each evaluation, and a schedule that decays the \
              learning rate slows it gradually, not 30-fold at once. Many logs record no \
              learning rate, so it must be read from the losses. `loss_plateau` waits for \
              1,000 steps of a flat training loss; this fires three evaluations after the \
              stop.",
        threshold: "A move of at least 30 x 1e-4 (0.3%), then 3 evaluations each below 1e-4 \
                    relative, with the training loss above 0.3 x its first 20 steps' mean. \
                    Chosen on the tuning part of the second corpus (corpus/) and the lab's \
                    seeds 1-20: evaluations of healthy runs there move by more than 7e-4 at \
                    least once in any 3 (the lab's) and 1.7e-3 (the corpus's); stopped runs \
                    by 1e-6 or nothing (the lab's learning rate divided by 1e4: 2e-7 to \
                    4e-5); a label-noise run at the end of a cosine schedule slowed from \
                    1.2e-3 to 5e-5 in one evaluation (hence 30x, not 10x). A log that writes \
                    the validation loss with too few digits to show a change of 1e-4 is not \
                    judged. Tuning part: 10 of 10 stopped runs caught, no clean run flagged; \
                    the lab's seeds 1-20: no clean run flagged, 17 of 20 collapses caught.",
        recommendation: "Check the learning rate actually applied (schedule, optimizer state), \
                         that the optimizer step is called and that every parameter group \
                         still receives gradients.",
    }
    settings {
        /// The relative change of the validation loss below which an
        /// evaluation counts as unchanged.
        tolerance: f64 = 1e-4, in [0.0, 1.0];
        /// Unchanged evaluations in a row that fire.
        evaluations: u32 = 3, in [1, 1000];
        /// How many times the tolerance the move before them must reach (the stop is abrupt).
        abrupt: f64 = 30.0, in [1.0, f64::INFINITY];
        /// The training losses averaged into the run's first level.
        block: u64 = 20, in [1, u32::MAX];
        /// The level, as a share of the first, above which the run is far from converged.
        unconverged: f64 = 0.3, in [0.0, f64::INFINITY];
    }
    state(s) {
        /// The last validation loss.
        last: Option<f64> = None,
        /// The mean of the first `block` training losses, once they are in,
        /// and their sum and count until then.
        first: Option<f64> = None,
        first_sum: f64 = 0.0,
        first_count: u64 = 0,
        /// The sum and count of the training losses since the last move.
        since_sum: f64 = 0.0,
        since_count: u64 = 0,
        /// The step of the last move, and of the move before it.
        moved_at: Option<u64> = None,
        moved_before: Option<u64> = None,
        /// The relative size of the last move.
        last_move: f64 = 0.0,
        /// Evaluations since the last move.
        still: u32 = 0,
        trigger: Trigger = Trigger::new(u32::MAX),
    }
}

/// Whether `v` as written has the digits to show a relative change of `tol`:
/// its last significant digit is at most `tol x |v|` (a log that wrote
/// 0.2312 cannot show a change of 0.01%).
fn resolves(v: f64, tol: f64) -> bool {
    let digits = (1..=17)
        .find(|&d| format!("{:.*e}", d - 1, v).parse::<f64>() == Ok(v))
        .unwrap_or(17);
    let quantum = 10f64.powi(libm::floor(libm::log10(v.abs())) as i32 - (digits as i32 - 1));
    v != 0.0 && quantum <= tol * v.abs()
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        if let Some(loss) = finite(frame, names::LOSS) {
            if self.first.is_none() {
                self.first_sum += loss;
                self.first_count += 1;
                if self.first_count == s.block {
                    self.first = Some(self.first_sum / self.first_count as f64);
                }
            }
            self.since_sum += loss;
            self.since_count += 1;
        }
        let val = finite(frame, names::VAL_LOSS)?;
        let Some(last) = self.last.replace(val) else {
            self.moved_at = Some(frame.step);
            return None;
        };
        let change = if last == 0.0 {
            f64::INFINITY
        } else {
            (val - last).abs() / last.abs()
        };
        if change > s.tolerance {
            self.moved_before = self.moved_at.replace(frame.step);
            self.last_move = change;
            self.still = 0;
            (self.since_sum, self.since_count) = (0.0, 0);
            self.trigger.update(false);
            return None;
        }
        self.still = self.still.saturating_add(1);
        let (Some(at), Some(before), Some(first)) = (self.moved_at, self.moved_before, self.first)
        else {
            return None;
        };
        // Training losses since the last move: where the run stands.
        let level = self.since_sum / self.since_count.max(1) as f64;
        let stopped = self.still >= s.evaluations
            && frame.step - at >= u64::from(s.evaluations) * (at - before)
            && self.last_move >= s.abrupt * s.tolerance
            && self.since_count > 0
            && level > s.unconverged * first
            && resolves(val, s.tolerance);
        self.trigger.update(stopped).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Progress stopped: the validation loss moved by {:.2}% at step {at} and has \
                     stayed at {val:.6} since ({} evaluations, {} steps), while the training \
                     loss, {level:.4}, is still {:.0}% of its first level {first:.4}: the \
                     weights are no longer changing",
                    100.0 * self.last_move,
                    self.still,
                    frame.step - at,
                    100.0 * level / first
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{only_finding, Detector};
    use crate::rng::Rng;

    /// A run of `steps`: a noisy training loss at `loss(step)` and, every 10
    /// steps, a validation loss at `val(step)`.
    fn run(
        steps: u64,
        loss: impl Fn(u64) -> f64,
        val: impl Fn(u64) -> f64,
    ) -> Vec<Finding> {
        let mut rng = Rng::new(7);
        let mut d = ProgressStopped::default();
        (0..steps)
            .filter_map(|i| {
                let mut f = Frame::new(i).with(names::LOSS, loss(i) * (1.0 + 0.2 * rng.normal()));
                if i % 10 == 0 {
                    f.set(names::VAL_LOSS, val(i));
                }
                d.observe(&f)
            })
            .collect()
    }

    #[test]
    fn fires_three_evaluations_after_the_weights_stop_far_from_converged() {
        // Falls 1% a step for 100 steps (to 0.37), then the weights freeze.
        let curve = |i: u64| libm::exp(-0.01 * (i.min(100) as f64));
        let found = run(400, curve, |i| 1.1 * curve(i) + 0.01);
        let f = only_finding(&found, &INFO, 130..131);
        assert!(f.message.contains("no longer changing"), "{}", f.message);
    }

    #[test]
    fn quiet_on_a_plateau_that_still_moves_and_on_a_gradual_slowdown() {
        let mut rng = Rng::new(3);
        let jitter: Vec<f64> = (0..100).map(|_| 0.002 * rng.normal()).collect();
        // A high plateau whose validation loss still moves by ~0.2% per evaluation.
        let plateau = |i: u64| 0.6 + 0.4 * libm::exp(-0.05 * i as f64);
        assert!(run(1000, plateau, |i| plateau(i) * (1.0 + jitter[(i / 10) as usize])).is_empty());
        // A learning rate decayed to zero: the validation loss slows gradually to a halt.
        // (linear decay over 1,000 steps: progress t - t^2 / 2000).
        let decayed = |i: u64| {
            let t = i as f64;
            0.5 + 0.5 * libm::exp(-0.005 * (t - t * t / 2000.0))
        };
        assert!(run(1000, decayed, decayed).is_empty());
    }

    #[test]
    fn quiet_when_the_loss_converged_or_the_log_rounds_the_validation_loss() {
        // Converged before the freeze: the training loss is far below its start.
        let curve = |i: u64| libm::exp(-0.05 * (i.min(100) as f64));
        assert!(run(400, curve, curve).is_empty());
        // A fall, then a plateau whose validation loss moves by 0.016% per
        // evaluation: quiet; frozen at full precision: fires; written with
        // four decimals (0.5123 cannot show the moves): not judged.
        let fall = |i: u64| 0.5123 + 0.5 * (1.0 - (i.min(100) as f64) / 100.0);
        let moving = |i: u64| match i {
            0..=99 => fall(i),
            _ if (i / 10) % 2 == 0 => 0.51226,
            _ => 0.51234,
        };
        assert!(run(400, fall, moving).is_empty());
        assert_eq!(run(400, fall, |i| fall(i) + 1e-7).len(), 1);
        assert!(run(400, fall, |i| libm::round(moving(i) * 1e4) / 1e4).is_empty());
        assert!(resolves(0.189_702_123_4, 1e-4) && !resolves(0.5123, 1e-4));
    }
}
