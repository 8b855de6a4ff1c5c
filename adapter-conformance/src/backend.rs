//! How an adapter plugs into the suite: a [`Backend`] makes a fresh, isolated
//! adapter per scenario, with an [`Oracle`] that reads and writes the stored
//! records without going through the adapter, and declares its [`Capabilities`].

use std::sync::Arc;

use adapter_core::{Adapter, BoxError, ManualClock, RefreshToken, Session, User, UserIdGenerator};
use async_trait::async_trait;

/// What a backend can do. A scenario tagged `@requires.<name>` runs only on a
/// backend that has `<name>`, and is reported as skipped elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `id_generation`: the backend honours [`ScenarioEnv::id_generator`], so
    /// `set_user(None, ..)` makes an id.
    pub id_generation: bool,
    /// `free_clock`: expiry is decided by the injected clock alone, so a
    /// scenario may set the clock anywhere (e.g. to 0). Servers that expire
    /// records themselves (Redis) lack it.
    pub free_clock: bool,
    /// `schemaless_user_data`: any portable user-data key is stored, not only
    /// the [`USER_FIELDS`] (SQL stores only its columns).
    pub schemaless_user_data: bool,
    /// `persistent`: [`Backend::reopen`] gives a second adapter over the same
    /// stored data ("persisted, not cached").
    pub persistent: bool,
    /// `corrupt_records`: the oracle can store undecodable records
    /// ([`Oracle::insert_corrupt_session`]).
    pub corrupt_records: bool,
    /// `native_ttl`: the server removes expired sessions itself (scenarios
    /// with this tag wait for real time and are also tagged `@slow`).
    pub native_ttl: bool,
    /// `hashed_tokens`: the adapter stores SHA-256 digests of access and
    /// refresh tokens instead of the tokens (tokens-at-rest mode, see
    /// [`crate::backends::hashed::Hashed`]). The oracle then looks records up
    /// by token and returns them as stored (their token field holds the
    /// digest), and session listings carry digests, so the steps compare
    /// listed and stored tokens with [`adapter_core::token_digest`] of the
    /// expected ones. Scenarios tagged `@requires.hashed_tokens` run only in
    /// this mode; those tagged `@requires.plain_tokens` only outside it.
    pub hashed_tokens: bool,
}

impl Capabilities {
    /// Whether the backend has the capability named by a `@requires.<name>` tag.
    pub fn has(&self, name: &str) -> bool {
        match name {
            "id_generation" => self.id_generation,
            "free_clock" => self.free_clock,
            "schemaless_user_data" => self.schemaless_user_data,
            "persistent" => self.persistent,
            "corrupt_records" => self.corrupt_records,
            "native_ttl" => self.native_ttl,
            "hashed_tokens" => self.hashed_tokens,
            "plain_tokens" => !self.hashed_tokens,
            _ => false,
        }
    }
}

/// The kind of value a [`UserField`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A string (SQL `text`).
    Text,
    /// A 64-bit integer (SQL `bigint`).
    Integer,
    /// A double (SQL `double precision` / `real`).
    Real,
    /// A boolean.
    Boolean,
    /// Any JSON value (SQL `jsonb` / `json` / text holding JSON).
    Json,
}

/// A user-data field the scenarios use. Every backend must store these; a
/// schema-bound backend (SQL) creates them as columns of its user table, and
/// the unique ones as unique columns or indexes (Mongo: `<name>_1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserField {
    /// The key / column name.
    pub name: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// Whether two users may not share a value (`DuplicateUserData { field }`).
    pub unique: bool,
}

