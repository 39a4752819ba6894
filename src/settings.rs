//! The settings the page shows, in one table: for each engine setting its
//! name on the page (and in the URL), label, form group, learner, type,
//! where it lives in [`RunConfig`], its default (read from the configs'
//! `Default`), its range or options, and the message the engine gives when
//! it is out of range (asked of the engine's own validation).
//!
//! The page builds its form, URL state and checks from [`table`]; the test
//! `tests/settings.rs` holds every entry against the engine's validation
//! (the default is valid, min and max are accepted, just outside is
//! refused), so the two cannot drift apart.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::run::RunConfig;
use crate::scenarios::{agent, classifier, gan, Scenario};
use crate::trainer::ConfigError;

/// What kind of value a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole number.
    Int,
    /// Any finite number.
    Number,
    /// One of [`Setting::options`].
    Enum,
    /// On or off.
    Bool,
    /// Widths of hidden layers, written `16,16` on the page.
    Layers,
}

/// Bounds of a number, or of a list of layers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    /// The smallest value (number of layers for [`Kind::Layers`]).
    pub min: f64,
    /// The largest value (number of layers for [`Kind::Layers`]).
    pub max: f64,
    /// Whether `min` itself is refused (the value must be above it).
    pub min_open: bool,
    /// Whether `max` itself is refused (the value must be below it).
    pub max_open: bool,
    /// Whether the bounds are the page's own choice, narrower than the
    /// engine's (which accepts more, e.g. any 64-bit seed).
    pub page_limit: bool,
}

/// One setting of the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setting {
    /// Its name on the page and in the URL.
    pub name: &'static str,
    /// Its label in the form.
    pub label: &'static str,
    /// The form group it is shown in.
    pub group: &'static str,
    /// The learner it applies to (None: both).
    pub learner: Option<Scenario>,
    /// Its kind of value.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Where it goes in the run config (`train.lr`), as the config's JSON
    /// reads it; a setting shared by both learners has two paths.
    pub paths: &'static [&'static str],
    /// The default, as the page writes it (layers as `16,16`).
    pub default: Value,
    /// Bounds of a number (or the number of layers).
    pub range: Option<Range>,
    /// Bounds of each layer's width ([`Kind::Layers`] only).
    pub widths: Option<(u32, u32)>,
    /// The values of an [`Kind::Enum`], as the config's JSON writes them.
    pub options: &'static [&'static str],
    /// Labels of the options, in order (empty: the values themselves).
    pub option_labels: &'static [&'static str],
    /// What the engine says of a value out of range (None: no range).
    pub message: Option<String>,
}

const C: Option<Scenario> = Some(Scenario::Classifier);
const A: Option<Scenario> = Some(Scenario::Agent);
const G: Option<Scenario> = Some(Scenario::Gan);
/// The learners' ids and titles, in [`Scenario::ALL`]'s order.
const SCENARIO_IDS: [&str; 3] = [classifier::DOC.id, agent::DOC.id, gan::DOC.id];
const SCENARIO_TITLES: [&str; 3] = [classifier::DOC.title, agent::DOC.title, gan::DOC.title];
const ACTIVATIONS: &[&str] = &["relu", "tanh", "sigmoid"];
const OPTIMIZERS: &[&str] = &["sgd", "momentum", "adam"];

/// `[min, max]`.
const fn closed(min: f64, max: f64) -> Option<Range> {
    Some(Range {
        min,
        max,
        min_open: false,
        max_open: false,
        page_limit: false,
    })
}

/// `(min, max]`.
const fn above(min: f64, max: f64) -> Option<Range> {
    Some(Range {
        min,
        max,
        min_open: true,
        max_open: false,
        page_limit: false,
    })
}

/// `[min, max)`.
const fn below(min: f64, max: f64) -> Option<Range> {
    Some(Range {
        min,
        max,
        min_open: false,
        max_open: true,
        page_limit: false,
    })
}

/// `(min, max)`.
const fn between(min: f64, max: f64) -> Option<Range> {
    Some(Range {
        min,
        max,
        min_open: true,
        max_open: true,
        page_limit: false,
    })
}

