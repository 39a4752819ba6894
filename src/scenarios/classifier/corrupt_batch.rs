//! A corrupt batch.

use serde::{Deserialize, Serialize};

use super::{default_setup, ClassifierEffect};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

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

/// At `at_step` one record of the batch carries `value` in its inputs: the
/// forward pass carries it to the loss, which is no longer finite on that
/// very step, and the update spreads it into every weight. (A batch already
/// trained on cannot be given back.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorruptBatch {
    /// The step of the corrupt batch (default 300).
    pub at_step: u64,
    /// What the bad record carries (default nan).
    pub value: Corruption,
}

impl Default for CorruptBatch {
    fn default() -> Self {
        CorruptBatch {
            at_step: DEFAULT_AT_STEP,
            value: Corruption::Nan,
        }
    }
}

impl FaultKind for CorruptBatch {
    const DOC: FaultDoc = FaultDoc {
        id: "corrupt_batch",
        title: "Corrupt batch",
        text: "One record of one batch carries a bad value; the update spreads it into every \
               weight.",
        fields: &[
            AT_STEP,
            FieldDoc::new("value", "bad value").options(&["nan", "inf", "huge"]),
        ],
        // The NaN is in the batch: the loss is non-finite on the onset step
        // itself, so that step is the earliest any detector can speak.
        detector: "non_finite",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
}

impl ClassifierEffect for CorruptBatch {
    fn apply(&self, _trainer: &mut Trainer, batch: &mut Split) {
        batch.x.row_mut(0).fill(self.value.value());
    }
    fn undo(&self, _trainer: &mut Trainer) {}
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        default_setup(seed)
    }
}
