//! Metric names: what common loggers call a metric, mapped to the canonical
//! names of [`crate::metrics::names`], plus the user's own mapping.
//!
//! Names are compared after [`normalize`]: lowercase, with `/ - . :` and
//! spaces turned into `_`, so `Loss/train`, `loss-train` and `LOSS_TRAIN`
//! are one name.

use std::collections::HashMap;

use super::{ImportError, MAX_COLUMNS};
use crate::metrics::names;

/// The target that makes a column the step column in a user mapping.
pub const STEP: &str = "step";

/// The target that drops a column in a user mapping.
pub const SKIP: &str = "-";

/// Every canonical metric name: the targets a user mapping may name.
pub const CANONICAL: &[&str] = &[
    names::LOSS,
    names::VAL_LOSS,
    names::VAL_ACC,
    names::GRAD_NORM,
    names::LR,
    names::GRAD_NORM_FIRST,
    names::GRAD_NORM_LAST,
    names::UPDATE_RATIO,
    names::DEAD_FRAC,
    names::SATURATED_FRAC,
];

/// Step column names, most preferred first: a Lightning log has both `step`
/// and `epoch`, and the step is the finer clock.
const STEP_NAMES: &[&str] = &["global_step", "step", "_step", "iteration", "iter", "epoch"];

/// Common names (normalized) of the canonical metrics. A test set evaluated
/// during training plays the validation role, as in PyTorch's tutorials.
const ALIASES: &[(&str, &str)] = &[
    ("train_loss", names::LOSS),
    ("training_loss", names::LOSS),
    ("loss_train", names::LOSS),
    ("loss_training", names::LOSS),
    ("train_loss_step", names::LOSS),
    ("batch_loss", names::LOSS),
    ("train_batch_loss", names::LOSS),
    ("epoch_loss", names::LOSS),
    ("train_epoch_loss", names::LOSS),
    ("valid_loss", names::VAL_LOSS),
    ("validation_loss", names::VAL_LOSS),
    ("eval_loss", names::VAL_LOSS),
    ("dev_loss", names::VAL_LOSS),
    ("loss_val", names::VAL_LOSS),
    ("loss_valid", names::VAL_LOSS),
    ("loss_validation", names::VAL_LOSS),
    ("loss_eval", names::VAL_LOSS),
    ("loss_test", names::VAL_LOSS),
    ("val_loss_epoch", names::VAL_LOSS),
    ("val_epoch_loss", names::VAL_LOSS),
    ("val_accuracy", names::VAL_ACC),
    ("valid_acc", names::VAL_ACC),
    ("valid_accuracy", names::VAL_ACC),
    ("validation_acc", names::VAL_ACC),
    ("validation_accuracy", names::VAL_ACC),
    ("eval_acc", names::VAL_ACC),
    ("eval_accuracy", names::VAL_ACC),
    ("test_acc", names::VAL_ACC),
    ("test_accuracy", names::VAL_ACC),
    ("acc_val", names::VAL_ACC),
    ("accuracy_val", names::VAL_ACC),
    ("accuracy_valid", names::VAL_ACC),
    ("accuracy_validation", names::VAL_ACC),
    ("accuracy_eval", names::VAL_ACC),
    ("accuracy_test", names::VAL_ACC),
    ("val_acc_epoch", names::VAL_ACC),
    ("val_epoch_accuracy", names::VAL_ACC),
    ("gradient_norm", names::GRAD_NORM),
    ("grad_norm_total", names::GRAD_NORM),
    ("total_norm", names::GRAD_NORM),
    ("total_grad_norm", names::GRAD_NORM),
    ("global_norm", names::GRAD_NORM),
    ("global_grad_norm", names::GRAD_NORM),
    ("gradient_global_norm", names::GRAD_NORM),
    ("gradnorm", names::GRAD_NORM),
    ("train_grad_norm", names::GRAD_NORM),
    ("grad_2_0_norm_total", names::GRAD_NORM),
    ("learning_rate", names::LR),
    ("learningrate", names::LR),
    ("train_lr", names::LR),
    ("train_learning_rate", names::LR),
    ("epoch_learning_rate", names::LR),
    ("epoch_lr", names::LR),
];

