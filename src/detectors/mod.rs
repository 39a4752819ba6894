//! Detectors: streaming checks over the metric stream.
//!
//! Each detector lives in its own file and carries an [`DetectorInfo`] that
//! documents it the way Clippy documents a lint: what it detects, why it
//! matters, its default threshold and where that number comes from. The
//! [`REGISTRY`] lists them all; `tests/registry.rs` polices it.
//!
//! Every detector is built from the [`kit`]: one
//! [`declare_detector!`](crate::declare_detector) block (its documentation,
//! its settings with their defaults and ranges, its state), then an
//! [`kit::Observe`] impl (what one step does), then its tests. The firing
//! tail is shared ([`kit::Trigger`]: warm-up, patience, latch), with one
//! meaning of warm-up: `warmup: N` means the first `N` observations never
//! fire.
//!
//! Adding a detector: write `src/detectors/<id>.rs` (start from a small one
//! such as `mode_collapse.rs`), then add one line, `<id>,`, to the `registry!`
//! list below. `tests/registry.rs` checks the rest; regenerate
//! `docs/detectors.md` with `failure-lab detectors --markdown`.

use serde::Serialize;

use crate::metrics::Frame;

pub mod kit;
pub mod stats;

pub use kit::{Kit, Latch, Trigger};

/// How loud a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed yet.
    Info,
    /// An early-warning sign: act before it becomes a failure.
    Warning,
    /// Training is failing now.
    Critical,
}

impl Severity {
    /// The lowercase name used in JSON, CSV and the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// The severity named `name` ("info", "warning", "critical"), or None.
    pub fn parse(name: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// What a detector reports when it fires.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The id of the detector that fired (its registry id).
    pub detector: String,
    /// The step at which it fired.
    pub step: u64,
    /// How serious it is.
    pub severity: Severity,
    /// What was seen, with the numbers.
    pub message: String,
    /// What to do about it.
    pub recommendation: String,
}

impl Finding {
    /// A finding of detector `detector` at `step`. Detectors use
    /// [`DetectorInfo::finding`] instead, which carries their recommendation.
    pub fn new(
        detector: &str,
        step: u64,
        severity: Severity,
        message: String,
        recommendation: &str,
    ) -> Finding {
        Finding {
            detector: detector.to_string(),
            step,
            severity,
            message,
            recommendation: recommendation.to_string(),
        }
    }
}

/// The value of metric `name` in `frame` if it is there and finite.
///
/// Statistical detectors read through this, so that a NaN or Inf (the
/// `non_finite` detector's business) never poisons their running sums.
pub fn finite(frame: &Frame, name: &str) -> Option<f64> {
    frame.get(name).filter(|v| v.is_finite())
}

/// A ratio for a message: "12.3" below 10,000, "4.4e75" above.
pub fn times(ratio: f64) -> String {
    if ratio.abs() < 1e4 {
        format!("{ratio:.1}")
    } else {
        format!("{ratio:.1e}")
    }
}

/// A streaming check over the metric stream.
///
/// `observe` must do constant work and keep constant memory per step,
/// whatever the window: rolling sums, not recomputed ones.
pub trait Detector {
    /// The registry id of this detector.
    fn id(&self) -> &'static str;
    /// Reads one step's metrics; returns a finding when the detector fires.
    fn observe(&mut self, frame: &Frame) -> Option<Finding>;
    /// Forgets everything seen, as if newly built.
    fn reset(&mut self);
}

/// A detector's documentation and constructor: one registry entry.
#[derive(Clone, Copy, Debug)]
pub struct DetectorInfo {
    /// Stable id, also the file name under `src/detectors/`.
    pub id: &'static str,
    /// A short human title.
    pub title: &'static str,
    /// The failure family: "optimization", "data", "alignment", "emergence".
    pub family: &'static str,
    /// Whether this is one of the course page's own detectors (the baseline).
    pub course_baseline: bool,
    /// What it detects.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// The default threshold and where that number comes from.
    pub threshold: &'static str,
    /// What to do when it fires (the recommendation of its findings).
    pub recommendation: &'static str,
    /// Its settings at their defaults, with their ranges.
    pub settings: fn() -> Vec<kit::Setting>,
    /// Builds the detector with its default settings.
    pub build: fn() -> Box<dyn Detector>,
}

/// Declares each detector's module and lists its `INFO` in [`REGISTRY`], so
/// that a detector is one file plus one line here.
macro_rules! registry {
    ($($id:ident,)*) => {
        $(pub mod $id;)*
        /// Every detector the lab ships, in display order.
        pub const REGISTRY: &[DetectorInfo] = &[$($id::INFO,)*];
    };
}

// Every detector the lab ships, in display order: one line a detector (its
// module, `src/detectors/<id>.rs`, whose `INFO` goes in REGISTRY).
registry! {
    // The course page's OptimizationFailures: the baseline.
    gradient_explosion,
    vanishing_gradients,
    loss_plateau,
    // The course page's TrainingEarlyWarning signs, made concrete.
    gradient_variance,
    loss_oscillation,
    // What real training tools check.
    non_finite,
    layer_grad_ratio,
    update_ratio,
    dead_units,
    saturated_units,
    // Relative early warnings, measured against the run's own history.
    grad_norm_spike,
    loss_divergence,
    accuracy_drop,
    // What other people's logs need (tuned on the second corpus, corpus/).
    broken_start,
    progress_stopped,
    loss_level_jump,
    // Dataset issues: the course page's DatasetFailures, made concrete.
    class_imbalance,
    generalization_gap,
    data_contamination,
    // Objective misalignment on a classifier: a shortcut, read from a stress
    // split (silent without one).
    shortcut_reliance,
    // The course page's alignment failures, on the agent's metrics (silent
    // where those are missing): its own checks, then the lab's early warnings.
    mode_collapse,
    deceptive_alignment,
    entropy_collapse,
    reward_hacking,
    behavior_drift,
    capability_spike,
    // A GAN's mode collapse (silent where its metrics are missing): the
    // direct count, then the early warning from its two losses.
    mode_coverage,
    adversarial_imbalance,
    // Emergence: the course page's CapabilityOverhangDetector on a learner's
    // capability tests (silent where they are missing), and the lab's early
    // warning from the held-out loss.
    capability_overhang,
    held_out_turn,
}

/// Looks a registry entry up by id.
pub fn info(id: &str) -> Option<&'static DetectorInfo> {
    REGISTRY.iter().find(|d| d.id == id)
}

