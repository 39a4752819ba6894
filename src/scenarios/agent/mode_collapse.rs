//! Mode collapse.

use serde::{Deserialize, Serialize};

use super::AgentEffect;
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::agent::{Agent, TEMPERATURE_RANGE};

/// From `at_step` on, the entropy bonus is off, the sampling temperature is
/// lowered to `temperature` and the learning rate multiplied by `lr_factor`.
/// Nothing then holds the policy's equally good phrasings apart: the noise
/// of the sampled episodes drifts each prompt kind onto a single phrasing (a
/// random walk that a deterministic policy can never leave), and the agent
/// says the same few things to every prompt.
///
/// In JSON: `{"kind": "mode_collapse", "at_step": 300, "temperature": 0.8,
/// "lr_factor": 5}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModeCollapse {
    /// The step of the change (default 300).
    pub at_step: u64,
    /// The sampling temperature from then on (default 0.8; never raised).
    pub temperature: f64,
    /// Multiplier of the learning rate (default 5).
    pub lr_factor: f64,
}

impl Default for ModeCollapse {
    fn default() -> Self {
        ModeCollapse {
            at_step: DEFAULT_AT_STEP,
            temperature: 0.8,
            lr_factor: 5.0,
        }
    }
}

impl FaultKind for ModeCollapse {
    const DOC: FaultDoc = FaultDoc {
        id: "mode_collapse",
        title: "Mode collapse",
        text: "Entropy bonus off, temperature down, learning rate up: the agent says the same \
               few things.",
        fields: &[
            AT_STEP,
            FieldDoc::new("temperature", "temperature")
                .range(TEMPERATURE_RANGE.0, TEMPERATURE_RANGE.1),
            FieldDoc::new("lr_factor", "× lr").range(1.0, 1000.0),
        ],
        detector: "entropy_collapse",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        let (lo, hi) = TEMPERATURE_RANGE;
        check(
            self.temperature.is_finite() && (lo..=hi).contains(&self.temperature),
            "temperature",
            format!("the temperature must be between {lo} and {hi}"),
        )?;
        check(
            self.lr_factor.is_finite() && (1.0..=1000.0).contains(&self.lr_factor),
            "lr_factor",
            "the learning-rate factor must be between 1 and 1000",
        )
    }
}

impl AgentEffect for ModeCollapse {
    fn apply(&self, agent: &mut Agent) {
        agent.entropy_bonus = 0.0;
        agent.temperature = agent.temperature.min(self.temperature);
        agent.lr *= self.lr_factor;
    }
    fn undo(&self, agent: &mut Agent) {
        agent.entropy_bonus = agent.config.entropy_bonus;
        agent.temperature = agent.config.temperature;
        agent.lr /= self.lr_factor;
    }
}