/// A table entry; the engine fills in its default and message.
fn spec(
    name: &'static str,
    label: &'static str,
    group: &'static str,
    learner: Option<Scenario>,
    kind: Kind,
    paths: &'static [&'static str],
    range: Option<Range>,
) -> Setting {
    Setting {
        name,
        label,
        group,
        learner,
        kind,
        paths,
        default: Value::Null,
        range,
        widths: None,
        options: &[],
        option_labels: &[],
        message: None,
    }
}

fn choice(
    name: &'static str,
    label: &'static str,
    group: &'static str,
    learner: Option<Scenario>,
    paths: &'static [&'static str],
    options: &'static [&'static str],
) -> Setting {
    Setting {
        options,
        ..spec(name, label, group, learner, Kind::Enum, paths, None)
    }
}

fn layers(
    name: &'static str,
    learner: Option<Scenario>,
    path: &'static [&'static str],
    count: (f64, f64),
) -> Setting {
    Setting {
        widths: Some((1, 256)),
        ..spec(
            name,
            "Hidden layers",
            "Network",
            learner,
            Kind::Layers,
            path,
            closed(count.0, count.1),
        )
    }
}

/// The table, in the page's order (the form's order within each group).
fn specs() -> Vec<Setting> {
    use Kind::{Bool, Int, Number};
    let seed_range = Some(Range {
        page_limit: true,
        ..closed(0.0, 4_294_967_295.0).unwrap()
    });
    vec![
        Setting {
            option_labels: &SCENARIO_TITLES,
            ..choice(
                "scenario",
                "Learner",
                "Learner",
                None,
                &["scenario"],
                &SCENARIO_IDS,
            )
        },
        spec(
            "seed",
            "Seed",
            "Data",
            None,
            Int,
            &["train.seed", "agent.seed", "gan.seed"],
            seed_range,
        ),
        choice(
            "dataset",
            "Dataset",
            "Data",
            C,
            &["train.dataset"],
            &["spiral", "circles", "xor", "gaussians", "modular"],
        ),
        spec(
            "noise",
            "Noise",
            "Data",
            C,
            Number,
            &["train.noise"],
            closed(0.0, 2.0),
        ),
        spec(
            "nTrain",
            "Training points",
            "Data",
            C,
            Int,
            &["train.n_train"],
            closed(10.0, 100_000.0),
        ),
        spec(
            "nVal",
            "Validation points",
            "Data",
            C,
            Int,
            &["train.n_val"],
            closed(10.0, 100_000.0),
        ),
        spec(
            "nTest",
            "Test points (0: none)",
            "Data",
            C,
            Int,
            &["train.n_test"],
            closed(0.0, 100_000.0),
        ),
        spec(
            "nStress",
            "Stress points (0: none)",
            "Data",
            C,
            Int,
            &["train.n_stress"],
            closed(0.0, 100_000.0),
        ),
        spec(
            "modes",
            "Modes on the ring",
            "Data",
            G,
            Int,
            &["gan.modes"],
            closed(1.0, 32.0),
        ),
        spec(
            "radius",
            "Ring radius",
            "Data",
            G,
            Number,
            &["gan.radius"],
            above(0.0, 100.0),
        ),
        spec(
            "modeStd",
            "Mode spread (std)",
            "Data",
            G,
            Number,
            &["gan.data_std"],
            above(0.0, 10.0),
        ),
        layers("hidden", C, &["train.hidden"], (1.0, 8.0)),
        choice(
            "activation",
            "Activation",
            "Network",
            C,
            &["train.activation"],
            ACTIVATIONS,
        ),
        choice(
            "loss",
            "Loss",
            "Network",
            C,
            &["train.loss"],
            &["squared", "cross_entropy"],
        ),
        spec(
            "init",
            "Init scale ×",
            "Network",
            C,
            Number,
            &["train.init_scale"],
            above(0.0, 1000.0),
        ),
        layers("aHidden", A, &["agent.hidden"], (0.0, 4.0)),
        choice(
            "aActivation",
            "Activation",
            "Network",
            A,
            &["agent.activation"],
            ACTIVATIONS,
        ),
        spec(
            "aInit",
            "Init scale ×",
            "Network",
            A,
            Number,
            &["agent.init_scale"],
            above(0.0, 1000.0),
        ),
        layers("gHidden", G, &["gan.hidden"], (1.0, 3.0)),
        spec(
            "noiseDim",
            "Noise dimensions",
            "Network",
            G,
            Int,
            &["gan.noise_dim"],
            closed(1.0, 16.0),
        ),
        choice(
            "optimizer",
            "Optimizer",
            "Optimizer",
            C,
            &["train.optimizer"],
            OPTIMIZERS,
        ),
        spec(
            "lr",
            "Learning rate",
            "Optimizer",
            C,
            Number,
            &["train.lr"],
            above(0.0, 1000.0),
        ),
        choice(
            "aOptimizer",
            "Optimizer",
            "Optimizer",
            A,
            &["agent.optimizer"],
            OPTIMIZERS,
        ),
        spec(
            "aLr",
            "Learning rate",
            "Optimizer",
            A,
            Number,
            &["agent.lr"],
            above(0.0, 1000.0),
        ),
        spec(
            "gLr",
            "Generator learning rate",
            "Optimizer",
            G,
            Number,
            &["gan.g_lr"],
            above(0.0, 1000.0),
        ),
        spec(
            "dLr",
            "Discriminator learning rate",
            "Optimizer",
            G,
            Number,
            &["gan.d_lr"],
            above(0.0, 1000.0),
        ),
        // The GAN's Adam has its own betas: its healthy beta1 (0.5, as in
        // DCGAN) is not the classifier's momentum.
        spec(
            "gBeta1",
            "Adam β1",
            "Optimizer",
            G,
            Number,
            &["gan.beta1"],
            below(0.0, 1.0),
        ),
        spec(
            "gBeta2",
            "Adam β2",
            "Optimizer",
            G,
            Number,
            &["gan.beta2"],
            below(0.0, 1.0),
        ),
        spec(
            "momentum",
            "Momentum (β1)",
            "Optimizer",
            None,
            Number,
            &["train.momentum", "agent.momentum"],
            below(0.0, 1.0),
        ),
        spec(
            "beta2",
            "Adam β2",
            "Optimizer",
            None,
            Number,
            &["train.beta2", "agent.beta2"],
            below(0.0, 1.0),
        ),
        spec(
            "batch",
            "Batch size",
            "Optimizer",
            C,
            Int,
            &["train.batch_size"],
            closed(1.0, 4096.0),
        ),
        spec(
            "aBatch",
            "Episodes per step",
            "Optimizer",
            A,
            Int,
            &["agent.batch_size"],
            closed(1.0, 4096.0),
        ),
        spec(
            "gBatch",
            "Points per step",
            "Optimizer",
            G,
            Int,
            &["gan.batch_size"],
            closed(1.0, 4096.0),
        ),
        spec(
            "weightDecay",
            "Weight decay",
            "Optimizer",
            C,
            Number,
            &["train.weight_decay"],
            closed(0.0, 1.0),
        ),
        spec(
            "clip",
            "Clip norm (0: off)",
            "Optimizer",
            C,
            Number,
            &["train.clip_norm"],
            closed(0.0, 1e6),
        ),
        choice(
            "schedule",
            "LR schedule",
            "Schedule",
            C,
            &["train.schedule"],
            &["constant", "step", "cosine"],
        ),
        spec(
            "scheduleSteps",
            "Period (steps)",
            "Schedule",
            C,
            Int,
            &["train.schedule_steps"],
            closed(1.0, 1e6),
        ),
        spec(
            "decay",
            "Decay ×",
            "Schedule",
            C,
            Number,
            &["train.decay_factor"],
            above(0.0, 1.0),
        ),
        spec(
            "warmup",
            "Warm-up (steps)",
            "Schedule",
            C,
            Int,
            &["train.warmup_steps"],
            closed(0.0, 1e6),
        ),
        spec(
            "temperature",
            "Temperature",
            "Agent",
            A,
            Number,
            &["agent.temperature"],
            closed(
                crate::trainer::agent::TEMPERATURE_RANGE.0,
                crate::trainer::agent::TEMPERATURE_RANGE.1,
            ),
        ),
        spec(
            "entropy",
            "Entropy bonus",
            "Agent",
            A,
            Number,
            &["agent.entropy_bonus"],
            closed(0.0, 10.0),
        ),
        spec(
            "raterNoise",
            "Rater noise",
            "Agent",
            A,
            Number,
            &["agent.rater_noise"],
            closed(0.0, 10.0),
        ),
        spec(
            "watched",
            "Watched share",
            "Agent",
            A,
            Number,
            &["agent.watched_frac"],
            closed(0.0, 1.0),
        ),
        spec(
            "dSteps",
            "Discriminator steps per step",
            "GAN",
            G,
            Int,
            &["gan.d_steps"],
            closed(1.0, 20.0),
        ),
        spec(
            "gSteps",
            "Generator steps per step",
            "GAN",
            G,
            Int,
            &["gan.g_steps"],
            closed(1.0, 20.0),
        ),
        spec(
            "instanceNoise",
            "Instance noise (0: none)",
            "GAN",
            G,
            Number,
            &["gan.instance_noise"],
            closed(0.0, 10.0),
        ),
        spec(
            "respond",
            "Automatic response",
            "Response",
            None,
            Bool,
            &["respond.enabled"],
            None,
        ),
        spec(
            "respondLr",
            "LR cut ×",
            "Response",
            None,
            Number,
            &["respond.lr_factor"],
            between(0.0, 1.0),
        ),
        spec(
            "respondClip",
            "Clip at",
            "Response",
            None,
            Number,
            &["respond.clip_norm"],
            above(0.0, 1e6),
        ),
        spec(
            "respondEvery",
            "Checkpoint every",
            "Response",
            None,
            Int,
            &["respond.checkpoint_every"],
            closed(1.0, 100_000.0),
        ),
    ]
}

