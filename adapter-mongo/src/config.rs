//! Building a [`MongoAdapter`]: collection names, clock, id generator, index setup.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use adapter_core::{redact_url, AdapterError, DbOp, SharedClock, SystemClock, UserIdGenerator};
use mongodb::options::ClientOptions;
use mongodb::{Client, Database};

use crate::adapter::MongoAdapter;
use crate::indexes::{self, CollectionNamesRef};

/// The database used when the URL names none: Mongoose's own default.
pub const DEFAULT_DATABASE: &str = "test";
/// How long a call waits for a reachable server unless the URL says otherwise.
pub const DEFAULT_SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// The names of the three collections; by default what Mongoose made from the
/// models `user`, `session` and `refresh_token`.
///
/// ```
/// let names = adapter_mongo::CollectionNames::default();
/// assert_eq!(names.users, "users");
/// assert_eq!(names.sessions, "sessions");
/// assert_eq!(names.refresh_tokens, "refresh_tokens");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionNames {
    /// Users (default `users`).
    pub users: String,
    /// Sessions (default `sessions`).
    pub sessions: String,
    /// Refresh tokens (default `refresh_tokens`).
    pub refresh_tokens: String,
}

impl Default for CollectionNames {
    fn default() -> Self {
        Self {
            users: "users".into(),
            sessions: "sessions".into(),
            refresh_tokens: "refresh_tokens".into(),
        }
    }
}

impl CollectionNames {
    pub(crate) fn as_ref(&self) -> CollectionNamesRef<'_> {
        CollectionNamesRef {
            users: &self.users,
            sessions: &self.sessions,
            refresh_tokens: &self.refresh_tokens,
        }
    }

    fn validate(&self) -> Result<(), AdapterError> {
        for (field, name) in [
            ("collections.users", &self.users),
            ("collections.sessions", &self.sessions),
            ("collections.refresh_tokens", &self.refresh_tokens),
        ] {
            let bad = name.is_empty()
                || name.len() > 120
                || name.contains(['$', '\0'])
                || name.starts_with("system.")
                || name.starts_with('.')
                || name.ends_with('.');
            if bad {
                return Err(AdapterError::invalid_input(
                    field,
                    "a collection name must be 1 to 120 bytes without '$' or NUL, not system.*",
                ));
            }
        }
        if self.users == self.sessions
            || self.users == self.refresh_tokens
            || self.sessions == self.refresh_tokens
        {
            return Err(AdapterError::invalid_input(
                "collections",
                "the three collections must differ",
            ));
        }
        Ok(())
    }
}

/// Builds a [`MongoAdapter`] over an existing [`mongodb::Database`].
///
/// ```no_run
/// # async fn demo() -> Result<(), adapter_core::AdapterError> {
/// use std::sync::Arc;
/// let client = mongodb::Client::with_uri_str("mongodb://127.0.0.1:27017").await
///     .map_err(|e| adapter_core::AdapterError::database(adapter_core::DbOp::Read, true, e))?;
/// let adapter = adapter_mongo::MongoAdapter::builder(client.database("app"))
///     .id_generator(Arc::new(|| bson::oid::ObjectId::new().to_hex()))
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MongoAdapterBuilder {
    database: Database,
    collections: CollectionNames,
    clock: SharedClock,
    id_generator: Option<UserIdGenerator>,
    setup_indexes: bool,
    native_expiry: bool,
}

impl fmt::Debug for MongoAdapterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MongoAdapterBuilder")
            .field("database", &self.database.name())
            .field("collections", &self.collections)
            .field("clock", &self.clock)
            .field("id_generator", &self.id_generator.is_some())
            .field("setup_indexes", &self.setup_indexes)
            .field("native_expiry", &self.native_expiry)
            .finish()
    }
}

impl MongoAdapterBuilder {
    /// A builder with the defaults: collections `users`, `sessions`,
    /// `refresh_tokens`; the system clock; no id generator; index setup on;
    /// native expiry off.
    pub fn new(database: Database) -> Self {
        Self {
            database,
            collections: CollectionNames::default(),
            clock: Arc::new(SystemClock),
            id_generator: None,
            setup_indexes: true,
            native_expiry: false,
        }
    }

    /// Uses these collection names.
    pub fn collections(mut self, names: CollectionNames) -> Self {
        self.collections = names;
        self
    }

    /// Decides expiry with this clock.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Makes ids for `set_user(None, ..)`; without one that call is `UserIdRequired`.
    pub fn id_generator(mut self, generator: UserIdGenerator) -> Self {
        self.id_generator = Some(generator);
        self
    }

    /// Whether `build` creates and verifies the indexes (default on). Off, the
    /// unique indexes of the users collection are still read, to name fields in errors.
    pub fn setup_indexes(mut self, setup: bool) -> Self {
        self.setup_indexes = setup;
        self
    }

    /// Also writes an `expires_at` Date on each session with a TTL index on it,
    /// so the server removes expired sessions eventually (default off). Reads
    /// still decide expiry with the clock.
    pub fn native_expiry(mut self, enabled: bool) -> Self {
        self.native_expiry = enabled;
        self
    }

    /// Sets up indexes (unless turned off) and returns the adapter.
    pub async fn build(self) -> Result<MongoAdapter, AdapterError> {
        self.collections.validate()?;
        if self.setup_indexes {
            let specs = indexes::required_indexes(self.collections.as_ref(), self.native_expiry);
            indexes::ensure(&self.database, &specs).await?;
        }
        let user_indexes =
            indexes::user_unique_indexes(&self.database, &self.collections.users).await?;
        Ok(MongoAdapter::new(
            self.database,
            &self.collections,
            self.clock,
            self.id_generator,
            self.native_expiry,
            user_indexes,
        ))
    }
}

/// A client for `url`, with a server-selection timeout of
/// [`DEFAULT_SERVER_SELECTION_TIMEOUT`] unless the URL sets one, and the
/// database the URL names (else [`DEFAULT_DATABASE`]).
pub(crate) async fn database_from_url(url: &str) -> Result<Database, AdapterError> {
    let mut options = ClientOptions::parse(url).await.map_err(|err| {
        AdapterError::invalid_input(
            "url",
            format!(
                "{} is not a usable MongoDB URL: {}",
                redact_url(url),
                err.kind
            ),
        )
    })?;
    options
        .server_selection_timeout
        .get_or_insert(DEFAULT_SERVER_SELECTION_TIMEOUT);
    options
        .connect_timeout
        .get_or_insert(DEFAULT_SERVER_SELECTION_TIMEOUT);
    let name = options
        .default_database
        .clone()
        .unwrap_or_else(|| DEFAULT_DATABASE.to_string());
    let client = Client::with_options(options)
        .map_err(|err| AdapterError::database(DbOp::Read, false, err))?;
    Ok(client.database(&name))
}
