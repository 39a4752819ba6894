//! The `failure-lab` command line: one function per subcommand.

pub mod detectors;
pub mod serve;
