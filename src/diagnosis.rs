//! A diagnosis, not a log: a run's findings grouped into the root cause the
//! lab believes and what follows from it (the symptoms), most likely cause
//! first. A pure function over the findings and the detector registry, so
//! that the page and any later view rank them the same way.
//!
//! The ranking: a detector that names a mechanism (class imbalance, reward
//! hacking) is more specific than one that sees a consequence any failure
//! has (a non-finite loss, a diverging loss, a plateau); among findings
//! equally specific, the earliest wins. Only findings up to the run's first
//! critical finding can be the cause: what fires after the run broke follows
//! from the break. Nor can a sign with several causes that fired more than
//! [`CAUSE_WINDOW`] steps after the run's first warning: one that shows long
//! after the trouble began (a generalization gap 900 steps into an
//! oscillating run) follows from what the first signs saw. A detector that
//! names a mechanism (class imbalance, reward hacking) reads it directly, so
//! it may be the cause however late it is sure.

use serde::Serialize;

use crate::detectors::{self, DetectorInfo, Finding, Severity};

/// How specific a detector is: how narrowly a finding of it names what went
/// wrong. Higher is more specific.
///
/// - 4: names a data or alignment fault's own mechanism (class imbalance,
///   contamination, reward hacking, deceptive alignment, mode collapse);
/// - 3: a data or alignment sign with several causes (a generalization
///   gap, entropy collapse, behaviour drift, a capability spike);
/// - 2: an optimisation mechanism (exploding, vanishing or noisy
///   gradients, dead or saturated units, update size, oscillation);
/// - 1: a consequence every failure ends in (a non-finite loss, a diverging
///   or flat loss), or a loss whose level jumped (changed data, or a step
///   that blew up: when a mechanism fired too, it is the cause; the lab's
///   learning-rate spikes and bad initialisations make the loss leap too).
pub fn specificity(info: &DetectorInfo) -> u8 {
    match info.id {
        "non_finite" | "loss_divergence" | "loss_plateau" | "loss_level_jump" => 1,
        "generalization_gap" | "entropy_collapse" | "behavior_drift" | "capability_spike" => 3,
        _ => match info.family {
            "data" | "alignment" => 4,
            "emergence" => 3,
            _ => 2,
        },
    }
}

/// Steps after the run's first warning (or critical) finding within which
/// the root cause must have fired. A fault's own detector answers within
/// about 250 steps of the first sign on every preset (label noise: an
/// accuracy drop at step 340, the generalization gap at 550; reward hacking:
/// 302 to 366); the window leaves room for slower ones.
pub const CAUSE_WINDOW: u64 = 500;

/// The specificity of a detector that names a fault's own mechanism.
const MECHANISM: u8 = 4;

/// The specificity of detector `id` (0 for an id the registry does not know).
fn specificity_of(id: &str) -> u8 {
    detectors::info(id).map_or(0, specificity)
}

/// What the lab believes went wrong, as indices into the findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The root cause: the first finding of the most specific detector that
    /// fired before the run broke (none without findings).
    pub cause: Option<usize>,
    /// The course's own detector beside it: the first finding of a course
    /// baseline detector of the cause's family, when that is not the cause.
    pub course: Option<usize>,
    /// Everything else, ranked: most specific detector first, then the
    /// detector that fired earlier, then by step.
    pub symptoms: Vec<usize>,
}

