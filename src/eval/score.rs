//! Scoring: pure functions from what happened in a run (its [`Truth`]) and
//! what a detector said (its [`Firing`]s) to the suite's numbers.
//!
//! # Definitions
//!
#![doc = include_str!("definitions.md")]

use serde::Serialize;

use crate::detectors::{Finding, Severity};

/// One finding reduced to what scoring needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Firing {
    /// The step it fired at.
    pub step: u64,
    /// How loud it was.
    pub severity: Severity,
}

impl From<&Finding> for Firing {
    fn from(f: &Finding) -> Self {
        Firing {
            step: f.step,
            severity: f.severity,
        }
    }
}

/// What is known for certain about one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Truth {
    /// Whether a fault was switched on (false: a clean run).
    pub faulty: bool,
    /// The step at which the fault took effect (None: clean, or never).
    pub onset: Option<u64>,
    /// The first step with a non-finite loss, if training failed (an
    /// agent: its hard failure); for a fault whose outcome is an event, the
    /// step it happened (`grokking`: held-out accuracy passed 0.7). A
    /// detection counts before it; the lead time is measured to it.
    pub hard_failure: Option<u64>,
    /// Whether `hard_failure` is such an event (a capability emerged), not
    /// a failure: the report words it so.
    #[serde(default)]
    pub emerged: bool,
}

impl Truth {
    /// A clean run that failed at `hard_failure`, if it did.
    pub fn clean(hard_failure: Option<u64>) -> Truth {
        Truth {
            faulty: false,
            onset: None,
            hard_failure,
            emerged: false,
        }
    }

    /// A faulty run whose fault took effect at `onset`.
    pub fn faulty(onset: Option<u64>, hard_failure: Option<u64>) -> Truth {
        Truth {
            faulty: true,
            onset,
            hard_failure,
            emerged: false,
        }
    }

    /// A faulty run whose fault took effect at `onset` and whose outcome,
    /// an event rather than a failure, showed at `emerged` (if it did).
    pub fn emerging(onset: Option<u64>, emerged: Option<u64>) -> Truth {
        Truth {
            emerged: emerged.is_some(),
            ..Truth::faulty(onset, emerged)
        }
    }
}

/// How one detector did on one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunScore {
    /// The run's truth.
    pub truth: Truth,
    /// Firings that counted (at or above the minimum severity).
    pub firings: u32,
    /// Of those, firings at or after the onset of the run's fault.
    pub true_firings: u32,
    /// Whether any counted firing was a false alarm.
    pub false_alarm: bool,
    /// Whether it fired at or after the onset at all (even too late).
    pub fired_after_onset: bool,
    /// The first firing in time: at or after onset, before the hard failure.
    pub caught_at: Option<u64>,
}

impl RunScore {
    /// Steps from the onset to the first in-time firing.
    pub fn delay(&self) -> Option<u64> {
        Some(self.caught_at? - self.truth.onset?)
    }

    /// Steps from the first in-time firing to the hard failure.
    pub fn lead(&self) -> Option<u64> {
        Some(self.truth.hard_failure? - self.caught_at?)
    }
}

/// Scores one detector's firings on one run.
pub fn score_run(truth: &Truth, firings: &[Firing], min_severity: Severity) -> RunScore {
    let mut score = RunScore {
        truth: *truth,
        ..RunScore::default()
    };
    for f in firings.iter().filter(|f| f.severity >= min_severity) {
        score.firings += 1;
        match truth.onset {
            Some(onset) if truth.faulty && f.step >= onset => {
                score.true_firings += 1;
                score.fired_after_onset = true;
                if truth.hard_failure.map_or(true, |h| f.step < h) {
                    score.caught_at = Some(score.caught_at.map_or(f.step, |c| c.min(f.step)));
                }
            }
            _ => score.false_alarm = true,
        }
    }
    score
}

/// The firings of several detectors as one detector's, one that fires when
/// any of them fires: one firing per step, as loud as the loudest there.
///
/// Counting each detector's firing separately would make a combined system's
/// precision a tally of how many of its detectors agree on a step, not the
/// share of its alarms that were true.
pub fn merge(lists: &[&[Firing]]) -> Vec<Firing> {
    let mut all: Vec<Firing> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    all.sort_by_key(|f| (f.step, std::cmp::Reverse(f.severity)));
    all.dedup_by_key(|f| f.step);
    all
}

/// Median and spread of a set of step counts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// How many values.
    pub n: usize,
    /// The median.
    pub median: f64,
    /// The 10th percentile.
    pub p10: f64,
    /// The 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// The spread of `values`; None when there are none.
    pub fn of(values: impl IntoIterator<Item = u64>) -> Option<Spread> {
        let mut v: Vec<f64> = values.into_iter().map(|x| x as f64).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Spread {
            n: v.len(),
            median: percentile(&v, 0.5),
            p10: percentile(&v, 0.1),
            p90: percentile(&v, 0.9),
        })
    }
}

