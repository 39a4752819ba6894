//! Optimizers and learning-rate schedules.
//!
//! An [`Optimizer`] turns a step's gradients into the update that is added to
//! the parameters. Its state (velocities, moment estimates) is plain data, so
//! a checkpoint can copy it and a rollback can restore it.

use serde::{Deserialize, Serialize};

use super::mlp::Layer;

/// Which update rule turns gradients into parameter updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Plain stochastic gradient descent: `update = -lr * g`.
    Sgd,
    /// Heavy-ball momentum: `v = momentum * v + g; update = -lr * v`.
    Momentum,
    /// Adam (Kingma & Ba, 2015) with bias correction.
    Adam,
}

/// Adam's small constant that keeps the division finite.
pub const ADAM_EPS: f64 = 1e-8;

/// An optimizer and its state for one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    /// The update rule.
    pub kind: OptimizerKind,
    /// Momentum coefficient (also Adam's beta1).
    pub momentum: f64,
    /// Adam's beta2 (decay of the squared-gradient average).
    pub beta2: f64,
    /// Velocity (momentum) or first moment (Adam), shaped like the network.
    first: Vec<Layer>,
    /// Second moment (Adam only), shaped like the network.
    second: Vec<Layer>,
    /// Updates taken so far (for Adam's bias correction).
    t: u64,
}

impl Optimizer {
    /// A fresh optimizer for a network with these `layers`.
    pub fn new(kind: OptimizerKind, momentum: f64, beta2: f64, layers: &[Layer]) -> Optimizer {
        let zeros = |used: bool| -> Vec<Layer> {
            if used {
                layers.iter().map(Layer::zeros_like).collect()
            } else {
                Vec::new()
            }
        };
        Optimizer {
            kind,
            momentum,
            beta2,
            first: zeros(kind != OptimizerKind::Sgd),
            second: zeros(kind == OptimizerKind::Adam),
            t: 0,
        }
    }

    /// Turns `grads` in place into the update to add to the parameters,
    /// at learning rate `lr`.
    pub fn update(&mut self, grads: &mut [Layer], lr: f64) {
        self.t += 1;
        match self.kind {
            OptimizerKind::Sgd => {
                for g in grads.iter_mut() {
                    g.w.mapv_inplace(|v| -lr * v);
                    g.b.mapv_inplace(|v| -lr * v);
                }
            }
            OptimizerKind::Momentum => {
                let mu = self.momentum;
                for (g, v) in grads.iter_mut().zip(&mut self.first) {
                    ndarray::Zip::from(&mut g.w)
                        .and(&mut v.w)
                        .for_each(|g, v| momentum_step(g, v, mu, lr));
                    ndarray::Zip::from(&mut g.b)
                        .and(&mut v.b)
                        .for_each(|g, v| momentum_step(g, v, mu, lr));
                }
            }
            OptimizerKind::Adam => {
                let (b1, b2) = (self.momentum, self.beta2);
                let t = self.t as f64;
                let adam = AdamStep {
                    b1,
                    b2,
                    correct1: 1.0 - libm::pow(b1, t),
                    correct2: 1.0 - libm::pow(b2, t),
                    lr,
                };
                for ((g, m), v) in grads.iter_mut().zip(&mut self.first).zip(&mut self.second) {
                    ndarray::Zip::from(&mut g.w)
                        .and(&mut m.w)
                        .and(&mut v.w)
                        .for_each(|g, m, v| adam.apply(g, m, v));
                    ndarray::Zip::from(&mut g.b)
                        .and(&mut m.b)
                        .and(&mut v.b)
                        .for_each(|g, m, v| adam.apply(g, m, v));
                }
            }
        }
    }
}

fn momentum_step(g: &mut f64, v: &mut f64, mu: f64, lr: f64) {
    *v = mu * *v + *g;
    *g = -lr * *v;
}

/// The constants of one Adam update.
struct AdamStep {
    b1: f64,
    b2: f64,
    correct1: f64,
    correct2: f64,
    lr: f64,
}

impl AdamStep {
    fn apply(&self, g: &mut f64, m: &mut f64, v: &mut f64) {
        *m = self.b1 * *m + (1.0 - self.b1) * *g;
        *v = self.b2 * *v + (1.0 - self.b2) * *g * *g;
        let m_hat = *m / self.correct1;
        let v_hat = *v / self.correct2;
        *g = -self.lr * m_hat / (libm::sqrt(v_hat) + ADAM_EPS);
    }
}

