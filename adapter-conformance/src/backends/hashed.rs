//! Tokens-at-rest mode for any backend: [`Hashed`] runs the suite on
//! [`adapter_core::HashedTokens`] over the backend's adapter.
//!
//! The adapter under test stores `sha256:<hex>` digests of access and refresh
//! tokens ([`adapter_core::token_digest`]). The oracle takes the tokens the
//! scenarios name and maps them to their digests, for reads and for seeds, and
//! returns records as they are stored: a session read through it carries the
//! digest in `access_token`. The backend declares the `hashed_tokens`
//! capability, which makes the steps that compare listed or stored tokens
//! compare digests, runs the `@requires.hashed_tokens` scenarios and skips the
//! `@requires.plain_tokens` ones.

use std::sync::Arc;

use adapter_core::{token_digest, Adapter, BoxError, HashedTokens, RefreshToken, Session, User};
use async_trait::async_trait;

use crate::backend::{Backend, Capabilities, Fixture, Oracle, Record, ScenarioEnv};

/// The backend `B` with its adapter wrapped in [`HashedTokens`].
///
/// ```no_run
/// use adapter_conformance::backends::{hashed::Hashed, memory::MemoryBackend};
/// adapter_conformance::run_main(Hashed::new(MemoryBackend::new()));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Hashed<B> {
    inner: B,
}

impl<B: Backend> Hashed<B> {
    /// `inner` in tokens-at-rest mode.
    pub fn new(inner: B) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl<B: Backend> Backend for Hashed<B> {
    fn name(&self) -> String {
        format!("{} (hashed tokens)", self.inner.name())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            hashed_tokens: true,
            ..self.inner.capabilities()
        }
    }

    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let fixture = self.inner.open(env).await?;
        Ok(Fixture {
            adapter: Arc::new(HashedTokens::new(fixture.adapter)),
            oracle: Arc::new(HashedOracle(fixture.oracle)),
        })
    }

    async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
        let adapter = self.inner.reopen(env).await?;
        Ok(Arc::new(HashedTokens::new(adapter)))
    }

    async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
        self.inner.cleanup(env).await
    }
}

/// An oracle over stored digests: tokens in, records as stored out.
struct HashedOracle(Arc<dyn Oracle>);

#[async_trait]
impl Oracle for HashedOracle {
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError> {
        self.0.user(user_id).await
    }

    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError> {
        self.0.session(&token_digest(access_token)).await
    }

    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError> {
        self.0
            .refresh_token_owner(&token_digest(refresh_token))
            .await
    }

    async fn count(&self, record: Record) -> Result<u64, BoxError> {
        self.0.count(record).await
    }

    async fn insert_user(&self, user: &User) -> Result<(), BoxError> {
        self.0.insert_user(user).await
    }

    async fn insert_session(&self, session: &Session) -> Result<(), BoxError> {
        let stored = Session {
            access_token: token_digest(&session.access_token),
            ..session.clone()
        };
        self.0.insert_session(&stored).await
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError> {
        let stored = RefreshToken {
            refresh_token: token_digest(&token.refresh_token),
            ..token.clone()
        };
        self.0.insert_refresh_token(&stored).await
    }

    async fn insert_corrupt_session(
        &self,
        access_token: &str,
        user_id: &str,
    ) -> Result<(), BoxError> {
        self.0
            .insert_corrupt_session(&token_digest(access_token), user_id)
            .await
    }
}
