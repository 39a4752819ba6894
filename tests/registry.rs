//! The detector registry polices itself, as Clippy's meta-tests police its
//! lints: every registered detector has its own documented, tested file, and
//! every detector file is registered, every detector is built from the kit
//! (`declare_detector!` plus an `Observe` impl), its default settings are
//! valid and documented, and a reset detector behaves as a new one.
//!
//! Adding a detector is one file, `src/detectors/<id>.rs`, plus one registry
//! line (`<id>,` in the `registry!` list of `src/detectors/mod.rs`); these
//! tests say what the file must hold.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use failure_lab::detectors::kit::Setting;
use failure_lab::detectors::{DetectorInfo, Finding, REGISTRY};
use failure_lab::metrics::{names, Frame};

/// Files in src/detectors/ that are not detectors.
const NOT_DETECTORS: [&str; 3] = ["kit.rs", "mod.rs", "stats.rs"];

fn detectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/detectors")
}

/// Everything wrong with one registry entry, given its file's text.
fn problems(d: &DetectorInfo, source: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let fields = [
        ("id", d.id),
        ("title", d.title),
        ("family", d.family),
        ("what", d.what),
        ("why", d.why),
        ("threshold", d.threshold),
        ("recommendation", d.recommendation),
    ];
    for (name, value) in fields {
        if value.trim().is_empty() {
            out.push(format!("{}: INFO.{name} is empty", d.id));
        }
    }
    if !["optimization", "data", "alignment", "emergence"].contains(&d.family) {
        out.push(format!("{}: unknown family {:?}", d.id, d.family));
    }
    let built = (d.build)();
    if built.id() != d.id {
        out.push(format!(
            "{}: builds a detector with id {}",
            d.id,
            built.id()
        ));
    }
    match source {
        None => out.push(format!("{}: no file src/detectors/{}.rs", d.id, d.id)),
        Some(src) => {
            if !src.contains("#[cfg(test)]") {
                out.push(format!("{}: no #[cfg(test)] module", d.id));
            }
            if !src.contains("#[test]") {
                out.push(format!("{}: no #[test]", d.id));
            }
            if !src.contains("declare_detector! {") {
                out.push(format!("{}: not declared with `declare_detector!`", d.id));
            }
            if !src.contains("impl Observe for State") {
                out.push(format!("{}: no `impl Observe for State`", d.id));
            }
        }
    }
    out
}

/// Ids registered more than once.
fn duplicate_ids(registry: &[DetectorInfo]) -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    registry
        .iter()
        .filter(|d| !seen.insert(d.id))
        .map(|d| d.id)
        .collect()
}

/// Detector files (stems) in `dir` that no registry entry names.
fn unregistered(dir: &Path, registry: &[DetectorInfo]) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .expect("src/detectors/ is readable")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && !NOT_DETECTORS.contains(&name.as_str()))
        .map(|name| name.trim_end_matches(".rs").to_string())
        .filter(|stem| registry.iter().all(|d| d.id != stem))
        .collect();
    out.sort();
    out
}

