//! The generator's learning rate too high for its discriminator.

use serde::{Deserialize, Serialize};

use super::{GanEffect, GAN_AT_STEP};
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP};
use crate::trainer::gan::Gan;

/// From `at_step` on, the generator's learning rate is multiplied by
/// `factor` while the discriminator's stays: the learning-rate ratio of the
/// two players is broken. Each generator update now moves all its points
/// far towards wherever the discriminator scores "real" highest at that
/// moment, so they land together on one or two modes; the discriminator
/// learns to reject them there and the generator jumps, together again, to
/// the next favoured spot. The generator keeps covering only a few modes:
/// mode collapse.
///
/// In JSON: `{"kind": "gen_lr_too_high", "at_step": 800, "factor": 10}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenLrTooHigh {
    /// The step of the change (default 800: see [`super`]).
    pub at_step: u64,
    /// Multiplier of the generator's learning rate (default 10).
    pub factor: f64,
}

impl Default for GenLrTooHigh {
    fn default() -> Self {
        GenLrTooHigh {
            at_step: GAN_AT_STEP,
            factor: 10.0,
        }
    }
}

impl FaultKind for GenLrTooHigh {
    const DOC: FaultDoc = FaultDoc {
        id: "gen_lr_too_high",
        title: "Generator learning rate too high",
        text: "The generator learns ten times faster than its discriminator: its points jump \
               together to whatever spot the discriminator favours, and it draws only a few of \
               the ring's modes (mode collapse).",
        fields: &[AT_STEP, FieldDoc::new("factor", "× generator lr").range(1.0, 1000.0)],
        detector: "mode_coverage",
        // The GAN's own charts show it: modes covered, the losses.
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.factor.is_finite() && (1.0..=1000.0).contains(&self.factor),
            "factor",
            "the learning-rate factor must be between 1 and 1000",
        )
    }
}

impl GanEffect for GenLrTooHigh {
    fn apply(&self, gan: &mut Gan) {
        gan.g_lr *= self.factor;
    }
    fn undo(&self, gan: &mut Gan) {
        gan.g_lr = gan.config.g_lr;
    }
}
