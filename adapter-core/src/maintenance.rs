//! Operator tasks that sit beside the contract: schema setup, counts, purging.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::AdapterError;

/// What a store holds, at the adapter's clock.
///
/// ```
/// let stats = adapter_core::StoreStats::default();
/// assert_eq!(stats.users + stats.live_sessions, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStats {
    /// Stored users.
    pub users: u64,
    /// Sessions live at the clock (`now <= expires`).
    pub live_sessions: u64,
    /// Sessions expired at the clock and not yet purged.
    pub expired_sessions: u64,
    /// Stored refresh tokens.
    pub refresh_tokens: u64,
}

/// Schema setup, counts and purging, for operators and the `adapter` CLI.
/// Backends implement it beside [`Adapter`](crate::Adapter); it is not part
/// of what the conformance suite requires.
#[async_trait]
pub trait Maintenance: Send + Sync {
    /// Creates what is missing (tables, indexes) and verifies what exists;
    /// returns one line per step taken or checked. A mismatch is an error naming it.
    async fn migrate(&self) -> Result<Vec<String>, AdapterError>;
    /// Counts what is stored.
    async fn stats(&self) -> Result<StoreStats, AdapterError>;
    /// Deletes at most `limit` sessions expired at the clock and returns how
    /// many; callers repeat until it returns less than `limit`. Bounded batches
    /// keep each statement short when run from cron beside live traffic.
    async fn purge_expired_sessions(&self, limit: u64) -> Result<u64, AdapterError>;
}
