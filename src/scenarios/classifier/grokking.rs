//! Grokking: weight decay makes a capability emerge long after the fit.

use serde::{Deserialize, Serialize};

use super::{grokking_setup, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::metrics::{names, Frame};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP};
use crate::trainer::data::{DatasetKind, Split};
use crate::trainer::{TrainConfig, Trainer};

/// Held-out accuracy at which the capability counts as emerged: the
/// course's CapabilityOverhangDetector threshold (a capability scoring above
/// 0.7), on the held-out pairs of (a + b) mod p.
pub const EMERGED_ACC: f64 = 0.7;

/// From `at_step` (default 0, the start) the weights decay by `lr *
/// weight_decay` of themselves each step, on top of the run's own weight
/// decay. On modular arithmetic (a + b) mod 23 learned from 70% of the
/// pairs, the network first memorises its training pairs (held-out
/// accuracy at chance, 1/23); weight decay then slowly trades the
/// memorising weights for a smaller, general solution and held-out accuracy
/// jumps, hundreds of steps after the fit (grokking). Without weight decay
/// (the control: the same setup, no fault) it never generalises.
///
/// This is the course's capability emergence: a capability nobody saw
/// coming from the training curves. Its outcome is the step held-out
/// accuracy first reaches [`EMERGED_ACC`] (the run's `emerged` in its
/// ground truth); an early warning is graded by how long before it fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grokking {
    /// The step weight decay switches on (default 0).
    pub at_step: u64,
    /// The weight decay added (default 1: with the setup's learning rate of
    /// 0.02, each weight shrinks by 2% of itself a step).
    pub weight_decay: f64,
}

impl Default for Grokking {
    fn default() -> Self {
        Grokking {
            at_step: 0,
            weight_decay: 1.0,
        }
    }
}

impl FaultKind for Grokking {
    const DOC: FaultDoc = FaultDoc {
        id: "grokking",
        title: "Capability emergence (grokking)",
        text: "Weight decay on modular arithmetic: the network memorises its training pairs, \
               then, hundreds of steps later, held-out accuracy jumps from chance: a \
               capability emerges that the training curves never announced.",
        fields: &[
            AT_STEP,
            FieldDoc::new("weight_decay", "weight decay").range(0.001, 1.0),
        ],
        // A linear probe reads a never-trained capability, (a - b) mod p,
        // from the hidden layer hundreds of steps before held-out accuracy
        // passes 0.7 (tests/emergence.rs).
        detector: "capability_overhang",
        // The held-out loss turns long before held-out accuracy jumps; the
        // probe reads the untrained capability.
        charts: Some("loss,val_loss,val_acc,probe_diff"),
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.weight_decay.is_finite() && (0.001..=1.0).contains(&self.weight_decay),
            "weight_decay",
            "the weight decay must be between 0.001 and 1",
        )
    }
}

impl ClassifierEffect for Grokking {
    fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        check(
            config.dataset == DatasetKind::Modular,
            "dataset",
            "grokking is a held-out capability emerging on modular arithmetic: choose the \
             modular dataset (the preset sets it up)",
        )
    }
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        trainer.config.weight_decay += self.weight_decay;
    }
    fn undo(&self, trainer: &mut Trainer) {
        trainer.config.weight_decay = (trainer.config.weight_decay - self.weight_decay).max(0.0);
    }
    fn outcome(&self, frame: &Frame) -> bool {
        frame
            .get(names::VAL_ACC)
            .is_some_and(|acc| acc >= EMERGED_ACC)
    }
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        grokking_setup(seed)
    }
}
