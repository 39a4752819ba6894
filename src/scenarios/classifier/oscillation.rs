//! Oscillation: a learning rate past the edge of stability.

use serde::{Deserialize, Serialize};

use super::{bounded_gradient_setup, check_lr_factor, ClassifierEffect, LR_FACTOR};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::mlp::Loss;
use crate::trainer::{TrainConfig, Trainer};

/// From `at_step` on, the learning rate is multiplied by `factor`, far
/// past the edge of stability. With the cross-entropy loss, whose
/// gradient is bounded, the updates cannot grow without limit: each one
/// overshoots to the other side of the valley and the loss swings up and
/// down every step without converging. (With the squared loss the same
/// jump explodes: that is `lr_spike`.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Oscillation {
    /// First step with the multiplied learning rate (default 300).
    pub at_step: u64,
    /// The multiplier (default 100).
    pub factor: f64,
}

impl Default for Oscillation {
    fn default() -> Self {
        Oscillation {
            at_step: DEFAULT_AT_STEP,
            factor: 100.0,
        }
    }
}

impl FaultKind for Oscillation {
    const DOC: FaultDoc = FaultDoc {
        id: "oscillation",
        title: "Oscillation",
        text: "A learning rate past the edge of stability with cross-entropy: the loss swings \
               every step.",
        fields: &[AT_STEP, LR_FACTOR],
        detector: "loss_oscillation",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check_lr_factor(self.factor)
    }
}

impl ClassifierEffect for Oscillation {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        trainer.lr *= self.factor;
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.lr /= self.factor;
    }
    fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        check(
            config.loss == Loss::CrossEntropy,
            "loss",
            "oscillation needs the cross-entropy loss: with the squared loss a learning \
             rate this large explodes instead (that is the lr_spike fault)",
        )
    }
    /// Tanh units with the cross-entropy loss on circles: a loss whose
    /// gradient is bounded, on a problem the default network learns.
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        bounded_gradient_setup(seed)
    }
}
