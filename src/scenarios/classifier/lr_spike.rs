//! The learning-rate spike.

use serde::{Deserialize, Serialize};

use super::{check_lr_factor, default_setup, ClassifierEffect, LR_FACTOR};
use crate::config::ConfigError;
use crate::scenarios::fault::{FaultDoc, FaultKind, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// From `at_step` on, the learning rate is multiplied by `factor`: the
/// updates overshoot, the weights grow and the gradients explode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LrSpike {
    /// First step with the multiplied learning rate (default 300).
    pub at_step: u64,
    /// The multiplier (default 50).
    pub factor: f64,
}

impl Default for LrSpike {
    fn default() -> Self {
        LrSpike {
            at_step: DEFAULT_AT_STEP,
            factor: 50.0,
        }
    }
}

impl FaultKind for LrSpike {
    const DOC: FaultDoc = FaultDoc {
        id: "lr_spike",
        title: "Learning-rate spike",
        text: "Multiplies the learning rate: updates overshoot, weights grow, gradients explode.",
        fields: &[AT_STEP, LR_FACTOR],
        detector: "gradient_explosion",
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

impl ClassifierEffect for LrSpike {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        trainer.lr *= self.factor;
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.lr /= self.factor;
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        default_setup(seed)
    }
}
