//! A run taken to its end, and the same run without and with the automatic
//! response side by side (what `tests/pipeline.rs` and the command line
//! compare).

use serde::Serialize;

use super::{Run, RunConfig};
use crate::config::ConfigError;
use crate::pipeline::{RespondConfig, Response};

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
