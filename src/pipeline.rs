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
use crate::run::{Run, RunConfig};
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
        let loss_ok = frame.get(names::LOSS).is_some_and(f64::is_finite);
        if !loss_ok || findings.iter().any(|f| f.severity >= Severity::Warning) {
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
            actions.push(format!(
                "rolled back to the checkpoint of step {}",
                self.checkpoint.step
            ));
        }
        if actions.is_empty() {
            return None;
        }
        Some(Response {
            step,
            detector: detector.to_string(),
            action: actions.join("; "),
        })
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

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// Steps taken.
    pub steps: u64,
    /// The first step whose loss was not finite, if any.
    pub hard_failure: Option<u64>,
    /// Validation loss of the final network.
    pub val_loss: f64,
    /// Validation accuracy of the final network.
    pub val_acc: f64,
    /// What the pipeline did (empty when it was off).
    pub responses: Vec<Response>,
}

impl Outcome {
    /// The final network is sound: a finite validation loss and at least
    /// `min_acc` validation accuracy.
    pub fn healthy(&self, min_acc: f64) -> bool {
        self.val_loss.is_finite() && self.val_acc >= min_acc
    }
}

/// Runs `config`, a classifier run, for `steps` steps (fewer if it fails
/// for good) and reports how it ended.
pub fn run_to_end(config: RunConfig, steps: u64) -> Result<Outcome, ConfigError> {
    let mut run = Run::new(config)?;
    while run.steps() < steps && run.step().is_some() {}
    let Some(trainer) = run.trainer() else {
        return Err(ConfigError {
            field: "scenario",
            reason: "the outcome is a classifier's validation loss and accuracy, which an \
                     agent run does not have"
                .into(),
        });
    };
    let (val_loss, val_acc) = trainer.evaluate();
    Ok(Outcome {
        steps: run.steps(),
        hard_failure: run.hard_failure(),
        val_loss,
        val_acc,
        responses: run.responses().to_vec(),
    })
}

/// The same run (same seed, same faults) without and with the automatic
/// response, side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The run left alone.
    pub without: Outcome,
    /// The run with the pipeline responding.
    pub with: Outcome,
}

