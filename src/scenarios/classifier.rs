//! The classifier scenario: an MLP learning a 2-D dataset, and the faults
//! that break its training.
//!
//! Every fault changes the mechanics (the learning rate, the weights, the
//! network, the data of one batch) at its step; what follows is what real
//! gradient steps make of it. Nothing is drawn.

use serde::{Deserialize, Serialize};

use super::{agent, Case};
use crate::rng::Rng;
use crate::run::RunConfig;
use crate::trainer::data::{DatasetKind, Split};
use crate::trainer::mlp::{Activation, Loss, Mlp};
use crate::trainer::{check, ConfigError, TrainConfig, Trainer};

/// What a corrupt batch carries in its bad record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Corruption {
    /// Not a number (a failed parse, a 0/0 upstream).
    Nan,
    /// Infinity (an overflow upstream).
    Inf,
    /// A huge but finite value, 1e200 (a unit error, a sentinel value).
    Huge,
}

impl Corruption {
    /// The value written into the record.
    pub fn value(self) -> f64 {
        match self {
            Corruption::Nan => f64::NAN,
            Corruption::Inf => f64::INFINITY,
            Corruption::Huge => 1e200,
        }
    }
}

/// A fault of the classifier scenario, as configured by the learner.
///
/// In JSON: `{"kind": "lr_spike", "at_step": 300, "factor": 50}`; every
/// field but `kind` may be left out for its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// From `at_step` on, the learning rate is multiplied by `factor`:
    /// the updates overshoot, the weights grow and the gradients explode.
    LrSpike {
        /// First step with the multiplied learning rate (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// The multiplier (default 50).
        #[serde(default = "default_spike_factor")]
        factor: f64,
    },
    /// At `at_step` the weights are re-initialised `scale` times larger
    /// than the run's init: the outputs and gradients are huge, the first
    /// updates overshoot and the run explodes.
    InitTooLarge {
        /// The step at which the weights are replaced (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Multiplier of the run's initial weight scale (default 10).
        #[serde(default = "default_init_factor")]
        scale: f64,
    },
    /// At `at_step` the network is rebuilt `depth` sigmoid layers deep with a
    /// small init: every layer multiplies the backward signal by at most a
    /// quarter times its small weights, so the gradient reaching the first
    /// layer vanishes (below 1e-8) and the early layers stop learning.
    Vanishing {
        /// The step at which the network is rebuilt (default 0: from the start).
        #[serde(default)]
        at_step: u64,
        /// Hidden sigmoid layers (default 8).
        #[serde(default = "default_depth")]
        depth: usize,
        /// Units per hidden layer (default 8).
        #[serde(default = "default_width")]
        width: usize,
        /// Multiplier of the Xavier weight scale (default 0.1).
        #[serde(default = "default_small_init")]
        init_scale: f64,
    },
    /// At `at_step` every bias of the first hidden layer is shifted by
    /// `bias_shift`: no input reaches the active range any more (ReLUs die,
    /// sigmoid and tanh units saturate), the gradients into the hidden
    /// layers are zero and the loss goes flat at the level of a constant
    /// guess.
    Plateau {
        /// The step of the shift (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Added to every first-layer bias (default -20).
        #[serde(default = "default_bias_shift")]
        bias_shift: f64,
    },
    /// From `at_step` on, the learning rate is multiplied by `factor`, far
    /// past the edge of stability. With the cross-entropy loss, whose
    /// gradient is bounded, the updates cannot grow without limit: each one
    /// overshoots to the other side of the valley and the loss swings up and
    /// down every step without converging. (With the squared loss the same
    /// jump explodes: that is `lr_spike`.)
    Oscillation {
        /// First step with the multiplied learning rate (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// The multiplier (default 100).
        #[serde(default = "default_oscillation_factor")]
        factor: f64,
    },
    /// At `at_step` one record of the batch carries `value` in its inputs:
    /// the forward pass carries it to the loss, which is no longer finite on
    /// that very step, and the update spreads it into every weight.
    CorruptBatch {
        /// The step of the corrupt batch (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// What the bad record carries (default nan).
        #[serde(default = "default_corruption")]
        value: Corruption,
    },
    /// Agent scenario: the course's naive length reward takes over; see
    /// [`agent::RewardHacking`].
    RewardHacking(agent::RewardHacking),
    /// Agent scenario: entropy bonus off, temperature down, learning rate
    /// up; see [`agent::ModeCollapse`].
    ModeCollapse(agent::ModeCollapse),
    /// Agent scenario: unwatched episodes go unrated; see
    /// [`agent::DeceptiveAlignment`].
    DeceptiveAlignment(agent::DeceptiveAlignment),
}

