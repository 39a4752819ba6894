//! Gradient variance: the gradient norm has become far more erratic than
//! usual for this run. Documented in [`INFO`].

use super::kit::{declare_detector, Baseline, Observe, Trigger};
use super::stats::RollingWindow;
use super::{finite, Finding, Severity};
use crate::metrics::{names, Frame};

declare_detector! {
    /// Fires when the rolling CV of `grad_norm` is `ratio` times its long-run level.
    pub GradientVariance = "gradient_variance" {
        title: "Gradient variance",
        family: "optimization",
        course_baseline: false,
        what: "The coefficient of variation (std / mean) of the gradient norm over the last \
               50 steps rises far above its own long-run level in this run. One of the course \
               page's TrainingEarlyWarning signs, made concrete.",
        why: "Erratic gradients mean erratic updates. A jump in their relative spread comes \
              before the loss itself turns unstable: the learning rate has become too large \
              for the curvature, or the batches are too small or too different from one \
              another (bad or shifted data).",
        threshold: "Fires when the 50-step CV is above 3x its own slow average (an EMA over \
                    about 1000 steps) and above 0.5 in absolute terms, after 200 steps of \
                    warm-up. Measured against the run itself, so it needs no knowledge of the \
                    model's scale. In the lab's clean runs (4 datasets x 20 seeds x 1500 \
                    steps) the ratio peaks at 2.3 (the CV itself at 1.9, on near-zero-loss \
                    runs); a 50x learning-rate spike takes it past 3x within 2 steps.",
        // The course page's recommendation for this warning sign.
        recommendation: "Consider reducing learning rate or increasing batch size",
    }
    settings {
        /// How many times its long-run level the CV must reach.
        ratio: f64 = 3.0, in [1.0, f64::INFINITY];
        /// The CV must also be above this.
        min_cv: f64 = 0.5, in [0.0, f64::INFINITY];
        /// Steps the CV is taken over.
        window: usize = 50, in [2, u32::MAX];
        /// Full windows that never fire.
        warmup: u64 = 200, in [0, u32::MAX];
    }
    state(s) {
        window: RollingWindow = RollingWindow::new(s.window),
        baseline: Baseline = Baseline::new(0.002),
        trigger: Trigger = Trigger::new(50).warmup(s.warmup),
    }
}

impl Observe for State {
    fn observe(&mut self, s: &Settings, frame: &Frame) -> Option<Finding> {
        self.window.push(finite(frame, names::GRAD_NORM)?);
        let mean = self.window.mean();
        if !self.window.is_full() || mean <= 0.0 {
            return None;
        }
        let cv = self.window.std() / mean;
        let warm = self.trigger.warm();
        let (level, high) = self
            .baseline
            .judge(cv, |level| warm && cv > s.min_cv && cv > s.ratio * level);
        self.trigger.update(high).then(|| {
            INFO.finding(
                frame.step,
                Severity::Warning,
                format!(
                    "Gradient variance: the gradient norm's coefficient of variation over the \
                     last {} steps is {cv:.2}, {:.1}x its usual {level:.2} in this run",
                    s.window,
                    cv / level
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::detectors::{feed, only_finding};
    use crate::rng::Rng;

    fn run(d: &mut GradientVariance, norms: &[f64]) -> Vec<Finding> {
        feed(d, names::GRAD_NORM, norms.iter().copied())
    }

    /// Norms with a 10% relative spread, falling slowly as training goes on.
    fn steady(rng: &mut Rng, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| (1.0 - 0.0004 * i as f64) * (1.0 + 0.1 * rng.normal()).abs())
            .collect()
    }

    #[test]
    fn quiet_on_steady_noise_fires_when_the_spread_jumps() {
        let mut rng = Rng::new(2);
        let mut norms = steady(&mut rng, 1000);
        assert!(run(&mut GradientVariance::default(), &norms).is_empty());
        // Then every few steps a batch gives a 20x gradient.
        norms.extend((0..200).map(|i| if i % 7 == 0 { 20.0 } else { 0.6 }));
        let found = run(&mut GradientVariance::default(), &norms);
        let f = only_finding(&found, &INFO, 1000..1030);
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn warm_up_and_missing_metrics_keep_it_quiet() {
        // Wild spread from the very start is this run's normal, not a change.
        let mut rng = Rng::new(4);
        let wild: Vec<f64> = (0..800).map(|_| libm::exp(2.0 * rng.normal())).collect();
        assert!(run(&mut GradientVariance::default(), &wild).is_empty());
        // A 20x jump inside the warm-up is not reported either.
        let mut early = steady(&mut rng, 150);
        early.extend((0..60).map(|i| if i % 7 == 0 { 20.0 } else { 0.6 }));
        assert!(run(&mut GradientVariance::default(), &early).is_empty());
        let mut d = GradientVariance::default();
        for i in 0..300 {
            assert!(d.observe(&Frame::new(i)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::GRAD_NORM, f64::INFINITY))
                .is_none());
        }
    }
}
