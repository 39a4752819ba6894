//! The `failure-lab` command line: one function per subcommand.

pub mod serve;
