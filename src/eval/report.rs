//! The suite's report: detection per fault and detector, the confusion
//! matrix, the lab against the course baseline, response success and the
//! threshold sweeps, all computed from the finished runs.

use serde::Serialize;

use super::cases::Case;
use super::score::{
    agent_healthy, aggregate, beats_chance, healthy, merge, percentile, ratio, score_run, RunScore,
    Spread, Stats, Truth,
};
use super::{Job, Progress, RunRecord, Settings};
use crate::detectors::Severity;
use crate::scenarios::Scenario;

/// The goal for recall of the lab's detectors, per fault.
pub const RECALL_GOAL: f64 = 0.95;
/// The goal for the false-alarm rate of the lab's detectors.
pub const FALSE_ALARM_GOAL: f64 = 0.05;

/// One detector's numbers on one faulty case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectionRow {
    /// The scenario's id.
    pub scenario: &'static str,
    /// The case's label.
    pub case: String,
    /// The fault's id.
    pub fault: &'static str,
    /// The detector's id.
    pub detector: String,
    /// Whether it is a course-baseline detector.
    pub baseline: bool,
    /// Its numbers.
    pub stats: Stats,
}

/// Detectors against faults: the share of runs of each faulty case on which
/// each detector fired at or after the onset (even too late), and in the last
/// column its false-alarm rate over every clean run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Confusion {
    /// Row labels: detector ids.
    pub detectors: Vec<String>,
    /// Column labels: faulty case labels, then "clean".
    pub columns: Vec<String>,
    /// `cells[detector][column]`.
    pub cells: Vec<Vec<Option<f64>>>,
}

/// The lab's detectors together against the course's, on one faulty case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalRow {
    /// The case's label.
    pub case: String,
    /// The fault's id.
    pub fault: &'static str,
    /// Every course-baseline detector as one (fires when any fires).
    pub baseline: Option<Stats>,
    /// Every lab detector as one.
    pub lab: Option<Stats>,
    /// The lab detector with the best recall (then lead time, then the
    /// shortest delay) on this case; None when no run counts for recall.
    pub best_lab: Option<BestLab>,
    /// Lab recall >= [`RECALL_GOAL`].
    pub recall_met: Option<bool>,
    /// Lab false-alarm rate <= [`FALSE_ALARM_GOAL`].
    pub false_alarm_met: Option<bool>,
    /// Median, over the runs that failed for good after the onset step, of
    /// the lab's lead time minus the baseline's on the same run, a missed
    /// run counting as no lead (0 steps). None: no such run.
    pub lead_gain: Option<f64>,
    /// [`GoalRow::lead_gain`] above 0: on the median failing run the lab
    /// warns earlier than the course baseline (None: no such run).
    pub lead_beats_baseline: Option<bool>,
}

/// The best of the lab's detectors on one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BestLab {
    /// Its id.
    pub detector: String,
    /// Its numbers.
    pub stats: Stats,
}

/// Response success on one faulty case: the same seeds with and without
/// the robust pipeline's automatic response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResponseRow {
    /// The case's label.
    pub case: String,
    /// The fault's id.
    pub fault: &'static str,
    /// Runs without the response.
    pub runs_without: usize,
    /// Runs with it.
    pub runs_with: usize,
    /// Share of runs without the response that finished healthy.
    pub healthy_without: Option<f64>,
    /// Share of runs with the response that finished healthy.
    pub healthy_with: Option<f64>,
    /// Share of runs without the response that failed for good.
    pub failed_without: Option<f64>,
    /// Share of runs with the response that failed for good.
    pub failed_with: Option<f64>,
}

/// One threshold value of a sweep on one faulty case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRow {
    /// The detector's id.
    pub detector: &'static str,
    /// The setting swept.
    pub parameter: &'static str,
    /// Its value.
    pub value: f64,
    /// Whether the value is the detector's default (the registry's row).
    pub default: bool,
    /// The case's label.
    pub case: String,
    /// The detector's numbers at that value.
    pub stats: Stats,
}

/// Everything the suite measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Seeds per case.
    pub seeds: u64,
    /// The first seed.
    pub first_seed: u64,
    /// Runs finished, out of all (a partial report covers finished runs).
    pub progress: Progress,
    /// Findings below this severity were ignored.
    pub min_severity: Severity,
    /// Per faulty case and detector.
    pub detection: Vec<DetectionRow>,
    /// Detectors against faults.
    pub confusion: Confusion,
    /// The lab against the course baseline, per faulty case.
    pub goals: Vec<GoalRow>,
    /// Whether response success was measured (auto-respond exists).
    pub response_measured: bool,
    /// Response success per faulty case (without the response only, when
    /// it was not measured), then clean controls.
    pub response: Vec<ResponseRow>,
    /// Threshold sweeps.
    pub sweeps: Vec<SweepRow>,
}

/// The finished observe runs, for scoring.
struct Runs<'a> {
    min: Severity,
    runs: Vec<(Job, &'a RunRecord)>,
}

