//! The learners: pure Rust on ndarray, no browser, no UI.
//!
//! A [`Trainer`] owns a network, its data and its random stream, and turns
//! one call to [`Trainer::step`] into one real gradient step and one
//! [`Frame`] of metrics.

pub mod agent;
pub mod data;
pub mod gan;
pub mod mlp;
pub mod optim;
pub mod probe;

use serde::{Deserialize, Serialize};

/// Re-exported from [`crate::config`], where they live.
pub use crate::config::{check, ConfigError};
use crate::metrics::{names, Frame};
use crate::rng::Rng;
use data::{Dataset, DatasetKind, Split};
use mlp::{Activation, Forward, Layer, Loss, Mlp};
use optim::{LrSchedule, Optimizer, OptimizerKind, Schedule};

/// Everything that defines a classifier training run.
///
/// Defaults: seed 1, spiral data with noise 0.1, 400 training, 200
/// validation and 200 test points, two hidden layers of 16 ReLU units, squared loss
/// (as in TensorFlow Playground), init scale 1, plain SGD at a constant
/// learning rate 0.1 (momentum 0.9 and beta2 0.999 when chosen; step decay
/// by 0.5 or a cosine over 1000 steps when chosen), no warm-up, no weight
/// decay, no gradient clipping, batch 32, validation every 10 steps and the
/// test split every 50.
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
    /// Held-out test points, never trained on nor used to choose anything
    /// (0: no test split).
    pub n_test: usize,
    /// Held-out stress points, on the other class's side of the line x = 0
    /// ([`Dataset::stress`]; 0: no stress split), scored at the test cadence
    /// as `stress_acc`. 2-D problems but the Gaussians only.
    pub n_stress: usize,
    /// Widths of the hidden layers.
    pub hidden: Vec<usize>,
    /// Hidden-layer non-linearity.
    pub activation: Activation,
    /// What the logits are scored with.
    pub loss: Loss,
    /// Multiplier of the He/Xavier initial weight scale.
    pub init_scale: f64,
    /// Base learning rate (the schedule multiplies it).
    pub lr: f64,
    /// The update rule.
    pub optimizer: OptimizerKind,
    /// Momentum coefficient, also Adam's beta1 (0 to below 1).
    pub momentum: f64,
    /// Adam's beta2 (0 to below 1).
    pub beta2: f64,
    /// How the learning rate changes over the steps.
    pub schedule: Schedule,
    /// Period of the step decay, or length of the cosine, in steps.
    pub schedule_steps: u64,
    /// Multiplier of each step decay.
    pub decay_factor: f64,
    /// Steps of linear learning-rate warm-up (0: none).
    pub warmup_steps: u64,
    /// Decoupled weight decay: each step also shrinks the weights (not the
    /// biases) by `lr * weight_decay` of themselves.
    pub weight_decay: f64,
    /// Global gradient-norm clipping threshold (0: no clipping).
    pub clip_norm: f64,
    /// Points per gradient step.
    pub batch_size: usize,
    /// Steps between validation measurements.
    pub val_every: u64,
    /// Steps between test-split measurements: a multiple of `val_every`, so
    /// that the test split is measured on validation steps, with the same
    /// network. Slower than validation to keep a step cheap.
    pub test_every: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 1,
            dataset: DatasetKind::Spiral,
            noise: 0.1,
            n_train: 400,
            n_val: 200,
            n_test: 200,
            n_stress: 0,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            loss: Loss::Squared,
            init_scale: 1.0,
            lr: 0.1,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            beta2: 0.999,
            schedule: Schedule::Constant,
            schedule_steps: 1000,
            decay_factor: 0.5,
            warmup_steps: 0,
            weight_decay: 0.0,
            clip_norm: 0.0,
            batch_size: 32,
            val_every: 10,
            test_every: 50,
        }
    }
}

/// Checks a learner's hidden layers: `layers` of them (else `reason`), each
/// of 1 to 256 units.
pub fn check_hidden(
    hidden: &[usize],
    layers: std::ops::RangeInclusive<usize>,
    reason: &str,
) -> Result<(), ConfigError> {
    check(layers.contains(&hidden.len()), "hidden", reason)?;
    check(
        hidden.iter().all(|w| (1..=256).contains(w)),
        "hidden",
        "each layer needs 1 to 256 units",
    )
}

