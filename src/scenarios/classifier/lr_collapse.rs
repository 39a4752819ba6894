//! The learning-rate collapse.

use serde::{Deserialize, Serialize};

use super::{default_setup, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// From `at_step` on, the learning rate is divided by `divisor`: a schedule
/// bug or a mistyped decay that leaves the optimizer stepping by almost
/// nothing. Training stops while the loss is still far from where it would
/// have gone; nothing explodes and nothing turns non-finite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LrCollapse {
    /// First step with the divided learning rate (default 300).
    pub at_step: u64,
    /// How many times smaller the learning rate becomes (default 10000).
    pub divisor: f64,
}

impl Default for LrCollapse {
    fn default() -> Self {
        LrCollapse {
            at_step: DEFAULT_AT_STEP,
            divisor: 1e4,
        }
    }
}

/// The divisor's field: from 10 (a real collapse) to 1e9.
const DIVISOR: FieldDoc = FieldDoc::new("divisor", "÷ divisor").range(10.0, 1e9);

impl FaultKind for LrCollapse {
    const DOC: FaultDoc = FaultDoc {
        id: "lr_collapse",
        title: "Learning-rate collapse",
        text: "Divides the learning rate by a huge factor, as a schedule bug does: the updates \
               shrink to nothing and learning stops while the loss is still high.",
        fields: &[AT_STEP, DIVISOR],
        // The updates shrink to nothing: the update-to-weight ratio's low side.
        detector: "update_ratio",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.divisor.is_finite() && (10.0..=1e9).contains(&self.divisor),
            "divisor",
            "the learning-rate divisor must be between 10 and 1000000000",
        )
    }
}

impl ClassifierEffect for LrCollapse {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        trainer.lr /= self.divisor;
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.lr *= self.divisor;
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        default_setup(seed)
    }
}
