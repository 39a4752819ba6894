//! The fault registries police themselves, as tests/registry.rs polices the
//! detectors: every registered fault has its own documented file in its
//! learner's folder, every fault file is registered, its docs describe its
//! settings, its defaults validate, its documented ranges are the ones its
//! validation enforces, it defines exactly one suite case on its learner,
//! and the JSON form of every fault is the one stored runs and URLs carry.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use failure_lab::eval::cases::cases;
use failure_lab::scenarios::agent::AgentFault;
use failure_lab::scenarios::classifier::ClassifierFault;
use failure_lab::scenarios::fault::FaultDoc;
use failure_lab::scenarios::gan::GanFault;
use failure_lab::scenarios::{Fault, Scenario};

const LEARNERS: [(Scenario, &str); 3] = [
    (Scenario::Classifier, "src/scenarios/classifier"),
    (Scenario::Agent, "src/scenarios/agent"),
    (Scenario::Gan, "src/scenarios/gan"),
];

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The fault files (stems) of a learner's folder: every .rs but mod.rs.
fn fault_files(rel: &str) -> BTreeSet<String> {
    fs::read_dir(dir(rel))
        .expect("the learner's fault folder is readable")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && name != "mod.rs")
        .map(|name| name.trim_end_matches(".rs").to_string())
        .collect()
}

/// Everything wrong with one registered fault of `scenario`.
fn problems(scenario: Scenario, doc: &FaultDoc, source: Option<&str>) -> Vec<String> {
    let id = doc.id;
    let mut out = Vec::new();
    for (name, value) in [("id", doc.id), ("title", doc.title), ("text", doc.text)] {
        if value.trim().is_empty() {
            out.push(format!("{id}: DOC.{name} is empty"));
        }
    }
    if failure_lab::detectors::info(doc.detector).is_none() {
        out.push(format!(
            "{id}: DOC.detector {} is no registered detector",
            doc.detector
        ));
    }
    let Some(fault) = Fault::default_for(id) else {
        out.push(format!("{id}: no default"));
        return out;
    };
    if fault.id() != id || fault.scenario() != scenario {
        out.push(format!(
            "{id}: default is {} of {:?}",
            fault.id(),
            fault.scenario()
        ));
    }
    if let Err(e) = fault.validate() {
        out.push(format!("{id}: its defaults do not validate: {e}"));
    }
    // The docs name every setting of the JSON form, in order, `kind` aside.
    let json = serde_json::to_value(&fault).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut named: Vec<&str> = doc.fields.iter().map(|f| f.name).collect();
    named.insert(0, "kind");
    let (mut keys_sorted, mut named_sorted) = (keys.clone(), named.clone());
    keys_sorted.sort_unstable();
    named_sorted.sort_unstable();
    if keys_sorted != named_sorted {
        out.push(format!(
            "{id}: DOC.fields {named:?} but its JSON has {keys:?}"
        ));
    }
    for field in doc.fields {
        if field.label.trim().is_empty() {
            out.push(format!("{id}: field {} has no label", field.name));
        }
        // A number in the field's own type (an integer field takes integers).
        let number = |x: f64| {
            if json[field.name].is_u64() && x >= 0.0 {
                serde_json::json!(x.round() as u64)
            } else {
                serde_json::json!(x)
            }
        };
        let with = |value: serde_json::Value| {
            let mut v = json.clone();
            v[field.name] = value;
            serde_json::from_value::<Fault>(v)
        };
        // Just outside the documented range is refused, naming the field.
        if let Some((lo, hi)) = field.range {
            let span = (hi - lo).max(1.0);
            for outside in [lo - span, hi + span] {
                match with(number(outside)) {
                    Ok(f) => match f.validate() {
                        Err(e) if e.field == field.name => {}
                        other => out.push(format!(
                            "{id}: {} = {outside} is outside the documented range [{lo}, {hi}] \
                             but validates as {other:?}",
                            field.name
                        )),
                    },
                    Err(_) if outside < 0.0 => {} // an unsigned field refuses it when read
                    Err(e) => out.push(format!("{id}: {} = {outside}: {e}", field.name)),
                }
            }
            // And its bounds' midpoint is accepted.
            let mid = number((lo + hi) / 2.0);
            match with(mid.clone()).map(|f| f.validate()) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => out.push(format!("{id}: {} = {mid} is refused: {e}", field.name)),
                Err(e) => out.push(format!("{id}: {} = {mid} is refused: {e}", field.name)),
            }
        }
        for option in field.options {
            if let Err(e) = with(serde_json::json!(option)) {
                out.push(format!("{id}: option {option} of {}: {e}", field.name));
            }
        }
    }
    // Exactly one suite case, on this learner, with this fault at its defaults.
    let found: Vec<_> = cases()
        .into_iter()
        .filter(|c| c.fault == Some(id))
        .collect();
    match found.as_slice() {
        [case] => {
            let config = (case.config)(7);
            if config.scenario != scenario || config.faults != [fault.clone()] {
                out.push(format!("{id}: its suite case runs {:?}", config.faults));
            }
        }
        _ => out.push(format!("{id}: {} suite cases", found.len())),
    }
    match source {
        None => out.push(format!("{id}: no file of its own in its learner's folder")),
        Some(src) => {
            if !src.contains(&format!("id: \"{id}\"")) {
                out.push(format!("{id}: its file does not hold its DOC"));
            }
            if !src.contains("impl FaultKind for") {
                out.push(format!("{id}: its file does not implement FaultKind"));
            }
        }
    }
    out
}

