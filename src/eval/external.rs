//! Grading detectors that run outside the engine: a student's Python file
//! under `failure-lab grade` (and, later, in the page's Pyodide worker).
//!
//! A [`Recording`] runs the suite's observe runs (every case times every
//! seed, no response runs) and keeps each run's metric frames, exactly the
//! frames the built-in detectors read in [`Suite`](super::Suite), with the
//! run's truth. The outside detectors read those frames and hand back their
//! findings per run; [`Recording::grade`] turns them into firings and builds
//! the suite's own [`Report`] from them: the same scoring code, so the
//! numbers mean what they mean for the built-in detectors.
//!
//! Plain data in and out ([`RunInfo`], [`FrameOut`], [`ExternalFinding`],
//! [`Report`], all serde), so the page can drive it through wasm.

use std::io::{self, Write};
use std::sync::Arc;

use serde::{Deserialize, Serialize, Serializer};

use super::score::{Firing, Stats, Truth};
use super::{ActiveRun, BuildFn, Candidate, EvalError, Job, Progress, Report, RunRecord, Settings};
use crate::detectors::{Detector, Finding, Severity};
use crate::metrics::Frame;

/// One recorded run, as the outside grader needs to know it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunInfo {
    /// Its index among the recording's runs.
    pub index: usize,
    /// The case's label ("lr_spike", "clean/spiral", ...).
    pub case: String,
    /// The scenario's id.
    pub scenario: &'static str,
    /// The fault's id (None: a clean run).
    pub fault: Option<&'static str>,
    /// The seed.
    pub seed: u64,
    /// What is known for certain about it (onset, hard failure).
    pub truth: Truth,
    /// How many frames it recorded.
    pub frames: usize,
}

/// A frame as outside detectors read it: `{"step": 12, "metrics": {"loss": 0.7, ...}}`,
/// the metrics in the order the learner set them.
#[derive(Clone, Copy, Debug)]
pub struct FrameOut<'a>(pub &'a Frame);

impl Serialize for FrameOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Metrics<'a>(&'a Frame);
        impl Serialize for Metrics<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                for (name, value) in self.0.iter() {
                    m.serialize_entry(name, &value)?;
                }
                m.end()
            }
        }
        let mut st = s.serialize_struct("Frame", 2)?;
        st.serialize_field("step", &self.0.step)?;
        st.serialize_field("metrics", &Metrics(self.0))?;
        st.end()
    }
}

/// One finding of an outside detector: who fired, when, how loud (the
/// message and recommendation do not count for grading and may be left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExternalFinding {
    /// The detector's id (one of those graded).
    pub detector: String,
    /// The step it fired at.
    pub step: u64,
    /// "info", "warning" or "critical".
    pub severity: String,
}

impl From<&Finding> for ExternalFinding {
    fn from(f: &Finding) -> Self {
        ExternalFinding {
            detector: f.detector.clone(),
            step: f.step,
            severity: f.severity.as_str().to_string(),
        }
    }
}

/// Stands in for an outside detector in the suite's settings: the report
/// needs a candidate per detector, never builds one.
struct Outside;

impl Detector for Outside {
    fn id(&self) -> &'static str {
        "outside"
    }
    fn observe(&mut self, _: &Frame) -> Option<Finding> {
        None
    }
    fn reset(&mut self) {}
}

/// One row of the grade: an outside detector (or all of a file's, taken as
/// one: "(all)") on one fault, with the figures `failure-lab grade` prints.
#[derive(Clone, Debug, PartialEq)]
pub struct GradedRow {
    /// The fault's id.
    pub fault: String,
    /// The detector's id, or "(all)".
    pub detector: String,
    /// Its numbers.
    pub stats: Stats,
}

