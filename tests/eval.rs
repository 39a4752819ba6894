//! The evaluation suite computes its numbers: a blind detector scores recall
//! 0, an always-firing one a false-alarm rate of 1 and exactly the precision
//! the ground truth implies; the scoring rules hold on hand-made runs; and
//! the report does not depend on how the suite was sliced or threaded.

use failure_lab::detectors::{Detector, Finding, Severity};
use failure_lab::eval::report::Report;
use failure_lab::eval::score::{
    aggregate, healthy, merge, score_run, Firing, RunScore, Spread, Truth,
};
use failure_lab::eval::{format, Candidate, EvalError, Settings, Suite};
use failure_lab::metrics::Frame;
use failure_lab::run::Run;
use failure_lab::scenarios::{self, Case};

/// Never fires.
struct Blind;

impl Detector for Blind {
    fn id(&self) -> &'static str {
        "blind"
    }
    fn observe(&mut self, _: &Frame) -> Option<Finding> {
        None
    }
    fn reset(&mut self) {}
}

/// Fires a warning on every step.
struct Always;

impl Detector for Always {
    fn id(&self) -> &'static str {
        "always"
    }
    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        Some(Finding {
            detector: "always".into(),
            step: frame.step,
            severity: Severity::Warning,
            message: "always".into(),
            recommendation: "none".into(),
        })
    }
    fn reset(&mut self) {}
}

/// The lr-spike case and one clean case, shortened to keep the test quick
/// (the spike still breaks training well within 900 steps).
fn small_cases() -> Vec<Case> {
    let all = scenarios::cases();
    let spike = all.iter().find(|c| c.fault == Some("lr_spike")).unwrap();
    let clean = all.iter().find(|c| c.fault.is_none()).unwrap();
    [spike, clean]
        .into_iter()
        .map(|c| Case {
            steps: 900,
            ..c.clone()
        })
        .collect()
}

fn small_settings(detectors: Vec<Candidate>) -> Settings {
    Settings {
        seeds: 3,
        cases: small_cases(),
        ..Settings::with_detectors(detectors)
    }
}

fn row<'a>(report: &'a Report, detector: &str) -> &'a failure_lab::eval::score::Stats {
    &report.row("lr_spike", detector).unwrap().stats
}

/// Steps each run of `case` takes, and its onset, by driving the runs
/// directly (not through the suite).
fn observed(case: &Case, seeds: std::ops::Range<u64>) -> Vec<(u64, Option<u64>)> {
    seeds
        .map(|seed| {
            let mut run = Run::new((case.config)(seed)).unwrap();
            let mut steps = 0;
            while steps < case.steps && run.step().is_some() {
                steps += 1;
            }
            let onset = run.ground_truth().first().and_then(|g| g.onset);
            (steps, onset)
        })
        .collect()
}

#[test]
fn blind_and_always_firing_detectors_get_the_numbers_they_earn() {
    let mut detectors = vec![
        Candidate::new("blind", false, || Box::new(Blind)),
        Candidate::new("always", false, || Box::new(Always)),
    ];
    detectors.extend(Candidate::registry());
    let settings = small_settings(detectors);
    let mut suite = Suite::new(settings).unwrap();
    suite.run_all().unwrap();
    let report = suite.report();

    let blind = row(&report, "blind");
    assert_eq!(blind.runs, 3);
    assert_eq!(blind.recall, Some(0.0));
    assert_eq!(blind.false_alarm_rate, Some(0.0));
    assert_eq!(blind.precision, None, "no firings, no precision");
    assert_eq!((blind.delay, blind.lead), (None, None));

    let always = row(&report, "always");
    assert_eq!(always.false_alarm_rate, Some(1.0));
    assert_eq!(always.pre_onset_alarm_rate, Some(1.0));
    // It fires on the onset step itself, long before the spike breaks
    // training: caught every run, with zero delay.
    assert_eq!(always.recall, Some(1.0));
    assert_eq!(always.delay.unwrap().median, 0.0);

    // Its precision is the share of all observed steps that came at or after
    // an onset, counted here from runs driven outside the suite.
    let cases = small_cases();
    let (mut true_firings, mut firings) = (0, 0);
    for (steps, onset) in observed(&cases[0], 1..4) {
        let onset = onset.expect("the spike takes effect");
        assert!(steps < cases[0].steps, "the spike breaks training");
        true_firings += steps - onset;
        firings += steps;
    }
    for (steps, _) in observed(&cases[1], 1..4) {
        firings += steps;
    }
    let precision = always.precision.unwrap();
    assert!(
        (precision - true_firings as f64 / firings as f64).abs() < 1e-12,
        "{precision} vs {true_firings}/{firings}"
    );
    // Its lead time is the whole stretch from onset to the hard failure.
    assert!(always.lead.unwrap().median > 100.0);

    // Taken together, the lab's two detectors are the always-firing one:
    // recall met, false alarms not, and earlier than the course baseline.
    let goal = &report.goals[0];
    assert_eq!(goal.lab.as_ref(), Some(always));
    assert_eq!(
        goal.best_lab.as_ref().map(|b| b.detector.as_str()),
        Some("always")
    );
    assert_eq!(
        (
            goal.recall_met,
            goal.false_alarm_met,
            goal.lead_beats_baseline
        ),
        (Some(true), Some(false), Some(true))
    );
    let baseline = goal.baseline.as_ref().unwrap();
    assert_eq!(baseline, row(&report, "gradient_explosion"));
}

