//! PostgreSQL-specific behaviour on the server at `POSTGRES_URL`, each test in
//! its own schema (dropped at the end): a column added under a warm pool (C13),
//! the hand-written Lucia schema, a `timestamptz` expires (C08), a pool of two
//! under duplicate sign-ups (C12), concurrent migrations, error mapping (C05).

#![allow(clippy::unwrap_used)] // a test fails loudly on any unexpected error

mod common;

use std::str::FromStr;

use adapter_core::{AdapterError, SessionAdapter, UserAdapter};
use adapter_sql::{SchemaError, SchemaProblem, SqlAdapter};
use common::{clock, server_url, session, unique_name, user};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

struct Scratch {
    url: String,
    schema: String,
}

impl Scratch {
    async fn new() -> Option<Self> {
        let url = server_url("POSTGRES_URL", "postgres")?;
        let schema = unique_name("adapter_sql_pg");
        let admin = PgPool::connect(&url)
            .await
            .expect("connect to POSTGRES_URL");
        sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
            .execute(&admin)
            .await
            .unwrap();
        Some(Self { url, schema })
    }

    async fn pool(&self, size: u32) -> PgPool {
        let options = PgConnectOptions::from_str(&self.url)
            .unwrap()
            .options([("search_path", self.schema.as_str())]);
        PgPoolOptions::new()
            .max_connections(size)
            .min_connections(size)
            .connect_with(options)
            .await
            .unwrap()
    }

    async fn drop(self) {
        let admin = PgPool::connect(&self.url).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA \"{}\" CASCADE", self.schema))
            .execute(&admin)
            .await
            .unwrap();
    }
}

const LUCIA_SCHEMA: [&str; 3] = [
    "CREATE TABLE \"user\" (id TEXT PRIMARY KEY, provider_id TEXT UNIQUE NOT NULL, hashed_password TEXT, username TEXT UNIQUE, user_email TEXT UNIQUE)",
    "CREATE TABLE session (id BIGSERIAL PRIMARY KEY, access_token TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL REFERENCES \"user\"(id) ON DELETE CASCADE, expires BIGINT NOT NULL)",
    "CREATE TABLE refresh_token (id BIGSERIAL PRIMARY KEY, refresh_token TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL REFERENCES \"user\"(id) ON DELETE CASCADE)",
];

#[tokio::test]
async fn a_column_added_under_a_warm_pool_shows_up_and_nothing_breaks() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let pool = scratch.pool(4).await;
    let adapter = SqlAdapter::postgres(pool.clone())
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    let altered = pool.clone();
    common::column_added_under_a_warm_pool(adapter, async move {
        sqlx::query("ALTER TABLE \"user\" ADD COLUMN nickname TEXT")
            .execute(&altered)
            .await
            .unwrap();
    })
    .await;
    scratch.drop().await;
}

#[tokio::test]
async fn the_lucia_schema_written_by_hand_is_accepted_and_errors_map_by_constraint() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let pool = scratch.pool(2).await;
    for ddl in LUCIA_SCHEMA {
        sqlx::query(ddl).execute(&pool).await.unwrap();
    }
    let adapter = SqlAdapter::postgres(pool)
        .clock(clock())
        .build()
        .await
        .unwrap();
    let mut ada = user("email:ada");
    ada.user_data.insert("username".into(), "ada".into());
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
        matches!(err, AdapterError::DuplicateUserData { field: Some(ref f) } if f == "username"),
        "{err:?}"
    );
    adapter.set_session(&session("t1", "u1")).await.unwrap();
    assert!(matches!(
        adapter.set_session(&session("t1", "u1")).await,
        Err(AdapterError::DuplicateAccessToken)
    ));
    assert!(matches!(
        adapter.set_session(&session("t2", "ghost")).await,
        Err(AdapterError::InvalidUserId)
    ));
    scratch.drop().await;
}

#[tokio::test]
async fn a_timestamptz_expires_is_reported_at_setup() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let pool = scratch.pool(2).await;
    for ddl in LUCIA_SCHEMA {
        sqlx::query(&ddl.replace("expires BIGINT", "expires TIMESTAMPTZ"))
            .execute(&pool)
            .await
            .unwrap();
    }
    let err = SqlAdapter::postgres(pool).build().await.unwrap_err();
    let AdapterError::Database { source, .. } = err else {
        panic!("expected a schema error")
    };
    let schema = source.downcast_ref::<SchemaError>().expect("a SchemaError");
    assert_eq!(
        schema.problems,
        [SchemaProblem::WrongType {
            table: "session".into(),
            column: "expires".into(),
            found: "timestamp with time zone".into(),
            expected: "bigint (milliseconds)"
        }]
    );
    scratch.drop().await;
}

#[tokio::test]
async fn a_pool_of_two_survives_two_hundred_duplicate_sign_ups() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let adapter = SqlAdapter::postgres(scratch.pool(2).await)
        .migrate()
        .await
        .unwrap();
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
    scratch.drop().await;
}

#[tokio::test]
async fn two_concurrent_migrations_both_succeed() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let (a, b) = (scratch.pool(2).await, scratch.pool(2).await);
    let (a, b) = tokio::join!(
        SqlAdapter::postgres(a).migrate(),
        SqlAdapter::postgres(b).migrate()
    );
    a.unwrap();
    b.unwrap();
    scratch.drop().await;
}

#[tokio::test]
async fn not_null_and_check_failures_are_not_duplicates() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let pool = scratch.pool(2).await;
    sqlx::query("CREATE TABLE \"user\" (id TEXT PRIMARY KEY, provider_id TEXT UNIQUE NOT NULL, hashed_password TEXT, age BIGINT CHECK (age >= 0), ts TIMESTAMPTZ, doc JSON)")
        .execute(&pool)
        .await
        .unwrap();
    let adapter = SqlAdapter::postgres(pool).migrate().await.unwrap();
    let mut bad = user("email:a");
    bad.user_data.insert("age".into(), serde_json::json!(-1));
    assert_eq!(
        adapter.set_user(Some("u1"), bad).await.unwrap_err().code(),
        "AUTH_INVALID_INPUT"
    );
    let mut good = user("email:a");
    good.user_data
        .insert("ts".into(), serde_json::json!("2024-05-01T12:00:00.123Z"));
    good.user_data
        .insert("doc".into(), serde_json::json!({"a": [1, 2.5]}));
    adapter.set_user(Some("u1"), good.clone()).await.unwrap();
    assert_eq!(
        adapter
            .get_user_by_id("u1")
            .await
            .unwrap()
            .unwrap()
            .user_data,
        good.user_data
    );
    scratch.drop().await;
}

#[tokio::test]
async fn expired_sessions_are_purged_in_bounded_batches() {
    let Some(scratch) = Scratch::new().await else {
        return;
    };
    let adapter = SqlAdapter::postgres(scratch.pool(2).await)
        .clock(clock())
        .migrate()
        .await
        .unwrap();
    common::purges_expired_sessions_in_bounded_batches(&adapter).await;
    scratch.drop().await;
}
