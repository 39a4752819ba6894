//! The evaluation suite's cases: every registered fault of every scenario
//! on the setup its file names, and clean runs of every dataset and of every
//! special setup a fault needs (so that detectors are also judged on them
//! without a fault).

use std::fmt;
use std::sync::Arc;

use crate::run::RunConfig;
use crate::scenarios::agent::{self, AgentFault};
use crate::scenarios::classifier::{
    self, bounded_gradient_setup, default_setup, leak_setup, small_data_setup, ClassifierFault,
};
use crate::scenarios::{Fault, Scenario};
use crate::trainer::data::DatasetKind;
use crate::trainer::TrainConfig;

/// One ready-made setup of the evaluation suite: a scenario, the fault
/// switched on in it (None for a clean run), and its config for a seed.
#[derive(Clone)]
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
    pub config: Arc<dyn Fn(u64) -> RunConfig + Send + Sync>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("scenario", &self.scenario)
            .field("fault", &self.fault)
            .field("label", &self.label)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl Case {
    fn new(
        scenario: Scenario,
        fault: Option<&'static str>,
        label: String,
        config: impl Fn(u64) -> RunConfig + Send + Sync + 'static,
    ) -> Case {
        let steps = match scenario {
            Scenario::Classifier => classifier::SUITE_STEPS,
            Scenario::Agent => agent::SUITE_STEPS,
        };
        Case {
            scenario: scenario.id(),
            fault,
            label,
            steps,
            config: Arc::new(config),
        }
    }

    /// The case a registered classifier fault defines: the fault at its
    /// defaults on its suite setup.
    fn classifier(fault: ClassifierFault) -> Case {
        Case::new(
            Scenario::Classifier,
            Some(fault.id()),
            fault.id().into(),
            move |seed| RunConfig {
                train: fault.kind().suite_setup(seed),
                faults: vec![Fault::Classifier(fault.clone())],
                ..RunConfig::default()
            },
        )
    }

    /// The case a registered agent fault defines.
    fn agent(fault: AgentFault) -> Case {
        Case::new(
            Scenario::Agent,
            Some(fault.id()),
            fault.id().into(),
            move |seed| RunConfig {
                scenario: Scenario::Agent,
                agent: fault.kind().suite_setup(seed),
                faults: vec![Fault::Agent(fault.clone())],
                ..RunConfig::default()
            },
        )
    }

    /// A clean classifier run of `setup`.
    fn clean(label: String, setup: fn(u64) -> TrainConfig) -> Case {
        Case::new(Scenario::Classifier, None, label, move |seed| RunConfig {
            train: setup(seed),
            ..RunConfig::default()
        })
    }
}

/// Every case of every scenario: each registered fault (in registry order),
/// and clean runs of every dataset and of every special setup a fault needs.
pub fn cases() -> Vec<Case> {
    let mut all: Vec<Case> = (ClassifierFault::IDS.iter())
        .filter_map(|id| ClassifierFault::default_for(id))
        .map(Case::classifier)
        .collect();
    for kind in DatasetKind::ALL {
        all.push(Case::new(
            Scenario::Classifier,
            None,
            format!("clean/{}", kind.id()),
            move |seed| RunConfig {
                train: TrainConfig {
                    dataset: kind,
                    ..default_setup(seed)
                },
                ..RunConfig::default()
            },
        ));
    }
    all.push(Case::clean(
        "clean/circles_tanh_ce".into(),
        bounded_gradient_setup,
    ));
    all.push(Case::clean("clean/small_circles".into(), small_data_setup));
    all.push(Case::clean(
        "clean/overlapping_gaussians".into(),
        leak_setup,
    ));
    let agent_faults = AgentFault::IDS
        .iter()
        .filter_map(|id| AgentFault::default_for(id));
    all.extend(agent_faults.map(Case::agent));
    all.push(Case::new(
        Scenario::Agent,
        None,
        "clean/agent".into(),
        |seed| RunConfig {
            scenario: Scenario::Agent,
            agent: crate::trainer::agent::AgentConfig {
                seed,
                ..Default::default()
            },
            ..RunConfig::default()
        },
    ));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Run;

    #[test]
    fn every_fault_has_one_case_on_its_learner_and_its_setup_fits() {
        let cases = cases();
        let ids = ClassifierFault::IDS.iter().chain(&AgentFault::IDS);
        for id in ids {
            let found: Vec<&Case> = cases.iter().filter(|c| c.fault == Some(id)).collect();
            assert_eq!(found.len(), 1, "{id}");
            let config = (found[0].config)(3);
            assert_eq!(config.faults.len(), 1);
            assert_eq!(config.faults[0].id(), *id);
            assert_eq!(config.faults[0].scenario(), config.scenario, "{id}");
            assert_eq!(found[0].scenario, config.scenario.id());
            let seed = match config.scenario {
                Scenario::Classifier => config.train.seed,
                Scenario::Agent => config.agent.seed,
            };
            assert_eq!(seed, 3);
            Run::new(config).unwrap();
        }
    }

    #[test]
    fn the_suite_keeps_its_order() {
        let labels: Vec<String> = cases().into_iter().map(|c| c.label).collect();
        assert_eq!(
            labels.join(" "),
            "lr_spike lr_collapse init_too_large vanishing plateau oscillation corrupt_batch \
             class_imbalance label_noise data_contamination clean/spiral clean/circles \
             clean/xor clean/gaussians clean/circles_tanh_ce clean/small_circles \
             clean/overlapping_gaussians reward_hacking mode_collapse deceptive_alignment \
             clean/agent"
        );
    }
}
