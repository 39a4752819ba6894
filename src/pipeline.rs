//! The robust training pipeline: respond to findings and keep training.
//!
//! This is the course's `RobustTrainingPipeline`: after every step the
//! findings are read; an explosion-type finding cuts the learning rate and
//! switches gradient clipping on (`handle_failure`), a non-finite loss or a
//! diverging run is rolled back to the last checkpoint, and a checkpoint is
//! taken every few steps while every check passes (`all_checks_passed`).
//! Each response is recorded, so the page can say what was done.

pub mod agent;

use serde::{Deserialize, Serialize};

use crate::config::{check, ConfigError};
use crate::detectors::{Finding, Severity};
use crate::metrics::{names, Frame};
use crate::trainer::{Checkpoint, Trainer};

/// Detectors whose findings mean the updates are too large: the response
/// cuts the learning rate and clips the gradients. Matched by id.
pub const EXPLOSION_DETECTORS: [&str; 4] = [
    "gradient_explosion",
    "grad_norm_spike",
    "non_finite",
    "loss_divergence",
];

/// Detectors whose findings mean the weights are already damaged: the
/// response also rolls back to the last checkpoint. A gradient norm past
/// the explosion threshold is among them because the step that measured it
/// has already applied its huge update.
pub const ROLLBACK_DETECTORS: [&str; 3] = ["gradient_explosion", "non_finite", "loss_divergence"];

/// The name under which the pipeline's own check, a loss that is not
/// finite, is recorded when no detector reported it.
pub const OWN_CHECK: &str = "non_finite";

/// Settings of the automatic response.
///
/// Defaults: off; when on, the learning rate is multiplied by 0.1, gradients
/// are clipped at norm 1, and a checkpoint is taken every 50 steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RespondConfig {
    /// Respond to findings (false: only watch).
    pub enabled: bool,
    /// Multiplier of the learning rate on an explosion-type finding; once
    /// per incident: findings within `checkpoint_every` steps of the last cut
    /// do not cut again, unless the loss is not finite.
    pub lr_factor: f64,
    /// The gradient-clipping norm switched on by an explosion-type finding.
    pub clip_norm: f64,
    /// Steps between checkpoints; one is taken only after this many steps
    /// without a warning, a critical finding or a non-finite loss.
    pub checkpoint_every: u64,
}

impl Default for RespondConfig {
    fn default() -> Self {
        RespondConfig {
            enabled: false,
            lr_factor: 0.1,
            clip_norm: 1.0,
            checkpoint_every: 50,
        }
    }
}

impl RespondConfig {
    /// The default response, switched on.
    pub fn on() -> Self {
        RespondConfig {
            enabled: true,
            ..RespondConfig::default()
        }
    }

    /// Checks every setting before use.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.lr_factor.is_finite() && self.lr_factor > 0.0 && self.lr_factor < 1.0,
            "lr_factor",
            "must be above 0 and below 1",
        )?;
        check(
            self.clip_norm.is_finite() && self.clip_norm > 0.0 && self.clip_norm <= 1e6,
            "clip_norm",
            "must be above 0 and at most 1000000",
        )?;
        check(
            (1..=100_000).contains(&self.checkpoint_every),
            "checkpoint_every",
            "must be between 1 and 100000",
        )
    }
}

/// One thing the pipeline did, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Response {
    /// The step whose findings were answered.
    pub step: u64,
    /// The detector that triggered it (or [`OWN_CHECK`]).
    pub detector: String,
    /// What was done, in words.
    pub action: String,
}

/// Responses a run keeps (later ones are not stored).
pub const MAX_RESPONSES: usize = 10_000;

/// The pipeline's state in one run.
#[derive(Clone, Debug)]
pub struct Pipeline {
    config: RespondConfig,
    checkpoint: Checkpoint,
    last_alarm: Option<u64>,
    last_cut: Option<u64>,
}

impl Pipeline {
    /// A pipeline for `trainer`, with its first checkpoint taken now.
    pub fn new(config: RespondConfig, trainer: &Trainer) -> Pipeline {
        Pipeline {
            config,
            checkpoint: trainer.checkpoint(),
            last_alarm: None,
            last_cut: None,
        }
    }

