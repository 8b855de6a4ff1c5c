//! [`Report`]: what a run of the suite found.

use std::collections::BTreeMap;
use std::fmt;

/// The outcome of one run of the suite on one backend.
///
/// ```
/// let report = adapter_conformance::Report::default();
/// assert!(!report.execution_has_failed());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The backend's name.
    pub backend: String,
    /// Scenarios that passed.
    pub passed: usize,
    /// Scenarios that failed (a failed step, a failed hook or an unmatched step).
    pub failed: usize,
    /// Scenarios not run: those needing a capability the backend lacks, and
    /// any cucumber skipped.
    pub skipped: usize,
    /// Scenarios not run, by the capability (`requires.<name>` tag) they need.
    pub skipped_by_capability: BTreeMap<String, usize>,
    /// `"<feature>: <scenario>"` of every failed scenario.
    pub failed_scenarios: Vec<String>,
    /// `.feature` files that could not be parsed.
    pub parsing_errors: usize,
    /// Failed `before`/`after` hooks (e.g. a backend that could not open).
    pub hook_errors: usize,
    /// Whether cucumber counted the run as failed.
    pub(crate) cucumber_failed: bool,
}

impl Report {
    /// Whether anything failed: a scenario, a hook or the parsing of a feature file.
    pub fn execution_has_failed(&self) -> bool {
        self.cucumber_failed || self.failed > 0 || self.parsing_errors > 0 || self.hook_errors > 0
    }

    /// Whether a scenario whose name contains `name` failed.
    pub fn scenario_failed(&self, name: &str) -> bool {
        self.failed_scenarios
            .iter()
            .any(|failed| failed.contains(name))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} passed, {} failed, {} skipped",
            self.backend, self.passed, self.failed, self.skipped
        )?;
        if self.parsing_errors + self.hook_errors > 0 {
            write!(
                f,
                ", {} parsing errors, {} hook errors",
                self.parsing_errors, self.hook_errors
            )?;
        }
        for name in &self.failed_scenarios {
            write!(f, "\n  failed: {name}")?;
        }
        Ok(())
    }
}
