//! Operator tasks on the three collections: index setup, counts, bounded purges.

use adapter_core::{observe, AdapterError, DbOp, Maintenance, StoreStats};
use async_trait::async_trait;
use bson::{doc, Bson};
use futures::TryStreamExt;

use crate::adapter::MongoAdapter;
use crate::error::{self, Target};
use crate::indexes::{self, CollectionNamesRef};

const BACKEND: &str = "mongo";

impl MongoAdapter {
    fn collection_names(&self) -> CollectionNamesRef<'_> {
        CollectionNamesRef {
            users: self.users_collection().name(),
            sessions: self.sessions_collection().name(),
            refresh_tokens: self.refresh_tokens_collection().name(),
        }
    }

    fn read_failure(&self, target: Target) -> impl Fn(mongodb::error::Error) -> AdapterError + '_ {
        move |err| error::classify(err, DbOp::Read, target, self.user_unique_fields())
    }
}

#[async_trait]
impl Maintenance for MongoAdapter {
    async fn migrate(&self) -> Result<Vec<String>, AdapterError> {
        observe(BACKEND, "migrate", async {
            let specs = indexes::required_indexes(self.collection_names(), self.native_expiry());
            indexes::ensure(self.database(), &specs).await?;
            let mut lines: Vec<String> = specs
                .iter()
                .map(|spec| {
                    let kind = if spec.unique { "unique" } else { "non-unique" };
                    format!("index {}.{} ({kind}) is present and as required", spec.collection, spec.name)
                })
                .collect();
            let mut user_fields: Vec<String> = self
                .user_unique_fields()
                .iter()
                .map(|(index, field)| match field {
                    Some(field) => format!("unique index users.{index} makes `{field}` unique (DuplicateUserData)"),
                    None => format!("unique index users.{index} is compound (DuplicateUserData without a field)"),
                })
                .collect();
            user_fields.sort();
            lines.extend(user_fields);
            Ok(lines)
        })
        .await
    }

    async fn stats(&self) -> Result<StoreStats, AdapterError> {
        observe(BACKEND, "stats", async {
            let now = self.clock().now_ms();
            let users = self
                .users_collection()
                .count_documents(doc! {})
                .await
                .map_err(self.read_failure(Target::Users))?;
            let sessions = self.sessions_collection();
            let live_sessions = sessions
                .count_documents(doc! { "expires": { "$gte": now } })
                .await
                .map_err(self.read_failure(Target::Sessions))?;
            let expired_sessions = sessions
                .count_documents(doc! { "expires": { "$lt": now } })
                .await
                .map_err(self.read_failure(Target::Sessions))?;
            let refresh_tokens = self
                .refresh_tokens_collection()
                .count_documents(doc! {})
                .await
                .map_err(self.read_failure(Target::RefreshTokens))?;
            Ok(StoreStats {
                users,
                live_sessions,
                expired_sessions,
                refresh_tokens,
            })
        })
        .await
    }

    async fn purge_expired_sessions(&self, limit: u64) -> Result<u64, AdapterError> {
        observe(BACKEND, "purge_expired_sessions", async {
            let now = self.clock().now_ms();
            let sessions = self.sessions_collection();
            let batch = i64::try_from(limit).unwrap_or(i64::MAX);
            let ids: Vec<Bson> = sessions
                .find(doc! { "expires": { "$lt": now } })
                .projection(doc! { "_id": 1 })
                .limit(batch)
                .await
                .map_err(self.read_failure(Target::Sessions))?
                .try_collect::<Vec<_>>()
                .await
                .map_err(self.read_failure(Target::Sessions))?
                .into_iter()
                .filter_map(|document| document.get("_id").cloned())
                .collect();
            if ids.is_empty() {
                return Ok(0);
            }
            // The expiry test is repeated so a session extended meanwhile survives.
            let deleted = sessions
                .delete_many(doc! { "_id": { "$in": ids }, "expires": { "$lt": now } })
                .await
                .map_err(|err| {
                    error::classify(
                        err,
                        DbOp::Write,
                        Target::Sessions,
                        self.user_unique_fields(),
                    )
                })?;
            Ok(deleted.deleted_count)
        })
        .await
    }
}
