//! The browser suite: the `Lab` handle in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`).

#![cfg(target_arch = "wasm32")]

mod common;

use failure_lab::wasm::Lab;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Deserialize)]
struct Finding {
    detector: String,
    step: u64,
    severity: String,
    message: String,
    recommendation: String,
}

fn reference_lab() -> Lab {
    let config = serde_wasm_bindgen::to_value(&common::reference_config()).unwrap();
    Lab::new(config).unwrap_or_else(|e| panic!("{:?}", JsValue::from(e)))
}

#[wasm_bindgen_test]
fn lab_metrics_are_bit_identical_to_the_native_run() {
    let mut lab = reference_lab();
    let mut taken = 0;
    while taken < common::STEPS {
        let n = lab.step(37);
        if n == 0 {
            break;
        }
        taken += n;
    }
    let run = lab.run();
    assert_eq!(
        common::fingerprint(&run.monitor().history, run.hard_failure()),
        common::GOLDEN
    );
}

#[wasm_bindgen_test]
fn lab_trains_and_reports_the_explosion_with_its_recommendation() {
    let mut lab = reference_lab();
    let first_loss = lab.values("loss");
    assert!(first_loss.is_empty());
    lab.step(250);
    let loss = lab.values("loss");
    assert_eq!(loss.len(), 250);
    assert!(
        loss[249] < loss[0],
        "it learns before the spike: {} -> {}",
        loss[0],
        loss[249]
    );
    let quiet: Vec<Finding> = serde_wasm_bindgen::from_value(lab.findings(0).unwrap()).unwrap();
    assert!(quiet.is_empty(), "healthy steps raise nothing: {quiet:?}");

    lab.step(400);
    let findings: Vec<Finding> = serde_wasm_bindgen::from_value(lab.findings(0).unwrap()).unwrap();
    let f = findings
        .iter()
        .find(|f| f.detector == "gradient_explosion")
        .expect("the explosion is found");
    assert!(f.step >= 300, "not before the spike: {}", f.step);
    assert_eq!(f.severity, "critical");
    assert!(f.message.contains("gradient norm"));
    assert!(f.recommendation.contains("learning rate"));
    let broke = lab.hard_failure().expect("the spike breaks the run");
    assert!((f.step as f64) < broke);
    assert_eq!(lab.step(10), 0, "a failed run takes no more steps");
}

#[wasm_bindgen_test]
fn bad_settings_are_errors_with_a_message_not_panics() {
    let bad = js_sys::JSON::parse(r#"{"train":{"lr":-1}}"#).unwrap();
    let err = Lab::new(bad)
        .err()
        .expect("a negative learning rate is refused");
    let msg = js_sys::Error::from(JsValue::from(err)).message();
    assert!(String::from(msg).contains("lr"));

    let unknown = js_sys::JSON::parse(r#"{"train":{"speed":3}}"#).unwrap();
    assert!(Lab::new(unknown).is_err());

    let mut lab = reference_lab();
    let wrong = js_sys::JSON::parse(r#"{"kind":"lr_spike","at_step":1,"factor":0}"#).unwrap();
    assert!(lab.set_fault("lr_spike", wrong).is_err());
    let mismatched = js_sys::JSON::parse(r#"{"kind":"lr_spike","at_step":1,"factor":5}"#).unwrap();
    assert!(lab.set_fault("other", mismatched).is_err());
    assert!(lab.set_fault("lr_spike", JsValue::NULL).is_ok());
}

#[wasm_bindgen_test]
fn fault_switched_on_mid_run_starts_at_that_step_and_reset_restarts() {
    let mut lab = Lab::new(JsValue::UNDEFINED).unwrap();
    lab.step(120);
    let spike = js_sys::JSON::parse(r#"{"kind":"lr_spike","at_step":120,"factor":50}"#).unwrap();
    lab.set_fault("lr_spike", spike).unwrap();
    lab.step(1);
    #[derive(Deserialize)]
    struct Truth {
        onset: Option<u64>,
    }
    let truth: Vec<Truth> = serde_wasm_bindgen::from_value(lab.ground_truth().unwrap()).unwrap();
    assert_eq!(truth[0].onset, Some(120));
    lab.reset().unwrap();
    assert_eq!(lab.steps(), 0.0);
    assert!(lab.values("loss").is_empty());
}
