//! The evaluation suite's cases: every fault of every scenario on the setup
//! it needs, and clean runs of every dataset and of every special setup a
//! fault needs (so that detectors are also judged on them without a fault).

use crate::run::RunConfig;
use crate::scenarios::agent::{self, DeceptiveAlignment, ModeCollapse, RewardHacking};
use crate::scenarios::classifier::{
    self, bounded_gradient_setup, circles_setup, default_setup, leak_setup, small_data_setup, Fault,
};
use crate::scenarios::Scenario;
use crate::trainer::agent::AgentConfig;
use crate::trainer::data::DatasetKind;
use crate::trainer::TrainConfig;

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
    let mut all = classifier_fault_cases();
    for kind in DatasetKind::ALL {
        all.push(clean_case(kind));
    }
    all.push(clean_bounded_gradient_case());
    all.extend(clean_data_cases());
    all.extend(agent_cases());
    all
}

/// The suite's faulty cases of the classifier, one per fault, each on the
/// setup it needs.
fn classifier_fault_cases() -> Vec<Case> {
    let case = |fault: &'static str, config: fn(u64) -> RunConfig| Case {
        scenario: "classifier",
        fault: Some(fault),
        label: fault.into(),
        steps: classifier::SUITE_STEPS,
        config,
    };
    vec![
        case("lr_spike", |seed| faulty(default_setup(seed), "lr_spike")),
        // On circles, which the default network learns well, so that a
        // network that stops learning stands out.
        case("init_too_large", |seed| {
            faulty(circles_setup(seed), "init_too_large")
        }),
        case("vanishing", |seed| faulty(circles_setup(seed), "vanishing")),
        case("plateau", |seed| faulty(circles_setup(seed), "plateau")),
        case("oscillation", |seed| {
            faulty(bounded_gradient_setup(seed), "oscillation")
        }),
        case("corrupt_batch", |seed| {
            faulty(default_setup(seed), "corrupt_batch")
        }),
        // On circles, which the default network learns well, so that the
        // collapse to the majority class stands out.
        case("class_imbalance", |seed| {
            faulty(circles_setup(seed), "class_imbalance")
        }),
        case("label_noise", |seed| {
            faulty(small_data_setup(seed), "label_noise")
        }),
        case("data_contamination", |seed| {
            faulty(leak_setup(seed), "data_contamination")
        }),
    ]
}

/// A clean run of `kind` with the default network.
fn clean_case(kind: DatasetKind) -> Case {
    let config: fn(u64) -> RunConfig = match kind {
        DatasetKind::Spiral => |seed| clean(seed, DatasetKind::Spiral),
        DatasetKind::Circles => |seed| clean(seed, DatasetKind::Circles),
        DatasetKind::Xor => |seed| clean(seed, DatasetKind::Xor),
        DatasetKind::Gaussians => |seed| clean(seed, DatasetKind::Gaussians),
    };
    Case {
        scenario: "classifier",
        fault: None,
        label: format!("clean/{}", kind.id()),
        steps: classifier::SUITE_STEPS,
        config,
    }
}

/// A clean run of the setup the oscillation fault needs (tanh, cross-entropy,
/// circles), so that detectors are also judged on it without a fault.
fn clean_bounded_gradient_case() -> Case {
    Case {
        scenario: "classifier",
        fault: None,
        label: "clean/circles_tanh_ce".into(),
        steps: classifier::SUITE_STEPS,
        config: |seed| RunConfig {
            train: bounded_gradient_setup(seed),
            ..RunConfig::default()
        },
    }
}

/// Clean runs of the setups the data faults need (small data, overlapping
/// classes), so that detectors are also judged on them without a fault.
fn clean_data_cases() -> Vec<Case> {
    let case = |label: &str, config: fn(u64) -> RunConfig| Case {
        scenario: "classifier",
        fault: None,
        label: label.into(),
        steps: classifier::SUITE_STEPS,
        config,
    };
    vec![
        case("clean/small_circles", |seed| RunConfig {
            train: small_data_setup(seed),
            ..RunConfig::default()
        }),
        case("clean/overlapping_gaussians", |seed| RunConfig {
            train: leak_setup(seed),
            ..RunConfig::default()
        }),
    ]
}

fn faulty(train: TrainConfig, fault: &str) -> RunConfig {
    RunConfig {
        train,
        faults: Fault::default_for(fault).into_iter().collect(),
        ..RunConfig::default()
    }
}

fn clean(seed: u64, dataset: DatasetKind) -> RunConfig {
    RunConfig {
        train: TrainConfig {
            dataset,
            ..default_setup(seed)
        },
        ..RunConfig::default()
    }
}

/// An agent run of `config`'s defaults with `seed`.
fn agent_setup(seed: u64) -> RunConfig {
    RunConfig {
        scenario: Scenario::Agent,
        agent: AgentConfig {
            seed,
            ..AgentConfig::default()
        },
        ..RunConfig::default()
    }
}

fn agent_faulty(seed: u64, fault: Fault) -> RunConfig {
    RunConfig {
        faults: vec![fault],
        ..agent_setup(seed)
    }
}

/// The suite's cases of the agent: a clean run, and one case per fault.
fn agent_cases() -> Vec<Case> {
    let case = |fault: Option<&'static str>, label: &str, config: fn(u64) -> RunConfig| Case {
        scenario: Scenario::Agent.id(),
        fault,
        label: label.into(),
        steps: agent::SUITE_STEPS,
        config,
    };
    vec![
        case(Some("reward_hacking"), "reward_hacking", |seed| {
            agent_faulty(seed, Fault::RewardHacking(RewardHacking::default()))
        }),
        case(Some("mode_collapse"), "mode_collapse", |seed| {
            agent_faulty(seed, Fault::ModeCollapse(ModeCollapse::default()))
        }),
        case(Some("deceptive_alignment"), "deceptive_alignment", |seed| {
            agent_faulty(
                seed,
                Fault::DeceptiveAlignment(DeceptiveAlignment::default()),
            )
        }),
        case(None, "clean/agent", agent_setup),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Run;

    #[test]
    fn every_classifier_fault_has_one_case_and_its_setup_fits() {
        let cases = classifier_fault_cases();
        for id in Fault::IDS {
            let case: Vec<&Case> = cases.iter().filter(|c| c.fault == Some(id)).collect();
            assert_eq!(case.len(), 1, "{id}");
            let config = (case[0].config)(3);
            assert_eq!(config.faults.len(), 1);
            assert_eq!(config.faults[0].id(), id);
            assert_eq!(config.train.seed, 3);
            crate::run::Run::new(config).unwrap();
        }
    }

    #[test]
    fn every_agent_fault_has_one_case_and_its_setup_fits() {
        let cases = agent_cases();
        for id in Fault::AGENT_IDS {
            let found: Vec<&Case> = cases.iter().filter(|c| c.fault == Some(id)).collect();
            assert_eq!(found.len(), 1, "{id}");
            let config = (found[0].config)(3);
            assert_eq!(config.scenario, Scenario::Agent);
            assert_eq!(config.agent.seed, 3);
            assert_eq!(config.faults[0].id(), id);
            Run::new(config).unwrap();
        }
    }
}
