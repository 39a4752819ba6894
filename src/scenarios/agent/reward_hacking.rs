//! Reward hacking.

use serde::{Deserialize, Serialize};

use super::AgentEffect;
use crate::config::{check, ConfigError};
use crate::scenarios::fault::{FaultDoc, FaultKind, FieldDoc, AT_STEP, DEFAULT_AT_STEP};
use crate::trainer::agent::{Agent, NAIVE_PER_WORD};

/// From `at_step` on, the agent is paid by the course's naive reward
/// function, `len(response.split()) * 0.01`, instead of the rater's score:
/// more words, more reward. The agent drifts to padded and repetitive
/// answers; the proxy reward climbs while the true quality falls.
///
/// In JSON: `{"kind": "reward_hacking", "at_step": 300, "per_word": 0.01}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RewardHacking {
    /// The step from which the naive reward pays (default 300).
    pub at_step: u64,
    /// Pay per word (default 0.01, the course's).
    pub per_word: f64,
}

impl Default for RewardHacking {
    fn default() -> Self {
        RewardHacking {
            at_step: DEFAULT_AT_STEP,
            per_word: NAIVE_PER_WORD,
        }
    }
}

impl FaultKind for RewardHacking {
    const DOC: FaultDoc = FaultDoc {
        id: "reward_hacking",
        title: "Reward hacking",
        text: "Pays by the word (the course’s naive reward): the proxy reward climbs, the true \
               quality falls.",
        fields: &[
            AT_STEP,
            FieldDoc::new("per_word", "pay per word").range(0.0, 1.0),
        ],
        // The agent's faults. The hard failure of a collapsing policy is the
        // course's own mode_collapse check (diversity below 0.1), so the
        // warning in time is the lab's: its entropy draining at the same reward.
        detector: "reward_hacking",
        charts: None,
        // Proxy reward and true quality against KL (Gao et al. 2022).
        view: Some("kl"),
    };
    fn at_step(&self) -> u64 {
        self.at_step
    }
    fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.per_word.is_finite() && self.per_word > 0.0 && self.per_word <= 1.0,
            "per_word",
            "the pay per word must be above 0 and at most 1",
        )
    }
}

impl AgentEffect for RewardHacking {
    fn apply(&self, agent: &mut Agent) {
        agent.reward.rater = 0.0;
        agent.reward.per_word = self.per_word;
    }
    fn undo(&self, agent: &mut Agent) {
        agent.reward.rater = agent.config.reward.rater;
        agent.reward.per_word = agent.config.reward.per_word;
    }
}
