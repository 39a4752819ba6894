//! Importing real training logs: every format, the non-finite spellings,
//! name mapping, error messages, robustness, and the detectors on a log
//! written the way a PyTorch loop writes one.

use std::path::{Path, PathBuf};
use std::process::Command;

use failure_lab::import::names::NameMap;
use failure_lab::import::{
    analyze, merge_by_step, parse_file, parse_str, Format, ImportError, ImportOptions, Importer,
};
use failure_lab::metrics::Frame;
use failure_lab::rng::Rng;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn parse(text: &str) -> Result<Vec<Frame>, ImportError> {
    parse_str(text, &ImportOptions::default())
}

fn named(file_name: &str) -> ImportOptions {
    ImportOptions {
        file_name: Some(file_name.to_string()),
        ..ImportOptions::default()
    }
}

/// Frames equal, NaN equal to NaN.
fn same(a: &[Frame], b: &[Frame]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.step == y.step
                && x.iter().count() == y.iter().count()
                && x.iter().all(|(n, v)| {
                    y.get(n)
                        .is_some_and(|w| v == w || (v.is_nan() && w.is_nan()))
                })
        })
}

/// A small run with every kind of value, including missing ones.
fn sample() -> Vec<Frame> {
    let mut frames = Vec::new();
    for step in [0u64, 5, 10, 15, 20] {
        let mut f = Frame::new(step);
        f.set("loss", 2.0 / (step as f64 + 1.0)).set("lr", 0.1);
        if step % 10 == 0 {
            f.set("val_loss", 1.5 + step as f64 * 1e-3);
        }
        f.set(
            "grad_norm",
            match step {
                15 => f64::INFINITY,
                20 => f64::NAN,
                _ => 1e-7 * step as f64,
            },
        );
        frames.push(f);
    }
    frames
}

const SAMPLE_NAMES: [&str; 4] = ["loss", "val_loss", "grad_norm", "lr"];

fn cell(f: &Frame, name: &str) -> String {
    f.get(name).map_or(String::new(), |v| v.to_string())
}

#[test]
fn wide_csv_round_trips() {
    let frames = sample();
    let mut text = format!("step,{}\n", SAMPLE_NAMES.join(","));
    for f in &frames {
        let cells: Vec<String> = SAMPLE_NAMES.iter().map(|n| cell(f, n)).collect();
        text += &format!("{},{}\n", f.step, cells.join(","));
    }
    assert!(same(&parse(&text).unwrap(), &frames), "{text}");
    // Tab-separated, with Windows line ends and a byte-order mark.
    let tsv = format!("\u{feff}{}", text.replace(',', "\t").replace('\n', "\r\n"));
    assert!(same(&parse(&tsv).unwrap(), &frames), "{tsv}");
}

#[test]
fn json_lines_round_trip() {
    let frames = sample();
    let mut text = String::new();
    for f in &frames {
        let pairs: Vec<String> = f
            .iter()
            .map(|(n, v)| match v {
                v if v.is_nan() => format!("\"{n}\": NaN"),
                v if v.is_infinite() => format!("\"{n}\": Infinity"),
                v => format!("\"{n}\": {v}"),
            })
            .collect();
        text += &format!("{{\"step\": {}, {}}}\n", f.step, pairs.join(", "));
    }
    assert!(same(&parse(&text).unwrap(), &frames), "{text}");
}

#[test]
fn tensorboard_export_round_trips_and_merges_by_step() {
    let frames = sample();
    let mut runs = Vec::new();
    for name in SAMPLE_NAMES {
        let mut text = "Wall time,Step,Value\n".to_string();
        for f in frames.iter().filter(|f| f.get(name).is_some()) {
            text += &format!("1700000000.5,{},{}\n", f.step, cell(f, name));
        }
        let file = format!("run-exp-tag-{name}.csv");
        let mut importer = Importer::new(named(&file));
        let mut one = importer.feed_str(&text).unwrap();
        one.extend(importer.finish().unwrap());
        assert_eq!(importer.summary().format, Some(Format::TensorBoard));
        runs.push(one);
    }
    runs.reverse(); // File order must not matter.
    assert!(same(&merge_by_step(runs), &frames));
}

#[test]
fn tensorboard_fixture_files_merge_into_one_run() {
    let dir = fixture("tensorboard");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let opts = ImportOptions::default();
    let runs: Vec<Vec<Frame>> = paths
        .iter()
        .map(|p| parse_file(p, &opts).unwrap())
        .collect();
    let merged = merge_by_step(runs);
    // Tags Loss/train, Loss/val and grad_norm became loss, val_loss, grad_norm.
    let wide = parse_file(&fixture("pytorch_loop.csv"), &opts).unwrap();
    let without_lr: Vec<Frame> = wide
        .iter()
        .map(|f| {
            let mut g = Frame::new(f.step);
            for (n, v) in f.iter().filter(|(n, _)| *n != "lr") {
                g.set(n, v);
            }
            g
        })
        .collect();
    assert!(same(&merged, &without_lr));
}

