//! The browser suite: the `Lab` handle in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`).

#![cfg(target_arch = "wasm32")]

mod common;

use failure_lab::wasm::Lab;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Text for a handle's argument.
fn t(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// Numbers for a handle's argument.
fn nums(values: &[f64]) -> JsValue {
    js_sys::Float64Array::from(values).into()
}

/// Bytes for a handle's argument.
fn bytes(b: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(b).into()
}

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
    let first_loss = lab.values(t("loss"));
    assert!(first_loss.is_empty());
    lab.step(250);
    let loss = lab.values(t("loss"));
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
    assert!(lab.set_fault(t("lr_spike"), wrong).is_err());
    let mismatched = js_sys::JSON::parse(r#"{"kind":"lr_spike","at_step":1,"factor":5}"#).unwrap();
    assert!(lab.set_fault(t("other"), mismatched).is_err());
    assert!(lab.set_fault(t("lr_spike"), JsValue::NULL).is_ok());
}

#[wasm_bindgen_test]
fn fault_switched_on_mid_run_starts_at_that_step_and_reset_restarts() {
    let mut lab = Lab::new(JsValue::UNDEFINED).unwrap();
    lab.step(120);
    let spike = js_sys::JSON::parse(r#"{"kind":"lr_spike","at_step":120,"factor":50}"#).unwrap();
    lab.set_fault(t("lr_spike"), spike).unwrap();
    lab.step(1);
    #[derive(Deserialize)]
    struct Truth {
        onset: Option<u64>,
    }
    let truth: Vec<Truth> = serde_wasm_bindgen::from_value(lab.ground_truth().unwrap()).unwrap();
    assert_eq!(truth[0].onset, Some(120));
    lab.reset().unwrap();
    assert_eq!(lab.steps(), 0.0);
    assert!(lab.values(t("loss")).is_empty());
}

fn message(err: wasm_bindgen::JsError) -> String {
    String::from(js_sys::Error::from(JsValue::from(err)).message())
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn canvas(width: u32, height: u32) -> web_sys::HtmlCanvasElement {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

#[wasm_bindgen_test]
fn the_board_refuses_bad_series_with_a_message() {
    use failure_lab::wasm::Board;
    let mut board = Board::new();
    assert!(
        board
            .add_series(t("r"), t("loss"), nums(&[0.0]), nums(&[1.0]))
            .is_err(),
        "add the run first"
    );
    board.add(t("r"), t("run r")).unwrap();
    let cases: [(&[f64], &[f64], &str); 4] = [
        (&[0.0, 1.0], &[1.0], "2 steps but 1 values"),
        (&[0.0, 2.0, 1.0], &[1.0, 1.0, 1.0], "steps must increase"),
        (&[0.5], &[1.0], "not a whole number"),
        (&[f64::NAN], &[1.0], "not a whole number"),
    ];
    for (steps, values, want) in cases {
        let err = board
            .add_series(t("r"), t("loss"), nums(steps), nums(values))
            .unwrap_err();
        assert!(message(err).contains(want), "{want}");
    }
    board
        .add_series(
            t("r"),
            t("loss"),
            nums(&[0.0, 1.0, 5.0]),
            nums(&[1.0, f64::NAN, 0.5]),
        )
        .unwrap();
    assert_eq!(board.metric_names(t("r")), ["loss"]);
    let bad = json(r#"[{"step": 1, "severity": "loud"}]"#);
    assert!(message(board.set_findings(t("r"), bad).unwrap_err()).contains("loud"));
    let good = json(r#"[{"step": 1, "severity": "critical", "detector": "x", "message": "m"}]"#);
    board.set_findings(t("r"), good).unwrap();
    board.remove(t("r"));
    assert!(!board.has(t("r")));
}

#[wasm_bindgen_test]
fn a_chart_of_the_live_run_and_a_stored_one_reports_its_plot_area() {
    use failure_lab::wasm::{Board, LiveView};
    #[derive(Deserialize)]
    struct Plot {
        left: i32,
        right: i32,
        x0: u64,
        x1: u64,
    }
    let mut lab = reference_lab();
    lab.step(120);
    let mut view = LiveView::new();
    drain_into(&mut lab, &mut view);
    let mut board = Board::new();
    board.add(t("old"), t("an old run")).unwrap();
    let steps: Vec<f64> = (0..400).map(f64::from).collect();
    board
        .add_series(t("old"), t("loss"), nums(&steps), nums(&[0.5; 400]))
        .unwrap();
    let c = canvas(500, 250);
    let options = json(r#"{"metrics": ["loss", "val_loss"], "traces": ["old"], "pixel_ratio": 2}"#);
    let plot: Plot =
        serde_wasm_bindgen::from_value(view.draw(c.clone(), options, &board).unwrap()).unwrap();
    assert!(0 < plot.left && plot.left < plot.right && plot.right <= 500);
    assert_eq!(
        (plot.x0, plot.x1),
        (0, 399),
        "the stored run is longer than the live one"
    );

    let zoomed = json(
        r#"{"metrics": ["loss"], "range": [50, 100], "live": false, "traces": ["old"], "markers": "old"}"#,
    );
    let plot: Plot =
        serde_wasm_bindgen::from_value(view.draw(c.clone(), zoomed, &board).unwrap()).unwrap();
    assert_eq!((plot.x0, plot.x1), (50, 100));

    for (bad, want) in [
        (r#"{"metrics": ["loss"], "scale": "cubic"}"#, "cubic"),
        (r#"{"metrics": ["loss"], "colour": "red"}"#, "colour"),
        (r#"{"metrics": ["loss"], "traces": ["gone"]}"#, "gone"),
    ] {
        let err = view.draw(c.clone(), json(bad), &board).unwrap_err();
        assert!(message(err).contains(want), "{bad}");
    }
}

#[wasm_bindgen_test]
fn a_log_fed_in_chunks_finds_what_the_live_run_found() {
    use failure_lab::wasm::LogImport;
    let mut lab = reference_lab();
    while lab.step(64) > 0 {}
    let run = lab.run();
    let history = &run.monitor().history;
    let names: Vec<&str> = history.series().iter().map(|s| s.name.as_str()).collect();
    let mut csv = format!("step,{}\n", names.join(","));
    for step in 0..=run.hard_failure().unwrap() {
        let cells: Vec<String> = history
            .series()
            .iter()
            .map(|s| match s.steps.binary_search(&step) {
                Ok(i) => format!("{:?}", s.values[i]),
                Err(_) => String::new(),
            })
            .collect();
        csv += &format!("{step},{}\n", cells.join(","));
    }
    let mut import = LogImport::new(JsValue::UNDEFINED, 1).unwrap();
    import.begin_file(t("run.csv")).unwrap();
    for chunk in csv.as_bytes().chunks(997) {
        import.feed(bytes(chunk)).unwrap();
    }
    import.end_file().unwrap();
    import.finish().unwrap();
    let live: Vec<Finding> = serde_wasm_bindgen::from_value(lab.findings(0).unwrap()).unwrap();
    let again: Vec<Finding> = serde_wasm_bindgen::from_value(import.findings().unwrap()).unwrap();
    let key = |f: &Finding| (f.detector.clone(), f.step, f.severity.clone());
    assert!(!live.is_empty());
    assert_eq!(
        live.iter().map(key).collect::<Vec<_>>(),
        again.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(import.values(t("loss")).len(), lab.values(t("loss")).len());
}

#[wasm_bindgen_test]
fn a_bad_log_or_mapping_is_an_error_naming_where() {
    use failure_lab::wasm::LogImport;
    let mut import = LogImport::new(JsValue::UNDEFINED, 1).unwrap();
    import.begin_file(t("bad.csv")).unwrap();
    import.feed(bytes(b"step,loss\n0,1.0\n1,")).unwrap();
    let err = import.feed(bytes(b"abc\n")).unwrap_err();
    assert_eq!(
        message(err),
        "bad.csv: line 3, column 2 (loss): 'abc' is not a number"
    );
    assert!(import.end_file().is_err(), "a failed file stays failed");

    let mapping = json(r#"{"objective": "los"}"#);
    let err = LogImport::new(mapping, 1).err().unwrap();
    assert!(message(err).contains("'los' is not a canonical name"));
    assert!(LogImport::new(JsValue::UNDEFINED, 0).is_err());
    let mut none = LogImport::new(JsValue::UNDEFINED, 2).unwrap();
    assert!(none.feed(bytes(b"x")).is_err(), "no file open");
    assert!(none.finish().is_err(), "nothing read");
}

#[wasm_bindgen_test]
fn every_offered_fault_checks_and_switches_on() {
    #[derive(Deserialize)]
    struct Choice {
        id: String,
        title: String,
        text: String,
        fields: Vec<serde_json::Value>,
        defaults: serde_json::Value,
    }
    let choices: Vec<Choice> =
        serde_wasm_bindgen::from_value(Lab::faults(JsValue::UNDEFINED).unwrap()).unwrap();
    assert!(choices.iter().any(|c| c.id == "lr_spike"));
    // The page's words for each fault are its Rust FaultDoc's.
    let spike = &choices[0];
    assert_eq!(
        (spike.id.as_str(), spike.title.as_str()),
        ("lr_spike", "Learning-rate spike")
    );
    assert!(spike.text.contains("learning rate"));
    assert_eq!(spike.fields[1]["label"], "× factor");
    let range = spike.fields[1]["range"].as_array().unwrap();
    let range: Vec<f64> = range.iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(range, [1.0, 1e6]);
    assert_eq!(
        choices.len(),
        failure_lab::scenarios::classifier::ClassifierFault::IDS.len(),
        "every fault of the scenario"
    );
    for c in &choices {
        let settings = json(&c.defaults.to_string());
        Lab::check_fault(settings.clone()).unwrap();
        let mut lab = Lab::new(JsValue::UNDEFINED).unwrap();
        lab.step(2);
        if let Err(e) = lab.set_fault(t(&c.id), settings.clone()) {
            // A fault that needs another setup says which.
            let said = message(e);
            let setup = if said.contains("cross-entropy") {
                r#"{"train": {"loss": "cross_entropy"}}"#
            } else if said.contains("modular") {
                r#"{"train": {"dataset": "modular", "n_train": 370, "n_val": 159, "n_test": 0}}"#
            } else {
                panic!("{}: {said}", c.id)
            };
            let mut lab = Lab::new(json(setup)).unwrap();
            lab.step(2);
            lab.set_fault(t(&c.id), settings)
                .unwrap_or_else(|e| panic!("{}: {}", c.id, message(e)));
        }
    }
    assert!(Lab::check_fault(json(r#"{"kind": "meteor"}"#)).is_err());
    let agent: Vec<Choice> =
        serde_wasm_bindgen::from_value(Lab::faults(t("agent")).unwrap()).unwrap();
    assert!(agent.iter().any(|c| c.id == "reward_hacking"));
    for c in &agent {
        let mut lab = Lab::new(json(r#"{"scenario": "agent"}"#)).unwrap();
        lab.step(2);
        lab.set_fault(t(&c.id), json(&c.defaults.to_string()))
            .unwrap_or_else(|e| panic!("{}: {}", c.id, message(e)));
    }
    assert!(Lab::faults(t("robot")).is_err());
}

#[wasm_bindgen_test]
fn with_the_response_on_the_twin_without_it_runs_in_lockstep() {
    #[derive(Deserialize)]
    struct Twin {
        steps: u64,
        hard_failure: Option<u64>,
    }
    #[derive(Deserialize)]
    struct Response {
        step: u64,
        detector: String,
        action: String,
    }
    let config = json(
        r#"{"train": {"seed": 7}, "faults": [{"kind": "lr_spike", "at_step": 300}], "respond": {"enabled": true}}"#,
    );
    let mut lab = Lab::new(config).unwrap();
    assert!(lab.has_twin());
    assert_eq!(lab.step(250), 250);
    let twin: Twin = serde_wasm_bindgen::from_value(lab.twin().unwrap()).unwrap();
    assert_eq!(twin.steps, 250, "in lockstep");
    assert_eq!(lab.step(400), 400, "the responding run goes on");
    assert_eq!(lab.hard_failure(), None);
    let twin: Twin = serde_wasm_bindgen::from_value(lab.twin().unwrap()).unwrap();
    let broke = twin
        .hard_failure
        .expect("the twin without the response fails");
    assert_eq!(twin.steps, broke + 1, "and stops there");
    let responses: Vec<Response> =
        serde_wasm_bindgen::from_value(lab.responses(0).unwrap()).unwrap();
    let first = responses.first().expect("the pipeline responded");
    assert!(first.step >= 300 && first.step < broke);
    assert!(first.action.contains("learning rate"), "{}", first.action);
    assert!(!first.detector.is_empty());
    lab.reset().unwrap();
    assert_eq!(lab.steps(), 0.0);
    assert!(lab.has_twin());
    assert!(!Lab::new(JsValue::UNDEFINED).unwrap().has_twin());
}

/// Hands what `lab` has new to `view`, as the page does with the worker's
/// posts; returns the batch.
fn drain_into(lab: &mut Lab, view: &mut failure_lab::wasm::LiveView) -> JsValue {
    use js_sys::{Array, Float64Array};
    let batch = lab.drain().unwrap();
    for item in Array::from(&get(&batch, "series")).iter() {
        let steps = Float64Array::from(get(&item, "steps")).to_vec();
        let values = Float64Array::from(get(&item, "values")).to_vec();
        let name = get(&item, "name").as_string().unwrap();
        let twin = get(&item, "twin").as_bool().unwrap();
        let keep = get(&item, "keep").as_f64().unwrap();
        view.append(t(&name), twin, keep, nums(&steps), nums(&values))
            .unwrap();
    }
    view.add_findings(get(&batch, "findings")).unwrap();
    view.set_steps(get(&batch, "steps").as_f64().unwrap());
    batch
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn drained_batches_rebuild_the_run_in_a_live_view() {
    use failure_lab::wasm::LiveView;
    use js_sys::Array;
    let config = json(
        r#"{"train": {"seed": 7}, "faults": [{"kind": "lr_spike", "at_step": 300}], "respond": {"enabled": true}}"#,
    );
    let mut lab = Lab::new(config).unwrap();
    let mut view = LiveView::new();
    view.clear(lab.has_twin());
    let mut findings = 0;
    for chunk in [1, 7, 0, 120, 300, 250] {
        lab.advance(chunk, false);
        let batch = drain_into(&mut lab, &mut view);
        findings += Array::from(&get(&batch, "findings")).length();
    }
    assert_eq!(lab.steps(), 678.0);
    assert_eq!(view.metric_names(), lab.metric_names());
    for name in lab.metric_names() {
        assert_eq!(view.steps_of(t(&name)), lab.steps_of(t(&name)), "{name}");
        let same = view
            .values(t(&name))
            .iter()
            .zip(lab.values(t(&name)))
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{name} bit for bit");
    }
    let all: Vec<Finding> = serde_wasm_bindgen::from_value(lab.findings(0).unwrap()).unwrap();
    assert_eq!(findings as usize, all.len());
    assert!(view.has_twin());
    // A batch that does not follow what the view holds is refused, not a panic.
    let held = view.steps_of(t("loss")).len() as f64;
    assert!(view
        .append(t("loss"), false, held, nums(&[3.0]), nums(&[1.0]))
        .is_err());
    assert!(view
        .append(t("loss"), true, 0.0, nums(&[1.0, 2.0]), nums(&[1.0]))
        .is_err());
    for keep in [held + 1.0, -1.0, 0.5, f64::NAN, f64::INFINITY] {
        assert!(
            view.append(t("loss"), false, keep, nums(&[1e9]), nums(&[1.0]))
                .is_err(),
            "keep {keep}"
        );
    }
    // Nothing new: an empty batch.
    let batch = lab.drain().unwrap();
    assert_eq!(Array::from(&get(&batch, "series")).length(), 0);
    lab.reset().unwrap();
    lab.advance(5, false);
    let batch = lab.drain().unwrap();
    let first = Array::from(&get(&batch, "series")).get(0);
    assert_eq!(
        get(&first, "keep").as_f64(),
        Some(0.0),
        "after a reset every metric starts again"
    );
}

#[wasm_bindgen_test]
fn advance_stops_at_a_critical_finding_when_asked() {
    #[derive(Deserialize)]
    struct Severity {
        step: u64,
        severity: String,
    }
    let mut lab = reference_lab();
    let mut taken = 0;
    while taken < 600 {
        let n = lab.advance(64, true);
        taken += n;
        if n < 64 {
            break;
        }
    }
    let all: Vec<Severity> = serde_wasm_bindgen::from_value(lab.findings(0).unwrap()).unwrap();
    let critical = all
        .iter()
        .find(|f| f.severity == "critical")
        .expect("the reference run raises a critical finding");
    assert_eq!(
        lab.steps() as u64,
        critical.step + 1,
        "stopped right after it"
    );
    assert!(lab.halted(), "and says so");

    // A chunk whose last step raises the critical finding takes all its
    // steps and still says it halted (the worker stops on that, not on a
    // short count).
    let mut exact = reference_lab();
    let n = u32::try_from(critical.step + 1).unwrap();
    assert_eq!(exact.advance(n, true), n);
    assert!(
        exact.halted(),
        "a critical finding on the last step of a chunk halts"
    );
    assert_eq!(exact.advance(1, false), 1);
    assert!(!exact.halted(), "a plain step does not");
}

/// Issue 13: an agent's run goes on after its hard failure for the
/// run-out, then halts; a classifier's stops at its failure.
#[wasm_bindgen_test]
fn an_agent_trains_on_after_its_failure_then_halts() {
    use failure_lab::wasm::lab::run_out;
    let config = json(
        r#"{"scenario": "agent", "agent": {"seed": 3}, "faults": [{"kind": "reward_hacking", "at_step": 300}]}"#,
    );
    let mut lab = Lab::new(config).unwrap();
    // With pause on critical, as the page's default: a critical finding
    // before the failure halts (and the page starts again); none after it.
    let mut taken = 0u64;
    while !(lab.halted() && lab.hard_failure().is_some()) && taken < 5000 {
        taken += u64::from(lab.advance(64, true));
    }
    let failed = lab
        .hard_failure()
        .expect("reward hacking makes the agent fail") as u64;
    assert!(failed >= 300, "after the onset: {failed}");
    assert_eq!(
        lab.steps() as u64,
        failed + 1 + run_out(failed),
        "trained on for the run-out, then halted"
    );
    assert!(lab.halted());
    assert_eq!(lab.advance(10, false), 0, "and takes no more steps");
}

/// Issue 11, defect 6: no JS value can trap the wasm; messages are in the
/// lab's words.
#[wasm_bindgen_test]
fn defect_06_any_js_value_is_an_error_not_a_trap() {
    use failure_lab::wasm::Board;
    let mut board = Board::new();
    let e = message(board.add(t("x"), JsValue::from_f64(12345.0)).unwrap_err());
    assert!(e.contains("expected text, got a number"), "{e}");
    board.add(t("x"), t("run x")).unwrap();
    let e = message(
        board
            .add_series(t("x"), t("loss"), JsValue::from_f64(3.0), nums(&[1.0]))
            .unwrap_err(),
    );
    assert!(e.contains("expected a list of numbers"), "{e}");
    let e = message(
        board
            .add_series(t("x"), t("loss"), nums(&[0.0]), json(r#"["a"]"#))
            .unwrap_err(),
    );
    assert!(e.contains("item 1 is text"), "{e}");
    let e = message(board.set_findings(t("x"), json("[null]")).unwrap_err());
    assert!(
        e.contains("item 1 is not a finding") && !e.contains("MarkerIn"),
        "{e}"
    );
    assert!(!board.has(JsValue::from_f64(1.0)));
    let e = message(Lab::check_fault(json(r#"{"kind": "lr_spike", "at_step": -5}"#)).unwrap_err());
    assert!(e.contains("-5 is not a whole number from 0 up"), "{e}");
}

/// A field of a plain object.
fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &t(name)).unwrap()
}

#[wasm_bindgen_test]
fn the_view_is_made_once_per_step_with_float32_arrays_and_draws() {
    use failure_lab::wasm::views::draw_view;
    use wasm_bindgen::JsCast;
    let mut lab = Lab::new(JsValue::UNDEFINED).unwrap();
    lab.step(20);
    let view = lab.view().unwrap();
    assert_eq!(
        field(&view, "learner").as_string().as_deref(),
        Some("classifier")
    );
    assert_eq!(field(&view, "step").as_f64(), Some(20.0));
    let grid = field(&view, "grid")
        .dyn_into::<js_sys::Float32Array>()
        .unwrap();
    assert_eq!(grid.length(), 48 * 48);
    let points = field(&view, "points")
        .dyn_into::<js_sys::Float32Array>()
        .unwrap();
    assert_eq!(points.length(), 4 * 400);
    assert!(
        lab.view().unwrap().is_null(),
        "nothing new at the same step"
    );
    draw_view(canvas(640, 300), view, JsValue::UNDEFINED).unwrap();

    let mut lab = Lab::new(json(r#"{"scenario": "agent"}"#)).unwrap();
    lab.advance(35, false);
    let view = lab.view().unwrap();
    assert_eq!(
        field(&view, "learner").as_string().as_deref(),
        Some("agent")
    );
    let steps = js_sys::Array::from(&field(&view, "steps"));
    assert_eq!(steps.length(), 4, "steps 0, 10, 20, 30");
    let watched = field(&view, "watched")
        .dyn_into::<js_sys::Float32Array>()
        .unwrap();
    assert_eq!(watched.length(), 40);
    draw_view(canvas(640, 300), view.clone(), JsValue::UNDEFINED).unwrap();
    // Its second drawing: proxy reward and true quality against KL, a point
    // per evaluation (steps 0, 10, 20, 30).
    let kl = js_sys::Array::from(&field(&field(&view, "kl"), "kl"));
    assert_eq!(kl.length(), 4);
    assert!(kl.get(3).as_f64().unwrap() > 0.0);
    draw_view(canvas(640, 300), view.clone(), json(r#"{"mode": "kl"}"#)).unwrap();
    assert!(draw_view(canvas(640, 300), view, json(r#"{"mode": "sideways"}"#)).is_err());

    // A view that is not one throws with a message; nothing panics.
    for bad in [
        r#"{"learner": "robot"}"#,
        r#"{"learner": "classifier", "grid": 3}"#,
        r#"{"learner": "agent", "steps": [-1]}"#,
        r#"{"learner": "agent", "kl": {"kl": "x"}}"#,
    ] {
        assert!(
            draw_view(canvas(100, 100), json(bad), JsValue::UNDEFINED).is_err(),
            "{bad}"
        );
    }
}
