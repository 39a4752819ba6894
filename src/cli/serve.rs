//! `failure-lab serve`: a tiny static file server for `www/` on 127.0.0.1.
//!
//! Only GET and HEAD of files below the root; no directory listing, no path
//! outside the root. Enough for the lab, which is static files only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::number_in;

/// Serve the lab (www/) on 127.0.0.1 until Ctrl-C
///
/// A tiny static file server: only GET and HEAD of files below the root,
/// no directory listing, no path outside the root; requests of at most
/// 16 KiB sent within 10 s, at most 64 connections at once. Build the page first
/// (bash scripts/build.sh), or run bash scripts/lab.sh, which does both.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The port to listen on, from 1 to 65535
    /// [default: $PORT if it holds a port number, else 8000]
    #[arg(long, value_name = "N", value_parser = number_in(1u16..=65535), verbatim_doc_comment)]
    pub port: Option<u16>,
    /// The folder to serve; its index.html is the page
    #[arg(long, value_name = "DIR", default_value = "www")]
    pub root: PathBuf,
    /// The address to listen on; the default keeps the lab on this machine
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: String,
}

/// Runs `failure-lab serve`.
pub fn run(args: Args) -> Result<(), String> {
    let port = args.port.unwrap_or_else(|| {
        std::env::var("PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(8000)
    });
    serve(&args.root, &args.host, port)
}

/// The most bytes of a request's line and headers: 16 KiB. The server
/// reads no body (GET and HEAD only).
pub const MAX_HEAD_BYTES: u64 = 16 << 10;

/// The most connections served at once; past it a connection is answered
/// 503 and closed (no thread is started for it).
pub const MAX_CONNECTIONS: usize = 64;

/// How long a client may take to send its request (line and headers), and
/// the most one read or write may wait.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The page's CSP when `index.html` carries none: the same as its meta tag.
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'none'";

/// The Content-Security-Policy header of a page: the page's own meta CSP
/// (read from `index.html`, so the two cannot differ) with
/// `frame-ancestors 'self'`, which a meta tag cannot carry: a page of the
/// same origin may frame the lab (an embed), no other site can.
pub fn csp_header(index_html: Option<&str>) -> String {
    let meta = index_html.and_then(|html| {
        let at = html.find("http-equiv=\"Content-Security-Policy\"")?;
        let tag_end = at + html[at..].find('>')?;
        let tag = &html[..tag_end];
        let start = tag.rfind('<')?;
        let tag = &tag[start..];
        let content = tag.find("content=\"")? + "content=\"".len();
        let len = tag[content..].find('"')?;
        Some(tag[content..content + len].to_string())
    });
    let csp = meta.unwrap_or_else(|| DEFAULT_CSP.to_string());
    format!(
        "{}; frame-ancestors 'self'",
        csp.trim().trim_end_matches(';')
    )
}

/// Serves `root` on `host`:`port` until the process is stopped.
pub fn serve(root: &Path, host: &str, port: u16) -> Result<(), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot open {}: {e}", root.display()))?;
    let listener = TcpListener::bind((host, port))
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let csp: Arc<str> = csp_header(
        std::fs::read_to_string(root.join("index.html"))
            .ok()
            .as_deref(),
    )
    .into();
    let shown = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    println!("failure-lab is being served at http://{shown}:{port}/ (Ctrl-C stops it)");
    let active = Arc::new(AtomicUsize::new(0));
    for mut stream in listener.incoming().flatten() {
        let _ = stream.set_read_timeout(Some(REQUEST_TIMEOUT));
        let _ = stream.set_write_timeout(Some(REQUEST_TIMEOUT));
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = respond(
                &mut stream,
                &Reply::text("503 Service Unavailable", "busy\n"),
                true,
            );
            continue;
        }
        let (root, csp, done) = (root.clone(), csp.clone(), active.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ = handle(stream, &root, &csp);
            done.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// A response: its status, type, body and extra headers.
struct Reply<'a> {
    status: &'static str,
    ctype: &'static str,
    body: std::borrow::Cow<'a, [u8]>,
    headers: Vec<(&'static str, &'a str)>,
}

impl Reply<'_> {
    fn text(status: &'static str, body: &'static str) -> Reply<'static> {
        Reply {
            status,
            ctype: "text/plain; charset=utf-8",
            body: body.as_bytes().into(),
            headers: Vec::new(),
        }
    }
}

/// Reads the request's line and headers (at most [`MAX_HEAD_BYTES`], within
/// [`REQUEST_TIMEOUT`]); returns the request line, or the status to refuse.
fn read_head(stream: &TcpStream) -> Result<String, &'static str> {
    let started = Instant::now();
    let mut reader = BufReader::new(stream.take(MAX_HEAD_BYTES));
    let mut request_line = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|_| "408 Request Timeout")?;
        if started.elapsed() > REQUEST_TIMEOUT {
            return Err("408 Request Timeout");
        }
        if n == 0 || !line.ends_with('\n') {
            // The end of the stream, or the size limit, before the blank line.
            return Err(if reader.get_ref().limit() == 0 {
                "431 Request Header Fields Too Large"
            } else {
                "400 Bad Request"
            });
        }
        if request_line.is_empty() {
            request_line = std::mem::take(&mut line);
        } else if line.trim_end().is_empty() {
            return Ok(request_line);
        }
    }
}

fn handle(mut stream: TcpStream, root: &Path, csp: &str) -> std::io::Result<()> {
    let request_line = match read_head(&stream) {
        Ok(line) => line,
        Err(status) => return respond(&mut stream, &Reply::text(status, "bad request\n"), true),
    };
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let head = method == "HEAD";
    let with_body = !head;
    if method != "GET" && !head {
        let mut reply = Reply::text("405 Method Not Allowed", "only GET and HEAD\n");
        reply.headers.push(("Allow", "GET, HEAD"));
        return respond(&mut stream, &reply, true);
    }
    let not_found = Reply::text("404 Not Found", "not found\n");
    let Some(path) = resolve(root, target) else {
        return respond(&mut stream, &not_found, with_body);
    };
    match std::fs::read(&path) {
        Ok(body) => {
            let ctype = content_type(&path);
            let mut reply = Reply {
                status: "200 OK",
                ctype,
                body: body.into(),
                headers: Vec::new(),
            };
            if ctype.starts_with("text/html") {
                reply.headers.push(("Content-Security-Policy", csp));
            }
            respond(&mut stream, &reply, with_body)
        }
        Err(_) => respond(&mut stream, &not_found, with_body),
    }
}

/// The file under `root` that a request target names, or None when it would
/// leave the root or names no file. `/` means `index.html`.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for comp in Path::new(path.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    let out = out.canonicalize().ok()?;
    (out.starts_with(root) && out.is_file()).then_some(out)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Writes `reply` (its body only when `with_body`: never for HEAD), with
/// the headers every response carries: no MIME sniffing, framed only by
/// the same origin.
fn respond(stream: &mut TcpStream, reply: &Reply, with_body: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n\
         X-Content-Type-Options: nosniff\r\nX-Frame-Options: SAMEORIGIN\r\n\
         Referrer-Policy: no-referrer\r\nConnection: close\r\n",
        reply.status,
        reply.ctype,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_root() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .canonicalize()
            .unwrap();
        assert!(resolve(&root, "/lib.rs").is_some());
        assert!(resolve(&root, "/lib.rs?x=1").is_some());
        assert!(resolve(&root, "/../Cargo.toml").is_none());
        assert!(resolve(&root, "/nope.rs").is_none());
    }
}
