//! The diagnosis the page shows over the alert list
//! ([`crate::diagnosis`]), for findings as the page holds them.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{from_js, to_js};
use crate::detectors::{Finding, Severity};

/// The part of a finding the ranking reads (the page's findings carry more).
#[derive(Deserialize)]
struct Seen {
    detector: String,
    step: u64,
    severity: String,
}

/// Ranks `findings` (an array of `{detector, step, severity, ...}` in the
/// order they fired) into `{cause, course, symptoms}`: indices into the
/// array, the root cause (or undefined), the course's own detector beside
/// it (or undefined) and the rest, most specific and earliest first.
#[wasm_bindgen]
pub fn diagnose(findings: JsValue) -> Result<JsValue, JsError> {
    let seen: Vec<Seen> = from_js(findings, "findings")?;
    let findings: Vec<Finding> = seen
        .into_iter()
        .map(|s| {
            let severity = Severity::parse(&s.severity).ok_or_else(|| {
                JsError::new(&format!("findings: unknown severity '{}'", s.severity))
            })?;
            Ok(Finding::new(
                &s.detector,
                s.step,
                severity,
                String::new(),
                "",
            ))
        })
        .collect::<Result<_, JsError>>()?;
    to_js(&crate::diagnosis::diagnose(&findings))
}
