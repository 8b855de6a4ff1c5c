//! Sessions and refresh tokens in Redis or a Redis Cluster: a
//! [`SessionAdapter`](adapter_core::SessionAdapter) to compose with any user
//! store through [`Split`](adapter_core::Split).
//!
//! ```no_run
//! # async fn demo(users: impl adapter_core::UserAdapter + 'static) -> Result<(), adapter_core::AdapterError> {
//! use std::sync::Arc;
//! use adapter_core::{Adapter, Split};
//! use adapter_redis::RedisConfig;
//! // "redis://a:7000,redis://b:7001" would connect to a cluster instead.
//! let sessions = RedisConfig::from_urls("redis://127.0.0.1:6379").prefix("myapp").connect().await?;
//! let adapter: Arc<dyn Adapter> = Arc::new(Split::new(users, sessions));
//! # Ok(()) }
//! ```
//!
//! # Layout and consistency
//!
//! [`keys`] documents every key. A record is found by its token alone, so its
//! key is hash-tagged by the (hex-encoded) token; the per-user indexes are
//! hash-tagged by the (hex-encoded) user id. In a cluster these are different
//! slots, so writing a record and filing it in its user's index are two steps:
//!
//! - the record is written first, atomically and without overwriting
//!   (`SET NX PXAT`); if the index cannot then be updated, the record is
//!   removed again and the call fails, so an index never knows *less* than
//!   the records;
//! - an index may know *more* (a member whose record was removed or expired):
//!   every reader checks each member against its record (owner and token),
//!   deletes by user remove a record only if it still holds what was read
//!   (compare-and-delete), and lapsed members are pruned by their score;
//! - a token stored while its user is being deleted is removed by
//!   [`Split`](adapter_core::Split), which re-checks the user after storing.
//!
//! Sessions expire in Redis at `PXAT expires + grace` (grace 0 by default);
//! reads decide liveness with the adapter's clock. Refresh tokens do not
//! expire. The adapter sends no `KEYS` or `SCAN`, and no command or script
//! that touches keys of two hash slots.

mod adapter;
mod commands;
mod config;
mod connection;
mod error;
pub mod keys;
pub mod record;
mod refresh_tokens;
mod scripts;
mod sessions;

pub use adapter::RedisSessionAdapter;
pub use config::RedisConfig;
pub use error::map_redis_error;
