//! Class imbalance.

use serde::{Deserialize, Serialize};

use super::{circles_setup, train_on_changed_data, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// At `at_step` the training split is resampled so that class `rare` keeps
/// only one point for every `ratio` points of the other (at least one point
/// stays). The gradient is then almost all majority class: the network
/// learns to answer the majority everywhere, and on the balanced validation
/// split the rare class's recall collapses and the accuracy sinks toward one
/// half.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassImbalance {
    /// The step of the resampling (default 300).
    pub at_step: u64,
    /// Majority points per minority point (default 100, the course page's
    /// check_data_imbalance threshold).
    pub ratio: f64,
    /// The class made rare, 0 or 1 (default 1).
    pub rare: usize,
}

impl Default for ClassImbalance {
    fn default() -> Self {
        ClassImbalance {
            at_step: DEFAULT_AT_STEP,
            ratio: 100.0,
            rare: 1,
        }
    }
}

impl FaultKind for ClassImbalance {
    const DOC: FaultDoc = FaultDoc {
        id: "class_imbalance",
        title: "Class imbalance",
        text: "Resamples the training set so one class is rare: the network learns to ignore it.",
        fields: &[
            AT_STEP,
            FieldDoc::new("ratio", "ratio").range(1.0, 1000.0),
            FieldDoc::new("rare", "rare class").range(0.0, 1.0),
        ],
        // The course's check_data_imbalance (ratio > 100) stays silent at the
        // fault's 100:1; the detector's warning above 10:1 answers.
        detector: "class_imbalance",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.ratio.is_finite() && (1.0..=1000.0).contains(&self.ratio),
            "ratio",
            "the imbalance ratio must be between 1 and 1000",
        )?;
        check(self.rare <= 1, "rare", "the rare class must be 0 or 1")
    }
}

impl ClassifierEffect for ClassImbalance {
    fn changes_data(&self) -> bool {
        true
    }
    fn change_data(&self, trainer: &mut Trainer) {
        let (ratio, rare) = (self.ratio, self.rare);
        let data = &mut trainer.data;
        let counts = data.train.class_counts(data.classes);
        let common = counts.iter().enumerate().filter(|&(c, _)| c != rare);
        let majority = common.map(|(_, &n)| n).max().unwrap_or(0);
        let keep = (libm::ceil(majority as f64 / ratio) as usize).max(1);
        let mut kept = 0;
        let idx: Vec<usize> = (0..data.train.len())
            .filter(|&i| {
                let take = data.train.y[i] != rare || kept < keep;
                kept += usize::from(data.train.y[i] == rare && take);
                take
            })
            .collect();
        data.train = data.train.batch(&idx);
    }
    fn apply(&self, trainer: &mut Trainer, batch: &mut Split) {
        train_on_changed_data(self, trainer, batch);
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.restore_data();
    }
    /// On circles, which the default network learns well, so that the
    /// collapse to the majority class stands out.
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        circles_setup(seed)
    }
}
