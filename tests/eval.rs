//! The evaluation suite computes its numbers: a blind detector scores recall
//! 0, an always-firing one a false-alarm rate of 1 and exactly the precision
//! the ground truth implies; the scoring rules hold on hand-made runs; and
//! the report does not depend on how the suite was sliced or threaded.

use failure_lab::detectors;
use failure_lab::detectors::{Detector, Finding, Severity};
use failure_lab::eval::cases::{self, Case};
use failure_lab::eval::report::Report;
use failure_lab::eval::score::{
    aggregate, healthy, merge, score_run, Firing, RunScore, Spread, Stats, Truth,
};
use failure_lab::eval::{format, sweep, Candidate, EvalError, Job, RunRecord, Settings, Suite};
use failure_lab::metrics::Frame;
use failure_lab::run::Run;

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
    let all = cases::cases();
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

    // Taken together (one alarm per step however many of them fire), the
    // lab's detectors, blind, always and the registry's own, are the
    // always-firing one: recall met, false alarms not, and earlier than the
    // course baseline.
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
    // Run by run, the always-firing lab gains over the baseline exactly the
    // explosion detector's delay, as its own monitor saw it.
    let mut gains: Vec<u64> = (1..4)
        .map(|seed| {
            let mut run = Run::new((cases[0].config)(seed)).unwrap();
            while run.steps() < cases[0].steps && run.step().is_some() {}
            let onset = run.ground_truth()[0].onset.unwrap();
            let caught = run
                .monitor()
                .findings()
                .iter()
                .find(|f| f.detector == "gradient_explosion" && f.step >= onset);
            caught.unwrap().step - onset
        })
        .collect();
    gains.sort();
    assert_eq!(goal.lead_gain, Some(gains[1] as f64));
}

#[test]
fn the_lead_goal_pairs_runs_so_catching_few_early_does_not_win() {
    // Hand-made records: the lab catches one run in three, 90 steps ahead
    // of the failure; the baseline catches all three, 50 steps ahead.
    let mut settings = small_settings(vec![
        Candidate::new("lab", false, || Box::new(Blind)),
        Candidate::new("course", true, || Box::new(Blind)),
    ]);
    settings.sweeps.clear();
    let warn = |step| Firing {
        step,
        severity: Severity::Warning,
    };
    let mut jobs = Vec::new();
    let mut records = Vec::new();
    for seed in 1..4 {
        let lab = if seed == 1 { vec![warn(110)] } else { vec![] };
        jobs.push(Job {
            case: 0,
            seed,
            respond: false,
        });
        records.push(Some(RunRecord {
            truth: Truth::faulty(Some(100), Some(200)),
            firings: vec![lab, vec![warn(150)]],
            val_losses: vec![],
            final_acc: None,
            quality: vec![],
            final_diversity: None,
            completed: false,
        }));
        jobs.push(Job {
            case: 1,
            seed,
            respond: false,
        });
        records.push(Some(RunRecord {
            truth: Truth::clean(None),
            firings: vec![vec![], vec![]],
            val_losses: vec![],
            final_acc: None,
            quality: vec![],
            final_diversity: None,
            completed: true,
        }));
    }
    // A fourth run fails on the onset step: no lead was possible, so it is
    // neither a gain nor a loss.
    jobs.push(Job {
        case: 0,
        seed: 4,
        respond: false,
    });
    records.push(Some(RunRecord {
        truth: Truth::faulty(Some(100), Some(100)),
        firings: vec![vec![], vec![]],
        val_losses: vec![],
        final_acc: None,
        quality: vec![],
        final_diversity: None,
        completed: false,
    }));
    let goal = &Report::build(&settings, &jobs, &records).goals[0];
    let median_lead = |s: &Option<Stats>| s.as_ref().unwrap().lead.unwrap().median;
    assert_eq!(
        (median_lead(&goal.lab), median_lead(&goal.baseline)),
        (90.0, 50.0)
    );
    // Gains per run: 90 - 50, 0 - 50, 0 - 50.
    assert_eq!(goal.lead_gain, Some(-50.0));
    assert_eq!(goal.lead_beats_baseline, Some(false));
    assert_eq!(goal.recall_met, Some(false));
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

    // Every sweep at its default reproduces its detector's own row.
    let at_default = |id: &str| {
        let rows: Vec<_> = report
            .sweeps
            .iter()
            .filter(|s| s.detector == id && s.default)
            .collect();
        assert_eq!(rows.len(), 1, "{id}: one default row");
        rows[0].stats.clone()
    };
    assert_eq!(at_default("gradient_explosion"), expected);
    assert_eq!(
        report.sweeps.len(),
        sweep::SWEEPS.iter().map(|s| s.values.len()).sum::<usize>()
    );
    for s in sweep::SWEEPS {
        assert_eq!(
            at_default(s.detector),
            *row(&report, s.detector),
            "{}",
            s.detector
        );
    }
}