/// The `p` quantile (0..=1) of sorted, non-empty `sorted`, interpolating
/// linearly between neighbouring ranks.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let pos = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// `num / den`, or None when there is nothing to divide by.
pub fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// One detector's numbers on one fault.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Faulty runs.
    pub runs: usize,
    /// Faulty runs whose fault took effect.
    pub runs_with_onset: usize,
    /// Of those, runs that failed for good on the onset step itself: no
    /// warning could come in time, so they are left out of recall.
    pub failed_at_onset: usize,
    /// Faulty runs that failed for good, or whose outcome event happened
    /// (see [`Truth::emerged`]).
    pub hard_failures: usize,
    /// Of those, runs whose event was an emergence, not a failure.
    pub emerged: usize,
    /// Clean runs compared against.
    pub clean_runs: usize,
    /// Caught runs / faulty runs whose fault took effect before training
    /// failed (None: no such run).
    pub recall: Option<f64>,
    /// True firings / all firings on the faulty and clean runs.
    pub precision: Option<f64>,
    /// Clean runs with any firing / clean runs.
    pub false_alarm_rate: Option<f64>,
    /// Faulty runs with a false alarm (before onset) / faulty runs.
    pub pre_onset_alarm_rate: Option<f64>,
    /// Runs where it fired at or after onset, even too late / runs with onset.
    pub fired_after_onset_rate: Option<f64>,
    /// Steps from onset to the first in-time firing.
    pub delay: Option<Spread>,
    /// Steps from the first in-time firing to the hard failure.
    pub lead: Option<Spread>,
}

/// Aggregates one detector's scores on the runs of one fault and on clean runs.
pub fn aggregate(faulty: &[RunScore], clean: &[RunScore]) -> Stats {
    let with_onset: Vec<&RunScore> = faulty.iter().filter(|s| s.truth.onset.is_some()).collect();
    let at_onset =
        |s: &RunScore| s.truth.hard_failure.is_some() && s.truth.hard_failure == s.truth.onset;
    let warnable: Vec<&RunScore> = with_onset
        .iter()
        .copied()
        .filter(|s| !at_onset(s))
        .collect();
    let count = |runs: &[&RunScore], f: fn(&RunScore) -> bool| runs.iter().filter(|s| f(s)).count();
    let all_faulty: Vec<&RunScore> = faulty.iter().collect();
    let all_clean: Vec<&RunScore> = clean.iter().collect();
    let firings: u32 = faulty.iter().chain(clean).map(|s| s.firings).sum();
    let true_firings: u32 = faulty.iter().map(|s| s.true_firings).sum();
    Stats {
        runs: faulty.len(),
        runs_with_onset: with_onset.len(),
        failed_at_onset: with_onset.len() - warnable.len(),
        hard_failures: count(&all_faulty, |s| s.truth.hard_failure.is_some()),
        emerged: count(&all_faulty, |s| s.truth.emerged),
        clean_runs: clean.len(),
        recall: ratio(count(&warnable, |s| s.caught_at.is_some()), warnable.len()),
        precision: ratio(true_firings as usize, firings as usize),
        false_alarm_rate: ratio(count(&all_clean, |s| s.false_alarm), clean.len()),
        pre_onset_alarm_rate: ratio(count(&all_faulty, |s| s.false_alarm), faulty.len()),
        fired_after_onset_rate: ratio(
            count(&with_onset, |s| s.fired_after_onset),
            with_onset.len(),
        ),
        delay: Spread::of(with_onset.iter().filter_map(|s| s.delay())),
        lead: Spread::of(with_onset.iter().filter_map(|s| s.lead())),
    }
}

/// Validation measurements averaged (by median) for a run's final loss.
pub const FINAL_MEASUREMENTS: usize = 5;

/// Final validation accuracy a two-class run must reach to count as
/// learning: a little above chance (0.5). The lab's clean spiral runs, the
/// hardest clean case, end between 0.575 and 0.66 after 1500 steps; a network
/// whose gradients vanish, or whose units are dead, stays at 0.5.
pub const ABOVE_CHANCE: f64 = 0.55;

/// Whether a final accuracy (None: the learner reports none) beats chance.
pub fn beats_chance(final_acc: Option<f64>) -> bool {
    final_acc.map_or(true, |a| a >= ABOVE_CHANCE)
}