#[test]
fn every_registered_fault_is_documented_valid_and_in_its_own_file() {
    let mut all = Vec::new();
    let mut seen = BTreeSet::new();
    for (scenario, rel) in LEARNERS {
        let docs = Fault::docs_for(scenario);
        let ids = Fault::ids_for(scenario);
        assert_eq!(docs.len(), ids.len());
        for (doc, id) in docs.iter().zip(ids) {
            if doc.id != *id {
                all.push(format!(
                    "{id}: registered under the file name {id}, DOC.id is {}",
                    doc.id
                ));
            }
            if !seen.insert(doc.id) {
                all.push(format!("{}: registered twice", doc.id));
            }
            let source = fs::read_to_string(dir(rel).join(format!("{id}.rs"))).ok();
            all.extend(problems(scenario, doc, source.as_deref()));
        }
        for stem in fault_files(rel) {
            if !ids.contains(&stem.as_str()) {
                all.push(format!("{rel}/{stem}.rs is not registered"));
            }
        }
    }
    assert!(seen.len() >= 12, "{seen:?}");
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let good = *Fault::docs_for(Scenario::Classifier).first().unwrap();
    let src = "impl FaultKind for LrSpike { const DOC: FaultDoc = FaultDoc { id: \"lr_spike\"";
    assert!(problems(Scenario::Classifier, &good, Some(src)).is_empty());
    // A missing file, empty docs, a field the JSON lacks, a wrong range,
    // and a fault that belongs to the other learner.
    assert!(problems(Scenario::Classifier, &good, None)[0].contains("no file"));
    let empty = FaultDoc { text: " ", ..good };
    assert!(problems(Scenario::Classifier, &empty, Some(src))[0].contains("DOC.text is empty"));
    use failure_lab::scenarios::fault::{FieldDoc, AT_STEP};
    const EXTRA: [FieldDoc; 2] = [AT_STEP, FieldDoc::new("gain", "gain")];
    let extra = FaultDoc {
        fields: &EXTRA,
        ..good
    };
    assert!(problems(Scenario::Classifier, &extra, Some(src))[0].contains("DOC.fields"));
    const NARROW: [FieldDoc; 2] = [AT_STEP, FieldDoc::new("factor", "×").range(1.0, 10.0)];
    let narrow = FaultDoc {
        fields: &NARROW,
        ..good
    };
    let p = problems(Scenario::Classifier, &narrow, Some(src));
    assert!(
        p[0].contains("factor = 19 is outside the documented range"),
        "{p:?}"
    );
    const WIDE: [FieldDoc; 2] = [AT_STEP, FieldDoc::new("factor", "×").range(1.0, 1e9)];
    let wide = FaultDoc {
        fields: &WIDE,
        ..good
    };
    let p = problems(Scenario::Classifier, &wide, Some(src));
    assert!(p[0].contains("is refused"), "{p:?}");
    let p = problems(Scenario::Agent, &good, Some(src));
    assert!(p[0].contains("default is lr_spike of Classifier"), "{p:?}");
}

