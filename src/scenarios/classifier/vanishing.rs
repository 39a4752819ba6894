//! Vanishing gradients.

use serde::{Deserialize, Serialize};

use super::{circles_setup, fault_rng, ClassifierEffect};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP};
use crate::trainer::data::Split;
use crate::trainer::mlp::{Activation, Mlp};
use crate::trainer::{TrainConfig, Trainer};

/// At `at_step` the network is rebuilt `depth` sigmoid layers deep with a
/// small init: every layer multiplies the backward signal by at most a
/// quarter times its small weights, so the gradient reaching the first
/// layer vanishes (below 1e-8) and the early layers stop learning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Vanishing {
    /// The step at which the network is rebuilt (default 0: from the start).
    pub at_step: u64,
    /// Hidden sigmoid layers (default 8).
    pub depth: usize,
    /// Units per hidden layer (default 8).
    pub width: usize,
    /// Multiplier of the Xavier weight scale (default 0.1).
    pub init_scale: f64,
}

impl Default for Vanishing {
    fn default() -> Self {
        Vanishing {
            at_step: 0,
            depth: 8,
            width: 8,
            init_scale: 0.1,
        }
    }
}

impl FaultKind for Vanishing {
    const DOC: FaultDoc = FaultDoc {
        id: "vanishing",
        title: "Vanishing gradients",
        text: "Rebuilds the network deep, with sigmoids and a small init: the first layers stop \
               learning.",
        fields: &[
            AT_STEP,
            FieldDoc::new("depth", "layers").range(1.0, 8.0),
            FieldDoc::new("width", "units").range(1.0, 256.0),
            FieldDoc::new("init_scale", "init ×").range(0.0, 1000.0),
        ],
        // The course's vanishing_gradients reads the global norm, which the
        // output layer keeps near 0.7 while the first layer's is ~1e-14.
        detector: "layer_grad_ratio",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            (1..=8).contains(&self.depth),
            "depth",
            "the vanishing network needs 1 to 8 hidden layers",
        )?;
        check(
            (1..=256).contains(&self.width),
            "width",
            "the vanishing network needs 1 to 256 units per layer",
        )?;
        check(
            self.init_scale.is_finite() && self.init_scale > 0.0 && self.init_scale <= 1000.0,
            "init_scale",
            "the vanishing network's init scale must be above 0 and at most 1000",
        )
    }
}

impl ClassifierEffect for Vanishing {
    fn apply(&self, trainer: &mut Trainer, _batch: &mut Split) {
        let sizes = trainer.mlp.sizes();
        let mut deep = vec![sizes[0]];
        deep.extend(vec![self.width; self.depth]);
        deep.push(sizes[sizes.len() - 1]);
        let mlp = Mlp::new(
            &deep,
            Activation::Sigmoid,
            self.init_scale,
            &mut fault_rng(trainer),
        );
        trainer.replace_network(mlp);
    }
    fn undo(&self, _trainer: &mut Trainer) {}
    fn suite_setup(&self, seed: u64) -> TrainConfig {
        circles_setup(seed)
    }
}
