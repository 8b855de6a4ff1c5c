//! Fault injection for the adapters (failure cases C11, C12, C13).
//!
//! The tests under `tests/` start **private** database servers on free
//! loopback ports with throwaway data directories ([`PrivateServer`]), run a
//! concurrent workload on one adapter value ([`workload`]), stop the server
//! (cleanly and with `SIGKILL`) in the middle of it, start it again, and
//! assert what the contract promises: acknowledged writes survive, calls
//! during the outage fail fast with a transient `Database` error, and the same
//! adapter value recovers by itself. The shared servers on 5432, 3306 and 6379
//! are never touched.
//!
//! `tests/round_trips.rs` counts the round trips of every operation on the
//! shared servers (in scratch databases and key prefixes it removes), through
//! a counting TCP proxy ([`proxy`]) or the Mongo driver's command events.
//!
//! A missing server binary is a loud `SKIPPED:` line locally and a failure
//! with `CI=true` ([`locate`]).

pub mod fault;
pub mod locate;
pub mod ports;
pub mod proxy;
pub mod report;
pub mod server;
pub mod servers;
pub mod workload;

pub use fault::{run_fault, FaultPlan};
pub use locate::{skip_or_fail, workspace_root};
pub use ports::free_port;
pub use report::{FaultReport, OutageFigures};
pub use server::{PrivateServer, ServerSpec, Stop};
pub use workload::Target;
