//! The learners: pure Rust on ndarray, no browser, no UI.
//!
//! A [`Trainer`] owns a network, its data and its random stream, and turns
//! one call to [`Trainer::step`] into one real gradient step and one
//! [`Frame`] of metrics.

pub mod data;
pub mod mlp;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::metrics::{names, Frame};
use crate::rng::Rng;
use data::{Dataset, DatasetKind};
use mlp::{Activation, Layer, Loss, Mlp};

/// A setting that cannot be used, and why.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{field}: {reason}")]
pub struct ConfigError {
    /// The setting's name, as in the JSON config and the URL.
    pub field: &'static str,
    /// What is wrong with it, in words a learner understands.
    pub reason: String,
}

/// Everything that defines a classifier training run.
///
/// Defaults: seed 1, spiral data with noise 0.1, 400 training and 200
/// validation points, two hidden layers of 16 ReLU units, squared loss
/// (as in TensorFlow Playground), init scale 1,
/// learning rate 0.1, batch 32, validation every 10 steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Seed of every random choice in the run.
    pub seed: u64,
    /// The 2-D problem.
    pub dataset: DatasetKind,
    /// Standard deviation of the noise added to every point.
    pub noise: f64,
    /// Points to train on.
    pub n_train: usize,
    /// Held-out points to validate on.
    pub n_val: usize,
    /// Widths of the hidden layers.
    pub hidden: Vec<usize>,
    /// Hidden-layer non-linearity.
    pub activation: Activation,
    /// What the logits are scored with.
    pub loss: Loss,
    /// Multiplier of the He/Xavier initial weight scale.
    pub init_scale: f64,
    /// Learning rate of plain SGD.
    pub lr: f64,
    /// Points per gradient step.
    pub batch_size: usize,
    /// Steps between validation measurements.
    pub val_every: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 1,
            dataset: DatasetKind::Spiral,
            noise: 0.1,
            n_train: 400,
            n_val: 200,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            loss: Loss::Squared,
            init_scale: 1.0,
            lr: 0.1,
            batch_size: 32,
            val_every: 10,
        }
    }
}

fn check(ok: bool, field: &'static str, reason: impl Into<String>) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            reason: reason.into(),
        })
    }
}

impl TrainConfig {
    /// Checks every setting before use; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.noise.is_finite() && (0.0..=2.0).contains(&self.noise),
            "noise",
            "must be between 0 and 2",
        )?;
        check(
            (10..=100_000).contains(&self.n_train),
            "n_train",
            "must be between 10 and 100000",
        )?;
        check(
            (10..=100_000).contains(&self.n_val),
            "n_val",
            "must be between 10 and 100000",
        )?;
        check(
            (1..=8).contains(&self.hidden.len()),
            "hidden",
            "needs 1 to 8 hidden layers",
        )?;
        check(
            self.hidden.iter().all(|w| (1..=256).contains(w)),
            "hidden",
            "each layer needs 1 to 256 units",
        )?;
        check(
            self.init_scale.is_finite() && self.init_scale > 0.0 && self.init_scale <= 1000.0,
            "init_scale",
            "must be above 0 and at most 1000",
        )?;
        check(
            self.lr.is_finite() && self.lr > 0.0 && self.lr <= 1000.0,
            "lr",
            "must be above 0 and at most 1000",
        )?;
        check(
            (1..=4096).contains(&self.batch_size),
            "batch_size",
            "must be between 1 and 4096",
        )?;
        check(
            (1..=100_000).contains(&self.val_every),
            "val_every",
            "must be between 1 and 100000",
        )?;
        Ok(())
    }
}

/// A classifier being trained: network, data, random stream and step count.
#[derive(Clone, Debug)]
pub struct Trainer {
    /// The settings this run was built from.
    pub config: TrainConfig,
    /// The network.
    pub mlp: Mlp,
    /// Its data.
    pub data: Dataset,
    /// Learning rate of the next step (faults and responses change it).
    pub lr: f64,
    /// Steps taken so far.
    pub step: u64,
    rng: Rng,
}