fn default_at_step() -> u64 {
    300
}
fn default_spike_factor() -> f64 {
    50.0
}
fn default_init_factor() -> f64 {
    10.0
}
fn default_depth() -> usize {
    8
}
fn default_width() -> usize {
    8
}
fn default_small_init() -> f64 {
    0.1
}
fn default_bias_shift() -> f64 {
    -20.0
}
fn default_oscillation_factor() -> f64 {
    100.0
}
fn default_corruption() -> Corruption {
    Corruption::Nan
}

/// Random stream of the weights a fault builds (distinct from the run's own).
const FAULT_INIT_STREAM: u64 = 4;

impl Fault {
    /// Ids of the classifier's fault kinds, in display order (the agent's
    /// are [`Fault::AGENT_IDS`]).
    pub const IDS: [&'static str; 6] = [
        "lr_spike",
        "init_too_large",
        "vanishing",
        "plateau",
        "oscillation",
        "corrupt_batch",
    ];

    /// The learning-rate spike with its defaults, starting at `at_step`.
    pub fn lr_spike(at_step: u64) -> Fault {
        Fault::LrSpike {
            at_step,
            factor: default_spike_factor(),
        }
    }

    /// The fault of kind `id` with every setting at its default.
    pub fn default_for(id: &str) -> Option<Fault> {
        serde_json::from_value(serde_json::json!({ "kind": id })).ok()
    }

