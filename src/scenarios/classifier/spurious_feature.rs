//! Spurious feature (shortcut learning).

use serde::{Deserialize, Serialize};

use super::{stress_setup, train_on_changed_data, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::data::{on_its_side, DatasetKind, Split};
use crate::trainer::{TrainConfig, Trainer};

/// From `at_step` on, the data is collected with a selection bias: only the
/// points whose side of the line x = 0 matches their class are kept (class 0
/// on the left, class 1 on the right), in the training split and in the
/// validation and test splits drawn from the same collection. The side of
/// the plane then predicts the class perfectly, as the class's shape still
/// does; a network takes the simpler of the two, a straight line, and
/// every split of the collection looks excellent. Only held-out points on
/// the other class's side (the stress split, `n_stress`), as deployment
/// brings them, show that it learned the shortcut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpuriousFeature {
    /// The step from which the data carries the shortcut (default 300).
    pub at_step: u64,
}

impl Default for SpuriousFeature {
    fn default() -> Self {
        SpuriousFeature {
            at_step: DEFAULT_AT_STEP,
        }
    }
}

impl FaultKind for SpuriousFeature {
    const DOC: FaultDoc = FaultDoc {
        id: "spurious_feature",
        title: "Spurious feature (shortcut)",
        text: "Keeps only the points whose side of the plane matches their class: the network \
               learns the side, not the shape. Validation looks excellent; the stress split \
               (points on the other side) collapses.",
        fields: &[AT_STEP],
        detector: "shortcut_reliance",
        // Validation stays high while the stress split collapses.
        charts: Some("loss,val_acc,stress_acc,grad_norm"),
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
}

/// The rows of `split` whose side of the plane matches their class.
fn on_their_side(split: &Split) -> Split {
    let idx: Vec<usize> = (0..split.len()).filter(|&r| on_its_side(split, r)).collect();
    split.batch(&idx)
}

impl ClassifierEffect for SpuriousFeature {
    fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        check(
            !matches!(config.dataset, DatasetKind::Modular | DatasetKind::Gaussians),
            "dataset",
            "the shortcut is the side of the line x = 0: the Gaussians' blobs already sit \
             either side of it (it is nearly their real boundary) and modular data has no \
             plane; choose spiral, circles or xor",
        )
    }
    fn changes_data(&self) -> bool {
        true
    }
    fn change_data(&self, trainer: &mut Trainer) {
        let data = &mut trainer.data;
        for split in [&mut data.train, &mut data.val, &mut data.test] {
            *split = on_their_side(split);
        }
    }
    fn apply(&self, trainer: &mut Trainer, batch: &mut Split) {
        train_on_changed_data(self, trainer, batch);
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.restore_data();
    }
    /// Circles with a stress split: the network has learned the circle by
    /// the onset, and the shortcut still takes over.
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        stress_setup(seed)
    }
}
