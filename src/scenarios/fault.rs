//! The fault kit: what every fault of every learner has, and the one
//! serialised form of a fault whatever its learner.
//!
//! A fault is one file in `src/scenarios/<learner>/` holding a settings
//! struct (its serde form is the fault's JSON without `kind`), its
//! [`FaultDoc`] (what the page shows), its validation, what it does to the
//! learner and how that is undone, and the training setup of the suite case
//! it defines. Each learner's `mod.rs` registers its faults with one line
//! each ([`crate::scenarios::classifier::ClassifierFault`],
//! [`crate::scenarios::agent::AgentFault`],
//! [`crate::scenarios::gan::GanFault`]); `tests/fault_registry.rs`
//! polices the registries.

use std::fmt::Debug;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::agent::AgentFault;
use super::classifier::ClassifierFault;
use super::gan::GanFault;
use super::Scenario;
use crate::config::ConfigError;

/// The step most faults take effect at by default.
pub const DEFAULT_AT_STEP: u64 = 300;

/// One setting of a fault, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FieldDoc {
    /// The setting's name, as in JSON and the URL.
    pub name: &'static str,
    /// Its label in the page ("× factor").
    pub label: &'static str,
    /// The smallest and largest values its validation accepts, when it is
    /// a number with bounds (a bound may itself be refused: see the
    /// validation's message).
    pub range: Option<(f64, f64)>,
    /// The values it takes, when it is one of a few words.
    pub options: &'static [&'static str],
}

impl FieldDoc {
    /// A number or word field with a label and no documented bounds.
    pub const fn new(name: &'static str, label: &'static str) -> FieldDoc {
        FieldDoc {
            name,
            label,
            range: None,
            options: &[],
        }
    }

    /// This field with the bounds its validation accepts.
    pub const fn range(self, lo: f64, hi: f64) -> FieldDoc {
        FieldDoc {
            range: Some((lo, hi)),
            ..self
        }
    }

    /// This field with the words it takes.
    pub const fn options(self, options: &'static [&'static str]) -> FieldDoc {
        FieldDoc { options, ..self }
    }
}

/// The `at_step` field every fault has.
pub const AT_STEP: FieldDoc = FieldDoc::new("at_step", "at step");

/// What the page says about a fault.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FaultDoc {
    /// The fault's id: its `kind` in JSON, its file's name.
    pub id: &'static str,
    /// Its title in the page.
    pub title: &'static str,
    /// One paragraph for the page: what it does and what follows.
    pub text: &'static str,
    /// Its settings, in display order (every field of its JSON form).
    pub fields: &'static [FieldDoc],
    /// The lab detector that answers it: its finding must come at or after
    /// the onset and before any hard failure on 19 of 20 suite seeds
    /// (`tests/fault_detection.rs`).
    pub detector: &'static str,
    /// The charts its preset opens with, comma-separated metric names, when
    /// its learner's usual charts do not show its failure (None: the
    /// page's). `presets::tests` holds each to be a metric the lab knows.
    pub charts: Option<&'static str>,
    /// The drawing of its learner's view its preset opens with, when not
    /// the main one (`"kl"`: the agent's proxy reward and true quality
    /// against the KL from its initial policy); None: the main one.
    pub view: Option<&'static str>,
}

/// What every fault's settings struct has, whatever its learner.
pub trait FaultKind:
    Clone + Debug + Default + PartialEq + Serialize + DeserializeOwned + 'static
{
    /// What the page says about it.
    const DOC: FaultDoc;
    /// The step at which it takes effect.
    fn at_step(&self) -> u64;
    /// Checks its own settings; the error names the bad field.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// A fault of any learner: the form runs, URLs and stored runs carry.
///
/// In JSON: `{"kind": "lr_spike", "at_step": 300, "factor": 50}`; every
/// field but `kind` may be left out for its default.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// A fault of the classifier ([`crate::trainer::Trainer`]).
    Classifier(ClassifierFault),
    /// A fault of the policy-gradient agent ([`crate::trainer::agent::Agent`]).
    Agent(AgentFault),
    /// A fault of the GAN ([`crate::trainer::gan::Gan`]).
    Gan(GanFault),
}

