//! The `failure-lab` command line: one function per subcommand.

pub mod detect;
pub mod serve;
