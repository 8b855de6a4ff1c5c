//! [`RedisSessionAdapter`] and its [`SessionAdapter`] impl (validation,
//! tracing and the time limit around the operations in `sessions.rs` and
//! `refresh_tokens.rs`).

use std::future::Future;
use std::time::Duration;

use adapter_core::{
    observe, validate, AdapterError, DbOp, RefreshToken, Session, SessionAdapter, SharedClock,
};
use async_trait::async_trait;

use crate::connection::RedisConnection;
use crate::keys::KeyLayout;

const BACKEND: &str = "redis";

/// Sessions and refresh tokens in Redis or a Redis Cluster.
///
/// A session-only store: compose it with a user store through
/// [`adapter_core::Split`], which adds the `InvalidUserId` checks and removes
/// a user's tokens with the user. Build it with [`crate::RedisConfig`].
///
/// ```no_run
/// # async fn demo(users: impl adapter_core::UserAdapter + 'static) -> Result<(), adapter_core::AdapterError> {
/// use std::sync::Arc;
/// use adapter_core::{Adapter, Split};
/// use adapter_redis::RedisConfig;
/// let sessions = RedisConfig::new("redis://127.0.0.1:6379").prefix("myapp").connect().await?;
/// let adapter: Arc<dyn Adapter> = Arc::new(Split::new(users, sessions));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisSessionAdapter {
    pub(crate) connection: RedisConnection,
    pub(crate) keys: KeyLayout,
    pub(crate) clock: SharedClock,
    pub(crate) grace_ms: i64,
    operation_timeout: Duration,
}

impl std::fmt::Debug for RedisSessionAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessionAdapter")
            .field("prefix", &self.keys.prefix())
            .field("grace_ms", &self.grace_ms)
            .field("operation_timeout", &self.operation_timeout)
            .finish_non_exhaustive()
    }
}

impl RedisSessionAdapter {
    pub(crate) fn from_parts(
        connection: RedisConnection,
        keys: KeyLayout,
        clock: SharedClock,
        grace_ms: i64,
        operation_timeout: Duration,
    ) -> Self {
        Self {
            connection,
            keys,
            clock,
            grace_ms,
            operation_timeout,
        }
    }

    /// The key layout this adapter writes (for tooling and tests).
    pub fn keys(&self) -> &KeyLayout {
        &self.keys
    }

    /// The connection, cloned (multiplexed: clones share one socket per node).
    pub(crate) fn conn(&self) -> RedisConnection {
        self.connection.clone()
    }

    /// Now, at the adapter's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs one adapter call with its span and the overall time limit.
    async fn run<T, F>(&self, method: &'static str, op: DbOp, call: F) -> Result<T, AdapterError>
    where
        F: Future<Output = Result<T, AdapterError>>,
    {
        let limit = self.operation_timeout;
        observe(BACKEND, method, async move {
            match tokio::time::timeout(limit, call).await {
                Ok(result) => result,
                Err(elapsed) => Err(AdapterError::database(op, true, elapsed)),
            }
        })
        .await
    }
}

#[async_trait]
impl SessionAdapter for RedisSessionAdapter {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        validate::key("access_token", access_token)?;
        self.run("get_session_by_access_token", DbOp::Read, async {
            self.read_live_session(access_token).await
        })
        .await
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        validate::key("user_id", user_id)?;
        self.run("get_sessions_by_user_id", DbOp::Read, async {
            self.list_live_sessions(user_id).await
        })
        .await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        validate::session(session)?;
        self.run("set_session", DbOp::Write, async {
            self.insert_session(session).await
        })
        .await
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        validate::keys("access_token", access_tokens)?;
        self.run("delete_session_by_access_token", DbOp::Write, async {
            self.remove_sessions(access_tokens).await
        })
        .await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        validate::key("user_id", user_id)?;
        self.run("delete_sessions_by_user_id", DbOp::Write, async {
            self.remove_user_sessions(user_id).await
        })
        .await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        self.run("delete_expired_sessions", DbOp::Write, async {
            self.remove_expired_sessions().await
        })
        .await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        validate::key("refresh_token", refresh_token)?;
        self.run("get_user_id_by_refresh_token", DbOp::Read, async {
            self.read_refresh_token_owner(refresh_token).await
        })
        .await
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        validate::refresh_token(token)?;
        self.run("set_refresh_token", DbOp::Write, async {
            self.insert_refresh_token(token).await
        })
        .await
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        validate::key("refresh_token", refresh_token)?;
        self.run("consume_refresh_token", DbOp::Write, async {
            self.take_refresh_token(refresh_token).await
        })
        .await
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        validate::keys("refresh_token", refresh_tokens)?;
        self.run("delete_refresh_token", DbOp::Write, async {
            self.remove_refresh_tokens(refresh_tokens).await
        })
        .await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        validate::key("user_id", user_id)?;
        self.run("delete_refresh_tokens_by_user_id", DbOp::Write, async {
            self.remove_user_refresh_tokens(user_id).await
        })
        .await
    }
}
