//! [`Split`]: users in one store, sessions and refresh tokens in another.

use async_trait::async_trait;

use crate::{
    validate, Adapter, AdapterError, NewUser, RefreshToken, Session, SessionAdapter, User,
    UserAdapter, UserUpdate,
};

/// Composes any [`UserAdapter`] with any [`SessionAdapter`] into an [`Adapter`]
/// (for example users in PostgreSQL, sessions in Redis).
///
/// `Split` adds what a session-only store cannot know: `set_session` and
/// `set_refresh_token` for an unknown user are [`AdapterError::InvalidUserId`],
/// `delete_user` removes the user's tokens too, and a refresh token whose
/// owner is gone resolves to `None`. A token stored while its user is being
/// deleted is removed again by the writer, which re-checks the user after
/// storing, so no token can outlive its user.
///
/// ```
/// # async fn demo<U: adapter_core::UserAdapter, S: adapter_core::SessionAdapter>(users: U, sessions: S) {
/// use std::sync::Arc;
/// use adapter_core::{Adapter, Split};
/// let adapter: Arc<dyn Adapter> = Arc::new(Split::new(users, sessions));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Split<U, S> {
    users: U,
    sessions: S,
}

impl<U, S> Split<U, S> {
    /// Users from `users`, sessions and refresh tokens from `sessions`.
    pub fn new(users: U, sessions: S) -> Self {
        Self { users, sessions }
    }

    /// The user store.
    pub fn users(&self) -> &U {
        &self.users
    }

    /// The session store.
    pub fn sessions(&self) -> &S {
        &self.sessions
    }
}

impl<U: UserAdapter, S: SessionAdapter> Split<U, S> {
    async fn user_exists(&self, user_id: &str) -> Result<bool, AdapterError> {
        Ok(self.users.get_user_by_id(user_id).await?.is_some())
    }
}

#[async_trait]
impl<U: UserAdapter, S: SessionAdapter> UserAdapter for Split<U, S> {
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
        self.users.get_user_by_id(user_id).await
    }

    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError> {
        self.users.get_user_by_provider_id(provider_id).await
    }

    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
        self.users.set_user(user_id, user).await
    }

    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        self.users.update_user(user_id, update).await
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        validate::key("user_id", user_id)?;
        let removed = self.users.delete_user(user_id).await?;
        self.sessions.delete_sessions_by_user_id(user_id).await?;
        self.sessions
            .delete_refresh_tokens_by_user_id(user_id)
            .await?;
        Ok(removed)
    }
}

#[async_trait]
impl<U: UserAdapter, S: SessionAdapter> SessionAdapter for Split<U, S> {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        self.sessions
            .get_session_by_access_token(access_token)
            .await
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        self.sessions.get_sessions_by_user_id(user_id).await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        validate::session(session)?;
        if !self.user_exists(&session.user_id).await? {
            return Err(AdapterError::InvalidUserId);
        }
        self.sessions.set_session(session).await?;
        if !self.user_exists(&session.user_id).await? {
            self.sessions
                .delete_session_by_access_token(&[session.access_token.as_str()])
                .await?;
            return Err(AdapterError::InvalidUserId);
        }
        Ok(())
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        self.sessions
            .delete_session_by_access_token(access_tokens)
            .await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.sessions.delete_sessions_by_user_id(user_id).await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        self.sessions.delete_expired_sessions().await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        match self
            .sessions
            .get_user_id_by_refresh_token(refresh_token)
            .await?
        {
            Some(user_id) if self.user_exists(&user_id).await? => Ok(Some(user_id)),
            _ => Ok(None),
        }
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        validate::refresh_token(token)?;
        if !self.user_exists(&token.user_id).await? {
            return Err(AdapterError::InvalidUserId);
        }
        self.sessions.set_refresh_token(token).await?;
        if !self.user_exists(&token.user_id).await? {
            self.sessions
                .delete_refresh_token(&[token.refresh_token.as_str()])
                .await?;
            return Err(AdapterError::InvalidUserId);
        }
        Ok(())
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        match self.sessions.consume_refresh_token(refresh_token).await? {
            Some(user_id) if self.user_exists(&user_id).await? => Ok(Some(user_id)),
            _ => Ok(None),
        }
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        self.sessions.delete_refresh_token(refresh_tokens).await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.sessions
            .delete_refresh_tokens_by_user_id(user_id)
            .await
    }
}

#[async_trait]
impl<U: UserAdapter, S: SessionAdapter> Adapter for Split<U, S> {}
