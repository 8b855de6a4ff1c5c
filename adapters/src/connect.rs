//! Choosing and opening a backend by URL.

use std::sync::Arc;

use adapter_core::{
    Adapter, HashedTokens, Maintenance, SessionAdapter, SharedClock, Split, SystemClock,
};

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
    let mut store = open_kind(kind, &parsed.driver_url, &parsed.options, clock).await?;
    if parsed.options.hashed_tokens {
        store.adapter = Arc::new(HashedTokens::new(store.adapter));
    }
    Ok(store)
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
/// With `hashed_tokens=true` in the query the store keeps SHA-256 digests of
/// tokens, and a listing shows digests instead of tokens:
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use adapters::{NewUser, Session};
/// let adapter = adapters::connect("memory:?hashed_tokens=true").await?;
/// adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
/// let session = Session { access_token: "secret".into(), user_id: "u1".into(), expires: i64::MAX };
/// adapter.set_session(&session).await?;
/// assert!(adapter.get_session_by_access_token("secret").await?.is_some());
/// let listed = adapter.get_sessions_by_user_id("u1").await?;
/// assert_eq!(listed[0].access_token, adapters::token_digest("secret"));
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
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
/// store at `sessions_url` (Redis), composed with [`Split`]. With
/// `hashed_tokens=true` on `sessions_url`, the session store keeps digests.
pub async fn connect_split(
    users_url: &str,
    sessions_url: &str,
) -> Result<Arc<dyn Adapter>, ConnectError> {
    let users = connect(users_url).await?;
    split_with_sessions(users, sessions_url).await
}

/// `users` composed with [`Split`] with the session store at `sessions_url`
/// (Redis); with `hashed_tokens=true` on `sessions_url`, the session store
/// keeps digests. What [`connect_split`] does once it has the user store.
pub async fn split_with_sessions(
    users: Arc<dyn Adapter>,
    sessions_url: &str,
) -> Result<Arc<dyn Adapter>, ConnectError> {
    let sessions = connect_sessions(sessions_url).await?;
    let split = Split::new(users, sessions);
    if parse(sessions_url)?.options.hashed_tokens {
        return Ok(Arc::new(HashedTokens::new(split)));
    }
    Ok(Arc::new(split))
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
