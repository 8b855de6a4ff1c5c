//! Shared helpers of the adapter-redis tests: server URLs from the
//! environment (a loud skip locally, a failure with CI=true), fresh prefixes,
//! and raw access to the keys.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use adapter_redis::{RedisConfig, RedisSessionAdapter};
use redis::aio::MultiplexedConnection;

/// The URL in `var`, or `None` after a loud SKIPPED line (a panic with CI=true).
pub fn url_from_env(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {var} is not set (CI=true: a missing server is a failure)")
        }
        _ => {
            eprintln!("SKIPPED: adapter-redis {test}: {var} not set");
            None
        }
    }
}

/// A prefix no other test or run uses.
pub fn fresh_prefix(test: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!(
        "t_{test}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Now at the system clock, in ms.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or_default()
}

/// The adapter on a single node under a fresh prefix, with a raw connection.
pub async fn single_node(url: &str, test: &str) -> (RedisSessionAdapter, MultiplexedConnection) {
    let adapter = RedisConfig::new(url)
        .prefix(fresh_prefix(test))
        .connect()
        .await
        .expect("connect to REDIS_URL");
    let raw = redis::Client::open(url)
        .expect("REDIS_URL")
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection");
    (adapter, raw)
}

/// Every key under the adapter's prefix on one node (SCAN: tests only).
pub async fn keys_of(
    raw: &mut MultiplexedConnection,
    adapter: &RedisSessionAdapter,
) -> Vec<String> {
    let mut cursor: u64 = 0;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(adapter.keys().scan_pattern())
            .arg("COUNT")
            .arg(1000)
            .query_async(raw)
            .await
            .expect("SCAN");
        keys.extend(batch);
        if next == 0 {
            return keys;
        }
        cursor = next;
    }
}

/// `PTTL key`: -2 missing, -1 no TTL, else ms left.
pub async fn pttl(raw: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL")
        .arg(key)
        .query_async(raw)
        .await
        .expect("PTTL")
}

/// `PEXPIRETIME key`: -2 missing, -1 no TTL, else the absolute instant in ms.
pub async fn pexpiretime(raw: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PEXPIRETIME")
        .arg(key)
        .query_async(raw)
        .await
        .expect("PEXPIRETIME")
}

/// `EXISTS key`.
pub async fn exists(raw: &mut MultiplexedConnection, key: &str) -> bool {
    let found: i64 = redis::cmd("EXISTS")
        .arg(key)
        .query_async(raw)
        .await
        .expect("EXISTS");
    found == 1
}

/// Deletes every key under the adapter's prefix on one node.
pub async fn clean(raw: &mut MultiplexedConnection, adapter: &RedisSessionAdapter) {
    for key in keys_of(raw, adapter).await {
        let _: i64 = redis::cmd("DEL")
            .arg(&key)
            .query_async(raw)
            .await
            .expect("DEL");
    }
}
