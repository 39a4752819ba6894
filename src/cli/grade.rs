//! `failure-lab grade`: grades detectors written in Python with the
//! evaluation suite, each file in its own `python3` process.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::eval::external::{self, ExternalFinding, GradedRow, Recording, RunInfo};
use crate::eval::format::Table;

use super::number_in;

/// The harness each file runs under, and the helper module detectors import.
const HARNESS: &str = include_str!("../../www/py/grade_harness.py");
const FAILURE_LAB_PY: &str = include_str!("../../www/py/failure_lab.py");

/// Seconds a file has past its time limit to answer before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Grade Python detector files on every fault and seed
///
/// Runs the evaluation suite's runs natively (every fault of every
/// scenario and the clean runs, once per seed), then, for each FILE, runs
/// its detectors (Python classes with observe(self, step, metrics), see
/// www/py/failure_lab.py) over every run's metric frames and grades their
/// findings with the suite's own scoring: per fault and detector, recall,
/// false-alarm rate and median lead time, the numbers `failure-lab eval`
/// gives the built-in detectors. Findings below warning do not count.
/// A file that does not parse, raises, returns a bad value, runs out of
/// time or memory is a row with its error; the other files are graded.
///
/// Isolation: each file runs in its own `python3 -I` process, with an empty
/// temporary working directory, a minimal environment, a wall-time limit
/// (--timeout) and an address-space limit (--memory, `ulimit -v`). This is
/// NOT a sandbox: a file can still read and write your files, start
/// processes and use the network. Grade only code you would run yourself,
/// or run this in a container or VM.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Python files of detectors
    #[arg(value_name = "FILE.py", required = true)]
    pub files: Vec<PathBuf>,
    /// Seeds per case, from 1 to 10000
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = number_in(1u64..=10_000))]
    pub seeds: u64,
    /// The first seed: the suite uses seeds FIRST..FIRST+N
    #[arg(long, value_name = "FIRST", default_value_t = 1, value_parser = number_in(0u64..=1_000_000_000))]
    pub first_seed: u64,
    /// Only this fault's cases (and the clean ones), e.g. lr_spike
    #[arg(long, value_name = "ID")]
    pub fault: Option<String>,
    /// How to print the rows
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
    /// Wall-time limit per file, in seconds, for all its runs (1 to 3600)
    ///
    /// The reference solutions take 20 to 60 s each on the default suite
    /// (20 seeds) on a loaded 2-core machine.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = number_in(1u64..=3600), verbatim_doc_comment)]
    pub timeout: u64,
    /// Address-space limit per file, in MiB (64 to 65536)
    #[arg(long, value_name = "MIB", default_value_t = 2048, value_parser = number_in(64u64..=65_536))]
    pub memory: u64,
    /// Worker threads for the runs, and files graded at once, from 1 to 64
    /// [default: the cores, at most 2]
    #[arg(long, value_name = "N", value_parser = number_in(1usize..=64))]
    pub threads: Option<usize>,
    /// The Python interpreter
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: String,
}

/// How to print the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables.
    Table,
    /// One JSON object per line.
    Json,
    /// CSV.
    Csv,
}

/// One graded row, or a file's error.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The file as given.
    pub file: String,
    /// The fault, the detector and its numbers; None for an error row.
    pub graded: Option<GradedRow>,
    /// What went wrong with the file.
    pub error: Option<String>,
}

impl Row {
    fn json(&self) -> Value {
        let mut v = match &self.graded {
            Some(g) => serde_json::to_value(g.figures()).unwrap_or(Value::Null),
            None => json!({
                "fault": null, "detector": null, "recall": null, "false_alarm_rate": null,
                "median_lead_steps": null, "median_delay_steps": null, "precision": null,
                "runs": null, "clean_runs": null,
            }),
        };
        if let Some(o) = v.as_object_mut() {
            o.insert("file".into(), json!(self.file));
            o.insert("error".into(), json!(self.error));
        }
        v
    }
}

/// What one file's process answered: its detectors and their findings per run.
type Answer = (Vec<String>, Vec<Vec<ExternalFinding>>);

