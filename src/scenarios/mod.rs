//! Scenarios: a learner plus the faults a learner can switch on, each with
//! the ground truth of when it started and when it became a hard failure.

pub mod agent;
pub mod classifier;

use serde::{Deserialize, Serialize};

/// Which learner a run trains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// An MLP learning a 2-D dataset ([`crate::trainer::Trainer`]).
    #[default]
    Classifier,
    /// A policy-gradient agent learning to answer prompts
    /// ([`crate::trainer::agent::Agent`]).
    Agent,
}

impl Scenario {
    /// The scenario's id, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Scenario::Classifier => "classifier",
            Scenario::Agent => "agent",
        }
    }
}

/// What is known for certain about one fault in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroundTruth {
    /// The fault's id.
    pub fault: String,
    /// The step at which the fault took effect (None: not yet).
    pub onset: Option<u64>,
    /// The first step at which training failed for good (a classifier: a
    /// non-finite loss; an agent: see [`agent`]), if it has.
    pub hard_failure: Option<u64>,
}

use crate::run::RunConfig;
use crate::trainer::data::DatasetKind;

/// One ready-made setup of the evaluation suite: a scenario, the fault
/// switched on in it (None for a clean run), and its config for a seed.
#[derive(Clone, Debug)]
pub struct Case {
    /// The scenario's id ("classifier", ...).
    pub scenario: &'static str,
    /// The fault's id, or None for a clean run.
    pub fault: Option<&'static str>,
    /// A short label for tables ("lr_spike", "clean/spiral", ...).
    pub label: String,
    /// Steps to run (a hard failure ends a run earlier).
    pub steps: u64,
    /// The run config for a seed.
    pub config: fn(u64) -> RunConfig,
}

/// Every case of every scenario: each fault, and clean runs of every dataset
/// and of every special setup a fault needs.
pub fn cases() -> Vec<Case> {
    let mut all = classifier::fault_cases();
    for kind in DatasetKind::ALL {
        all.push(classifier::clean_case(kind));
    }
    all.push(classifier::clean_bounded_gradient_case());
    all.extend(classifier::clean_data_cases());
    all.extend(agent::cases());
    all
}