/// Checks a learner's batch size: 1 to 4096.
pub fn check_batch_size(batch_size: usize) -> Result<(), ConfigError> {
    check(
        (1..=4096).contains(&batch_size),
        "batch_size",
        "must be between 1 and 4096",
    )
}

/// Checks the settings every learner's network and optimizer share: the
/// init multiplier, the learning rate, momentum (Adam's beta1) and beta2.
pub fn check_learning(
    init_scale: f64,
    lr: f64,
    momentum: f64,
    beta2: f64,
) -> Result<(), ConfigError> {
    check(
        init_scale.is_finite() && init_scale > 0.0 && init_scale <= 1000.0,
        "init_scale",
        "must be above 0 and at most 1000",
    )?;
    check(
        lr.is_finite() && lr > 0.0 && lr <= 1000.0,
        "lr",
        "must be above 0 and at most 1000",
    )?;
    check(
        momentum.is_finite() && (0.0..1.0).contains(&momentum),
        "momentum",
        "must be at least 0 and below 1",
    )?;
    check(
        beta2.is_finite() && (0.0..1.0).contains(&beta2),
        "beta2",
        "must be at least 0 and below 1",
    )
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
            self.n_test == 0 || (10..=100_000).contains(&self.n_test),
            "n_test",
            "must be 0 (no test split) or between 10 and 100000",
        )?;
        check(
            self.n_stress == 0 || (10..=100_000).contains(&self.n_stress),
            "n_stress",
            "must be 0 (no stress split) or between 10 and 100000",
        )?;
        check(
            self.n_stress == 0
                || !matches!(self.dataset, DatasetKind::Modular | DatasetKind::Gaussians),
            "n_stress",
            "a stress split holds points on the other class's side of the line x = 0: the \
             Gaussians' blobs sit either side of that line (it is nearly their real boundary) \
             and modular data has no plane; choose spiral, circles or xor, or 0 points",
        )?;
        if self.dataset == DatasetKind::Modular {
            let pairs = data::MODULUS * data::MODULUS;
            check(
                self.n_train + self.n_val + self.n_test <= pairs,
                "n_train",
                format!(
                    "the modular dataset has {pairs} pairs: training, validation and test \
                     points must add up to at most {pairs}"
                ),
            )?;
        }
        check_hidden(&self.hidden, 1..=8, "needs 1 to 8 hidden layers")?;
        check_learning(self.init_scale, self.lr, self.momentum, self.beta2)?;
        check(
            (1..=1_000_000).contains(&self.schedule_steps),
            "schedule_steps",
            "must be between 1 and 1000000",
        )?;
        check(
            self.decay_factor.is_finite() && self.decay_factor > 0.0 && self.decay_factor <= 1.0,
            "decay_factor",
            "must be above 0 and at most 1",
        )?;
        check(
            self.warmup_steps <= 1_000_000,
            "warmup_steps",
            "must be between 0 and 1000000",
        )?;
        check(
            self.weight_decay.is_finite() && (0.0..=1.0).contains(&self.weight_decay),
            "weight_decay",
            "must be between 0 and 1",
        )?;
        check(
            self.clip_norm.is_finite() && (0.0..=1e6).contains(&self.clip_norm),
            "clip_norm",
            "must be 0 (no clipping) or a norm up to 1000000",
        )?;
        check_batch_size(self.batch_size)?;
        check(
            (1..=100_000).contains(&self.val_every),
            "val_every",
            "must be between 1 and 100000",
        )?;
        check(
            (1..=1_000_000).contains(&self.test_every) && self.test_every % self.val_every == 0,
            "test_every",
            format!(
                "must be a multiple of val_every ({}) up to 1000000, so that the test split \
                 is measured on validation steps",
                self.val_every
            ),
        )?;
        Ok(())
    }

    /// The learning-rate schedule these settings describe.
    pub fn lr_schedule(&self) -> LrSchedule {
        LrSchedule {
            schedule: self.schedule,
            schedule_steps: self.schedule_steps,
            decay_factor: self.decay_factor,
            warmup_steps: self.warmup_steps,
        }
    }
}

