//! The one error type every adapter returns.

use std::error::Error as StdError;
use std::fmt;

/// The boxed cause of a [`AdapterError::Database`].
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Whether a failed database call was reading or writing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DbOp {
    /// A read: `DATABASE_FETCH_FAILED`.
    Read,
    /// A write: `DATABASE_UPDATE_FAILED`.
    Write,
}

impl fmt::Display for DbOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DbOp::Read => "read",
            DbOp::Write => "write",
        })
    }
}

/// Everything an adapter call can fail with.
///
/// Missing or expired records are `Ok(None)`, never an error. No variant's
/// `Display` holds a token, a password hash or a connection password.
///
/// ```
/// use adapter_core::AdapterError;
/// let err = AdapterError::invalid_input("provider_id", "must not be empty");
/// assert_eq!(err.code(), "AUTH_INVALID_INPUT");
/// assert!(!err.is_transient());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// A user with this id exists already.
    #[error("a user with this id already exists")]
    DuplicateUserId,
    /// A user with this provider id exists already.
    #[error("a user with this provider id already exists")]
    DuplicateProviderId,
    /// A user-data field declared unique holds this value already.
    #[error("a user already holds this value of unique field {}", field.as_deref().unwrap_or("(unknown)"))]
    DuplicateUserData {
        /// The field, where the backend can name it.
        field: Option<String>,
    },
    /// A session with this access token exists already.
    #[error("a session with this access token already exists")]
    DuplicateAccessToken,
    /// This refresh token exists already.
    #[error("this refresh token already exists")]
    DuplicateRefreshToken,
    /// The user named does not exist.
    #[error("no user has this id")]
    InvalidUserId,
    /// `set_user(None, ..)` on an adapter with no id generator.
    #[error("this adapter does not generate user ids: pass one to set_user")]
    UserIdRequired,
    /// The input breaks the contract's rules; nothing was stored.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The field or user-data key at fault.
        field: String,
        /// Why it is refused.
        reason: String,
    },
    /// A stored record could not be decoded.
    #[error("stored {what} cannot be decoded: {reason}")]
    CorruptRecord {
        /// Which record, without secrets (e.g. `session`, `user cl9…`).
        what: String,
        /// Why it cannot be decoded.
        reason: String,
    },
    /// The database failed.
    #[error("database {op} failed{}: {source}", if *transient { " (transient, may be retried)" } else { "" })]
    Database {
        /// Reading or writing.
        op: DbOp,
        /// Connection loss, timeout or pool exhaustion: the caller may retry.
        transient: bool,
        /// The driver's error.
        source: BoxError,
    },
}

impl AdapterError {
    /// The stable code of this error, for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            AdapterError::DuplicateUserId => "AUTH_DUPLICATE_USER_ID",
            AdapterError::DuplicateProviderId => "AUTH_DUPLICATE_PROVIDER_ID",
            AdapterError::DuplicateUserData { .. } => "AUTH_DUPLICATE_USER_DATA",
            AdapterError::DuplicateAccessToken => "AUTH_DUPLICATE_ACCESS_TOKEN",
            AdapterError::DuplicateRefreshToken => "AUTH_DUPLICATE_REFRESH_TOKEN",
            AdapterError::InvalidUserId => "AUTH_INVALID_USER_ID",
            AdapterError::UserIdRequired => "AUTO_USER_ID_GENERATION_NOT_SUPPORTED",
            AdapterError::InvalidInput { .. } => "AUTH_INVALID_INPUT",
            AdapterError::CorruptRecord { .. } => "DATABASE_CORRUPT_RECORD",
            AdapterError::Database { op: DbOp::Read, .. } => "DATABASE_FETCH_FAILED",
            AdapterError::Database {
                op: DbOp::Write, ..
            } => "DATABASE_UPDATE_FAILED",
        }
    }

    /// Whether retrying the same call may succeed (connection loss, timeouts, pool exhaustion).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AdapterError::Database {
                transient: true,
                ..
            }
        )
    }

    /// An [`AdapterError::InvalidInput`].
    pub fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AdapterError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A [`AdapterError::CorruptRecord`].
    pub fn corrupt(what: impl Into<String>, reason: impl Into<String>) -> Self {
        AdapterError::CorruptRecord {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// A [`AdapterError::Database`] from any driver error.
    pub fn database(op: DbOp, transient: bool, source: impl Into<BoxError>) -> Self {
        AdapterError::Database {
            op,
            transient,
            source: source.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_documented_code() {
        let table: Vec<(AdapterError, &str)> = vec![
            (AdapterError::DuplicateUserId, "AUTH_DUPLICATE_USER_ID"),
            (
                AdapterError::DuplicateProviderId,
                "AUTH_DUPLICATE_PROVIDER_ID",
            ),
            (
                AdapterError::DuplicateUserData { field: None },
                "AUTH_DUPLICATE_USER_DATA",
            ),
            (
                AdapterError::DuplicateAccessToken,
                "AUTH_DUPLICATE_ACCESS_TOKEN",
            ),
            (
                AdapterError::DuplicateRefreshToken,
                "AUTH_DUPLICATE_REFRESH_TOKEN",
            ),
            (AdapterError::InvalidUserId, "AUTH_INVALID_USER_ID"),
            (
                AdapterError::UserIdRequired,
                "AUTO_USER_ID_GENERATION_NOT_SUPPORTED",
            ),
            (AdapterError::invalid_input("f", "r"), "AUTH_INVALID_INPUT"),
            (AdapterError::corrupt("w", "r"), "DATABASE_CORRUPT_RECORD"),
            (
                AdapterError::database(DbOp::Read, true, "down"),
                "DATABASE_FETCH_FAILED",
            ),
            (
                AdapterError::database(DbOp::Write, false, "x"),
                "DATABASE_UPDATE_FAILED",
            ),
        ];
        for (err, code) in table {
            assert_eq!(err.code(), code, "{err:?}");
        }
    }

    #[test]
    fn only_transient_database_errors_are_transient() {
        assert!(AdapterError::database(DbOp::Read, true, "timeout").is_transient());
        assert!(!AdapterError::database(DbOp::Read, false, "syntax").is_transient());
        assert!(!AdapterError::DuplicateUserId.is_transient());
    }

    #[test]
    fn display_names_the_unique_field() {
        let err = AdapterError::DuplicateUserData {
            field: Some("user_email".into()),
        };
        assert!(err.to_string().contains("user_email"));
    }
}
