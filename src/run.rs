//! A run: a trainer, its faults and a monitor, driven one step at a time.
//!
//! This is what the browser handle, the native tests, the evaluation suite and
//! the benchmarks all drive, so they all see the same run for the same seed.

use serde::{Deserialize, Serialize};

use crate::detectors::{self, Detector, Finding};
use crate::metrics::{names, Frame};
use crate::monitor::Monitor;
use crate::pipeline::{Pipeline, RespondConfig, Response, MAX_RESPONSES};
use crate::scenarios::classifier::Fault;
use crate::scenarios::GroundTruth;
use crate::trainer::{ConfigError, TrainConfig, Trainer};

/// Points kept per metric in a run's history.
pub const HISTORY_CAP: usize = 1 << 18;

/// Everything needed to start a run: training settings, faults and the
/// automatic response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// The trainer's settings.
    pub train: TrainConfig,
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

/// One training run under observation.
pub struct Run {
    trainer: Trainer,
    faults: Vec<FaultState>,
    monitor: Monitor,
    hard_failure: Option<u64>,
    pipeline: Option<Pipeline>,
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
        for f in &config.faults {
            f.validate()?;
            f.check_setup(&config.train)?;
        }
        config.respond.validate()?;
        let trainer = Trainer::new(config.train)?;
        let pipeline = config
            .respond
            .enabled
            .then(|| Pipeline::new(config.respond, &trainer));
        Ok(Run {
            trainer,
            faults: config
                .faults
                .into_iter()
                .map(|fault| FaultState { fault, onset: None })
                .collect(),
            monitor: Monitor::new(detectors, HISTORY_CAP),
            hard_failure: None,
            pipeline,
            responses: Vec::new(),
        })
    }

    /// Takes one step, unless training has failed for good: a non-finite
    /// loss ends the run, except when the automatic response is on, which
    /// rolls it back and goes on.
    pub fn step(&mut self) -> Option<StepOutcome> {
        if self.hard_failure.is_some() {
            return None;
        }
        let mut batch = self.trainer.next_batch();
        for f in &mut self.faults {
            if f.fault
                .before_step(&mut self.trainer, &mut batch, f.onset.is_some())
            {
                f.onset = Some(self.trainer.step);
            }
        }
        let frame = self.trainer.train_on(&batch);
        let loss_ok = frame.get(names::LOSS).is_some_and(f64::is_finite);
        let findings = self.monitor.observe(&frame);
        let response = self
            .pipeline
            .as_mut()
            .and_then(|p| p.after_step(&mut self.trainer, &frame, &findings));
        if let Some(r) = &response {
            if self.responses.len() < MAX_RESPONSES {
                self.responses.push(r.clone());
            }
        }
        // The pipeline always rolls a non-finite step back; without it the
        // run has failed for good.
        if !loss_ok && self.pipeline.is_none() {
            self.hard_failure = Some(frame.step);
        }
        Some(StepOutcome {
            frame,
            findings,
            response,
        })
    }

    /// Switches a fault on (replacing one of the same kind) or, with
    /// `None` for a kind id, off; an applied fault is undone when switched off.
    pub fn set_fault(&mut self, id: &str, fault: Option<Fault>) -> Result<(), ConfigError> {
        if let Some(f) = &fault {
            f.validate()?;
            f.check_setup(&self.trainer.config)?;
        }
        if let Some(i) = self.faults.iter().position(|f| f.fault.id() == id) {
            let old = self.faults.remove(i);
            if old.onset.is_some() {
                old.fault.undo(&mut self.trainer);
                // Undoing a data fault restores the original data: the data
                // faults still on change it again, in order.
                if old.fault.changes_data() {
                    for f in self.faults.iter().filter(|f| f.onset.is_some()) {
                        f.fault.change_data(&mut self.trainer);
                    }
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
        self.trainer.step
    }

    /// The step whose loss was not finite, if training has failed for good.
    /// With the automatic response on, such a step is rolled back instead
    /// (and recorded among the responses), so this stays None.
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

    /// The trainer.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Switches the automatic response on or off, or changes its settings,
    /// mid-run. Switched on, it takes its first checkpoint now.
    pub fn set_respond(&mut self, config: RespondConfig) -> Result<(), ConfigError> {
        config.validate()?;
        if !config.enabled {
            self.pipeline = None;
        } else if self.hard_failure.is_some() {
            return Err(ConfigError {
                field: "respond",
                reason: "training has already failed for good and there is no checkpoint \
                         to roll back to: restart the run with the automatic response on"
                    .into(),
            });
        } else if let Some(p) = &mut self.pipeline {
            p.set_config(config);
        } else {
            self.pipeline = Some(Pipeline::new(config, &self.trainer));
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
        self.pipeline.as_ref().map(Pipeline::checkpoint_step)
    }
}