/// Today's JSON of every fault at its defaults, as stored runs (IndexedDB)
/// and exports hold them: each reads back to the same fault and writes the
/// same bytes.
const STORED: [&str; 13] = [
    r#"{"kind":"lr_spike","at_step":300,"factor":50.0}"#,
    r#"{"kind":"init_too_large","at_step":300,"scale":10.0}"#,
    r#"{"kind":"vanishing","at_step":0,"depth":8,"width":8,"init_scale":0.1}"#,
    r#"{"kind":"plateau","at_step":300,"bias_shift":-20.0}"#,
    r#"{"kind":"oscillation","at_step":300,"factor":100.0}"#,
    r#"{"kind":"corrupt_batch","at_step":300,"value":"nan"}"#,
    r#"{"kind":"class_imbalance","at_step":300,"ratio":100.0,"rare":1}"#,
    r#"{"kind":"label_noise","at_step":300,"fraction":0.4}"#,
    r#"{"kind":"data_contamination","at_step":300,"copies":40}"#,
    r#"{"kind":"spurious_feature","at_step":300}"#,
    r#"{"kind":"reward_hacking","at_step":300,"per_word":0.01}"#,
    r#"{"kind":"mode_collapse","at_step":300,"temperature":0.8,"lr_factor":5.0}"#,
    r#"{"kind":"deceptive_alignment","at_step":300}"#,
];

#[test]
fn the_json_of_every_fault_is_what_stored_runs_hold() {
    // The JSON of the faults that runs were stored with keeps reading back
    // to the same fault and writing the same bytes.
    for json in STORED {
        let fault: Fault = serde_json::from_str(json).unwrap();
        let id = serde_json::from_str::<serde_json::Value>(json).unwrap()["kind"].clone();
        assert_eq!(
            fault,
            Fault::default_for(id.as_str().unwrap()).unwrap(),
            "{json}"
        );
        assert_eq!(serde_json::to_string(&fault).unwrap(), json);
    }
    // Every fault, old or new, round-trips its own default JSON.
    for id in (ClassifierFault::IDS.iter())
        .chain(&AgentFault::IDS)
        .chain(&GanFault::IDS)
    {
        let fault = Fault::default_for(id).unwrap();
        let json = serde_json::to_string(&fault).unwrap();
        assert_eq!(
            serde_json::from_str::<Fault>(&json).unwrap(),
            fault,
            "{json}"
        );
    }
    // Fields left out take their defaults; the URL form's settings (numbers
    // written as integers) read the same; the run config carries them.
    let short: Fault = serde_json::from_str(r#"{"kind":"lr_spike","factor":50}"#).unwrap();
    assert_eq!(short, Fault::lr_spike(300));
    let run: failure_lab::run::RunConfig = serde_json::from_str(
        r#"{"faults":[{"kind":"plateau","at_step":12},{"kind":"label_noise"}]}"#,
    )
    .unwrap();
    assert_eq!(run.faults[0].at_step(), 12);
    assert_eq!(
        serde_json::to_value(&run).unwrap()["faults"][1]["fraction"],
        0.4
    );
    // Errors name what is wrong, as before.
    let err = |json: &str| serde_json::from_str::<Fault>(json).unwrap_err().to_string();
    assert!(err(r#"{"kind":"plateau","shift":-5}"#).contains("unknown field `shift`"));
    assert!(err(r#"{"kind":"meteor"}"#).contains("unknown variant `meteor`"));
    assert!(err(r#"{"kind":"meteor"}"#).contains("deceptive_alignment"));
    assert!(err(r#"{"at_step":3}"#).contains("missing field `kind`"));
    assert!(err(r#"{"kind":"mode_collapse","lr_factor":"x"}"#).contains("invalid type"));
}
