//! Label noise.

use serde::{Deserialize, Serialize};

use super::{small_data_setup, train_on_changed_data, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::rng::Rng;
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::{TrainConfig, Trainer};

/// Random stream of the training points whose labels the fault flips.
const LABEL_NOISE_STREAM: u64 = 5;

/// At `at_step` the labels of a fixed, seeded `fraction` of the training
/// points are flipped to the other class. A network with room to spare
/// memorises the wrong labels point by point: its training loss keeps
/// falling while the loss on the (correctly labelled) validation split
/// rises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LabelNoise {
    /// The step the labels are flipped (default 300).
    pub at_step: u64,
    /// Share of training points flipped, above 0 and at most 0.5
    /// (default 0.4).
    pub fraction: f64,
}

impl Default for LabelNoise {
    fn default() -> Self {
        LabelNoise {
            at_step: DEFAULT_AT_STEP,
            fraction: 0.4,
        }
    }
}

impl FaultKind for LabelNoise {
    const DOC: FaultDoc = FaultDoc {
        id: "label_noise",
        title: "Label noise",
        text: "Flips the labels of a share of the training points: the network memorises the \
               wrong ones.",
        fields: &[AT_STEP, FieldDoc::new("fraction", "share").range(0.0, 0.5)],
        detector: "generalization_gap",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.fraction.is_finite() && self.fraction > 0.0 && self.fraction <= 0.5,
            "fraction",
            "the share of flipped labels must be above 0 and at most 0.5 (beyond half, \
             the classes just swap names)",
        )
    }
}

impl ClassifierEffect for LabelNoise {
    fn changes_data(&self) -> bool {
        true
    }
    fn change_data(&self, trainer: &mut Trainer) {
        let data = &mut trainer.data;
        let n = data.train.len();
        let flips = libm::round(self.fraction * n as f64) as usize;
        let mut rng = Rng::derive(trainer.config.seed, LABEL_NOISE_STREAM);
        // The first `flips` of a seeded shuffle (Fisher-Yates).
        let mut order: Vec<usize> = (0..n).collect();
        for i in 0..flips.min(n) {
            let j = i + rng.below(n - i);
            order.swap(i, j);
            let y = &mut data.train.y[order[i]];
            *y = (*y + 1) % data.classes;
        }
    }
    fn apply(&self, trainer: &mut Trainer, batch: &mut Split) {
        train_on_changed_data(self, trainer, batch);
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.restore_data();
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        small_data_setup(seed)
    }
}
