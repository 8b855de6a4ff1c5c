//! Why a connection could not be made.

use adapter_core::AdapterError;

/// Why [`connect`](crate::connect) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL's scheme names no backend.
    #[error("unknown URL scheme {scheme:?}: expected one of memory:, sqlite:, postgres://, mysql://, mariadb://, mongodb://, mongodb+srv://, redis://, rediss://")]
    UnknownScheme {
        /// The scheme as given.
        scheme: String,
    },
    /// The backend exists but this build left it out.
    #[error("the {backend} backend is not compiled in: enable the Cargo feature \"{feature}\" of the `adapters` crate")]
    FeatureDisabled {
        /// The backend the URL names.
        backend: &'static str,
        /// The Cargo feature that adds it.
        feature: &'static str,
    },
    /// An option in the URL's query is unknown or malformed.
    #[error("invalid option {name:?} in the URL: {reason}")]
    InvalidOption {
        /// The query parameter.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL names a backend that cannot play this role (e.g. a session-only store as the user store).
    #[error("{0}")]
    WrongRole(String),
    /// The backend could not connect or set up.
    #[error(transparent)]
    Adapter(#[from] AdapterError),
}
