//! Issue 11's numbered defects, one test each (the defect's number in the
//! test's name): each failed on main before its fix.

use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Scenario;

/// Defect 1: an agent with more episodes per step than it has answers (80)
/// was read as collapsed at step 0 (distinct answers / batch <= 80 / batch).
#[test]
fn defect_01_large_agent_batch_is_not_mode_collapse() {
    let mut config = RunConfig {
        scenario: Scenario::Agent,
        ..RunConfig::default()
    };
    config.agent.batch_size = 4096;
    let mut run = Run::new(config).unwrap();
    for _ in 0..5 {
        let out = run.step().unwrap();
        let ratio = out.frame.get("diversity_ratio").unwrap();
        assert!(ratio > 0.5, "step {}: diversity {ratio}", out.frame.step);
        let collapse: Vec<_> = out
            .findings
            .iter()
            .filter(|f| f.detector == "mode_collapse")
            .map(|f| f.message.clone())
            .collect();
        assert!(collapse.is_empty(), "{collapse:?}");
    }
}

use failure_lab::import::{self, names::NameMap, ImportError, ImportOptions};
use std::process::{Command, Output};

/// `failure-lab detect` on files written from `(name, content)`.
fn detect(files: &[(&str, &[u8])], args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!(
        "failure-lab-reliability-{}-{}",
        std::process::id(),
        files[0].0
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_failure-lab"));
    cmd.arg("detect").args(args);
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        cmd.arg(path);
    }
    cmd.output().expect("failure-lab runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Defect 3: two columns (or keys) naming the same metric were merged, the
/// later overwriting the earlier: a NaN in `train_loss` was never seen.
#[test]
fn defect_03_two_columns_of_one_metric_are_refused_naming_both() {
    for (file, text) in [
        ("dup.csv", &b"step,train_loss,loss\n0,nan,1\n1,2,1\n"[..]),
        (
            "dup.jsonl",
            &b"{\"step\":0,\"loss\":1}\n{\"step\":1,\"loss\":1,\"train_loss\":NaN}\n"[..],
        ),
    ] {
        let out = detect(&[(file, text)], &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains("'train_loss'") && err.contains("'loss'") && err.contains("both"),
            "{file}: {err}"
        );
    }
    let e = import::parse_str("step,loss,Loss/train\n0,1,2\n", &ImportOptions::default());
    assert!(
        matches!(e, Err(ImportError::SameMetric { line: 1, .. })),
        "{e:?}"
    );
}

/// Defect 4: steps written out of order were read in file order.
#[test]
fn defect_04_a_step_going_back_is_refused_naming_the_line() {
    let e = import::parse_str("step,loss\n0,1\n2,1\n1,5\n", &ImportOptions::default());
    assert_eq!(
        e,
        Err(ImportError::OutOfOrder {
            line: 4,
            step: 1,
            previous: 2
        })
    );
    let out = detect(
        &[(
            "ooo.jsonl",
            b"{\"step\":5,\"loss\":1}\n{\"step\":3,\"loss\":1}\n",
        )],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2: step 3 comes after step 5"),
        "{}",
        stderr(&out)
    );
    // Repeated steps on adjacent rows are still one frame.
    let frames = import::parse_str(
        "step,loss,val_loss\n0,1,\n0,,2\n1,1,\n",
        &Default::default(),
    );
    assert_eq!(frames.unwrap().len(), 2);
}

/// Defect 9: control characters of a header were echoed raw to the terminal.
#[test]
fn defect_09_control_characters_are_written_out() {
    let out = detect(&[("ctl.csv", b"step,\x1b]0;pwn\x07lossy\n0,1\n")], &[]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert!(err.contains("\\u{1b}]0;pwn\\u{7}lossy"), "{err}");
    let out = detect(&[("ctl2.csv", b"step,a\x1b[2Jb\n0,x\n")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains('\x1b'), "{:?}", stderr(&out));
}

/// Defect 10: `--map foo=loss --map bar=loss` ignored the second; JSON
/// Lines with no metric exited 0 where a CSV with none exits 2.
#[test]
fn defect_10_map_targets_and_no_metric_exit_codes() {
    let mut map = NameMap::new();
    map.insert("foo", "loss").unwrap();
    let e = map.insert("bar", "loss").unwrap_err().to_string();
    assert!(e.contains("'foo' is already mapped to 'loss'"), "{e}");
    map.insert("foo", "val_loss").unwrap(); // remapping the same name is fine
    let out = detect(
        &[("map.csv", b"step,foo,bar\n0,1,2\n")],
        &["--map", "foo=loss", "--map", "bar=loss"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("already mapped"), "{}", stderr(&out));

    let csv = detect(&[("nometric.csv", b"step\n0\n1\n")], &[]);
    let jsonl = detect(&[("nometric.jsonl", b"{\"step\":0}\n{\"step\":1}\n")], &[]);
    assert_eq!(csv.status.code(), Some(2), "{}", stderr(&csv));
    assert_eq!(jsonl.status.code(), Some(2), "{}", stderr(&jsonl));
    assert!(stderr(&jsonl).contains("no metric"), "{}", stderr(&jsonl));
}

/// A `failure-lab serve` of `www/` on a free port, stopped on drop.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server() -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_failure-lab"))
        .args(["serve", "--port", &port.to_string(), "--root", "www"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("failure-lab serve did not answer");
}

/// Sends `request` raw; returns the whole response (the server closes).
fn exchange(port: u16, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The header `name` of a response, if present.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// Defect 8: `failure-lab serve` had no size or time limits, no bound on
/// connections, no security headers; HEAD on a 404 sent a body; the 405
/// had no `Allow`.
#[test]
fn defect_08_the_server_is_bounded_and_sends_its_headers() {
    let srv = server();
    let page = exchange(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(page.starts_with("HTTP/1.1 200"), "{page:.200}");
    let csp = header(&page, "Content-Security-Policy").expect("a CSP header");
    let html =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html")).unwrap();
    let meta = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's meta CSP");
    assert_eq!(csp, format!("{meta}; frame-ancestors 'self'"));
    assert_eq!(header(&page, "X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(header(&page, "X-Frame-Options"), Some("SAMEORIGIN"));

    for target in ["/", "/nope.js"] {
        let r = exchange(
            srv.port,
            format!("HEAD {target} HTTP/1.1\r\n\r\n").as_bytes(),
        );
        let body = r.split_once("\r\n\r\n").unwrap().1;
        assert!(body.is_empty(), "HEAD {target} sent a body: {r:.300}");
        assert_eq!(header(&r, "X-Content-Type-Options"), Some("nosniff"));
    }
    let r = exchange(srv.port, b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 405"), "{r}");
    assert_eq!(header(&r, "Allow"), Some("GET, HEAD"));

    // 1 MiB without a newline: refused at 16 KiB, not read to its end.
    let started = std::time::Instant::now();
    let r = exchange(srv.port, &vec![b'A'; 1 << 20]);
    assert!(r.starts_with("HTTP/1.1 431"), "{r:.200}");
    assert!(started.elapsed().as_secs() < 5);

    // Idle connections take at most 64 threads; the next is told 503 at
    // once, and the server answers again once they go.
    let idle: Vec<_> = (0..70)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", srv.port)).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let r = exchange(srv.port, b"GET / HTTP/1.1\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 503"), "{r:.200}");
    drop(idle);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let r = exchange(srv.port, b"GET / HTTP/1.1\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 200"), "{r:.200}");

    // A client that sends nothing is dropped after the request timeout.
    let started = std::time::Instant::now();
    let r = exchange(srv.port, b"GET / HTTP/1.1\r\n");
    assert!(r.starts_with("HTTP/1.1 408"), "{r:.200}");
    assert!(started.elapsed().as_secs() < 15);
}

/// Defect 10: a setting of the wrong type was refused in serde's words
/// ("invalid value: integer `-5`, expected u64"); the settings table and the
/// engine agree on the agent's hidden layers.
#[test]
fn defect_10_settings_are_refused_in_the_labs_words() {
    use failure_lab::settings::table;
    use serde_json::json;
    let base = RunConfig::default();
    let warmup = table().into_iter().find(|s| s.name == "warmup").unwrap();
    let e = warmup.apply(&base, &json!(-5)).unwrap_err().to_string();
    assert_eq!(e, "train.warmup_steps: -5 is not a whole number from 0 up");
    let fault: Result<failure_lab::scenarios::Fault, _> =
        serde_json::from_str(r#"{"kind": "corrupt_batch", "value": 1e308}"#);
    let e = failure_lab::config::plain_words(&fault.unwrap_err().to_string());
    assert_eq!(e, "1e+308 is not one of the options");
    let hidden = table().into_iter().find(|s| s.name == "aHidden").unwrap();
    let max = hidden.range.unwrap().max as usize;
    let layers = |n: usize| json!(vec!["8"; n].join(","));
    assert!(hidden.apply(&base, &layers(max)).is_ok());
    assert!(hidden.apply(&base, &layers(max + 1)).is_err());
}