    /// Stable id of the fault kind.
    pub fn id(&self) -> &'static str {
        match self {
            Fault::LrSpike { .. } => "lr_spike",
            Fault::InitTooLarge { .. } => "init_too_large",
            Fault::Vanishing { .. } => "vanishing",
            Fault::Plateau { .. } => "plateau",
            Fault::Oscillation { .. } => "oscillation",
            Fault::CorruptBatch { .. } => "corrupt_batch",
            Fault::RewardHacking(_) => "reward_hacking",
            Fault::ModeCollapse(_) => "mode_collapse",
            Fault::DeceptiveAlignment(_) => "deceptive_alignment",
        }
    }

    /// The step at which the fault takes effect.
    pub fn at_step(&self) -> u64 {
        match *self {
            Fault::LrSpike { at_step, .. }
            | Fault::InitTooLarge { at_step, .. }
            | Fault::Vanishing { at_step, .. }
            | Fault::Plateau { at_step, .. }
            | Fault::Oscillation { at_step, .. }
            | Fault::CorruptBatch { at_step, .. } => at_step,
            Fault::RewardHacking(ref f) => f.at_step,
            Fault::ModeCollapse(ref f) => f.at_step,
            Fault::DeceptiveAlignment(ref f) => f.at_step,
        }
    }

    /// Checks the fault's own settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => check(
                factor.is_finite() && (1.0..=1e6).contains(&factor),
                "factor",
                "the learning-rate factor must be between 1 and 1000000",
            ),
            Fault::InitTooLarge { scale, .. } => check(
                scale.is_finite() && (1.0..=1000.0).contains(&scale),
                "scale",
                "the init multiplier must be between 1 and 1000",
            ),
            Fault::Vanishing {
                depth,
                width,
                init_scale,
                ..
            } => {
                check(
                    (1..=8).contains(&depth),
                    "depth",
                    "the vanishing network needs 1 to 8 hidden layers",
                )?;
                check(
                    (1..=256).contains(&width),
                    "width",
                    "the vanishing network needs 1 to 256 units per layer",
                )?;
                check(
                    init_scale.is_finite() && init_scale > 0.0 && init_scale <= 1000.0,
                    "init_scale",
                    "the vanishing network's init scale must be above 0 and at most 1000",
                )
            }
            Fault::Plateau { bias_shift, .. } => check(
                bias_shift.is_finite() && (-1000.0..=1000.0).contains(&bias_shift),
                "bias_shift",
                "the bias shift must be between -1000 and 1000",
            ),
            Fault::CorruptBatch { .. } => Ok(()),
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {
                self.validate_agent()
            }
        }
    }

    /// Checks that the fault does what it says in a run of `config`.
    pub fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        match self {
            Fault::Oscillation { .. } => check(
                config.loss == Loss::CrossEntropy,
                "loss",
                "oscillation needs the cross-entropy loss: with the squared loss a learning \
                 rate this large explodes instead (that is the lr_spike fault)",
            ),
            _ => Ok(()),
        }
    }

    /// Called before every step with the step's batch; applies the fault
    /// when its time has come. Returns true on the step where it takes effect.
    pub fn before_step(
        &self,
        trainer: &mut Trainer,
        batch: &mut Split,
        already_applied: bool,
    ) -> bool {
        if already_applied || trainer.step < self.at_step() {
            return false;
        }
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => {
                trainer.lr *= factor;
            }
            Fault::InitTooLarge { scale, .. } => {
                let mlp = Mlp::new(
                    &trainer.mlp.sizes(),
                    trainer.mlp.activation,
                    trainer.config.init_scale * scale,
                    &mut Rng::derive(trainer.config.seed, FAULT_INIT_STREAM),
                );
                trainer.replace_network(mlp);
            }
            Fault::Vanishing {
                depth,
                width,
                init_scale,
                ..
            } => {
                let sizes = trainer.mlp.sizes();
                let mut deep = vec![sizes[0]];
                deep.extend(vec![width; depth]);
                deep.push(sizes[sizes.len() - 1]);
                let mlp = Mlp::new(
                    &deep,
                    Activation::Sigmoid,
                    init_scale,
                    &mut Rng::derive(trainer.config.seed, FAULT_INIT_STREAM),
                );
                trainer.replace_network(mlp);
            }
            Fault::Plateau { bias_shift, .. } => {
                trainer.mlp.layers[0].b += bias_shift;
            }
            Fault::CorruptBatch { value, .. } => {
                batch.x.row_mut(0).fill(value.value());
            }
            // The agent's faults act on the agent (`before_agent_step`).
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {
                return false;
            }
        }
        true
    }

    /// Undoes the fault's effect after it was applied (the learner switched
    /// it off). A replaced network or a batch already trained on cannot be
    /// given back: those stay.
    pub fn undo(&self, trainer: &mut Trainer) {
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => {
                trainer.lr /= factor;
            }
            Fault::Plateau { bias_shift, .. } => {
                trainer.mlp.layers[0].b -= bias_shift;
            }
            Fault::InitTooLarge { .. } | Fault::Vanishing { .. } | Fault::CorruptBatch { .. } => {}
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {}
        }
    }
}

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1500;

/// The suite's faulty cases of this scenario, one per fault, each on the
/// setup it needs.
pub fn fault_cases() -> Vec<Case> {
    let case = |fault: &'static str, config: fn(u64) -> RunConfig| Case {
        scenario: "classifier",
        fault: Some(fault),
        label: fault.into(),
        steps: SUITE_STEPS,
        config,
    };
    vec![
        case("lr_spike", |seed| faulty(default_setup(seed), "lr_spike")),
        // On circles, which the default network learns well, so that a
        // network that stops learning stands out.
        case("init_too_large", |seed| {
            faulty(circles_setup(seed), "init_too_large")
        }),
        case("vanishing", |seed| faulty(circles_setup(seed), "vanishing")),
        case("plateau", |seed| faulty(circles_setup(seed), "plateau")),
        case("oscillation", |seed| {
            faulty(bounded_gradient_setup(seed), "oscillation")
        }),
        case("corrupt_batch", |seed| {
            faulty(default_setup(seed), "corrupt_batch")
        }),
    ]
}

/// A clean run of `kind` with the default network.
pub fn clean_case(kind: DatasetKind) -> Case {
    let config: fn(u64) -> RunConfig = match kind {
        DatasetKind::Spiral => |seed| clean(seed, DatasetKind::Spiral),
        DatasetKind::Circles => |seed| clean(seed, DatasetKind::Circles),
        DatasetKind::Xor => |seed| clean(seed, DatasetKind::Xor),
        DatasetKind::Gaussians => |seed| clean(seed, DatasetKind::Gaussians),
    };
    Case {
        scenario: "classifier",
        fault: None,
        label: format!("clean/{}", kind.id()),
        steps: SUITE_STEPS,
        config,
    }
}

