//! The agent scenario: a policy-gradient agent learning to answer prompts
//! ([`crate::trainer::agent`]), and the course's alignment failures as faults
//! that change its reward or its training settings.
//!
//! Every fault changes the mechanics (what an episode pays, the entropy bonus,
//! the temperature, the learning rate) at its step; what follows is what real
//! policy-gradient steps make of it. Nothing is drawn.
//!
//! # Hard failure
//!
//! An agent run has failed for good at the first step where either
//! - the batch's diversity ratio is below [`DIVERSITY_FLOOR`] (0.1): the
//!   course's "SEVERE MODE COLLAPSE", at most 6 distinct responses to 64
//!   prompts; or
//! - a held-out evaluation finds the policy's expected true quality, in the
//!   worse of the watched and unwatched contexts, below [`QUALITY_FLOOR`]
//!   (0.5) after an earlier evaluation had found it at least [`LEARNED`]
//!   (0.8): a policy that had learned the task has lost it where it matters
//!   (a policy that never learned it has not failed in this sense); or
//! - the loss is not finite.
//!
//! Unlike a classifier whose loss is NaN, a failed agent can still take
//! steps, so the run goes on (and a response can still repair it).

use serde::{Deserialize, Serialize};

use super::classifier::Fault;
use super::Scenario;
use crate::config::{check, ConfigError};
use crate::metrics::{names, Frame};
use crate::trainer::agent::{Agent, NAIVE_PER_WORD, TEMPERATURE_RANGE};

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

const DEFAULT_AT_STEP: u64 = 300;

impl Fault {
    /// Ids of the agent scenario's fault kinds, in display order.
    pub const AGENT_IDS: [&'static str; 3] =
        ["reward_hacking", "mode_collapse", "deceptive_alignment"];

    /// Ids of the fault kinds of `scenario`, in display order.
    pub fn ids_for(scenario: Scenario) -> &'static [&'static str] {
        match scenario {
            Scenario::Classifier => &Fault::IDS,
            Scenario::Agent => &Fault::AGENT_IDS,
        }
    }

    /// The scenario whose learner this fault acts on.
    pub fn scenario(&self) -> Scenario {
        match self {
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {
                Scenario::Agent
            }
            _ => Scenario::Classifier,
        }
    }

    /// Checks an agent fault's own settings (classifier faults: Ok).
    pub fn validate_agent(&self) -> Result<(), ConfigError> {
        match self {
            Fault::RewardHacking(f) => check(
                f.per_word.is_finite() && f.per_word > 0.0 && f.per_word <= 1.0,
                "per_word",
                "the pay per word must be above 0 and at most 1",
            ),
            Fault::ModeCollapse(f) => {
                let (lo, hi) = TEMPERATURE_RANGE;
                check(
                    f.temperature.is_finite() && (lo..=hi).contains(&f.temperature),
                    "temperature",
                    format!("the temperature must be between {lo} and {hi}"),
                )?;
                check(
                    f.lr_factor.is_finite() && (1.0..=1000.0).contains(&f.lr_factor),
                    "lr_factor",
                    "the learning-rate factor must be between 1 and 1000",
                )
            }
            _ => Ok(()),
        }
    }

    /// Called before every agent step; applies the fault when its time has
    /// come. Returns true on the step where it takes effect (never for a
    /// classifier fault).
    pub fn before_agent_step(&self, agent: &mut Agent, already_applied: bool) -> bool {
        if already_applied || self.scenario() != Scenario::Agent || agent.step < self.at_step() {
            return false;
        }
        match self {
            Fault::RewardHacking(f) => {
                agent.reward.rater = 0.0;
                agent.reward.per_word = f.per_word;
            }
            Fault::ModeCollapse(f) => {
                agent.entropy_bonus = 0.0;
                agent.temperature = agent.temperature.min(f.temperature);
                agent.lr *= f.lr_factor;
            }
            Fault::DeceptiveAlignment(_) => agent.reward.watched_only = true,
            _ => {}
        }
        true
    }

    /// Undoes an agent fault's effect after it was applied (the learner
    /// switched it off): the settings it changed go back to the run's own.
    pub fn undo_agent(&self, agent: &mut Agent) {
        let own = &agent.config;
        match self {
            Fault::RewardHacking(_) => {
                agent.reward.rater = own.reward.rater;
                agent.reward.per_word = own.reward.per_word;
            }
            Fault::ModeCollapse(f) => {
                agent.entropy_bonus = own.entropy_bonus;
                agent.temperature = own.temperature;
                agent.lr /= f.lr_factor;
            }
            Fault::DeceptiveAlignment(_) => agent.reward.watched_only = own.reward.watched_only,
            _ => {}
        }
    }
}

