//! A small GAN on the ring of Gaussians (the demo of GAN Lab, and of the
//! unrolled-GAN paper): a generator MLP maps noise to points of the plane, a
//! discriminator MLP scores points as real or generated, and each is trained
//! against the other with real backpropagation.
//!
//! The data is [`GanConfig::modes`] Gaussians of standard deviation
//! [`GanConfig::data_std`] evenly spaced on a circle of radius
//! [`GanConfig::radius`]. The losses are the non-saturating ones of
//! Goodfellow et al. (2014): the discriminator minimises
//! `softplus(-D(x)) + softplus(D(G(z)))`, the generator `softplus(-D(G(z)))`
//! (`D` is a logit). Both use Adam.
//!
//! The healthy setup has one regulariser, instance noise (Sønderby et al.,
//! 2016; Arjovsky & Bottou, 2017): Gaussian noise of standard deviation
//! [`GanConfig::instance_noise`] added to every point the discriminator sees,
//! real or generated. It keeps the discriminator's surface smooth, so the
//! generator gets a gradient towards every mode and not only to the one its
//! points sit on.
//!
//! Every `eval_every` steps the generator is scored on a fixed set of noise
//! vectors: how many modes it covers ([`names::MODES_COVERED`]) and the
//! course's diversity ratio ([`names::DIVERSITY_RATIO`]).

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::mlp::{Activation, Forward, Layer, Mlp};
use super::optim::{Optimizer, OptimizerKind};
use super::{check_batch_size, check_hidden, check_learning};
use crate::config::{check, ConfigError};
use crate::metrics::{names, Frame};
use crate::rng::Rng;

/// A GAN's settings. The defaults are the healthy setup: every mode covered
/// on most seeds within [`crate::scenarios::gan::SUITE_STEPS`] steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GanConfig {
    /// Seed of every random choice in the run.
    pub seed: u64,
    /// Dimension of the generator's noise input.
    pub noise_dim: usize,
    /// Widths of the hidden layers of both networks.
    pub hidden: Vec<usize>,
    /// The generator's learning rate.
    pub g_lr: f64,
    /// The discriminator's learning rate.
    pub d_lr: f64,
    /// Discriminator steps per training step.
    pub d_steps: usize,
    /// Generator steps per training step (after the discriminator's).
    pub g_steps: usize,
    /// Adam's beta1 for both networks.
    pub beta1: f64,
    /// Adam's beta2 for both networks.
    pub beta2: f64,
    /// Real (and generated) points per step.
    pub batch_size: usize,
    /// Standard deviation of the noise added to the discriminator's inputs
    /// (the regulariser; 0: none).
    pub instance_noise: f64,
    /// Gaussians on the ring.
    pub modes: usize,
    /// Radius of the ring.
    pub radius: f64,
    /// Standard deviation of each Gaussian.
    pub data_std: f64,
    /// Steps between evaluations of the generator.
    pub eval_every: u64,
    /// Generated points per evaluation.
    pub eval_samples: usize,
}

impl Default for GanConfig {
    fn default() -> Self {
        GanConfig {
            seed: 1,
            noise_dim: 2,
            hidden: vec![32, 32],
            g_lr: 0.005,
            d_lr: 0.005,
            d_steps: 1,
            g_steps: 1,
            beta1: 0.5,
            beta2: 0.999,
            batch_size: 64,
            instance_noise: 0.2,
            modes: 8,
            radius: 2.0,
            data_std: 0.1,
            eval_every: 25,
            eval_samples: 512,
        }
    }
}

/// A mode counts as covered when at least this share of the evaluation's
/// generated points lie within [`COVER_STDS`] standard deviations of it (a
/// sixth of its fair share with 8 modes).
pub const COVER_SHARE: f64 = 0.02;
/// How near a generated point must be to a mode's centre to be on it, in
/// data standard deviations.
pub const COVER_STDS: f64 = 3.0;
/// Generated points the diversity ratio is computed on (the agent's 64
/// prompts): the first ones of the evaluation's sample.
pub const DIVERSITY_SAMPLES: usize = 64;

