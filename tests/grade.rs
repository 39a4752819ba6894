//! Grading detectors from outside the engine: `eval::external` against the
//! suite's own scoring, and `failure-lab grade` on Python files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use failure_lab::detectors::REGISTRY;
use failure_lab::eval::external::{ExternalFinding, Recording};
use failure_lab::eval::{Settings, Suite};
use serde_json::Value;

fn settings(fault: &str) -> Settings {
    let mut s = Settings {
        seeds: 2,
        respond: None,
        ..Settings::default()
    };
    s.sweeps.clear();
    s.only_fault(fault).unwrap();
    s
}

/// The built-in detectors' own findings on the recorded frames, graded as
/// outside findings, give exactly the suite's numbers: the recording holds
/// the frames the detectors read, and the scoring is the same.
#[test]
fn outside_findings_of_the_built_in_detectors_score_as_the_suite_scores_them() {
    for fault in ["lr_spike", "mode_collapse"] {
        let mut suite = Suite::new(settings(fault)).unwrap();
        suite.run_parallel(2, |_| {}).unwrap();
        let expected = suite.report();

        let recording = Recording::new(settings(fault))
            .unwrap()
            .run_parallel(2, |_| {})
            .unwrap();
        let ids: Vec<String> = REGISTRY.iter().map(|d| d.id.to_string()).collect();
        let findings: Vec<Vec<ExternalFinding>> = recording
            .runs()
            .iter()
            .map(|run| {
                let mut out = Vec::new();
                for info in REGISTRY {
                    let mut d = (info.build)();
                    for frame in recording.frames(run.index) {
                        out.extend(d.observe(frame).as_ref().map(ExternalFinding::from));
                    }
                }
                out
            })
            .collect();
        let graded = recording.grade(&ids, &findings).unwrap();
        assert_eq!(graded.detection.len(), expected.detection.len(), "{fault}");
        let mut fired = 0;
        for (g, e) in graded.detection.iter().zip(&expected.detection) {
            assert_eq!((&g.case, &g.detector), (&e.case, &e.detector));
            assert_eq!(g.stats, e.stats, "{fault}: {}", g.detector);
            fired += usize::from(g.stats.recall.is_some_and(|r| r > 0.0));
        }
        assert!(fired > 0, "{fault}: some detector caught it");
        for (g, e) in graded.goals.iter().zip(&expected.goals) {
            assert_eq!(g.lab, e.lab, "{fault}: the lab's detectors together");
        }
    }
}

#[test]
fn grading_refuses_findings_it_cannot_place() {
    let mut s = settings("lr_spike");
    s.cases.retain(|c| c.label == "clean/xor");
    for c in &mut s.cases {
        c.steps = 5;
    }
    let rec = Recording::new(s).unwrap().run_parallel(1, |_| {}).unwrap();
    let ids = vec!["mine".to_string()];
    let finding = |detector: &str, severity: &str| ExternalFinding {
        detector: detector.into(),
        step: 1,
        severity: severity.into(),
    };
    assert!(rec.grade(&ids, &[]).is_err(), "one list per run");
    let runs = rec.runs().len();
    let lists = |f: ExternalFinding| vec![vec![f]; runs];
    assert!(rec
        .grade(&ids, &lists(finding("other", "warning")))
        .is_err());
    assert!(rec.grade(&ids, &lists(finding("mine", "loud"))).is_err());
    let report = rec.grade(&ids, &lists(finding("mine", "warning"))).unwrap();
    assert!(
        report.detection.is_empty(),
        "no faulty case, no detection row"
    );
}

fn python_present() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: python3 is not on PATH; `failure-lab grade` needs it");
    }
    ok
}

fn grade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_failure-lab"))
        .arg("grade")
        .args(args)
        .output()
        .unwrap()
}

fn json_rows(out: &Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn solution(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("www/py/solutions/{name}.py"))
}

