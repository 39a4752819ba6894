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

use serde::{Deserialize, Serialize};

use crate::detectors::{self, Detector, Finding};
use crate::metrics::{names, Frame};
use crate::monitor::Monitor;
use crate::pipeline::agent::AgentPipeline;
use crate::pipeline::{Pipeline, RespondConfig, Response, MAX_RESPONSES};
use crate::scenarios::agent::FailureWatch;
use crate::scenarios::classifier::Fault;
use crate::scenarios::{GroundTruth, Scenario};
use crate::trainer::agent::{Agent, AgentConfig};
use crate::trainer::{ConfigError, TrainConfig, Trainer};

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
    /// Faults switched on from the start.
    pub faults: Vec<Fault>,
    /// Whether and how the run responds to findings (off by default).
    pub respond: RespondConfig,
}

#[derive(Clone, Debug)]
struct FaultState {
    fault: Fault,
    onset: Option<u64>,
}

/// The learner a run trains, with its automatic response when switched on.
enum Learner {
    Classifier {
        trainer: Trainer,
        pipeline: Option<Pipeline>,
    },
    Agent {
        agent: Agent,
        pipeline: Option<AgentPipeline>,
        watch: FailureWatch,
    },
}

/// One training run under observation.
pub struct Run {
    learner: Learner,
    faults: Vec<FaultState>,
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
        let scenario = config.scenario;
        for f in &config.faults {
            let train = (scenario == Scenario::Classifier).then_some(&config.train);
            check_fault(f, train)?;
        }
        config.respond.validate()?;
        let on = config.respond.enabled;
        let learner = match scenario {
            Scenario::Classifier => {
                let trainer = Trainer::new(config.train)?;
                let pipeline = on.then(|| Pipeline::new(config.respond, &trainer));
                Learner::Classifier { trainer, pipeline }
            }
            Scenario::Agent => {
                let agent = Agent::new(config.agent)?;
                let pipeline = on.then(|| AgentPipeline::new(config.respond, &agent));
                Learner::Agent {
                    agent,
                    pipeline,
                    watch: FailureWatch::default(),
                }
            }
        };
        Ok(Run {
            learner,
            faults: config
                .faults
                .into_iter()
                .map(|fault| FaultState { fault, onset: None })
                .collect(),
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
            Learner::Classifier { trainer, pipeline } => {
                if self.hard_failure.is_some() {
                    return None;
                }
                let mut batch = trainer.next_batch();
                for f in &mut self.faults {
                    if f.fault.before_step(trainer, &mut batch, f.onset.is_some()) {
                        f.onset = Some(trainer.step);
                    }
                }
                let frame = trainer.train_on(&batch);
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
            } => {
                for f in &mut self.faults {
                    if f.fault.before_agent_step(agent, f.onset.is_some()) {
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
        }
    }

    /// Switches a fault on (replacing one of the same kind) or, with
    /// `None` for a kind id, off; an applied fault is undone when switched off.
    pub fn set_fault(&mut self, id: &str, fault: Option<Fault>) -> Result<(), ConfigError> {
        if let Some(f) = &fault {
            match &self.learner {
                Learner::Classifier { trainer, .. } => check_fault(f, Some(&trainer.config))?,
                Learner::Agent { .. } => check_fault(f, None)?,
            }
        }
        if let Some(i) = self.faults.iter().position(|f| f.fault.id() == id) {
            let old = self.faults.remove(i);
            if old.onset.is_some() {
                match &mut self.learner {
                    Learner::Classifier { trainer, .. } => {
                        old.fault.undo(trainer);
                        // Undoing a data fault restores the original data: the
                        // data faults still on change it again, in order.
                        if old.fault.changes_data() {
                            for f in self.faults.iter().filter(|f| f.onset.is_some()) {
                                f.fault.change_data(trainer);
                            }
                        }
                    }
                    Learner::Agent { agent, .. } => old.fault.undo_agent(agent),
                }
            }
        }
        if let Some(fault) = fault {
            self.faults.push(FaultState { fault, onset: None });
        }
        Ok(())
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        match &self.learner {
            Learner::Classifier { trainer, .. } => trainer.step,
            Learner::Agent { agent, .. } => agent.step,
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
        self.faults
            .iter()
            .map(|f| GroundTruth {
                fault: f.fault.id().to_string(),
                onset: f.onset,
                hard_failure: self.hard_failure,
            })
            .collect()
    }

    /// The monitor (findings and history).
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// The classifier's trainer (None in an agent run).
    pub fn trainer(&self) -> Option<&Trainer> {
        match &self.learner {
            Learner::Classifier { trainer, .. } => Some(trainer),
            Learner::Agent { .. } => None,
        }
    }

    /// The agent (None in a classifier run).
    pub fn agent(&self) -> Option<&Agent> {
        match &self.learner {
            Learner::Agent { agent, .. } => Some(agent),
            Learner::Classifier { .. } => None,
        }
    }

    /// Switches the automatic response on or off, or changes its settings,
    /// mid-run. Switched on, it takes its first checkpoint now.
    pub fn set_respond(&mut self, config: RespondConfig) -> Result<(), ConfigError> {
        config.validate()?;
        match &mut self.learner {
            Learner::Classifier { trainer, pipeline } => {
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
        }
    }
}

/// Checks a fault's settings, and that it belongs to the run's learner: the
/// classifier trained with `train` (where it must also do what it says), or
/// the agent (None).
fn check_fault(fault: &Fault, train: Option<&TrainConfig>) -> Result<(), ConfigError> {
    fault.validate()?;
    let scenario = match train {
        Some(_) => Scenario::Classifier,
        None => Scenario::Agent,
    };
    if fault.scenario() != scenario {
        return Err(ConfigError {
            field: "faults",
            reason: format!(
                "{} is a fault of the {} scenario, and this run trains the {}",
                fault.id(),
                fault.scenario().id(),
                scenario.id()
            ),
        });
    }
    train.map_or(Ok(()), |t| fault.check_setup(t))
}