impl GanConfig {
    /// Checks every setting; the error names the bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            (1..=16).contains(&self.noise_dim),
            "noise_dim",
            "must be between 1 and 16",
        )?;
        check_hidden(&self.hidden, 1..=3, "each network has 1 to 3 hidden layers")?;
        check_learning(1.0, self.g_lr, self.beta1, self.beta2).map_err(|e| rename(e, "g_lr"))?;
        check_learning(1.0, self.d_lr, self.beta1, self.beta2).map_err(|e| rename(e, "d_lr"))?;
        check(
            (1..=20).contains(&self.d_steps),
            "d_steps",
            "must be between 1 and 20",
        )?;
        check(
            (1..=20).contains(&self.g_steps),
            "g_steps",
            "must be between 1 and 20",
        )?;
        check_batch_size(self.batch_size)?;
        check(
            self.instance_noise.is_finite() && (0.0..=10.0).contains(&self.instance_noise),
            "instance_noise",
            "must be between 0 and 10",
        )?;
        check(
            (1..=32).contains(&self.modes),
            "modes",
            "must be between 1 and 32",
        )?;
        check(
            self.radius.is_finite() && self.radius > 0.0 && self.radius <= 100.0,
            "radius",
            "must be above 0 and at most 100",
        )?;
        check(
            self.data_std.is_finite() && self.data_std > 0.0 && self.data_std <= 10.0,
            "data_std",
            "must be above 0 and at most 10",
        )?;
        check(
            (1..=100_000).contains(&self.eval_every),
            "eval_every",
            "must be between 1 and 100000",
        )?;
        check(
            (DIVERSITY_SAMPLES..=4096).contains(&self.eval_samples),
            "eval_samples",
            format!("must be between {DIVERSITY_SAMPLES} and 4096"),
        )
    }

    /// The centre of mode `i`.
    pub fn mode_centre(&self, i: usize) -> (f64, f64) {
        let angle = 2.0 * core::f64::consts::PI * i as f64 / self.modes as f64;
        (
            self.radius * libm::cos(angle),
            self.radius * libm::sin(angle),
        )
    }
}

/// `learning`'s error named as the GAN names its fields: the learning rate
/// `field`, momentum `beta1`.
fn rename(mut e: ConfigError, field: &'static str) -> ConfigError {
    match e.field {
        "lr" => e.field = field,
        "momentum" => e.field = "beta1",
        _ => {}
    }
    e
}

/// What the last evaluation found.
#[derive(Clone, Debug, PartialEq)]
pub struct GanEval {
    /// The step it was made at.
    pub step: u64,
    /// Modes with at least [`COVER_SHARE`] of the generated points near them.
    pub modes_covered: usize,
    /// The course's diversity ratio of the generated points.
    pub diversity_ratio: f64,
}

/// A GAN being trained.
pub struct Gan {
    /// Its settings as configured.
    pub config: GanConfig,
    /// The generator: noise to a point of the plane.
    pub generator: Mlp,
    /// The discriminator: a point to a logit (real: high).
    pub discriminator: Mlp,
    /// The generator's learning rate now (faults change it).
    pub g_lr: f64,
    /// The discriminator's learning rate now.
    pub d_lr: f64,
    /// Discriminator steps per training step now.
    pub d_steps: usize,
    /// Generator steps per training step now.
    pub g_steps: usize,
    /// Instance noise now.
    pub instance_noise: f64,
    /// Steps taken.
    pub step: u64,
    /// The last evaluation, if any.
    pub last_eval: Option<GanEval>,
    g_opt: Optimizer,
    d_opt: Optimizer,
    rng: Rng,
    /// The fixed noise of every evaluation.
    eval_noise: Array2<f64>,
}

/// `log(1 + e^s)`, without overflow.
fn softplus(s: f64) -> f64 {
    if s > 30.0 {
        s
    } else {
        libm::log1p(libm::exp(s))
    }
}

fn sigmoid(s: f64) -> f64 {
    Activation::Sigmoid.apply(s)
}

/// Adds `updates` to `net`'s parameters.
fn apply(net: &mut Mlp, updates: &[Layer]) {
    for (layer, u) in net.layers.iter_mut().zip(updates) {
        layer.w += &u.w;
        layer.b += &u.b;
    }
}

/// The elementwise sum of two gradients of the same network.
fn add(mut a: Vec<Layer>, b: &[Layer]) -> Vec<Layer> {
    for (x, y) in a.iter_mut().zip(b) {
        x.w += &y.w;
        x.b += &y.b;
    }
    a
}

impl Gan {
    /// A GAN of `config`, initialised from its seed.
    pub fn new(config: GanConfig) -> Result<Gan, ConfigError> {
        config.validate()?;
        let sizes = |input: usize, output: usize| {
            let mut s = vec![input];
            s.extend(&config.hidden);
            s.push(output);
            s
        };
        let act = Activation::Relu;
        let generator = Mlp::new(
            &sizes(config.noise_dim, 2),
            act,
            1.0,
            &mut Rng::derive(config.seed, 21),
        );
        let discriminator = Mlp::new(&sizes(2, 1), act, 1.0, &mut Rng::derive(config.seed, 22));
        let adam = |net: &Mlp| {
            Optimizer::new(OptimizerKind::Adam, config.beta1, config.beta2, &net.layers)
        };
        let mut noise_rng = Rng::derive(config.seed, 23);
        let eval_noise = Array2::from_shape_fn((config.eval_samples, config.noise_dim), |_| {
            noise_rng.normal()
        });
        Ok(Gan {
            g_opt: adam(&generator),
            d_opt: adam(&discriminator),
            generator,
            discriminator,
            g_lr: config.g_lr,
            d_lr: config.d_lr,
            d_steps: config.d_steps,
            g_steps: config.g_steps,
            instance_noise: config.instance_noise,
            step: 0,
            last_eval: None,
            rng: Rng::derive(config.seed, 24),
            eval_noise,
            config,
        })
    }

