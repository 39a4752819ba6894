//! The `failure-lab` command line: one function per subcommand.

pub mod bench_import;
pub mod detect;
pub mod detectors;
pub mod serve;
