//! Generalization gap: the validation loss climbs while the training loss
//! keeps falling (memorisation). Documented in [`INFO`].

use super::kit::{declare_detector, Observe, Trigger};
use super::stats::{Ema, RollingWindow};
use super::{finite, times, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the validation loss rises and the training loss falls over the
    /// last `window` validations, with the validation loss far above its best.
    pub GeneralizationGap = "generalization_gap" {
        title: "Generalization gap",
        family: "data",
        course_baseline: false,
        what: "At three validations in a row, over the last 20 validations the smoothed \
               validation loss has risen by 5% or more while the smoothed training loss (the mean \
               batch loss between validations) has fallen by 5% or more, and the validation loss \
               is at least twice the best it has been in this run.",
        why: "Training loss going down while validation loss goes up is the network fitting \
              what is particular to its training points instead of what generalises: noisy or \
              wrong labels it memorises one by one, or too little data for its size. Every \
              further step makes the model worse on new data; this is where to stop, or to \
              clean the labels.",
        threshold: "The opposite trends (5% each, over 20 validations: 200 steps at the lab's \
                    cadence) are Prechelt's early-stopping signals (Early Stopping - But When?, \
                    1998): validation error rising over successive strips while training still \
                    progresses. His generalization loss GL (validation loss over its best so far, \
                    minus 1) stops at 1 to 5% on smooth full-set curves; here it must reach 100%, \
                    because a minibatch-trained network's validation loss on a few hundred points \
                    wanders: clean lab runs reach a GL of 0.6 at most while the trends hold \
                    (120 seeds of the small-data setup), memorised wrong labels 3 or more. All \
                    relative to the run's own losses, so any positive loss scale works.",
        recommendation: "The network is memorising its training points. Stop here and keep the \
                         checkpoint of the best validation loss (early stopping); check the labels \
                         for noise; get more data, or regularise (weight decay, a smaller network).",
    }
    settings {
        /// Smallest relative rise of the smoothed validation loss over the window.
        rise: f64 = 0.05, in [0.0, f64::INFINITY];
        /// Smallest relative fall of the smoothed training loss over the window.
        fall: f64 = 0.05, in [0.0, 1.0];
        /// Smallest generalization loss (validation loss over its best, minus 1).
        min_gl: f64 = 1.0, in [0.0, f64::INFINITY];
        /// Validations each one is compared with (and quiet ones before re-arming).
        window: usize = 20, in [1, u32::MAX];
        /// Consecutive validations the condition must hold.
        patience: u32 = 3, in [1, u32::MAX];
    }
    state(s) {
        train_sum: f64 = 0.0,
        train_count: u32 = 0,
        val: Ema = Ema::new(SMOOTHING),
        train: Ema = Ema::new(SMOOTHING),
        val_hist: RollingWindow = RollingWindow::new(s.window + 1),
        train_hist: RollingWindow = RollingWindow::new(s.window + 1),
        best: f64 = f64::INFINITY,
        best_step: u64 = 0,
        trigger: Trigger = Trigger::new(s.window.min(u32::MAX as usize) as u32).patience(s.patience),
    }
}

