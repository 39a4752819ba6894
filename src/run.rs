//! A run: a learner, its faults and a monitor, driven one step at a time.
//!
//! This is what the browser handle, the native tests, the evaluation suite and
//! the benchmarks all drive, so they all see the same run for the same seed.
//!
//! The learner is one of two (a [`Scenario`]): the classifier's [`Trainer`]
//! or the policy-gradient [`Agent`]. A run holds it as an enum rather than a
//! trait object because faults and responses act on the learner's own knobs
//! (a classifier's batch and clipping, an agent's reward function and
//! temperature): a shared trait would need a downcast for each of them.

mod outcome;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::config::{check, ConfigError};
use crate::detectors::{self, Detector, Finding};
use crate::metrics::{names, Frame};
use crate::monitor::Monitor;
use crate::pipeline::agent::AgentPipeline;
use crate::pipeline::{Pipeline, RespondConfig, Response, MAX_RESPONSES};
use crate::scenarios::agent::AgentFault;
use crate::scenarios::agent::FailureWatch;
use crate::scenarios::classifier::ClassifierFault;
use crate::scenarios::gan::{self, GanFault};
use crate::scenarios::Fault;
use crate::scenarios::{GroundTruth, Scenario};
use crate::trainer::agent::{Agent, AgentConfig};
use crate::trainer::gan::{Gan, GanConfig};
use crate::trainer::{TrainConfig, Trainer};

pub use outcome::{compare, run_to_end, Comparison, Outcome};

/// Points kept per metric in a run's history: 32,768, so the live run's
/// history and the page's copy of it stay near 7 MB each however long it
/// trains (a run of 1,000,000 steps keeps every 32nd step; 1 << 18 took
/// 106 MB at 300,000 steps, `scripts/bench-load.mjs`).
pub const HISTORY_CAP: usize = 1 << 15;

/// Everything needed to start a run: the learner and its settings, faults
/// and the automatic response.
///
/// In JSON every field may be left out: `{}` is a classifier run with the
/// defaults, `{"scenario": "agent"}` an agent run with the defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Which learner the run trains (default: the classifier).
    pub scenario: Scenario,
    /// The classifier's settings (used when `scenario` is "classifier").
    pub train: TrainConfig,
    /// The agent's settings (used when `scenario` is "agent").
    pub agent: AgentConfig,
    /// The GAN's settings (used when `scenario` is "gan").
    pub gan: GanConfig,
    /// Faults switched on from the start.
    pub faults: Vec<Fault>,
    /// Whether and how the run responds to findings (off by default).
    pub respond: RespondConfig,
}

/// A fault of the run's learner, and the step it took effect at.
#[derive(Clone, Debug)]
struct Applied<F> {
    fault: F,
    onset: Option<u64>,
    /// The first step that showed the fault's outcome (see
    /// [`ClassifierEffect::outcome`](crate::scenarios::classifier::ClassifierEffect::outcome)).
    outcome: Option<u64>,
}

impl<F> Applied<F> {
    fn new(fault: F) -> Applied<F> {
        Applied {
            fault,
            onset: None,
            outcome: None,
        }
    }
}

/// The learner a run trains, with its automatic response when switched on.
enum Learner {
    Classifier {
        trainer: Trainer,
        pipeline: Option<Pipeline>,
        faults: Vec<Applied<ClassifierFault>>,
    },
    Agent {
        agent: Agent,
        pipeline: Option<AgentPipeline>,
        watch: FailureWatch,
        faults: Vec<Applied<AgentFault>>,
    },
    Gan {
        gan: Gan,
        watch: gan::FailureWatch,
        faults: Vec<Applied<GanFault>>,
    },
}

/// One training run under observation.
pub struct Run {
    learner: Learner,
    monitor: Monitor,
    hard_failure: Option<u64>,
    responses: Vec<Response>,
}

/// What one step produced.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    /// The step's metrics.
    pub frame: Frame,
    /// Findings that fired on this step.
    pub findings: Vec<Finding>,
    /// What the automatic response did after this step, if anything.
    pub response: Option<Response>,
}

impl Run {
    /// A run of `config`, watched by every registered detector.
    pub fn new(config: RunConfig) -> Result<Run, ConfigError> {
        Run::with_detectors(config, detectors::build_all())
    }

