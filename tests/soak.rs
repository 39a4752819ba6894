//! The short soak (issue 11, long runs): the lab's default run for long
//! enough that the bounded
//! history (`run::HISTORY_CAP` points a metric) has filled and thinned; the
//! process's resident memory must stay flat after that warm-up. The long
//! one is `failure-lab soak` (1,000,000 steps; README, "Reliability").

use failure_lab::cli::soak::{growth, soak, Sample};
use failure_lab::run::RunConfig;

/// Warm-up: the history (32,768 points a metric) has filled and thinned once.
const WARMUP: u64 = 40_000;
const STEPS: u64 = 100_000;
/// The most the RSS may grow after the warm-up.
const BOUND_MB: f64 = 2.0;

fn check(config: RunConfig, what: &str) {
    let mut samples: Vec<Sample> = Vec::new();
    soak(config, STEPS, 10_000, |s| samples.push(s)).unwrap();
    let Some(grew) = growth(&samples, WARMUP) else {
        eprintln!("{what}: no RSS figures on this system; nothing checked");
        return;
    };
    let mb = grew as f64 / 1_048_576.0;
    let figures: Vec<String> = samples
        .iter()
        .map(|s| format!("{}:{:.1}", s.step, s.rss.unwrap_or(0) as f64 / 1_048_576.0))
        .collect();
    eprintln!("{what}: RSS (step:MB) {}", figures.join(" "));
    assert!(
        mb <= BOUND_MB,
        "{what}: RSS grew by {mb:.2} MB between steps {WARMUP} and {STEPS} (bound {BOUND_MB} MB): {figures:?}"
    );
}

#[test]
fn memory_is_flat_after_the_warm_up() {
    // The agent with the response is slower to step: `failure-lab soak
    // --learner agent --respond` soaks it.
    check(RunConfig::default(), "classifier");
}
