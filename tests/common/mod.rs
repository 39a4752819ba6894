//! Shared by the native tests and the browser suite: the reference run whose
//! every metric must be bit-identical natively and in WebAssembly.

#![allow(dead_code)]

use failure_lab::monitor::History;
use failure_lab::run::RunConfig;
use failure_lab::scenarios::Fault;

/// The golden file: the reference run's fingerprint, written by the native
/// test (`UPDATE_GOLDEN=1 cargo test --test golden`) and checked by both.
pub const GOLDEN: &str = include_str!("../golden/reference_run.txt");

/// Steps of the reference run.
pub const STEPS: u32 = 600;

/// The reference run: seed 7, default network, a learning-rate spike at 300.
pub fn reference_config() -> RunConfig {
    let mut c = RunConfig::default();
    c.train.seed = 7;
    c.faults.push(Fault::lr_spike(300));
    c
}

/// The golden text of a history: per metric, its point count, an FNV-1a hash
/// of every (step, value bits), and the loss bits every 50 steps.
pub fn fingerprint(history: &History, hard_failure: Option<u64>) -> String {
    let mut out = format!("hard_failure {hard_failure:?}\n");
    for s in history.series() {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (&step, &v) in s.steps.iter().zip(&s.values) {
            for b in step
                .to_le_bytes()
                .into_iter()
                .chain(v.to_bits().to_le_bytes())
            {
                h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
        }
        out += &format!("{} points {} fnv {h:016x}\n", s.name, s.steps.len());
    }
    if let Some(loss) = history.get("loss") {
        for (&step, &v) in loss
            .steps
            .iter()
            .zip(&loss.values)
            .filter(|(s, _)| **s % 50 == 0)
        {
            out += &format!("loss@{step} {:016x} {v:e}\n", v.to_bits());
        }
    }
    out
}