/// What a rollback restores: the network's parameters and the optimizer's
/// state at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The step the checkpoint was taken before.
    pub step: u64,
    /// The network.
    pub mlp: Mlp,
    /// The optimizer and its state.
    pub optimizer: Optimizer,
}

/// A classifier being trained: network, optimizer, data, random stream and
/// step count.
#[derive(Clone, Debug)]
pub struct Trainer {
    /// The settings this run was built from.
    pub config: TrainConfig,
    /// The network.
    pub mlp: Mlp,
    /// The optimizer and its state.
    pub optimizer: Optimizer,
    /// Its data (boxed: four splits, and a run holds its trainer in an enum
    /// beside the smaller agent).
    pub data: Box<Dataset>,
    /// Base learning rate of the next step, before the schedule (faults and
    /// responses change it).
    pub lr: f64,
    /// Gradient-norm clipping threshold of the next step, 0 for none
    /// (responses switch it on).
    pub clip_norm: f64,
    /// Steps taken so far.
    pub step: u64,
    schedule: LrSchedule,
    rng: Rng,
}

/// Activations of a sigmoid below this, or above one minus this, are in a
/// flat tail (the derivative is below 0.02).
pub const SIGMOID_TAIL: f64 = 0.02;
/// Activations of a tanh beyond this in size are in a flat tail (the
/// derivative is below 0.04).
pub const TANH_TAIL: f64 = 0.98;

/// Loss and accuracy of the network on one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// Mean loss.
    pub loss: f64,
    /// Share of points classified right.
    pub acc: f64,
    /// Lowest per-class recall (see [`names::VAL_MIN_RECALL`]).
    pub min_recall: f64,
}

/// The dataset `config` describes (the same points every time). The stress
/// split is drawn last, so the others do not depend on it.
fn generate_data(config: &TrainConfig) -> Dataset {
    let rng = &mut Rng::derive(config.seed, 1);
    let sizes = [config.n_train, config.n_val, config.n_test];
    let mut data = Dataset::generate(config.dataset, sizes, config.noise, rng);
    if config.n_stress > 0 {
        data.stress = data::stress_sample(config.dataset, config.n_stress, config.noise, rng);
    }
    data
}