#[test]
fn every_non_finite_spelling_is_read() {
    let spellings = [
        "nan",
        "NaN",
        "NAN",
        "inf",
        "-inf",
        "+inf",
        "INF",
        "Infinity",
        "-Infinity",
        "infinity",
    ];
    let mut csv = "step,loss\n".to_string();
    for (i, s) in spellings.iter().enumerate() {
        csv += &format!("{i},{s}\n");
    }
    let frames = parse(&csv).unwrap();
    let got: Vec<f64> = frames.iter().map(|f| f.get("loss").unwrap()).collect();
    assert!(got[..3].iter().all(|v| v.is_nan()));
    assert_eq!(got[3..6], [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY]);
    assert_eq!(
        got[6..],
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY
        ]
    );

    // JSON: the strings "nan"/"inf"/"-inf", and Python's bare words.
    let jsonl = r#"{"step": 0, "a": "nan", "b": "inf", "c": "-inf"}
{"step": 1, "a": NaN, "b": Infinity, "c": -Infinity, "d": null}"#;
    for f in parse(jsonl).unwrap() {
        assert!(f.get("a").unwrap().is_nan());
        assert_eq!(f.get("b"), Some(f64::INFINITY));
        assert_eq!(f.get("c"), Some(f64::NEG_INFINITY));
        assert_eq!(f.get("d"), None, "null is a missing value");
    }
    // A bare NaN inside a string stays text.
    let e = parse(r#"{"step": 0, "loss": "NaN, really"}"#).unwrap_err();
    assert!(
        e.to_string().contains("'NaN, really' is not a number"),
        "{e}"
    );
}

#[test]
fn common_names_map_to_canonical_ones() {
    let text = "global_step,epoch,Loss/train,validation_loss,total_norm,learning_rate,\
                val_accuracy,accuracy\n10,0,2.5,2.6,1.1,0.01,0.4,0.5\n";
    let f = &parse(text).unwrap()[0];
    assert_eq!(f.step, 10, "global_step beats epoch");
    assert_eq!(f.get("loss"), Some(2.5));
    assert_eq!(f.get("val_loss"), Some(2.6));
    assert_eq!(f.get("grad_norm"), Some(1.1));
    assert_eq!(f.get("lr"), Some(0.01));
    assert_eq!(f.get("val_acc"), Some(0.4));
    assert_eq!(f.get("accuracy"), Some(0.5), "unknown names are kept");
    assert_eq!(
        f.get("epoch"),
        None,
        "the unused step column is not a metric"
    );
}

#[test]
fn a_lightning_log_merges_rows_of_one_step() {
    // Lightning's CSVLogger: training and validation on separate rows.
    let text = "epoch,step,lr-Adam,train_loss_step,val_loss,val_acc\n\
                0,49,0.001,,,\n0,49,,0.9,,\n0,49,,,0.8,0.6\n1,99,,0.7,,\n";
    let frames = parse(text).unwrap();
    assert_eq!(frames.len(), 2);
    let f = &frames[0];
    assert_eq!(f.step, 49);
    assert_eq!(
        (
            f.get("lr"),
            f.get("loss"),
            f.get("val_loss"),
            f.get("val_acc")
        ),
        (Some(0.001), Some(0.9), Some(0.8), Some(0.6))
    );
}

#[test]
fn a_user_mapping_names_unknown_columns() {
    let mut names = NameMap::new();
    names.insert_arg("my_norm=grad_norm").unwrap();
    names.insert_arg("tick=step").unwrap();
    names.insert_arg("phase=-").unwrap();
    let opts = ImportOptions {
        names,
        ..ImportOptions::default()
    };
    let text = "tick,phase,my_norm,loss\n7,train,3.5,1.0\n";
    let f = &parse_str(text, &opts).unwrap()[0];
    assert_eq!(
        (f.step, f.get("grad_norm"), f.get("phase")),
        (7, Some(3.5), None)
    );
    // Two names for one metric are refused, naming both (issue 11, defect
    // 3: the later one used to overwrite or shadow the earlier); skipping
    // one reads the other.
    let e = parse("step,loss,train_loss\n0,1,2\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'loss' and 'train_loss' both name"), "{e}");
    // Typos in a mapping's target are caught before any reading.
    let e = NameMap::new().insert_arg("gn=grad_nrom").unwrap_err();
    assert!(
        e.to_string()
            .contains("'grad_nrom' is not a canonical name"),
        "{e}"
    );
    assert!(NameMap::new().insert_arg("no-equals-sign").is_err());
}

