//! Initialisation too large.

use serde::{Deserialize, Serialize};

use super::{circles_setup, fault_rng, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::mlp::Mlp;
use crate::trainer::{TrainConfig, Trainer};

/// At `at_step` the weights are re-initialised `scale` times larger than
/// the run's init: the outputs and gradients are huge, the first updates
/// overshoot and the run explodes. (A replaced network cannot be given back
/// when the fault is switched off.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InitTooLarge {
    /// The step at which the weights are replaced (default 300).
    pub at_step: u64,
    /// Multiplier of the run's initial weight scale (default 10).
    pub scale: f64,
}

impl Default for InitTooLarge {
    fn default() -> Self {
        InitTooLarge {
            at_step: DEFAULT_AT_STEP,
            scale: 10.0,
        }
    }
}

impl FaultKind for InitTooLarge {
    const DOC: FaultDoc = FaultDoc {
        id: "init_too_large",
        title: "Initialisation too large",
        text: "Re-initialises the weights many times too large: huge outputs, huge first updates.",
        fields: &[AT_STEP, FieldDoc::new("scale", "× scale").range(1.0, 1000.0)],
        detector: "gradient_explosion",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.scale.is_finite() && (1.0..=1000.0).contains(&self.scale),
            "scale",
            "the init multiplier must be between 1 and 1000",
        )
    }
}

impl ClassifierEffect for InitTooLarge {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        let mlp = Mlp::new(
            &trainer.mlp.sizes(),
            trainer.mlp.activation,
            trainer.config.init_scale * self.scale,
            &mut fault_rng(trainer),
        );
        trainer.replace_network(mlp);
    }
    fn undo(&self, _trainer: &mut Trainer) {}
    /// On circles, which the default network learns well, so that a network
    /// that stops learning stands out.
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        circles_setup(seed)
    }
}
