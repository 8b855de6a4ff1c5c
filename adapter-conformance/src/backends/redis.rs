//! The suite's backend for [`adapter_redis::RedisSessionAdapter`]: sessions
//! and refresh tokens in Redis (a single node or a cluster) under a fresh key
//! prefix per scenario, users in any other backend (memory by default),
//! composed with [`Split`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use adapter_core::{Adapter, BoxError, RefreshToken, Session, Split, User};
use adapter_redis::keys::KeyLayout;
use adapter_redis::record::{
    decode_refresh_token, decode_session, encode_refresh_token, encode_session,
};
use adapter_redis::{RedisConfig, RedisSessionAdapter};
use async_trait::async_trait;
use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::FromRedisValue;

use crate::backend::{Backend, Capabilities, Fixture, Oracle, Record, ScenarioEnv};
use crate::backends::memory::MemoryBackend;

/// How long the oracle keeps a session it seeds (expired ones included), so
/// that scenarios can see records the server would otherwise drop at once.
const SEEDED_SESSION_TTL_MS: i64 = 3_600_000;

/// Runs the suite on `Split::new(users, RedisSessionAdapter)`, with users in
/// a memory adapter, or in any backend given to [`RedisBackend::with_users`].
///
/// ```no_run
/// use adapter_conformance::backends::redis::RedisBackend;
/// let Some(url) = adapter_conformance::require_env("REDIS_URL", "redis") else { return };
/// adapter_conformance::run_main(RedisBackend::single_node(url));
/// ```
pub struct RedisBackend {
    name: String,
    urls: Vec<String>,
    cluster: bool,
    user_backend: Arc<dyn Backend>,
    /// The user side of each open scenario, by namespace.
    user_fixtures: Mutex<HashMap<String, Fixture>>,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBackend")
            .field("name", &self.name)
            .field("cluster", &self.cluster)
            .finish_non_exhaustive()
    }
}

impl RedisBackend {
    /// Sessions on the single Redis node at `url`.
    pub fn single_node(url: impl Into<String>) -> Self {
        Self::with(vec![url.into()], false, "redis")
    }

    /// Sessions on the Redis Cluster whose master nodes are `urls` (every
    /// master must be listed: cleanup scans each node).
    pub fn cluster<I: IntoIterator<Item = S>, S: Into<String>>(urls: I) -> Self {
        Self::with(
            urls.into_iter().map(Into::into).collect(),
            true,
            "redis-cluster",
        )
    }

    fn with(urls: Vec<String>, cluster: bool, name: &str) -> Self {
        Self {
            name: name.into(),
            urls,
            cluster,
            user_backend: Arc::new(MemoryBackend::new()),
            user_fixtures: Mutex::new(HashMap::new()),
        }
    }

    /// Users in `backend` (opened in the same namespace per scenario) instead
    /// of memory: only its user methods are used, through [`Split`].
    pub fn with_users(mut self, backend: impl Backend) -> Self {
        self.name = format!("{}+users-{}", self.name, backend.name());
        self.user_backend = Arc::new(backend);
        self
    }

    async fn sessions(&self, env: &ScenarioEnv) -> Result<RedisSessionAdapter, BoxError> {
        let config = if self.cluster {
            RedisConfig::cluster(self.urls.clone())
        } else {
            RedisConfig::new(self.urls[0].clone())
        };
        Ok(config
            .prefix(env.namespace.clone())
            .clock(env.clock.clone())
            .connect()
            .await?)
    }

    fn user_fixture(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let fixtures = self.user_fixtures.lock().map_err(|_| "user map poisoned")?;
        fixtures
            .get(&env.namespace)
            .cloned()
            .ok_or_else(|| format!("no users opened for {}", env.namespace).into())
    }

