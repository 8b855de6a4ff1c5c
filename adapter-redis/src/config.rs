//! Building a [`RedisSessionAdapter`]: where Redis is, the key prefix, timeouts, clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use adapter_core::{AdapterError, DbOp, SharedClock, SystemClock};
use redis::aio::ConnectionManagerConfig;
use redis::cluster::ClusterClientBuilder;

use crate::connection::RedisConnection;
use crate::error::map_redis_error;
use crate::keys::KeyLayout;
use crate::RedisSessionAdapter;

/// The options of a [`RedisSessionAdapter`].
///
/// ```no_run
/// # async fn demo() -> Result<(), adapter_core::AdapterError> {
/// use std::time::Duration;
/// use adapter_redis::RedisConfig;
/// // One URL: a single node; several (comma-separated): a Redis Cluster.
/// let sessions = RedisConfig::from_urls("redis://127.0.0.1:6379")
///     .prefix("myapp")
///     .response_timeout(Duration::from_secs(2))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    urls: Vec<String>,
    cluster: bool,
    prefix: String,
    grace_ms: i64,
    connection_timeout: Duration,
    response_timeout: Duration,
    operation_timeout: Duration,
    clock: SharedClock,
}

impl RedisConfig {
    /// A single node at `url` (`redis://host:port/db`), through a reconnecting `ConnectionManager`.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_urls(vec![url.into()], false)
    }

    /// A Redis Cluster reached through any of `urls` (its seed nodes).
    pub fn cluster<I, S>(urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_urls(urls.into_iter().map(Into::into).collect(), true)
    }

    /// Chosen by the URLs: one URL is a single node, a comma-separated list a cluster.
    pub fn from_urls(urls: &str) -> Self {
        let list: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        let cluster = list.len() > 1;
        Self::with_urls(list, cluster)
    }

    fn with_urls(urls: Vec<String>, cluster: bool) -> Self {
        Self {
            urls,
            cluster,
            prefix: "auth".into(),
            grace_ms: 0,
            connection_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(2),
            operation_timeout: Duration::from_secs(5),
            clock: Arc::new(SystemClock),
        }
    }

    /// The prefix of every key (default `auth`); without `{`, `}` or whitespace.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long after `expires` Redis keeps a session key (default 0: it
    /// expires at `PXAT expires`). Reads decide liveness by the clock either way.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// How long one connection attempt may take (default 2 s).
    pub fn connection_timeout(mut self, timeout: Duration) -> Self {
        self.connection_timeout = timeout;
        self
    }

    /// How long one command may wait for its reply (default 2 s).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// The most one adapter call may take in all, reconnects included (default
    /// 5 s); past it the call fails with a transient `Database` error.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// The clock reads decide liveness with (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Connects and returns the adapter. An unreachable server is a transient
    /// `Database` error within the connection timeout; a malformed URL or
    /// prefix is `InvalidInput`.
    pub async fn connect(self) -> Result<RedisSessionAdapter, AdapterError> {
        let keys = KeyLayout::new(&self.prefix)
            .map_err(|reason| AdapterError::invalid_input("prefix", reason))?;
        if self.urls.is_empty() {
            return Err(AdapterError::invalid_input("url", "no Redis URL given"));
        }
        let connecting = self.open_connection();
        let connection = tokio::time::timeout(self.operation_timeout, connecting)
            .await
            .map_err(|elapsed| AdapterError::database(DbOp::Read, true, elapsed))??;
        Ok(RedisSessionAdapter::from_parts(
            connection,
            keys,
            self.clock,
            self.grace_ms,
            self.operation_timeout,
        ))
    }

    async fn open_connection(&self) -> Result<RedisConnection, AdapterError> {
        let invalid_url = |err: redis::RedisError| {
            AdapterError::invalid_input("url", format!("not a usable Redis URL ({:?})", err.kind()))
        };
        if self.cluster {
            let client = ClusterClientBuilder::new(self.urls.clone())
                .connection_timeout(self.connection_timeout)
                .response_timeout(self.response_timeout)
                .retries(2)
                .min_retry_wait(50)
                .max_retry_wait(500)
                .build()
                .map_err(invalid_url)?;
            let connection = client
                .get_async_connection()
                .await
                .map_err(|err| map_redis_error(DbOp::Read, err))?;
            Ok(RedisConnection::Cluster(connection))
        } else {
            let client = redis::Client::open(self.urls[0].as_str()).map_err(invalid_url)?;
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.connection_timeout))
                .set_response_timeout(Some(self.response_timeout))
                .set_number_of_retries(1)
                .set_min_delay(Duration::from_millis(50))
                .set_max_delay(Duration::from_millis(500));
            let manager = client
                .get_connection_manager_with_config(config)
                .await
                .map_err(|err| map_redis_error(DbOp::Read, err))?;
            Ok(RedisConnection::Single(manager))
        }
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let urls: Vec<String> = self
            .urls
            .iter()
            .map(|url| adapter_core::redact_url(url))
            .collect();
        f.debug_struct("RedisConfig")
            .field("urls", &urls)
            .field("cluster", &self.cluster)
            .field("prefix", &self.prefix)
            .field("grace_ms", &self.grace_ms)
            .field("connection_timeout", &self.connection_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("clock", &self.clock)
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test may unwrap what it built itself
mod tests {
    use super::*;

    #[test]
    fn debug_hides_passwords() {
        let config = RedisConfig::new("redis://user:s3cret@host:6379/0");
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("redis://user:***@host:6379/0"), "{shown}");
    }

    #[test]
    fn the_url_list_chooses_single_node_or_cluster() {
        assert!(!RedisConfig::from_urls("redis://a:1").cluster);
        let cluster = RedisConfig::from_urls("redis://a:1, redis://b:2,");
        assert!(cluster.cluster);
        assert_eq!(cluster.urls, ["redis://a:1", "redis://b:2"]);
    }
}