    /// A run of `config`, watched by `detectors` only.
    pub fn with_detectors(
        config: RunConfig,
        detectors: Vec<Box<dyn Detector>>,
    ) -> Result<Run, ConfigError> {
        let on = config.respond.enabled;
        let learner = match config.scenario {
            Scenario::Classifier => {
                let faults = (config.faults.into_iter())
                    .map(|f| classifier_fault(f, &config.train).map(Applied::new))
                    .collect::<Result<_, _>>()?;
                config.respond.validate()?;
                let trainer = Trainer::new(config.train)?;
                let pipeline = on.then(|| Pipeline::new(config.respond, &trainer));
                Learner::Classifier {
                    trainer,
                    pipeline,
                    faults,
                }
            }
            Scenario::Agent => {
                let faults = (config.faults.into_iter())
                    .map(|f| agent_fault(f).map(Applied::new))
                    .collect::<Result<_, _>>()?;
                config.respond.validate()?;
                let agent = Agent::new(config.agent)?;
                let pipeline = on.then(|| AgentPipeline::new(config.respond, &agent));
                Learner::Agent {
                    agent,
                    pipeline,
                    watch: FailureWatch::default(),
                    faults,
                }
            }
            Scenario::Gan => {
                let faults = (config.faults.into_iter())
                    .map(|f| gan_fault(f).map(Applied::new))
                    .collect::<Result<_, _>>()?;
                config.respond.validate()?;
                check(
                    !on,
                    "respond",
                    "the automatic response has no GAN actions yet: switch it off",
                )?;
                Learner::Gan {
                    gan: Gan::new(config.gan)?,
                    watch: gan::FailureWatch::default(),
                    faults,
                }
            }
        };
        Ok(Run {
            learner,
            monitor: Monitor::new(detectors, HISTORY_CAP),
            hard_failure: None,
            responses: Vec::new(),
        })
    }

    /// Takes one step, unless training has failed for good. A classifier's
    /// non-finite loss ends the run, except when the automatic response is
    /// on, which rolls it back and goes on. An agent's hard failure is
    /// recorded and the run goes on: a failed policy can still be trained.
    pub fn step(&mut self) -> Option<StepOutcome> {
        let (frame, findings, response) = match &mut self.learner {
            Learner::Classifier {
                trainer,
                pipeline,
                faults,
            } => {
                if self.hard_failure.is_some() {
                    return None;
                }
                let mut batch = trainer.next_batch();
                for f in faults.iter_mut() {
                    if f.fault.before_step(trainer, &mut batch, f.onset.is_some()) {
                        f.onset = Some(trainer.step);
                    }
                }
                let frame = trainer.train_on(&batch);
                for f in faults.iter_mut().filter(|f| f.onset.is_some()) {
                    if f.outcome.is_none() && f.fault.kind().outcome(&frame) {
                        f.outcome = Some(frame.step);
                    }
                }
                let loss_ok = frame.get(names::LOSS).is_some_and(f64::is_finite);
                let findings = self.monitor.observe(&frame);
                let response = pipeline
                    .as_mut()
                    .and_then(|p| p.after_step(trainer, &frame, &findings));
                // The pipeline always rolls a non-finite step back; without it
                // the run has failed for good.
                if !loss_ok && pipeline.is_none() {
                    self.hard_failure = Some(frame.step);
                }
                (frame, findings, response)
            }
            Learner::Agent {
                agent,
                pipeline,
                watch,
                faults,
            } => {
                for f in faults {
                    if f.fault.before_step(agent, f.onset.is_some()) {
                        f.onset = Some(agent.step);
                    }
                }
                let frame = agent.step();
                if watch.failed(&frame, agent) && self.hard_failure.is_none() {
                    self.hard_failure = Some(frame.step);
                }
                let findings = self.monitor.observe(&frame);
                let response = pipeline
                    .as_mut()
                    .and_then(|p| p.after_step(agent, &frame, &findings));
                (frame, findings, response)
            }
            Learner::Gan { gan, watch, faults } => {
                for f in faults {
                    if f.fault.before_step(gan, f.onset.is_some()) {
                        f.onset = Some(gan.step);
                    }
                }
                let frame = gan.step();
                if watch.failed(&frame) && self.hard_failure.is_none() {
                    self.hard_failure = Some(frame.step);
                }
                let findings = self.monitor.observe(&frame);
                (frame, findings, None)
            }
        };
        if let Some(r) = &response {
            if self.responses.len() < MAX_RESPONSES {
                self.responses.push(r.clone());
            }
        }
        Some(StepOutcome {
            frame,
            findings,
            response,
        })
    }

