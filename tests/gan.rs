//! Issue 10's GAN: over 20 seeds, the gen_lr_too_high fault collapses the
//! generator onto a few modes (a hard failure) while the healthy control
//! covers the ring; the lab's detectors fire after the onset and before the
//! hard failure, and none fires on the control. Same seed, same run.

use failure_lab::detectors::Severity;
use failure_lab::metrics::names;
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::gan::{GAN_AT_STEP, SUITE_STEPS};
use failure_lab::scenarios::{Fault, Scenario};
use failure_lab::trainer::gan::GanConfig;

const SEEDS: u64 = 20;

struct Seen {
    /// Modes covered at the last evaluation.
    modes: f64,
    hard_failure: Option<u64>,
    onset: Option<u64>,
    /// (detector, first step) of every warning or critical finding.
    first: Vec<(String, u64)>,
}

fn run(seed: u64, faulty: bool) -> Seen {
    let config = RunConfig {
        scenario: Scenario::Gan,
        gan: GanConfig {
            seed,
            ..GanConfig::default()
        },
        faults: if faulty {
            vec![Fault::default_for("gen_lr_too_high").unwrap()]
        } else {
            Vec::new()
        },
        ..RunConfig::default()
    };
    let mut run = Run::new(config).unwrap();
    let (mut modes, mut first) = (0.0, Vec::<(String, u64)>::new());
    while run.steps() < SUITE_STEPS {
        let out = run.step().unwrap();
        modes = out.frame.get(names::MODES_COVERED).unwrap_or(modes);
        for f in out
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
        {
            if !first.iter().any(|(d, _)| *d == f.detector) {
                first.push((f.detector.clone(), f.step));
            }
        }
    }
    let onset = run.ground_truth().first().and_then(|g| g.onset);
    Seen {
        modes,
        hard_failure: run.hard_failure(),
        onset,
        first,
    }
}

#[test]
fn the_fault_collapses_the_generator_and_the_control_covers_the_ring() {
    let (mut collapsed, mut in_time, mut warned) = (0, 0, 0);
    // Two threads: the 40 runs take about a minute in the test profile.
    let runs: Vec<(u64, Seen, Seen)> = std::thread::scope(|scope| {
        let half = |odd: u64| {
            scope.spawn(move || {
                (1..=SEEDS)
                    .filter(|s| s % 2 == odd)
                    .map(|s| (s, run(s, false), run(s, true)))
                    .collect::<Vec<_>>()
            })
        };
        let (a, b) = (half(0), half(1));
        let mut all = a.join().unwrap();
        all.extend(b.join().unwrap());
        all
    });
    for (seed, healthy, faulty) in runs {
        assert!(
            healthy.modes >= 7.0,
            "seed {seed}: control covers {}",
            healthy.modes
        );
        assert_eq!(healthy.hard_failure, None, "seed {seed}");
        assert!(
            healthy.first.is_empty(),
            "seed {seed}: findings on the control {:?}",
            healthy.first
        );

        assert_eq!(faulty.onset, Some(GAN_AT_STEP));
        let hard = faulty.hard_failure;
        collapsed += usize::from(hard.is_some());
        let fired = |id: &str| faulty.first.iter().find(|(d, _)| d == id).map(|&(_, s)| s);
        let before_hard =
            |s: Option<u64>| s.is_some_and(|s| s >= GAN_AT_STEP && hard.is_none_or(|h| s < h));
        in_time += usize::from(before_hard(fired("mode_coverage")));
        warned += usize::from(before_hard(fired("adversarial_imbalance")));
    }
    assert!(collapsed >= 19, "collapsed on {collapsed} of 20 seeds");
    assert!(in_time >= 19, "mode_coverage in time on {in_time} of 20");
    assert!(
        warned >= 19,
        "adversarial_imbalance in time on {warned} of 20"
    );
}

#[test]
fn same_seed_same_run() {
    let frames = |seed| {
        let mut run = Run::new(RunConfig {
            scenario: Scenario::Gan,
            gan: GanConfig {
                seed,
                ..GanConfig::default()
            },
            faults: vec![Fault::default_for("gen_lr_too_high").unwrap()],
            ..RunConfig::default()
        })
        .unwrap();
        (0..GAN_AT_STEP + 60)
            .map(|_| run.step().unwrap().frame)
            .collect::<Vec<_>>()
    };
    assert_eq!(frames(3), frames(3));
}

#[test]
fn the_gan_refuses_the_automatic_response_and_other_learners_faults() {
    let mut config = RunConfig {
        scenario: Scenario::Gan,
        ..RunConfig::default()
    };
    config.respond.enabled = true;
    assert_eq!(Run::new(config).err().unwrap().field, "respond");
    let config = RunConfig {
        scenario: Scenario::Gan,
        faults: vec![Fault::lr_spike(3)],
        ..RunConfig::default()
    };
    let e = Run::new(config).err().unwrap();
    assert!(e.reason.contains("classifier"), "{e}");
}
