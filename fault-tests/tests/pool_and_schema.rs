//! C12 and C13 under a concurrent workload, on a private PostgreSQL.
//!
//! The sequential forms live in `adapter-sql/tests/postgres.rs`
//! (`a_pool_of_two_survives_two_hundred_duplicate_sign_ups`,
//! `a_column_added_under_a_warm_pool_shows_up_and_nothing_breaks`); these add
//! what they lack: the duplicates and reads arriving all at once, and the
//! column added while tasks keep reading and writing.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use adapter_core::{Adapter, NewUser, Session, SessionAdapter, UserAdapter, UserUpdate};
use adapter_sql::SqlAdapter;
use fault_tests::servers;
use sqlx::PgPool;

fn new_user(provider_id: &str) -> NewUser {
    NewUser {
        provider_id: provider_id.into(),
        hashed_password: None,
        user_data: Default::default(),
    }
}

/// The pool users get from `SqlAdapter::postgres_pool_with`.
async fn pool(port: u16, database: &str, size: u32) -> PgPool {
    let settings = adapter_sql::PoolSettings {
        max_connections: Some(size),
        acquire_timeout: Duration::from_secs(2),
    };
    SqlAdapter::postgres_pool_with(
        &format!("postgres://postgres@127.0.0.1:{port}/{database}"),
        settings,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pool_pressure_and_a_column_added_under_load() {
    let Some(server) = servers::postgres("pool_and_schema") else {
        return;
    };
    let admin = pool(server.port(), "postgres", 1).await;
    for database in ["c12", "c13"] {
        sqlx::query(&format!("CREATE DATABASE {database}"))
            .execute(&admin)
            .await
            .unwrap();
    }
    two_hundred_concurrent_duplicates_on_a_pool_of_two(server.port()).await;
    a_column_added_while_tasks_read_and_write(server.port()).await;
}

/// C12: 200 duplicate sign-ups and 100 reads, all at once, through a pool of
/// two: every duplicate is `DuplicateProviderId` (never a pool timeout),
/// every read finds the user, then a fresh sign-up succeeds and both
/// connections are back in the pool.
async fn two_hundred_concurrent_duplicates_on_a_pool_of_two(port: u16) {
    let pool = pool(port, "c12", 2).await;
    let adapter = Arc::new(SqlAdapter::postgres(pool.clone()).migrate().await.unwrap());
    adapter
        .set_user(Some("u1"), new_user("email:taken"))
        .await
        .unwrap();
    let started = Instant::now();
    let duplicates: Vec<_> = (0..200)
        .map(|i| {
            let adapter = adapter.clone();
            tokio::spawn(async move {
                adapter
                    .set_user(Some(&format!("d{i}")), new_user("email:taken"))
                    .await
            })
        })
        .collect();
    let reads: Vec<_> = (0..100)
        .map(|_| {
            let adapter = adapter.clone();
            tokio::spawn(async move { adapter.get_user_by_id("u1").await })
        })
        .collect();
    for duplicate in duplicates {
        let err = duplicate.await.unwrap().unwrap_err();
        assert_eq!(err.code(), "AUTH_DUPLICATE_PROVIDER_ID", "{err}");
    }
    for read in reads {
        assert!(read.await.unwrap().unwrap().is_some());
    }
    let elapsed = started.elapsed();
    adapter
        .set_user(Some("u2"), new_user("email:free"))
        .await
        .unwrap();
    assert!(pool.size() <= 2, "the pool grew to {}", pool.size());
    let settled = Instant::now() + Duration::from_secs(2);
    while pool.num_idle() < pool.size() as usize && Instant::now() < settled {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        pool.num_idle(),
        pool.size() as usize,
        "a connection was not returned"
    );
    let _ = writeln_stderr(&format!(
        "C12 postgres: 200 concurrent duplicate sign-ups + 100 concurrent reads on a pool of 2 in {} ms, then a sign-up succeeded",
        elapsed.as_millis()
    ));
}

/// C13: eight tasks read and update users and sessions while
/// `ALTER TABLE "user" ADD COLUMN nickname text` runs; no call fails, and
/// once a nickname is set every later read shows it.
async fn a_column_added_while_tasks_read_and_write(port: u16) {
    let pool = pool(port, "c13", 4).await;
    let adapter = Arc::new(SqlAdapter::postgres(pool.clone()).migrate().await.unwrap());
    for task in 0..8 {
        let id = format!("u{task}");
        adapter
            .set_user(Some(&id), new_user(&format!("email:{id}")))
            .await
            .unwrap();
        let session = Session {
            access_token: format!("t{task}"),
            user_id: id,
            expires: i64::MAX,
        };
        adapter.set_session(&session).await.unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let nickname_set = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let (adapter, stop, nickname_set) =
                (adapter.clone(), stop.clone(), nickname_set.clone());
            tokio::spawn(async move {
                let (id, token) = (format!("u{task}"), format!("t{task}"));
                let mut calls = 0u32;
                while !stop.load(Ordering::SeqCst) {
                    let expect_nickname = nickname_set.load(Ordering::SeqCst);
                    let user = adapter.get_user_by_id(&id).await?.expect("the user");
                    let (_, joined) = adapter
                        .get_session_and_user(&token)
                        .await?
                        .expect("the session");
                    if expect_nickname {
                        assert_eq!(user.user_data.get("nickname"), Some(&"ada".into()));
                        assert_eq!(joined.user_data.get("nickname"), Some(&"ada".into()));
                    }
                    adapter.update_user(&id, UserUpdate::default()).await?;
                    calls += 3;
                }
                Ok::<u32, adapter_core::AdapterError>(calls)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    sqlx::query("ALTER TABLE \"user\" ADD COLUMN nickname text")
        .execute(&pool)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for task in 0..8 {
        let mut update = UserUpdate::default();
        update.user_data.insert("nickname".into(), "ada".into());
        let updated = adapter
            .update_user(&format!("u{task}"), update)
            .await
            .unwrap();
        assert_eq!(updated.user_data.get("nickname"), Some(&"ada".into()));
    }
    nickname_set.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    let mut calls = 0;
    for task in tasks {
        calls += task.await.unwrap().unwrap();
    }
    let _ = writeln_stderr(&format!(
        "C13 postgres: column added under 8 concurrent tasks (pool of 4), {calls} calls, none failed"
    ));
}

fn writeln_stderr(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stderr(), "{line}")
}
