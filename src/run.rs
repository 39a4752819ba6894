//! A run: a trainer, its faults and a monitor, driven one step at a time.
//!
//! This is what the browser handle, the native tests, the evaluation suite and
//! the benchmarks all drive, so they all see the same run for the same seed.

use serde::{Deserialize, Serialize};

use crate::detectors::{self, Finding};
use crate::metrics::{names, Frame};
use crate::monitor::Monitor;
use crate::scenarios::classifier::Fault;
use crate::scenarios::GroundTruth;
use crate::trainer::{ConfigError, TrainConfig, Trainer};

/// Points kept per metric in a run's history.
pub const HISTORY_CAP: usize = 1 << 18;

/// Everything needed to start a run: training settings and faults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// The trainer's settings.
    pub train: TrainConfig,
    /// Faults switched on from the start.
    pub faults: Vec<Fault>,
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
}

/// What one step produced.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    /// The step's metrics.
    pub frame: Frame,
    /// Findings that fired on this step.
    pub findings: Vec<Finding>,
}

impl Run {
    /// A run of `config`, watched by every registered detector.
    pub fn new(config: RunConfig) -> Result<Run, ConfigError> {
        for f in &config.faults {
            f.validate()?;
        }
        Ok(Run {
            trainer: Trainer::new(config.train)?,
            faults: config
                .faults
                .into_iter()
                .map(|fault| FaultState { fault, onset: None })
                .collect(),
            monitor: Monitor::new(detectors::build_all(), HISTORY_CAP),
            hard_failure: None,
        })
    }

    /// Takes one step, unless training has already failed for good.
    pub fn step(&mut self) -> Option<StepOutcome> {
        if self.hard_failure.is_some() {
            return None;
        }
        for f in &mut self.faults {
            if f.fault.before_step(&mut self.trainer, f.onset.is_some()) {
                f.onset = Some(self.trainer.step);
            }
        }
        let frame = self.trainer.step();
        if !frame.get(names::LOSS).is_some_and(f64::is_finite) {
            self.hard_failure = Some(frame.step);
        }
        let findings = self.monitor.observe(&frame);
        Some(StepOutcome { frame, findings })
    }

    /// Switches a fault on (replacing one of the same kind) or, with
    /// `None` for a kind id, off; an applied fault is undone when switched off.
    pub fn set_fault(&mut self, id: &str, fault: Option<Fault>) -> Result<(), ConfigError> {
        if let Some(f) = &fault {
            f.validate()?;
        }
        if let Some(i) = self.faults.iter().position(|f| f.fault.id() == id) {
            let old = self.faults.remove(i);
            if old.onset.is_some() {
                old.fault.undo(&mut self.trainer);
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

    /// The first step whose loss was not finite, if training has failed.
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
}
