//! The `failure-lab` command line, run as a process: every subcommand and the
//! top level answer `-h` and `--help` naming their options; a bad argument
//! exits 2 with a message naming the option.

use std::process::{Command, Output};

fn failure_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_failure-lab"))
        .args(args)
        .env_remove("PORT")
        .output()
        .expect("the failure-lab binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Each subcommand and the options its help must name.
const COMMANDS: &[(&str, &[&str])] = &[
    ("serve", &["--port", "--root", "65535", "8000", "www"]),
    ("detect", &["--map", "NAME=CANONICAL", "LOG"]),
    ("bench-import", &["--rows", "10000000", "1000000"]),
    ("bench-train", &["--steps", "100 to 10000000", "20000"]),
    (
        "eval",
        &[
            "--seeds",
            "10000",
            "20",
            "--format",
            "table",
            "json",
            "csv",
            "markdown",
            "--fault",
            "--threads",
            "64",
        ],
    ),
    ("detectors", &["--markdown"]),
    ("eval-logs", &["CORPUS", "--format", "text", "csv", "json"]),
    (
        "soak",
        &[
            "--steps",
            "1000000",
            "--every",
            "--warmup",
            "--max-growth",
            "--learner",
            "--respond",
        ],
    ),
    (
        "grade",
        &[
            "FILE.py",
            "--seeds",
            "--first-seed",
            "--fault",
            "--format",
            "--timeout",
            "--memory",
            "--threads",
            "--python",
        ],
    ),
];

#[test]
fn every_subcommand_answers_help_naming_its_options() {
    for (command, names) in COMMANDS {
        for flag in ["-h", "--help"] {
            let out = failure_lab(&[command, flag]);
            let help = text(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{command} {flag}: {help}");
            assert!(
                help.contains(&format!("Usage: failure-lab {command}")),
                "{command} {flag}: {help}"
            );
            for name in names.iter().copied().chain(["--help"]) {
                assert!(help.contains(name), "{command} {flag} names {name}: {help}");
            }
        }
        // `failure-lab help <command>` is the same as `<command> --help`.
        let long = failure_lab(&["help", command]);
        assert_eq!(long.status.code(), Some(0));
        assert_eq!(
            text(&long.stdout),
            text(&failure_lab(&[command, "--help"]).stdout)
        );
    }
}

#[test]
fn the_top_level_help_lists_every_subcommand() {
    for flag in ["-h", "--help", "help"] {
        let out = failure_lab(&[flag]);
        assert_eq!(out.status.code(), Some(0), "{flag}");
        let help = text(&out.stdout);
        for (command, _) in COMMANDS {
            assert!(help.contains(command), "{flag} lists {command}: {help}");
        }
    }
    // No command: the help, on stderr, and exit code 2.
    let out = failure_lab(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Usage: failure-lab <COMMAND>"));
}

#[test]
fn a_bad_argument_exits_2_naming_the_option() {
    let cases: &[(&[&str], &str)] = &[
        (&["serve", "--port", "0"], "--port"),
        (&["serve", "--port", "http"], "--port"),
        (&["serve", "--root"], "--root"),
        (&["detect", "--map", "loss", "log.csv"], "--map"),
        (&["detect", "--map", "x=nope", "log.csv"], "--map"),
        (&["detect"], "LOG"),
        (&["bench-import", "--rows", "0"], "--rows"),
        (&["bench-import", "--rows", "10_000_001"], "--rows"),
        (&["bench-train", "--steps", "99"], "--steps"),
        (&["eval", "--seeds", "0"], "--seeds"),
        (&["eval", "--seeds"], "--seeds"),
        (&["eval", "--threads", "65"], "--threads"),
        (&["eval", "--format", "xml"], "--format"),
        (&["eval", "--bogus"], "--bogus"),
        (&["detectors", "--markdown=yes"], "--markdown"),
        (&["no-such-command"], "no-such-command"),
    ];
    for (args, option) in cases {
        let out = failure_lab(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(option), "{args:?} names {option}: {stderr}");
    }
    // A range is told in the message.
    let out = failure_lab(&["eval", "--seeds", "0"]);
    assert!(text(&out.stderr).contains("from 1 to 10000"));
}

#[test]
fn an_unknown_fault_is_refused_with_the_known_ones() {
    let out = failure_lab(&["eval", "--seeds", "1", "--fault", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("nope") && stderr.contains("lr_spike"),
        "{stderr}"
    );
}

#[test]
fn the_detectors_command_prints_the_registry() {
    let plain = failure_lab(&["detectors"]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(text(&plain.stdout).contains("gradient_explosion - "));
    let markdown = failure_lab(&["detectors", "--markdown"]);
    assert_eq!(markdown.status.code(), Some(0));
    assert!(text(&markdown.stdout).starts_with("# Detectors\n"));
}
