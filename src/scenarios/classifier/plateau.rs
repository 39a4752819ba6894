//! Plateau: dead or saturated units.

use serde::{Deserialize, Serialize};

use super::{circles_setup, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// At `at_step` every bias of the first hidden layer is shifted by
/// `bias_shift`: no input reaches the active range any more (ReLUs die,
/// sigmoid and tanh units saturate), the gradients into the hidden layers
/// are zero and the loss goes flat at the level of a constant guess.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plateau {
    /// The step of the shift (default 300).
    pub at_step: u64,
    /// Added to every first-layer bias (default -20).
    pub bias_shift: f64,
}

impl Default for Plateau {
    fn default() -> Self {
        Plateau {
            at_step: DEFAULT_AT_STEP,
            bias_shift: -20.0,
        }
    }
}

impl FaultKind for Plateau {
    const DOC: FaultDoc = FaultDoc {
        id: "plateau",
        title: "Plateau (dead units)",
        text: "Shifts the first layer’s biases: units die or saturate and the loss goes flat.",
        fields: &[
            AT_STEP,
            FieldDoc::new("bias_shift", "bias shift").range(-1000.0, 1000.0),
        ],
        // Dead ReLUs: the loss is flat but batch-to-batch noise keeps its
        // variance above the course's 1e-6.
        detector: "dead_units",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.bias_shift.is_finite() && (-1000.0..=1000.0).contains(&self.bias_shift),
            "bias_shift",
            "the bias shift must be between -1000 and 1000",
        )
    }
}

impl ClassifierEffect for Plateau {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        trainer.mlp.layers[0].b += self.bias_shift;
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.mlp.layers[0].b -= self.bias_shift;
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        circles_setup(seed)
    }
}