/// The user-data fields of the suite's scenarios.
pub const USER_FIELDS: &[UserField] = &[
    UserField {
        name: "user_email",
        kind: FieldKind::Text,
        unique: true,
    },
    UserField {
        name: "username",
        kind: FieldKind::Text,
        unique: true,
    },
    UserField {
        name: "display_name",
        kind: FieldKind::Text,
        unique: false,
    },
    UserField {
        name: "login_count",
        kind: FieldKind::Integer,
        unique: false,
    },
    UserField {
        name: "score",
        kind: FieldKind::Real,
        unique: false,
    },
    UserField {
        name: "email_verified",
        kind: FieldKind::Boolean,
        unique: false,
    },
    UserField {
        name: "profile",
        kind: FieldKind::Json,
        unique: false,
    },
];

/// What the suite hands a backend for one scenario.
#[derive(Clone)]
pub struct ScenarioEnv {
    /// A name unique to this scenario in this run (`[a-z0-9_]`, at most 40
    /// bytes): the database, schema, file, collection prefix or key prefix to
    /// confine the adapter to.
    pub namespace: String,
    /// The clock the adapter must use for every expiry decision.
    pub clock: Arc<ManualClock>,
    /// The id generator to configure, or `None` for an adapter without one.
    pub id_generator: Option<UserIdGenerator>,
}

impl std::fmt::Debug for ScenarioEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScenarioEnv")
            .field("namespace", &self.namespace)
            .field("clock", &self.clock)
            .field("id_generator", &self.id_generator.is_some())
            .finish()
    }
}

/// A fresh adapter and the oracle over the same stored data.
#[derive(Clone)]
pub struct Fixture {
    /// The adapter under test.
    pub adapter: Arc<dyn Adapter>,
    /// Raw access to what it stored.
    pub oracle: Arc<dyn Oracle>,
}

/// A backend under test.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// A short name for reports, e.g. `postgres`.
    fn name(&self) -> String;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// A fresh adapter confined to `env.namespace`, with its schema or indexes
    /// set up (the [`USER_FIELDS`] included), using `env.clock` and `env.id_generator`.
    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError>;
    /// A second adapter over the namespace `open` made (only with `persistent`).
    async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
        let _ = env;
        Err("this backend cannot reopen a namespace".into())
    }
    /// Removes what `open` made; called only for scenarios that passed.
    async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
        let _ = env;
        Ok(())
    }
}

/// Which records to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// Users.
    User,
    /// Sessions, live or expired.
    Session,
    /// Refresh tokens.
    RefreshToken,
}

/// Reads and writes stored records without the adapter's rules: for checking
/// what a write stored, and for seeding data (expired sessions, legacy or
/// corrupt records) that the adapter would refuse to write.
#[async_trait]
pub trait Oracle: Send + Sync {
    /// The stored user, as stored.
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError>;
    /// The stored session, whatever its expiry.
    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError>;
    /// The stored refresh token's owner, whether or not that user exists.
    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError>;
    /// How many records of a kind are stored.
    async fn count(&self, record: Record) -> Result<u64, BoxError>;
    /// Stores a user directly.
    async fn insert_user(&self, user: &User) -> Result<(), BoxError>;
    /// Stores a session directly, even expired or for a user that does not exist.
    async fn insert_session(&self, session: &Session) -> Result<(), BoxError>;
    /// Stores a refresh token directly, even for a user that does not exist.
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError>;
    /// Stores a session record under `access_token` for `user_id` that the
    /// adapter cannot decode (only with `corrupt_records`).
    async fn insert_corrupt_session(
        &self,
        access_token: &str,
        user_id: &str,
    ) -> Result<(), BoxError> {
        let _ = (access_token, user_id);
        Err("this backend cannot store corrupt records".into())
    }
}

macro_rules! forward_backend {
    ($($pointer:ident),*) => {$(
        #[async_trait]
        impl<T: Backend + ?Sized> Backend for $pointer<T> {
            fn name(&self) -> String {
                (**self).name()
            }
            fn capabilities(&self) -> Capabilities {
                (**self).capabilities()
            }
            async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
                (**self).open(env).await
            }
            async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
                (**self).reopen(env).await
            }
            async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
                (**self).cleanup(env).await
            }
        }
    )*};
}

forward_backend!(Arc, Box);
