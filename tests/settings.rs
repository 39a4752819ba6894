//! The settings table the page is built from agrees with the engine's own
//! validation: each default builds a valid config, min and max are
//! accepted, just outside is refused with the table's message, every option
//! is accepted and a made-up one refused. The page takes its defaults,
//! ranges and messages from this table (`settingsTable()`), so a failure
//! here is the page and Rust disagreeing.

use failure_lab::metrics::names;
use failure_lab::run::RunConfig;
use failure_lab::settings::{self, Kind};
use serde_json::Value;

#[test]
fn every_setting_agrees_with_the_engines_validation() {
    let base = RunConfig::default();
    let table = settings::table();
    assert!(table.len() >= 30);
    for s in &table {
        let name = s.name;
        assert!(!s.default.is_null(), "{name}: a default from the engine");
        let config = s
            .apply(&base, &s.default)
            .unwrap_or_else(|e| panic!("{name}: the default is refused: {e:?}"));
        assert_eq!(config, base, "{name}: the default is the engine's");
        if let Some([lo, hi]) = s.extremes() {
            for v in [&lo, &hi] {
                s.apply(&base, v)
                    .unwrap_or_else(|e| panic!("{name}: {v} is in range but refused: {e:?}"));
            }
            for low in [true, false] {
                let Some(v) = s.just_outside(low) else {
                    assert!(
                        s.range.unwrap().page_limit || (s.kind == Kind::Layers && low),
                        "{name}: a bound the engine checks"
                    );
                    continue;
                };
                let err = s
                    .apply(&base, &v)
                    .err()
                    .unwrap_or_else(|| panic!("{name}: {v} is out of range but accepted"));
                assert!(
                    s.paths.iter().any(|p| p.ends_with(err.field)),
                    "{name}: refused for its own field, not {}",
                    err.field
                );
                if !err.field.contains('.') {
                    // Refused by the engine's validation (not by the type).
                    assert_eq!(s.message.as_deref(), Some(err.reason.as_str()), "{name}");
                }
            }
            assert!(s.message.is_some(), "{name}: a message");
        } else {
            assert!(s.message.is_none(), "{name}: no range, no message");
        }
        if let Some((_, widest)) = s.widths {
            let too_wide = Value::String((widest + 1).to_string());
            assert!(
                s.apply(&base, &too_wide).is_err(),
                "{name}: width {widest} + 1"
            );
        }
        if s.kind == Kind::Enum {
            for o in s.options {
                // The modular dataset has 529 pairs: the split sizes must fit
                // in them (the page says so if they do not).
                let base = if *o == "modular" {
                    RunConfig {
                        train: failure_lab::scenarios::classifier::grokking_setup(1),
                        ..base.clone()
                    }
                } else {
                    base.clone()
                };
                s.apply(&base, &Value::from(*o))
                    .unwrap_or_else(|e| panic!("{name}: option {o} refused: {e:?}"));
            }
            assert!(s.apply(&base, &Value::from("bogus")).is_err(), "{name}");
            assert!(s.option_labels.is_empty() || s.option_labels.len() == s.options.len());
        }
        if s.kind == Kind::Bool {
            s.apply(&base, &Value::Bool(true)).unwrap();
        }
    }
    let names: Vec<&str> = table.iter().map(|s| s.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each name once");
}

#[test]
fn the_drift_the_table_settled_follows_the_engine() {
    let table = settings::table();
    let get = |n: &str| table.iter().find(|s| s.name == n).unwrap();
    // The page accepted 8 hidden layers for the agent; the engine allows
    // 0 (a linear policy) to 4.
    let agent = get("aHidden").range.unwrap();
    assert_eq!((agent.min, agent.max), (0.0, 4.0));
    assert_eq!(get("hidden").range.unwrap().max, 8.0);
    // Open bounds: a learning rate must be above 0, momentum below 1.
    assert!(get("lr").range.unwrap().min_open);
    assert!(get("momentum").range.unwrap().max_open);
    assert_eq!(
        get("lr").message.as_deref(),
        Some("must be above 0 and at most 1000")
    );
    assert_eq!(get("hidden").default, Value::from("16,16"));
    assert_eq!(get("aHidden").default, Value::from("16"));
}

#[test]
fn metric_titles_cover_the_known_metrics() {
    for name in [
        names::LOSS,
        names::VAL_ACC,
        names::GRAD_NORM,
        names::LR,
        names::REWARD,
        names::BEHAVIOR_GAP,
        "grad_norm/*",
    ] {
        assert!(names::title(name).is_some(), "{name}");
    }
    assert_eq!(names::title("nothing"), None);
    let mut seen: Vec<&str> = names::TITLES.iter().map(|t| t.0).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), names::TITLES.len());
}

/// Every graded case the page can load is within the page's step cost, and
/// the heavy settings (batch 4096, 8 layers of 256) are refused by
/// it, naming the cost (issue 11, defect 2).
#[test]
fn the_step_cost_limit_keeps_the_presets_and_refuses_heavy_settings() {
    for p in failure_lab::presets::presets() {
        let config = p.config(1);
        let cost = settings::step_cost(&config);
        assert!(
            settings::check_step_cost(&config).is_ok(),
            "a preset over the page's step cost: {cost}"
        );
    }
    let mut heavy = RunConfig {
        train: failure_lab::trainer::TrainConfig {
            batch_size: 4096,
            hidden: vec![256; 8],
            ..Default::default()
        },
        ..Default::default()
    };
    let err = settings::validate(&heavy).unwrap_err();
    assert_eq!(err.field, "step_cost");
    assert!(
        err.reason.contains("5.8 billion multiply-adds"),
        "{}",
        err.reason
    );
    heavy.train.batch_size = 32;
    assert!(
        settings::validate(&heavy).is_ok(),
        "the heaviest layers alone"
    );
}