/// A [`GradedRow`]'s figures as `failure-lab grade --format json` prints
/// them (and the page shows them).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradedFigures<'a> {
    /// The fault's id.
    pub fault: &'a str,
    /// The detector's id, or "(all)".
    pub detector: &'a str,
    /// Recall.
    pub recall: Option<f64>,
    /// False-alarm rate on the scenario's clean runs.
    pub false_alarm_rate: Option<f64>,
    /// Median steps from the first in-time warning to the failure.
    pub median_lead_steps: Option<f64>,
    /// Median steps from the onset to the first in-time warning.
    pub median_delay_steps: Option<f64>,
    /// Precision.
    pub precision: Option<f64>,
    /// Faulty runs.
    pub runs: usize,
    /// Clean runs compared against.
    pub clean_runs: usize,
}

impl GradedRow {
    /// Its figures, by name.
    pub fn figures(&self) -> GradedFigures<'_> {
        let s = &self.stats;
        GradedFigures {
            fault: &self.fault,
            detector: &self.detector,
            recall: s.recall,
            false_alarm_rate: s.false_alarm_rate,
            median_lead_steps: s.lead.map(|l| l.median),
            median_delay_steps: s.delay.map(|l| l.median),
            precision: s.precision,
            runs: s.runs,
            clean_runs: s.clean_runs,
        }
    }
}

/// The rows of a graded report of `detectors` outside detectors: per fault,
/// each detector's row, then (with more than one) all of them as one,
/// "(all)".
pub fn graded_rows(report: &Report, detectors: usize) -> Vec<GradedRow> {
    let mut rows = Vec::new();
    for goal in &report.goals {
        for r in report.detection.iter().filter(|r| r.case == goal.case) {
            rows.push(GradedRow {
                fault: r.fault.to_string(),
                detector: r.detector.clone(),
                stats: r.stats.clone(),
            });
        }
        if let (true, Some(lab)) = (detectors > 1, &goal.lab) {
            rows.push(GradedRow {
                fault: goal.fault.to_string(),
                detector: "(all)".into(),
                stats: lab.clone(),
            });
        }
    }
    rows
}

/// The suite's observe runs with their frames, and the firings of the
/// settings' own detectors on them (the lab's, by default: what the outside
/// detectors are compared with, [`Recording::lab_report`]).
pub struct Recording {
    settings: Settings,
    slots: Vec<BuildFn>,
    jobs: Vec<Job>,
    records: Vec<Option<(RunRecord, Vec<Frame>)>>,
}

impl Recording {
    /// The runs of `settings`' cases times its seeds, not yet run (its
    /// detectors, sweeps and response are ignored: nothing but the frames
    /// and the truth is kept).
    pub fn new(mut settings: Settings) -> Result<Recording, EvalError> {
        settings.respond = None;
        settings.sweeps = Vec::new();
        settings.validate()?;
        let seeds = settings.first_seed..settings.first_seed + settings.seeds;
        let jobs: Vec<Job> = (0..settings.cases.len())
            .flat_map(|case| {
                seeds.clone().map(move |seed| Job {
                    case,
                    seed,
                    respond: false,
                })
            })
            .collect();
        Ok(Recording {
            records: vec![None; jobs.len()],
            slots: settings.detectors.iter().map(|d| d.build.clone()).collect(),
            jobs,
            settings,
        })
    }