impl Trainer {
    /// A fresh run from a validated config.
    pub fn new(config: TrainConfig) -> Result<Trainer, ConfigError> {
        config.validate()?;
        let data = generate_data(&config);
        let mut sizes = vec![data.train.x.ncols()];
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
            clip_norm: config.clip_norm,
            optimizer: new_optimizer(&config, &mlp),
            schedule: config.lr_schedule(),
            mlp,
            data: Box::new(data),
            step: 0,
            rng: Rng::derive(config.seed, 3),
            config,
        })
    }

    /// The learning rate the next step will use: the base rate times the
    /// schedule.
    pub fn current_lr(&self) -> f64 {
        self.lr * self.schedule.factor(self.step)
    }

    /// Draws the next batch of training points (with replacement).
    pub fn next_batch(&mut self) -> Split {
        let n = self.data.train.len();
        let idx: Vec<usize> = (0..self.config.batch_size)
            .map(|_| self.rng.below(n))
            .collect();
        self.data.train.batch(&idx)
    }

    /// One step on a random batch; returns that step's metrics.
    pub fn step(&mut self) -> Frame {
        let batch = self.next_batch();
        self.train_on(&batch)
    }

    /// One gradient step on `batch`; returns that step's metrics.
    ///
    /// The reported gradient norms are those of the loss gradient, before
    /// clipping; `update_ratio` is the norm of the update actually applied
    /// (after clipping, the optimizer and weight decay) over the norm of the
    /// parameters before it.
    pub fn train_on(&mut self, batch: &Split) -> Frame {
        let lr = self.current_lr();
        let fwd = self.mlp.forward(batch.x.view());
        let (loss, mut grads) = self.mlp.backward(&fwd, &batch.y, self.config.loss);

        let layer_sq = squared_layer_norms(&grads);
        let w_norm = |l: usize| libm::sqrt(layer_sq[l].0);
        let norm = libm::sqrt(layer_sq.iter().map(|&(_, wb)| wb).sum());
        let mut frame = Frame::new(self.step);
        frame
            .set(names::LOSS, loss)
            .set(names::GRAD_NORM, norm)
            .set(names::GRAD_NORM_FIRST, w_norm(0))
            .set(names::GRAD_NORM_LAST, w_norm(grads.len() - 1))
            .set(names::LR, lr);
        for l in 0..grads.len() {
            frame.set(names::grad_norm_layer(l), w_norm(l));
        }
        record_activation_health(&self.mlp, &fwd, &mut frame);

        if self.clip_norm > 0.0 && norm > self.clip_norm {
            let scale = self.clip_norm / norm;
            for g in &mut grads {
                g.w.mapv_inplace(|v| v * scale);
                g.b.mapv_inplace(|v| v * scale);
            }
        }
        self.optimizer.update(&mut grads, lr);
        if self.config.weight_decay > 0.0 {
            for (u, layer) in grads.iter_mut().zip(&self.mlp.layers) {
                u.w.scaled_add(-lr * self.config.weight_decay, &layer.w);
            }
        }
        // Apply the update, measuring it and the weights in the same pass.
        let (mut param_sq, mut update_sq) = (0.0, 0.0);
        let mut apply = |p: &mut f64, &u: &f64| {
            param_sq += *p * *p;
            update_sq += u * u;
            *p += u;
        };
        for (layer, u) in self.mlp.layers.iter_mut().zip(&grads) {
            ndarray::Zip::from(&mut layer.w)
                .and(&u.w)
                .for_each(&mut apply);
            ndarray::Zip::from(&mut layer.b)
                .and(&u.b)
                .for_each(&mut apply);
        }
        let ratio = if param_sq > 0.0 {
            libm::sqrt(update_sq) / libm::sqrt(param_sq)
        } else {
            0.0
        };
        frame.set(names::UPDATE_RATIO, ratio);

        if self.step % self.config.val_every == 0 {
            let val = self.score(&self.data.val);
            frame
                .set(names::VAL_LOSS, val.loss)
                .set(names::VAL_ACC, val.acc)
                .set(names::VAL_MIN_RECALL, val.min_recall)
                .set(names::CLASS_RATIO, self.class_ratio());
            if self.step % self.config.test_every == 0 && !self.data.test.is_empty() {
                let test = self.score(&self.data.test);
                frame
                    .set(names::TEST_LOSS, test.loss)
                    .set(names::TEST_ACC, test.acc);
            }
            if self.step % self.config.test_every == 0 && !self.data.stress.is_empty() {
                frame.set(names::STRESS_ACC, self.score(&self.data.stress).acc);
            }
            if self.step % self.config.test_every == 0
                && self.config.dataset == DatasetKind::Modular
            {
                let (sum, diff) = self.probes();
                frame
                    .set(names::PROBE_SUM, sum)
                    .set(names::PROBE_DIFF, diff);
            }
        }
        self.step += 1;
        frame
    }

    /// Held-out accuracies of linear probes of the last hidden layer (fit on
    /// the training pairs, scored on the validation pairs) for (a + b) mod p
    /// and (a - b) mod p; modular data only (NaN otherwise).
    pub fn probes(&self) -> (f64, f64) {
        let p = data::MODULUS;
        let (train, val) = (&self.data.train, &self.data.val);
        let (Some(a), Some(b)) = (train.modular_pairs(), val.modular_pairs()) else {
            return (f64::NAN, f64::NAN);
        };
        let hidden = |x: &Split| {
            let fwd = self.mlp.forward(x.x.view());
            fwd.inputs[fwd.inputs.len() - 2].clone()
        };
        let (ha, hb) = (hidden(train), hidden(val));
        let probe = |op: &dyn Fn(usize, usize) -> usize| {
            let ya: Vec<usize> = a.iter().map(|&(x, y)| op(x, y)).collect();
            let yb: Vec<usize> = b.iter().map(|&(x, y)| op(x, y)).collect();
            probe::probe_accuracy(ha.view(), &ya, hb.view(), &yb, p)
        };
        (probe(&|x, y| (x + y) % p), probe(&|x, y| (x + p - y) % p))
    }

    /// Loss and accuracy on the validation split.
    pub fn evaluate(&self) -> (f64, f64) {
        let val = self.score(&self.data.val);
        (val.loss, val.acc)
    }

    /// Loss, accuracy and lowest per-class recall on `split` (not empty).
    pub fn score(&self, split: &Split) -> Score {
        let fwd = self.mlp.forward(split.x.view());
        let (_, loss) = mlp::loss_and_logit_grad(fwd.logits(), &split.y, self.config.loss);
        let classes = self.data.classes;
        // Per class: points, and points predicted right.
        let (mut total, mut right) = (vec![0usize; classes], vec![0usize; classes]);
        for (r, &c) in fwd.logits().rows().into_iter().zip(&split.y) {
            total[c] += 1;
            right[c] += usize::from(mlp::argmax(r.iter().copied()) == c);
        }
        let correct: usize = right.iter().sum();
        let min_recall = total
            .iter()
            .zip(&right)
            .filter(|(&n, _)| n > 0)
            .map(|(&n, &k)| k as f64 / n as f64)
            .fold(1.0, f64::min);
        Score {
            loss,
            acc: correct as f64 / split.len() as f64,
            min_recall,
        }
    }

    /// Points of the most common class over points of the rarest in the
    /// training split (a class with no points counts as one).
    pub fn class_ratio(&self) -> f64 {
        let counts = self.data.train.class_counts(self.data.classes);
        let most = counts.iter().copied().max().unwrap_or(0);
        let least = counts.iter().copied().min().unwrap_or(0).max(1);
        most as f64 / least as f64
    }

    /// The data as generated from the config, before any data fault changed
    /// it (what a view compares the training split with).
    pub fn original_data(&self) -> Dataset {
        generate_data(&self.config)
    }

    /// Puts the original data back, as generated from the config (a data
    /// fault switched off).
    pub fn restore_data(&mut self) {
        *self.data = generate_data(&self.config);
    }

    /// Replaces the network (a fault rebuilding or re-initialising it); the
    /// optimizer starts afresh for it.
    pub fn replace_network(&mut self, mlp: Mlp) {
        self.optimizer = new_optimizer(&self.config, &mlp);
        self.mlp = mlp;
    }

    /// A copy of the network and the optimizer state, to roll back to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            step: self.step,
            mlp: self.mlp.clone(),
            optimizer: self.optimizer.clone(),
        }
    }

    /// Restores the network and optimizer state of `checkpoint`. The step
    /// count, the learning rate, clipping and the data stream go on.
    pub fn restore(&mut self, checkpoint: &Checkpoint) {
        self.mlp = checkpoint.mlp.clone();
        self.optimizer = checkpoint.optimizer.clone();
    }
}