/// Lowercase, with `/ - . :` and spaces turned into `_`.
pub fn normalize(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '/' | '-' | '.' | ':' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// What a column (or JSON key) holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A step counter; lower rank is preferred when there are several.
    Step(usize),
    /// A metric, under this name.
    Metric(String),
    /// Ignored.
    Skip,
}

/// The user's mapping of metric names, checked when it is built.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NameMap {
    targets: HashMap<String, String>,
}

impl NameMap {
    /// An empty mapping: only the built-in aliases apply.
    pub fn new() -> Self {
        NameMap::default()
    }

    /// Maps `name` (compared normalized) to `target`: a canonical name,
    /// [`STEP`] or [`SKIP`].
    pub fn insert(&mut self, name: &str, target: &str) -> Result<(), ImportError> {
        let target = target.trim();
        let bad = |reason: String| ImportError::BadMapping {
            name: name.to_string(),
            target: target.to_string(),
            reason,
        };
        if name.trim().is_empty() {
            return Err(bad("the name to map is empty".into()));
        }
        if target != STEP && target != SKIP && !CANONICAL.contains(&target) {
            return Err(bad(format!(
                "'{target}' is not a canonical name; use one of {}, '{STEP}' for the \
                 step column or '{SKIP}' to skip the column",
                CANONICAL.join(", ")
            )));
        }
        let key = normalize(name);
        if target != SKIP {
            if let Some((other, _)) = self
                .targets
                .iter()
                .find(|(k, t)| **k != key && t.as_str() == target)
            {
                return Err(bad(format!(
                    "'{other}' is already mapped to '{target}': two columns cannot be one \
                     metric (skip one with '{other}=-' or '{name}=-')"
                )));
            }
        }
        self.targets.insert(key, target.to_string());
        Ok(())
    }

    /// Parses one `name=target` argument and adds it.
    pub fn insert_arg(&mut self, arg: &str) -> Result<(), ImportError> {
        match arg.rsplit_once('=') {
            Some((name, target)) => self.insert(name, target),
            None => Err(ImportError::BadMapping {
                name: arg.to_string(),
                target: String::new(),
                reason: "write it as name=canonical, e.g. total_norm=grad_norm".into(),
            }),
        }
    }

    /// What `original` holds: the user's mapping first, then the built-in
    /// step names and aliases; an unknown name is kept as it is.
    pub fn role(&self, original: &str) -> Role {
        let key = normalize(original);
        if let Some(target) = self.targets.get(&key) {
            return match target.as_str() {
                STEP => Role::Step(0),
                SKIP => Role::Skip,
                t => Role::Metric(t.to_string()),
            };
        }
        if let Some(rank) = STEP_NAMES.iter().position(|s| *s == key) {
            return Role::Step(rank + 1);
        }
        // wandb's bookkeeping: _runtime, _timestamp, _wandb.
        if key.starts_with('_') {
            return Role::Skip;
        }
        // A metric the lab reports itself (`test_loss`, `reward`...) is read
        // as itself, so the lab's own export reads back as it was written.
        if let Some((name, _)) = names::TITLES.iter().find(|(n, _)| *n == key) {
            return Role::Metric(name.to_string());
        }
        if let Some(canonical) = canonical_of(&key).or_else(|| lightning_lr(original)) {
            return Role::Metric(canonical.to_string());
        }
        Role::Metric(original.trim().to_string())
    }
}

/// The canonical name for a normalized name, if it has one.
fn canonical_of(key: &str) -> Option<&'static str> {
    CANONICAL
        .iter()
        .find(|c| **c == key)
        .copied()
        .or_else(|| ALIASES.iter().find(|(a, _)| *a == key).map(|(_, c)| *c))
}

/// Lightning's LearningRateMonitor: `lr-Adam`, or `lr-Adam/pg1` for the
/// first of several parameter groups.
fn lightning_lr(original: &str) -> Option<&'static str> {
    let rest = original.strip_prefix("lr-")?;
    let optimizer = rest.strip_suffix("/pg1").unwrap_or(rest);
    let plain = !optimizer.is_empty() && optimizer.chars().all(|c| c.is_ascii_alphanumeric());
    plain.then_some(names::LR)
}

