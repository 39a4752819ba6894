//! The robust training pipeline: it saves the runs that explode, and when
//! it is off (or has nothing to answer) it changes nothing.

use failure_lab::metrics::Frame;
use failure_lab::pipeline::RespondConfig;
use failure_lab::run::{compare, Run, RunConfig};
use failure_lab::scenarios::Fault;
use failure_lab::trainer::data::DatasetKind;
use failure_lab::trainer::{TrainConfig, Trainer};

const SEEDS: u64 = 20;
const STEPS: u64 = 1500;

fn circles(seed: u64, fault: Option<&str>) -> RunConfig {
    RunConfig {
        train: TrainConfig {
            seed,
            dataset: DatasetKind::Circles,
            ..TrainConfig::default()
        },
        faults: fault.and_then(Fault::default_for).into_iter().collect(),
        ..RunConfig::default()
    }
}

/// With the response on, the exploding runs end healthy (finite loss,
/// accuracy well above the 0.5 of chance) on most seeds, and the same seeds
/// without it fail.
#[test]
fn the_response_rescues_exploding_runs() {
    for fault in ["lr_spike", "init_too_large", "corrupt_batch"] {
        let (mut failed, mut rescued) = (0, 0);
        for seed in 1..=SEEDS {
            let c = compare(circles(seed, Some(fault)), STEPS).unwrap();
            failed += usize::from(!c.without.healthy(0.6));
            rescued += usize::from(c.with.healthy(0.8));
            assert!(!c.with.responses.is_empty(), "{fault} seed {seed}");
            assert_eq!(c.with.steps, STEPS, "{fault} seed {seed}: ran to the end");
        }
        println!("{fault}: {failed}/{SEEDS} fail without the response, {rescued}/{SEEDS} healthy with it");
        assert!(
            failed >= 18,
            "{fault}: only {failed} failed without the response"
        );
        assert!(rescued >= 18, "{fault}: only {rescued} rescued");
    }
}

fn bits(frames: &[Frame]) -> Vec<(u64, String, u64)> {
    frames
        .iter()
        .flat_map(|f| f.iter().map(|(n, v)| (f.step, n.to_string(), v.to_bits())))
        .collect()
}

fn run_frames(config: RunConfig) -> Vec<Frame> {
    let mut run = Run::new(config).unwrap();
    let mut frames = Vec::new();
    while run.steps() < 700 {
        match run.step() {
            Some(out) => frames.push(out.frame),
            None => break,
        }
    }
    frames
}

/// The trainer driven by hand, as runs were before the pipeline existed.
fn bare_frames(config: RunConfig) -> Vec<Frame> {
    let mut trainer = Trainer::new(config.train).unwrap();
    let mut applied = vec![false; config.faults.len()];
    let mut frames = Vec::new();
    while trainer.step < 700 {
        let mut batch = trainer.next_batch();
        for (f, done) in config.faults.iter().zip(&mut applied) {
            let f = f.classifier().unwrap();
            *done |= f.before_step(&mut trainer, &mut batch, *done);
        }
        let frame = trainer.train_on(&batch);
        let broke = !frame.get("loss").is_some_and(f64::is_finite);
        frames.push(frame);
        if broke {
            break;
        }
    }
    frames
}

/// Off, the pipeline changes nothing: bit-identical frames to the bare
/// trainer, faulty or clean.
#[test]
fn off_is_bit_identical_to_the_bare_trainer() {
    for seed in 1..=3 {
        for fault in [None, Some("lr_spike"), Some("corrupt_batch")] {
            let config = RunConfig {
                respond: RespondConfig {
                    lr_factor: 0.5,
                    ..RespondConfig::default()
                },
                ..circles(seed, fault)
            };
            let run = run_frames(config.clone());
            assert!(!run.is_empty());
            assert_eq!(
                bits(&run),
                bits(&bare_frames(config)),
                "seed {seed} {fault:?}"
            );
        }
    }
}

/// On, with nothing to answer, checkpoints are only copies: the clean runs
/// are bit-identical to the runs with the response off.
#[test]
fn on_without_findings_is_bit_identical_to_off() {
    for seed in 1..=5 {
        let off = circles(seed, None);
        let on = RunConfig {
            respond: RespondConfig::on(),
            ..off.clone()
        };
        let mut run = Run::new(on.clone()).unwrap();
        while run.steps() < 700 {
            run.step();
        }
        assert!(
            run.responses().is_empty(),
            "seed {seed}: {:?}",
            run.responses()
        );
        assert_eq!(bits(&run_frames(on)), bits(&run_frames(off)), "seed {seed}");
    }
}