#[test]
fn every_registered_detector_has_a_documented_tested_file() {
    assert!(!REGISTRY.is_empty());
    let dir = detectors_dir();
    let all: Vec<String> = REGISTRY
        .iter()
        .flat_map(|d| {
            let source = fs::read_to_string(dir.join(format!("{}.rs", d.id))).ok();
            problems(d, source.as_deref())
        })
        .collect();
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn registry_ids_are_unique() {
    assert_eq!(duplicate_ids(REGISTRY), Vec::<&str>::new());
}

#[test]
fn every_detector_file_is_registered() {
    assert_eq!(
        unregistered(&detectors_dir(), REGISTRY),
        Vec::<String>::new()
    );
}

/// The checks above can fail: each catches its own kind of mistake.
#[test]
fn the_checks_catch_what_they_police() {
    let good = REGISTRY[0];
    let src = "declare_detector! {}\nimpl Observe for State {}\n#[cfg(test)]\nmod tests {\n#[test]\nfn t() {}\n}";
    assert!(problems(&good, Some(src)).is_empty());
    assert!(!problems(&good, None).is_empty(), "missing file");
    assert!(
        !problems(&good, Some("declare_detector! {}\nimpl Observe for State")).is_empty(),
        "no tests"
    );
    let blank = DetectorInfo { why: " ", ..good };
    assert!(!problems(&blank, Some(src)).is_empty(), "empty field");
    let misnamed = DetectorInfo {
        id: "not_its_id",
        ..good
    };
    assert!(
        !problems(&misnamed, Some(src)).is_empty(),
        "build().id() differs"
    );

    assert_eq!(duplicate_ids(&[good, REGISTRY[1], good]), [good.id]);

    let tmp = std::env::temp_dir().join(format!("registry-test-{}", std::process::id()));
    fs::create_dir_all(&tmp).unwrap();
    for name in ["kit.rs", "mod.rs", "stats.rs", "orphan.rs", "notes.md"] {
        fs::write(tmp.join(name), "").unwrap();
    }
    fs::write(tmp.join(format!("{}.rs", good.id)), "").unwrap();
    let found = unregistered(&tmp, REGISTRY);
    fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(found, ["orphan"]);
}

/// Ways a number may be written in a doc: 3, 0.5, 1e-8, 30%.
fn renderings(v: f64) -> Vec<String> {
    let mut out = vec![format!("{v}"), format!("{v:e}")];
    let percent = 100.0 * v;
    if (percent - percent.round()).abs() < 1e-9 {
        out.push(format!("{}%", percent.round()));
    }
    out
}

/// Whether `text` holds `number` as a whole number (not inside a longer one).
fn mentions(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// Everything wrong with a detector's default settings.
fn settings_problems(d: &DetectorInfo, settings: &[Setting]) -> Vec<String> {
    let mut out: Vec<String> = settings
        .iter()
        .filter_map(|s| s.check().err().map(|e| format!("{}: default {e}", d.id)))
        .collect();
    for s in settings {
        if s.doc.trim().is_empty() {
            out.push(format!("{}: setting {} has no doc", d.id, s.name));
        }
    }
    // The first setting is the threshold the docs describe.
    if let Some(first) = settings.first() {
        let docs = format!("{} {}", d.what, d.threshold);
        if !renderings(first.value).iter().any(|r| mentions(&docs, r)) {
            out.push(format!(
                "{}: what/threshold do not mention {} = {}",
                d.id, first.name, first.value
            ));
        }
    }
    out
}

#[test]
fn default_settings_are_valid_and_the_threshold_doc_gives_the_default() {
    let all: Vec<String> = REGISTRY
        .iter()
        .flat_map(|d| settings_problems(d, &(d.settings)()))
        .collect();
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn the_settings_checks_catch_what_they_police() {
    let d = failure_lab::detectors::info("gradient_explosion").unwrap();
    let good = (d.settings)();
    assert!(settings_problems(d, &good).is_empty());
    let undocumented = [Setting {
        value: 1234.0,
        ..good[0]
    }];
    assert_eq!(settings_problems(d, &undocumented).len(), 1);
    let out_of_range = [Setting {
        value: -1.0,
        ..good[0]
    }];
    assert!(!settings_problems(d, &out_of_range).is_empty());
    assert!(mentions("above 0.5 in", "0.5") && mentions("30% above", "30%"));
    assert!(!mentions("above 10.5", "0.5") && !mentions("1000 steps", "100"));
}

/// Every metric, noisy, with a level shift, spikes and NaNs: enough to make
/// most detectors fire.
fn stream(seed: u64, steps: u64) -> Vec<Frame> {
    let mut all: Vec<&str> = vec![
        names::LOSS,
        names::VAL_LOSS,
        names::VAL_ACC,
        names::GRAD_NORM,
        names::GRAD_NORM_FIRST,
        names::GRAD_NORM_LAST,
        names::UPDATE_RATIO,
        names::DEAD_FRAC,
        names::SATURATED_FRAC,
        names::TEST_LOSS,
        names::TEST_ACC,
        names::CLASS_RATIO,
        names::REWARD,
        names::TRUE_QUALITY,
        names::POLICY_ENTROPY,
        names::DIVERSITY_RATIO,
        names::BEHAVIOR_GAP,
    ];
    all.sort();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut noise = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..steps)
        .map(|step| {
            let mut f = Frame::new(step);
            let phase = (step * 4 / steps) as f64;
            for (k, name) in all.iter().enumerate() {
                let base = 0.05 + 0.1 * k as f64;
                let spike = if step % 97 == 13 { 500.0 } else { 1.0 };
                let value = base * (1.0 + phase * phase) * spike * (0.5 + noise());
                let value = if step == steps - 7 { f64::NAN } else { value };
                // The held-out splits are measured every tenth step.
                if step % 10 == 0 || !name.starts_with("val") && !name.starts_with("test") {
                    f.set(name, value);
                }
            }
            f
        })
        .collect()
}

fn findings(d: &mut dyn failure_lab::detectors::Detector, frames: &[Frame]) -> Vec<Finding> {
    frames.iter().filter_map(|f| d.observe(f)).collect()
}

#[test]
fn a_reset_detector_behaves_as_a_new_one() {
    let (first, second) = (stream(1, 1500), stream(2, 1500));
    let mut fired = 0;
    for d in REGISTRY {
        let mut used = (d.build)();
        findings(used.as_mut(), &first);
        used.reset();
        let new = findings((d.build)().as_mut(), &second);
        fired += usize::from(!new.is_empty());
        assert_eq!(findings(used.as_mut(), &second), new, "{}", d.id);
    }
    assert!(fired >= REGISTRY.len() / 2, "only {fired} detectors fired");
}
