//! Gradient variance: the gradient norm has become far more erratic than
//! usual for this run. Documented in [`INFO`].

use super::stats::{Ema, RollingWindow};
use super::{finite, Detector, DetectorInfo, Finding, Latch, Severity};
use crate::metrics::{names, Frame};

/// Registry entry and documentation.
pub const INFO: DetectorInfo = DetectorInfo {
    id: "gradient_variance",
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
    build: || Box::new(GradientVariance::default()),
};

/// The course page's recommendation for this warning sign.
pub const RECOMMENDATION: &str = "Consider reducing learning rate or increasing batch size";

/// Fires when the rolling CV of `grad_norm` is `ratio` times its long-run level.
#[derive(Clone, Debug)]
pub struct GradientVariance {
    /// How many times its long-run level the CV must reach. Default 3.
    pub ratio: f64,
    /// The CV must also be above this. Default 0.5.
    pub min_cv: f64,
    /// Full windows seen before the detector may fire. Default 200.
    pub warmup: u64,
    window: RollingWindow,
    baseline: Ema,
    seen: u64,
    latch: Latch,
}

impl Default for GradientVariance {
    fn default() -> Self {
        GradientVariance::new(50, 3.0, 0.5)
    }
}

impl GradientVariance {
    /// A detector over a `window`-step CV firing at `ratio` times its level
    /// and above `min_cv`.
    pub fn new(window: usize, ratio: f64, min_cv: f64) -> Self {
        GradientVariance {
            ratio,
            min_cv,
            warmup: 200,
            window: RollingWindow::new(window),
            baseline: Ema::new(0.002),
            seen: 0,
            latch: Latch::new(50),
        }
    }
}

impl Detector for GradientVariance {
    fn id(&self) -> &'static str {
        INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        let norm = finite(frame, names::GRAD_NORM)?;
        self.window.push(norm);
        let mean = self.window.mean();
        if !self.window.is_full() || mean <= 0.0 {
            return None;
        }
        let cv = self.window.std() / mean;
        let level = self.baseline.get().unwrap_or(cv);
        let high = self.seen >= self.warmup && cv > self.min_cv && cv > self.ratio * level;
        // The baseline learns only from ordinary windows, so a lasting bad
        // stretch does not become the new normal.
        if !high {
            self.baseline.update(cv);
        }
        self.seen += 1;
        if !self.latch.update(high) {
            return None;
        }
        Some(Finding::new(
            INFO.id,
            frame.step,
            Severity::Warning,
            format!(
                "Gradient variance: the gradient norm's coefficient of variation over the last \
                 {} steps is {cv:.2}, {:.1}x its usual {level:.2} in this run",
                self.window.capacity(),
                cv / level
            ),
            RECOMMENDATION,
        ))
    }

    fn reset(&mut self) {
        self.window.clear();
        self.baseline.reset();
        self.seen = 0;
        self.latch.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
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
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].step >= 1000 && found[0].step < 1030,
            "{:?}",
            found[0]
        );
        assert_eq!(found[0].recommendation, RECOMMENDATION);
        assert_eq!(found[0].severity, Severity::Warning);
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