/// Whether a run finished healthy: it never failed for good, its last
/// validation loss is finite, and its final loss (the median of the last
/// [`FINAL_MEASUREMENTS`], which smooths SGD noise) is at most
/// `1 + tolerance` times the last loss measured before the onset (without an
/// earlier measurement: below the first one, i.e. it learned at all).
///
/// `val_losses` are (step, validation loss) in the order measured, which is
/// step order unless a rollback made the run measure some steps again.
pub fn healthy(truth: &Truth, val_losses: &[(u64, f64)], tolerance: f64) -> bool {
    let Some(&(last_step, last)) = val_losses.last() else {
        return false;
    };
    if truth.hard_failure.is_some() || !last.is_finite() {
        return false;
    }
    let mut tail: Vec<f64> = val_losses[val_losses.len().saturating_sub(FINAL_MEASUREMENTS)..]
        .iter()
        .map(|&(_, v)| v)
        .collect();
    tail.sort_by(f64::total_cmp);
    let final_loss = percentile(&tail, 0.5);
    // In the order measured: a rolled-back run measures early steps again.
    let before_onset = truth
        .onset
        .and_then(|onset| val_losses.iter().take_while(|(s, _)| *s < onset).last());
    match before_onset {
        Some(&(_, reference)) => final_loss <= reference * (1.0 + tolerance),
        None => val_losses[0].0 < last_step && final_loss < val_losses[0].1,
    }
}

/// How far an agent's final held-out quality (worse context) may fall
/// below its level before the onset for the run to count as healthy.
pub const QUALITY_TOLERANCE: f64 = 0.1;

/// Whether an agent run finished healthy: it never failed for good, its
/// final held-out quality in the worse of the watched and unwatched contexts
/// (the median of the last [`FINAL_MEASUREMENTS`]) is at most
/// [`QUALITY_TOLERANCE`] below the last one measured before the onset
/// (without an earlier measurement: at least the scenario's
/// [`LEARNED`](crate::scenarios::agent::LEARNED) level), and its final
/// diversity ratio is at least the scenario's
/// [`DIVERSITY_FLOOR`](crate::scenarios::agent::DIVERSITY_FLOOR).
///
/// The tolerance is absolute, not relative as for a classifier's loss: a
/// quality has a fixed scale (0 to 1) and a trained agent sits near its top.
pub fn agent_healthy(truth: &Truth, quality: &[(u64, f64)], final_diversity: Option<f64>) -> bool {
    use crate::scenarios::agent::{DIVERSITY_FLOOR, LEARNED};
    if truth.hard_failure.is_some() || quality.is_empty() {
        return false;
    }
    let mut tail: Vec<f64> = quality[quality.len().saturating_sub(FINAL_MEASUREMENTS)..]
        .iter()
        .map(|&(_, q)| q)
        .collect();
    if tail.iter().any(|q| !q.is_finite()) {
        return false;
    }
    tail.sort_by(f64::total_cmp);
    let final_quality = percentile(&tail, 0.5);
    let reference = truth
        .onset
        .and_then(|onset| quality.iter().take_while(|(s, _)| *s < onset).last())
        .map_or(LEARNED, |&(_, q)| q - QUALITY_TOLERANCE);
    final_quality >= reference && final_diversity.is_some_and(|d| d >= DIVERSITY_FLOOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chance_accuracy_is_not_healthy() {
        assert!(!beats_chance(Some(0.5)));
        assert!(beats_chance(Some(0.6)));
        assert!(
            beats_chance(None),
            "a learner without accuracy is judged by its loss alone"
        );
    }

    #[test]
    fn an_agent_is_healthy_when_it_keeps_its_quality_and_its_diversity() {
        let learned: Vec<(u64, f64)> = (0..100).map(|i| (i * 10, 0.95)).collect();
        let truth = Truth::faulty(Some(300), None);
        assert!(agent_healthy(&truth, &learned, Some(0.4)));
        assert!(!agent_healthy(&truth, &learned, Some(0.08)), "collapsed");
        assert!(!agent_healthy(&truth, &learned, None));
        let failed = Truth::faulty(Some(300), Some(500));
        assert!(!agent_healthy(&failed, &learned, Some(0.4)));
        let mut lost = learned.clone();
        for q in &mut lost[60..] {
            q.1 = 0.8;
        }
        assert!(!agent_healthy(&truth, &lost, Some(0.4)), "0.15 below");
        // Without a measurement before the onset, the bar is the learned level.
        let clean = Truth::clean(None);
        assert!(agent_healthy(&clean, &lost, Some(0.4)));
        assert!(!agent_healthy(&clean, &[(0, 0.7)], Some(0.4)));
    }

    #[test]
    fn percentile_interpolates() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 1.0), 5.0);
        assert!((percentile(&v, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 0.9), 7.0);
    }
}