/// The scratch directory: removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("failure-lab-grade-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `failure-lab grade`: progress on stderr, rows on stdout.
pub fn run(o: Args) -> Result<(), String> {
    let (settings, threads) =
        super::eval::suite_setup(o.seeds, o.first_seed, o.fault.as_deref(), o.threads)?;
    let start = Instant::now();
    let mut err = std::io::stderr();
    let live = err.is_terminal();
    let recording = Recording::new(settings)
        .map_err(|e| e.to_string())?
        .run_parallel(threads, |p| {
            if live {
                let _ = write!(err, "\rgrade: {}/{} runs", p.done, p.total);
            }
        })
        .map_err(|e| e.to_string())?;
    let runs = recording.runs().len();
    let _ = writeln!(
        err,
        "{}grade: {runs} runs recorded in {:.1} s",
        if live { "\r" } else { "" },
        start.elapsed().as_secs_f64()
    );
    let rows = grade_files(&recording, &o, threads)?;
    let _ = writeln!(
        err,
        "grade: {} file(s) graded in {:.1} s in all",
        o.files.len(),
        start.elapsed().as_secs_f64()
    );
    print!("{}", render(&rows, o.format));
    Ok(())
}

/// Grades every file of `o` on the recorded runs, `threads` files at once.
pub fn grade_files(recording: &Recording, o: &Args, threads: usize) -> Result<Vec<Row>, String> {
    let scratch = Scratch::new()?;
    let lib = scratch.0.join("lib");
    std::fs::create_dir(&lib).map_err(|e| e.to_string())?;
    std::fs::write(lib.join("failure_lab.py"), FAILURE_LAB_PY).map_err(|e| e.to_string())?;
    std::fs::write(lib.join("grade_harness.py"), HARNESS).map_err(|e| e.to_string())?;
    let runs = recording.runs();
    let frames = scratch.0.join("frames.jsonl");
    {
        let file = std::fs::File::create(&frames).map_err(|e| e.to_string())?;
        let mut w = BufWriter::new(file);
        for run in &runs {
            recording
                .write_python_json(run.index, &mut w)
                .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![None; o.files.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, o.files.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(file) = o.files.get(i) else { break };
                let work = scratch.0.join(format!("work-{i}"));
                let answer = std::fs::create_dir(&work)
                    .map_err(|e| e.to_string())
                    .and_then(|()| run_file(file, (&lib, &frames, &work), &runs, o));
                let rows = rows_of(recording, file, answer);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(rows);
                }
            });
        }
    });
    let results = results.into_inner().map_err(|e| e.to_string())?;
    Ok(results.into_iter().flatten().flatten().collect())
}

/// The rows of one file: its error, or its detectors' rows per fault (and,
/// with several detectors, the file's detectors taken as one, "(all)").
fn rows_of(recording: &Recording, file: &Path, answer: Result<Answer, String>) -> Vec<Row> {
    let name = file.display().to_string();
    let error = |e: String| {
        vec![Row {
            file: name.clone(),
            graded: None,
            error: Some(e),
        }]
    };
    let (detectors, findings) = match answer {
        Ok(a) => a,
        Err(e) => return error(e),
    };
    let report = match recording.grade(&detectors, &findings) {
        Ok(r) => r,
        Err(e) => return error(e.to_string()),
    };
    external::graded_rows(&report, detectors.len())
        .into_iter()
        .map(|g| Row {
            file: name.clone(),
            graded: Some(g),
            error: None,
        })
        .collect()
}

