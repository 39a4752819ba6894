//! `failure-lab bench-train [--steps N]`: training steps per second natively
//! for the benchmark network, and what the detectors and the monitor add to
//! a step. `scripts/bench-browser.mjs` measures the same network in Chromium.
//!
//! The benchmark network: 2 inputs, 3 hidden ReLU layers of 16, 2 outputs,
//! batch 32, SGD, spiral data. The detectors' share is measured by replaying
//! the frames of a real run through every registered detector. A whole run
//! of the agent scenario's default agent is measured too.

use std::hint::black_box;
use std::time::Instant;

use crate::detectors;
use crate::metrics::Frame;
use crate::monitor::History;
use crate::run::{Run, RunConfig, HISTORY_CAP};
use crate::scenarios::Scenario;
use crate::trainer::{TrainConfig, Trainer};

use super::number_in;

/// Training steps per second, and the detectors' share of a step
///
/// The benchmark network: 2 inputs, 3 hidden ReLU layers of 16, 2 outputs,
/// batch 32, SGD, spiral data (scripts/bench-browser.mjs measures the same
/// network in Chromium). Also times every registered detector replaying
/// the run's frames, the monitor's bounded history, a whole run step and
/// the agent scenario's default run. Prints the best of three rounds.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Steps per measurement, from 100 to 10000000
    #[arg(long, value_name = "N", default_value_t = 20_000,
          value_parser = number_in(100usize..=10_000_000))]
    pub steps: usize,
}

/// The benchmark network's settings (seed 1).
pub fn bench_config() -> TrainConfig {
    TrainConfig {
        hidden: vec![16, 16, 16],
        batch_size: 32,
        ..TrainConfig::default()
    }
}

fn per_step_ns(steps: usize, f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_nanos() as f64 / steps as f64
}

/// Nanoseconds per step of one round.
struct Round {
    train: f64,
    detectors: f64,
    history: f64,
    run: f64,
    agent: f64,
    healthy: bool,
}

fn measure(steps: usize) -> Result<Round, String> {
    let config = bench_config();
    // The trainer alone, keeping its frames for the detector replay.
    let mut trainer = Trainer::new(config.clone()).map_err(|e| e.to_string())?;
    let mut frames: Vec<Frame> = Vec::with_capacity(steps);
    let train = per_step_ns(steps, || frames.extend((0..steps).map(|_| trainer.step())));

    // Every registered detector over those frames.
    let mut all = detectors::build_all();
    let detectors = per_step_ns(steps, || {
        for f in &frames {
            for d in all.iter_mut() {
                black_box(d.observe(black_box(f)));
            }
        }
    });

    // The monitor's bounded history alone.
    let mut history = History::new(HISTORY_CAP);
    let history = per_step_ns(steps, || frames.iter().for_each(|f| history.push(f)));

    // A whole run as the page drives it: trainer, faults, monitor, history.
    let mut run = Run::new(RunConfig {
        train: config,
        ..RunConfig::default()
    })
    .map_err(|e| e.to_string())?;
    let run_ns = per_step_ns(steps, || {
        for _ in 0..steps {
            black_box(run.step());
        }
    });
    // The agent scenario's default run, as the page would drive it.
    let mut agent = Run::new(RunConfig {
        scenario: Scenario::Agent,
        ..RunConfig::default()
    })
    .map_err(|e| e.to_string())?;
    let agent_ns = per_step_ns(steps, || {
        for _ in 0..steps {
            black_box(agent.step());
        }
    });
    Ok(Round {
        train,
        detectors,
        history,
        run: run_ns,
        agent: agent_ns,
        healthy: run.hard_failure().is_none() && agent.hard_failure().is_none(),
    })
}

/// Runs `failure-lab bench-train`.
pub fn run(args: Args) -> Result<(), String> {
    let steps = args.steps;
    // Best of three rounds: the machine may be shared, the minimum is the cost.
    let rounds: Vec<Round> = (0..3).map(|_| measure(steps)).collect::<Result<_, _>>()?;
    let best = |f: fn(&Round) -> f64| rounds.iter().map(f).fold(f64::INFINITY, f64::min);
    let (train, det, hist, run, agent) = (
        best(|r| r.train),
        best(|r| r.detectors),
        best(|r| r.history),
        best(|r| r.run),
        best(|r| r.agent),
    );
    let healthy = rounds.iter().all(|r| r.healthy);
    println!("benchmark network 2-16-16-16-2 ReLU, batch 32, SGD; {steps} steps, best of 3 (healthy: {healthy})");
    println!(
        "  training step alone   {:>7.2} us = {:>6.0} steps/s",
        train / 1e3,
        1e9 / train
    );
    println!(
        "  whole run step        {:>7.2} us = {:>6.0} steps/s",
        run / 1e3,
        1e9 / run
    );
    println!(
        "  agent run step        {:>7.2} us = {:>6.0} steps/s (64 episodes, 16 tanh, 80 outputs)",
        agent / 1e3,
        1e9 / agent
    );
    let n = detectors::REGISTRY.len();
    println!(
        "  all {n} detectors      {:>7.2} us = {:>5.1}% of a training step",
        det / 1e3,
        100.0 * det / train
    );
    println!(
        "  bounded history       {:>7.2} us = {:>5.1}% of a training step",
        hist / 1e3,
        100.0 * hist / train
    );
    Ok(())
}
