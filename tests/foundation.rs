//! The first vertical slice: real gradients, and the explosion detector on a
//! real learning-rate spike.

use failure_lab::metrics::names;
use failure_lab::rng::Rng;
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Fault;
use failure_lab::trainer::data::{Dataset, DatasetKind};
use failure_lab::trainer::mlp::{Activation, Loss, Mlp};

/// Backprop agrees with central finite differences on every parameter.
#[test]
fn gradients_match_finite_differences() {
    for (activation, loss) in [
        (Activation::Tanh, Loss::CrossEntropy),
        (Activation::Sigmoid, Loss::Squared),
        (Activation::Relu, Loss::CrossEntropy),
        (Activation::Relu, Loss::Squared),
    ] {
        let mut rng = Rng::new(11);
        let net = Mlp::new(&[2, 5, 4, 2], activation, 1.0, &mut rng);
        let data = Dataset::generate(DatasetKind::Spiral, [8, 10, 0], 0.1, &mut rng).train;
        let (_, grads) = net.backward(&net.forward(data.x.view()), &data.y, loss);
        let loss_of = |m: &Mlp| net_loss(m, &data, loss);
        let h = 1e-5;
        let mut worst: f64 = 0.0;
        #[allow(clippy::needless_range_loop)]
        for l in 0..net.layers.len() {
            for idx in 0..net.layers[l].w.len() {
                let (mut plus, mut minus) = (net.clone(), net.clone());
                plus.layers[l].w.as_slice_mut().unwrap()[idx] += h;
                minus.layers[l].w.as_slice_mut().unwrap()[idx] -= h;
                let numeric = (loss_of(&plus) - loss_of(&minus)) / (2.0 * h);
                let analytic = grads[l].w.as_slice().unwrap()[idx];
                worst = worst
                    .max((numeric - analytic).abs() / (numeric.abs() + analytic.abs()).max(1e-6));
            }
            for idx in 0..net.layers[l].b.len() {
                let (mut plus, mut minus) = (net.clone(), net.clone());
                plus.layers[l].b[idx] += h;
                minus.layers[l].b[idx] -= h;
                let numeric = (loss_of(&plus) - loss_of(&minus)) / (2.0 * h);
                worst = worst.max(
                    (numeric - grads[l].b[idx]).abs()
                        / (numeric.abs() + grads[l].b[idx].abs()).max(1e-6),
                );
            }
        }
        assert!(
            worst < 1e-5,
            "{activation:?} {loss:?}: worst relative error {worst}"
        );
    }
}

fn net_loss(m: &Mlp, data: &failure_lab::trainer::data::Split, loss: Loss) -> f64 {
    m.backward(&m.forward(data.x.view()), &data.y, loss).0
}

fn spike_run(seed: u64, spike: bool) -> Run {
    let mut config = RunConfig::default();
    config.train.seed = seed;
    if spike {
        config.faults.push(Fault::lr_spike(300));
    }
    Run::new(config).unwrap()
}

/// The spike makes the real gradients blow up; the detector fires after the
/// spike and before the loss stops being finite, and never without it.
#[test]
fn explosion_detector_fires_on_the_spike_before_the_loss_breaks() {
    for seed in 1..=5 {
        let mut run = spike_run(seed, true);
        let mut fired = None;
        while run.steps() < 3000 {
            let Some(out) = run.step() else { break };
            if fired.is_none() {
                fired = out
                    .findings
                    .iter()
                    .find(|f| f.detector == "gradient_explosion")
                    .map(|f| f.step);
            }
        }
        let broke = run
            .hard_failure()
            .unwrap_or_else(|| panic!("seed {seed}: the spike run never broke"));
        let fired = fired.unwrap_or_else(|| panic!("seed {seed}: the detector never fired"));
        let onset = run.ground_truth()[0].onset.unwrap();
        assert_eq!(onset, 300);
        assert!(
            fired >= onset && fired < broke,
            "seed {seed}: onset {onset}, fired {fired}, broke {broke}"
        );

        let mut clean = spike_run(seed, false);
        for _ in 0..3000 {
            let out = clean.step().expect("a clean run does not break");
            assert!(out.frame.get(names::LOSS).unwrap().is_finite());
        }
        assert!(
            clean.monitor().findings().is_empty(),
            "seed {seed}: {:?}",
            clean.monitor().findings()
        );
    }
}
