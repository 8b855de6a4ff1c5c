//! The MongoDB floor: each operation as one hand-written command on the
//! collections (and so the client and pool) of the adapter itself, with none
//! of its validation, tracing, codec or rules.

use adapters::mongo::MongoAdapter;
use adapters::{Clock, RefreshToken, Session, SystemClock, User};
use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId, Bson, Document};
use mongodb::Collection;

use super::workload::{Floor, Workload};

/// The raw collections of a [`MongoAdapter`].
pub struct MongoFloor {
    users: Collection<Document>,
    sessions: Collection<Document>,
    refresh_tokens: Collection<Document>,
}

impl MongoFloor {
    /// A floor over the adapter's own collection handles.
    pub fn new(adapter: &MongoAdapter) -> Self {
        Self {
            users: adapter.users_collection().clone(),
            sessions: adapter.sessions_collection().clone(),
            refresh_tokens: adapter.refresh_tokens_collection().clone(),
        }
    }
}

fn user_document(id: &str, provider_id: &str) -> Document {
    doc! { "_id": id, "provider_id": provider_id, "hashed_password": Bson::Null, "__v": 0_i32 }
}

fn session_document(session: &Session) -> Document {
    doc! {
        "_id": ObjectId::new(),
        "access_token": &session.access_token,
        "user_id": &session.user_id,
        "expires": session.expires,
        "__v": 0_i32,
    }
}

/// Unordered bulk inserts, so seeding 10 000 users takes a few commands.
async fn insert_all(
    collection: &Collection<Document>,
    documents: Vec<Document>,
) -> anyhow::Result<()> {
    if !documents.is_empty() {
        collection.insert_many(documents).ordered(false).await?;
    }
    Ok(())
}

#[async_trait]
impl Workload for MongoFloor {
    async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()> {
        let pipeline = [
            doc! { "$match": { "access_token": access_token } },
            doc! { "$limit": 1 },
            doc! { "$lookup": {
                "from": self.users.name(),
                "localField": "user_id",
                "foreignField": "_id",
                "as": "user",
            } },
        ];
        let mut cursor = self.sessions.aggregate(pipeline).await?;
        let document = cursor
            .try_next()
            .await?
            .ok_or_else(|| anyhow::anyhow!("seeded session not found"))?;
        let live = document.get_i64("expires")? >= SystemClock.now_ms();
        let has_user = document
            .get_array("user")
            .is_ok_and(|users| !users.is_empty());
        anyhow::ensure!(live && has_user, "seeded session or its user not found");
        std::hint::black_box(document);
        Ok(())
    }

    async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()> {
        let user = self
            .users
            .find_one(doc! { "provider_id": provider_id })
            .await?
            .ok_or_else(|| anyhow::anyhow!("seeded user not found"))?;
        std::hint::black_box(user);
        Ok(())
    }

    async fn set_session(&self, session: &Session) -> anyhow::Result<()> {
        self.sessions.insert_one(session_document(session)).await?;
        Ok(())
    }

    async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()> {
        self.users
            .insert_one(user_document(user_id, provider_id))
            .await?;
        Ok(())
    }

    async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()> {
        let removed = self
            .refresh_tokens
            .find_one_and_delete(doc! { "refresh_token": refresh_token })
            .await?
            .ok_or_else(|| anyhow::anyhow!("seeded refresh token not found"))?;
        std::hint::black_box(removed.get_str("user_id")?);
        Ok(())
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()> {
        let result = self
            .sessions
            .delete_many(doc! { "user_id": user_id })
            .await?;
        anyhow::ensure!(result.deleted_count > 0, "seeded sessions not found");
        Ok(())
    }

    async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
        let now = SystemClock.now_ms();
        Ok(self
            .sessions
            .delete_many(doc! { "expires": { "$lt": now } })
            .await?
            .deleted_count)
    }
}

#[async_trait]
impl Floor for MongoFloor {
    async fn seed(
        &self,
        users: &[User],
        sessions: &[Session],
        refresh_tokens: &[RefreshToken],
    ) -> anyhow::Result<()> {
        insert_all(
            &self.users,
            users
                .iter()
                .map(|user| user_document(&user.id, &user.provider_id))
                .collect(),
        )
        .await?;
        insert_all(
            &self.sessions,
            sessions.iter().map(session_document).collect(),
        )
        .await?;
        insert_all(
            &self.refresh_tokens,
            refresh_tokens
                .iter()
                .map(|token| {
                    doc! {
                        "_id": ObjectId::new(),
                        "refresh_token": &token.refresh_token,
                        "user_id": &token.user_id,
                        "__v": 0_i32,
                    }
                })
                .collect(),
        )
        .await
    }
}
