//! Importing real training logs: a wide CSV, JSON Lines, or TensorBoard's
//! scalar CSV export, read as a stream of [`Frame`]s that the detectors then
//! watch exactly as they watch a live run (see [`analyze`]).
//!
//! The [`Importer`] is fed the file in chunks and hands back the frames each
//! chunk completes, so a large file can show progress in the browser. Rows
//! that follow each other with the same step (a Lightning log writes its
//! training and validation metrics on separate rows) become one frame.
//! Metric names go through [`names::NameMap`]: common aliases
//! (`train_loss`, `eval_loss`, `total_norm`, `learning_rate`, ...) become the
//! canonical names of [`crate::metrics::names`]; unknown names are kept.

mod csv;
mod json;
mod jsonl;
pub mod names;

use serde::Serialize;

use crate::detectors::{self, Finding};
use crate::metrics::Frame;
use crate::monitor::Monitor;
use names::{NameMap, Resolver};

/// Points kept per metric of an imported log (a log is read once, and its
/// whole detail is kept: more than a live run's `run::HISTORY_CAP`).
pub const IMPORT_HISTORY_CAP: usize = 1 << 18;

/// The most bytes one import reads: 512 MiB, about ten million rows of five
/// metrics. Past it the import stops with [`ImportError::TooLarge`].
pub const MAX_INPUT_BYTES: u64 = 512 << 20;

/// The longest line read: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most distinct columns (CSV) or keys (JSON Lines) in one file.
pub const MAX_COLUMNS: usize = 512;

/// A log file's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A header, then one row per step and one column per metric.
    Csv,
    /// One JSON object per line, one key per metric.
    Jsonl,
    /// TensorBoard's scalar export: `Wall time,Step,Value`, one metric per
    /// file, named by the file.
    TensorBoard,
}

impl Format {
    /// The format a file name suggests by its extension, if any.
    pub fn from_extension(file_name: &str) -> Option<Format> {
        let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" | "tsv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Why a log could not be imported. Every message names where, by line and
/// column, when there is a where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// Nothing but blank lines.
    #[error("the file is empty")]
    Empty,
    /// A header and no data.
    #[error("the file has a header but no data rows")]
    NoRows,
    /// More than [`MAX_INPUT_BYTES`].
    #[error("the log is larger than the {} MiB limit", MAX_INPUT_BYTES >> 20)]
    TooLarge,
    /// A line longer than [`MAX_LINE_BYTES`].
    #[error("line {line} is longer than the {} KiB limit (is this a log file?)", MAX_LINE_BYTES >> 10)]
    LineTooLong {
        /// 1-based line number.
        line: usize,
    },
    /// Bytes that are not UTF-8 text.
    #[error("line {line} is not UTF-8 text (is this a log file?)")]
    NotUtf8 {
        /// 1-based line number.
        line: usize,
    },
    /// A file-level problem found on a line.
    #[error("line {line}: {reason}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Broken syntax at a line and column.
    #[error("line {line}, column {column}: {reason}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// 1-based column: the field (CSV) or the character (JSON Lines).
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// Text where a metric value should be.
    #[error("line {line}, column {column} ({name}): '{text}' is not a number")]
    NotANumber {
        /// 1-based line number.
        line: usize,
        /// 1-based column: the field (CSV) or the character (JSON Lines).
        column: usize,
        /// The column's or key's name.
        name: String,
        /// The offending text (shortened).
        text: String,
    },
    /// A nested object or array where a metric value should be.
    #[error("line {line}, column {column} ({name}): the value is {kind}, not a number (map '{name}' to '-' to skip it)")]
    NotAScalar {
        /// 1-based line number.
        line: usize,
        /// 1-based character column.
        column: usize,
        /// The key.
        name: String,
        /// "an object" or "an array".
        kind: &'static str,
    },
    /// A step that is not a whole number from 0.
    #[error(
        "line {line}, column {column} ({name}): the step '{text}' is not a whole number from 0 up"
    )]
    BadStep {
        /// 1-based line number.
        line: usize,
        /// 1-based column: the field (CSV) or the character (JSON Lines).
        column: usize,
        /// The step column's or key's name.
        name: String,
        /// The offending text (shortened).
        text: String,
    },
    /// A row without a step in a log that has steps.
    #[error("line {line}: the step ({name}) is missing")]
    MissingStep {
        /// 1-based line number.
        line: usize,
        /// The step column's or key's name.
        name: String,
    },
    /// A row whose step is below the step of the row before it.
    #[error(
        "line {line}: step {step} comes after step {previous}: the steps of a log must not go \
         back (sort the log by step, or import a resumed run's part as its own file)"
    )]
    OutOfOrder {
        /// 1-based line number.
        line: usize,
        /// The row's step.
        step: u64,
        /// The step of the row before it.
        previous: u64,
    },
    /// Two columns or keys that name the same metric.
    #[error(
        "line {line}: '{first}' and '{second}' both name the metric '{metric}': skip one \
         (map it to '-') or map it to another name"
    )]
    SameMetric {
        /// 1-based line number (the header, or the object with the second).
        line: usize,
        /// The name seen first.
        first: String,
        /// The name seen second.
        second: String,
        /// The metric both map to.
        metric: String,
    },
    /// A log whose keys are all steps or skipped.
    #[error("the log names no metric (only a step or skipped keys)")]
    NoMetric,
    /// A row with more or fewer cells than the header.
    #[error("line {line}: {found} cells, but the header names {expected} columns")]
    Ragged {
        /// 1-based line number.
        line: usize,
        /// Columns in the header.
        expected: usize,
        /// Cells in this row.
        found: usize,
    },
    /// A user mapping that cannot be used.
    #[error("mapping '{name}={target}': {reason}")]
    BadMapping {
        /// The name to map.
        name: String,
        /// What it was mapped to.
        target: String,
        /// What is wrong.
        reason: String,
    },
    /// An error inside a named file.
    #[error("{path}: {error}")]
    InFile {
        /// The file.
        path: String,
        /// What went wrong in it.
        error: Box<ImportError>,
    },
    /// A file that could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// Use after an earlier error or after `finish`.
    #[error("the import has already {0}")]
    Closed(&'static str),
}