/// EMA weight of each validation in the smoothed losses.
const SMOOTHING: f64 = 0.4;

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        if let Some(loss) = finite(frame, names::LOSS) {
            self.train_sum += loss;
            self.train_count += 1;
        }
        let val_loss = finite(frame, names::VAL_LOSS)?;
        if self.train_count == 0 {
            return None;
        }
        let train_loss = self.train_sum / self.train_count as f64;
        (self.train_sum, self.train_count) = (0.0, 0);
        let v = self.val.update(val_loss);
        let t = self.train.update(train_loss);
        self.val_hist.push(v);
        self.train_hist.push(t);
        if v < self.best {
            (self.best, self.best_step) = (v, frame.step);
        }
        let (v0, t0) = (self.val_hist.oldest()?, self.train_hist.oldest()?);
        let gap = self.val_hist.is_full()
            && self.best > 0.0
            && t0 > 0.0
            && v >= v0 * (1.0 + s.rise)
            && t <= t0 * (1.0 - s.fall)
            && v >= self.best * (1.0 + s.min_gl);
        self.trigger.update(gap).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Generalization gap: over the last {} validations the validation loss \
                     rose {:.0}% (to {v:.4}) while the training loss fell {:.0}% (to {t:.4}); \
                     the validation loss is {}x its best, {:.4} at step {}",
                    s.window,
                    100.0 * (v / v0 - 1.0),
                    100.0 * (1.0 - t / t0),
                    times(v / self.best),
                    self.best,
                    self.best_step
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::rng::Rng;

    /// Ten steps of training loss `train`, the last with validation loss `val`.
    fn frames(start: u64, train: f64, val: f64) -> Vec<Frame> {
        (start..start + 10)
            .map(|s| {
                let f = Frame::new(s).with(names::LOSS, train);
                if s == start + 9 {
                    f.with(names::VAL_LOSS, val)
                } else {
                    f
                }
            })
            .collect()
    }

    fn run(d: &mut GeneralizationGap, curve: &[(f64, f64)]) -> Vec<Finding> {
        curve
            .iter()
            .enumerate()
            .flat_map(|(i, &(t, v))| frames(10 * i as u64, t, v))
            .filter_map(|f| d.observe(&f))
            .collect()
    }

    #[test]
    fn fires_when_validation_climbs_while_training_falls() {
        let mut rng = Rng::new(3);
        let mut noise = || 1.0 + 0.1 * rng.normal();
        // Learning: both fall together; converged: both flat and noisy.
        let mut curve: Vec<(f64, f64)> = (0..100)
            .map(|i| {
                let level = 0.05 + libm::exp(-(i as f64) / 10.0);
                (level * noise(), 1.2 * level * noise())
            })
            .collect();
        assert!(run(&mut GeneralizationGap::default(), &curve).is_empty());
        // Memorising: training falls 1% per validation, validation climbs 3%.
        let (t, v) = curve[99];
        curve.extend((1..60).map(|i| {
            let i = i as f64;
            (
                t * libm::exp(-0.01 * i) * noise(),
                v * libm::exp(0.03 * i) * noise(),
            )
        }));
        let found = run(&mut GeneralizationGap::default(), &curve);
        assert_eq!(found.len(), 1, "{found:?}");
        // Twice the best takes ln 2 / 0.03 = 23 validations, plus smoothing.
        let at = found[0].step / 10;
        assert!((120..=135).contains(&at), "fired at validation {at}");
        assert!(found[0].message.contains("validation loss rose"));
    }

    #[test]
    fn quiet_when_both_rise_or_the_rise_is_small() {
        // Both rising (a diverging run, not a generalization gap).
        let rising: Vec<(f64, f64)> = (0..80)
            .map(|i| {
                (
                    0.1 * libm::exp(0.03 * i as f64),
                    0.1 * libm::exp(0.03 * i as f64),
                )
            })
            .collect();
        assert!(run(&mut GeneralizationGap::default(), &rising).is_empty());
        // Opposite trends, but the validation loss stays below twice its best.
        let mild: Vec<(f64, f64)> = (0..80)
            .map(|i| (1.0 - 0.01 * i as f64, 0.1 + 0.001 * i as f64))
            .collect();
        assert!(run(&mut GeneralizationGap::default(), &mild).is_empty());
        // The same trend with a lower bar fires.
        assert_eq!(
            run(
                &mut GeneralizationGap::with(Settings {
                    min_gl: 0.5,
                    ..Settings::default()
                }),
                &mild
            )
            .len(),
            1
        );
    }

    #[test]
    fn silent_without_training_or_validation_loss_and_resets() {
        let mut d = GeneralizationGap::default();
        // A climbing validation loss alone, then a falling training loss alone.
        for s in 0..500 {
            let v = 0.1 * libm::exp(0.01 * s as f64);
            assert!(d.observe(&Frame::new(s).with(names::VAL_LOSS, v)).is_none());
        }
        for s in 500..1000 {
            let t = 1.0 / s as f64;
            assert!(d.observe(&Frame::new(s).with(names::LOSS, t)).is_none());
        }
        d.reset();
        let curve: Vec<(f64, f64)> = (0..80)
            .map(|i| (1.0 - 0.01 * i as f64, 0.1 * libm::exp(0.03 * i as f64)))
            .collect();
        assert_eq!(run(&mut d, &curve).len(), 1);
        d.reset();
        assert_eq!(run(&mut d, &curve).len(), 1);
    }
}
