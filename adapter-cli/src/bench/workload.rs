//! The operations a benchmark measures, on either side: the adapter, or the
//! floor (the same work as one hand-written query on the raw driver).

use std::sync::Arc;

use adapters::{Adapter, NewUser, RefreshToken, Session, User};
use async_trait::async_trait;

/// The measured operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `get_session_and_user` of a seeded live session.
    GetSessionAndUser,
    /// `get_user_by_provider_id` of a seeded user.
    GetUserByProviderId,
    /// `set_session` of a new token for a seeded user.
    SetSession,
    /// `set_user` of a new user.
    SetUser,
    /// `consume_refresh_token` of a seeded token, each once.
    ConsumeRefreshToken,
    /// `delete_sessions_by_user_id` of a seeded user with sessions, each once.
    DeleteSessionsByUserId,
}

impl Operation {
    /// Every operation, in report order.
    pub const ALL: [Operation; 6] = [
        Operation::GetSessionAndUser,
        Operation::GetUserByProviderId,
        Operation::SetSession,
        Operation::SetUser,
        Operation::ConsumeRefreshToken,
        Operation::DeleteSessionsByUserId,
    ];

    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetSessionAndUser => "get_session_and_user",
            Operation::GetUserByProviderId => "get_user_by_provider_id",
            Operation::SetSession => "set_session",
            Operation::SetUser => "set_user",
            Operation::ConsumeRefreshToken => "consume_refresh_token",
            Operation::DeleteSessionsByUserId => "delete_sessions_by_user_id",
        }
    }
}

/// One side of the comparison. Each call checks its answer, so a side that
/// skips work is caught instead of looking fast.
#[async_trait]
pub trait Workload: Send + Sync {
    /// The session and its user, joined.
    async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()>;
    /// The user with this provider id.
    async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()>;
    /// Stores a new session.
    async fn set_session(&self, session: &Session) -> anyhow::Result<()>;
    /// Stores a new user.
    async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()>;
    /// Removes the token, returning its owner.
    async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()>;
    /// Removes the user's sessions.
    async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()>;
    /// Removes every expired session; how many.
    async fn delete_expired_sessions(&self) -> anyhow::Result<u64>;
}

/// The raw-driver side, which also seeds data in bulk for both sides.
#[async_trait]
pub trait Floor: Workload {
    /// Stores these records in bulk, without the adapter.
    async fn seed(
        &self,
        users: &[User],
        sessions: &[Session],
        refresh_tokens: &[RefreshToken],
    ) -> anyhow::Result<()>;
}

/// The adapter side.
pub struct AdapterWorkload(pub Arc<dyn Adapter>);

#[async_trait]
impl Workload for AdapterWorkload {
    async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()> {
        self.0
            .get_session_and_user(access_token)
            .await?
            .map(|_| ())
            .ok_or_else(|| anyhow::anyhow!("seeded session not found"))
    }

    async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()> {
        self.0
            .get_user_by_provider_id(provider_id)
            .await?
            .map(|_| ())
            .ok_or_else(|| anyhow::anyhow!("seeded user not found"))
    }

    async fn set_session(&self, session: &Session) -> anyhow::Result<()> {
        Ok(self.0.set_session(session).await?)
    }

    async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()> {
        self.0
            .set_user(Some(user_id), NewUser::new(provider_id))
            .await?;
        Ok(())
    }

    async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()> {
        self.0
            .consume_refresh_token(refresh_token)
            .await?
            .map(|_| ())
            .ok_or_else(|| anyhow::anyhow!("seeded refresh token not found"))
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()> {
        match self.0.delete_sessions_by_user_id(user_id).await? {
            0 => Err(anyhow::anyhow!("seeded sessions not found")),
            _ => Ok(()),
        }
    }

    async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
        Ok(self.0.delete_expired_sessions().await?)
    }
}