    /// The settings (cases, seeds) recorded.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs recorded so far, out of all.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.records.iter().filter(|r| r.is_some()).count(),
            total: self.jobs.len(),
        }
    }

    fn record(&self, index: usize) -> Result<(RunRecord, Vec<Frame>), EvalError> {
        let mut active = ActiveRun::start(self.jobs[index], &self.settings, &self.slots)?;
        active.frames = Some(Vec::new());
        active.advance(u64::MAX);
        let frames = active.frames.take().unwrap_or_default();
        Ok((active.finish(), frames))
    }

    /// Records run `index` if it is not yet recorded (the page shares a
    /// suite's runs among several workers this way).
    pub fn record_at(&mut self, index: usize) -> Result<Progress, EvalError> {
        if matches!(self.records.get(index), Some(None)) {
            self.records[index] = Some(self.record(index)?);
        }
        Ok(self.progress())
    }

    /// The record of run `index` (None: not recorded here), to hand to
    /// another recording of the same settings ([`Recording::adopt`]).
    pub fn record_of(&self, index: usize) -> Option<&RunRecord> {
        self.records.get(index)?.as_ref().map(|(r, _)| r)
    }

    /// Takes in run `index`'s record from another recording of the same
    /// settings (without its frames).
    pub fn adopt(&mut self, index: usize, record: RunRecord) -> Result<(), EvalError> {
        let slots = self.slots.len();
        match self.records.get_mut(index) {
            Some(slot) if record.firings.len() == slots => {
                *slot = Some((record, Vec::new()));
                Ok(())
            }
            Some(_) => Err(EvalError::Setting(format!(
                "run {index}: a record of {} detectors, not {slots}",
                record.firings.len()
            ))),
            None => Err(EvalError::Setting(format!(
                "run {index}: there are {} runs",
                self.records.len()
            ))),
        }
    }

    /// The run at `index` as [`Recording::runs`] describes it (recorded or not).
    pub fn run_info(&self, index: usize) -> Option<RunInfo> {
        let job = self.jobs.get(index)?;
        let case = &self.settings.cases[job.case];
        let record = self.records[index].as_ref();
        Some(RunInfo {
            index,
            case: case.label.clone(),
            scenario: case.scenario,
            fault: case.fault,
            seed: job.seed,
            truth: record.map(|(r, _)| r.truth).unwrap_or_default(),
            frames: record.map_or(0, |(_, f)| f.len()),
        })
    }

    /// Records the next run not yet recorded (a time slice for the browser).
    pub fn step_run(&mut self) -> Result<Progress, EvalError> {
        if let Some(index) = self.records.iter().position(|r| r.is_none()) {
            self.records[index] = Some(self.record(index)?);
        }
        Ok(self.progress())
    }

    /// Records every run left on `threads` threads, calling `on_progress`
    /// after each. The frames do not depend on the thread count.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_parallel(
        mut self,
        threads: usize,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<Recording, EvalError> {
        let pending: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| self.records[i].is_none())
            .collect();
        let mut done = self.progress().done;
        let total = self.jobs.len();
        let mut results = Vec::new();
        super::on_threads(
            &pending,
            threads,
            |index| self.record(index),
            |index, r| {
                results.push((index, r));
                done += 1;
                on_progress(Progress { done, total });
            },
        )?;
        for (index, r) in results {
            self.records[index] = Some(r);
        }
        Ok(self)
    }

    /// The recorded runs, in order (only those finished).
    pub fn runs(&self) -> Vec<RunInfo> {
        (0..self.jobs.len())
            .filter(|&i| self.records[i].is_some())
            .filter_map(|i| self.run_info(i))
            .collect()
    }

    /// The frames of run `index` (empty when it is not recorded).
    pub fn frames(&self, index: usize) -> &[Frame] {
        self.records
            .get(index)
            .and_then(|r| r.as_ref())
            .map_or(&[], |(_, f)| f.as_slice())
    }

    /// Drops the frames of run `index` (its record stays, for grading): the
    /// page hands a run to Python once and need not keep it.
    pub fn forget_frames(&mut self, index: usize) {
        if let Some(Some((_, frames))) = self.records.get_mut(index) {
            *frames = Vec::new();
        }
    }

    /// Run `index` as [`Recording::write_python_json`] writes it, as text.
    pub fn python_json(&self, index: usize) -> String {
        let mut out = Vec::new();
        // Writing to a Vec fails only on a serde_json error over a metric
        // name, which cannot happen for a &str.
        let _ = self.write_python_json(index, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The suite's report for the settings' own detectors (the lab's, with
    /// the course baseline among them) on the runs recorded so far: the
    /// figures the outside detectors are set beside.
    pub fn lab_report(&self) -> Report {
        let records: Vec<Option<RunRecord>> = self
            .records
            .iter()
            .map(|r| r.as_ref().map(|(record, _)| record.clone()))
            .collect();
        Report::build(&self.settings, &self.jobs, &records)
    }

    /// Writes run `index` as one JSON line, `{"run": index, "frames": [...]}`
    /// (frames as [`FrameOut`]), with non-finite values as Python's `json`
    /// reads them (`NaN`, `Infinity`, `-Infinity`; JSON itself has none).
    pub fn write_python_json(&self, index: usize, w: &mut impl Write) -> io::Result<()> {
        write!(w, "{{\"run\":{index},\"frames\":[")?;
        for (i, frame) in self.frames(index).iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            write!(w, "{{\"step\":{},\"metrics\":{{", frame.step)?;
            for (j, (name, v)) in frame.iter().enumerate() {
                if j > 0 {
                    w.write_all(b",")?;
                }
                let name = serde_json::to_string(name).map_err(io::Error::other)?;
                match v {
                    v if v.is_nan() => write!(w, "{name}:NaN")?,
                    v if v == f64::INFINITY => write!(w, "{name}:Infinity")?,
                    v if v == f64::NEG_INFINITY => write!(w, "{name}:-Infinity")?,
                    // Debug prints the shortest form that reads back as the same
                    // f64, with an exponent for very large or small values.
                    v => write!(w, "{name}:{v:?}")?,
                }
            }
            w.write_all(b"}}")?;
        }
        w.write_all(b"]}\n")
    }

    /// The suite's report for outside detectors `detectors` (ids, in the
    /// order to list them) from their findings, `findings[i]` being those
    /// on run `i` of [`Recording::runs`]' indices (one list per recorded
    /// run, in order). Findings below the suite's minimum severity count as
    /// they do for the built-in detectors: not at all.
    pub fn grade(
        &self,
        detectors: &[String],
        findings: &[Vec<ExternalFinding>],
    ) -> Result<Report, EvalError> {
        let bad = |m: String| Err(EvalError::Setting(m));
        let finished: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| self.records[i].is_some())
            .collect();
        if findings.len() != finished.len() {
            return bad(format!(
                "findings for {} runs, but {} runs were recorded",
                findings.len(),
                finished.len()
            ));
        }
        if detectors.is_empty() {
            return bad("no detector to grade".into());
        }
        let mut settings = self.settings.clone();
        settings.detectors = detectors
            .iter()
            .map(|id| Candidate {
                id: id.clone(),
                baseline: false,
                build: Arc::new(|| Box::new(Outside) as Box<dyn Detector>),
            })
            .collect();
        let mut records: Vec<Option<RunRecord>> = vec![None; self.jobs.len()];
        for (&index, found) in finished.iter().zip(findings) {
            let Some((record, _)) = &self.records[index] else {
                continue;
            };
            let mut firings = vec![Vec::new(); detectors.len()];
            for f in found {
                let Some(slot) = detectors.iter().position(|d| *d == f.detector) else {
                    return bad(format!("run {index}: unknown detector {:?}", f.detector));
                };
                let Some(severity) = Severity::parse(&f.severity) else {
                    return bad(format!(
                        "run {index}: severity must be info, warning or critical, not {:?}",
                        f.severity
                    ));
                };
                firings[slot].push(Firing {
                    step: f.step,
                    severity,
                });
            }
            records[index] = Some(RunRecord {
                firings,
                ..record.clone()
            });
        }
        Ok(Report::build(&settings, &self.jobs, &records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_written_as_python_reads_them() {
        let mut settings = Settings {
            seeds: 1,
            ..Settings::default()
        };
        settings.cases.retain(|c| c.label == "clean/xor");
        for c in &mut settings.cases {
            c.steps = 3;
        }
        let rec = Recording::new(settings)
            .unwrap()
            .run_parallel(1, |_| {})
            .unwrap();
        assert_eq!(rec.runs().len(), 1);
        assert_eq!(rec.frames(0).len(), 3);
        let mut out = Vec::new();
        rec.write_python_json(0, &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.starts_with("{\"run\":0,\"frames\":[{\"step\":"),
            "{line}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["frames"].as_array().unwrap().len(), 3);
        let f = Frame::new(7)
            .with("a", f64::NAN)
            .with("b", f64::NEG_INFINITY)
            .with("c", 1e-300);
        assert_eq!(
            serde_json::to_string(&FrameOut(&f)).unwrap(),
            "{\"step\":7,\"metrics\":{\"a\":null,\"b\":null,\"c\":1e-300}}"
        );
    }
}