/// How to read a log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOptions {
    /// The file's name: names the metric of a TensorBoard export, and its
    /// extension hints at the format.
    pub file_name: Option<String>,
    /// The user's own name mapping, applied before the built-in aliases.
    pub names: NameMap,
}

/// What an import read, for the user to check the mapping.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The format found, once the first line is read.
    pub format: Option<Format>,
    /// Data rows read.
    pub rows: u64,
    /// Frames produced (rows with the same step as the row before are one).
    pub frames: u64,
    /// Each metric as (name in the file, name used), in order of appearance.
    pub metrics: Vec<(String, String)>,
}

/// Collects rows into frames: a row with the same step as the one before
/// joins its frame.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sink {
    current: Option<Frame>,
    out: Vec<Frame>,
    rows: u64,
    frames: u64,
    last: Option<u64>,
}

impl Sink {
    /// Data rows seen so far: also the step of a row when a log has none.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The frame for a new row at `step` (on line `line`); a step below
    /// the row before's is refused: the detectors read a log in step order.
    pub fn row(&mut self, line: usize, step: u64) -> Result<&mut Frame, ImportError> {
        if let Some(previous) = self.last.filter(|&p| step < p) {
            return Err(ImportError::OutOfOrder {
                line,
                step,
                previous,
            });
        }
        self.last = Some(step);
        self.rows += 1;
        if self.current.as_ref().is_some_and(|f| f.step != step) {
            self.flush();
        }
        Ok(self.current.get_or_insert_with(|| Frame::new(step)))
    }

    fn flush(&mut self) {
        if let Some(frame) = self.current.take() {
            if frame.iter().next().is_some() {
                self.frames += 1;
                self.out.push(frame);
            }
        }
    }
}

#[derive(Clone, Debug)]
enum State {
    Start,
    Csv(csv::Csv),
    Jsonl(jsonl::JsonLines),
}

/// Reads a log fed in chunks of bytes; hands back frames as rows complete.
///
/// ```
/// use failure_lab::import::{ImportOptions, Importer};
/// let mut imp = Importer::new(ImportOptions::default());
/// let mut frames = imp.feed(b"step,train_loss\n0,2.3\n1,2.").unwrap();
/// frames.extend(imp.feed(b"1\n").unwrap());
/// frames.extend(imp.finish().unwrap());
/// assert_eq!(frames[1].get("loss"), Some(2.1));
/// ```
#[derive(Clone, Debug)]
pub struct Importer {
    file_name: Option<String>,
    resolver: Resolver,
    state: State,
    pending: Vec<u8>,
    line: usize,
    bytes: u64,
    sink: Sink,
    closed: Option<Result<&'static str, ImportError>>,
}

impl Importer {
    /// An importer reading with `options`.
    pub fn new(options: ImportOptions) -> Self {
        Importer {
            file_name: options.file_name,
            resolver: Resolver::new(options.names),
            state: State::Start,
            pending: Vec::new(),
            line: 0,
            bytes: 0,
            sink: Sink::default(),
            closed: None,
        }
    }

