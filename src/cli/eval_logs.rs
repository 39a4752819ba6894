//! `failure-lab eval-logs CORPUS`: runs `detect` over every log of a corpus
//! with ground truth (`CORPUS/manifest.json`, as `corpus/make_corpus.py`
//! writes it) and scores the findings with the suite's own scoring
//! ([`crate::eval::score`]): recall, false alarms on the clean logs and delay
//! per failure class, for the lab's detectors and the course baseline, on
//! each part of the corpus, each log read as written and again with its
//! learning-rate column removed.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::detectors::{self, Finding, Severity};
use crate::eval::score::{self, Firing, Stats, Truth};
use crate::import::{self, ImportOptions};
use crate::metrics::{names, Frame};

/// Score the detectors on a corpus of training logs with ground truth
///
/// Reads CORPUS/manifest.json (one entry per log: its part, failure class,
/// onset step, hard-failure step, and its files), runs every detector over
/// each log as `failure-lab detect` does, and scores the findings as the
/// evaluation suite does: recall (caught at or after the onset, before the
/// hard failure), false alarms on the part's clean logs, and the delay from
/// the onset, per failure class, for the lab (every detector) and the course
/// baseline. Each log is read twice: as written, and with its learning-rate
/// column removed (the same diagnosis is expected). corpus/README.md tells
/// how the committed corpus was made.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Exit code 0 when the corpus was read, 2 on a bad manifest or log."
)]
pub struct Args {
    /// The corpus directory (with manifest.json)
    #[arg(value_name = "CORPUS")]
    pub corpus: PathBuf,
    /// How to print the scores
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
    pub format: Format,
}

/// How to print the scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table.
    Text,
    /// One CSV table.
    Csv,
    /// One JSON object per line.
    Json,
}

/// One log of a corpus and what is known about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The log's name.
    pub name: String,
    /// The part of the corpus: "tuning" or "held_out".
    pub part: String,
    /// The failure class, or "clean".
    pub class: String,
    /// Its ground truth.
    pub truth: Truth,
    /// Its files (one, or the files of a TensorBoard export).
    pub files: Vec<PathBuf>,
}

/// The class of the clean logs.
pub const CLEAN: &str = "clean";

/// The two readings of each log.
pub const READINGS: [&str; 2] = ["as written", "without lr"];

/// Reads `dir/manifest.json`.
pub fn manifest(dir: &Path) -> Result<Vec<Entry>, String> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let root: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let logs = root["logs"]
        .as_array()
        .ok_or_else(|| format!("{}: no \"logs\" list", path.display()))?;
    logs.iter()
        .enumerate()
        .map(|(i, log)| {
            let text = |key: &str| {
                log[key]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{}: log {i}: no string \"{key}\"", path.display()))
            };
            let class = text("class")?;
            let files = log["files"]
                .as_array()
                .filter(|f| !f.is_empty())
                .ok_or_else(|| format!("{}: log {i}: no \"files\"", path.display()))?
                .iter()
                .map(|f| f.as_str().map(|f| dir.join(f)))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("{}: log {i}: a file is not a string", path.display()))?;
            let (onset, hard) = (log["onset"].as_u64(), log["hard_failure"].as_u64());
            Ok(Entry {
                name: text("name")?,
                part: text("part")?,
                truth: if class == CLEAN {
                    Truth::clean(hard)
                } else {
                    Truth::faulty(onset, hard)
                },
                class,
                files,
            })
        })
        .collect()
}

/// Reads a log's files into one stream of frames, as `detect` does.
pub fn read_log(entry: &Entry) -> Result<Vec<Frame>, String> {
    let runs = entry
        .files
        .iter()
        .map(|f| import::parse_file(f, &ImportOptions::default()).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(import::merge_by_step(runs))
}

/// The same frames without the learning rate.
pub fn without_lr(frames: &[Frame]) -> Vec<Frame> {
    frames
        .iter()
        .map(|f| {
            let mut out = Frame::new(f.step);
            for (name, v) in f.iter().filter(|(n, _)| *n != names::LR) {
                out.set(name, v);
            }
            out
        })
        .collect()
}

/// The firings of the findings of the detectors `keep` admits, merged as
/// one system's.
fn firings(findings: &[Finding], keep: impl Fn(&str) -> bool) -> Vec<Firing> {
    let mine: Vec<Firing> = findings
        .iter()
        .filter(|f| keep(&f.detector))
        .map(Firing::from)
        .collect();
    score::merge(&[&mine])
}

/// The systems scored: the lab (every detector) and the course baseline.
pub const SYSTEMS: [&str; 2] = ["lab", "baseline"];

fn in_system(system: &str, detector: &str) -> bool {
    system == "lab" || detectors::info(detector).is_some_and(|d| d.course_baseline)
}

/// One row of the scores: a part, a reading, a failure class and a system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// "tuning" or "held_out".
    pub part: String,
    /// "as written" or "without lr".
    pub reading: String,
    /// The failure class.
    pub class: String,
    /// "lab" or "baseline".
    pub system: String,
    /// The suite's numbers ([`score::aggregate`]) on the class's logs
    /// against the part's clean logs.
    pub stats: Stats,
    /// Which detectors fired first in time on the caught logs, with counts.
    pub caught_by: Vec<(String, usize)>,
}