/// Ranks `findings` (in the order they fired) into a [`Diagnosis`].
pub fn diagnose(findings: &[Finding]) -> Diagnosis {
    if findings.is_empty() {
        return Diagnosis::default();
    }
    // Findings up to (and at) the step of the first critical one.
    let broke = findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .map(|f| f.step)
        .min()
        .unwrap_or(u64::MAX);
    // ... and within CAUSE_WINDOW steps of the first alarm (warning or worse).
    let late = findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.step)
        .min()
        .map_or(u64::MAX, |first| first.saturating_add(CAUSE_WINDOW));
    let rank = |i: usize| {
        let f = &findings[i];
        (std::cmp::Reverse(specificity_of(&f.detector)), f.step, i)
    };
    let cause = (0..findings.len())
        .filter(|&i| {
            let f = &findings[i];
            f.step <= broke && (f.step <= late || specificity_of(&f.detector) >= MECHANISM)
        })
        .min_by_key(|&i| rank(i));
    let family = |f: &Finding| detectors::info(&f.detector).map(|d| d.family);
    let course = cause.and_then(|c| {
        let want = family(&findings[c]);
        (0..findings.len())
            .filter(|&i| i != c && findings[i].detector != findings[c].detector)
            .filter(|&i| {
                detectors::info(&findings[i].detector)
                    .is_some_and(|d| d.course_baseline && Some(d.family) == want)
            })
            .min_by_key(|&i| (findings[i].step, i))
    });
    // Each detector's first step, for grouping its findings together.
    let first = |id: &str| {
        findings
            .iter()
            .filter(|f| f.detector == id)
            .map(|f| f.step)
            .min()
            .unwrap_or(u64::MAX)
    };
    let mut symptoms: Vec<usize> = (0..findings.len())
        .filter(|&i| Some(i) != cause && Some(i) != course)
        .collect();
    symptoms.sort_by_key(|&i| {
        let f = &findings[i];
        (
            std::cmp::Reverse(specificity_of(&f.detector)),
            first(&f.detector),
            f.detector.clone(),
            f.step,
            i,
        )
    });
    Diagnosis {
        cause,
        course,
        symptoms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(detector: &str, step: u64, severity: Severity) -> Finding {
        Finding::new(detector, step, severity, String::new(), "")
    }

    #[test]
    fn every_registered_detector_has_a_specificity() {
        for d in detectors::REGISTRY {
            assert!((1..=4).contains(&specificity(d)), "{}", d.id);
        }
    }

    #[test]
    fn no_findings_no_cause() {
        assert_eq!(diagnose(&[]), Diagnosis::default());
    }

    #[test]
    fn the_most_specific_early_finding_is_the_cause() {
        // Class imbalance under two generalization-gap findings that fired first.
        let f = [
            at("generalization_gap", 400, Severity::Warning),
            at("generalization_gap", 900, Severity::Warning),
            at("class_imbalance", 1200, Severity::Warning),
            at("loss_plateau", 1300, Severity::Info),
        ];
        let d = diagnose(&f);
        assert_eq!(d.cause, Some(2));
        assert_eq!(d.symptoms, vec![0, 1, 3]);
    }

    #[test]
    fn what_fires_after_the_run_broke_is_a_symptom() {
        // A learning-rate spike: the gradients explode, then everything fires.
        let f = [
            at("grad_norm_spike", 301, Severity::Warning),
            at("gradient_explosion", 303, Severity::Critical),
            at("non_finite", 310, Severity::Critical),
            at("generalization_gap", 320, Severity::Warning),
            at("dead_units", 330, Severity::Warning),
        ];
        let d = diagnose(&f);
        assert_eq!(d.cause, Some(0), "{d:?}");
        assert_eq!(d.course, Some(1), "the course's explosion check beside it");
        assert_eq!(d.symptoms, vec![3, 4, 2]);
    }

    #[test]
    fn a_sign_long_after_the_first_alarm_is_a_symptom() {
        // An oscillating learning rate (the oscillation preset, seed 1): the
        // optimisation detectors fire within steps of the onset, a
        // generalization gap 900 steps later.
        let f = [
            at("gradient_variance", 302, Severity::Warning),
            at("loss_oscillation", 304, Severity::Warning),
            at("accuracy_drop", 320, Severity::Warning),
            at("generalization_gap", 1230, Severity::Warning),
        ];
        let d = diagnose(&f);
        assert_eq!(d.cause, Some(0), "{d:?}");
        assert_eq!(d.symptoms, vec![3, 1, 2], "the gap ranks first of the rest");
        // Info findings do not start the window.
        let f = [
            at("loss_plateau", 10, Severity::Info),
            at("update_ratio", 900, Severity::Warning),
            at("class_imbalance", 950, Severity::Warning),
        ];
        assert_eq!(diagnose(&f).cause, Some(2));
    }

    #[test]
    fn a_leap_of_the_loss_is_the_cause_only_when_no_mechanism_fired() {
        // The lab's learning-rate spike: the loss leaps at once, the noisy
        // gradients say why.
        let f = [
            at("loss_level_jump", 301, Severity::Warning),
            at("gradient_variance", 303, Severity::Warning),
        ];
        assert_eq!(diagnose(&f).cause, Some(1));
        // Another's log with corrupted labels: nothing but the jump.
        assert_eq!(diagnose(&f[..1]).cause, Some(0));
    }

    #[test]
    fn among_equally_specific_the_earliest_wins() {
        let f = [
            at("update_ratio", 50, Severity::Warning),
            at("dead_units", 20, Severity::Warning),
        ];
        assert_eq!(diagnose(&f).cause, Some(1));
    }

    #[test]
    fn unknown_detectors_rank_last() {
        let f = [
            at("someone_elses", 1, Severity::Warning),
            at("loss_plateau", 5, Severity::Info),
        ];
        let d = diagnose(&f);
        assert_eq!(d.cause, Some(1));
        assert_eq!(d.symptoms, vec![0]);
    }
}
