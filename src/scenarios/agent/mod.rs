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

use crate::metrics::{names, Frame};
use crate::scenarios::fault::fault_registry;
use crate::trainer::agent::{Agent, AgentConfig};

fault_registry! {
    /// A fault of the agent scenario, as configured by the learner.
    ///
    /// In JSON: `{"kind": "reward_hacking", "at_step": 300, "per_word": 0.01}`;
    /// every field but `kind` may be left out for its default.
    AgentFault as dyn AgentEffect {
        reward_hacking: RewardHacking,
        mode_collapse: ModeCollapse,
        deceptive_alignment: DeceptiveAlignment,
    }
}

/// What an agent fault does to the agent, and the setup of the suite case
/// it defines.
pub trait AgentEffect {
    /// Applies the fault on the step it takes effect.
    fn apply(&self, agent: &mut Agent);
    /// Undoes the fault's effect after it was applied (the learner switched
    /// it off): the settings it changed go back to the run's own.
    fn undo(&self, agent: &mut Agent);
    /// The agent's setup (for a seed) of the suite case this fault defines:
    /// the fault at its defaults for [`SUITE_STEPS`] steps. Default: the
    /// agent's defaults.
    fn suite_setup(&self, seed: u64) -> AgentConfig {
        AgentConfig {
            seed,
            ..AgentConfig::default()
        }
    }
}

impl AgentFault {
    /// Called before every agent step; applies the fault when its time has
    /// come. Returns true on the step where it takes effect.
    pub fn before_step(&self, agent: &mut Agent, already_applied: bool) -> bool {
        if already_applied || agent.step < self.at_step() {
            return false;
        }
        self.kind().apply(agent);
        true
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

/// What the page says of the agent.
pub const DOC: super::ScenarioDoc = super::ScenarioDoc {
    id: "agent",
    title: "Agent (policy gradient)",
    charts: "reward,true_quality,diversity_ratio,behavior_gap",
    failed: "The agent has failed for good: its answers collapsed, or it lost the quality it \
             had learned. It trains on for a while, so the charts show what follows.",
};

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1000;

#[cfg(test)]
mod tests {
    use super::mode_collapse::ModeCollapse;
    use super::*;
    use crate::scenarios::{Fault, Scenario};

    #[test]
    fn every_kind_has_defaults_round_trips_and_names_its_scenario() {
        for id in AgentFault::IDS {
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
            Fault::Agent(AgentFault::ModeCollapse(ModeCollapse {
                lr_factor: 2.0,
                ..ModeCollapse::default()
            }))
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
        for id in AgentFault::IDS {
            let mut agent = Agent::new(AgentConfig::default()).unwrap();
            let fault = AgentFault::default_for(id).unwrap();
            let knobs = |a: &Agent| (a.reward, a.lr, a.temperature, a.entropy_bonus);
            let before = knobs(&agent);
            agent.step = 299;
            assert!(!fault.before_step(&mut agent, false), "{id}");
            agent.step = 300;
            assert!(fault.before_step(&mut agent, false), "{id}");
            assert!(!fault.before_step(&mut agent, true), "{id}");
            assert_ne!(knobs(&agent), before, "{id} changed nothing");
            fault.kind().undo(&mut agent);
            assert_eq!(knobs(&agent), before, "{id}");
        }
    }
}