    /// Which learner this run trains.
    pub fn scenario(&self) -> Scenario {
        match self.learner {
            Learner::Classifier { .. } => Scenario::Classifier,
            Learner::Agent { .. } => Scenario::Agent,
            Learner::Gan { .. } => Scenario::Gan,
        }
    }

    /// Switches a fault on (replacing one of the same kind) or, with
    /// `None` for a kind id, off; an applied fault is undone when switched off.
    pub fn set_fault(&mut self, id: &str, fault: Option<Fault>) -> Result<(), ConfigError> {
        match &mut self.learner {
            Learner::Classifier {
                trainer, faults, ..
            } => {
                let new = fault.map(|f| classifier_fault(f, &trainer.config));
                let new = new.transpose()?;
                if let Some(old) = take_applied(faults, id, |f| f.id()) {
                    old.kind().undo(trainer);
                    // Undoing a data fault restores the original data: the
                    // data faults still on change it again, in order.
                    if old.kind().changes_data() {
                        for f in faults.iter().filter(|f| f.onset.is_some()) {
                            f.fault.kind().change_data(trainer);
                        }
                    }
                }
                faults.extend(new.map(Applied::new));
            }
            Learner::Agent { agent, faults, .. } => {
                let new = fault.map(agent_fault).transpose()?;
                if let Some(old) = take_applied(faults, id, |f| f.id()) {
                    old.kind().undo(agent);
                }
                faults.extend(new.map(Applied::new));
            }
            Learner::Gan { gan, faults, .. } => {
                let new = fault.map(gan_fault).transpose()?;
                if let Some(old) = take_applied(faults, id, |f| f.id()) {
                    old.kind().undo(gan);
                }
                faults.extend(new.map(Applied::new));
            }
        }
        Ok(())
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        match &self.learner {
            Learner::Classifier { trainer, .. } => trainer.step,
            Learner::Agent { agent, .. } => agent.step,
            Learner::Gan { gan, .. } => gan.step,
        }
    }

    /// The step at which training failed for good, if it has. A classifier:
    /// the step whose loss was not finite; with the automatic response on,
    /// such a step is rolled back instead (and recorded among the
    /// responses), so this stays None. An agent: see
    /// [`crate::scenarios::agent`]; recorded whether or not a response is on.
    pub fn hard_failure(&self) -> Option<u64> {
        self.hard_failure
    }

    /// The truth about each fault switched on.
    pub fn ground_truth(&self) -> Vec<GroundTruth> {
        let truth = |id: &str, onset, emerged| GroundTruth {
            fault: id.to_string(),
            onset,
            hard_failure: self.hard_failure,
            emerged,
        };
        match &self.learner {
            Learner::Classifier { faults, .. } => (faults.iter())
                .map(|f| truth(f.fault.id(), f.onset, f.outcome))
                .collect(),
            Learner::Agent { faults, .. } => (faults.iter())
                .map(|f| truth(f.fault.id(), f.onset, f.outcome))
                .collect(),
            Learner::Gan { faults, .. } => (faults.iter())
                .map(|f| truth(f.fault.id(), f.onset, f.outcome))
                .collect(),
        }
    }

    /// The monitor (findings and history).
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// From where each metric's history was rewritten since the last call
    /// (see [`History::take_edits`](crate::monitor::History::take_edits)):
    /// for the one consumer that copies the history as it grows.
    pub fn take_history_edits(&mut self) -> Vec<Option<usize>> {
        self.monitor.history.take_edits()
    }

    /// The classifier's trainer (None in an agent run).
    pub fn trainer(&self) -> Option<&Trainer> {
        match &self.learner {
            Learner::Classifier { trainer, .. } => Some(trainer),
            _ => None,
        }
    }