impl Runs<'_> {
    /// Runs of case `case`.
    fn of_case(&self, case: usize) -> Vec<&RunRecord> {
        self.runs
            .iter()
            .filter(|(j, _)| j.case == case)
            .map(|(_, r)| *r)
            .collect()
    }

    /// Scores the detector slots `slots`, taken as one detector, on `runs`.
    fn score(&self, runs: &[&RunRecord], slots: &[usize]) -> Vec<RunScore> {
        runs.iter()
            .map(|r| {
                let lists: Vec<&[_]> = slots.iter().map(|&s| r.firings[s].as_slice()).collect();
                score_run(&r.truth, &merge(&lists), self.min)
            })
            .collect()
    }

    fn stats(&self, faulty: &[&RunRecord], clean: &[&RunRecord], slots: &[usize]) -> Stats {
        aggregate(&self.score(faulty, slots), &self.score(clean, slots))
    }
}

impl Report {
    /// The report over the finished runs among `records` (one per job).
    pub fn build(settings: &Settings, jobs: &[Job], records: &[Option<RunRecord>]) -> Report {
        let done: Vec<(Job, &RunRecord)> = jobs
            .iter()
            .zip(records)
            .filter_map(|(j, r)| Some((*j, r.as_ref()?)))
            .collect();
        let observe = Runs {
            min: settings.min_severity,
            runs: done.iter().filter(|(j, _)| !j.respond).copied().collect(),
        };
        let cases = &settings.cases;
        let faulty: Vec<usize> = (0..cases.len())
            .filter(|&c| cases[c].fault.is_some())
            .collect();
        // The clean runs a fault is judged on: its scenario's, and its own
        // control's.
        let clean_of = |scenario: &str, fault: &str| -> Vec<&RunRecord> {
            (0..cases.len())
                .filter(|&c| {
                    let case = &cases[c];
                    case.fault.is_none()
                        && case.scenario == scenario
                        && case.control_of.map_or(true, |f| f == fault)
                })
                .flat_map(|c| observe.of_case(c))
                .collect()
        };

        let mut detection = Vec::new();
        let mut goals = Vec::new();
        let mut sweeps = Vec::new();
        for &c in &faulty {
            let case = &cases[c];
            let fault = case.fault.unwrap_or_default();
            let (runs, clean) = (observe.of_case(c), clean_of(case.scenario, fault));
            let mut per_detector = Vec::new();
            for (slot, d) in settings.detectors.iter().enumerate() {
                let stats = observe.stats(&runs, &clean, &[slot]);
                per_detector.push((d, stats.clone()));
                detection.push(DetectionRow {
                    scenario: case.scenario,
                    case: case.label.clone(),
                    fault,
                    detector: d.id.clone(),
                    baseline: d.baseline,
                    stats,
                });
            }
            goals.push(goal_row(
                settings,
                case,
                &observe,
                &runs,
                &clean,
                &per_detector,
            ));
            let mut slot = settings.detectors.len();
            for s in &settings.sweeps {
                for &value in s.values {
                    sweeps.push(SweepRow {
                        detector: s.detector,
                        parameter: s.parameter,
                        value,
                        default: value == s.default,
                        case: case.label.clone(),
                        stats: observe.stats(&runs, &clean, &[slot]),
                    });
                    slot += 1;
                }
            }
        }

        Report {
            seeds: settings.seeds,
            first_seed: settings.first_seed,
            progress: Progress {
                done: done.len(),
                total: jobs.len(),
            },
            min_severity: settings.min_severity,
            detection,
            confusion: confusion(settings, &observe, &faulty),
            goals,
            response_measured: settings.respond.is_some(),
            response: response(settings, &done),
            sweeps,
        }
    }

    /// The detection row of `detector` on the case labelled `case`.
    pub fn row(&self, case: &str, detector: &str) -> Option<&DetectionRow> {
        self.detection
            .iter()
            .find(|r| r.case == case && r.detector == detector)
    }
}

