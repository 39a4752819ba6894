//! Gradient-norm spike: the gradient norm jumps far above its own recent
//! level. Documented in [`INFO`].

use super::stats::LogLevel;
use super::{finite, times, Detector, DetectorInfo, Finding, Latch, Severity};
use crate::metrics::{names, Frame};

/// Registry entry and documentation.
pub const INFO: DetectorInfo = DetectorInfo {
    id: "grad_norm_spike",
    title: "Gradient-norm spike",
    family: "optimization",
    course_baseline: false,
    what: "The global gradient norm is more than 20x its own recent level for 2 steps in a \
           row, or more than 100x for one step. The level is a robust running geometric \
           mean (an EMA of log norm over about 20 steps, each step moving it by at most a \
           factor 2), so an outlier does not drag it along.",
    why: "The relative version of the course's explosion check. A fixed threshold such as \
          1000 is too late for a small network (healthy norm ~0.1) and too early for a \
          large one; a jump of an order of magnitude above the run's own level is the \
          first sign of an explosion in any model, and it comes steps before the norm \
          crosses any fixed line and the loss overflows.",
    threshold: "20x for 2 consecutive steps, or 100x once, after 100 steps of warm-up: more \
                than an order of magnitude, because small batches on a nearly fitted model \
                are heavy-tailed. In the lab's clean runs (4 datasets x 20 seeds x 1500 \
                steps) single batches reach at most 12.5x the level and two steps in a row at \
                most 10x (a self-healing wobble); a 50x learning-rate spike crosses 20x \
                within 2 steps.",
    build: || Box::new(GradNormSpike::default()),
};

/// Norms seen before the detector may fire; the level is not clipped until then.
const WARMUP: u64 = 100;

/// Fires when `grad_norm` jumps `factor` times above its running level.
#[derive(Clone, Debug)]
pub struct GradNormSpike {
    /// Jump factor that must hold for `consecutive` steps. Default 20.
    pub factor: f64,
    /// Steps in a row above `factor` needed. Default 2.
    pub consecutive: u32,
    /// Jump factor that fires on a single step. Default 100.
    pub single_step_factor: f64,
    /// Norms seen before the detector may fire. Default 100.
    pub warmup: u64,
    level: LogLevel,
    run: u32,
    latch: Latch,
}

impl Default for GradNormSpike {
    fn default() -> Self {
        GradNormSpike::new(20.0, 100.0)
    }
}

impl GradNormSpike {
    /// A detector firing at `factor` times the level for 2 steps in a row,
    /// or at `single_step_factor` times once.
    pub fn new(factor: f64, single_step_factor: f64) -> Self {
        GradNormSpike {
            factor,
            consecutive: 2,
            single_step_factor,
            warmup: WARMUP,
            level: LogLevel::new(0.1, 2.0, WARMUP),
            run: 0,
            latch: Latch::new(50),
        }
    }
}

impl Detector for GradNormSpike {
    fn id(&self) -> &'static str {
        INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        // An infinite norm is the non-finite and explosion checks' business.
        let norm = finite(frame, names::GRAD_NORM)?;
        let warm = self.level.count() >= self.warmup;
        let level = self.level.get().unwrap_or(norm);
        self.level.update(norm);
        let jump = if level > 0.0 { norm / level } else { 1.0 };
        self.run = if warm && jump > self.factor {
            self.run + 1
        } else {
            0
        };
        let spike = self.run >= self.consecutive || (warm && jump > self.single_step_factor);
        if !self.latch.update(spike) {
            return None;
        }
        Some(Finding::new(
            INFO.id,
            frame.step,
            Severity::Warning,
            format!(
                "Gradient-norm spike: the norm is {norm:.3e}, {}x its recent level \
                 {level:.3e} ({} step(s) in a row above {}x)",
                times(jump),
                self.run,
                self.factor
            ),
            "Lower the learning rate and clip gradients to a few times their usual norm; if \
             the spike came from one batch, check that batch for outliers or corrupt values.",
        ))
    }

    fn reset(&mut self) {
        self.level.reset();
        self.run = 0;
        self.latch.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::feed;
    use crate::rng::Rng;

    fn run(d: &mut GradNormSpike, norms: &[f64]) -> Vec<Finding> {
        feed(d, names::GRAD_NORM, norms.iter().copied())
    }

    /// Log-normal norms around `scale`, a factor ~1.5 of scatter.
    fn healthy(rng: &mut Rng, n: usize, scale: f64) -> Vec<f64> {
        (0..n)
            .map(|_| scale * libm::exp(0.4 * rng.normal()))
            .collect()
    }

    #[test]
    fn fires_on_a_sustained_jump_at_any_scale() {
        for scale in [1e-3, 1.0, 1e4] {
            let mut rng = Rng::new(7);
            let mut norms = healthy(&mut rng, 300, scale);
            assert!(run(&mut GradNormSpike::default(), &norms).is_empty());
            norms.extend([15.0 * scale, 30.0 * scale, 80.0 * scale, 200.0 * scale]);
            let found = run(&mut GradNormSpike::default(), &norms);
            assert_eq!(found.len(), 1, "scale {scale}: {found:?}");
            assert_eq!(found[0].step, 302, "second step above 20x");
        }
    }

    #[test]
    fn one_outlier_batch_fires_only_when_extreme() {
        let mut rng = Rng::new(9);
        let mut norms = healthy(&mut rng, 300, 0.1);
        norms.push(5.0); // 50x once: an unlucky batch
        norms.extend(healthy(&mut rng, 100, 0.1));
        assert!(run(&mut GradNormSpike::default(), &norms).is_empty());
        norms.push(50.0); // 500x once
        let found = run(&mut GradNormSpike::default(), &norms);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].step, 401);
    }

    #[test]
    fn warm_up_and_missing_values_keep_it_quiet() {
        // The first noisy steps: norms fall 100x, with a 2-step 50x jump.
        let mut early: Vec<f64> = (0..60)
            .map(|i| 10.0 * libm::exp(-0.08 * i as f64))
            .collect();
        early.extend([50.0, 50.0]);
        early.extend((0..30).map(|_| 0.1));
        assert!(run(&mut GradNormSpike::default(), &early).is_empty());
        let mut d = GradNormSpike::default();
        for i in 0..200 {
            assert!(d.observe(&Frame::new(i)).is_none());
            assert!(d
                .observe(&Frame::new(i).with(names::GRAD_NORM, f64::NAN))
                .is_none());
        }
    }
}
