//! A setting that cannot be used: the error every layer's validation returns
//! (trainer and agent settings, faults, the automatic response, the
//! evaluation), and the one-line check that makes it.

use thiserror::Error;

/// A setting that cannot be used, and why.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{field}: {reason}")]
pub struct ConfigError {
    /// The setting's name, as in the JSON config and the URL.
    pub field: &'static str,
    /// What is wrong with it, in words a learner understands.
    pub reason: String,
}

/// Ok when `ok` holds, else the error naming `field` with `reason`.
pub fn check(ok: bool, field: &'static str, reason: impl Into<String>) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            reason: reason.into(),
        })
    }
}