fn new_optimizer(config: &TrainConfig, mlp: &Mlp) -> Optimizer {
    Optimizer::new(config.optimizer, config.momentum, config.beta2, &mlp.layers)
}

/// Per layer: the squared norm of the weight gradient, and of the weight
/// and bias gradients together.
fn squared_layer_norms(grads: &[Layer]) -> Vec<(f64, f64)> {
    grads
        .iter()
        .map(|g| {
            let w = g.w.iter().fold(0.0, |acc, v| acc + v * v);
            (w, g.b.iter().fold(w, |acc, v| acc + v * v))
        })
        .collect()
}

/// Sets `dead_frac` (ReLU) or `saturated_frac` (sigmoid, tanh) from the
/// hidden activations of a forward pass.
fn record_activation_health(mlp: &Mlp, fwd: &Forward, frame: &mut Frame) {
    let hidden = &fwd.inputs[1..fwd.inputs.len() - 1];
    match mlp.activation {
        Activation::Relu => {
            let (mut dead, mut units) = (0usize, 0usize);
            for a in hidden {
                units += a.ncols();
                dead += a
                    .columns()
                    .into_iter()
                    .filter(|c| c.iter().all(|&v| v == 0.0))
                    .count();
            }
            frame.set(names::DEAD_FRAC, dead as f64 / units as f64);
        }
        Activation::Sigmoid | Activation::Tanh => {
            let in_tail = |v: f64| match mlp.activation {
                Activation::Sigmoid => (v - 0.5).abs() > 0.5 - SIGMOID_TAIL,
                _ => v.abs() > TANH_TAIL,
            };
            let (mut saturated, mut total) = (0usize, 0usize);
            for a in hidden {
                total += a.len();
                saturated += a.iter().filter(|&&v| in_tail(v)).count();
            }
            frame.set(names::SATURATED_FRAC, saturated as f64 / total as f64);
        }
    }
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
    fn every_optimizer_and_schedule_learns() {
        for (optimizer, lr, schedule, warmup_steps) in [
            (OptimizerKind::Sgd, 0.1, Schedule::Step, 0),
            (OptimizerKind::Momentum, 0.02, Schedule::Cosine, 100),
            (OptimizerKind::Adam, 0.01, Schedule::Constant, 50),
        ] {
            let mut t = Trainer::new(TrainConfig {
                dataset: DatasetKind::Circles,
                optimizer,
                lr,
                schedule,
                schedule_steps: 1500,
                warmup_steps,
                weight_decay: 1e-4,
                ..TrainConfig::default()
            })
            .unwrap();
            for _ in 0..1500 {
                t.step();
            }
            let (_, acc) = t.evaluate();
            assert!(acc > 0.9, "{optimizer:?} {schedule:?}: accuracy {acc}");
        }
    }

    #[test]
    fn clipping_bounds_the_update_but_not_the_reported_norm() {
        let config = TrainConfig {
            init_scale: 3.0,
            ..TrainConfig::default()
        };
        let mut free = Trainer::new(config.clone()).unwrap();
        let mut clipped = Trainer::new(TrainConfig {
            clip_norm: 0.5,
            ..config
        })
        .unwrap();
        let params = global_norm(&clipped.mlp.layers);
        let (a, b) = (free.step(), clipped.step());
        let norm = a.get(names::GRAD_NORM).unwrap();
        assert!(norm > 0.5, "the test needs a norm above the threshold");
        assert_eq!(b.get(names::GRAD_NORM), Some(norm), "pre-clip norm");
        let applied = b.get(names::UPDATE_RATIO).unwrap() * params;
        assert!((applied - 0.1 * 0.5).abs() < 1e-12, "applied {applied}");
    }

    #[test]
    fn frames_carry_layer_norms_and_activation_health() {
        for activation in [Activation::Relu, Activation::Tanh, Activation::Sigmoid] {
            let mut t = Trainer::new(TrainConfig {
                hidden: vec![8, 8, 8],
                activation,
                ..TrainConfig::default()
            })
            .unwrap();
            let f = t.step();
            for l in 0..4 {
                assert!(f.get(names::grad_norm_layer(l)).unwrap() > 0.0);
            }
            assert_eq!(f.get("grad_norm/4"), None);
            assert_eq!(
                f.get(names::grad_norm_layer(0)),
                f.get(names::GRAD_NORM_FIRST)
            );
            assert_eq!(
                f.get(names::grad_norm_layer(3)),
                f.get(names::GRAD_NORM_LAST)
            );
            assert!(f.get(names::UPDATE_RATIO).unwrap() > 0.0);
            assert_eq!(f.get(names::LR), Some(0.1));
            let relu = activation == Activation::Relu;
            assert_eq!(f.get(names::DEAD_FRAC).is_some(), relu);
            assert_eq!(f.get(names::SATURATED_FRAC).is_some(), !relu);
        }
    }

    #[test]
    fn dead_and_saturated_fractions_count_the_right_units() {
        let mut t = Trainer::new(TrainConfig {
            hidden: vec![4, 4],
            ..TrainConfig::default()
        })
        .unwrap();
        // Kill the first layer: every unit of both layers outputs 0.
        t.mlp.layers[0].b.fill(-100.0);
        assert_eq!(t.step().get(names::DEAD_FRAC), Some(1.0));
        t.mlp.layers[0].b.fill(0.0);
        t.mlp.layers[1].b.fill(-100.0);
        assert_eq!(t.step().get(names::DEAD_FRAC), Some(0.5));

        let mut t = Trainer::new(TrainConfig {
            hidden: vec![4, 4],
            activation: Activation::Sigmoid,
            ..TrainConfig::default()
        })
        .unwrap();
        t.mlp.layers[1].b.fill(100.0);
        assert_eq!(t.step().get(names::SATURATED_FRAC), Some(0.5));
    }

    #[test]
    fn validate_names_every_bad_new_field() {
        type Spoil = fn(&mut TrainConfig);
        let cases: [(&str, Spoil); 12] = [
            ("n_test", |c| c.n_test = 5),
            ("test_every", |c| c.test_every = 15),
            ("test_every", |c| c.test_every = 0),
            ("momentum", |c| c.momentum = 1.0),
            ("beta2", |c| c.beta2 = -0.1),
            ("schedule_steps", |c| c.schedule_steps = 0),
            ("decay_factor", |c| c.decay_factor = 0.0),
            ("decay_factor", |c| c.decay_factor = 1.5),
            ("warmup_steps", |c| c.warmup_steps = 2_000_000),
            ("weight_decay", |c| c.weight_decay = f64::INFINITY),
            ("clip_norm", |c| c.clip_norm = -1.0),
            ("clip_norm", |c| c.clip_norm = f64::NAN),
        ];
        for (field, spoil) in cases {
            let mut c = TrainConfig::default();
            spoil(&mut c);
            assert_eq!(c.validate().unwrap_err().field, field);
        }
        let parsed: Result<TrainConfig, _> = serde_json::from_str(r#"{"optimiser": "adam"}"#);
        assert!(parsed.unwrap_err().to_string().contains("unknown field"));
        let parsed: TrainConfig =
            serde_json::from_str(r#"{"optimizer": "adam", "schedule": "cosine"}"#).unwrap();
        assert_eq!(
            (parsed.optimizer, parsed.schedule),
            (OptimizerKind::Adam, Schedule::Cosine)
        );
    }

    #[test]
    fn validation_steps_carry_data_metrics_and_every_fifth_the_test_split() {
        let mut t = Trainer::new(TrainConfig::default()).unwrap();
        let frames: Vec<Frame> = (0..101).map(|_| t.step()).collect();
        let steps_with = |name| {
            frames
                .iter()
                .filter(|f| f.get(name).is_some())
                .map(|f| f.step)
                .collect::<Vec<_>>()
        };
        assert_eq!(steps_with(names::TEST_ACC), [0, 50, 100]);
        assert_eq!(steps_with(names::TEST_LOSS), [0, 50, 100]);
        assert_eq!(steps_with(names::CLASS_RATIO).len(), 11);
        assert_eq!(frames[50].get(names::CLASS_RATIO), Some(1.0));
        let recall = frames[50].get(names::VAL_MIN_RECALL).unwrap();
        assert!((0.0..=frames[50].get(names::VAL_ACC).unwrap()).contains(&recall));
        // The test score is the network's on the test split, and is not the
        // validation score.
        let test = t.score(&t.data.test);
        let val = t.score(&t.data.val);
        assert_eq!(t.evaluate(), (val.loss, val.acc));
        assert_ne!(test, val);

        // No test split: no test metrics.
        let mut t = Trainer::new(TrainConfig {
            n_test: 0,
            ..TrainConfig::default()
        })
        .unwrap();
        assert_eq!(t.step().get(names::TEST_LOSS), None);
    }

    #[test]
    fn class_ratio_and_min_recall_follow_the_data() {
        let mut t = Trainer::new(TrainConfig::default()).unwrap();
        let keep: Vec<usize> = (0..t.data.train.len())
            .filter(|&i| t.data.train.y[i] == 0 || i < 20)
            .collect();
        t.data.train = t.data.train.batch(&keep);
        // 200 of class 0, 10 of class 1.
        assert_eq!(t.class_ratio(), 20.0);
        t.restore_data();
        assert_eq!(t.class_ratio(), 1.0);
        // A network that answers class 0 everywhere: recall 1 and 0.
        let last = t.mlp.layers.len() - 1;
        t.mlp.layers[last].w.fill(0.0);
        t.mlp.layers[last].b[0] = 1.0;
        let score = t.score(&t.data.val);
        assert_eq!((score.acc, score.min_recall), (0.5, 0.0));
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