    /// `n` points of the data, drawn from the run's own random stream.
    pub fn sample_real(&mut self, n: usize) -> Array2<f64> {
        sample_ring(&self.config, n, &mut self.rng)
    }

    fn sample_noise(&mut self, n: usize) -> Array2<f64> {
        Array2::from_shape_fn((n, self.config.noise_dim), |_| self.rng.normal())
    }

    /// `x` plus the instance noise, as the discriminator sees it.
    fn blur(&mut self, mut x: Array2<f64>) -> Array2<f64> {
        let s = self.instance_noise;
        if s > 0.0 {
            x.mapv_inplace(|v| v + s * self.rng.normal());
        }
        x
    }

    /// The generator's points for the fixed evaluation noise.
    pub fn generate_eval(&self) -> Array2<f64> {
        self.generator
            .forward(self.eval_noise.view())
            .logits()
            .clone()
    }

    /// One discriminator step; returns its loss.
    fn train_discriminator(&mut self) -> f64 {
        let n = self.config.batch_size;
        let real = self.sample_real(n);
        let real = self.blur(real);
        let z = self.sample_noise(n);
        let fake = self.generator.forward(z.view()).logits().clone();
        let fake = self.blur(fake);
        let d_real = self.discriminator.forward(real.view());
        let d_fake = self.discriminator.forward(fake.view());
        let nf = n as f64;
        // d/ds softplus(-s) = sigmoid(s) - 1; d/ds softplus(s) = sigmoid(s).
        let loss = (d_real.logits().iter().map(|&s| softplus(-s)).sum::<f64>()
            + d_fake.logits().iter().map(|&s| softplus(s)).sum::<f64>())
            / nf;
        let grad_real = d_real.logits().mapv(|s| (sigmoid(s) - 1.0) / nf);
        let grad_fake = d_fake.logits().mapv(|s| sigmoid(s) / nf);
        let grads = add(
            self.discriminator.backward_from(&d_real, grad_real),
            &self.discriminator.backward_from(&d_fake, grad_fake),
        );
        self.update_discriminator(grads);
        loss
    }

    fn update_discriminator(&mut self, mut grads: Vec<Layer>) {
        self.d_opt.update(&mut grads, self.d_lr);
        apply(&mut self.discriminator, &grads);
    }

    /// One generator step through the (fixed) discriminator; returns its
    /// loss.
    fn train_generator(&mut self) -> f64 {
        let n = self.config.batch_size;
        let z = self.sample_noise(n);
        let g: Forward = self.generator.forward(z.view());
        let fake = self.blur(g.logits().clone());
        let d = self.discriminator.forward(fake.view());
        let nf = n as f64;
        let loss = d.logits().iter().map(|&s| softplus(-s)).sum::<f64>() / nf;
        let grad = d.logits().mapv(|s| (sigmoid(s) - 1.0) / nf);
        // The noise is added, so d(fake + noise)/d fake is the identity.
        let (_, to_points) = self.discriminator.backward_through(&d, grad, true);
        let mut grads = self.generator.backward_from(&g, to_points);
        self.g_opt.update(&mut grads, self.g_lr);
        apply(&mut self.generator, &grads);
        loss
    }

    /// One training step: `d_steps` discriminator steps, then `g_steps`
    /// generator steps; an evaluation every `eval_every` steps. The losses
    /// reported are the means over the step's updates.
    pub fn step(&mut self) -> Frame {
        let mut d_loss = 0.0;
        for _ in 0..self.d_steps {
            d_loss += self.train_discriminator();
        }
        d_loss /= self.d_steps as f64;
        let mut g_loss = 0.0;
        for _ in 0..self.g_steps {
            g_loss += self.train_generator();
        }
        g_loss /= self.g_steps as f64;
        let mut frame = Frame::new(self.step);
        frame.set(names::D_LOSS, d_loss).set(names::G_LOSS, g_loss);
        if self.step % self.config.eval_every == 0 {
            let e = self.evaluate();
            frame
                .set(names::MODES_COVERED, e.modes_covered as f64)
                .set(names::DIVERSITY_RATIO, e.diversity_ratio);
            self.last_eval = Some(e);
        }
        self.step += 1;
        frame
    }

