//! Grading the student's Python detectors in the page: [`Grading`] records
//! the evaluation suite's observe runs (the cases and seeds of
//! `failure-lab grade`) one at a time, hands each run's frames to the page
//! as JSON text for Python (`www/py-grade-worker.js`), and grades the
//! findings Python sends back with the suite's own scoring
//! (`eval::external`), as `failure-lab grade` does natively.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::eval::suite_settings;
use super::{error, from_js, to_js};
use crate::eval::external::{graded_rows, ExternalFinding, GradedFigures, Recording};
use crate::eval::Report;

/// The suite's runs, recorded one at a time, and their grading.
#[wasm_bindgen]
pub struct Grading {
    recording: Recording,
}

/// What [`Grading::grade`] returns.
#[derive(Serialize)]
struct Graded<'a> {
    /// Per fault, each detector's figures, then "(all)" with several.
    rows: Vec<GradedFigures<'a>>,
    /// The whole report of the outside detectors (goals: them together).
    report: &'a Report,
}

#[wasm_bindgen]
impl Grading {
    /// The runs of the suite for `options` (`{seeds, fault}`, both
    /// optional, as the Evaluate panel's): every fault's case and the
    /// clean ones times the seeds, observe runs only. Refuses bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Grading, JsError> {
        let recording =
            Recording::new(suite_settings(options)?).map_err(|e| error("grading", e))?;
        Ok(Grading { recording })
    }

    /// Records the next run; returns the progress, `{done, total}` in runs.
    #[wasm_bindgen(js_name = stepRun)]
    pub fn step_run(&mut self) -> Result<JsValue, JsError> {
        let p = self.recording.step_run().map_err(|e| error("grading", e))?;
        to_js(&p)
    }

    /// Records run `index` (when another worker records the others);
    /// returns the progress of this recording, `{done, total}`.
    #[wasm_bindgen(js_name = recordRun)]
    pub fn record_run(&mut self, index: usize) -> Result<JsValue, JsError> {
        let p = self
            .recording
            .record_at(index)
            .map_err(|e| error("grading", e))?;
        to_js(&p)
    }

    /// Run `index`: `{index, case, scenario, fault, seed, truth, frames}`
    /// (undefined past the last run).
    #[wasm_bindgen(js_name = runInfo)]
    pub fn run_info(&self, index: usize) -> Result<JsValue, JsError> {
        to_js(&self.recording.run_info(index))
    }

    /// Run `index`'s record (what grading needs of it: truth, the lab's
    /// firings...) as a plain object, for [`Grading::adopt`] in another
    /// worker; undefined when it is not recorded here.
    pub fn record(&self, index: usize) -> Result<JsValue, JsError> {
        to_js(&self.recording.record_of(index))
    }

    /// Takes in run `index`'s record from another worker's [`Grading::record`].
    pub fn adopt(&mut self, index: usize, record: JsValue) -> Result<(), JsError> {
        let record = serde_wasm_bindgen::from_value(record).map_err(|e| error("record", e))?;
        self.recording
            .adopt(index, record)
            .map_err(|e| error("grading", e))
    }

    /// The runs recorded so far: `[{index, case, scenario, fault, seed, truth, frames}]`.
    pub fn runs(&self) -> Result<JsValue, JsError> {
        to_js(&self.recording.runs())
    }

    /// Run `index` as one JSON line for Python, `{"run": index, "frames":
    /// [{"step", "metrics"}]}` (NaN and infinities as Python's json reads
    /// them); its frames are then dropped (a second call gives no frames).
    #[wasm_bindgen(js_name = takeFrames)]
    pub fn take_frames(&mut self, index: usize) -> String {
        let text = self.recording.python_json(index);
        self.recording.forget_frames(index);
        text
    }

    /// Grades detectors `detectors` (their ids) from `findings`, one list
    /// per recorded run in order, each finding `{detector, step, severity}`:
    /// `{rows, report}` (see `eval::external::graded_rows`).
    pub fn grade(&self, detectors: JsValue, findings: JsValue) -> Result<JsValue, JsError> {
        let detectors: Vec<String> = from_js(detectors, "detectors")?;
        let findings: Vec<Vec<ExternalFinding>> = from_js(findings, "findings")?;
        let report = self
            .recording
            .grade(&detectors, &findings)
            .map_err(|e| error("grading", e))?;
        let rows = graded_rows(&report, detectors.len());
        to_js(&Graded {
            rows: rows.iter().map(|r| r.figures()).collect(),
            report: &report,
        })
    }

    /// The report of the lab's own detectors on the same runs (the course
    /// baseline and the lab's best per fault: its `goals`).
    #[wasm_bindgen(js_name = labReport)]
    pub fn lab_report(&self) -> Result<JsValue, JsError> {
        to_js(&self.recording.lab_report())
    }
}