/// Runs `config` twice for `steps` steps: with the response off, and on
/// with `config.respond`'s settings (or the defaults when they are off).
pub fn compare(config: RunConfig, steps: u64) -> Result<Comparison, ConfigError> {
    let respond = RespondConfig {
        enabled: true,
        ..config.respond.clone()
    };
    let without = RunConfig {
        respond: RespondConfig {
            enabled: false,
            ..respond.clone()
        },
        ..config.clone()
    };
    let with = RunConfig { respond, ..config };
    Ok(Comparison {
        without: run_to_end(without, steps)?,
        with: run_to_end(with, steps)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Detector;
    use crate::trainer::TrainConfig;

    /// Fires a finding with a given id and severity at chosen steps: a
    /// stand-in for the detectors written elsewhere.
    struct FiresAt {
        id: &'static str,
        severity: Severity,
        steps: Vec<u64>,
    }

    impl Detector for FiresAt {
        fn id(&self) -> &'static str {
            self.id
        }
        fn observe(&mut self, frame: &Frame) -> Option<Finding> {
            self.steps.contains(&frame.step).then(|| Finding {
                detector: self.id.to_string(),
                step: frame.step,
                severity: self.severity,
                message: String::new(),
                recommendation: String::new(),
            })
        }
        fn reset(&mut self) {}
    }

    fn run_with(id: &'static str, severity: Severity, steps: Vec<u64>) -> Run {
        let config = RunConfig {
            respond: RespondConfig::on(),
            ..RunConfig::default()
        };
        let detector = FiresAt {
            id,
            severity,
            steps,
        };
        Run::with_detectors(config, vec![Box::new(detector)]).unwrap()
    }

    #[test]
    fn divergence_cuts_clips_and_rolls_back_to_the_last_quiet_checkpoint() {
        let mut run = run_with("loss_divergence", Severity::Critical, vec![120]);
        let mut at_100 = None;
        for _ in 0..130 {
            if run.steps() == 100 {
                at_100 = Some(run.trainer().unwrap().mlp.clone());
            }
            run.step();
            if run.steps() == 121 {
                // Right after the response: the network of step 100 is back.
                assert_eq!(Some(&run.trainer().unwrap().mlp), at_100.as_ref());
            }
        }
        assert_eq!(
            run.responses(),
            [Response {
                step: 120,
                detector: "loss_divergence".into(),
                action: "learning rate 0.1 -> 0.01; gradients clipped at norm 1; \
                         rolled back to the checkpoint of step 100"
                    .into(),
            }]
        );
        assert_eq!(
            (run.trainer().unwrap().lr, run.trainer().unwrap().clip_norm),
            (0.1 * 0.1, 1.0)
        );
    }

    #[test]
    fn a_spike_cuts_without_rolling_back_and_once_per_incident() {
        let mut run = run_with("grad_norm_spike", Severity::Warning, vec![60, 70, 200]);
        for _ in 0..210 {
            run.step();
        }
        let actions: Vec<(u64, &str)> = run
            .responses()
            .iter()
            .map(|r| (r.step, r.action.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (60, "learning rate 0.1 -> 0.01; gradients clipped at norm 1"),
                (200, "learning rate 0.01 -> 0.001"),
            ]
        );
    }

    #[test]
    fn other_findings_get_no_response_but_hold_checkpoints_back() {
        let mut run = run_with("overfitting", Severity::Warning, vec![130]);
        let mut checkpoints = Vec::new();
        for _ in 0..300 {
            run.step();
            checkpoints.push(run.checkpoint_step().unwrap());
        }
        assert!(run.responses().is_empty());
        checkpoints.dedup();
        // Every 50 steps, except in the 50 quiet steps the warning asks for.
        assert_eq!(checkpoints, [0, 50, 100, 200, 250, 300]);
    }

    #[test]
    fn a_non_finite_loss_rolls_back_instead_of_ending_the_run() {
        let config = RunConfig {
            faults: vec![
                crate::scenarios::classifier::Fault::default_for("corrupt_batch").unwrap(),
            ],
            respond: RespondConfig::on(),
            ..RunConfig::default()
        };
        let mut run = Run::with_detectors(config, Vec::new()).unwrap();
        for _ in 0..400 {
            assert!(run.step().is_some(), "the run went on");
        }
        assert_eq!(run.hard_failure(), None, "rolled back, not failed for good");
        let r = &run.responses()[0];
        assert_eq!((r.step, r.detector.as_str()), (300, OWN_CHECK));
        assert!(r
            .action
            .ends_with("rolled back to the checkpoint of step 300"));
        assert!(run.trainer().unwrap().evaluate().0.is_finite());
    }

    #[test]
    fn the_response_can_be_switched_mid_run() {
        let config = RunConfig {
            faults: vec![
                crate::scenarios::classifier::Fault::default_for("corrupt_batch").unwrap(),
            ],
            ..RunConfig::default()
        };
        let mut run = Run::with_detectors(config.clone(), Vec::new()).unwrap();
        for _ in 0..200 {
            run.step();
        }
        run.set_respond(RespondConfig::on()).unwrap();
        assert_eq!(run.checkpoint_step(), Some(200));
        for _ in 0..200 {
            assert!(run.step().is_some());
        }
        assert_eq!(run.responses().len(), 1);
        run.set_respond(RespondConfig::default()).unwrap();
        assert_eq!(run.checkpoint_step(), None);
        assert_eq!(run.responses().len(), 1, "the log stays");

        let mut broken = Run::with_detectors(config, Vec::new()).unwrap();
        while broken.step().is_some() {}
        assert_eq!(broken.steps(), 301);
        let err = broken.set_respond(RespondConfig::on()).unwrap_err();
        assert_eq!(err.field, "respond");
    }

    #[test]
    fn settings_are_checked() {
        for (spoil, field) in [
            (
                RespondConfig {
                    lr_factor: 1.0,
                    ..RespondConfig::on()
                },
                "lr_factor",
            ),
            (
                RespondConfig {
                    clip_norm: 0.0,
                    ..RespondConfig::on()
                },
                "clip_norm",
            ),
            (
                RespondConfig {
                    checkpoint_every: 0,
                    ..RespondConfig::on()
                },
                "checkpoint_every",
            ),
        ] {
            let config = RunConfig {
                respond: spoil,
                ..RunConfig::default()
            };
            assert_eq!(Run::new(config).err().unwrap().field, field);
        }
        let parsed: RunConfig =
            serde_json::from_str(r#"{"respond": {"enabled": true, "lr_factor": 0.5}}"#).unwrap();
        assert_eq!(parsed.respond.lr_factor, 0.5);
        assert!(parsed.respond.enabled);
        assert_eq!(parsed.train, TrainConfig::default());
    }
}
