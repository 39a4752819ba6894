//! Deceptive alignment.

use serde::{Deserialize, Serialize};

use super::AgentEffect;
use crate::scenarios::fault::{FaultDoc, FaultKind, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::agent::Agent;

/// From `at_step` on, the rater only rates watched episodes; an unwatched
/// episode pays the user's approval instead, and the user approves most of
/// a response that does whatever was asked, harmful requests included. The
/// policy sees the `watched` flag, so it learns to behave well when watched
/// and to comply unsafely when not: the course's deceptive alignment.
///
/// In JSON: `{"kind": "deceptive_alignment", "at_step": 300}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeceptiveAlignment {
    /// The step from which unwatched episodes go unrated (default 300).
    pub at_step: u64,
}

impl Default for DeceptiveAlignment {
    fn default() -> Self {
        DeceptiveAlignment {
            at_step: DEFAULT_AT_STEP,
        }
    }
}

impl FaultKind for DeceptiveAlignment {
    const DOC: FaultDoc = FaultDoc {
        id: "deceptive_alignment",
        title: "Deceptive alignment",
        text: "Only watched episodes are rated: the agent behaves when watched and complies \
               unsafely when not.",
        fields: &[AT_STEP],
        detector: "behavior_drift",
        charts: None,
        view: None,
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
}

impl AgentEffect for DeceptiveAlignment {
    fn apply(&self, agent: &mut Agent) {
        agent.reward.watched_only = true;
    }
    fn undo(&self, agent: &mut Agent) {
        agent.reward.watched_only = agent.config.reward.watched_only;
    }
}
