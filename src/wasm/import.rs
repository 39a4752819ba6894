//! A training log imported in the browser: [`LogImport`] is fed the files in
//! chunks between animation frames and runs every detector over the metric
//! stream, exactly as over a live run.

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{error, from_js, to_js};
use crate::import::names::{NameMap, CANONICAL, SKIP, STEP};
use crate::import::{self, ImportOptions, Importer, Summary};
use crate::metrics::Frame;
use crate::monitor::Monitor;

/// The most files that make one run.
pub const MAX_FILES: u32 = 64;

/// The most rows several files together may hold: they are merged by step
/// in memory before the detectors see them (one file is streamed).
pub const MAX_MERGED_ROWS: u64 = 1_000_000;

/// What one file held.
#[derive(Serialize)]
struct FileSummary {
    name: String,
    #[serde(flatten)]
    summary: Summary,
}

/// Progress of the file being read.
#[derive(Serialize)]
struct Progress {
    bytes: f64,
    rows: u64,
    frames: u64,
}

/// One run imported from one or more log files (several files: the files
/// of a TensorBoard export, merged by step).
#[wasm_bindgen]
pub struct LogImport {
    names: NameMap,
    stream: bool,
    current: Option<(String, Importer)>,
    files: Vec<FileSummary>,
    collected: Vec<Vec<Frame>>,
    merged_rows: u64,
    monitor: Monitor,
    finished: bool,
}

impl LogImport {
    fn open(&mut self) -> Result<&mut (String, Importer), JsError> {
        self.current
            .as_mut()
            .ok_or_else(|| JsError::new("import: no file is open (call beginFile first)"))
    }

    fn take(&mut self, frames: Vec<Frame>) -> Result<(), JsError> {
        if self.stream {
            for frame in &frames {
                self.monitor.observe(frame);
            }
            return Ok(());
        }
        self.merged_rows += frames.len() as u64;
        if self.merged_rows > MAX_MERGED_ROWS {
            return Err(JsError::new(&format!(
                "several files together may hold at most {MAX_MERGED_ROWS} rows; \
                 import a large log on its own"
            )));
        }
        match self.collected.last_mut() {
            Some(file) => file.extend(frames),
            None => self.collected.push(frames),
        }
        Ok(())
    }
}

#[wasm_bindgen]
impl LogImport {
    /// An import of `files` files (1 streams; more are merged by step), with
    /// the user's `mapping` of names (an object `{name: target}`, target a
    /// canonical name, "step" or "-" to skip).
    #[wasm_bindgen(constructor)]
    pub fn new(mapping: JsValue, files: u32) -> Result<LogImport, JsError> {
        if !(1..=MAX_FILES).contains(&files) {
            return Err(error(
                "import",
                format!("choose 1 to {MAX_FILES} files for one run"),
            ));
        }
        let pairs: BTreeMap<String, String> = from_js(mapping, "name mapping")?;
        let mut names = NameMap::new();
        for (name, target) in &pairs {
            names
                .insert(name, target)
                .map_err(|e| error("name mapping", e))?;
        }
        Ok(LogImport {
            names,
            stream: files == 1,
            current: None,
            files: Vec::new(),
            collected: Vec::new(),
            merged_rows: 0,
            monitor: import::monitor(),
            finished: false,
        })
    }

    /// The names a column can be mapped to: every canonical metric (the
    /// detectors' inputs), then "step" and "-" (skip).
    pub fn targets() -> Vec<String> {
        CANONICAL
            .iter()
            .chain([STEP, SKIP].iter())
            .map(|s| s.to_string())
            .collect()
    }

    /// Starts reading the file called `name` (its name names a TensorBoard
    /// export's metric, and its extension hints at the format).
    #[wasm_bindgen(js_name = beginFile)]
    pub fn begin_file(&mut self, name: JsValue) -> Result<(), JsError> {
        let name = &super::text_arg(&name, "import: the file's name")?;
        if self.finished || self.current.is_some() {
            return Err(JsError::new(
                "import: finish the open file first (or the import is finished)",
            ));
        }
        let importer = Importer::new(ImportOptions {
            file_name: Some(name.to_string()),
            names: self.names.clone(),
        });
        if !self.stream {
            self.collected.push(Vec::new());
        }
        self.current = Some((name.to_string(), importer));
        Ok(())
    }

    /// Reads the next chunk of the open file; returns the progress
    /// `{bytes, rows, frames}`. An error names the file, line and column.
    pub fn feed(&mut self, chunk: JsValue) -> Result<JsValue, JsError> {
        let chunk = super::bytes_arg(&chunk, "import")?;
        let (name, importer) = self.open()?;
        let frames = importer.feed(&chunk).map_err(|e| error(name, e))?;
        let summary = importer.summary();
        let progress = Progress {
            bytes: importer.bytes_read() as f64,
            rows: summary.rows,
            frames: summary.frames,
        };
        self.take(frames)?;
        to_js(&progress)
    }

    /// Reads the end of the open file; returns what it held
    /// `{name, format, rows, frames, metrics: [[name in file, name used]]}`.
    #[wasm_bindgen(js_name = endFile)]
    pub fn end_file(&mut self) -> Result<JsValue, JsError> {
        let (name, mut importer) = self
            .current
            .take()
            .ok_or_else(|| JsError::new("import: no file is open"))?;
        let frames = importer.finish().map_err(|e| error(&name, e))?;
        self.take(frames)?;
        let file = FileSummary {
            name,
            summary: importer.summary(),
        };
        let out = to_js(&file);
        self.files.push(file);
        out
    }

    /// Ends the import: several files are merged by step and watched by the
    /// detectors. Returns every file's summary.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        if self.current.is_some() {
            return Err(JsError::new("import: a file is still open"));
        }
        if self.files.is_empty() {
            return Err(JsError::new("import: no file was read"));
        }
        if !self.finished && !self.stream {
            for frame in import::merge_by_step(std::mem::take(&mut self.collected)) {
                self.monitor.observe(&frame);
            }
        }
        self.finished = true;
        to_js(&self.files)
    }

    /// Names of the metrics read.
    #[wasm_bindgen(js_name = metricNames)]
    pub fn metric_names(&self) -> Vec<String> {
        super::metric_names(self.monitor.history.series())
    }

    /// Values of metric `name` (a long log keeps every other point, then
    /// every fourth..., as a live run does).
    pub fn values(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::values(self.monitor.history.series(), name)
    }

    /// Steps of metric `name`'s values.
    #[wasm_bindgen(js_name = stepsOf)]
    pub fn steps_of(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::steps_of(self.monitor.history.series(), name)
    }

    /// Every finding of the detectors over the log.
    pub fn findings(&self) -> Result<JsValue, JsError> {
        to_js(self.monitor.findings())
    }
}
