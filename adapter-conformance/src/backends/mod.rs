//! Ready [`Backend`](crate::Backend)s for this workspace's adapters, one per Cargo feature.

pub mod hashed;
#[cfg(feature = "memory")]
pub mod memory;
#[cfg(feature = "mongo")]
pub mod mongo;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub mod sql;