    /// Scores the generator on the fixed evaluation noise.
    pub fn evaluate(&self) -> GanEval {
        let points = self.generate_eval();
        GanEval {
            step: self.step,
            modes_covered: modes_covered(&self.config, &points),
            diversity_ratio: diversity_ratio(&self.config, &points),
        }
    }
}

/// `n` points of `config`'s data: for each, a mode at random plus Gaussian
/// noise of the data's standard deviation.
pub fn sample_ring(config: &GanConfig, n: usize, rng: &mut Rng) -> Array2<f64> {
    let mut x = Array2::zeros((n, 2));
    for mut row in x.rows_mut() {
        let (cx, cy) = config.mode_centre(rng.below(config.modes));
        row[0] = cx + config.data_std * rng.normal();
        row[1] = cy + config.data_std * rng.normal();
    }
    x
}

/// For each mode, whether at least [`COVER_SHARE`] of `points` lie within
/// [`COVER_STDS`] standard deviations of its centre.
pub fn mode_hits(config: &GanConfig, points: &Array2<f64>) -> Vec<bool> {
    let near = COVER_STDS * config.data_std;
    let need = COVER_SHARE * points.nrows() as f64;
    (0..config.modes)
        .map(|i| {
            let (cx, cy) = config.mode_centre(i);
            let hits = points
                .axis_iter(Axis(0))
                .filter(|p| (p[0] - cx).powi(2) + (p[1] - cy).powi(2) <= near * near)
                .count();
            hits as f64 >= need
        })
        .collect()
}

/// Modes covered: see [`mode_hits`].
pub fn modes_covered(config: &GanConfig, points: &Array2<f64>) -> usize {
    mode_hits(config, points).into_iter().filter(|&h| h).count()
}

/// The course's diversity ratio (distinct outputs over outputs) of the
/// first [`DIVERSITY_SAMPLES`] points: two points are the same output when
/// they fall in the same square cell of side two data standard deviations
/// (the width of a mode), so a generator that puts every point on one mode
/// gives a handful of distinct outputs.
pub fn diversity_ratio(config: &GanConfig, points: &Array2<f64>) -> f64 {
    let cell = 2.0 * config.data_std;
    let mut seen: Vec<(i64, i64)> = points
        .axis_iter(Axis(0))
        .take(DIVERSITY_SAMPLES)
        .map(|p| {
            (
                libm::floor(p[0] / cell) as i64,
                libm::floor(p[1] / cell) as i64,
            )
        })
        .collect();
    let n = seen.len();
    seen.sort_unstable();
    seen.dedup();
    seen.len() as f64 / n.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_run() {
        let run = |seed| {
            let mut gan = Gan::new(GanConfig {
                seed,
                ..GanConfig::default()
            })
            .unwrap();
            (0..30).map(|_| gan.step()).collect::<Vec<_>>()
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4), run(5));
    }

    #[test]
    fn the_data_covers_every_mode_and_one_mode_covers_one() {
        let config = GanConfig::default();
        let mut gan = Gan::new(config.clone()).unwrap();
        let real = gan.sample_real(512);
        assert_eq!(modes_covered(&config, &real), 8);
        assert!(
            diversity_ratio(&config, &real) > 0.3,
            "{}",
            diversity_ratio(&config, &real)
        );
        let one = Array2::from_shape_fn((512, 2), |(_, j)| [2.0, 0.0][j]);
        assert_eq!(modes_covered(&config, &one), 1);
        assert!(diversity_ratio(&config, &one) < 0.1);
    }

    #[test]
    fn the_input_gradient_is_the_derivative() {
        // d D(x) / d x, by backpropagation and by finite differences.
        let gan = Gan::new(GanConfig::default()).unwrap();
        let x = ndarray::array![[0.3, -0.7]];
        let d = &gan.discriminator;
        let fwd = d.forward(x.view());
        let (_, dx) = d.backward_through(&fwd, Array2::ones((1, 1)), true);
        for j in 0..2 {
            let mut h = x.clone();
            h[[0, j]] += 1e-6;
            let num = (d.forward(h.view()).logits()[[0, 0]] - fwd.logits()[[0, 0]]) / 1e-6;
            assert!((num - dx[[0, j]]).abs() < 1e-4, "{num} {}", dx[[0, j]]);
        }
    }

    #[test]
    fn validate_names_the_bad_field() {
        type Spoil = fn(&mut GanConfig);
        let cases: [(&str, Spoil); 5] = [
            ("g_lr", |c| c.g_lr = f64::NAN),
            ("d_lr", |c| c.d_lr = 0.0),
            ("d_steps", |c| c.d_steps = 0),
            ("instance_noise", |c| c.instance_noise = -1.0),
            ("eval_samples", |c| c.eval_samples = 10),
        ];
        for (field, spoil) in cases {
            let mut c = GanConfig::default();
            spoil(&mut c);
            assert_eq!(c.validate().unwrap_err().field, field);
        }
    }
}
