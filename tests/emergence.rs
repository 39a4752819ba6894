//! Capability emergence from real training (issue 10): the `grokking`
//! fault (weight decay on) on its setup, (a + b) mod 23 learned from 70% of
//! the pairs (`grokking_setup`), against its control (the same setup
//! without it). With the fault the network fits its training pairs first
//! and generalises to the held-out pairs only hundreds of steps later;
//! without it, it never does.
//!
//! The detectors' thresholds were chosen on seeds 1-20 (`failure-lab eval
//! --fault grokking`: held_out_turn and capability_overhang recall 1.00, no
//! false alarm, median lead 760 and 740 steps); this test holds them on
//! seeds 201-220, which were not used to choose them.

use failure_lab::detectors::Finding;
use failure_lab::metrics::names;
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::classifier::{grokking_setup, SUITE_STEPS};
use failure_lab::scenarios::Fault;

const SEEDS: std::ops::RangeInclusive<u64> = 201..=220;

/// What happened in a run: the first step at which the training pairs were
/// all fit (checked every 50 steps), the held-out accuracy then, the step
/// the fault's outcome was recorded (held-out accuracy first at 0.7), and
/// each detector's first finding.
#[derive(Debug)]
struct Story {
    fit: Option<u64>,
    val_at_fit: f64,
    emerged: Option<u64>,
    last_val: f64,
    fired: Vec<(String, u64)>,
}

impl Story {
    fn first(&self, id: &str) -> Option<u64> {
        self.fired.iter().find(|(d, _)| d == id).map(|&(_, s)| s)
    }
}

fn run(seed: u64, with_fault: bool) -> Story {
    let config = RunConfig {
        train: grokking_setup(seed),
        faults: (with_fault.then(|| Fault::default_for("grokking").unwrap()))
            .into_iter()
            .collect(),
        ..RunConfig::default()
    };
    let mut run = Run::new(config).expect("a valid setup");
    let mut story = Story {
        fit: None,
        val_at_fit: f64::NAN,
        emerged: None,
        last_val: f64::NAN,
        fired: Vec::new(),
    };
    for _ in 0..SUITE_STEPS {
        let out = run.step().expect("the run goes on");
        for Finding { detector, step, .. } in out.findings {
            if story.first(&detector).is_none() {
                story.fired.push((detector, step));
            }
        }
        let frame = &out.frame;
        if let Some(val) = frame.get(names::VAL_ACC) {
            story.last_val = val;
            let t = run.trainer().unwrap();
            if frame.step % 50 == 0 && story.fit.is_none() && t.score(&t.data.train).acc >= 0.99 {
                story.fit = Some(frame.step);
                story.val_at_fit = val;
            }
        }
    }
    story.emerged = run.ground_truth().first().and_then(|g| g.emerged);
    story
}

#[test]
fn weight_decay_makes_held_out_accuracy_jump_long_after_the_fit_and_is_warned_of() {
    let mut emerged = 0;
    let mut leads = Vec::new();
    for seed in SEEDS {
        let s = run(seed, true);
        eprintln!("seed {seed}: {s:?}");
        let fit = s
            .fit
            .unwrap_or_else(|| panic!("seed {seed}: the training pairs are fit: {s:?}"));
        assert!(fit <= 500, "seed {seed}: fit early: {s:?}");
        // At the fit, the held-out pairs are no better than chance (1/23).
        assert!(
            s.val_at_fit < 0.15,
            "seed {seed}: memorised, not generalised, at the fit: {s:?}"
        );
        let Some(step) = s.emerged else { continue };
        emerged += 1;
        assert!(
            step >= fit + 300,
            "seed {seed}: emergence comes long after the fit: {s:?}"
        );
        // Both early warnings come before it.
        for id in ["held_out_turn", "capability_overhang"] {
            let at = s.first(id);
            assert!(
                at.is_some_and(|at| at < step),
                "seed {seed}: {id} warns before held-out accuracy passes 0.7: {s:?}"
            );
        }
        leads.push(step - s.first("held_out_turn").unwrap());
    }
    leads.sort_unstable();
    eprintln!("held_out_turn leads on seeds {SEEDS:?}: {leads:?}");
    assert!(
        emerged >= 18,
        "held-out accuracy passed 0.7 on {emerged} of 20 seeds"
    );
}

#[test]
fn without_weight_decay_it_never_generalises_and_no_warning_fires() {
    for seed in SEEDS {
        let s = run(seed, false);
        eprintln!("control seed {seed}: {s:?}");
        assert!(
            s.fit.is_some(),
            "seed {seed}: the control fits its training pairs too: {s:?}"
        );
        assert!(s.last_val < 0.2, "seed {seed}: {s:?}");
        for id in ["held_out_turn", "capability_overhang", "capability_spike"] {
            assert_eq!(s.first(id), None, "seed {seed}: {id} on the control: {s:?}");
        }
    }
}
