//! The `failure-lab` command line, parsed with clap: one module per
//! subcommand, each with its `Args` (options, defaults, ranges and help text
//! in one place) and its `run`. Native only.
//!
//! Exit codes: 0 on success (and for `--help`), 2 on a bad argument or bad
//! input, with the message on stderr.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod bench_import;
pub mod bench_train;
pub mod detect;
pub mod detectors;
pub mod eval;
pub mod eval_logs;
pub mod grade;
pub mod serve;
pub mod soak;

/// An in-browser lab for learning how neural-network training goes wrong:
/// serve the page, run the detectors over a log, grade them, time them.
#[derive(Debug, Parser)]
#[command(
    name = "failure-lab",
    verbatim_doc_comment,
    arg_required_else_help = true,
    after_help = "Run `failure-lab <command> --help` for a command's options.\n\
                  Exit codes: 0 on success, 2 on a bad argument or bad input."
)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
// The subcommands' descriptions are the doc comments of their `Args`.
pub enum Command {
    Serve(serve::Args),
    Detect(detect::Args),
    BenchImport(bench_import::Args),
    BenchTrain(bench_train::Args),
    Eval(eval::Args),
    EvalLogs(eval_logs::Args),
    Grade(grade::Args),
    Detectors(detectors::Args),
    Soak(soak::Args),
}

impl Command {
    /// Runs the subcommand.
    pub fn run(self) -> Result<(), String> {
        match self {
            Command::Serve(a) => serve::run(a),
            Command::Detect(a) => detect::run(a),
            Command::BenchImport(a) => bench_import::run(a),
            Command::BenchTrain(a) => bench_train::run(a),
            Command::Eval(a) => eval::run(a),
            Command::EvalLogs(a) => eval_logs::run(a),
            Command::Grade(a) => grade::run(a),
            Command::Detectors(a) => detectors::run(a),
            Command::Soak(a) => soak::run(a),
        }
    }
}

/// Runs the subcommand named by the process arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help goes to stdout with code 0; a bad argument to stderr with 2.
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

/// A value parser for a whole number in `range`, written with or without
/// `_` separators (`1_000_000`); the error names the range.
pub(crate) fn number_in<T>(
    range: std::ops::RangeInclusive<T>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Clone + Send + Sync + 'static,
{
    move |s: &str| {
        s.replace('_', "")
            .parse()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                format!(
                    "needs a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn numbers_are_checked_against_their_range() {
        let p = number_in(1u64..=10);
        assert_eq!(p("1_0"), Ok(10));
        assert!(p("0").is_err() && p("11").is_err() && p("x").is_err());
        assert!(p("-1").unwrap_err().contains("from 1 to 10"));
    }
}