impl Trainer {
    /// A fresh run from a validated config.
    pub fn new(config: TrainConfig) -> Result<Trainer, ConfigError> {
        config.validate()?;
        let data = Dataset::generate(
            config.dataset,
            config.n_train,
            config.n_val,
            config.noise,
            &mut Rng::derive(config.seed, 1),
        );
        let mut sizes = vec![2];
        sizes.extend(&config.hidden);
        sizes.push(data.classes);
        let mlp = Mlp::new(
            &sizes,
            config.activation,
            config.init_scale,
            &mut Rng::derive(config.seed, 2),
        );
        Ok(Trainer {
            lr: config.lr,
            mlp,
            data,
            step: 0,
            rng: Rng::derive(config.seed, 3),
            config,
        })
    }

    /// One SGD step on a random batch; returns that step's metrics.
    pub fn step(&mut self) -> Frame {
        let n = self.data.train.len();
        let idx: Vec<usize> = (0..self.config.batch_size)
            .map(|_| self.rng.below(n))
            .collect();
        let batch = self.data.train.batch(&idx);
        let fwd = self.mlp.forward(batch.x.view());
        let (loss, grads) = self.mlp.backward(&fwd, &batch.y, self.config.loss);

        let mut frame = Frame::new(self.step);
        frame
            .set(names::LOSS, loss)
            .set(names::GRAD_NORM, global_norm(&grads))
            .set(names::GRAD_NORM_FIRST, l2(grads[0].w.iter()))
            .set(names::GRAD_NORM_LAST, l2(grads[grads.len() - 1].w.iter()))
            .set(names::LR, self.lr);

        for (layer, g) in self.mlp.layers.iter_mut().zip(&grads) {
            layer.w.scaled_add(-self.lr, &g.w);
            layer.b.scaled_add(-self.lr, &g.b);
        }

        if self.step % self.config.val_every == 0 {
            let (val_loss, val_acc) = self.evaluate();
            frame
                .set(names::VAL_LOSS, val_loss)
                .set(names::VAL_ACC, val_acc);
        }
        self.step += 1;
        frame
    }

    /// Loss and accuracy on the validation split.
    pub fn evaluate(&self) -> (f64, f64) {
        let val = &self.data.val;
        let fwd = self.mlp.forward(val.x.view());
        let (_, loss) = mlp::loss_and_logit_grad(fwd.logits(), &val.y, self.config.loss);
        let correct = fwd
            .logits()
            .rows()
            .into_iter()
            .zip(&val.y)
            .filter(|(r, &c)| mlp::argmax(r.iter().copied()) == c)
            .count();
        (loss, correct as f64 / val.len() as f64)
    }
}

/// L2 norm of a sequence of numbers.
pub fn l2<'a>(values: impl Iterator<Item = &'a f64>) -> f64 {
    libm::sqrt(values.map(|v| v * v).sum::<f64>())
}

/// L2 norm of all parameters of all layers together.
pub fn global_norm(layers: &[Layer]) -> f64 {
    libm::sqrt(
        layers
            .iter()
            .map(|l| l.w.iter().chain(l.b.iter()).map(|v| v * v).sum::<f64>())
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_network_learns_every_dataset() {
        for (dataset, steps, want) in [
            (DatasetKind::Spiral, 6000, 0.8),
            (DatasetKind::Circles, 2000, 0.95),
            (DatasetKind::Xor, 2000, 0.95),
            (DatasetKind::Gaussians, 1000, 0.9),
        ] {
            let mut t = Trainer::new(TrainConfig {
                dataset,
                hidden: vec![32, 32],
                ..TrainConfig::default()
            })
            .unwrap();
            let first = t.step().get(names::LOSS).unwrap();
            for _ in 0..steps {
                t.step();
            }
            let (val_loss, acc) = t.evaluate();
            assert!(
                val_loss < first,
                "{dataset:?}: val loss {val_loss} not below first loss {first}"
            );
            assert!(acc > want, "{dataset:?}: accuracy {acc}");
        }
    }

    #[test]
    fn validate_names_the_bad_field() {
        let bad = TrainConfig {
            lr: f64::NAN,
            ..TrainConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "lr");
        let bad = TrainConfig {
            hidden: vec![],
            ..TrainConfig::default()
        };
        assert_eq!(Trainer::new(bad).unwrap_err().field, "hidden");
    }
}
