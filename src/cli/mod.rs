//! The `failure-lab` command line: one function per subcommand.

#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod serve;
