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
use crate::metrics::Frame;
use crate::trainer::agent::{Agent, AgentCheckpoint, TEMPERATURE_RANGE};

use super::{
    checkpoint_due, reading, response, rolled_back, short, RespondConfig, Response, OWN_CHECK,
};

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
        let (loss_ok, alarm) = reading(frame, findings);
        let step = frame.step;
        if alarm {
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
            actions.push(rolled_back(self.checkpoint.step));
        }
        let detector = trigger.unwrap_or(if loss_ok {
            findings.first().map_or(OWN_CHECK, |f| f.detector.as_str())
        } else {
            OWN_CHECK
        });
        response(step, detector, actions)
    }

    fn maybe_checkpoint(&mut self, agent: &Agent, step: u64) {
        if checkpoint_due(self.last_alarm, step, self.config.checkpoint_every) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::names;
    use crate::trainer::agent::AgentConfig;

    fn finding(detector: &str, step: u64, severity: Severity) -> Finding {
        Finding::new(detector, step, severity, String::new(), "")
    }

    fn setup() -> (AgentPipeline, Agent) {
        let mut agent = Agent::new(AgentConfig::default()).unwrap();
        let pipeline = AgentPipeline::new(RespondConfig::on(), &agent);
        for _ in 0..3 {
            agent.step();
        }
        (pipeline, agent)
    }

    fn respond(p: &mut AgentPipeline, agent: &mut Agent, f: Finding) -> Option<Response> {
        let frame = Frame::new(f.step).with(names::LOSS, 0.0);
        p.after_step(agent, &frame, &[f])
    }

    #[test]
    fn collapse_raises_temperature_and_entropy_bonus_and_rolls_back_once_collapsed() {
        let (mut p, mut agent) = setup();
        agent.entropy_bonus = 0.0;
        agent.temperature = 0.8;
        let r = respond(
            &mut p,
            &mut agent,
            finding("entropy_collapse", 3, Severity::Warning),
        );
        assert_eq!(
            r.unwrap().action,
            "temperature 0.8 -> 1.6; entropy bonus 0 -> 0.05"
        );
        assert_ne!(
            agent.policy, p.checkpoint.policy,
            "no rollback on a warning"
        );
        let r = respond(
            &mut p,
            &mut agent,
            finding("mode_collapse", 4, Severity::Critical),
        );
        assert_eq!(
            r.unwrap().action,
            "temperature 1.6 -> 3.2; entropy bonus 0.05 -> 0.1; \
             rolled back to the checkpoint of step 0"
        );
        assert_eq!(agent.policy, p.checkpoint.policy);
    }

    #[test]
    fn misalignment_adjusts_the_reward_function_once() {
        let (mut p, mut agent) = setup();
        agent.reward.rater = 0.0;
        agent.reward.per_word = 0.01;
        let r = respond(
            &mut p,
            &mut agent,
            finding("reward_hacking", 3, Severity::Warning),
        );
        assert_eq!(
            r.unwrap(),
            Response {
                step: 3,
                detector: "reward_hacking".into(),
                action: "reward: rater's quality score weight 0 -> 1; reward: pay per word \
                         0.01 -> 0"
                    .into(),
            }
        );
        assert_eq!((agent.reward.rater, agent.reward.per_word), (1.0, 0.0));
        let again = respond(
            &mut p,
            &mut agent,
            finding("reward_hacking", 9, Severity::Warning),
        );
        assert_eq!(again, None, "nothing left to adjust");

        agent.reward.watched_only = true;
        let r = respond(
            &mut p,
            &mut agent,
            finding("behavior_drift", 10, Severity::Warning),
        );
        assert_eq!(
            r.unwrap().action,
            "reward: the rater now also rates unwatched episodes"
        );
        assert!(!agent.reward.watched_only);
        let none = respond(
            &mut p,
            &mut agent,
            finding("deceptive_alignment", 11, Severity::Warning),
        );
        assert_eq!(none, None);
    }

    #[test]
    fn other_findings_get_no_response_and_checkpoints_wait_for_quiet() {
        let (mut p, mut agent) = setup();
        let r = respond(
            &mut p,
            &mut agent,
            finding("loss_oscillation", 3, Severity::Warning),
        );
        assert_eq!(r, None);
        let mut steps = Vec::new();
        for _ in 0..200 {
            let frame = agent.step();
            p.after_step(&mut agent, &frame, &[]);
            steps.push(p.checkpoint_step());
        }
        steps.dedup();
        // Not at 50: the warning at step 3 holds the first one back.
        assert_eq!(steps, [0, 100, 150, 200]);
    }

    #[test]
    fn a_non_finite_loss_cuts_the_learning_rate_and_rolls_back() {
        let (mut p, mut agent) = setup();
        let frame = Frame::new(3).with(names::LOSS, f64::NAN);
        let r = p.after_step(&mut agent, &frame, &[]).unwrap();
        assert_eq!(r.detector, OWN_CHECK);
        assert_eq!(
            r.action,
            "learning rate 0.01 -> 0.001; rolled back to the checkpoint of step 0"
        );
    }
}
