//! [`HashedTokens`]: store SHA-256 digests of access and refresh tokens
//! instead of the tokens themselves, on any backend.
//!
//! What it protects against: a leaked copy of the database (a dump, a backup,
//! a read-only SQL injection elsewhere) no longer holds usable bearer tokens;
//! presenting a stored digest as a token does not work, because every lookup
//! hashes what it is given. What it does not protect against: an attacker who
//! can write to the database (they can plant a digest of a token they chose),
//! one who sees tokens in transit or in the application's memory or logs, and
//! weak tokens (a digest of a guessable token is guessable: use at least 128
//! random bits). Off by default, because the JS Mongoose adapter stores plain
//! tokens and must keep reading a shared database.
//!
//! Listings (`get_sessions_by_user_id`) cannot give tokens back: each listed
//! session carries its digest, `sha256:<64 hex digits>`, in `access_token`.
//! The delete methods accept such a digest as well as a token, so a listed
//! session can still be revoked. A lookup never accepts a digest.

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::{
    validate, Adapter, AdapterError, NewUser, RefreshToken, Session, SessionAdapter, User,
    UserAdapter, UserUpdate,
};

const DIGEST_PREFIX: &str = "sha256:";

/// The stored form of `token`: `sha256:` and the lowercase hex SHA-256 of its bytes.
///
/// ```
/// assert_eq!(
///     adapter_core::token_digest("abc"),
///     "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn token_digest(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(DIGEST_PREFIX.len() + 64);
    out.push_str(DIGEST_PREFIX);
    for byte in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
    }
    out
}

/// Whether `value` has the form of a stored digest.
pub fn is_token_digest(value: &str) -> bool {
    value.strip_prefix(DIGEST_PREFIX).is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// What a delete matches: a listed digest as it is, anything else hashed.
fn stored_form_for_delete(value: &str) -> String {
    if is_token_digest(value) {
        value.to_owned()
    } else {
        token_digest(value)
    }
}

/// Wraps any adapter so that access and refresh tokens are stored as
/// [`token_digest`]s. See the module documentation for what it protects.
///
/// ```
/// # async fn demo(inner: impl adapter_core::Adapter + 'static) {
/// use std::sync::Arc;
/// use adapter_core::{Adapter, HashedTokens};
/// let adapter: Arc<dyn Adapter> = Arc::new(HashedTokens::new(inner));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct HashedTokens<A> {
    inner: A,
}

impl<A> HashedTokens<A> {
    /// Stores digests in `inner` instead of tokens.
    pub fn new(inner: A) -> Self {
        Self { inner }
    }

    /// The wrapped adapter.
    pub fn inner(&self) -> &A {
        &self.inner
    }
}

#[async_trait]
impl<A: UserAdapter> UserAdapter for HashedTokens<A> {
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
        self.inner.get_user_by_id(user_id).await
    }

    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError> {
        self.inner.get_user_by_provider_id(provider_id).await
    }

    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
        self.inner.set_user(user_id, user).await
    }

    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        self.inner.update_user(user_id, update).await
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.inner.delete_user(user_id).await
    }
}

#[async_trait]
impl<A: SessionAdapter> SessionAdapter for HashedTokens<A> {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        validate::key("access_token", access_token)?;
        let stored = self
            .inner
            .get_session_by_access_token(&token_digest(access_token))
            .await?;
        Ok(stored.map(|session| Session {
            access_token: access_token.to_owned(),
            ..session
        }))
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        self.inner.get_sessions_by_user_id(user_id).await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        validate::session(session)?;
        let stored = Session {
            access_token: token_digest(&session.access_token),
            ..session.clone()
        };
        self.inner.set_session(&stored).await
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        validate::keys("access_token", access_tokens)?;
        let stored: Vec<String> = access_tokens
            .iter()
            .map(|token| stored_form_for_delete(token))
            .collect();
        let stored: Vec<&str> = stored.iter().map(String::as_str).collect();
        self.inner.delete_session_by_access_token(&stored).await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.inner.delete_sessions_by_user_id(user_id).await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        self.inner.delete_expired_sessions().await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        validate::key("refresh_token", refresh_token)?;
        self.inner
            .get_user_id_by_refresh_token(&token_digest(refresh_token))
            .await
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        validate::refresh_token(token)?;
        let stored = RefreshToken {
            refresh_token: token_digest(&token.refresh_token),
            ..token.clone()
        };
        self.inner.set_refresh_token(&stored).await
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        validate::key("refresh_token", refresh_token)?;
        self.inner
            .consume_refresh_token(&token_digest(refresh_token))
            .await
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        validate::keys("refresh_token", refresh_tokens)?;
        let stored: Vec<String> = refresh_tokens
            .iter()
            .map(|token| stored_form_for_delete(token))
            .collect();
        let stored: Vec<&str> = stored.iter().map(String::as_str).collect();
        self.inner.delete_refresh_token(&stored).await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.inner.delete_refresh_tokens_by_user_id(user_id).await
    }
}

#[async_trait]
impl<A: Adapter> Adapter for HashedTokens<A> {
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        validate::key("access_token", access_token)?;
        let stored = self
            .inner
            .get_session_and_user(&token_digest(access_token))
            .await?;
        Ok(stored.map(|(session, user)| {
            (
                Session {
                    access_token: access_token.to_owned(),
                    ..session
                },
                user,
            )
        }))
    }

    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        validate::key("access_token", access_token)?;
        self.inner
            .get_user_by_access_token(&token_digest(access_token))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_recognised_and_tokens_are_not() {
        let digest = token_digest("a token");
        assert!(is_token_digest(&digest));
        assert_eq!(digest.len(), 71);
        assert!(!is_token_digest("a token"));
        assert!(!is_token_digest(&digest.to_uppercase()));
        assert!(!is_token_digest(&digest[..70]));
    }

    #[test]
    fn deletes_hash_tokens_but_keep_listed_digests() {
        let digest = token_digest("t");
        assert_eq!(stored_form_for_delete("t"), digest);
        assert_eq!(stored_form_for_delete(&digest), digest);
    }
}