fn goal_row(
    settings: &Settings,
    case: &Case,
    observe: &Runs,
    runs: &[&RunRecord],
    clean: &[&RunRecord],
    per_detector: &[(&super::Candidate, Stats)],
) -> GoalRow {
    let slots = |baseline: bool| -> Vec<usize> {
        (0..settings.detectors.len())
            .filter(|&s| settings.detectors[s].baseline == baseline)
            .collect()
    };
    let system = |baseline: bool| {
        let slots = slots(baseline);
        (!slots.is_empty()).then(|| observe.stats(runs, clean, &slots))
    };
    let (baseline, lab) = (system(true), system(false));
    let lead_gain = lab.as_ref().and_then(|_| {
        let (lab, base) = (
            observe.score(runs, &slots(false)),
            observe.score(runs, &slots(true)),
        );
        let mut gains: Vec<f64> = lab
            .iter()
            .zip(&base)
            .filter(|(l, _)| l.truth.onset.is_some() && l.truth.hard_failure > l.truth.onset)
            .map(|(l, b)| l.lead().unwrap_or(0) as f64 - b.lead().unwrap_or(0) as f64)
            .collect();
        gains.sort_by(f64::total_cmp);
        (!gains.is_empty()).then(|| percentile(&gains, 0.5))
    });
    // Among detectors with a recall on this case; ties go to the earliest.
    let best_lab = per_detector
        .iter()
        .filter(|(d, s)| !d.baseline && s.recall.is_some())
        .max_by(|(_, a), (_, b)| {
            let key = |s: &Stats| {
                (
                    s.recall.unwrap_or(0.0),
                    s.lead.map_or(0.0, |l| l.median),
                    -s.delay.map_or(f64::INFINITY, |d| d.median),
                )
            };
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(d, s)| BestLab {
            detector: d.id.clone(),
            stats: s.clone(),
        });
    GoalRow {
        case: case.label.clone(),
        fault: case.fault.unwrap_or_default(),
        recall_met: lab
            .as_ref()
            .and_then(|s| s.recall)
            .map(|r| r >= RECALL_GOAL),
        false_alarm_met: lab
            .as_ref()
            .and_then(|s| s.false_alarm_rate)
            .map(|r| r <= FALSE_ALARM_GOAL),
        lead_gain,
        lead_beats_baseline: lead_gain.map(|g| g > 0.0),
        baseline,
        lab,
        best_lab,
    }
}

fn confusion(settings: &Settings, observe: &Runs, faulty: &[usize]) -> Confusion {
    let cases = &settings.cases;
    let clean: Vec<&RunRecord> = (0..cases.len())
        .filter(|&c| cases[c].fault.is_none() && cases[c].control_of.is_none())
        .flat_map(|c| observe.of_case(c))
        .collect();
    let mut columns: Vec<String> = faulty.iter().map(|&c| cases[c].label.clone()).collect();
    columns.push("clean".into());
    let cells = (0..settings.detectors.len())
        .map(|slot| {
            let mut row: Vec<Option<f64>> = faulty
                .iter()
                .map(|&c| {
                    observe
                        .stats(&observe.of_case(c), &[], &[slot])
                        .fired_after_onset_rate
                })
                .collect();
            row.push(observe.stats(&[], &clean, &[slot]).false_alarm_rate);
            row
        })
        .collect();
    Confusion {
        detectors: settings.detectors.iter().map(|d| d.id.clone()).collect(),
        columns,
        cells,
    }
}

/// Response rows of every faulty case, then control rows of every clean
/// case: clean runs judged healthy or not against the median onset of their
/// scenario's faults, to show the health test passes healthy training.
fn response(settings: &Settings, done: &[(Job, &RunRecord)]) -> Vec<ResponseRow> {
    let cases = &settings.cases;
    let runs = |c: usize, respond: bool| -> Vec<&RunRecord> {
        done.iter()
            .filter(|(j, _)| j.case == c && j.respond == respond)
            .map(|(_, r)| *r)
            .collect()
    };
    let median_onset = |scenario: &str| {
        let onsets = (0..cases.len())
            .filter(|&c| cases[c].fault.is_some() && cases[c].scenario == scenario)
            .flat_map(|c| runs(c, false))
            .filter_map(|r| r.truth.onset);
        Spread::of(onsets).map(|s| s.median as u64)
    };
    let share = |runs: &[&RunRecord], f: &dyn Fn(&RunRecord) -> bool| {
        ratio(runs.iter().filter(|r| f(r)).count(), runs.len())
    };
    let failed = |r: &RunRecord| r.truth.hard_failure.is_some() || !r.completed;
    let mut rows: Vec<ResponseRow> = Vec::new();
    for faulty in [true, false] {
        for (c, case) in cases.iter().enumerate() {
            if case.fault.is_some() != faulty || !super::responds(case) {
                continue;
            }
            let onset = if faulty {
                None
            } else {
                median_onset(case.scenario)
            };
            let agent = case.scenario == Scenario::Agent.id();
            let is_healthy = |r: &RunRecord| {
                let truth = Truth {
                    onset: onset.or(r.truth.onset),
                    ..r.truth
                };
                r.completed
                    && if agent {
                        agent_healthy(&truth, &r.quality, r.final_diversity)
                    } else {
                        healthy(&truth, &r.val_losses, settings.health_tolerance)
                            && beats_chance(r.final_acc)
                    }
            };
            let (without, with) = (runs(c, false), runs(c, true));
            rows.push(ResponseRow {
                case: case.label.clone(),
                fault: case.fault.unwrap_or_default(),
                runs_without: without.len(),
                runs_with: with.len(),
                healthy_without: share(&without, &is_healthy),
                healthy_with: share(&with, &is_healthy),
                failed_without: share(&without, &failed),
                failed_with: share(&with, &failed),
            });
        }
    }
    rows
}
