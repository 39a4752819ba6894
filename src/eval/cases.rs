//! The evaluation suite's cases: every registered fault of every scenario
//! on the setup its file names, and clean runs of every dataset and of every
//! special setup a fault needs (so that detectors are also judged on them
//! without a fault).

use std::fmt;
use std::sync::Arc;

use crate::presets::{self, Preset};
use crate::run::RunConfig;
use crate::scenarios::agent;
use crate::scenarios::classifier::{
    self, bounded_gradient_setup, default_setup, grokking_setup, leak_setup, small_data_setup,
    STRESS_POINTS,
};
use crate::scenarios::gan;
use crate::scenarios::Scenario;
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
    /// For a clean run that is one fault's control (its setup without the
    /// fault), that fault: its false alarms count in that fault's rows
    /// only. A control may be a failure of another kind (`grokking`'s
    /// control memorises: its generalization gap is real), so it is not
    /// among the clean runs of the other faults. None: clean for every
    /// fault of its scenario.
    pub control_of: Option<&'static str>,
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
            .field("control_of", &self.control_of)
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
            Scenario::Gan => gan::SUITE_STEPS,
        };
        Case {
            scenario: scenario.id(),
            fault,
            label,
            steps,
            control_of: None,
            config: Arc::new(config),
        }
    }

    /// The case of a fault's preset: the fault at its defaults on the setup
    /// its file names (the page loads the same preset with one click).
    fn preset(preset: Preset) -> Case {
        let scenario = preset.scenario();
        let id = preset.id();
        Case::new(scenario, Some(id), id.into(), move |seed| {
            preset.config(seed)
        })
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
    let presets = presets::presets();
    let of = |scenario: Scenario| {
        (presets.iter())
            .filter(move |p| p.scenario() == scenario)
            .cloned()
            .map(Case::preset)
    };
    let mut all: Vec<Case> = of(Scenario::Classifier).collect();
    // Each with a stress split where the dataset can have one (not the
    // Gaussians): clean/circles is `spurious_feature`'s setup without the
    // fault, its control. A stress split adds a metric and changes nothing
    // else (it is drawn after the other splits).
    for kind in DatasetKind::ALL {
        let n_stress = if kind == DatasetKind::Gaussians {
            0
        } else {
            STRESS_POINTS
        };
        all.push(Case::new(
            Scenario::Classifier,
            None,
            format!("clean/{}", kind.id()),
            move |seed| RunConfig {
                train: TrainConfig {
                    dataset: kind,
                    n_stress,
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
    // `grokking`'s setup without weight decay: its control, which fits its
    // training pairs and never generalises.
    all.push(Case {
        control_of: Some("grokking"),
        ..Case::clean("clean/modular".into(), grokking_setup)
    });
    all.push(Case::clean(
        "clean/overlapping_gaussians".into(),
        leak_setup,
    ));
    all.extend(of(Scenario::Agent));
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
    all.extend(of(Scenario::Gan));
    all.push(Case::new(Scenario::Gan, None, "clean/gan".into(), |seed| {
        RunConfig {
            scenario: Scenario::Gan,
            gan: crate::trainer::gan::GanConfig {
                seed,
                ..Default::default()
            },
            ..RunConfig::default()
        }
    }));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Run;
    use crate::scenarios::agent::AgentFault;
    use crate::scenarios::classifier::ClassifierFault;
    use crate::scenarios::gan::GanFault;

    #[test]
    fn every_fault_has_one_case_on_its_learner_and_its_setup_fits() {
        let cases = cases();
        let ids = (ClassifierFault::IDS.iter())
            .chain(&AgentFault::IDS)
            .chain(&GanFault::IDS);
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
                Scenario::Gan => config.gan.seed,
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
             class_imbalance label_noise data_contamination spurious_feature grokking \
             clean/spiral clean/circles clean/xor clean/gaussians clean/circles_tanh_ce \
             clean/small_circles clean/modular clean/overlapping_gaussians reward_hacking \
             mode_collapse deceptive_alignment clean/agent gen_lr_too_high clean/gan"
        );
    }
}