    /// New settings; the checkpoint and the incident memory stay.
    pub fn set_config(&mut self, config: RespondConfig) {
        self.config = config;
    }

    /// Reads one step's frame and findings; responds to them, or takes a
    /// checkpoint when every check has passed for long enough.
    pub fn after_step(
        &mut self,
        trainer: &mut Trainer,
        frame: &Frame,
        findings: &[Finding],
    ) -> Option<Response> {
        let step = frame.step;
        let (loss_ok, alarm) = reading(frame, findings);
        if alarm {
            self.last_alarm = Some(step);
        }
        let trigger = findings
            .iter()
            .find(|f| EXPLOSION_DETECTORS.contains(&f.detector.as_str()));
        if trigger.is_none() && loss_ok {
            self.maybe_checkpoint(trainer, step);
            return None;
        }
        let detector = trigger.map_or(OWN_CHECK, |f| f.detector.as_str());
        let rollback = !loss_ok
            || findings
                .iter()
                .any(|f| ROLLBACK_DETECTORS.contains(&f.detector.as_str()));

        let mut actions = Vec::new();
        // One incident, one cut: a second finding soon after the last cut
        // only cuts again if the loss has broken anyway.
        let same_incident = self
            .last_cut
            .is_some_and(|cut| step - cut < self.config.checkpoint_every);
        if !same_incident || !loss_ok {
            let old = trainer.lr;
            trainer.lr *= self.config.lr_factor;
            self.last_cut = Some(step);
            actions.push(format!(
                "learning rate {} -> {}",
                short(old),
                short(trainer.lr)
            ));
        }
        if trainer.clip_norm == 0.0 || trainer.clip_norm > self.config.clip_norm {
            trainer.clip_norm = self.config.clip_norm;
            actions.push(format!(
                "gradients clipped at norm {}",
                short(self.config.clip_norm)
            ));
        }
        if rollback {
            trainer.restore(&self.checkpoint);
            actions.push(rolled_back(self.checkpoint.step));
        }
        response(step, detector, actions)
    }

    fn maybe_checkpoint(&mut self, trainer: &Trainer, step: u64) {
        if checkpoint_due(self.last_alarm, step, self.config.checkpoint_every) {
            self.checkpoint = trainer.checkpoint();
        }
    }

    /// The step of the checkpoint a rollback would return to.
    pub fn checkpoint_step(&self) -> u64 {
        self.checkpoint.step
    }
}

/// The action of a rollback to the checkpoint of `step`.
/// What both pipelines read first in a step: whether its loss is a number,
/// and whether it raised an alarm (a loss that is not, or a finding of
/// warning or worse), which delays the next checkpoint.
pub(crate) fn reading(frame: &Frame, findings: &[Finding]) -> (bool, bool) {
    let loss_ok = frame.get(names::LOSS).is_some_and(f64::is_finite);
    let alarm = !loss_ok || findings.iter().any(|f| f.severity >= Severity::Warning);
    (loss_ok, alarm)
}

fn rolled_back(step: u64) -> String {
    format!("rolled back to the checkpoint of step {step}")
}

/// The response to `detector` at `step` that did `actions` (None when it
/// did nothing).
fn response(step: u64, detector: &str, actions: Vec<String>) -> Option<Response> {
    (!actions.is_empty()).then(|| Response {
        step,
        detector: detector.to_string(),
        action: actions.join("; "),
    })
}

/// Whether to take a checkpoint after `step`: every `every` steps, once
/// that many steps have passed since the last alarm (`last_alarm`).
pub(crate) fn checkpoint_due(last_alarm: Option<u64>, step: u64, every: u64) -> bool {
    let quiet = last_alarm.map_or(true, |alarm| step - alarm >= every);
    quiet && (step + 1) % every == 0
}

/// A learning rate or norm for a message: four decimals without trailing
/// zeros, or scientific notation when small.
pub(crate) fn short(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e-3 {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{x:.1e}")
    }
}