#[test]
fn suite_grades_the_registry_as_the_monitor_sees_it() {
    // Score the monitor's own findings on independently driven runs and
    // check the suite reports the same numbers for the explosion detector.
    let cases = small_cases();
    let min = Severity::Warning;
    let scores = |case: &Case| -> Vec<RunScore> {
        (1..4)
            .map(|seed| {
                let mut run = Run::new((case.config)(seed)).unwrap();
                while run.steps() < case.steps && run.step().is_some() {}
                let firings: Vec<Firing> = run
                    .monitor()
                    .findings()
                    .iter()
                    .filter(|f| f.detector == "gradient_explosion")
                    .map(Firing::from)
                    .collect();
                let truth = match case.fault {
                    Some(_) => Truth::faulty(run.ground_truth()[0].onset, run.hard_failure()),
                    None => Truth::clean(run.hard_failure()),
                };
                score_run(&truth, &firings, min)
            })
            .collect()
    };
    let expected = aggregate(&scores(&cases[0]), &scores(&cases[1]));

    let mut suite = Suite::new(small_settings(Candidate::registry())).unwrap();
    suite.run_all().unwrap();
    let report = suite.report();
    let got = row(&report, "gradient_explosion");
    assert_eq!(*got, expected);
    assert_eq!(
        got.recall,
        Some(1.0),
        "the explosion detector catches the spike"
    );

    // The sweep at the default threshold reproduces the detector's own row.
    let at_default = report
        .sweeps
        .iter()
        .find(|s| s.detector == "gradient_explosion" && s.value == 1000.0)
        .unwrap();
    assert_eq!(at_default.stats, expected);
}

#[test]
fn slicing_and_threads_do_not_change_the_report() {
    let settings = small_settings(Candidate::registry());
    let mut whole = Suite::new(settings.clone()).unwrap();
    whole.run_all().unwrap();

    let mut sliced = Suite::new(settings.clone()).unwrap();
    let mut slices = 0;
    loop {
        let p = sliced.advance(97).unwrap();
        slices += 1;
        assert!(p.done <= p.total);
        if p.finished() {
            break;
        }
    }
    assert!(
        slices > sliced.progress().total,
        "runs were split across slices"
    );

    let mut threaded = Suite::new(settings.clone()).unwrap();
    threaded.advance(150).unwrap(); // leave a run half done
    let mut seen = Vec::new();
    threaded.run_parallel(2, |p| seen.push(p.done)).unwrap();
    assert_eq!(seen.last(), Some(&threaded.progress().total));

    assert_eq!(whole.report(), sliced.report());
    assert_eq!(whole.report(), threaded.report());
}