#[test]
fn sweeps_name_registry_detectors_and_move_one_setting_upwards() {
    for s in sweep::SWEEPS {
        let info = detectors::info(s.detector).expect("a registry id");
        assert_eq!((s.build)(s.default).id(), info.id);
        assert!(
            s.values.contains(&s.default),
            "{}: default swept",
            s.detector
        );
        assert!(
            s.values.windows(2).all(|w| w[0] < w[1]) && s.values.iter().all(|v| v.is_finite()),
            "{}: finite and increasing",
            s.detector
        );
    }
    let mut ids: Vec<&str> = sweep::SWEEPS.iter().map(|s| s.detector).collect();
    ids.dedup();
    assert_eq!(ids.len(), sweep::SWEEPS.len(), "one sweep per detector");
    // A registry that leaves a detector out leaves its sweep out too.
    let only = Settings::with_detectors(vec![Candidate::from_info(
        detectors::info("grad_norm_spike").unwrap(),
    )]);
    assert_eq!(
        only.sweeps.iter().map(|s| s.detector).collect::<Vec<_>>(),
        ["grad_norm_spike"]
    );
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
    let settings = small_settings(Candidate::registry());
    // 2 cases x 3 seeds, and a response run for each seed of the faulty one
    // once the automatic response exists.
    let responses = if settings.respond.is_some() { 3 } else { 0 };
    let mut suite = Suite::new(settings).unwrap();
    let p = suite.step_run().unwrap();
    assert_eq!((p.done, p.total), (1, 6 + responses));
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
    let lr_spike_rows = Candidate::registry().len();
    assert_eq!(detection.len(), lr_spike_rows, "one row per detector");
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
    assert!(detection.iter().all(|row| row["runs"] == 1));
    assert!(format::csv(&report).starts_with("case,fault,detector,"));
    // The browser takes the report as one plain object.
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(
        value["progress"],
        serde_json::json!({"done": 1, "total": p.total})
    );
    for key in ["detection", "confusion", "goals", "response", "sweeps"] {
        assert!(value[key].is_array() || value[key].is_object(), "{key}");
    }
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
fn a_run_that_never_reached_its_steps_failed_whatever_its_loss() {
    let mut settings = small_settings(vec![Candidate::new("blind", false, || Box::new(Blind))]);
    settings.sweeps.clear();
    settings.seeds = 1;
    settings.respond = Some(|_| {});
    let learned: Vec<(u64, f64)> = (0..10).map(|i| (i * 100, 1.0 / (i + 1) as f64)).collect();
    let record = |completed| RunRecord {
        truth: Truth::faulty(None, None),
        firings: vec![vec![]],
        val_losses: learned.clone(),
        final_acc: None,
        quality: vec![],
        final_diversity: None,
        completed,
    };
    let job = |respond| Job {
        case: 0,
        seed: 1,
        respond,
    };
    let report = Report::build(
        &settings,
        &[job(false), job(true)],
        &[Some(record(true)), Some(record(false))],
    );
    let r = &report.response[0];
    assert_eq!(
        (r.healthy_without, r.failed_without),
        (Some(1.0), Some(0.0))
    );
    assert_eq!((r.healthy_with, r.failed_with), (Some(0.0), Some(1.0)));
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

    // A fault that breaks training on its first step leaves no time to
    // warn: such runs are counted, not held against recall.
    let instant =
        |firings: &[Firing]| score_run(&Truth::faulty(Some(100), Some(100)), firings, Warning);
    let s = aggregate(&[instant(&[fire(100, Warning)]), instant(&[])], &clean);
    assert_eq!((s.runs_with_onset, s.failed_at_onset), (2, 2));
    assert_eq!((s.recall, s.fired_after_onset_rate), (None, Some(0.5)));
    let mut mixed = faulty.to_vec();
    mixed.push(instant(&[]));
    let s = aggregate(&mixed, &clean);
    assert_eq!((s.recall, s.failed_at_onset), (Some(2.0 / 3.0), 1));
    assert_eq!(s.fired_after_onset_rate, Some(3.0 / 4.0));

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
    // Detectors firing on the same step are one alarm, at the loudest severity.
    use Severity::{Critical, Info};
    let merged = merge(&[
        &[fire(5, Warning), fire(7, Info)],
        &[fire(5, Critical), fire(7, Info)],
        &[fire(5, Info)],
    ]);
    assert_eq!(merged, [fire(5, Critical), fire(7, Info)]);

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
    // The reference is the last measurement before the onset in time, not
    // one of the same steps measured again after a rollback.
    let mut rolled_back = vec![(0, 1.0), (290, 0.30), (300, 0.9), (250, 0.6)];
    rolled_back.extend((0..5).map(|i| (1450 + 10 * i, 0.5)));
    assert!(!healthy(&onset_300, &rolled_back, 0.1));
    // No measurement before the onset: it must at least have learned.
    assert!(healthy(&Truth::clean(None), &losses, 0.1));
    assert!(!healthy(&Truth::clean(None), &[(0, 1.0), (1490, 1.2)], 0.1));
    assert!(!healthy(&Truth::clean(None), &[], 0.1));
}
