//! The `failure-lab` command line: one function per subcommand.

pub mod bench_import;
pub mod detect;
pub mod serve;