#[test]
fn a_partial_report_covers_the_finished_runs() {
    let mut suite = Suite::new(small_settings(Candidate::registry())).unwrap();
    let p = suite.step_run().unwrap();
    // 2 cases x 3 seeds, and a response run for each seed of the faulty one.
    assert_eq!((p.done, p.total), (1, 9));
    let report = suite.report();
    assert_eq!(report.progress, p);
    assert_eq!(row(&report, "gradient_explosion").runs, 1);
    assert_eq!(row(&report, "gradient_explosion").clean_runs, 0);

    // Every output format renders it.
    for t in format::tables(&report) {
        assert!(
            t.rows.iter().all(|r| r.len() == t.headers.len()),
            "{}",
            t.title
        );
    }
    let lines = format::json_lines(&report);
    let detection: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .filter(|v: &serde_json::Value| v["table"] == "detection")
        .collect();
    assert_eq!(detection.len(), 1);
    for key in [
        "fault",
        "detector",
        "runs",
        "recall",
        "precision",
        "false_alarm_rate",
        "median_delay_steps",
        "median_lead_steps",
    ] {
        assert!(detection[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(detection[0]["runs"], 1);
    assert!(format::csv(&report).starts_with("case,fault,detector,"));
    assert!(format::markdown(&report, "test").contains("| gradient_explosion | * | 1 |"));
}

#[test]
fn response_success_compares_the_same_seeds_with_and_without() {
    // Until the robust pipeline lands, a response that removes the fault
    // stands in for a perfect one, and one that does nothing for a useless one.
    let mut settings = small_settings(Candidate::registry());
    settings.respond = Some(|c| c.faults.clear());
    let mut suite = Suite::new(settings.clone()).unwrap();
    assert_eq!(suite.progress().total, 9, "3 response runs are added");
    suite.run_all().unwrap();
    let r = &suite.report().response[0];
    assert_eq!((r.runs_without, r.runs_with), (3, 3));
    assert_eq!(
        (r.healthy_without, r.failed_without),
        (Some(0.0), Some(1.0))
    );
    assert_eq!((r.healthy_with, r.failed_with), (Some(1.0), Some(0.0)));
    let control = &suite.report().response[1];
    assert_eq!(control.case, "clean/spiral");
    assert_eq!(
        control.healthy_without,
        Some(1.0),
        "healthy training passes"
    );

    settings.respond = Some(|_| {});
    let mut suite = Suite::new(settings).unwrap();
    suite.run_all().unwrap();
    let r = &suite.report().response[0];
    assert_eq!(r.healthy_with, r.healthy_without);
    assert_eq!(r.failed_with, Some(1.0));
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    let mut s = Settings {
        seeds: 0,
        ..Settings::default()
    };
    assert!(matches!(Suite::new(s.clone()), Err(EvalError::Setting(_))));
    s.seeds = 2;
    s.detectors.clear();
    assert!(Suite::new(s.clone()).is_err());
    let mut s = Settings::default();
    match s.only_fault("no_such_fault") {
        Err(EvalError::UnknownFault { known, .. }) => assert!(known.contains("lr_spike")),
        other => panic!("{other:?}"),
    }
    s.only_fault("lr_spike").unwrap();
    assert!(s
        .cases
        .iter()
        .all(|c| c.fault.map_or(true, |f| f == "lr_spike")));
    assert!(
        s.cases.iter().any(|c| c.fault.is_none()),
        "clean cases stay"
    );
}

// Scoring rules on hand-made runs.

fn fire(step: u64, severity: Severity) -> Firing {
    Firing { step, severity }
}

#[test]
fn score_run_follows_the_definitions() {
    use Severity::*;
    let truth = Truth::faulty(Some(100), Some(200));
    let firings = [
        fire(50, Warning),
        fire(90, Info),
        fire(120, Critical),
        fire(150, Warning),
        fire(200, Critical),
    ];
    let s = score_run(&truth, &firings, Warning);
    assert_eq!((s.firings, s.true_firings), (4, 3), "info is ignored");
    assert!(s.false_alarm, "the firing at 50 came before the onset");
    assert_eq!(s.caught_at, Some(120));
    assert_eq!((s.delay(), s.lead()), (Some(20), Some(80)));

    // Firing only at the failing step: after onset, but too late to count.
    let late = score_run(&truth, &[fire(200, Critical)], Warning);
    assert!(late.fired_after_onset && !late.false_alarm);
    assert_eq!((late.caught_at, late.lead()), (None, None));

    // At a stricter minimum, warnings vanish.
    let strict = score_run(&truth, &firings, Critical);
    assert_eq!((strict.firings, strict.caught_at), (2, Some(120)));

    // A run that never fails: any firing after onset is in time.
    let no_failure = score_run(
        &Truth::faulty(Some(10), None),
        &[fire(900, Warning)],
        Warning,
    );
    assert_eq!((no_failure.delay(), no_failure.lead()), (Some(890), None));

    // On a clean run, or where the fault never took effect, firing is a false alarm.
    for truth in [Truth::clean(None), Truth::faulty(None, None)] {
        let s = score_run(&truth, &[fire(5, Warning)], Warning);
        assert!(s.false_alarm && s.caught_at.is_none() && s.true_firings == 0);
    }
}

#[test]
fn aggregate_follows_the_definitions() {
    use Severity::Warning;
    let faulty = [
        // caught: delay 10, lead 40
        score_run(
            &Truth::faulty(Some(100), Some(150)),
            &[fire(110, Warning)],
            Warning,
        ),
        // caught: delay 30, lead 20, plus an early false alarm
        score_run(
            &Truth::faulty(Some(100), Some(150)),
            &[fire(20, Warning), fire(130, Warning)],
            Warning,
        ),
        // missed: only fired at the failure
        score_run(
            &Truth::faulty(Some(100), Some(150)),
            &[fire(150, Warning)],
            Warning,
        ),
        // the fault never took effect: not in recall's denominator
        score_run(&Truth::faulty(None, None), &[], Warning),
    ];
    let clean = [
        score_run(
            &Truth::clean(None),
            &[fire(3, Warning), fire(9, Warning)],
            Warning,
        ),
        score_run(&Truth::clean(None), &[], Warning),
        score_run(&Truth::clean(None), &[], Warning),
        score_run(&Truth::clean(None), &[], Warning),
    ];
    let s = aggregate(&faulty, &clean);
    assert_eq!(
        (s.runs, s.runs_with_onset, s.hard_failures, s.clean_runs),
        (4, 3, 3, 4)
    );
    assert_eq!(s.recall, Some(2.0 / 3.0));
    assert_eq!(s.fired_after_onset_rate, Some(1.0));
    // true: 110, 130, 150; all: those, 20, and two on a clean run.
    assert_eq!(s.precision, Some(3.0 / 6.0));
    assert_eq!(s.false_alarm_rate, Some(0.25));
    assert_eq!(s.pre_onset_alarm_rate, Some(0.25));
    let delay = s.delay.unwrap();
    assert_eq!(
        (delay.n, delay.median, delay.p10, delay.p90),
        (2, 20.0, 12.0, 28.0)
    );
    let lead = s.lead.unwrap();
    assert_eq!((lead.n, lead.median), (2, 30.0));

    let empty = aggregate(&[], &[]);
    assert_eq!(
        (empty.recall, empty.precision, empty.false_alarm_rate),
        (None, None, None)
    );
}

#[test]
fn spreads_merges_and_health() {
    let s = Spread::of([5, 1, 4, 2, 3]).unwrap();
    assert_eq!((s.n, s.median, s.p10, s.p90), (5, 3.0, 1.4, 4.6));
    assert_eq!(Spread::of([]), None);

    use Severity::Warning;
    let merged = merge(&[&[fire(9, Warning)], &[fire(2, Warning), fire(12, Warning)]]);
    assert_eq!(
        merged.iter().map(|f| f.step).collect::<Vec<_>>(),
        [2, 9, 12]
    );

    // The final loss is the median of the last five: 0.32 despite the blip.
    let losses = [
        (0, 1.0),
        (290, 0.30),
        (500, 0.9),
        (1450, 0.31),
        (1460, 0.5),
        (1470, 0.32),
        (1480, 0.33),
        (1490, 0.30),
    ];
    let onset_300 = Truth::faulty(Some(300), None);
    assert!(
        healthy(&onset_300, &losses, 0.1),
        "0.32 is within 10% of 0.30"
    );
    assert!(!healthy(&onset_300, &losses, 0.05));
    assert!(!healthy(
        &Truth::faulty(Some(300), Some(1200)),
        &losses,
        0.1
    ));
    assert!(!healthy(
        &onset_300,
        &[(0, 1.0), (290, 0.3), (1490, f64::NAN)],
        0.1
    ));
    // No measurement before the onset: it must at least have learned.
    assert!(healthy(&Truth::clean(None), &losses, 0.1));
    assert!(!healthy(&Truth::clean(None), &[(0, 1.0), (1490, 1.2)], 0.1));
    assert!(!healthy(&Truth::clean(None), &[], 0.1));
}