    async fn raw(&self) -> Result<RawRedis, BoxError> {
        if self.cluster {
            let client = ClusterClient::new(self.urls.clone())?;
            Ok(RawRedis::Cluster(client.get_async_connection().await?))
        } else {
            let client = redis::Client::open(self.urls[0].as_str())?;
            Ok(RawRedis::Single(
                client.get_multiplexed_async_connection().await?,
            ))
        }
    }
}

#[async_trait]
impl Backend for RedisBackend {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn capabilities(&self) -> Capabilities {
        let users = self.user_backend.capabilities();
        Capabilities {
            id_generation: users.id_generation,
            free_clock: false,
            schemaless_user_data: users.schemaless_user_data,
            persistent: true,
            corrupt_records: true,
            native_ttl: true,
            hashed_tokens: false,
        }
    }

    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let users = self.user_backend.open(env).await?;
        let sessions = self.sessions(env).await?;
        self.user_fixtures
            .lock()
            .map_err(|_| "user map poisoned")?
            .insert(env.namespace.clone(), users.clone());
        let oracle = RedisOracle {
            users: users.oracle.clone(),
            keys: sessions.keys().clone(),
            raw: self.raw().await?,
            node_urls: self.urls.clone(),
        };
        let adapter: Arc<dyn Adapter> = Arc::new(Split::new(users.adapter, sessions));
        Ok(Fixture {
            adapter,
            oracle: Arc::new(oracle),
        })
    }

    async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
        let users = if self.user_backend.capabilities().persistent {
            self.user_backend.reopen(env).await?
        } else {
            self.user_fixture(env)?.adapter
        };
        Ok(Arc::new(Split::new(users, self.sessions(env).await?)))
    }

    async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
        if let Ok(mut fixtures) = self.user_fixtures.lock() {
            fixtures.remove(&env.namespace);
        }
        self.user_backend.cleanup(env).await?;
        let keys = KeyLayout::new(&env.namespace)?;
        for url in &self.urls {
            let mut node = redis::Client::open(url.as_str())?
                .get_multiplexed_async_connection()
                .await?;
            for key in scan_node(&mut node, &keys.scan_pattern()).await? {
                redis::cmd("UNLINK")
                    .arg(&key)
                    .query_async::<i64>(&mut node)
                    .await?;
            }
        }
        Ok(())
    }
}

/// A raw connection for the oracle: one node, or the cluster (every command
/// the oracle sends names one key).
#[derive(Clone)]
enum RawRedis {
    Single(MultiplexedConnection),
    Cluster(ClusterConnection),
}

impl RawRedis {
    async fn query<T: FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, BoxError> {
        Ok(match self.clone() {
            RawRedis::Single(mut connection) => command.query_async(&mut connection).await?,
            RawRedis::Cluster(mut connection) => command.query_async(&mut connection).await?,
        })
    }
}

/// Every key matching `pattern` on one node (SCAN: test cleanup and counts only).
async fn scan_node(
    node: &mut (impl ConnectionLike + Send),
    pattern: &str,
) -> Result<Vec<String>, BoxError> {
    let mut cursor: u64 = 0;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(node)
            .await?;
        keys.extend(batch);
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}

/// Reads the raw Redis keys for sessions and refresh tokens, and the user
/// backend's oracle for users.
struct RedisOracle {
    users: Arc<dyn Oracle>,
    keys: KeyLayout,
    raw: RawRedis,
    node_urls: Vec<String>,
}

impl RedisOracle {
    async fn server_now_ms(&self) -> Result<i64, BoxError> {
        let (seconds, micros): (i64, i64) = self.raw.query(&redis::cmd("TIME")).await?;
        Ok(seconds * 1000 + micros / 1000)
    }

    /// Keeps `key` alive until at least `at` (never shortens it).
    async fn extend_ttl(&self, key: &str, at: i64) -> Result<(), BoxError> {
        let current: i64 = self.raw.query(redis::cmd("PEXPIRETIME").arg(key)).await?;
        if current < at {
            let _: i64 = self
                .raw
                .query(redis::cmd("PEXPIREAT").arg(key).arg(at))
                .await?;
        }
        Ok(())
    }