impl Fault {
    /// Ids of the fault kinds of `scenario`, in display order.
    pub fn ids_for(scenario: Scenario) -> &'static [&'static str] {
        match scenario {
            Scenario::Classifier => &ClassifierFault::IDS,
            Scenario::Agent => &AgentFault::IDS,
            Scenario::Gan => &GanFault::IDS,
        }
    }

    /// This fault's doc.
    pub fn doc(&self) -> &'static FaultDoc {
        match self {
            Fault::Classifier(f) => f.doc(),
            Fault::Agent(f) => f.doc(),
            Fault::Gan(f) => f.doc(),
        }
    }

    /// The docs of the fault kinds of `scenario`, in display order.
    pub fn docs_for(scenario: Scenario) -> &'static [FaultDoc] {
        match scenario {
            Scenario::Classifier => &ClassifierFault::DOCS,
            Scenario::Agent => &AgentFault::DOCS,
            Scenario::Gan => &GanFault::DOCS,
        }
    }

    /// The fault of kind `id` with every setting at its default.
    pub fn default_for(id: &str) -> Option<Fault> {
        (ClassifierFault::default_for(id).map(Fault::Classifier))
            .or_else(|| AgentFault::default_for(id).map(Fault::Agent))
            .or_else(|| GanFault::default_for(id).map(Fault::Gan))
    }

    /// The learning-rate spike with its defaults, starting at `at_step`.
    pub fn lr_spike(at_step: u64) -> Fault {
        Fault::Classifier(ClassifierFault::LrSpike(
            super::classifier::lr_spike::LrSpike {
                at_step,
                ..Default::default()
            },
        ))
    }

    /// Stable id of the fault kind.
    pub fn id(&self) -> &'static str {
        match self {
            Fault::Classifier(f) => f.id(),
            Fault::Agent(f) => f.id(),
            Fault::Gan(f) => f.id(),
        }
    }

    /// The step at which the fault takes effect.
    pub fn at_step(&self) -> u64 {
        match self {
            Fault::Classifier(f) => f.at_step(),
            Fault::Agent(f) => f.at_step(),
            Fault::Gan(f) => f.at_step(),
        }
    }

    /// Checks the fault's own settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Fault::Classifier(f) => f.validate(),
            Fault::Agent(f) => f.validate(),
            Fault::Gan(f) => f.validate(),
        }
    }

    /// The scenario whose learner this fault acts on.
    pub fn scenario(&self) -> Scenario {
        match self {
            Fault::Classifier(_) => Scenario::Classifier,
            Fault::Agent(_) => Scenario::Agent,
            Fault::Gan(_) => Scenario::Gan,
        }
    }

    /// The classifier's fault, if it is one.
    pub fn classifier(&self) -> Option<&ClassifierFault> {
        match self {
            Fault::Classifier(f) => Some(f),
            _ => None,
        }
    }

    /// The agent's fault, if it is one.
    pub fn agent(&self) -> Option<&AgentFault> {
        match self {
            Fault::Agent(f) => Some(f),
            _ => None,
        }
    }

    /// The GAN's fault, if it is one.
    pub fn gan(&self) -> Option<&GanFault> {
        match self {
            Fault::Gan(f) => Some(f),
            _ => None,
        }
    }
}

impl Serialize for Fault {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fault::Classifier(f) => f.serialize(s),
            Fault::Agent(f) => f.serialize(s),
            Fault::Gan(f) => f.serialize(s),
        }
    }
}

/// Reads the `kind` first, then the settings of that kind's learner.
impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fault, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let kind = match value.get("kind") {
            None => return Err(D::Error::missing_field("kind")),
            Some(k) => k.as_str().unwrap_or_default(),
        };
        let known = || {
            (ClassifierFault::IDS.iter())
                .chain(&AgentFault::IDS)
                .chain(&GanFault::IDS)
        };
        if ClassifierFault::IDS.contains(&kind) {
            ClassifierFault::deserialize(value).map(Fault::Classifier)
        } else if AgentFault::IDS.contains(&kind) {
            AgentFault::deserialize(value).map(Fault::Agent)
        } else if GanFault::IDS.contains(&kind) {
            GanFault::deserialize(value).map(Fault::Gan)
        } else {
            let expected: Vec<&str> = known().copied().collect();
            return Err(D::Error::custom(format!(
                "unknown variant `{}`, expected one of {}",
                value["kind"]
                    .as_str()
                    .map_or(value["kind"].to_string(), str::to_string),
                expected.join(", ")
            )));
        }
        .map_err(D::Error::custom)
    }
}

/// Declares a learner's fault registry: `pub mod` for each fault file and
/// the learner's fault enum (serialised with its `kind`), with its ids,
/// docs, defaults and `kind()`, the fault as the learner's trait object
/// (what it does to the learner). One line per fault:
/// `file_name: SettingsStruct,`.
macro_rules! fault_registry {
    ($(#[$meta:meta])* $name:ident as dyn $effect:path { $($file:ident : $kind:ident),+ $(,)? }) => {
        $(pub mod $file;)+

        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum $name {
            $(
                #[doc = concat!("See [`", stringify!($file), "`].")]
                $kind($file::$kind),
            )+
        }

        impl $name {
            /// Ids of the fault kinds, in display order.
            pub const IDS: [&'static str; [$(stringify!($file)),+].len()] = [$(stringify!($file)),+];
            /// Docs of the fault kinds, in display order.
            pub const DOCS: [$crate::scenarios::fault::FaultDoc; [$(stringify!($file)),+].len()] =
                [$(<$file::$kind as $crate::scenarios::fault::FaultKind>::DOC),+];

            /// The fault of kind `id` with every setting at its default.
            pub fn default_for(id: &str) -> Option<$name> {
                match id {
                    $(stringify!($file) => Some($name::$kind(Default::default())),)+
                    _ => None,
                }
            }

            /// Stable id of the fault kind.
            pub fn id(&self) -> &'static str {
                match self {
                    $($name::$kind(_) => stringify!($file),)+
                }
            }

            /// What the page says about this fault.
            pub fn doc(&self) -> &'static $crate::scenarios::fault::FaultDoc {
                match self {
                    $($name::$kind(_) => &<$file::$kind as $crate::scenarios::fault::FaultKind>::DOC,)+
                }
            }

            /// The step at which the fault takes effect.
            pub fn at_step(&self) -> u64 {
                match self {
                    $($name::$kind(f) => $crate::scenarios::fault::FaultKind::at_step(f),)+
                }
            }

            /// Checks the fault's own settings.
            pub fn validate(&self) -> Result<(), $crate::config::ConfigError> {
                match self {
                    $($name::$kind(f) => $crate::scenarios::fault::FaultKind::validate(f),)+
                }
            }

            /// What the fault does to its learner.
            pub fn kind(&self) -> &dyn $effect {
                match self {
                    $($name::$kind(f) => f,)+
                }
            }
        }
    };
}
pub(crate) use fault_registry;
