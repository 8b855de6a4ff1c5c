//! MySQL / MariaDB-specific behaviour on the server at `MYSQL_URL`, each test
//! in its own database (dropped at the end): byte-exact keys, the Lucia schema
//! written by hand with binary columns, case-folding columns refused,
//! concurrent migrations, duplicate keys by name (C05), a column added under
//! a warm pool (C13).

#![allow(clippy::unwrap_used)] // a test fails loudly on any unexpected error

mod common;

use adapter_core::{AdapterError, SessionAdapter, UserAdapter};
use adapter_sql::{SchemaError, SqlAdapter};
use common::{clock, server_url, session, unique_name, user};
use sqlx::mysql::MySqlPool;

struct Scratch {
    url: String,
    database: String,
}

impl Scratch {
    async fn new() -> Option<Self> {
        let url = server_url("MYSQL_URL", "mysql")?;
        let database = unique_name("adapter_sql_my");
        let admin = MySqlPool::connect(&url)
            .await
            .expect("connect to MYSQL_URL");
        sqlx::query(&format!("CREATE DATABASE `{database}`"))
            .execute(&admin)
            .await
            .unwrap();
        Some(Self { url, database })
    }

    async fn adapter_url(&self) -> String {
        let (base, _) = self
            .url
            .rsplit_once('/')
            .expect("MYSQL_URL names a database");
        format!("{base}/{}", self.database)
    }

    async fn drop(self) {
        let admin = MySqlPool::connect(&self.url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE `{}`", self.database))
            .execute(&admin)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_column_added_under_a_warm_pool_shows_up_and_nothing_breaks() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let settings = adapter_sql::PoolSettings {
        max_connections: Some(4),
        ..Default::default()
    };
    let pool = SqlAdapter::mysql_pool_with(&scratch.adapter_url().await, settings)
        .await
        .unwrap();
    let adapter = SqlAdapter::mysql(pool.clone())
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    common::column_added_under_a_warm_pool(adapter, async move {
        sqlx::query("ALTER TABLE `user` ADD COLUMN nickname TEXT")
            .execute(&pool)
            .await
            .unwrap();
    })
    .await;
    scratch.drop().await;
}

#[tokio::test]
async fn keys_compare_byte_for_byte_and_long_keys_fit() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let adapter = SqlAdapter::connect(&scratch.adapter_url().await)
        .await
        .unwrap();
    adapter
        .set_user(Some("a"), user("email:A@x"))
        .await
        .unwrap();
    adapter
        .set_user(Some("A"), user("email:a@x"))
        .await
        .unwrap();
    adapter
        .set_user(Some("a "), user("email:a@x "))
        .await
        .unwrap();
    adapter
        .set_user(Some("j\u{fc}rgen"), user("email:j\u{fc}rgen"))
        .await
        .unwrap();
    adapter
        .set_user(Some("ju\u{308}rgen"), user("email:ju\u{308}rgen"))
        .await
        .unwrap();
    let long_a = format!("{}a", "🦀".repeat(127));
    let long_b = format!("{}b", "🦀".repeat(127));
    for token in [&long_a, &long_b] {
        let live = adapter_core::Session {
            expires: i64::MAX,
            ..session(token, "a")
        };
        adapter.set_session(&live).await.unwrap();
    }
    assert_eq!(adapter.get_sessions_by_user_id("a").await.unwrap().len(), 2);
    assert_eq!(
        adapter
            .get_user_by_id("a ")
            .await
            .unwrap()
            .unwrap()
            .provider_id,
        "email:a@x "
    );
    assert_eq!(
        adapter
            .get_user_by_provider_id("email:A@x")
            .await
            .unwrap()
            .unwrap()
            .id,
        "a"
    );
    scratch.drop().await;
}

#[tokio::test]
async fn the_lucia_schema_written_by_hand_is_accepted_and_errors_map_by_key() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let url = scratch.adapter_url().await;
    let pool = SqlAdapter::mysql_pool(&url).await.unwrap();
    for ddl in [
        "CREATE TABLE `user` (id VARBINARY(255) PRIMARY KEY, provider_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin UNIQUE NOT NULL, hashed_password TEXT, username VARCHAR(255) UNIQUE, user_email VARCHAR(255) UNIQUE)",
        "CREATE TABLE session (id BIGINT AUTO_INCREMENT PRIMARY KEY, access_token VARBINARY(512) UNIQUE NOT NULL, user_id VARBINARY(255) NOT NULL, expires BIGINT NOT NULL, FOREIGN KEY (user_id) REFERENCES `user`(id) ON DELETE CASCADE)",
        "CREATE TABLE refresh_token (id BIGINT AUTO_INCREMENT PRIMARY KEY, refresh_token VARBINARY(512) UNIQUE NOT NULL, user_id VARBINARY(255) NOT NULL, FOREIGN KEY (user_id) REFERENCES `user`(id) ON DELETE CASCADE)",
    ] {
        sqlx::query(ddl).execute(&pool).await.unwrap();
    }
    let adapter = SqlAdapter::mysql(pool)
        .clock(clock())
        .build()
        .await
        .unwrap();
    let mut ada = user("email:ada");
    ada.user_data
        .insert("user_email".into(), "ada@example.com".into());
    adapter.set_user(Some("u1"), ada.clone()).await.unwrap();
    assert!(matches!(
        adapter.set_user(Some("u1"), user("email:x")).await,
        Err(AdapterError::DuplicateUserId)
    ));
    assert!(matches!(
        adapter.set_user(Some("u2"), user("email:ada")).await,
        Err(AdapterError::DuplicateProviderId)
    ));
    ada.provider_id = "email:other".into();
    let err = adapter.set_user(Some("u3"), ada).await.unwrap_err();
    assert!(
        matches!(err, AdapterError::DuplicateUserData { field: Some(ref f) } if f == "user_email"),
        "{err:?}"
    );
    assert!(matches!(
        adapter.set_session(&session("t", "ghost")).await,
        Err(AdapterError::InvalidUserId)
    ));
    scratch.drop().await;
}