/// Runs the harness on one file in its own process under the limits.
fn run_file(
    file: &Path,
    (lib, frames, work): (&Path, &Path, &Path),
    runs: &[RunInfo],
    o: &Args,
) -> Result<Answer, String> {
    let path = std::fs::canonicalize(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
        .arg("sh")
        .arg((o.memory * 1024).to_string())
        .arg(&o.python)
        .arg("-I")
        .arg(lib.join("grade_harness.py"))
        .arg(&path)
        .arg(frames)
        .arg("--timeout")
        .arg(o.timeout.to_string())
        .current_dir(work)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", work)
        .env("TMPDIR", work)
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", o.python))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || read_answer(stdout));
    let tail = std::thread::spawn(move || {
        // Keep the last few KiB of what the file printed, for a crash's message.
        let mut tail = Vec::new();
        if let Some(mut s) = stderr {
            let mut buf = [0u8; 8192];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                let cut = tail.len().saturating_sub(4096);
                tail.drain(..cut);
            }
        }
        String::from_utf8_lossy(&tail).trim().to_string()
    });
    let deadline = Instant::now() + Duration::from_secs(o.timeout) + GRACE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let answer = reader.join().map_err(|_| "the reader failed".to_string())?;
    let tail = tail.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(format!(
            "timeout: killed after {} s (the time limit is {} s)",
            (Duration::from_secs(o.timeout) + GRACE).as_secs(),
            o.timeout
        ));
    };
    let (detectors, findings, done, error) = answer?;
    if let Some(e) = error {
        return Err(error_message(&e, runs));
    }
    let runs = findings.len();
    match (detectors, done) {
        (Some(d), true) => Ok((d, findings)),
        _ => {
            let last = tail.lines().last().unwrap_or("no message");
            Err(format!(
                "{} stopped after {runs} runs ({status}): {last}",
                o.python
            ))
        }
    }
}

/// The harness's answer: detectors, findings per run, whether it finished,
/// and its error message.
type Answered = (
    Option<Vec<String>>,
    Vec<Vec<ExternalFinding>>,
    bool,
    Option<Value>,
);

fn read_answer(stdout: Option<std::process::ChildStdout>) -> Result<Answered, String> {
    let mut detectors = None;
    let mut findings = Vec::new();
    let (mut done, mut error) = (false, None);
    let Some(stdout) = stdout else {
        return Err("no output".into());
    };
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let v: Value =
            serde_json::from_str(&line).map_err(|e| format!("unreadable answer: {e}"))?;
        if let Some(d) = v.get("detectors") {
            detectors = Some(serde_json::from_value(d.clone()).map_err(|e| e.to_string())?);
        } else if let Some(f) = v.get("findings") {
            findings.push(serde_json::from_value(f.clone()).map_err(|e| e.to_string())?);
        } else if v.get("done").is_some() {
            done = true;
        } else if let Some(e) = v.get("error") {
            error = Some(e.clone());
        }
    }
    Ok((detectors, findings, done, error))
}

/// "kind: message (run N: case, seed S)" from the harness's error object.
fn error_message(e: &Value, runs: &[RunInfo]) -> String {
    let kind = e["kind"].as_str().unwrap_or("error");
    let message = e["message"].as_str().unwrap_or("");
    let mut out = format!("{kind}: {message}");
    if let Some(run) = e["run"].as_u64() {
        match runs.iter().find(|r| r.index as u64 == run) {
            Some(r) => out += &format!(" (run {run}: {}, seed {})", r.case, r.seed),
            None => out += &format!(" (run {run})"),
        }
    }
    if let Some(tb) = e["traceback"].as_str().filter(|_| kind == "exception") {
        out += &format!("\n{}", tb.trim_end());
    }
    out
}

fn rate(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.2}"))
}

fn steps(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v}"))
}

/// The rows as `format` prints them.
pub fn render(rows: &[Row], format: Format) -> String {
    if format == Format::Json {
        return rows.iter().map(|r| r.json().to_string() + "\n").collect();
    }
    let mut table = Table {
        title: "Detection per file, fault and detector (findings at warning or above)".into(),
        headers: [
            "file",
            "fault",
            "detector",
            "recall",
            "false_alarm_rate",
            "median_lead_steps",
            "median_delay_steps",
            "error",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for r in rows {
        let (fault, detector, s) = match &r.graded {
            Some(g) => (g.fault.clone(), g.detector.clone(), Some(&g.stats)),
            None => ("-".into(), "-".into(), None),
        };
        let error = r.error.as_deref().unwrap_or("");
        let error = match format {
            Format::Table => error.lines().next().unwrap_or("").to_string(),
            _ => error.to_string(),
        };
        table.rows.push(vec![
            r.file.clone(),
            fault,
            detector,
            rate(s.and_then(|s| s.recall)),
            rate(s.and_then(|s| s.false_alarm_rate)),
            steps(s.and_then(|s| s.lead.map(|l| l.median))),
            steps(s.and_then(|s| s.delay.map(|l| l.median))),
            error,
        ]);
    }
    match format {
        Format::Csv => table.csv(),
        _ => table.text(),
    }
}
