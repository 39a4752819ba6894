//! Same config, same frames, bit for bit, for every optimizer.

use failure_lab::metrics::Frame;
use failure_lab::run::{Run, RunConfig};
use failure_lab::trainer::mlp::Activation;
use failure_lab::trainer::optim::{OptimizerKind, Schedule};
use failure_lab::trainer::TrainConfig;

fn bits(frames: &[Frame]) -> Vec<(u64, String, u64)> {
    frames
        .iter()
        .flat_map(|f| f.iter().map(|(n, v)| (f.step, n.to_string(), v.to_bits())))
        .collect()
}

fn frames(config: &TrainConfig, steps: u64) -> Vec<Frame> {
    let mut run = Run::new(RunConfig {
        train: config.clone(),
        ..RunConfig::default()
    })
    .unwrap();
    (0..steps)
        .filter_map(|_| run.step())
        .map(|o| o.frame)
        .collect()
}

#[test]
fn two_runs_of_one_config_give_identical_frames_for_every_optimizer() {
    for (optimizer, schedule, activation) in [
        (OptimizerKind::Sgd, Schedule::Constant, Activation::Relu),
        (OptimizerKind::Momentum, Schedule::Step, Activation::Tanh),
        (OptimizerKind::Adam, Schedule::Cosine, Activation::Sigmoid),
    ] {
        let config = TrainConfig {
            seed: 7,
            optimizer,
            lr: 0.02,
            schedule,
            schedule_steps: 200,
            warmup_steps: 20,
            weight_decay: 1e-3,
            clip_norm: 1.0,
            activation,
            ..TrainConfig::default()
        };
        let (a, b) = (frames(&config, 600), frames(&config, 600));
        assert_eq!(a.len(), 600);
        assert_eq!(bits(&a), bits(&b), "{optimizer:?}");
        let other = frames(
            &TrainConfig {
                seed: 8,
                ..config.clone()
            },
            600,
        );
        assert_ne!(bits(&a), bits(&other), "{optimizer:?}: the seed matters");
    }
}