/// How the learning rate changes over the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// The same rate on every step.
    Constant,
    /// Multiplied by `decay_factor` every `schedule_steps` steps.
    Step,
    /// Half a cosine from the full rate down to zero over `schedule_steps`
    /// steps, then zero.
    Cosine,
}

/// A schedule with its settings: the multiplier of the base learning rate
/// at each step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LrSchedule {
    /// The shape.
    pub schedule: Schedule,
    /// Period of the step decay, or length of the cosine.
    pub schedule_steps: u64,
    /// Multiplier of each step decay.
    pub decay_factor: f64,
    /// Steps of linear warm-up from near zero to the full rate (0: none).
    pub warmup_steps: u64,
}

impl LrSchedule {
    /// The multiplier of the base learning rate at `step` (exactly 1 for a
    /// constant schedule without warm-up).
    pub fn factor(&self, step: u64) -> f64 {
        let warmup = if step < self.warmup_steps {
            (step + 1) as f64 / self.warmup_steps as f64
        } else {
            1.0
        };
        let shape = match self.schedule {
            Schedule::Constant => 1.0,
            Schedule::Step => libm::pow(self.decay_factor, (step / self.schedule_steps) as f64),
            Schedule::Cosine => {
                let progress = step.min(self.schedule_steps) as f64 / self.schedule_steps as f64;
                0.5 * (1.0 + libm::cos(core::f64::consts::PI * progress))
            }
        };
        warmup * shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array1};

    fn layer(w: f64, b: f64) -> Vec<Layer> {
        vec![Layer {
            w: array![[w]],
            b: Array1::from_elem(1, b),
        }]
    }

    #[test]
    fn sgd_is_minus_lr_times_gradient() {
        let mut opt = Optimizer::new(OptimizerKind::Sgd, 0.9, 0.999, &layer(0.0, 0.0));
        let mut g = layer(2.0, -1.0);
        opt.update(&mut g, 0.1);
        assert_eq!((g[0].w[[0, 0]], g[0].b[0]), (-0.2, 0.1));
    }

    #[test]
    fn momentum_accumulates_velocity() {
        let mut opt = Optimizer::new(OptimizerKind::Momentum, 0.5, 0.999, &layer(0.0, 0.0));
        let mut g = layer(1.0, 1.0);
        opt.update(&mut g, 1.0);
        assert_eq!(g[0].w[[0, 0]], -1.0);
        let mut g = layer(1.0, 1.0);
        opt.update(&mut g, 1.0);
        assert_eq!(g[0].w[[0, 0]], -1.5, "v = 0.5 * 1 + 1");
    }

    #[test]
    fn adam_first_step_has_size_lr_whatever_the_gradient_scale() {
        for scale in [1e-3, 1.0, 1e6] {
            let mut opt = Optimizer::new(OptimizerKind::Adam, 0.9, 0.999, &layer(0.0, 0.0));
            let mut g = layer(scale, -scale);
            opt.update(&mut g, 0.01);
            assert!((g[0].w[[0, 0]] + 0.01).abs() < 1e-6, "{}", g[0].w[[0, 0]]);
            assert!((g[0].b[0] - 0.01).abs() < 1e-6);
        }
    }

    #[test]
    fn schedules_have_their_shape() {
        let s = |schedule, warmup_steps| LrSchedule {
            schedule,
            schedule_steps: 100,
            decay_factor: 0.5,
            warmup_steps,
        };
        assert_eq!(s(Schedule::Constant, 0).factor(12345), 1.0);
        assert_eq!(s(Schedule::Step, 0).factor(99), 1.0);
        assert_eq!(s(Schedule::Step, 0).factor(250), 0.25);
        assert_eq!(s(Schedule::Cosine, 0).factor(0), 1.0);
        assert!((s(Schedule::Cosine, 0).factor(50) - 0.5).abs() < 1e-12);
        assert!(s(Schedule::Cosine, 0).factor(100).abs() < 1e-12);
        assert!(s(Schedule::Cosine, 0).factor(500).abs() < 1e-12);
        assert_eq!(s(Schedule::Constant, 10).factor(0), 0.1);
        assert_eq!(s(Schedule::Constant, 10).factor(9), 1.0);
        assert_eq!(s(Schedule::Constant, 10).factor(10), 1.0);
    }
}
