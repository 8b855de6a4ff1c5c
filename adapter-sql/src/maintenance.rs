//! Operator tasks: schema setup and its report, counts, bounded purges.

use adapter_core::{observe, AdapterError, DbOp, Maintenance, StoreStats};
use async_trait::async_trait;

use crate::schema::Role;
use crate::SqlAdapter;

#[async_trait]
impl Maintenance for SqlAdapter {
    async fn migrate(&self) -> Result<Vec<String>, AdapterError> {
        observe(self.backend(), "migrate", async {
            let report = SqlAdapter::migrate(self).await?;
            let mut lines = vec![format!(
                "{:?}: tables, key columns, byte-exact collations and unique keys verified",
                self.dialect()
            )];
            lines.extend(report.user_columns.iter().map(|column| {
                format!(
                    "user column `{}` ({:?}) stores user data",
                    column.name, column.kind
                )
            }));
            Ok(lines)
        })
        .await
    }

    async fn stats(&self) -> Result<StoreStats, AdapterError> {
        let stats = SqlAdapter::stats(self).await?;
        Ok(StoreStats {
            users: stats.users,
            live_sessions: stats.live_sessions,
            expired_sessions: stats.expired_sessions,
            refresh_tokens: stats.refresh_tokens,
        })
    }

    async fn purge_expired_sessions(&self, limit: u64) -> Result<u64, AdapterError> {
        observe(self.backend(), "purge_expired_sessions", async {
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let statement = self.statements().delete_expired_batch(self.now(), limit);
            Ok(self
                .one(statement, Role::Session, DbOp::Write)
                .await?
                .affected())
        })
        .await
    }
}
