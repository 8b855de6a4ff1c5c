//! One module per subcommand.

pub mod bench;
pub mod check;
pub mod demo;
pub mod migrate;
pub mod purge;
pub mod stats;