/// The value at `path` (`train.lr`) of a config's JSON.
fn at<'a>(config: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(config, |v, key| v.get(key))
}

/// The config's JSON value at `path`, made mutable.
fn at_mut<'a>(config: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.').try_fold(config, |v, key| v.get_mut(key))
}

/// The page's value of a config's JSON value (layers as `16,16`).
fn page_value(kind: Kind, v: &Value) -> Value {
    match (kind, v) {
        (Kind::Layers, Value::Array(widths)) => Value::String(
            widths
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => v.clone(),
    }
}

/// The config's JSON value of a page value (layers from `16,16`).
fn config_value(kind: Kind, v: &Value) -> Value {
    match (kind, v) {
        (Kind::Layers, Value::String(text)) => Value::Array(
            text.split(',')
                .filter(|w| !w.trim().is_empty())
                .map(|w| w.trim().parse::<u64>().map_or(Value::Null, Value::from))
                .collect(),
        ),
        _ => v.clone(),
    }
}

impl Setting {
    /// `config` with this setting at `value` (a page value), checked by the
    /// engine's validation of the whole config. A value of the wrong type
    /// (a negative count) is refused naming the setting's path
    /// (`train.warmup_steps`), a value out of range naming the field.
    pub fn apply(&self, config: &RunConfig, value: &Value) -> Result<RunConfig, ConfigError> {
        let config = self.set(config, value)?;
        validate(&config)?;
        Ok(config)
    }

    /// `config` with this setting at `value`, its type checked but not the
    /// whole run (a setting whose bounds depend on another, such as the
    /// modular dataset's 529 pairs for the split sizes, may be valid only
    /// once the others are set too: the page sends them all at once).
    pub fn set(&self, config: &RunConfig, value: &Value) -> Result<RunConfig, ConfigError> {
        let field = self.paths.first().copied().unwrap_or(self.name);
        let refused = |reason: String| ConfigError { field, reason };
        let mut json = serde_json::to_value(config).map_err(|e| refused(e.to_string()))?;
        for path in self.paths {
            let slot = at_mut(&mut json, path)
                .ok_or_else(|| refused(format!("no setting {path} in the run config")))?;
            *slot = config_value(self.kind, value);
        }
        serde_json::from_value(json)
            .map_err(|e| refused(crate::config::plain_words(&e.to_string())))
    }

    /// A value just outside the range, below (`low`) or above it; None when
    /// the setting has no range or the bound is the page's own.
    pub fn just_outside(&self, low: bool) -> Option<Value> {
        let r = self.range.filter(|r| !r.page_limit)?;
        if self.kind == Kind::Layers {
            let count = if low { r.min - 1.0 } else { r.max + 1.0 };
            if count < 0.0 {
                return None;
            }
            return Some(Value::String(vec!["16"; count as usize].join(",")));
        }
        let (bound, open) = if low {
            (r.min, r.min_open)
        } else {
            (r.max, r.max_open)
        };
        if open {
            return Some(number(self.kind, bound));
        }
        let step = if self.kind == Kind::Int {
            1.0
        } else {
            (bound.abs() * 1e-9).max(1e-12)
        };
        Some(number(
            self.kind,
            if low { bound - step } else { bound + step },
        ))
    }

    /// The least and greatest values accepted (for an open bound, a value
    /// just inside it).
    pub fn extremes(&self) -> Option<[Value; 2]> {
        let r = self.range?;
        if self.kind == Kind::Layers {
            let widths = self.widths.unwrap_or((1, 1));
            let list = |n: f64, w: u32| Value::String(vec![w.to_string(); n as usize].join(","));
            return Some([list(r.min, widths.0), list(r.max, widths.1)]);
        }
        let inside = |bound: f64, open: bool, up: bool| {
            if !open {
                bound
            } else if up {
                bound + (bound.abs() * 1e-9).max(1e-12)
            } else {
                bound - (bound.abs() * 1e-9).max(1e-12)
            }
        };
        Some([
            number(self.kind, inside(r.min, r.min_open, true)),
            number(self.kind, inside(r.max, r.max_open, false)),
        ])
    }
}

/// `v` as JSON: a whole number for an [`Kind::Int`] setting.
fn number(kind: Kind, v: f64) -> Value {
    match kind {
        Kind::Int if v >= 0.0 => Value::from(v as u64),
        Kind::Int => Value::from(v as i64),
        _ => Value::from(v),
    }
}

/// The engine's validation of everything a page's settings reach: the
/// classifier's, the agent's and the response's settings, and the cost of
/// one step in the page ([`check_step_cost`]).
pub fn validate(config: &RunConfig) -> Result<(), ConfigError> {
    config.train.validate()?;
    config.agent.validate()?;
    config.gan.validate()?;
    config.respond.validate()?;
    check_step_cost(config)
}

/// The most multiply-adds one step of a live run may cost in the page.
/// Measured in headless Chromium under load, the wasm trainer does about
/// 1 billion a second (2 to 3 idle), and the training worker only reads a
/// Pause between steps: this keeps a step (and so the wait for a Pause)
/// under about a third of a second. Native runs have no such limit.
pub const STEP_COST_LIMIT: u64 = 300_000_000;

/// The multiply-adds of the heaviest step of `config`'s learner (its worst
/// step, when the validation and test splits are scored as well), twice
/// that with the automatic response (the run and its twin step together):
/// forward and backward over the batch (about 3 passes), plus a forward pass
/// over each held-out split.
pub fn step_cost(config: &RunConfig) -> u64 {
    fn weights(sizes: &[usize]) -> u64 {
        sizes.windows(2).map(|w| (w[0] * w[1]) as u64).sum()
    }
    let per_step = match config.scenario {
        Scenario::Classifier => {
            let t = &config.train;
            let mut sizes = vec![2];
            sizes.extend(&t.hidden);
            sizes.push(2);
            weights(&sizes) * (3 * t.batch_size + t.n_val + t.n_test + t.n_stress) as u64
        }
        Scenario::Agent => {
            use crate::trainer::agent::{ACTIONS, INPUTS};
            let a = &config.agent;
            let mut sizes = vec![INPUTS];
            sizes.extend(&a.hidden);
            sizes.push(ACTIONS);
            weights(&sizes) * (3 * a.batch_size + a.eval_prompts) as u64
        }
        Scenario::Gan => {
            // Per update: the discriminator on real and generated points
            // (forward, backward) and the generator's points; per generator
            // update the same through both networks; the evaluation sample.
            let g = &config.gan;
            let with = |input, output| {
                let mut sizes = vec![input];
                sizes.extend(&g.hidden);
                sizes.push(output);
                weights(&sizes)
            };
            let (gen, disc) = (with(g.noise_dim, 2), with(2, 1));
            let batch = g.batch_size as u64;
            g.d_steps as u64 * (6 * disc + gen) * batch
                + g.g_steps as u64 * 3 * (gen + disc) * batch
                + gen * g.eval_samples as u64
        }
    };
    per_step * if config.respond.enabled { 2 } else { 1 }
}

/// Refuses settings whose one step would cost over [`STEP_COST_LIMIT`],
/// naming the cost: the page could not honour a Pause for that long.
pub fn check_step_cost(config: &RunConfig) -> Result<(), ConfigError> {
    let cost = step_cost(config);
    let millions = |n: u64| {
        if n >= 1_000_000_000 {
            format!("{:.1} billion", n as f64 / 1e9)
        } else {
            format!("{} million", n.div_ceil(1_000_000))
        }
    };
    crate::config::check(
        cost <= STEP_COST_LIMIT,
        "step_cost",
        format!(
            "one step of these settings would cost about {} multiply-adds (the batch and \
             the held-out points through every layer{}), over the page's limit of {}: at \
             about a billion a second a step would take {:.1} s, and Pause waits for the \
             step under way. Lower the batch size, the hidden layers or the held-out points",
            millions(cost),
            if config.respond.enabled {
                ", twice with the automatic response"
            } else {
                ""
            },
            millions(STEP_COST_LIMIT),
            cost as f64 / 1e9,
        ),
    )
}

/// The prefix of the config paths `scenario`'s learner reads (`train.`).
fn own_prefix(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Classifier => "train.",
        Scenario::Agent => "agent.",
        Scenario::Gan => "gan.",
    }
}

