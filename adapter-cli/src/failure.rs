//! Errors that end the command, with their exit codes and what to do next.

use std::fmt;

/// Exit codes, stable for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything behaved as the contract says.
    Ok = 0,
    /// A check failed: a demo step, a conformance scenario, a schema verification.
    CheckFailed = 1,
    /// The command line was wrong (clap's own code).
    Usage = 2,
    /// The store could not be reached or opened.
    Unavailable = 3,
    /// The store failed during the command.
    StoreFailed = 4,
}

/// A failure that ends the command.
#[derive(Debug)]
pub struct Failure {
    /// Which exit code.
    pub code: ExitCode,
    /// What happened.
    pub message: String,
    /// What to do next, if we know.
    pub hint: Option<String>,
}

impl Failure {
    /// A failure with a code and message.
    pub fn new(code: ExitCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The store could not be opened; `backend` names what the URL asked for.
    pub fn cannot_open(backend: &str, err: adapters::ConnectError) -> Self {
        use adapters::ConnectError;
        let message = format!("cannot open the store: {err}");
        match err {
            ConnectError::UnknownScheme { .. }
            | ConnectError::InvalidOption { .. }
            | ConnectError::WrongRole(_) => Self::new(ExitCode::Usage, message)
                .hint("see `adapter --help` and the URL table in the README"),
            ConnectError::Adapter(adapters::AdapterError::Database { ref source, .. })
                if is_schema_problem(source.as_ref()) =>
            {
                Self::new(ExitCode::CheckFailed, message).hint(
                    "`adapter migrate` creates what is missing; a mismatch it names must be fixed by hand",
                )
            }
            ConnectError::FeatureDisabled { feature, .. } => {
                Self::new(ExitCode::Unavailable, message).hint(format!(
                    "rebuild with the feature: cargo run -p adapter-cli --features {feature} -- …"
                ))
            }
            _ => {
                let hint = match backend {
                    "postgres" => "start PostgreSQL or pass --url / DATABASE_URL",
                    "mysql" => "start MySQL or MariaDB or pass --url / DATABASE_URL",
                    "mongo" => "start MongoDB (scripts/services/mongo start gives a test server) or pass --url / DATABASE_URL",
                    "redis" => "start Redis or pass another URL",
                    _ => "check --url / DATABASE_URL (the default, sqlite:adapter.db, needs no server)",
                };
                Self::new(ExitCode::Unavailable, message).hint(hint)
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl From<adapters::AdapterError> for Failure {
    fn from(err: adapters::AdapterError) -> Self {
        let hint = if err.is_transient() {
            "the store did not answer in time: check it is running, then retry"
        } else {
            "see the error code in the contract (README)"
        };
        Self::new(ExitCode::StoreFailed, format!("{} ({})", err, err.code())).hint(hint)
    }
}

/// Whether the store answered but its schema or indexes are not as the adapter needs.
fn is_schema_problem(source: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
    if source.is::<adapters::sql::SchemaError>() {
        return true;
    }
    #[cfg(feature = "mongo")]
    if source.is::<adapters::mongo::IndexSetupError>() {
        return true;
    }
    let _ = source;
    false
}