    /// Reads the next chunk; returns the frames it completed.
    ///
    /// After an error the importer stays failed: every later call returns
    /// the same error.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Frame>, ImportError> {
        self.check_open()?;
        let result = self.read(chunk);
        self.close_on_error(result)
    }

    /// [`Importer::feed`] for text.
    pub fn feed_str(&mut self, chunk: &str) -> Result<Vec<Frame>, ImportError> {
        self.feed(chunk.as_bytes())
    }

    /// Reads the last line (which may lack its newline); returns the last
    /// frames. Fails on a file without data.
    pub fn finish(&mut self) -> Result<Vec<Frame>, ImportError> {
        self.check_open()?;
        let last = std::mem::take(&mut self.pending);
        let read_last = if last.is_empty() {
            Ok(())
        } else {
            self.lines(&last)
        };
        let result = read_last.and_then(|()| {
            self.sink.flush();
            match self.state {
                State::Start => Err(ImportError::Empty),
                _ if self.sink.rows == 0 => Err(ImportError::NoRows),
                _ if self.resolver.metrics().is_empty() => Err(ImportError::NoMetric),
                _ => Ok(std::mem::take(&mut self.sink.out)),
            }
        });
        let frames = self.close_on_error(result)?;
        self.closed = Some(Ok("finished"));
        Ok(frames)
    }

    /// What has been read so far.
    pub fn summary(&self) -> Summary {
        Summary {
            format: match &self.state {
                State::Start => None,
                State::Csv(c) => Some(c.format),
                State::Jsonl(_) => Some(Format::Jsonl),
            },
            rows: self.sink.rows,
            frames: self.sink.frames,
            metrics: self.resolver.metrics(),
        }
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    fn check_open(&self) -> Result<(), ImportError> {
        match &self.closed {
            None => Ok(()),
            Some(Ok(how)) => Err(ImportError::Closed(how)),
            Some(Err(e)) => Err(e.clone()),
        }
    }

    fn close_on_error<T>(&mut self, result: Result<T, ImportError>) -> Result<T, ImportError> {
        if let Err(e) = &result {
            self.closed = Some(Err(e.clone()));
        }
        result
    }

    fn read(&mut self, mut chunk: &[u8]) -> Result<Vec<Frame>, ImportError> {
        self.bytes += chunk.len() as u64;
        if self.bytes > MAX_INPUT_BYTES {
            return Err(ImportError::TooLarge);
        }
        if !self.pending.is_empty() {
            let Some(end) = chunk.iter().position(|&b| b == b'\n') else {
                self.pending.extend_from_slice(chunk);
                return self.check_pending().map(|()| Vec::new());
            };
            let mut line = std::mem::take(&mut self.pending);
            line.extend_from_slice(&chunk[..end]);
            self.lines(&line)?;
            chunk = &chunk[end + 1..];
        }
        match chunk.iter().rposition(|&b| b == b'\n') {
            Some(end) => {
                self.lines(&chunk[..end])?;
                self.pending.extend_from_slice(&chunk[end + 1..]);
            }
            None => self.pending.extend_from_slice(chunk),
        }
        self.check_pending()?;
        Ok(std::mem::take(&mut self.sink.out))
    }

    fn check_pending(&self) -> Result<(), ImportError> {
        if self.pending.len() > MAX_LINE_BYTES {
            return Err(ImportError::LineTooLong {
                line: self.line + 1,
            });
        }
        Ok(())
    }

    /// Reads whole lines separated by `\n` (no newline at the end).
    fn lines(&mut self, block: &[u8]) -> Result<(), ImportError> {
        let text = std::str::from_utf8(block).map_err(|e| ImportError::NotUtf8 {
            line: self.line
                + 1
                + block[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
        })?;
        for line in text.split('\n') {
            self.line += 1;
            if line.len() > MAX_LINE_BYTES {
                return Err(ImportError::LineTooLong { line: self.line });
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = match self.line {
                1 => line.strip_prefix('\u{feff}').unwrap_or(line),
                _ => line,
            };
            if !line.trim().is_empty() {
                self.line_of_text(line)?;
            }
        }
        Ok(())
    }

    fn line_of_text(&mut self, text: &str) -> Result<(), ImportError> {
        let line = self.line;
        match &mut self.state {
            State::Csv(c) => c.row(line, text, &mut self.sink),
            State::Jsonl(j) => j.row(line, text, &mut self.resolver, &mut self.sink),
            State::Start => {
                let hint = self.file_name.as_deref().and_then(Format::from_extension);
                let start = text.trim_start();
                if start.starts_with('{') {
                    self.state = State::Jsonl(jsonl::JsonLines::default());
                    return self.line_of_text(text);
                }
                let reason = if start.starts_with('[') {
                    "a JSON array is not supported: write one JSON object per line (JSON Lines)"
                } else if hint == Some(Format::Jsonl) {
                    "expected a JSON object ({...}) on each line of a JSON Lines file"
                } else {
                    let file_name = self.file_name.as_deref();
                    self.state =
                        State::Csv(csv::Csv::header(line, text, file_name, &mut self.resolver)?);
                    return Ok(());
                };
                Err(ImportError::Malformed {
                    line,
                    reason: reason.into(),
                })
            }
        }
    }
}

/// A metric cell: `Some(None)` when missing (empty, `null`, `None`),
/// `Some(Some(v))` for a number (`nan`, `inf`, `-Infinity`... in any case
/// included), `None` for text that is not a number.
pub(crate) fn number(text: &str) -> Option<Option<f64>> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("none") {
        return Some(None);
    }
    t.parse::<f64>().ok().map(Some)
}

/// A step: a whole number from 0 up, written as an integer or as a float
/// (`12`, `12.0`, `1.2e1`), at most 2^53.
pub(crate) fn parse_step(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Some(n);
    }
    let v = t.parse::<f64>().ok()?;
    let whole = v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0;
    whole.then_some(v as u64)
}

