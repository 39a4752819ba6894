//! Shortcut learning from real training (issue 10): the `spurious_feature`
//! fault keeps, from its onset, only the points whose side of the line
//! x = 0 matches their class, in every split of the collection. The network
//! then separates the classes by the side of the plane: validation (drawn
//! from the same collection) looks excellent while the stress split, held-out
//! points on the other class's side, collapses. The control (the same setup
//! without the fault) learns the circle and scores on the stress split what
//! it scores on validation.
//!
//! Measured on the suite's setup (circles, 200 stress points, onset 300,
//! 1,500 steps) at the last measurement (step 1,450): seeds 1-20, with the
//! fault validation 0.98-1.00 and stress 0.24-0.55 (0.97 or so before the
//! onset), the control validation 0.94-0.99 and stress within 0.05 of it
//! (the largest gap of any measurement after the first two: 0.07);
//! `shortcut_reliance` fired at steps 400-550 on all 20, never on the
//! control. Seeds 201-220, never used to choose anything: validation
//! 0.99-1.00 and stress 0.26-0.62 with the fault, the control within 0.03;
//! the detector at steps 400-500 on all 20, never on the control. The
//! collapse is gradual (the circle the network learned before the onset
//! erodes), hence the bar of 0.65.

use failure_lab::detectors::Severity;
use failure_lab::metrics::names;
use failure_lab::presets::presets;
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::classifier::{stress_setup, SUITE_STEPS};
use failure_lab::trainer::data::on_its_side;

/// What a run showed at its last measurement, and where it fired.
struct Story {
    val: f64,
    stress: f64,
    /// Steps at which `shortcut_reliance` fired (warning or above).
    fired: Vec<u64>,
    /// Whether every training point sat on its class's side at the end.
    shortcut_in_training: bool,
}

fn last(run: &Run, name: &str) -> f64 {
    let series = run.monitor().history.get(name).expect(name);
    *series.values.last().unwrap()
}

fn story(config: RunConfig) -> Story {
    let mut run = Run::new(config).unwrap();
    let mut fired = Vec::new();
    while run.steps() < SUITE_STEPS {
        let out = run.step().expect("the run never fails");
        fired.extend(
            (out.findings.iter())
                .filter(|f| f.detector == "shortcut_reliance" && f.severity >= Severity::Warning)
                .map(|f| f.step),
        );
    }
    let train = &run.trainer().unwrap().data.train;
    Story {
        val: last(&run, names::VAL_ACC),
        stress: last(&run, names::STRESS_ACC),
        fired,
        shortcut_in_training: (0..train.len()).all(|r| on_its_side(train, r)),
    }
}

fn faulty(seed: u64) -> RunConfig {
    let preset = presets()
        .into_iter()
        .find(|p| p.id() == "spurious_feature")
        .unwrap();
    preset.config(seed)
}

fn control(seed: u64) -> RunConfig {
    RunConfig {
        train: stress_setup(seed),
        ..RunConfig::default()
    }
}

#[test]
fn the_shortcut_is_learned_with_the_fault_and_not_without_on_20_seeds() {
    check_seeds(1..=20);
}

/// The detector's margin was chosen on seeds 1-20; the same holds on seeds
/// never used to choose it.
#[test]
fn the_same_holds_on_held_out_seeds_201_to_220() {
    check_seeds(201..=220);
}

fn check_seeds(seeds: std::ops::RangeInclusive<u64>) {
    let mut report = Vec::new();
    for seed in seeds {
        let f = story(faulty(seed));
        let c = story(control(seed));
        report.push(format!(
            "seed {seed}: fault val {:.2} stress {:.2} fired {:?}; control val {:.2} stress {:.2}",
            f.val,
            f.stress,
            f.fired.first(),
            c.val,
            c.stress
        ));
        assert!(f.shortcut_in_training && !c.shortcut_in_training);
        assert!(
            f.val >= 0.9 && f.stress <= 0.65,
            "seed {seed}: with the shortcut, validation {} and stress {}",
            f.val,
            f.stress
        );
        assert!(
            c.val >= 0.9 && (c.val - c.stress).abs() <= 0.1,
            "seed {seed}: without it, validation {} and stress {}",
            c.val,
            c.stress
        );
        // The detector: after the onset (300), and never on the control.
        assert!(f.fired.first().is_some_and(|&s| s >= 300), "seed {seed}");
        assert!(c.fired.is_empty(), "seed {seed}: {:?}", c.fired);
    }
    println!("{}", report.join("\n"));
}

#[test]
fn the_stress_split_holds_points_against_their_side_and_changes_nothing_else() {
    let run = Run::new(control(3)).unwrap();
    let data = &run.trainer().unwrap().data;
    let stress = &data.stress;
    assert_eq!(
        (stress.len(), stress.class_counts(2)),
        (200, vec![100, 100])
    );
    assert!((0..stress.len()).all(|r| !on_its_side(stress, r)));
    // The other splits are those of the same setup without a stress split.
    let mut plain = control(3);
    plain.train.n_stress = 0;
    let plain = Run::new(plain).unwrap();
    let other = &plain.trainer().unwrap().data;
    assert!(other.stress.is_empty());
    assert_eq!(
        (&data.train, &data.val, &data.test),
        (&other.train, &other.val, &other.test)
    );
}
