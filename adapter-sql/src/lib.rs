//! SQL backends for the auth adapters: PostgreSQL, MySQL/MariaDB and SQLite
//! over sqlx, one module per engine (Cargo features `postgres`, `mysql`,
//! `sqlite`) over a shared core.
//!
//! The schema is the one the Lucia docs of the time describe: `user(id,
//! provider_id unique, hashed_password, …user columns)`, `session(id,
//! access_token unique, user_id → user.id, expires bigint)`,
//! `refresh_token(id, refresh_token unique, user_id → user.id)`, with
//! `ON DELETE CASCADE` and indexes on `user_id`. User data lives in the user
//! table's own columns: a key that is not a column is `InvalidInput`. See
//! [`columns`] for how JSON values map to column types (timestamps are RFC 3339
//! strings in UTC with milliseconds).
//!
//! ```no_run
//! # async fn demo() -> Result<(), adapter_core::AdapterError> {
//! use std::sync::Arc;
//! use adapter_core::Adapter;
//! // Creates the schema when missing, then verifies it.
//! let adapter: Arc<dyn Adapter> = Arc::new(adapter_sql::SqlAdapter::connect("sqlite://auth.db?mode=rwc").await?);
//! # Ok(()) }
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod adapter;
pub mod columns;
mod config;
mod connect;
mod dialect;
mod engine;
pub mod error;
mod maintenance;
#[cfg(feature = "mysql")]
mod mysql;
mod operations;
#[cfg(feature = "postgres")]
mod postgres;
mod rows;
pub mod schema;
#[cfg(feature = "sqlite")]
mod sqlite;
mod statements;
mod timestamp;

pub use adapter::{SqlAdapter, SqlStats};
pub use config::{PoolSettings, SqlBuilder, SqlOptions, TableNames, MAX_TABLE_NAME_BYTES};
#[cfg(feature = "mysql")]
pub use mysql::MYSQL_SESSION_SQL;
pub use schema::{Dialect, SchemaError, SchemaProblem, SchemaReport};
#[cfg(feature = "sqlite")]
pub use sqlite::SQLITE_BUSY_TIMEOUT;