/// One log read one way: its findings.
struct Read {
    entry: usize,
    reading: usize,
    findings: Vec<Finding>,
}

/// Scores every log of the corpus in `dir`: one row per part, reading,
/// failure class and system, in that order (parts and classes in the
/// manifest's order).
pub fn score_corpus(dir: &Path) -> Result<Vec<Row>, String> {
    let entries = manifest(dir)?;
    let mut reads = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let frames = read_log(e).map_err(|err| format!("{}: {err}", e.name))?;
        reads.push(Read {
            entry: i,
            reading: 0,
            findings: import::analyze(frames.iter().cloned()),
        });
        reads.push(Read {
            entry: i,
            reading: 1,
            findings: import::analyze(without_lr(&frames)),
        });
    }
    let mut parts: Vec<&str> = Vec::new();
    let mut classes: Vec<&str> = Vec::new();
    for e in &entries {
        if !parts.contains(&e.part.as_str()) {
            parts.push(&e.part);
        }
        if e.class != CLEAN && !classes.contains(&e.class.as_str()) {
            classes.push(&e.class);
        }
    }
    let mut rows = Vec::new();
    for part in &parts {
        for (r, reading) in READINGS.iter().enumerate() {
            for system in SYSTEMS {
                let scored = |class: &str| -> Vec<(score::RunScore, &Read)> {
                    reads
                        .iter()
                        .filter(|x| x.reading == r)
                        .filter(|x| {
                            entries[x.entry].part == *part && entries[x.entry].class == class
                        })
                        .map(|x| {
                            let fired = firings(&x.findings, |d| in_system(system, d));
                            (
                                score::score_run(
                                    &entries[x.entry].truth,
                                    &fired,
                                    Severity::Warning,
                                ),
                                x,
                            )
                        })
                        .collect()
                };
                let clean: Vec<score::RunScore> = scored(CLEAN).into_iter().map(|s| s.0).collect();
                for class in &classes {
                    let faulty = scored(class);
                    let mut caught_by: Vec<(String, usize)> = Vec::new();
                    for (s, x) in &faulty {
                        let Some(at) = s.caught_at else { continue };
                        let first = x
                            .findings
                            .iter()
                            .filter(|f| f.step == at && f.severity >= Severity::Warning)
                            .find(|f| in_system(system, &f.detector));
                        if let Some(f) = first {
                            match caught_by.iter_mut().find(|(d, _)| *d == f.detector) {
                                Some((_, n)) => *n += 1,
                                None => caught_by.push((f.detector.clone(), 1)),
                            }
                        }
                    }
                    caught_by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    let runs: Vec<score::RunScore> = faulty.iter().map(|s| s.0).collect();
                    rows.push(Row {
                        part: part.to_string(),
                        reading: reading.to_string(),
                        class: class.to_string(),
                        system: system.to_string(),
                        stats: score::aggregate(&runs, &clean),
                        caught_by,
                    });
                }
            }
        }
    }
    Ok(rows)
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |x| format!("{x:.2}"))
}

fn delay(s: &Stats) -> String {
    s.delay.map_or("-".to_string(), |d| format!("{}", d.median))
}

fn caught(row: &Row) -> String {
    row.caught_by
        .iter()
        .map(|(d, n)| format!("{d} {n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The header of the CSV table.
pub const CSV_HEADER: &str = "part,reading,class,system,logs,recall,false_alarm_rate,clean_logs,median_delay_steps,caught_first_by";

/// A row's cells, in the CSV header's order.
fn cells(row: &Row) -> [String; 10] {
    let s = &row.stats;
    [
        row.part.clone(),
        row.reading.clone(),
        row.class.clone(),
        row.system.clone(),
        s.runs.to_string(),
        num(s.recall),
        num(s.false_alarm_rate),
        s.clean_runs.to_string(),
        delay(s),
        caught(row),
    ]
}

/// One row as a CSV line.
pub fn csv_line(row: &Row) -> String {
    cells(row).join(",")
}

/// Runs `failure-lab eval-logs`.
pub fn run(args: Args) -> Result<(), String> {
    let rows = score_corpus(&args.corpus)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut lines = Vec::new();
    match args.format {
        Format::Csv => {
            lines.push(CSV_HEADER.to_string());
            lines.extend(rows.iter().map(csv_line));
        }
        Format::Json => {
            for row in &rows {
                lines.push(serde_json::to_string(row).map_err(|e| e.to_string())?);
            }
        }
        Format::Text => {
            lines.push(format!(
                "{:<9} {:<11} {:<15} {:<9} {:>5} {:>7} {:>12} {:>6}  caught first by",
                "part", "reading", "class", "system", "logs", "recall", "false alarms", "delay"
            ));
            for row in &rows {
                let c = cells(row);
                let s = &row.stats;
                let alarms = format!(
                    "{}/{}",
                    (s.false_alarm_rate.unwrap_or(0.0) * s.clean_runs as f64).round(),
                    c[7]
                );
                lines.push(format!(
                    "{:<9} {:<11} {:<15} {:<9} {:>5} {:>7} {:>12} {:>6}  {}",
                    c[0], c[1], c[2], c[3], c[4], c[5], alarms, c[8], c[9]
                ));
            }
        }
    }
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return Ok(());
        }
    }
    let _ = out.flush();
    Ok(())
}
