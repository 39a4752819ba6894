//! The `failure-lab` command line: one function per subcommand.

pub mod eval;
pub mod serve;
