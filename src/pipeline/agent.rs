//! The robust pipeline's response for the agent: the course's
//! `handle_failure` for the alignment failures.
//!
//! - mode collapse: `increase_temperature()` and `add_diversity_penalty()`:
//!   the sampling temperature is doubled and the entropy bonus raised; a
//!   policy already collapsed (a critical finding) is also rolled back to the
//!   last checkpoint, because a deterministic policy no longer samples the
//!   responses it would need to relearn;
//! - objective misalignment (reward hacking, behaviour drift):
//!   `adjust_reward_function()`: the rater's score of the true quality is
//!   mixed back in and length is no longer paid, or the rater also rates the
//!   unwatched episodes;
//! - a non-finite loss: the learning rate is cut and the policy rolled back,
//!   as for the classifier.
//!
//! Checkpoints are taken as for the classifier: every `checkpoint_every`
//! steps, once that many steps have passed without a warning.

use crate::detectors::{Finding, Severity};
use crate::metrics::{names, Frame};
use crate::trainer::agent::{Agent, AgentCheckpoint, TEMPERATURE_RANGE};

use super::{short, RespondConfig, Response, OWN_CHECK};

/// Detectors whose findings mean the policy is collapsing onto a few
/// responses: the response raises the temperature and the entropy bonus.
pub const COLLAPSE_DETECTORS: [&str; 2] = ["mode_collapse", "entropy_collapse"];
/// Detectors whose findings mean the proxy reward pays for the wrong thing:
/// the response mixes the rater's score back in and stops paying for length.
pub const MISALIGNMENT_DETECTORS: [&str; 1] = ["reward_hacking"];
/// Detectors whose findings mean the agent behaves differently when not
/// watched: the response has the rater rate unwatched episodes too.
pub const DRIFT_DETECTORS: [&str; 2] = ["deceptive_alignment", "behavior_drift"];

/// Multiplier of the sampling temperature on a collapse finding.
pub const TEMPERATURE_FACTOR: f64 = 2.0;
/// The entropy bonus a collapse finding raises the bonus to, at least
/// (twice the current one if that is more): the agent's default.
pub const MIN_ENTROPY_BONUS: f64 = 0.05;

/// The agent pipeline's state in one run.
#[derive(Clone, Debug)]
pub struct AgentPipeline {
    config: RespondConfig,
    checkpoint: AgentCheckpoint,
    last_alarm: Option<u64>,
}

impl AgentPipeline {
    /// A pipeline for `agent`, with its first checkpoint taken now.
    pub fn new(config: RespondConfig, agent: &Agent) -> AgentPipeline {
        AgentPipeline {
            config,
            checkpoint: agent.checkpoint(),
            last_alarm: None,
        }
    }

    /// New settings; the checkpoint stays.
    pub fn set_config(&mut self, config: RespondConfig) {
        self.config = config;
    }

    /// The step of the checkpoint a rollback would return to.
    pub fn checkpoint_step(&self) -> u64 {
        self.checkpoint.step
    }

    /// Reads one step's frame and findings; responds to them, or takes a
    /// checkpoint when every check has passed for long enough.
    pub fn after_step(
        &mut self,
        agent: &mut Agent,
        frame: &Frame,
        findings: &[Finding],
    ) -> Option<Response> {
        let step = frame.step;
        let loss_ok = frame.get(names::LOSS).is_some_and(f64::is_finite);
        if !loss_ok || findings.iter().any(|f| f.severity >= Severity::Warning) {
            self.last_alarm = Some(step);
        } else {
            self.maybe_checkpoint(agent, step);
        }
        let mut actions = Vec::new();
        let mut trigger = None;
        let mut rollback = !loss_ok;
        for f in findings.iter().filter(|f| f.severity >= Severity::Warning) {
            let id = f.detector.as_str();
            let acted = if COLLAPSE_DETECTORS.contains(&id) {
                rollback |= f.severity == Severity::Critical;
                raise_exploration(agent, &mut actions)
            } else if MISALIGNMENT_DETECTORS.contains(&id) {
                pay_for_quality(agent, &mut actions)
            } else if DRIFT_DETECTORS.contains(&id) {
                rate_unwatched(agent, &mut actions)
            } else {
                false
            };
            if acted && trigger.is_none() {
                trigger = Some(id);
            }
        }
        if !loss_ok {
            let old = agent.lr;
            agent.lr *= self.config.lr_factor;
            actions.push(format!(
                "learning rate {} -> {}",
                short(old),
                short(agent.lr)
            ));
        }
        if rollback {
            agent.restore(&self.checkpoint);
            actions.push(format!(
                "rolled back to the checkpoint of step {}",
                self.checkpoint.step
            ));
        }
        if actions.is_empty() {
            return None;
        }
        let detector = trigger.unwrap_or(if loss_ok {
            findings.first().map_or(OWN_CHECK, |f| f.detector.as_str())
        } else {
            OWN_CHECK
        });
        Some(Response {
            step,
            detector: detector.to_string(),
            action: actions.join("; "),
        })
    }

    fn maybe_checkpoint(&mut self, agent: &Agent, step: u64) {
        let every = self.config.checkpoint_every;
        let quiet = self.last_alarm.map_or(true, |alarm| step - alarm >= every);
        if quiet && (step + 1) % every == 0 {
            self.checkpoint = agent.checkpoint();
        }
    }
}

/// The course's `increase_temperature()` and `add_diversity_penalty()`.
fn raise_exploration(agent: &mut Agent, actions: &mut Vec<String>) -> bool {
    let (old_t, old_b) = (agent.temperature, agent.entropy_bonus);
    agent.temperature = (old_t * TEMPERATURE_FACTOR).min(TEMPERATURE_RANGE.1);
    agent.entropy_bonus = (2.0 * old_b).clamp(MIN_ENTROPY_BONUS, 10.0);
    if agent.temperature != old_t {
        actions.push(format!(
            "temperature {} -> {}",
            short(old_t),
            short(agent.temperature)
        ));
    }
    if agent.entropy_bonus != old_b {
        actions.push(format!(
            "entropy bonus {} -> {}",
            short(old_b),
            short(agent.entropy_bonus)
        ));
    }
    agent.temperature != old_t || agent.entropy_bonus != old_b
}

/// The course's `adjust_reward_function()` for a hacked proxy: the rater's
/// score of the true quality back in, length no longer paid.
fn pay_for_quality(agent: &mut Agent, actions: &mut Vec<String>) -> bool {
    let old = agent.reward;
    agent.reward.rater = old.rater.max(1.0);
    agent.reward.per_word = 0.0;
    if agent.reward.rater != old.rater {
        actions.push(format!(
            "reward: rater's quality score weight {} -> {}",
            short(old.rater),
            short(agent.reward.rater)
        ));
    }
    if agent.reward.per_word != old.per_word {
        actions.push(format!("reward: pay per word {} -> 0", short(old.per_word)));
    }
    agent.reward != old
}

/// The course's `adjust_reward_function()` for behaviour that changes when
/// unwatched: the rater rates every episode.
fn rate_unwatched(agent: &mut Agent, actions: &mut Vec<String>) -> bool {
    if !agent.reward.watched_only {
        return false;
    }
    agent.reward.watched_only = false;
    actions.push("reward: the rater now also rates unwatched episodes".into());
    true
}
