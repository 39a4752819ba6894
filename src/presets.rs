//! Presets: one per registered fault of every learner, the very setup the
//! evaluation suite grades that fault on (`eval::cases` builds its faulty
//! cases from here), as the page loads it with one click.
//!
//! A preset is the fault at its defaults on the setup its file names
//! (`suite_setup`), for a seed; [`Preset::page_values`] writes that setup
//! in the page's settings (the table of [`crate::settings`]), and the test
//! below holds that those settings give back the same run config: every
//! setting the suite uses can be set in the page.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::run::RunConfig;
use crate::scenarios::agent;
use crate::scenarios::classifier;
use crate::scenarios::gan;
use crate::scenarios::{Fault, Scenario};
use crate::settings;

/// The suite's first seed: a preset's seed in the page.
pub const SEED: u64 = 1;

/// One fault's graded setup.
#[derive(Clone, Debug)]
pub struct Preset {
    /// The fault, at its defaults.
    pub fault: Fault,
}

impl Preset {
    /// The fault's id (the preset's id).
    pub fn id(&self) -> &'static str {
        self.fault.id()
    }

    /// The learner.
    pub fn scenario(&self) -> Scenario {
        self.fault.scenario()
    }

    /// Steps the suite runs it for (a hard failure ends a run earlier).
    pub fn steps(&self) -> u64 {
        match self.scenario() {
            Scenario::Classifier => classifier::SUITE_STEPS,
            Scenario::Agent => agent::SUITE_STEPS,
            Scenario::Gan => gan::SUITE_STEPS,
        }
    }

    /// The run config for `seed`: the fault at its defaults on its setup,
    /// the settings the learners share (the seed, momentum...) copied to
    /// the other learners' configs as the page's one field sets them all
    /// (a run never reads another learner's settings).
    pub fn config(&self, seed: u64) -> RunConfig {
        let mut config = RunConfig {
            scenario: self.scenario(),
            faults: vec![self.fault.clone()],
            ..RunConfig::default()
        };
        match &self.fault {
            Fault::Classifier(f) => config.train = f.kind().suite_setup(seed),
            Fault::Agent(f) => config.agent = f.kind().suite_setup(seed),
            Fault::Gan(f) => config.gan = f.kind().suite_setup(seed),
        }
        settings::shared(config)
    }

    /// The config of `seed` in the page's settings (name -> page value).
    pub fn page_values(&self, seed: u64) -> BTreeMap<&'static str, Value> {
        settings::values_of(&self.config(seed))
    }
}

/// Every preset: each learner's faults, learners in display order, each in
/// registry order.
pub fn presets() -> Vec<Preset> {
    (Scenario::ALL.into_iter())
        .flat_map(Fault::ids_for)
        .filter_map(|id| Fault::default_for(id))
        .map(|fault| Preset { fault })
        .collect()
}

/// A preset as the page reads it.
#[derive(Clone, Debug, Serialize)]
pub struct PresetDoc {
    /// The fault's id.
    pub id: &'static str,
    /// The learner's id.
    pub scenario: &'static str,
    /// The fault's title.
    pub title: &'static str,
    /// The detector that answers the fault.
    pub detector: &'static str,
    /// The page's settings of the setup (seed [`SEED`]).
    pub settings: BTreeMap<&'static str, Value>,
    /// The fault's settings, with its `kind`.
    pub fault: Fault,
    /// The run config the suite grades for seed [`SEED`].
    pub config: RunConfig,
    /// Steps the suite runs.
    pub steps: u64,
    /// The charts the preset opens with, when its learner's usual ones do
    /// not show its failure (comma-separated metric names); None: keep the
    /// page's.
    pub charts: Option<&'static str>,
    /// The drawing of the view the preset opens with (a view mode of the
    /// page, `"kl"`: proxy and true quality against KL), when not the
    /// learner's main one.
    pub view: Option<&'static str>,
}

/// Every preset, for the page.
pub fn docs() -> Vec<PresetDoc> {
    presets()
        .into_iter()
        .map(|p| {
            let doc = p.fault.doc();
            PresetDoc {
                id: p.id(),
                scenario: p.scenario().id(),
                title: doc.title,
                detector: doc.detector,
                settings: p.page_values(SEED),
                config: p.config(SEED),
                steps: p.steps(),
                charts: doc.charts,
                view: doc.view,
                fault: p.fault,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_charts_are_metrics_the_lab_knows() {
        for doc in docs() {
            for name in doc.charts.into_iter().flat_map(|c| c.split(',')) {
                assert!(
                    crate::metrics::names::title(name).is_some(),
                    "{}: chart {name} is no metric",
                    doc.id
                );
            }
        }
    }

    #[test]
    fn every_fault_has_a_preset_and_its_page_settings_give_back_its_config() {
        let all = presets();
        let ids: Vec<&str> = all.iter().map(Preset::id).collect();
        for scenario in Scenario::ALL {
            for id in Fault::ids_for(scenario) {
                assert!(ids.contains(id), "no preset for {id}");
            }
        }
        for p in &all {
            for seed in [SEED, 7] {
                let want = p.config(seed);
                let values = p.page_values(seed);
                let mut got = RunConfig::default();
                for s in settings::table() {
                    let v = &values[s.name];
                    if s.learner.is_some_and(|l| l != p.scenario()) {
                        continue;
                    }
                    got = s
                        .set(&got, v)
                        .unwrap_or_else(|e| panic!("{}: {} = {v}: {e}", p.id(), s.name));
                }
                settings::validate(&got)
                    .unwrap_or_else(|e| panic!("{}: the page's settings: {e}", p.id()));
                got.faults = vec![p.fault.clone()];
                assert_eq!(
                    serde_json::to_value(&got).unwrap(),
                    serde_json::to_value(&want).unwrap(),
                    "{} seed {seed}: the page's settings give another run",
                    p.id()
                );
            }
        }
    }
}
