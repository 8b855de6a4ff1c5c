//! The Gherkin conformance suite of the auth adapters.
//!
//! The behaviours live in the workspace's `features/*.feature` files (embedded
//! in this crate at build time). Any adapter, this workspace's or a third
//! party's, runs them through a [`Backend`]: a factory that gives a fresh,
//! isolated adapter per scenario, an [`Oracle`] that reads and seeds stored
//! records without the adapter, and the adapter's [`Capabilities`]. Scenarios
//! tagged `@requires.<capability>` that the backend lacks are reported as
//! skipped, never as passed.
//!
//! # Running the suite on your adapter
//!
//! Add a test target with `harness = false` (`[[test]] name = "conformance"
//! harness = false` in `Cargo.toml`) and this `tests/conformance.rs`:
//!
//! ```no_run
//! use adapter_conformance::{Backend, BoxError, Capabilities, Fixture, ScenarioEnv};
//!
//! struct MyBackend;
//!
//! #[async_trait::async_trait]
//! impl Backend for MyBackend {
//!     fn name(&self) -> String { "mine".into() }
//!     fn capabilities(&self) -> Capabilities { Capabilities { free_clock: true, ..Default::default() } }
//!     async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
//!         todo!("build your adapter in env.namespace with env.clock, and its oracle")
//!     }
//! }
//!
//! fn main() {
//!     adapter_conformance::run_main(MyBackend);
//! }
//! ```
//!
//! Run it with `cargo test --test conformance`; filter with
//! `cargo test --test conformance -- --tags '@users'` or `CUCUMBER_FILTER_TAGS`.
//! From async code, [`Suite`] gives the [`Report`] instead of exiting:
//!
//! ```no_run
//! # async fn demo(backend: impl adapter_conformance::Backend) {
//! let report = adapter_conformance::Suite::new(backend).tags("@users").run().await;
//! assert!(!report.execution_has_failed(), "{report}");
//! # }
//! ```

mod backend;
pub mod backends;
mod features;
mod harness;
mod namespace;
mod report;
mod steps;
mod suite;
mod text;
mod world;

pub use adapter_core::BoxError;
pub use backend::*;
pub use harness::{require_env, run_main, run_main_plain_and_hashed};
pub use report::Report;
pub use suite::Suite;
