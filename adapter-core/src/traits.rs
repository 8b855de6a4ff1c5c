//! The adapter traits: what every backend implements.

use std::sync::Arc;

use async_trait::async_trait;

use crate::{AdapterError, NewUser, RefreshToken, Session, User, UserUpdate};

/// Stores users.
#[async_trait]
pub trait UserAdapter: Send + Sync {
    /// The user with this id, or `None`.
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError>;
    /// The user with this provider id, or `None`.
    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError>;
    /// Stores a user and returns its id; with `user_id = None` the configured
    /// generator makes one, and without one the answer is [`AdapterError::UserIdRequired`].
    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError>;
    /// Applies the update atomically and returns the user after it; an unknown
    /// id is [`AdapterError::InvalidUserId`], even for an empty update.
    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError>;
    /// Removes the user and every session and refresh token of it; 1 if it existed, else 0.
    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError>;
}

/// Stores sessions and refresh tokens.
#[async_trait]
pub trait SessionAdapter: Send + Sync {
    /// The live session with this access token, or `None` (also when expired).
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError>;
    /// The user's live sessions, in any order.
    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError>;
    /// Stores a new session; a taken token is [`AdapterError::DuplicateAccessToken`].
    async fn set_session(&self, session: &Session) -> Result<(), AdapterError>;
    /// Removes exactly these sessions; returns how many existed.
    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError>;
    /// Removes every session of this user; returns how many.
    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError>;
    /// Removes every session expired at the adapter's clock; returns how many.
    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError>;
    /// The owner of this refresh token, or `None`.
    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError>;
    /// Stores a new refresh token; a taken token is [`AdapterError::DuplicateRefreshToken`].
    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError>;
    /// Atomically removes the token and returns its owner; of concurrent callers exactly one gets `Some`.
    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError>;
    /// Removes exactly these refresh tokens; returns how many existed.
    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError>;
    /// Removes every refresh token of this user; returns how many.
    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError>;
}

/// A full store: users, sessions and refresh tokens, with the joined reads.
///
/// The two methods have default bodies of two round trips; a backend that
/// can join in one (`$lookup`, `JOIN`) overrides them.
#[async_trait]
pub trait Adapter: UserAdapter + SessionAdapter {
    /// The live session with its user, or `None` if either is missing.
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        let Some(session) = self.get_session_by_access_token(access_token).await? else {
            return Ok(None);
        };
        Ok(self
            .get_user_by_id(&session.user_id)
            .await?
            .map(|user| (session, user)))
    }

    /// The user of the live session with this token, or `None`.
    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        Ok(self
            .get_session_and_user(access_token)
            .await?
            .map(|(_, user)| user))
    }
}

macro_rules! forward_pointer_impls {
    ($($pointer:ident),*) => {$(
        #[async_trait]
        impl<T: UserAdapter + ?Sized> UserAdapter for $pointer<T> {
            async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
                (**self).get_user_by_id(user_id).await
            }
            async fn get_user_by_provider_id(&self, provider_id: &str) -> Result<Option<User>, AdapterError> {
                (**self).get_user_by_provider_id(provider_id).await
            }
            async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
                (**self).set_user(user_id, user).await
            }
            async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
                (**self).update_user(user_id, update).await
            }
            async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
                (**self).delete_user(user_id).await
            }
        }

        #[async_trait]
        impl<T: SessionAdapter + ?Sized> SessionAdapter for $pointer<T> {
            async fn get_session_by_access_token(&self, access_token: &str) -> Result<Option<Session>, AdapterError> {
                (**self).get_session_by_access_token(access_token).await
            }
            async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
                (**self).get_sessions_by_user_id(user_id).await
            }
            async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
                (**self).set_session(session).await
            }
            async fn delete_session_by_access_token(&self, access_tokens: &[&str]) -> Result<u64, AdapterError> {
                (**self).delete_session_by_access_token(access_tokens).await
            }
            async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
                (**self).delete_sessions_by_user_id(user_id).await
            }
            async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
                (**self).delete_expired_sessions().await
            }
            async fn get_user_id_by_refresh_token(&self, refresh_token: &str) -> Result<Option<String>, AdapterError> {
                (**self).get_user_id_by_refresh_token(refresh_token).await
            }
            async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
                (**self).set_refresh_token(token).await
            }
            async fn consume_refresh_token(&self, refresh_token: &str) -> Result<Option<String>, AdapterError> {
                (**self).consume_refresh_token(refresh_token).await
            }
            async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
                (**self).delete_refresh_token(refresh_tokens).await
            }
            async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
                (**self).delete_refresh_tokens_by_user_id(user_id).await
            }
        }

        #[async_trait]
        impl<T: Adapter + ?Sized> Adapter for $pointer<T> {
            async fn get_session_and_user(&self, access_token: &str) -> Result<Option<(Session, User)>, AdapterError> {
                (**self).get_session_and_user(access_token).await
            }
            async fn get_user_by_access_token(&self, access_token: &str) -> Result<Option<User>, AdapterError> {
                (**self).get_user_by_access_token(access_token).await
            }
        }
    )*};
}

forward_pointer_impls!(Arc, Box);
