//! The classifier scenario: an MLP learning a 2-D dataset, and the faults
//! that break its training.

use serde::{Deserialize, Serialize};

use super::Case;
use crate::run::RunConfig;
use crate::trainer::data::DatasetKind;
use crate::trainer::{ConfigError, TrainConfig, Trainer};

/// A fault of the classifier scenario, as configured by the learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// From `at_step` on, the learning rate is multiplied by `factor`:
    /// the updates overshoot, the weights grow and the gradients explode.
    LrSpike {
        /// First step with the multiplied learning rate.
        at_step: u64,
        /// The multiplier (default 50).
        factor: f64,
    },
}

impl Fault {
    /// The learning-rate spike with its defaults, starting at `at_step`.
    pub fn lr_spike(at_step: u64) -> Fault {
        Fault::LrSpike {
            at_step,
            factor: 50.0,
        }
    }

    /// Stable id of the fault kind.
    pub fn id(&self) -> &'static str {
        match self {
            Fault::LrSpike { .. } => "lr_spike",
        }
    }

    /// Checks the fault's settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Fault::LrSpike { factor, .. } => {
                if factor.is_finite() && *factor >= 1.0 && *factor <= 1e6 {
                    Ok(())
                } else {
                    Err(ConfigError {
                        field: "factor",
                        reason: "the spike factor must be between 1 and 1000000".into(),
                    })
                }
            }
        }
    }

    /// Called before every step; applies the fault when its time has come.
    /// Returns true on the step where it takes effect.
    pub fn before_step(&self, trainer: &mut Trainer, already_applied: bool) -> bool {
        match *self {
            Fault::LrSpike { at_step, factor } => {
                if already_applied || trainer.step < at_step {
                    return false;
                }
                trainer.lr *= factor;
                true
            }
        }
    }

    /// Undoes the fault's effect after it was applied (the learner switched it off).
    pub fn undo(&self, trainer: &mut Trainer) {
        match *self {
            Fault::LrSpike { factor, .. } => trainer.lr /= factor,
        }
    }
}

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1500;

/// The suite's faulty cases of this scenario, one per fault.
pub fn fault_cases() -> Vec<Case> {
    vec![Case {
        scenario: "classifier",
        fault: Some("lr_spike"),
        label: "lr_spike".into(),
        steps: SUITE_STEPS,
        config: |seed| RunConfig {
            train: TrainConfig {
                seed,
                ..TrainConfig::default()
            },
            faults: vec![Fault::lr_spike(300)],
        },
    }]
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

fn clean(seed: u64, dataset: DatasetKind) -> RunConfig {
    RunConfig {
        train: TrainConfig {
            seed,
            dataset,
            ..TrainConfig::default()
        },
        faults: vec![],
    }
}
