//! SQLite-specific behaviour: expires written by other tools (C08), writers
//! under pressure (C12), in-memory URLs, hand-written and mismatched schemas,
//! concurrent migrations. No server needed.

#![allow(clippy::unwrap_used)] // a test fails loudly on any unexpected error

mod common;

use std::path::PathBuf;

use adapter_core::{Adapter, SessionAdapter, UserAdapter};
use adapter_sql::{SchemaError, SchemaProblem, SqlAdapter};
use common::{clock, session, unique_name, user};
use sqlx::SqlitePool;

/// A database file removed (with its WAL files) when the test ends.
struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

fn db_url() -> (String, TempDb) {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name("adapter_sql_test")));
    (
        format!("sqlite://{}?mode=rwc", path.display()),
        TempDb(path),
    )
}

async fn fresh() -> (SqlAdapter, SqlitePool, TempDb) {
    let (url, path) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    let adapter = SqlAdapter::sqlite(pool.clone())
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    (adapter, pool, path)
}

fn schema_error(err: adapter_core::AdapterError) -> SchemaError {
    match err {
        adapter_core::AdapterError::Database { source, .. } => source
            .downcast_ref::<SchemaError>()
            .cloned()
            .expect("a SchemaError"),
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[tokio::test]
async fn expires_written_as_real_or_text_reads_back_and_anything_else_is_corrupt() {
    // Another tool made `expires` untyped, so SQLite keeps REAL and TEXT as given.
    let (url, _path) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    sqlx::query("CREATE TABLE session (id INTEGER PRIMARY KEY, access_token TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE, expires)")
        .execute(&pool)
        .await
        .unwrap();
    let adapter = SqlAdapter::sqlite(pool.clone())
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    adapter
        .set_user(Some("u1"), user("email:a@b"))
        .await
        .unwrap();
    for (token, expires) in [
        ("real", "1893456000000.0"),
        ("text", "'1893456000000'"),
        ("fraction", "1893456000000.5"),
        ("word", "'soon'"),
        ("blob", "X'01'"),
    ] {
        sqlx::query(&format!("INSERT INTO session (access_token, user_id, expires) VALUES ('{token}', 'u1', {expires})"))
            .execute(&pool)
            .await
            .unwrap();
    }
    assert_eq!(
        adapter
            .get_session_by_access_token("real")
            .await
            .unwrap()
            .unwrap()
            .expires,
        1_893_456_000_000
    );
    assert_eq!(
        adapter
            .get_session_by_access_token("text")
            .await
            .unwrap()
            .unwrap()
            .expires,
        1_893_456_000_000
    );
    for bad in ["fraction", "word", "blob"] {
        let err = adapter.get_session_by_access_token(bad).await.unwrap_err();
        assert_eq!(err.code(), "DATABASE_CORRUPT_RECORD", "{bad}");
        let err = adapter.get_session_and_user(bad).await.unwrap_err();
        assert_eq!(err.code(), "DATABASE_CORRUPT_RECORD", "{bad}");
    }
    let mut listed: Vec<String> = adapter
        .get_sessions_by_user_id("u1")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.access_token)
        .collect();
    listed.sort();
    assert_eq!(listed, ["real", "text"]);
    // Purging reads the same encodings and leaves undecodable rows alone.
    for (token, expires) in [
        ("old_real", "5.0"),
        ("old_text", "'5'"),
        ("old_word", "'5 days'"),
    ] {
        sqlx::query(&format!("INSERT INTO session (access_token, user_id, expires) VALUES ('{token}', 'u1', {expires})"))
            .execute(&pool)
            .await
            .unwrap();
    }
    assert_eq!(adapter.delete_expired_sessions().await.unwrap(), 2);
    let left: Vec<String> =
        sqlx::query_scalar("SELECT access_token FROM session WHERE access_token LIKE 'old%'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(left, ["old_word"]);
}

#[tokio::test]
async fn fifty_concurrent_writers_never_see_database_is_locked() {
    let (adapter, _pool, _path) = fresh().await;
    adapter.set_user(Some("u0"), user("email:0")).await.unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let adapter = adapter.clone();
            tokio::spawn(async move {
                adapter
                    .set_user(Some(&format!("w{i}")), user(&format!("email:w{i}")))
                    .await?;
                adapter
                    .set_session(&session(&format!("s{i}"), &format!("w{i}")))
                    .await?;
                adapter.delete_user(&format!("w{i}")).await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 1);
    }
}

#[tokio::test]
async fn a_pool_of_two_survives_two_hundred_duplicates_then_succeeds() {
    let (url, _path) = db_url();
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_with(SqlAdapter::sqlite_options(&url).unwrap())
        .await
        .unwrap();
    let adapter = SqlAdapter::sqlite(pool).migrate().await.unwrap();
    adapter
        .set_user(Some("u1"), user("email:taken"))
        .await
        .unwrap();
    for i in 0..200 {
        let err = adapter
            .set_user(Some(&format!("d{i}")), user("email:taken"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "AUTH_DUPLICATE_PROVIDER_ID");
    }
    adapter
        .set_user(Some("u2"), user("email:free"))
        .await
        .unwrap();
    let reads: Vec<_> = (0..100)
        .map(|_| {
            let a = adapter.clone();
            tokio::spawn(async move { a.get_user_by_id("u2").await })
        })
        .collect();
    for read in reads {
        assert!(read.await.unwrap().unwrap().is_some());
    }
}

#[tokio::test]
async fn an_in_memory_url_shares_one_database_across_the_pool() {
    let adapter = SqlAdapter::connect("sqlite::memory:").await.unwrap();
    adapter.set_user(Some("u1"), user("email:a")).await.unwrap();
    let reads: Vec<_> = (0..20)
        .map(|_| {
            let a = adapter.clone();
            tokio::spawn(async move { a.get_user_by_id("u1").await })
        })
        .collect();
    for read in reads {
        assert!(
            read.await.unwrap().unwrap().is_some(),
            "every connection sees the same database"
        );
    }
}

#[tokio::test]
async fn a_pool_without_foreign_keys_is_refused() {
    let (url, _path) = db_url();
    let options = SqlAdapter::sqlite_options(&url)
        .unwrap()
        .foreign_keys(false);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let err = SqlAdapter::sqlite(pool).migrate().await.unwrap_err();
    assert_eq!(err.code(), "AUTH_INVALID_INPUT");
}

#[tokio::test]
async fn a_hand_written_lucia_schema_is_accepted_with_its_user_columns() {
    let (url, _path) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    for ddl in [
        "CREATE TABLE user (id TEXT PRIMARY KEY, provider_id TEXT UNIQUE NOT NULL, hashed_password TEXT, username TEXT UNIQUE, user_email TEXT UNIQUE)",
        "CREATE TABLE session (id INTEGER PRIMARY KEY, access_token TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE, expires INTEGER NOT NULL)",
        "CREATE TABLE refresh_token (id INTEGER PRIMARY KEY, refresh_token TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE)",
    ] {
        sqlx::query(ddl).execute(&pool).await.unwrap();
    }
    let adapter = SqlAdapter::sqlite(pool)
        .clock(clock())
        .build()
        .await
        .unwrap();
    let mut new = user("email:ada");
    new.user_data.insert("username".into(), "ada".into());
    adapter.set_user(Some("u1"), new.clone()).await.unwrap();
    new.provider_id = "email:other".into();
    let err = adapter.set_user(Some("u2"), new).await.unwrap_err();
    assert!(
        matches!(err, adapter_core::AdapterError::DuplicateUserData { field: Some(ref f) } if f == "username"),
        "{err:?}"
    );
    let mut unknown = user("email:x");
    unknown.user_data.insert("nickname".into(), "x".into());
    assert_eq!(
        adapter
            .set_user(Some("u3"), unknown)
            .await
            .unwrap_err()
            .code(),
        "AUTH_INVALID_INPUT"
    );
}

#[tokio::test]
async fn a_mismatched_schema_is_reported_by_name() {
    let (url, _path) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    for ddl in [
        "CREATE TABLE user (id TEXT PRIMARY KEY, provider_id TEXT NOT NULL, hashed_password TEXT)",
        "CREATE TABLE session (id INTEGER PRIMARY KEY, access_token TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL, expires TEXT NOT NULL)",
    ] {
        sqlx::query(ddl).execute(&pool).await.unwrap();
    }
    let err = schema_error(SqlAdapter::sqlite(pool).migrate().await.unwrap_err());
    assert!(
        err.problems.contains(&SchemaProblem::NotUnique {
            table: "user".into(),
            column: "provider_id".into()
        }),
        "{err}"
    );
    assert!(
        err.problems
            .iter()
            .any(|p| matches!(p, SchemaProblem::WrongType { column, .. } if column == "expires")),
        "{err}"
    );
}

#[tokio::test]
async fn two_concurrent_migrations_both_succeed() {
    let (url, _path) = db_url();
    let (a, b) = tokio::join!(SqlAdapter::connect(&url), SqlAdapter::connect(&url));
    a.unwrap();
    b.unwrap().migrate().await.unwrap();
}

#[tokio::test]
async fn user_data_values_map_both_ways_and_refuse_what_a_column_cannot_hold() {
    let (url, _path) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    sqlx::query("CREATE TABLE user (id TEXT PRIMARY KEY, provider_id TEXT UNIQUE NOT NULL, hashed_password TEXT, n INTEGER, r REAL, b BOOLEAN, j JSON, t TIMESTAMP, s TEXT)")
        .execute(&pool)
        .await
        .unwrap();
    let adapter = SqlAdapter::sqlite(pool).migrate().await.unwrap();
    let data = serde_json::json!({"n": -7, "r": 2.5, "b": false, "j": {"a": [1, "x", null]}, "t": "2024-05-01T12:00:00.123Z", "s": "Zoë 🦀"});
    let mut new = user("email:a");
    new.user_data = data.as_object().unwrap().clone();
    adapter.set_user(Some("u1"), new).await.unwrap();
    assert_eq!(
        serde_json::Value::Object(
            adapter
                .get_user_by_id("u1")
                .await
                .unwrap()
                .unwrap()
                .user_data
        ),
        data
    );
    for (key, value) in [
        ("n", serde_json::json!(1.5)),
        ("r", serde_json::json!(3)),
        ("b", serde_json::json!("yes")),
        ("t", serde_json::json!("noon")),
    ] {
        let mut update = adapter_core::UserUpdate::default();
        update.user_data.insert(key.into(), value);
        assert_eq!(
            adapter.update_user("u1", update).await.unwrap_err().code(),
            "AUTH_INVALID_INPUT",
            "{key}"
        );
    }
}

#[tokio::test]
async fn custom_table_names_are_used_and_counted() {
    let (url, _db) = db_url();
    let pool = SqlAdapter::sqlite_pool(&url).await.unwrap();
    let tables = adapter_sql::TableNames::new("app_user", "app_session", "app_refresh").unwrap();
    let shared = std::sync::Arc::new(adapter_core::ManualClock::new(1_000_000));
    let adapter = SqlAdapter::sqlite(pool.clone())
        .tables(tables)
        .clock(shared.clone())
        .migrate()
        .await
        .unwrap();
    adapter.set_user(Some("u1"), user("email:a")).await.unwrap();
    adapter.set_session(&session("live", "u1")).await.unwrap();
    adapter
        .set_session(&adapter_core::Session {
            expires: 10,
            ..session("old", "u1")
        })
        .await
        .unwrap();
    adapter
        .set_refresh_token(&adapter_core::RefreshToken {
            refresh_token: "r".into(),
            user_id: "u1".into(),
        })
        .await
        .unwrap();
    let stats = adapter.stats().await.unwrap();
    assert_eq!(
        (
            stats.users,
            stats.live_sessions,
            stats.expired_sessions,
            stats.refresh_tokens
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(adapter.delete_expired_sessions().await.unwrap(), 1);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_session")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let missing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('user', 'session', 'refresh_token')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(missing, 0, "no default-named table is made");
}

#[tokio::test]
async fn expired_sessions_are_purged_in_bounded_batches() {
    let (adapter, _pool, _path) = fresh().await;
    common::purges_expired_sessions_in_bounded_batches(&adapter).await;
}