/// A clean run of the setup the oscillation fault needs (tanh, cross-entropy,
/// circles), so that detectors are also judged on it without a fault.
pub fn clean_bounded_gradient_case() -> Case {
    Case {
        scenario: "classifier",
        fault: None,
        label: "clean/circles_tanh_ce".into(),
        steps: SUITE_STEPS,
        config: |seed| RunConfig {
            train: bounded_gradient_setup(seed),
            ..RunConfig::default()
        },
    }
}

fn faulty(train: TrainConfig, fault: &str) -> RunConfig {
    RunConfig {
        train,
        faults: Fault::default_for(fault).into_iter().collect(),
        ..RunConfig::default()
    }
}

fn default_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        seed,
        ..TrainConfig::default()
    }
}

fn circles_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        dataset: DatasetKind::Circles,
        ..default_setup(seed)
    }
}

/// Tanh units with the cross-entropy loss on circles: a loss whose gradient
/// is bounded, on a problem the default network learns.
fn bounded_gradient_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        activation: Activation::Tanh,
        loss: Loss::CrossEntropy,
        ..circles_setup(seed)
    }
}

fn clean(seed: u64, dataset: DatasetKind) -> RunConfig {
    RunConfig {
        train: TrainConfig {
            dataset,
            ..default_setup(seed)
        },
        ..RunConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_defaults_and_round_trips() {
        for id in Fault::IDS {
            let fault = Fault::default_for(id).unwrap();
            assert_eq!(fault.id(), id);
            fault.validate().unwrap();
            let json = serde_json::to_string(&fault).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), fault);
        }
        assert_eq!(Fault::default_for("nope"), None);
        assert_eq!(Fault::default_for("lr_spike"), Some(Fault::lr_spike(300)));
        let typo = serde_json::from_str::<Fault>(r#"{"kind": "plateau", "shift": -5}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn bad_settings_name_their_field() {
        let bad = [
            (r#"{"kind": "lr_spike", "factor": 0.5}"#, "factor"),
            (r#"{"kind": "init_too_large", "scale": 1e9}"#, "scale"),
            (r#"{"kind": "vanishing", "depth": 9}"#, "depth"),
            (r#"{"kind": "vanishing", "width": 0}"#, "width"),
            (r#"{"kind": "vanishing", "init_scale": 0}"#, "init_scale"),
            (r#"{"kind": "plateau", "bias_shift": -5000}"#, "bias_shift"),
            (r#"{"kind": "oscillation", "factor": -1}"#, "factor"),
        ];
        for (json, field) in bad {
            let fault: Fault = serde_json::from_str(json).unwrap();
            assert_eq!(fault.validate().unwrap_err().field, field, "{json}");
        }
    }

    #[test]
    fn oscillation_asks_for_a_bounded_gradient() {
        let fault = Fault::default_for("oscillation").unwrap();
        let err = fault.check_setup(&TrainConfig::default()).unwrap_err();
        assert_eq!(err.field, "loss");
        assert!(err.reason.contains("cross-entropy"));
        fault.check_setup(&bounded_gradient_setup(1)).unwrap();
    }

    #[test]
    fn every_fault_has_one_case_and_its_setup_fits() {
        let cases = fault_cases();
        for id in Fault::IDS {
            let case: Vec<&Case> = cases.iter().filter(|c| c.fault == Some(id)).collect();
            assert_eq!(case.len(), 1, "{id}");
            let config = (case[0].config)(3);
            assert_eq!(config.faults.len(), 1);
            assert_eq!(config.faults[0].id(), id);
            assert_eq!(config.train.seed, 3);
            crate::run::Run::new(config).unwrap();
        }
    }

    #[test]
    fn undo_gives_back_what_can_be_given_back() {
        let mut trainer = Trainer::new(TrainConfig::default()).unwrap();
        let mut batch = trainer.next_batch();
        let before = (trainer.lr, trainer.mlp.clone());
        for id in ["lr_spike", "plateau"] {
            let fault = Fault::default_for(id).unwrap();
            trainer.step = 300;
            assert!(fault.before_step(&mut trainer, &mut batch, false));
            assert!(!fault.before_step(&mut trainer, &mut batch, true));
            fault.undo(&mut trainer);
        }
        assert_eq!((trainer.lr, trainer.mlp), before);
    }
}
