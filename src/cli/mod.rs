//! The `failure-lab` command line: one function per subcommand. Native only.

use std::path::PathBuf;
use std::process::ExitCode;

pub mod bench_import;
pub mod bench_train;
pub mod detect;
pub mod detectors;
pub mod eval;
pub mod serve;

const USAGE: &str = "usage: failure-lab <command>

commands:
  serve [--port N] [--root DIR]   serve the lab (default port 8000, root www/)
  detect [--map N=C]... LOG...    run the detectors over a training log (CSV, JSONL, TensorBoard)
  bench-import [--rows N]         time importing and analysing a large log (default 1,000,000 rows)
  bench-train [--steps N]         training steps per second and the detectors' share of a step
  eval [--seeds N] [--format table|json|csv|markdown] [--fault ID] [--threads N]
                                  grade the detectors on every fault and seed
  detectors [--markdown]          list the detectors and their defaults";

/// Runs the subcommand named by the process arguments.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("detect") => detect::run(&args[1..]),
        Some("bench-import") => bench_import::run(&args[1..]),
        Some("bench-train") => bench_train::run(&args[1..]),
        Some("eval") => eval::run(&args[1..]),
        Some("detectors") => detectors::run(&args[1..]),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn serve(args: &[String]) -> Result<(), String> {
    let mut port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let mut root = PathBuf::from("www");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--port" => {
                port = value()?
                    .parse()
                    .map_err(|_| "--port needs a number from 1 to 65535".to_string())?
            }
            "--root" => root = PathBuf::from(value()?),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    serve::serve(&root, port)
}
