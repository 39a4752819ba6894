//! Scenarios: a learner plus the faults a learner can switch on, each with
//! the ground truth of when it started and when it became a hard failure.

pub mod classifier;

use serde::Serialize;

/// What is known for certain about one fault in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroundTruth {
    /// The fault's id.
    pub fault: String,
    /// The step at which the fault took effect (None: not yet).
    pub onset: Option<u64>,
    /// The first step at which training failed for good (a non-finite
    /// loss), if it has.
    pub hard_failure: Option<u64>,
}
