//! `failure-lab detect LOG...`: runs every detector over a real training log
//! and prints the findings as JSON Lines, one finding per line.

use std::io::Write;
use std::path::Path;

use crate::import::names::CANONICAL;
use crate::import::{self, ImportError, ImportOptions, Summary};

/// The subcommand's usage.
pub const USAGE: &str = "usage: failure-lab detect [--map NAME=CANONICAL]... LOG...

Runs every detector over a training log and prints each finding as one JSON
object per line (detector, step, severity, message, recommendation).
LOG is a wide CSV (a step column and one column per metric), a JSON Lines
file (one object per step), or the files of a TensorBoard scalar export
(Wall time,Step,Value; one file per metric), merged by step.

  --map NAME=CANONICAL   read column NAME as a canonical metric (loss, val_loss,
                         val_acc, grad_norm, lr, ...), 'step' for the step
                         column, or '-' to skip it. Repeatable.

Exit code 0 when the log was read (with or without findings), 2 on bad input.";

/// Runs the subcommand on its arguments (after `detect`).
pub fn run(args: &[String]) -> Result<(), String> {
    let mut options = ImportOptions::default();
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--map" => {
                let m = it.next().ok_or("--map needs NAME=CANONICAL")?;
                options.names.insert_arg(m).map_err(|e| e.to_string())?;
            }
            s if s.starts_with("--map=") => {
                options
                    .names
                    .insert_arg(&s[6..])
                    .map_err(|e| e.to_string())?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n\n{USAGE}")),
            path => paths.push(path.to_string()),
        }
    }
    if paths.is_empty() {
        return Err(format!("no log given\n\n{USAGE}"));
    }
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

/// The error's message, with the option that gets past a text column.
fn with_hint(e: ImportError) -> String {
    let inner = match &e {
        ImportError::InFile { error, .. } => error.as_ref(),
        other => other,
    };
    match inner {
        ImportError::NotANumber { name, .. } => {
            format!("{e}\n(if '{name}' is not a metric, skip it with --map '{name}=-')")
        }
        _ => e.to_string(),
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
        "{path}: {format}, {} rows, {} steps; metrics: {}",
        s.rows,
        s.frames,
        metrics.join(", ")
    );
}
