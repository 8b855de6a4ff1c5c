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

/// A throwaway `redis-server` on `port`, ended when dropped.
struct OwnServer(std::process::Child);

impl OwnServer {
    fn start(port: u16) -> Option<Self> {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .ok()?;
        std::thread::sleep(Duration::from_millis(300));
        Some(Self(child))
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_server_is_down_calls_fail_fast_and_the_same_adapter_recovers() {
    use adapter_core::{Session, SessionAdapter};
    let port = closed_port();
    let Some(server) = OwnServer::start(port) else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "redis-server is missing"
        );
        eprintln!("SKIPPED: adapter-redis restart test: redis-server not found");
        return;
    };
    let adapter = RedisConfig::new(format!("redis://127.0.0.1:{port}"))
        .connection_timeout(Duration::from_millis(500))
        .response_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(2))
        .connect()
        .await
        .unwrap();
    let session = Session {
        access_token: "t".into(),
        user_id: "u".into(),
        expires: i64::MAX,
    };
    adapter.set_session(&session).await.unwrap();
    drop(server);

    for _ in 0..3 {
        let started = Instant::now();
        let err = adapter
            .get_session_by_access_token("t")
            .await
            .expect_err("the server is down");
        assert!(err.is_transient(), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    let _server = OwnServer::start(port).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match adapter.set_session(&session).await {
            Ok(()) => break,
            Err(err) if err.is_transient() && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => panic!("did not recover: {err:?}"),
        }
    }
    assert_eq!(
        adapter.get_session_by_access_token("t").await.unwrap(),
        Some(session)
    );
}
