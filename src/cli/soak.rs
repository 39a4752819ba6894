//! `failure-lab soak [--steps N]`: a long run (1,000,000 steps by default)
//! of the lab's default settings with every detector on, reporting the
//! process's resident memory (RSS) at intervals; it fails (exit 2) when the
//! memory grew more than `--max-growth` MB after the warm-up. The live run
//! keeps a bounded history (`run::HISTORY_CAP` points a metric), so its
//! memory is flat once the history has filled.

use std::time::Instant;

use crate::run::{Run, RunConfig};
use crate::scenarios::Scenario;

use super::number_in;

/// A long run, its memory reported as it goes: flat after the warm-up
///
/// Trains the lab's default settings (the classifier, or `--learner agent`;
/// with `--respond` the automatic response and its twin) for `--steps`
/// steps with every detector on, and prints the resident memory (RSS, from
/// /proc/self/statm) every `--every` steps. Exit 2 when the RSS after the
/// warm-up (`--warmup` steps, past the history's filling) grew by more than
/// `--max-growth` MB by the end. Linux only for the memory; elsewhere the
/// run is timed and nothing is checked.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Steps to run, from 1000 to 100000000
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = number_in(1_000u64..=100_000_000))]
    pub steps: u64,
    /// Steps between two memory reports, from 100 to 10000000
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = number_in(100u64..=10_000_000))]
    pub every: u64,
    /// Steps before the baseline memory is taken, from 0 to 10000000
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = number_in(0u64..=10_000_000))]
    pub warmup: u64,
    /// Most growth allowed after the warm-up, in MB, from 0 to 100000
    #[arg(long, value_name = "MB", default_value_t = 4.0,
          value_parser = number_in(0.0f64..=100_000.0))]
    pub max_growth: f64,
    /// The learner: classifier or agent
    #[arg(long, default_value = "classifier", value_parser = ["classifier", "agent"])]
    pub learner: String,
    /// With the automatic response (a twin run without it steps alongside)
    #[arg(long)]
    pub respond: bool,
}

/// One report of a soak.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Steps taken.
    pub step: u64,
    /// Resident memory in bytes (None where /proc/self/statm is not read).
    pub rss: Option<u64>,
    /// Seconds since the start.
    pub seconds: f64,
}

/// The process's resident memory in bytes (Linux).
pub fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Runs `config` (and its twin without the response, when it responds) for
/// `steps` steps, calling `report` every `every` steps and at the end.
pub fn soak(
    config: RunConfig,
    steps: u64,
    every: u64,
    mut report: impl FnMut(Sample),
) -> Result<(), String> {
    let mut twin = if config.respond.enabled {
        let mut plain = config.clone();
        plain.respond.enabled = false;
        Some(Run::new(plain).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let mut run = Run::new(config).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let sample = |step| Sample {
        step,
        rss: rss(),
        seconds: t0.elapsed().as_secs_f64(),
    };
    report(sample(0));
    for step in 1..=steps {
        if run.step().is_none() {
            return Err(format!("the run failed for good at step {step}"));
        }
        if let Some(t) = twin.as_mut() {
            t.step();
        }
        if step % every == 0 || step == steps {
            report(sample(step));
        }
    }
    Ok(())
}

/// The growth of the RSS from the first sample at or after `warmup` to the
/// last, in bytes (None without memory figures or before the warm-up ends).
pub fn growth(samples: &[Sample], warmup: u64) -> Option<i64> {
    let base = samples.iter().find(|s| s.step >= warmup)?.rss?;
    let last = samples.last()?.rss?;
    Some(last as i64 - base as i64)
}

pub fn run(args: Args) -> Result<(), String> {
    let mut config = RunConfig::default();
    if args.learner == "agent" {
        config.scenario = Scenario::Agent;
    }
    config.respond.enabled = args.respond;
    let mb = |b: u64| b as f64 / 1_048_576.0;
    let mut samples = Vec::new();
    println!("step,rss_mb,seconds");
    soak(config, args.steps, args.every, |s| {
        println!(
            "{},{},{:.1}",
            s.step,
            s.rss.map_or("-".into(), |r| format!("{:.1}", mb(r))),
            s.seconds
        );
        samples.push(s);
    })?;
    let Some(grew) = growth(&samples, args.warmup) else {
        println!("soak: no memory figures after the warm-up; nothing checked");
        return Ok(());
    };
    let grew_mb = grew as f64 / 1_048_576.0;
    println!(
        "soak: {} steps; RSS after the warm-up ({} steps) grew by {grew_mb:.2} MB (bound {} MB)",
        args.steps, args.warmup, args.max_growth
    );
    if grew_mb > args.max_growth {
        return Err(format!(
            "memory grew by {grew_mb:.2} MB after the warm-up, over the bound of {} MB",
            args.max_growth
        ));
    }
    Ok(())
}
