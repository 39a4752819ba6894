//! `failure-lab eval`: runs the evaluation suite natively and prints its report.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use crate::eval::{format, Settings, Suite};

use super::number_in;

/// Grade the detectors on every fault and seed
///
/// Runs the evaluation suite natively: every fault of every scenario, and
/// clean runs, once per seed; prints the report on stdout and progress on
/// stderr. Same numbers as the page's Evaluate panel; docs/eval.md is
/// `--format markdown` with 20 seeds.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Seeds per case, from 1 to 10000
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = number_in(1u64..=10_000))]
    pub seeds: u64,
    /// The first seed: the suite uses seeds FIRST..FIRST+N (201 checks
    /// thresholds on seeds not used to choose them)
    #[arg(long, value_name = "FIRST", default_value_t = 1, value_parser = number_in(0u64..=1_000_000_000))]
    pub first_seed: u64,
    /// How to print the report (md is markdown)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
    /// Only this fault's cases (and the clean ones), e.g. lr_spike
    ///
    /// An unknown ID is refused with the list of known ones.
    #[arg(long, value_name = "ID", verbatim_doc_comment)]
    pub fault: Option<String>,
    /// Worker threads, from 1 to 64 [default: the cores, at most 2]
    ///
    /// The report is the same for any number of threads.
    #[arg(long, value_name = "N", value_parser = number_in(1usize..=64), verbatim_doc_comment)]
    pub threads: Option<usize>,
}

/// How to print the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables.
    Table,
    /// One JSON object per line.
    Json,
    /// CSV blocks.
    Csv,
    /// The Markdown page (docs/eval.md).
    #[value(alias = "md")]
    Markdown,
}

/// The suite's settings for `seeds` seeds from `first_seed`, kept to one
/// fault's cases when asked, and the worker threads (default: the cores,
/// at most 2); shared by `eval` and `grade`.
pub(crate) fn suite_setup(
    seeds: u64,
    first_seed: u64,
    fault: Option<&str>,
    threads: Option<usize>,
) -> Result<(Settings, usize), String> {
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(2)));
    let mut settings = Settings {
        seeds,
        first_seed,
        ..Settings::default()
    };
    if let Some(id) = fault {
        settings.only_fault(id).map_err(|e| e.to_string())?;
    }
    Ok((settings, threads))
}

/// Runs `failure-lab eval`: progress on stderr, report on stdout.
pub fn run(o: Args) -> Result<(), String> {
    let (settings, threads) = suite_setup(o.seeds, o.first_seed, o.fault.as_deref(), o.threads)?;
    let mut suite = Suite::new(settings).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut err = std::io::stderr();
    let live = err.is_terminal();
    suite
        .run_parallel(threads, |p| {
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
        threads
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
            if o.first_seed != 1 {
                command += &format!(" --first-seed {}", o.first_seed);
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
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Eval {
        #[command(flatten)]
        args: Args,
    }

    fn parse(s: &str) -> Result<Args, clap::Error> {
        Eval::try_parse_from(std::iter::once("eval").chain(s.split_whitespace())).map(|e| e.args)
    }

    #[test]
    fn parses_options_and_refuses_bad_ones() {
        let o = parse("--seeds 3 --format json --fault lr_spike --threads 1").unwrap();
        assert_eq!(
            (o.seeds, o.format, o.fault.as_deref(), o.threads),
            (3, Format::Json, Some("lr_spike"), Some(1))
        );
        let o = parse("--format md").unwrap();
        assert_eq!((o.seeds, o.format, o.threads), (20, Format::Markdown, None));
        for bad in [
            "--seeds 0",
            "--seeds",
            "--format xml",
            "--threads many",
            "--bogus",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