#[test]
fn a_reference_solution_is_graded_per_fault_and_detector() {
    if !python_present() {
        return;
    }
    let file = solution("alignment");
    let out = grade(&[
        file.to_str().unwrap(),
        "--seeds",
        "2",
        "--fault",
        "mode_collapse",
        "--format",
        "json",
    ]);
    let rows = json_rows(&out);
    let ids = [
        "py_reward_hacking",
        "py_entropy_collapse",
        "py_behavior_drift",
        "(all)",
    ];
    assert_eq!(rows.len(), ids.len(), "{rows:?}");
    for (row, id) in rows.iter().zip(ids) {
        assert_eq!(row["detector"], id);
        assert_eq!(row["fault"], "mode_collapse");
        assert!(row["file"].as_str().unwrap().ends_with("alignment.py"));
        assert_eq!(row["error"], Value::Null);
        assert_eq!(row["runs"], 2);
        for key in [
            "false_alarm_rate",
            "median_lead_steps",
            "median_delay_steps",
        ] {
            assert!(row.get(key).is_some(), "{key}");
        }
    }
    let collapse = &rows[1];
    assert_eq!(collapse["recall"], 1.0, "{collapse}");
    assert_eq!(collapse["false_alarm_rate"], 0.0, "{collapse}");
}

#[test]
fn a_file_that_fails_is_a_row_with_its_error_and_the_others_are_graded() {
    if !python_present() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("failure-lab-grade-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("syntax.py", "class A:\n    def observe(self, step, metrics)\n        return None\n"),
        (
            "raises.py",
            "class A:\n    def observe(self, step, metrics):\n        if step == 7:\n            raise RuntimeError('boom')\n",
        ),
        ("loops.py", "class Forever:\n    def observe(self, step, metrics):\n        while True:\n            pass\n"),
        ("value.py", "class A:\n    def observe(self, step, metrics):\n        return 42\n"),
        (
            "good.py",
            "from failure_lab import Finding\n\nclass Loud:\n    def observe(self, step, metrics):\n        print('noise on stdout')\n        if step == 1000:\n            return Finding('warning', 'late', 'none')\n",
        ),
    ];
    let mut paths = Vec::new();
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        paths.push(p.to_str().unwrap().to_string());
    }
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend([
        "--seeds",
        "1",
        "--fault",
        "reward_hacking",
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    let start = std::time::Instant::now();
    let rows = json_rows(&grade(&args));
    assert!(start.elapsed().as_secs() < 60, "the loop was stopped");
    let row = |file: &str| -> &Value {
        rows.iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(file))
            .unwrap()
    };
    let error = |file: &str| row(file)["error"].as_str().unwrap_or_default().to_string();
    assert!(error("syntax.py").starts_with("syntax:") && error("syntax.py").contains("line 2"));
    let raised = error("raises.py");
    assert!(
        raised.starts_with("exception: RuntimeError: boom in A at step 7 (line 4)"),
        "{raised}"
    );
    let looped = error("loops.py");
    assert!(
        looped.starts_with("timeout:") && looped.contains("Forever at step"),
        "{looped}"
    );
    assert!(
        error("value.py").starts_with("bad_value:"),
        "{}",
        error("value.py")
    );
    let good = row("good.py");
    assert_eq!(good["error"], Value::Null);
    assert_eq!(good["detector"], "Loud");
    assert_eq!(good["fault"], "reward_hacking");
    assert!(good["recall"].is_number() && good["false_alarm_rate"].is_number());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_help_says_what_isolation_there_is_and_is_not() {
    let help = String::from_utf8_lossy(&grade(&["--help"]).stdout).into_owned();
    for words in [
        "own `python3 -I`",
        "temporary working directory",
        "--timeout",
        "--memory",
        "NOT a sandbox",
        "network",
    ] {
        assert!(help.contains(words), "{words}: {help}");
    }
}

/// The figures the page must show for the reference solutions (checked by
/// tests/e2e/pygrade.test.mjs): `failure-lab grade` still prints them.
/// Regenerate, from the repository's top folder, with
/// `failure-lab grade www/py/solutions/{optimization,data,alignment,emergence}.py --seeds 2 --format json > tests/fixtures/grade-solutions.jsonl`.
#[test]
fn the_reference_solutions_grade_as_the_fixture_the_page_is_checked_against() {
    if !python_present() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture =
        std::fs::read_to_string(root.join("tests/fixtures/grade-solutions.jsonl")).unwrap();
    let expected: Vec<Value> = fixture
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_failure-lab"))
        .current_dir(root)
        .args(["grade", "--seeds", "2", "--format", "json"])
        .args(
            ["optimization", "data", "alignment", "emergence"]
                .map(|g| format!("www/py/solutions/{g}.py")),
        )
        .output()
        .unwrap();
    assert_eq!(json_rows(&out), expected);
}