#[tokio::test]
async fn case_folding_key_columns_are_refused_at_setup() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let url = scratch.adapter_url().await;
    let pool = SqlAdapter::mysql_pool(&url).await.unwrap();
    for ddl in [
        "CREATE TABLE `user` (id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, provider_id VARBINARY(512) UNIQUE NOT NULL, hashed_password TEXT)",
        "CREATE TABLE session (id BIGINT AUTO_INCREMENT PRIMARY KEY, access_token VARBINARY(512) UNIQUE NOT NULL, user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, expires BIGINT NOT NULL, FOREIGN KEY (user_id) REFERENCES `user`(id) ON DELETE CASCADE)",
        "CREATE TABLE refresh_token (id BIGINT AUTO_INCREMENT PRIMARY KEY, refresh_token VARBINARY(512) UNIQUE NOT NULL, user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, FOREIGN KEY (user_id) REFERENCES `user`(id) ON DELETE CASCADE)",
    ] {
        sqlx::query(ddl).execute(&pool).await.unwrap();
    }
    let err = SqlAdapter::mysql(pool).build().await.unwrap_err();
    let AdapterError::Database { source, .. } = err else {
        panic!("expected a schema error")
    };
    let schema = source.downcast_ref::<SchemaError>().expect("a SchemaError");
    assert!(
        schema
            .to_string()
            .contains("user.id is varchar collate utf8mb4_general_ci"),
        "{schema}"
    );
    scratch.drop().await;
}

#[tokio::test]
async fn two_concurrent_migrations_both_succeed() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let url = scratch.adapter_url().await;
    let (a, b) = tokio::join!(SqlAdapter::connect(&url), SqlAdapter::connect(&url));
    a.unwrap();
    b.unwrap();
    scratch.drop().await;
}

#[tokio::test]
async fn user_columns_of_every_kind_round_trip() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let url = scratch.adapter_url().await;
    let pool = SqlAdapter::mysql_pool(&url).await.unwrap();
    sqlx::query(
        "CREATE TABLE `user` (id VARBINARY(512) PRIMARY KEY, provider_id VARBINARY(512) UNIQUE NOT NULL, \
         hashed_password VARBINARY(4096), n INT, r DOUBLE, b BOOLEAN, j JSON, t DATETIME(3), s TEXT)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let adapter = SqlAdapter::mysql(pool).migrate().await.unwrap();
    let data = serde_json::json!({"n": -7, "r": 2.5, "b": true, "j": {"a": [1, "x", null]}, "t": "2024-05-01T12:00:00.123Z", "s": "Zoë 🦀"});
    let mut new = user("email:a");
    new.user_data = data.as_object().unwrap().clone();
    adapter.set_user(Some("u1"), new).await.unwrap();
    let stored = adapter.get_user_by_id("u1").await.unwrap().unwrap();
    assert_eq!(serde_json::Value::Object(stored.user_data), data);
    let mut too_big = adapter_core::UserUpdate::default();
    too_big
        .user_data
        .insert("n".into(), serde_json::json!(i64::MAX));
    assert_eq!(
        adapter.update_user("u1", too_big).await.unwrap_err().code(),
        "AUTH_INVALID_INPUT"
    );
    scratch.drop().await;
}

#[tokio::test]
async fn expired_sessions_are_purged_in_bounded_batches() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let pool = SqlAdapter::mysql_pool(&scratch.adapter_url().await)
        .await
        .unwrap();
    let adapter = SqlAdapter::mysql(pool)
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    common::purges_expired_sessions_in_bounded_batches(&adapter).await;
    scratch.drop().await;
}
