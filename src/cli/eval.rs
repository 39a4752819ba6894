//! `failure-lab eval`: runs the evaluation suite natively and prints its report.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use crate::eval::{format, Settings, Suite};

/// The subcommand's usage.
pub const USAGE: &str = "usage: failure-lab eval [--seeds N] [--format table|json|csv|markdown] \
[--fault ID] [--threads N]";

/// How to print the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables.
    Table,
    /// One JSON object per line.
    Json,
    /// CSV blocks.
    Csv,
    /// The Markdown page (docs/eval.md).
    Markdown,
}

/// The parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Seeds per case.
    pub seeds: u64,
    /// Output format.
    pub format: Format,
    /// Only this fault's cases (and the clean ones).
    pub fault: Option<String>,
    /// Worker threads.
    pub threads: usize,
}

/// Parses the arguments after `eval`.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        seeds: 20,
        format: Format::Table,
        fault: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--seeds" => {
                o.seeds = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or("--seeds needs a number from 1 to 10000")?
            }
            "--threads" => {
                o.threads = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=64).contains(n))
                    .ok_or("--threads needs a number from 1 to 64")?
            }
            "--fault" => o.fault = Some(value()?.clone()),
            "--format" => {
                o.format = match value()?.as_str() {
                    "table" => Format::Table,
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    "markdown" | "md" => Format::Markdown,
                    other => {
                        return Err(format!(
                            "unknown format {other:?}: use table, json, csv or markdown"
                        ))
                    }
                }
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// Runs `failure-lab eval` with `args`: progress on stderr, report on stdout.
pub fn run(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    let mut settings = Settings {
        seeds: o.seeds,
        ..Settings::default()
    };
    if let Some(id) = &o.fault {
        settings.only_fault(id).map_err(|e| e.to_string())?;
    }
    let mut suite = Suite::new(settings).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut err = std::io::stderr();
    let live = err.is_terminal();
    suite
        .run_parallel(o.threads, |p| {
            // On a terminal, one updating line; in a log, a line per tenth.
            if live {
                let _ = write!(err, "\reval: {}/{} runs", p.done, p.total);
            } else if (p.done * 10 / p.total) > ((p.done - 1) * 10 / p.total) {
                let _ = writeln!(err, "eval: {}/{} runs", p.done, p.total);
            }
        })
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        err,
        "{}eval: {} runs in {:.1} s on {} thread(s)",
        if live { "\r" } else { "" },
        suite.progress().total,
        start.elapsed().as_secs_f64(),
        o.threads
    );
    let report = suite.report();
    let out = match o.format {
        Format::Table => format::text(&report),
        Format::Json => format::json_lines(&report),
        Format::Csv => format::csv(&report),
        Format::Markdown => {
            let mut command = format!("failure-lab eval --seeds {} --format markdown", o.seeds);
            if let Some(id) = &o.fault {
                command += &format!(" --fault {id}");
            }
            format::markdown(&report, &command)
        }
    };
    print!("{out}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options_and_refuses_bad_ones() {
        let o = parse(&args(
            "--seeds 3 --format json --fault lr_spike --threads 1",
        ))
        .unwrap();
        assert_eq!(
            (o.seeds, o.format, o.fault.as_deref(), o.threads),
            (3, Format::Json, Some("lr_spike"), 1)
        );
        assert!(parse(&args("--seeds 0")).is_err());
        assert!(parse(&args("--seeds")).is_err());
        assert!(parse(&args("--format xml")).is_err());
        assert!(parse(&args("--threads many")).is_err());
        assert!(parse(&args("--bogus")).is_err());
    }
}
