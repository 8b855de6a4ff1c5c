//! Options shared by every dialect: table names, clock and user-id generator.

use std::fmt;
use std::sync::Arc;

use adapter_core::{validate, AdapterError, SharedClock, SystemClock, UserIdGenerator};

/// The longest table name: 63 bytes (PostgreSQL's limit) less the longest
/// suffix of a name derived from it (`_user_id_idx`, and room to spare).
pub const MAX_TABLE_NAME_BYTES: usize = 48;

/// The three table names; defaults are the Lucia docs' `user`, `session`, `refresh_token`.
///
/// Names are identifiers (`[A-Za-z_][A-Za-z0-9_]*`, at most 48 bytes, so that
/// the names derived from them, such as `{table}_user_id_idx`, fit the 63 and
/// 64 bytes PostgreSQL and MySQL allow), three different ones, and are always
/// quoted in SQL, so reserved words such as `user` work on every engine.
///
/// ```
/// use adapter_sql::TableNames;
/// let tables = TableNames::new("app_user", "app_session", "app_refresh_token").unwrap();
/// assert_eq!(tables.user(), "app_user");
/// assert!(TableNames::new("user; DROP", "s", "r").is_err());
/// assert!(TableNames::new("same", "same", "r").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNames {
    user: String,
    session: String,
    refresh_token: String,
}

impl Default for TableNames {
    fn default() -> Self {
        Self {
            user: "user".into(),
            session: "session".into(),
            refresh_token: "refresh_token".into(),
        }
    }
}

impl TableNames {
    /// Custom names; each must be a portable identifier of at most
    /// [`MAX_TABLE_NAME_BYTES`] bytes, and no two the same.
    pub fn new(
        user: impl Into<String>,
        session: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Result<Self, AdapterError> {
        let names = Self {
            user: user.into(),
            session: session.into(),
            refresh_token: refresh_token.into(),
        };
        for (field, name) in [
            ("tables.user", &names.user),
            ("tables.session", &names.session),
            ("tables.refresh_token", &names.refresh_token),
        ] {
            if name.len() > MAX_TABLE_NAME_BYTES || !validate::is_portable_identifier(name) {
                return Err(AdapterError::invalid_input(
                    field,
                    "a table name must match [A-Za-z_][A-Za-z0-9_]* and be at most 48 bytes",
                ));
            }
        }
        if names.user == names.session
            || names.user == names.refresh_token
            || names.session == names.refresh_token
        {
            return Err(AdapterError::invalid_input(
                "tables",
                "the user, session and refresh-token tables must have three different names",
            ));
        }
        Ok(names)
    }

    /// The user table.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The session table.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The refresh-token table.
    pub fn refresh_token(&self) -> &str {
        &self.refresh_token
    }
}

/// What every dialect's builder configures besides its pool.
#[derive(Clone)]
pub struct SqlOptions {
    /// Table names.
    pub tables: TableNames,
    /// The clock deciding expiry (system clock by default).
    pub clock: SharedClock,
    /// Makes ids for `set_user(None, ..)`; without one that is `UserIdRequired`.
    pub id_generator: Option<UserIdGenerator>,
}

impl Default for SqlOptions {
    fn default() -> Self {
        Self {
            tables: TableNames::default(),
            clock: Arc::new(SystemClock),
            id_generator: None,
        }
    }
}

impl fmt::Debug for SqlOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlOptions")
            .field("tables", &self.tables)
            .field("clock", &self.clock)
            .field("id_generator", &self.id_generator.is_some())
            .finish()
    }
}

/// Builds an adapter over an existing sqlx pool.
///
/// Made by `SqlAdapter::postgres`, `SqlAdapter::mysql` or `SqlAdapter::sqlite`;
/// `build()` verifies the schema, `migrate()` creates what is missing first.
pub struct SqlBuilder<P> {
    pub(crate) pool: P,
    pub(crate) options: SqlOptions,
}

impl<P> SqlBuilder<P> {
    pub(crate) fn new(pool: P) -> Self {
        Self {
            pool,
            options: SqlOptions::default(),
        }
    }

    /// Uses these table names.
    pub fn tables(mut self, tables: TableNames) -> Self {
        self.options.tables = tables;
        self
    }

    /// Uses this clock for every expiry decision.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.options.clock = clock;
        self
    }

    /// Makes user ids with this generator when `set_user` gets none.
    pub fn id_generator(mut self, generator: UserIdGenerator) -> Self {
        self.options.id_generator = Some(generator);
        self
    }
}

impl<P> fmt::Debug for SqlBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Pool size and how long a call waits for a connection (which covers
/// connecting), for the `*_pool_with` constructors of [`SqlAdapter`](crate::SqlAdapter).
///
/// Those pools do not ping a connection before handing it out (sqlx's
/// `test_before_acquire`, on by default, costs every operation a second round
/// trip); sqlx still checks each connection as it goes back to the pool, off
/// the caller's path. A connection the server dropped while it sat idle (a
/// restart) fails its next call with a transient error and is replaced.
///
/// ```
/// let settings = adapter_sql::PoolSettings::default();
/// assert_eq!(settings.acquire_timeout, std::time::Duration::from_secs(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections; `None`: the engine's default (SQLite file: 8, servers: 10).
    pub max_connections: Option<u32>,
    /// How long a call waits for a connection before a transient error.
    pub acquire_timeout: std::time::Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: None,
            acquire_timeout: std::time::Duration::from_secs(5),
        }
    }
}