/// `text` cut to 40 characters for an error message.
pub(crate) fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Reads a whole log held in memory.
pub fn parse_str(text: &str, options: &ImportOptions) -> Result<Vec<Frame>, ImportError> {
    let mut importer = Importer::new(options.clone());
    let mut frames = importer.feed_str(text)?;
    frames.extend(importer.finish()?);
    Ok(frames)
}

/// Streams the log at `path` through `on_frame`, in chunks of 1 MiB; errors
/// name the file. `options.file_name` is set from the path.
pub fn read_file(
    path: &std::path::Path,
    options: &ImportOptions,
    mut on_frame: impl FnMut(Frame),
) -> Result<Summary, ImportError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let in_file = |error| ImportError::InFile {
        path: shown.clone(),
        error: Box::new(error),
    };
    let io = |e: std::io::Error| ImportError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut importer = Importer::new(ImportOptions {
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        names: options.names.clone(),
    });
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        importer
            .feed(&buf[..n])
            .map_err(in_file)?
            .into_iter()
            .for_each(&mut on_frame);
    }
    importer
        .finish()
        .map_err(in_file)?
        .into_iter()
        .for_each(on_frame);
    Ok(importer.summary())
}

/// Reads the log at `path` into memory.
pub fn parse_file(
    path: &std::path::Path,
    options: &ImportOptions,
) -> Result<Vec<Frame>, ImportError> {
    let mut frames = Vec::new();
    read_file(path, options, |f| frames.push(f))?;
    Ok(frames)
}

/// Merges the frames of several files of one run (the files of a
/// TensorBoard export, or separate training and validation logs) into one
/// stream ordered by step. Where two files report the same metric at the
/// same step, the later file wins.
pub fn merge_by_step(runs: Vec<Vec<Frame>>) -> Vec<Frame> {
    let mut by_step: std::collections::BTreeMap<u64, Frame> = Default::default();
    for frame in runs.into_iter().flatten() {
        let merged = by_step
            .entry(frame.step)
            .or_insert_with(|| Frame::new(frame.step));
        for (name, value) in frame.iter() {
            merged.set(name, value);
        }
    }
    by_step.into_values().collect()
}

/// The monitor an imported log is watched by: every registered detector,
/// the same as a live run's.
pub fn monitor() -> Monitor {
    Monitor::new(detectors::build_all(), IMPORT_HISTORY_CAP)
}

/// Runs every detector over `frames`, in order; returns what they found.
pub fn analyze(frames: impl IntoIterator<Item = Frame>) -> Vec<Finding> {
    let mut monitor = monitor();
    for frame in frames {
        monitor.observe(&frame);
    }
    monitor.findings().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_missing_cells() {
        assert_eq!(number(" 1e-05 "), Some(Some(1e-5)));
        assert_eq!(number(""), Some(None));
        assert_eq!(number("null"), Some(None));
        assert!(number("-Infinity").unwrap().unwrap().is_infinite());
        assert!(number("NaN").unwrap().unwrap().is_nan());
        assert_eq!(number("abc"), None);
    }

    #[test]
    fn steps_are_whole_numbers() {
        assert_eq!(parse_step("12"), Some(12));
        assert_eq!(parse_step("12.0"), Some(12));
        assert_eq!(parse_step("1.5"), None);
        assert_eq!(parse_step("-1"), None);
        assert_eq!(parse_step("nan"), None);
    }

    #[test]
    fn a_line_split_across_chunks_is_read_once() {
        let mut imp = Importer::new(ImportOptions::default());
        let mut frames = Vec::new();
        for chunk in ["ste", "p,loss\n0,1", ".5\n", "1,2\n2,", "3"] {
            frames.extend(imp.feed_str(chunk).unwrap());
        }
        frames.extend(imp.finish().unwrap());
        let losses: Vec<_> = frames.iter().map(|f| f.get("loss").unwrap()).collect();
        assert_eq!(losses, [1.5, 2.0, 3.0]);
        assert_eq!(imp.summary().rows, 3);
        assert!(matches!(imp.feed_str("x"), Err(ImportError::Closed(_))));
    }
}
