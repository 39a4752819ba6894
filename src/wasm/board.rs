//! Stored and imported runs held in wasm memory for drawing: loaded once
//! from the page's store, then drawn every frame without crossing the
//! boundary again.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{error, from_js, name_arg, numbers_arg, text_arg};
use crate::detectors::Severity;
use crate::monitor::Series;
use crate::plots::Marker;

/// The most runs a board holds at once.
pub const MAX_TRACES: usize = 32;

/// One stored run: its label, metrics, finding markers and responses.
#[derive(Debug, Default)]
pub(crate) struct StoredTrace {
    pub key: String,
    pub label: String,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    pub actions: Vec<u64>,
}

/// Stored runs to draw beside (or instead of) the live run.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct Board {
    traces: Vec<StoredTrace>,
}

/// A finding as the board needs it: where and how serious (other fields
/// are ignored).
#[derive(Debug, Deserialize)]
struct MarkerIn {
    step: f64,
    severity: String,
}

fn step_of(v: f64, what: &str) -> Result<u64, JsError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
        Ok(v as u64)
    } else {
        Err(error(
            what,
            format!("step {v} is not a whole number from 0 up"),
        ))
    }
}

/// Steps and values of one metric from JavaScript, checked: as many steps
/// as values, the steps whole numbers from 0 up and increasing.
pub(crate) fn read_steps(what: &str, steps: &[f64], values: &[f64]) -> Result<Vec<u64>, JsError> {
    if steps.len() != values.len() {
        return Err(error(
            what,
            format!("{} steps but {} values", steps.len(), values.len()),
        ));
    }
    let steps = steps
        .iter()
        .map(|&s| step_of(s, what))
        .collect::<Result<Vec<u64>, JsError>>()?;
    if let Some(i) = steps.windows(2).position(|w| w[0] >= w[1]) {
        return Err(error(
            what,
            format!("steps must increase: {} follows {}", steps[i + 1], steps[i]),
        ));
    }
    Ok(steps)
}

/// Finding markers from an array of objects with at least `step` and
/// `severity`; an item that is not one is refused by its number.
pub(crate) fn read_markers(findings: JsValue) -> Result<Vec<Marker>, JsError> {
    let list: Vec<serde_json::Value> = from_js(findings, "findings")?;
    let mut markers = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        let f: MarkerIn = serde_json::from_value(item).map_err(|_| {
            error(
                "findings",
                format!(
                    "item {} is not a finding (an object with a step and a severity)",
                    i + 1
                ),
            )
        })?;
        let severity = Severity::parse(&f.severity)
            .ok_or_else(|| error("findings", format!("unknown severity '{}'", f.severity)))?;
        markers.push(Marker {
            step: step_of(f.step, "findings")?,
            severity,
        });
    }
    Ok(markers)
}

/// The steps at which the automatic response acted, from JavaScript.
pub(crate) fn read_actions(steps: &JsValue) -> Result<Vec<u64>, JsError> {
    numbers_arg(steps, "actions")?
        .into_iter()
        .map(|s| step_of(s, "actions"))
        .collect()
}

/// Rust-only access for drawing.
impl Board {
    /// The stored run `key`, if held.
    pub(crate) fn get(&self, key: &str) -> Option<&StoredTrace> {
        self.traces.iter().find(|t| t.key == key)
    }

    fn get_mut(&mut self, key: &str) -> Result<&mut StoredTrace, JsError> {
        self.traces
            .iter_mut()
            .find(|t| t.key == key)
            .ok_or_else(|| error("board", format!("no run '{key}' (add it first)")))
    }
}

#[wasm_bindgen]
impl Board {
    /// An empty board.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Board {
        Board::default()
    }

    /// Holds a run under `key` (replacing one with the same key), empty
    /// until its series are added.
    pub fn add(&mut self, key: JsValue, label: JsValue) -> Result<(), JsError> {
        let key = text_arg(&key, "board: the run's key")?;
        let label = text_arg(&label, "board: the run's name")?;
        self.traces.retain(|t| t.key != key);
        if self.traces.len() >= MAX_TRACES {
            return Err(error(
                "board",
                format!("at most {MAX_TRACES} runs can be shown at once"),
            ));
        }
        self.traces.push(StoredTrace {
            key,
            label,
            ..StoredTrace::default()
        });
        Ok(())
    }

    /// Adds metric `name` of run `key`: its steps (whole numbers, in
    /// increasing order) and values (any, NaN included).
    #[wasm_bindgen(js_name = addSeries)]
    pub fn add_series(
        &mut self,
        key: JsValue,
        name: JsValue,
        steps: JsValue,
        values: JsValue,
    ) -> Result<(), JsError> {
        let key = text_arg(&key, "board: the run's key")?;
        let name = text_arg(&name, &format!("run '{key}': the metric's name"))?;
        let what = format!("run '{key}', metric '{name}'");
        let values = numbers_arg(&values, &what)?;
        let steps = read_steps(&what, &numbers_arg(&steps, &what)?, &values)?;
        let trace = self.get_mut(&key)?;
        trace.series.retain(|s| s.name != name);
        trace.series.push(Series {
            name,
            steps,
            values,
        });
        Ok(())
    }

    /// Sets the findings of run `key` to mark: an array of objects with at
    /// least `step` and `severity`.
    #[wasm_bindgen(js_name = setFindings)]
    pub fn set_findings(&mut self, key: JsValue, findings: JsValue) -> Result<(), JsError> {
        let key = text_arg(&key, "board: the run's key")?;
        let markers = read_markers(findings)?;
        self.get_mut(&key)?.markers = markers;
        Ok(())
    }

    /// Sets the steps at which the automatic response acted in run `key`.
    #[wasm_bindgen(js_name = setActions)]
    pub fn set_actions(&mut self, key: JsValue, steps: JsValue) -> Result<(), JsError> {
        let key = text_arg(&key, "board: the run's key")?;
        let actions = read_actions(&steps)?;
        self.get_mut(&key)?.actions = actions;
        Ok(())
    }

    /// Forgets run `key` (nothing happens when it is not held).
    pub fn remove(&mut self, key: JsValue) {
        let key = name_arg(&key);
        self.traces.retain(|t| t.key != key);
    }

    /// Whether run `key` is held.
    pub fn has(&self, key: JsValue) -> bool {
        self.get(&name_arg(&key)).is_some()
    }

    /// Keys of the runs held.
    pub fn keys(&self) -> Vec<String> {
        self.traces.iter().map(|t| t.key.clone()).collect()
    }

    /// Metric names of run `key` (empty when not held).
    #[wasm_bindgen(js_name = metricNames)]
    pub fn metric_names(&self, key: JsValue) -> Vec<String> {
        self.get(&name_arg(&key))
            .map(|t| t.series.iter().map(|s| s.name.clone()).collect())
            .unwrap_or_default()
    }
}
