//! `failure-lab`: the lab's command line (see `failure_lab::cli`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    failure_lab::cli::main()
}

/// The command line is native only; the browser uses `failure_lab::wasm`.
#[cfg(target_arch = "wasm32")]
fn main() {}