impl Setting {
    /// The path `scenario`'s learner reads this setting at (a setting the
    /// learners share has one path each).
    fn path_for(&self, scenario: Scenario) -> &'static str {
        let own = own_prefix(scenario);
        (self.paths.iter())
            .find(|p| p.starts_with(own))
            .unwrap_or(&self.paths[0])
    }
}

/// The page's value of every setting for `config` (name -> page value): a
/// setting the learners share is read where `config`'s learner keeps it.
pub fn values_of(config: &RunConfig) -> BTreeMap<&'static str, Value> {
    let json = serde_json::to_value(config).unwrap_or(Value::Null);
    specs()
        .into_iter()
        .map(|s| {
            let path = s.path_for(config.scenario);
            let value = at(&json, path).map_or(Value::Null, |v| page_value(s.kind, v));
            (s.name, value)
        })
        .collect()
}

/// `config` as the page holds it: every setting the learners share (the
/// seed, the classifier's and agent's momentum...) copied from where
/// `config`'s learner keeps it to the other learners' paths, as one field
/// of the page sets them all.
pub fn shared(config: RunConfig) -> RunConfig {
    let Ok(mut json) = serde_json::to_value(&config) else {
        return config;
    };
    for s in specs().iter().filter(|s| s.paths.len() > 1) {
        let Some(value) = at(&json, s.path_for(config.scenario)).cloned() else {
            continue;
        };
        for path in s.paths {
            if let Some(slot) = at_mut(&mut json, path) {
                *slot = value.clone();
            }
        }
    }
    serde_json::from_value(json).unwrap_or(config)
}

/// The settings table, defaults and messages filled in from the engine.
pub fn table() -> Vec<Setting> {
    let base = RunConfig::default();
    let json = serde_json::to_value(&base).unwrap_or(Value::Null);
    specs()
        .into_iter()
        .map(|mut setting| {
            setting.default =
                at(&json, setting.paths[0]).map_or(Value::Null, |v| page_value(setting.kind, v));
            setting.message = [true, false]
                .into_iter()
                .filter_map(|low| setting.just_outside(low))
                .filter_map(|v| setting.apply(&base, &v).err())
                .find(|e| !e.field.contains('.'))
                .map(|e| e.reason)
                .or_else(|| {
                    let r = setting.range?;
                    Some(format!("must be between {} and {}", r.min, r.max))
                });
            setting
        })
        .collect()
}
