//! The fuzzer (issue 11): property tests over every parser that reads
//! input from outside (logs, fault specs and settings from a URL or a
//! form, stored runs re-imported as logs): arbitrary bytes and strings
//! never panic and give a value or an error message. Plus the seed corpus
//! of malformed inputs kept in `tests/fuzz-corpus/`, replayed every run.
//!
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz` runs longer.

use failure_lab::import::{self, names::NameMap, ImportOptions, Importer};
use failure_lab::run::RunConfig;
use failure_lab::scenarios::Fault;
use failure_lab::settings::table;
use proptest::prelude::*;

/// Feeds `bytes` in chunks of `chunk` to an importer: an error is a message,
/// never a panic; frames come out in step order.
fn import(bytes: &[u8], chunk: usize, file_name: Option<&str>) {
    let mut imp = Importer::new(ImportOptions {
        file_name: file_name.map(str::to_string),
        names: NameMap::new(),
    });
    let mut frames = Vec::new();
    let mut result = Ok(());
    for c in bytes.chunks(chunk.max(1)) {
        match imp.feed(c) {
            Ok(f) => frames.extend(f),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    if result.is_ok() {
        result = imp.finish().map(|f| frames.extend(f));
    }
    match result {
        Ok(()) => {
            assert!(frames.windows(2).all(|w| w[0].step < w[1].step));
            let _ = import::analyze(frames);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A CSV- or JSON-Lines-like line from a small alphabet that hits the
/// parsers' branches (quotes, separators, numbers, names, braces).
fn loglike() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("step".to_string()),
        Just("loss".to_string()),
        Just("train_loss".to_string()),
        Just("val_loss".to_string()),
        Just("grad_norm".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just("\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(":".to_string()),
        Just("nan".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        "[0-9]{1,4}",
        "[0-9]\\.[0-9]{1,3}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_an_importer(bytes in prop::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        import(&bytes, chunk, None);
        import(&bytes, chunk, Some("run-x-tag-loss.csv"));
    }

    #[test]
    fn loglike_text_never_panics_an_importer(text in loglike(), chunk in 1usize..64) {
        import(text.as_bytes(), chunk, Some("log.csv"));
        import(text.as_bytes(), chunk, Some("log.jsonl"));
        let csv = format!("step,loss,grad_norm\n{text}");
        import(csv.as_bytes(), chunk, None);
        let jsonl = format!("{{\"step\":0,\"loss\":1}}\n{{{text}}}\n");
        import(jsonl.as_bytes(), chunk, None);
    }

    #[test]
    fn mappings_never_panic(arg in ".{0,40}") {
        let _ = NameMap::new().insert_arg(&arg).map_err(|e| e.to_string());
    }

    /// A fault spec as the URL's JSON carries it: any kind, any fields.
    #[test]
    fn fault_specs_never_panic(kind in prop_oneof![Just("lr_spike".to_string()), Just("corrupt_batch".to_string()), Just("plateau".to_string()), Just("reward_hacking".to_string()), "[a-z_]{0,12}"],
                               field in prop_oneof![Just("at_step".to_string()), Just("factor".to_string()), Just("value".to_string()), "[a-z_]{0,10}"],
                               value in prop_oneof![any::<f64>().prop_map(|v| serde_json::json!(v)), any::<i64>().prop_map(|v| serde_json::json!(v)), ".{0,8}".prop_map(|s| serde_json::json!(s)), Just(serde_json::Value::Null)]) {
        let spec = serde_json::json!({"kind": kind, field.as_str(): value});
        if let Ok(f) = serde_json::from_value::<Fault>(spec) {
            let _ = f.validate().map_err(|e| e.to_string());
        }
        let text = format!("{{\"kind\":\"{kind}\",\"{field}\":{value}}}");
        let _ = serde_json::from_str::<Fault>(&text).map_err(|e| failure_lab::config::plain_words(&e.to_string()));
    }

    /// Every setting of the table, any value: the engine's answer is a
    /// config or a message, never a panic.
    #[test]
    fn settings_never_panic(index in 0usize..64, value in prop_oneof![
        any::<f64>().prop_map(|v| serde_json::json!(v)),
        any::<i64>().prop_map(|v| serde_json::json!(v)),
        any::<bool>().prop_map(|v| serde_json::json!(v)),
        "[0-9,]{0,20}".prop_map(|s| serde_json::json!(s)),
        ".{0,10}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::Value::Null),
    ]) {
        let settings = table();
        let s = &settings[index % settings.len()];
        let _ = s.apply(&RunConfig::default(), &value).map_err(|e| e.to_string());
    }

    /// A whole run config as JSON (a stored run's settings, a URL's state).
    #[test]
    fn run_configs_never_panic(text in ".{0,200}") {
        let _ = serde_json::from_str::<RunConfig>(&text).map(|c| failure_lab::settings::validate(&c));
    }
}

/// Replays every file of `tests/fuzz-corpus/`: each is read whole and in
/// chunks of 1 to 7 bytes, under its own name and as CSV and JSON Lines.
#[test]
fn the_seed_corpus_replays_without_a_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-corpus/import");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for chunk in [bytes.len().max(1), 1, 3, 7] {
            import(&bytes, chunk, Some(&name));
            import(&bytes, chunk, None);
        }
        n += 1;
    }
    assert!(n >= 10, "the corpus holds {n} files");
}