    /// The agent (None in a classifier run).
    pub fn agent(&self) -> Option<&Agent> {
        match &self.learner {
            Learner::Agent { agent, .. } => Some(agent),
            _ => None,
        }
    }

    /// The GAN (None in another learner's run).
    pub fn gan(&self) -> Option<&Gan> {
        match &self.learner {
            Learner::Gan { gan, .. } => Some(gan),
            _ => None,
        }
    }

    /// Switches the automatic response on or off, or changes its settings,
    /// mid-run. Switched on, it takes its first checkpoint now.
    pub fn set_respond(&mut self, config: RespondConfig) -> Result<(), ConfigError> {
        config.validate()?;
        match &mut self.learner {
            Learner::Classifier {
                trainer, pipeline, ..
            } => {
                if !config.enabled {
                    *pipeline = None;
                } else if self.hard_failure.is_some() {
                    return Err(ConfigError {
                        field: "respond",
                        reason: "training has already failed for good and there is no \
                                 checkpoint to roll back to: restart the run with the \
                                 automatic response on"
                            .into(),
                    });
                } else if let Some(p) = pipeline {
                    p.set_config(config);
                } else {
                    *pipeline = Some(Pipeline::new(config, trainer));
                }
            }
            // A failed agent can still be trained, so the response may come late.
            Learner::Agent {
                agent, pipeline, ..
            } => {
                if !config.enabled {
                    *pipeline = None;
                } else if let Some(p) = pipeline {
                    p.set_config(config);
                } else {
                    *pipeline = Some(AgentPipeline::new(config, agent));
                }
            }
            Learner::Gan { .. } => check(
                !config.enabled,
                "respond",
                "the automatic response has no GAN actions yet",
            )?,
        }
        Ok(())
    }

    /// What the automatic response has done, oldest first (at most
    /// [`MAX_RESPONSES`]).
    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    /// The step of the checkpoint a rollback would return to (None when the
    /// automatic response is off).
    pub fn checkpoint_step(&self) -> Option<u64> {
        match &self.learner {
            Learner::Classifier { pipeline, .. } => {
                pipeline.as_ref().map(Pipeline::checkpoint_step)
            }
            Learner::Agent { pipeline, .. } => {
                pipeline.as_ref().map(AgentPipeline::checkpoint_step)
            }
            Learner::Gan { .. } => None,
        }
    }
}

/// Removes the fault of kind `id` from `faults`; returns it when it had
/// been applied (and so is to be undone).
fn take_applied<F>(faults: &mut Vec<Applied<F>>, id: &str, id_of: fn(&F) -> &str) -> Option<F> {
    let i = faults.iter().position(|f| id_of(&f.fault) == id)?;
    let old = faults.remove(i);
    old.onset.map(|_| old.fault)
}

/// Checks a fault's settings, that it is a classifier's, and that it does
/// what it says in a run trained with `train`.
fn classifier_fault(fault: Fault, train: &TrainConfig) -> Result<ClassifierFault, ConfigError> {
    fault.validate()?;
    match fault {
        Fault::Classifier(f) => f.kind().check_setup(train).map(|()| f),
        other => Err(wrong_learner(
            other.id(),
            other.scenario(),
            Scenario::Classifier,
        )),
    }
}

/// Checks a fault's settings, and that it is the agent's.
fn agent_fault(fault: Fault) -> Result<AgentFault, ConfigError> {
    fault.validate()?;
    match fault {
        Fault::Agent(f) => Ok(f),
        other => Err(wrong_learner(other.id(), other.scenario(), Scenario::Agent)),
    }
}

/// Checks a fault's settings, and that it is the GAN's.
fn gan_fault(fault: Fault) -> Result<GanFault, ConfigError> {
    fault.validate()?;
    match fault {
        Fault::Gan(f) => Ok(f),
        other => Err(wrong_learner(other.id(), other.scenario(), Scenario::Gan)),
    }
}

fn wrong_learner(id: &str, of: Scenario, run: Scenario) -> ConfigError {
    ConfigError {
        field: "faults",
        reason: format!(
            "{id} is a fault of the {} scenario, and this run trains the {}",
            of.id(),
            run.id()
        ),
    }
}