    async fn count_kind(&self, kind: &str) -> Result<u64, BoxError> {
        let pattern = self.keys.scan_pattern();
        let pattern = format!("{}{kind}:*", pattern.trim_end_matches('*'));
        let mut total = 0;
        for url in &self.node_urls {
            let mut node = redis::Client::open(url.as_str())?
                .get_multiplexed_async_connection()
                .await?;
            total += scan_node(&mut node, &pattern).await?.len() as u64;
        }
        Ok(total)
    }

    /// Files a session as the adapter does, keeping it for an hour at least.
    async fn store_session(
        &self,
        access_token: &str,
        user_id: &str,
        expires: i64,
        record: &[u8],
    ) -> Result<(), BoxError> {
        let keep_until = expires.max(self.server_now_ms().await? + SEEDED_SESSION_TTL_MS);
        let _: () = self
            .raw
            .query(
                redis::cmd("SET")
                    .arg(self.keys.session(access_token))
                    .arg(record)
                    .arg("PXAT")
                    .arg(keep_until),
            )
            .await?;
        let index = self.keys.user_sessions(user_id);
        let _: i64 = self
            .raw
            .query(
                redis::cmd("ZADD")
                    .arg(&index)
                    .arg(keep_until)
                    .arg(access_token),
            )
            .await?;
        self.extend_ttl(&index, keep_until).await?;
        let bucket = self.keys.expiry_bucket_of(access_token);
        let _: i64 = self
            .raw
            .query(
                redis::cmd("ZADD")
                    .arg(&bucket)
                    .arg(expires)
                    .arg(access_token),
            )
            .await?;
        self.extend_ttl(&bucket, keep_until).await
    }
}

#[async_trait]
impl Oracle for RedisOracle {
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError> {
        self.users.user(user_id).await
    }

    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError> {
        let bytes: Option<Vec<u8>> = self
            .raw
            .query(redis::cmd("GET").arg(self.keys.session(access_token)))
            .await?;
        Ok(bytes.map(|bytes| decode_session(&bytes)).transpose()?)
    }

    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError> {
        let bytes: Option<Vec<u8>> = self
            .raw
            .query(redis::cmd("GET").arg(self.keys.refresh_token(refresh_token)))
            .await?;
        Ok(bytes
            .map(|bytes| decode_refresh_token(&bytes))
            .transpose()?
            .map(|token| token.user_id))
    }

    async fn count(&self, record: Record) -> Result<u64, BoxError> {
        match record {
            Record::User => self.users.count(Record::User).await,
            Record::Session => self.count_kind("s").await,
            Record::RefreshToken => self.count_kind("r").await,
        }
    }

    async fn insert_user(&self, user: &User) -> Result<(), BoxError> {
        self.users.insert_user(user).await
    }

    async fn insert_session(&self, session: &Session) -> Result<(), BoxError> {
        let record = encode_session(session);
        self.store_session(
            &session.access_token,
            &session.user_id,
            session.expires,
            &record,
        )
        .await
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError> {
        let _: () = self
            .raw
            .query(
                redis::cmd("SET")
                    .arg(self.keys.refresh_token(&token.refresh_token))
                    .arg(encode_refresh_token(token)),
            )
            .await?;
        let _: i64 = self
            .raw
            .query(
                redis::cmd("SADD")
                    .arg(self.keys.user_refresh_tokens(&token.user_id))
                    .arg(&token.refresh_token),
            )
            .await?;
        Ok(())
    }

    async fn insert_corrupt_session(
        &self,
        access_token: &str,
        user_id: &str,
    ) -> Result<(), BoxError> {
        let far = self.server_now_ms().await? + SEEDED_SESSION_TTL_MS;
        self.store_session(access_token, user_id, far, b"{\"v\":1,\"access_token\":")
            .await
    }
}
