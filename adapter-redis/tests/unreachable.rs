//! C11 (fail fast): with no server answering, connecting and calling fail
//! within the configured timeouts with a transient `Database` error.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves

use std::time::{Duration, Instant};

use adapter_redis::RedisConfig;

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[tokio::test]
async fn connecting_to_a_closed_port_fails_fast_with_a_transient_error() {
    let started = Instant::now();
    let err = RedisConfig::new(format!("redis://127.0.0.1:{}", closed_port()))
        .connection_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(2))
        .connect()
        .await
        .expect_err("nothing listens there");
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), "DATABASE_FETCH_FAILED");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_cluster_nobody_answers_for_fails_fast_with_a_transient_error() {
    let started = Instant::now();
    let err = RedisConfig::cluster([
        format!("redis://127.0.0.1:{}", closed_port()),
        format!("redis://127.0.0.1:{}", closed_port()),
    ])
    .connection_timeout(Duration::from_millis(500))
    .operation_timeout(Duration::from_secs(2))
    .connect()
    .await
    .expect_err("nothing listens there");
    assert!(err.is_transient(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_malformed_url_is_invalid_input() {
    let err = RedisConfig::new("not a url")
        .connect()
        .await
        .expect_err("malformed");
    assert_eq!(err.code(), "AUTH_INVALID_INPUT");
    let err = RedisConfig::new("redis://127.0.0.1:6379")
        .prefix("a{b}")
        .connect()
        .await
        .expect_err("hash-tag prefix");
    assert_eq!(err.code(), "AUTH_INVALID_INPUT");
}