/// Resolves the names of one file's columns or keys, once each.
///
/// Two names that mean the same metric (say `loss` and `train_loss`) would
/// overwrite each other: the second is refused, naming both.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolver {
    map: NameMap,
    index: HashMap<String, usize>,
    slots: Vec<(String, Role)>,
}

impl Resolver {
    /// A resolver applying `map`.
    pub fn new(map: NameMap) -> Self {
        Resolver {
            map,
            ..Resolver::default()
        }
    }

    /// The slot of `original`, resolving it the first time it is seen.
    /// `line` is for the error when there are too many names.
    pub fn slot(&mut self, original: &str, line: usize) -> Result<usize, ImportError> {
        if let Some(&i) = self.index.get(original) {
            return Ok(i);
        }
        if self.slots.len() >= MAX_COLUMNS {
            return Err(ImportError::Malformed {
                line,
                reason: format!("more than {MAX_COLUMNS} different columns or keys"),
            });
        }
        let role = self.map.role(original);
        if let Role::Metric(name) = &role {
            if let Some(first) = self.claimed(name) {
                return Err(ImportError::SameMetric {
                    line,
                    first: first.to_string(),
                    second: original.to_string(),
                    metric: name.clone(),
                });
            }
        }
        self.index.insert(original.to_string(), self.slots.len());
        self.slots.push((original.to_string(), role));
        Ok(self.slots.len() - 1)
    }

    /// The name already read as metric `name`, if any.
    fn claimed(&self, name: &str) -> Option<&str> {
        self.slots
            .iter()
            .find(|(_, r)| matches!(r, Role::Metric(m) if m == name))
            .map(|(o, _)| o.as_str())
    }

    /// The role of a slot.
    pub fn role(&self, slot: usize) -> &Role {
        &self.slots[slot].1
    }

    /// The original name of a slot.
    pub fn original(&self, slot: usize) -> &str {
        &self.slots[slot].0
    }

    /// (original name, metric name) of every metric seen, in order.
    pub fn metrics(&self) -> Vec<(String, String)> {
        self.slots
            .iter()
            .filter_map(|(o, r)| match r {
                Role::Metric(m) => Some((o.clone(), m.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The metric name of a TensorBoard scalar export, from its file name.
///
/// TensorBoard names the download `run-<run>-tag-<tag>.csv`, with `/` in the
/// tag turned into `_`. A run called `validation` (Keras) or `val`/`eval`
/// makes the tag a validation metric: `epoch_loss` there is `val_loss`.
pub fn tensorboard_metric(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.strip_suffix(".csv").unwrap_or(base);
    let Some((run, tag)) = stem.split_once("-tag-") else {
        return stem.to_string();
    };
    let run = run.strip_prefix("run-").unwrap_or(run);
    let last = run.rsplit(['/', '_', '-', '.']).next().unwrap_or(run);
    let validation = ["validation", "val", "valid", "eval"]
        .iter()
        .any(|v| last.eq_ignore_ascii_case(v));
    if validation && !normalize(tag).starts_with("val") {
        format!("val_{tag}")
    } else {
        tag.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_step_names_resolve() {
        let m = NameMap::new();
        let metric = |n: &str| Role::Metric(n.to_string());
        assert_eq!(m.role("Loss/train"), metric("loss"));
        assert_eq!(m.role("val/loss"), metric("val_loss"));
        assert_eq!(m.role("lr-AdamW"), metric("lr"));
        assert_eq!(m.role("lr-Adam/pg2"), metric("lr-Adam/pg2"));
        assert_eq!(m.role("GRAD_NORM"), metric("grad_norm"));
        assert_eq!(m.role("my_metric"), metric("my_metric"));
        assert_eq!(m.role("Step"), Role::Step(2));
        assert_eq!(m.role("_runtime"), Role::Skip);
    }

    #[test]
    fn tensorboard_file_names() {
        assert_eq!(
            tensorboard_metric("dir/run-exp1-tag-train_loss.csv"),
            "train_loss"
        );
        assert_eq!(
            tensorboard_metric("run-validation-tag-epoch_loss.csv"),
            "val_epoch_loss"
        );
        assert_eq!(tensorboard_metric("grad_norm.csv"), "grad_norm");
    }
}