#[test]
fn errors_name_the_line_and_column() {
    let cases: &[(&str, &str)] = &[
        (
            "step,loss,grad_norm\n0,1,2\n1,1,abc\n",
            "line 3, column 3 (grad_norm): 'abc' is not a number",
        ),
        (
            "step,loss\n0,1\n1,2,3\n",
            "line 3: 3 cells, but the header names 2 columns",
        ),
        ("step,loss\n0,1\n,2\n", "line 3: the step (step) is missing"),
        (
            "step,loss\n0.5,1\n",
            "line 2, column 1 (step): the step '0.5' is not a whole number from 0 up",
        ),
        ("", "the file is empty"),
        ("\n  \n", "the file is empty"),
        ("step,loss\n", "the file has a header but no data rows"),
        (
            "0,1.5\n1,1.4\n",
            "line 1: the first line should name the columns",
        ),
        ("step\n0\n", "line 1: the header names no metric column"),
        (
            "step,loss,loss\n",
            "line 1: column 3 repeats the name 'loss' of column 2",
        ),
        (
            "step,loss\n0,\"1\n",
            "line 2, column 2: a quoted field is not closed",
        ),
        (
            "{\"step\": 0, \"loss\": 1}\n{\"step\": 1 \"loss\": 2}\n",
            "line 2, column 12: expected ',' or '}' after a value",
        ),
        (
            "{\"step\": 0, \"loss\": 1}\n{\"loss\": 2}\n",
            "line 2: the step (step) is missing",
        ),
        (
            "{\"step\": 0, \"loss\": true}\n",
            "line 1, column 21 (loss): 'true' is not a number",
        ),
        (
            "{\"step\": 0, \"cfg\": {\"a\": 1}}\n",
            "line 1, column 20 (cfg): the value is an object",
        ),
        ("[{\"step\": 0}]\n", "line 1: a JSON array is not supported"),
    ];
    for (text, want) in cases {
        let got = parse(text).unwrap_err().to_string();
        assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
    }
    let e = parse_str("step,loss\n", &named("log.jsonl")).unwrap_err();
    assert!(e.to_string().contains("expected a JSON object"), "{e}");
    let e = parse_file(Path::new("/no/such/log.csv"), &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("/no/such/log.csv: "), "{e}");
}

#[test]
fn too_large_input_is_refused() {
    let mut importer = Importer::new(ImportOptions::default());
    let e = importer.feed(&vec![b'a'; (1 << 20) + 1]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1 is longer than the 1024 KiB limit (is this a log file?)"
    );
    let mut importer = Importer::new(ImportOptions::default());
    let huge = vec![0u8; (failure_lab::import::MAX_INPUT_BYTES + 1) as usize];
    let e = importer.feed(&huge).unwrap_err();
    assert_eq!(e.to_string(), "the log is larger than the 512 MiB limit");
    assert_eq!(
        importer.feed(b"x").unwrap_err(),
        e,
        "an importer stays failed"
    );
}

/// Bytes that matter to the parsers, and two that break UTF-8.
const NASTY: &[u8] = b"{}[]\",:\n\r\\0123456789.eE+-NnIaf \xff\xc3";

/// Reads `bytes` split into random chunks; must never panic.
fn chunked(bytes: &[u8], rng: &mut Rng) -> Result<Vec<Frame>, ImportError> {
    let mut importer = Importer::new(ImportOptions::default());
    let mut frames = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len().min(64));
        frames.extend(importer.feed(&rest[..n])?);
        rest = &rest[n..];
    }
    frames.extend(importer.finish()?);
    Ok(frames)
}

