//! One dependency for the auth adapters: choose backends with Cargo features
//! and connect with a URL.
//!
//! | feature | URL | needs |
//! |---|---|---|
//! | `memory` (default) | `memory:` | nothing; data lives in the process |
//! | `sqlite` (default) | `sqlite:adapter.db` | nothing; a file |
//! | `postgres` | `postgres://user@host/db` | PostgreSQL |
//! | `mysql` | `mysql://user@host/db`, `mariadb://…` | MySQL 8 or MariaDB |
//! | `mongo` | `mongodb://host/db`, `mongodb+srv://…` | MongoDB (standalone is enough) |
//! | `redis` | `redis://host` (sessions only, with [`connect_split`]) | Redis or Redis Cluster |
//!
//! Options travel in the URL's query; see [`options`] for the table.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use adapter_core::NewUser;
//! let adapter = adapters::connect("memory:").await?;
//! adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

mod backends;
mod connect;
mod error;
pub mod options;

pub use adapter_core::*;

/// The memory backend's crate, for its builder and raw store.
#[cfg(feature = "memory")]
pub use adapter_memory as memory;
/// The MongoDB backend's crate, for its builder over an existing database.
#[cfg(feature = "mongo")]
pub use adapter_mongo as mongo;
/// The Redis session store's crate.
#[cfg(feature = "redis")]
pub use adapter_redis as redis;
/// The SQL backends' crate, for builders over an existing pool.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use adapter_sql as sql;
pub use backends::redis::node_urls as redis_node_urls;
pub use connect::{
    connect, connect_sessions, connect_split, open, open_with_clock, split_with_sessions,
    BackendKind, Store,
};
pub use error::ConnectError;