/// Builds every registered detector with its defaults.
pub fn build_all() -> Vec<Box<dyn Detector>> {
    REGISTRY.iter().map(|d| (d.build)()).collect()
}

/// Feeds `values` of `metric` to `detector` as steps 0, 1, 2...; returns
/// its findings. A helper for the detectors' tests.
#[cfg(test)]
pub(crate) fn feed(
    detector: &mut dyn Detector,
    metric: &str,
    values: impl IntoIterator<Item = f64>,
) -> Vec<Finding> {
    values
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| detector.observe(&Frame::new(i as u64).with(metric, v)))
        .collect()
}

/// Checks that `found` is exactly one finding of `info`'s detector, with its
/// recommendation, at a step in `steps`; returns it. A helper for the
/// detectors' tests.
#[cfg(test)]
pub(crate) fn only_finding<'a>(
    found: &'a [Finding],
    info: &DetectorInfo,
    steps: std::ops::Range<u64>,
) -> &'a Finding {
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert!(steps.contains(&f.step), "{f:?} not in {steps:?}");
    assert_eq!(
        (f.detector.as_str(), f.recommendation.as_str()),
        (info.id, info.recommendation)
    );
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_and_buildable() {
        for (i, d) in REGISTRY.iter().enumerate() {
            assert!(
                REGISTRY[i + 1..].iter().all(|e| e.id != d.id),
                "duplicate id {}",
                d.id
            );
            assert_eq!((d.build)().id(), d.id);
        }
    }
}