#[test]
fn no_input_makes_it_panic_and_chunking_never_changes_the_result() {
    let mut rng = Rng::new(42);
    let mut seeds: Vec<Vec<u8>> = ["pytorch_loop.jsonl", "pytorch_loop.csv"]
        .iter()
        .map(|n| std::fs::read(fixture(n)).unwrap())
        .collect();
    seeds
        .push(b"{\"a\": \"\\u00e9\\ud83d\\ude00\", \"b\": [1, {\"c\": \"]\"}], \"s\": 1}".to_vec());
    seeds.push("step,\"lo,ss\",x\n0,\"1\",é\n".as_bytes().to_vec());
    for seed in &seeds {
        let whole = chunked(seed, &mut rng);
        for _ in 0..200 {
            // A truncation, a random split, and random edits.
            let cut = &seed[..rng.below(seed.len() + 1)];
            let _ = chunked(cut, &mut rng);
            let mut edited = seed.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(edited.len());
                edited[i] = NASTY[rng.below(NASTY.len())];
            }
            let _ = chunked(&edited, &mut rng);
            // Chunk boundaries never change what is read.
            assert_eq!(
                format!("{:?}", chunked(seed, &mut rng)),
                format!("{whole:?}")
            );
        }
    }
    // Random bytes, alone and after the start of each format.
    for prefix in [
        "",
        "step,loss\n0,",
        "Wall time,Step,Value\n",
        "{\"step\": 1, \"a\": ",
    ] {
        for _ in 0..1000 {
            let mut bytes = prefix.as_bytes().to_vec();
            bytes.extend((0..rng.below(200)).map(|_| match rng.below(2) {
                0 => NASTY[rng.below(NASTY.len())],
                _ => rng.below(256) as u8,
            }));
            let _ = chunked(&bytes, &mut rng);
        }
    }
}

/// The log of a PyTorch loop whose learning rate jumps 100-fold at step 40
/// (see tests/fixtures/make_fixtures.py): the explosion detector fires on
/// the first step whose gradient norm passes 1000, in both formats.
#[test]
fn a_pytorch_loop_log_shows_its_gradient_explosion() {
    let opts = ImportOptions::default();
    let jsonl = parse_file(&fixture("pytorch_loop.jsonl"), &opts).unwrap();
    let csv = parse_file(&fixture("pytorch_loop.csv"), &opts).unwrap();
    assert!(
        same(&jsonl, &csv),
        "json.dumps and csv.DictWriter logs agree"
    );
    assert_eq!(jsonl.len(), 50);
    assert!(jsonl[45].get("loss").unwrap().is_nan());
    assert_eq!(jsonl[46].get("grad_norm"), Some(f64::INFINITY));
    assert_eq!(jsonl[9].get("val_loss").map(|v| v > 0.0), Some(true));

    let first_above = jsonl
        .iter()
        .find(|f| f.get("grad_norm").is_some_and(|g| g > 1000.0))
        .map(|f| f.step);
    assert_eq!(first_above, Some(43));
    let findings = analyze(jsonl);
    let explosion: Vec<_> = findings
        .iter()
        .filter(|f| f.detector == "gradient_explosion")
        .collect();
    assert_eq!(explosion.len(), 1, "{findings:?}");
    assert_eq!(explosion[0].step, 43);
    assert!(
        findings.iter().all(|f| f.step >= 40),
        "nothing fires on the healthy part: {findings:?}"
    );
}

#[test]
fn the_benchmark_log_explodes_where_planted() {
    let (log, planted) = failure_lab::cli::bench_import::synthetic_log(3000, 7);
    let findings = analyze(parse(&log).unwrap());
    let steps: Vec<u64> = findings
        .iter()
        .filter(|f| f.detector == "gradient_explosion")
        .map(|f| f.step)
        .collect();
    assert_eq!(steps, [planted]);
    assert!(
        (2100..2106).contains(&planted),
        "planted at 70% of the run: {planted}"
    );
}

#[test]
fn the_detect_command_prints_findings_as_json_lines() {
    let bin = env!("CARGO_BIN_EXE_failure-lab");
    let out = Command::new(bin)
        .arg("detect")
        .arg(fixture("pytorch_loop.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let explosion = lines
        .iter()
        .find(|v| v["detector"] == "gradient_explosion")
        .expect("a gradient_explosion line");
    assert_eq!(explosion["step"], 43);
    assert_eq!(explosion["severity"], "critical");
    for key in ["message", "recommendation"] {
        assert!(explosion[key].as_str().is_some_and(|s| !s.is_empty()));
    }

    // The three files of a TensorBoard export, read as one run.
    let tb: Vec<PathBuf> = ["Loss_train", "Loss_val", "grad_norm"]
        .iter()
        .map(|t| fixture(&format!("tensorboard/run-exp1-tag-{t}.csv")))
        .collect();
    let out = Command::new(bin).arg("detect").args(&tb).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\"step\":43"));

    let dir = std::env::temp_dir().join(format!("failure-lab-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "step,loss\n0,1\n1,oops\n").unwrap();
    let out = Command::new(bin)
        .args(["detect", "--map", "x=loss"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.csv: line 3, column 2 (loss): 'oops' is not a number"),
        "{stderr}"
    );
    let out = Command::new(bin)
        .args(["detect", "--map", "x=nope"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
