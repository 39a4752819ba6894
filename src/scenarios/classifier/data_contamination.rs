//! Data contamination.

use serde::{Deserialize, Serialize};

use super::{leak_setup, train_on_changed_data, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// The most training points a data fault may leave (24 bytes each with
/// its label: 24 MB), which a browser tab holds without strain.
const MAX_TRAIN_POINTS: usize = 1_000_000;

/// At `at_step` the validation points are mixed into the training set
/// (`copies` times), as when a benchmark's test data leaks into a training
/// corpus. The network then fits them like training points: the validation
/// metrics become optimistic, and only a split that never leaked (the test
/// split) still measures how well it generalises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataContamination {
    /// The step the validation points leak in (default 300).
    pub at_step: u64,
    /// How many copies of the validation split are added, 1 to 100
    /// (default 40: leaked items often appear many times over, and a small
    /// network memorises only what it sees often).
    pub copies: usize,
}

impl Default for DataContamination {
    fn default() -> Self {
        DataContamination {
            at_step: DEFAULT_AT_STEP,
            copies: 40,
        }
    }
}

impl FaultKind for DataContamination {
    const DOC: FaultDoc = FaultDoc {
        id: "data_contamination",
        title: "Data contamination",
        text: "Leaks the validation points into training: validation looks great, only the test \
               split tells.",
        fields: &[AT_STEP, FieldDoc::new("copies", "copies").range(1.0, 100.0)],
        detector: "data_contamination",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            (1..=100).contains(&self.copies),
            "copies",
            "the copies of the validation split must be between 1 and 100",
        )
    }
}

impl ClassifierEffect for DataContamination {
    fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        let (copies, grown) = (self.copies, config.n_train + self.copies * config.n_val);
        check(
            grown <= MAX_TRAIN_POINTS,
            "copies",
            format!(
                "the training set would grow to {grown} points with {copies} copies of the \
                 {} validation points; at most {MAX_TRAIN_POINTS} fit",
                config.n_val
            ),
        )
    }
    fn changes_data(&self) -> bool {
        true
    }
    fn change_data(&self, trainer: &mut Trainer) {
        let data = &mut trainer.data;
        data.train = data.train.joined(&data.val, self.copies);
    }
    fn apply(&self, trainer: &mut Trainer, batch: &mut Split) {
        train_on_changed_data(self, trainer, batch);
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.restore_data();
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        leak_setup(seed)
    }
}
