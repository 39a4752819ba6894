//! `failure-lab detect LOG...`: runs every detector over a real training log
//! and prints the findings as JSON Lines, one finding per line.

use std::io::Write;
use std::path::Path;

use crate::import::names::{NameMap, CANONICAL};
use crate::import::{self, ImportError, ImportOptions, Summary};

/// Run every detector over a training log; print the findings as JSON Lines
///
/// Prints each finding as one JSON object per line on stdout (detector,
/// step, severity, message, recommendation), and on stderr what was read
/// and how each column was named.
///
/// LOG is a wide CSV (a step column and one column per metric), a JSON
/// Lines file (one object per step), or the files of a TensorBoard scalar
/// export (Wall time,Step,Value; one file per metric), merged by step.
/// docs/logging.md tells how to log a run so that it can be read.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Exit code 0 when the log was read (with or without findings), 2 on bad input."
)]
pub struct Args {
    /// Read column NAME as the canonical metric CANONICAL (repeatable)
    ///
    /// CANONICAL is a known metric name (loss, val_loss, val_acc,
    /// grad_norm, lr, ...), 'step' for the step column, or '-' to skip
    /// the column. Without it, common names and aliases are recognised.
    #[arg(long, value_name = "NAME=CANONICAL", value_parser = mapping, verbatim_doc_comment)]
    pub map: Vec<String>,
    /// The log: one CSV or JSONL file, or the files of one TensorBoard export
    #[arg(value_name = "LOG", required = true)]
    pub logs: Vec<String>,
}

/// Checks one `--map` value.
fn mapping(arg: &str) -> Result<String, String> {
    NameMap::new()
        .insert_arg(arg)
        .map(|()| arg.to_string())
        .map_err(|e| e.to_string())
}

/// Runs `failure-lab detect`.
pub fn run(args: Args) -> Result<(), String> {
    let mut options = ImportOptions::default();
    for m in &args.map {
        options.names.insert_arg(m).map_err(|e| e.to_string())?;
    }
    let paths = args.logs;
    let findings = if let [path] = paths.as_slice() {
        let mut monitor = import::monitor();
        let summary = import::read_file(Path::new(path), &options, |frame| {
            monitor.observe(&frame);
        })
        .map_err(with_hint)?;
        report(path, &summary);
        monitor.findings().to_vec()
    } else {
        let mut runs = Vec::with_capacity(paths.len());
        for path in &paths {
            let mut frames = Vec::new();
            let summary = import::read_file(Path::new(path), &options, |f| frames.push(f))
                .map_err(with_hint)?;
            report(path, &summary);
            runs.push(frames);
        }
        import::analyze(import::merge_by_step(runs))
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for finding in &findings {
        let line = serde_json::to_string(finding).map_err(|e| e.to_string())?;
        if writeln!(out, "{line}").is_err() {
            return Ok(()); // The reader went away (e.g. `| head`).
        }
    }
    let _ = out.flush();
    eprintln!("{} finding(s)", findings.len());
    Ok(())
}

/// `text` with its control characters written out (`\u{1b}`), so that a
/// name read from a log cannot move, retitle or clear the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The error's message (control characters written out), with the option
/// that gets past a text column.
fn with_hint(e: ImportError) -> String {
    let inner = match &e {
        ImportError::InFile { error, .. } => error.as_ref(),
        other => other,
    };
    match inner {
        ImportError::NotANumber { name, .. } => {
            let name = printable(name);
            format!(
                "{}\n(if '{name}' is not a metric, skip it with --map '{name}=-')",
                printable(&e.to_string())
            )
        }
        _ => printable(&e.to_string()),
    }
}

/// Tells on stderr what was read from `path` and how each name was mapped.
fn report(path: &str, s: &Summary) {
    let format = s
        .format
        .map_or("?".to_string(), |f| format!("{f:?}").to_lowercase());
    let metrics: Vec<String> = s
        .metrics
        .iter()
        .map(|(original, name)| {
            let (original, name) = (printable(original), printable(name));
            if !CANONICAL.contains(&name.as_str()) {
                format!("{name} (not a known name: kept as is; --map it if it is one)")
            } else if original != name {
                format!("{name} (from {original})")
            } else {
                name.clone()
            }
        })
        .collect();
    eprintln!(
        "{}: {format}, {} rows, {} steps; metrics: {}",
        printable(path),
        s.rows,
        s.frames,
        metrics.join(", ")
    );
}