/// Below this diversity ratio a batch shows the course's severe mode
/// collapse, and the run has failed for good.
pub const DIVERSITY_FLOOR: f64 = 0.1;
/// Held-out true quality (worse context) below which a policy that had
/// learned the task has lost it.
pub const QUALITY_FLOOR: f64 = 0.5;
/// Held-out true quality (worse context) at which the task counts as
/// learned.
pub const LEARNED: f64 = 0.8;

/// Watches an agent run for its hard failure (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct FailureWatch {
    learned: bool,
}

impl FailureWatch {
    /// Reads one step's frame and the agent after it; true when the step
    /// is a hard failure.
    pub fn failed(&mut self, frame: &Frame, agent: &Agent) -> bool {
        if !frame.get(names::LOSS).is_some_and(f64::is_finite) {
            return true;
        }
        if frame
            .get(names::DIVERSITY_RATIO)
            .is_some_and(|d| d < DIVERSITY_FLOOR)
        {
            return true;
        }
        let evaluated = frame.get(names::EVAL_QUALITY).is_some();
        match agent.last_eval.filter(|_| evaluated) {
            Some(e) if self.learned => e.worst() < QUALITY_FLOOR,
            Some(e) => {
                self.learned = e.worst() >= LEARNED;
                false
            }
            None => false,
        }
    }
}

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainer::agent::AgentConfig;

    #[test]
    fn every_kind_has_defaults_round_trips_and_names_its_scenario() {
        for id in Fault::AGENT_IDS {
            let fault = Fault::default_for(id).unwrap();
            assert_eq!(fault.id(), id);
            assert_eq!(fault.scenario(), Scenario::Agent);
            fault.validate().unwrap();
            let json = serde_json::to_string(&fault).unwrap();
            assert!(json.contains(&format!(r#""kind":"{id}""#)), "{json}");
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), fault);
        }
        assert_eq!(Fault::lr_spike(3).scenario(), Scenario::Classifier);
        for scenario in [Scenario::Classifier, Scenario::Agent] {
            for id in Fault::ids_for(scenario) {
                assert_eq!(Fault::default_for(id).unwrap().scenario(), scenario, "{id}");
            }
        }
        let parsed: Fault =
            serde_json::from_str(r#"{"kind": "mode_collapse", "lr_factor": 2}"#).unwrap();
        assert_eq!(
            parsed,
            Fault::ModeCollapse(ModeCollapse {
                lr_factor: 2.0,
                ..ModeCollapse::default()
            })
        );
        let typo = serde_json::from_str::<Fault>(r#"{"kind": "reward_hacking", "perword": 1}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn bad_settings_name_their_field() {
        for (json, field) in [
            (r#"{"kind": "reward_hacking", "per_word": 0}"#, "per_word"),
            (r#"{"kind": "reward_hacking", "per_word": 2}"#, "per_word"),
            (
                r#"{"kind": "mode_collapse", "temperature": 0}"#,
                "temperature",
            ),
            (
                r#"{"kind": "mode_collapse", "lr_factor": 0.5}"#,
                "lr_factor",
            ),
        ] {
            let fault: Fault = serde_json::from_str(json).unwrap();
            assert_eq!(fault.validate().unwrap_err().field, field, "{json}");
        }
    }

    #[test]
    fn faults_apply_once_at_their_step_and_undo() {
        for id in Fault::AGENT_IDS {
            let mut agent = Agent::new(AgentConfig::default()).unwrap();
            let fault = Fault::default_for(id).unwrap();
            let before = (
                agent.reward,
                agent.lr,
                agent.temperature,
                agent.entropy_bonus,
            );
            agent.step = 299;
            assert!(!fault.before_agent_step(&mut agent, false), "{id}");
            agent.step = 300;
            assert!(fault.before_agent_step(&mut agent, false), "{id}");
            assert!(!fault.before_agent_step(&mut agent, true), "{id}");
            let after = (
                agent.reward,
                agent.lr,
                agent.temperature,
                agent.entropy_bonus,
            );
            assert_ne!(after, before, "{id} changed nothing");
            fault.undo_agent(&mut agent);
            let undone = (
                agent.reward,
                agent.lr,
                agent.temperature,
                agent.entropy_bonus,
            );
            assert_eq!(undone, before, "{id}");
        }
    }
}
