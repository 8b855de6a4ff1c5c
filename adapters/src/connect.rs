//! Choosing and opening a backend by URL.

use std::sync::Arc;

use adapter_core::{Adapter, Maintenance, SessionAdapter, SharedClock, Split, SystemClock};

use crate::options::{parse, Options};
use crate::{backends, ConnectError};

/// The backends a URL can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// `memory:`
    Memory,
    /// `sqlite:`
    Sqlite,
    /// `postgres://`, `postgresql://`
    Postgres,
    /// `mysql://`, `mariadb://`
    MySql,
    /// `mongodb://`, `mongodb+srv://`
    Mongo,
    /// `redis://`, `rediss://`, `redis+cluster://` (sessions only)
    Redis,
}

impl BackendKind {
    /// The backend a URL scheme names.
    pub fn from_scheme(scheme: &str) -> Result<Self, ConnectError> {
        Ok(match scheme.to_ascii_lowercase().as_str() {
            "memory" => Self::Memory,
            "sqlite" => Self::Sqlite,
            "postgres" | "postgresql" => Self::Postgres,
            "mysql" | "mariadb" => Self::MySql,
            "mongodb" | "mongodb+srv" => Self::Mongo,
            "redis" | "rediss" | "redis+cluster" => Self::Redis,
            other => {
                return Err(ConnectError::UnknownScheme {
                    scheme: other.to_owned(),
                })
            }
        })
    }

    /// The short name used in reports and features.
    pub fn name(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
            Self::Mongo => "mongo",
            Self::Redis => "redis",
        }
    }

    pub(crate) fn disabled(self) -> ConnectError {
        ConnectError::FeatureDisabled {
            backend: self.name(),
            feature: self.name(),
        }
    }
}

/// An opened store: the adapter, and the operator tasks beside it.
#[derive(Clone)]
pub struct Store {
    /// Which backend.
    pub kind: BackendKind,
    /// The adapter.
    pub adapter: Arc<dyn Adapter>,
    /// Schema setup, counts and purging.
    pub maintenance: Arc<dyn Maintenance>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Opens the backend `url` names, with its options (see [`crate::options`]),
/// deciding expiry by the system clock.
pub async fn open(url: &str) -> Result<Store, ConnectError> {
    open_with_clock(url, Arc::new(SystemClock)).await
}

/// Like [`open`], deciding expiry by `clock` (e.g. a fixed instant, to preview
/// what a purge at that time would remove).
pub async fn open_with_clock(url: &str, clock: SharedClock) -> Result<Store, ConnectError> {
    let parsed = parse(url)?;
    let kind = BackendKind::from_scheme(&parsed.scheme)?;
    open_kind(kind, &parsed.driver_url, &parsed.options, clock).await
}

async fn open_kind(
    kind: BackendKind,
    url: &str,
    options: &Options,
    clock: SharedClock,
) -> Result<Store, ConnectError> {
    match kind {
        BackendKind::Memory => backends::memory::open(url, options, clock).await,
        BackendKind::Sqlite | BackendKind::Postgres | BackendKind::MySql => {
            backends::sql::open(kind, url, options, clock).await
        }
        BackendKind::Mongo => backends::mongo::open(url, options, clock).await,
        BackendKind::Redis => Err(ConnectError::WrongRole(
            "Redis stores sessions only: use connect_split(users_url, redis_url)".into(),
        )),
    }
}

/// Connects to the backend `url` names and returns it as an [`Adapter`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let adapter = adapters::connect("memory:").await?;
/// assert!(adapter.get_user_by_id("nobody").await?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
pub async fn connect(url: &str) -> Result<Arc<dyn Adapter>, ConnectError> {
    Ok(open(url).await?.adapter)
}

/// Users from `users_url`, sessions and refresh tokens from the session
/// store at `sessions_url` (Redis), composed with [`Split`].
pub async fn connect_split(
    users_url: &str,
    sessions_url: &str,
) -> Result<Arc<dyn Adapter>, ConnectError> {
    let users = connect(users_url).await?;
    let sessions = connect_sessions(sessions_url).await?;
    Ok(Arc::new(Split::new(users, sessions)))
}

/// Opens a session-only store.
pub async fn connect_sessions(url: &str) -> Result<Arc<dyn SessionAdapter>, ConnectError> {
    let parsed = parse(url)?;
    match BackendKind::from_scheme(&parsed.scheme)? {
        BackendKind::Redis => backends::redis::open(&parsed.driver_url, &parsed.options).await,
        other => Err(ConnectError::WrongRole(format!(
            "{} is a full user store, not a session store: pass a redis:// URL as the session store",
            other.name()
        ))),
    }
}
