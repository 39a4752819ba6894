//! The detector registry polices itself, as Clippy's meta-tests police its
//! lints: every registered detector has its own documented, tested file, and
//! every detector file is registered.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use failure_lab::detectors::{DetectorInfo, REGISTRY};

/// Files in src/detectors/ that are not detectors.
const NOT_DETECTORS: [&str; 2] = ["mod.rs", "stats.rs"];

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
            if !src.contains("pub const INFO: DetectorInfo") {
                out.push(format!("{}: no `pub const INFO: DetectorInfo`", d.id));
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
    let src =
        "pub const INFO: DetectorInfo = ...;\n#[cfg(test)]\nmod tests {\n#[test]\nfn t() {}\n}";
    assert!(problems(&good, Some(src)).is_empty());
    assert!(!problems(&good, None).is_empty(), "missing file");
    assert!(
        !problems(&good, Some("pub const INFO: DetectorInfo")).is_empty(),
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
    for name in ["mod.rs", "stats.rs", "orphan.rs", "notes.md"] {
        fs::write(tmp.join(name), "").unwrap();
    }
    fs::write(tmp.join(format!("{}.rs", good.id)), "").unwrap();
    let found = unregistered(&tmp, REGISTRY);
    fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(found, ["orphan"]);
}
