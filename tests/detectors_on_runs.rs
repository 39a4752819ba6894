//! Every detector on real runs: quiet on clean training, and on a real
//! learning-rate spike the explosion checks fire after the onset and before
//! training breaks.
//!
//! 4 datasets x 20 seeds x 1500 steps, clean and with `Fault::lr_spike(300)`.

use failure_lab::detectors::{Finding, Severity};
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Fault;
use failure_lab::trainer::data::DatasetKind;

const STEPS: u64 = 1500;
const SEEDS: u64 = 20;
const ONSET: u64 = 300;

fn finish(config: RunConfig) -> Run {
    let mut run = Run::new(config).expect("valid config");
    while run.steps() < STEPS && run.step().is_some() {}
    run
}

fn config(seed: u64, dataset: DatasetKind, spike: bool) -> RunConfig {
    let mut config = RunConfig::default();
    config.train.seed = seed;
    config.train.dataset = dataset;
    if spike {
        config.faults.push(Fault::lr_spike(ONSET));
    }
    config
}

fn first(findings: &[Finding], detector: &str) -> Option<u64> {
    findings
        .iter()
        .find(|f| f.detector == detector)
        .map(|f| f.step)
}

#[test]
fn clean_runs_raise_nothing_above_info() {
    let mut loud = Vec::new();
    for dataset in DatasetKind::ALL {
        for seed in 1..=SEEDS {
            let run = finish(config(seed, dataset, false));
            assert_eq!(run.hard_failure(), None, "{dataset:?}/{seed} broke");
            assert_eq!(run.steps(), STEPS);
            loud.extend(
                run.monitor()
                    .findings()
                    .iter()
                    .filter(|f| f.severity > Severity::Info)
                    .map(|f| format!("{dataset:?}/{seed} step {}: {}", f.step, f.message)),
            );
        }
    }
    assert!(loud.is_empty(), "{loud:#?}");
}

#[test]
fn the_explosion_checks_fire_between_the_spike_and_the_hard_failure() {
    let mut problems = Vec::new();
    for dataset in DatasetKind::ALL {
        for seed in 1..=SEEDS {
            let run = finish(config(seed, dataset, true));
            let at = format!("{dataset:?}/{seed}");
            let truth = &run.ground_truth()[0];
            assert_eq!(truth.onset, Some(ONSET), "{at}");
            let Some(broke) = run.hard_failure() else {
                problems.push(format!("{at}: the spike never broke training"));
                continue;
            };
            let findings = run.monitor().findings();
            if let Some(early) = findings
                .iter()
                .find(|f| f.step < ONSET && f.severity > Severity::Info)
            {
                problems.push(format!("{at}: before the spike: {}", early.message));
            }
            // Strictly before the failure: these read the gradient, which
            // blows up steps before the loss overflows.
            for id in ["gradient_explosion", "grad_norm_spike"] {
                match first(findings, id) {
                    Some(s) if (ONSET..broke).contains(&s) => {}
                    other => problems.push(format!("{at}: {id} at {other:?}, broke at {broke}")),
                }
            }
            // The hard failure is the first non-finite loss, so this one fires
            // at that step at the latest.
            match first(findings, "non_finite") {
                Some(s) if (ONSET..=broke).contains(&s) => {}
                other => problems.push(format!("{at}: non_finite at {other:?}, broke at {broke}")),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
