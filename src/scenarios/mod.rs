//! Scenarios: a learner plus the faults a learner can switch on, each with
//! the ground truth of when it started and when it became a hard failure.

pub mod agent;
pub mod classifier;
pub mod fault;
pub mod gan;

pub use fault::{Fault, FaultDoc};

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
    /// A GAN learning a ring of Gaussians ([`crate::trainer::gan::Gan`]).
    Gan,
}

impl Scenario {
    /// Every scenario, in display order.
    pub const ALL: [Scenario; 3] = [Scenario::Classifier, Scenario::Agent, Scenario::Gan];

    /// Whether the automatic response can act on this scenario's learner
    /// (the GAN has no response actions yet).
    pub fn has_response(self) -> bool {
        self != Scenario::Gan
    }

    /// What the page says of the learner.
    pub fn doc(self) -> ScenarioDoc {
        match self {
            Scenario::Classifier => classifier::DOC,
            Scenario::Agent => agent::DOC,
            Scenario::Gan => gan::DOC,
        }
    }

    /// The scenario's id, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Scenario::Classifier => "classifier",
            Scenario::Agent => "agent",
            Scenario::Gan => "gan",
        }
    }
}

/// What the page says of a learner: its name, the charts it opens with and
/// what its hard failure is. Each scenario's module defines its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioDoc {
    /// The scenario's id, as in JSON.
    pub id: &'static str,
    /// Its name in the page.
    pub title: &'static str,
    /// The charts the page opens with for it, comma-separated metric names.
    pub charts: &'static str,
    /// What its hard failure ("failed for good") means, for the banner.
    pub failed: &'static str,
}

/// What is known for certain about one fault in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroundTruth {
    /// The fault's id.
    pub fault: String,
    /// The step at which the fault took effect (None: not yet).
    pub onset: Option<u64>,
    /// The first step at which training failed for good (a classifier: a
    /// non-finite loss; an agent: see [`agent`]; a GAN: see [`gan`]), if it
    /// has.
    pub hard_failure: Option<u64>,
    /// The first step that showed the fault's outcome, for a fault whose
    /// outcome is an event rather than a failure (`grokking`: held-out
    /// accuracy passed 0.7), if it has; the run goes on. The suite grades
    /// early warnings by their lead on it.
    pub emerged: Option<u64>,
}

/// The doc of the fault kind `id`, of whichever learner.
pub fn fault_doc(id: &str) -> Option<&'static FaultDoc> {
    Scenario::ALL
        .into_iter()
        .flat_map(Fault::docs_for)
        .find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scenario_doc_names_it_and_opens_known_charts() {
        for s in Scenario::ALL {
            let doc = s.doc();
            assert_eq!(doc.id, s.id());
            for name in doc.charts.split(',') {
                assert!(
                    crate::metrics::names::title(name).is_some(),
                    "{}: chart {name} is no metric",
                    doc.id
                );
            }
            assert!(!doc.title.is_empty() && !doc.failed.is_empty());
        }
    }
}
