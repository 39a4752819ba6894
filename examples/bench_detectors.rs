//! What the detectors cost per training step, next to the step itself.
//!
//! `cargo run --release --example bench_detectors`
//!
//! Times a default training step (2-16-16-2 ReLU net, batch 32) and every
//! registered detector's `observe` on the frames that run produced; the
//! detectors together should add well under 10% to a step.

use std::hint::black_box;
use std::time::Instant;

use failure_lab::detectors::REGISTRY;
use failure_lab::metrics::{names, Frame};
use failure_lab::trainer::{TrainConfig, Trainer};

const STEPS: usize = 3000;
const REPEATS: usize = 20;

fn main() {
    let mut trainer = Trainer::new(TrainConfig::default()).expect("default config is valid");
    let start = Instant::now();
    let mut frames: Vec<Frame> = (0..STEPS).map(|_| trainer.step()).collect();
    let step_ns = start.elapsed().as_nanos() as f64 / STEPS as f64;
    // The metrics the trainer will report later, so that every detector works.
    for f in &mut frames {
        let g = f.get(names::GRAD_NORM).unwrap_or(1.0);
        f.set(names::UPDATE_RATIO, 1e-3 * g)
            .set(names::DEAD_FRAC, 0.2)
            .set(names::SATURATED_FRAC, 0.1);
    }

    println!("training step: {:.1} us", step_ns / 1000.0);
    let mut total = 0.0;
    for d in REGISTRY {
        let mut det = (d.build)();
        let start = Instant::now();
        for _ in 0..REPEATS {
            det.reset();
            for f in &frames {
                black_box(det.observe(black_box(f)));
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (REPEATS * STEPS) as f64;
        total += ns;
        println!("  {:<22} {:>7.1} ns/step", d.id, ns);
    }
    println!(
        "all {} detectors: {:.2} us/step = {:.1}% of a training step",
        REGISTRY.len(),
        total / 1000.0,
        100.0 * total / step_ns
    );
}
