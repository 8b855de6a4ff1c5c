//! The suite's backend for [`adapter_memory::MemoryAdapter`].

use std::sync::Arc;

use adapter_core::{BoxError, RefreshToken, Session, User};
use adapter_memory::{MemoryAdapter, RawStore};
use async_trait::async_trait;

use crate::backend::{Backend, Capabilities, Fixture, Oracle, Record, ScenarioEnv, USER_FIELDS};

/// Runs the suite on a new [`MemoryAdapter`] per scenario.
///
/// ```no_run
/// adapter_conformance::run_main(adapter_conformance::backends::memory::MemoryBackend::new());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryBackend;

impl MemoryBackend {
    /// The memory backend.
    pub fn new() -> Self {
        Self
    }

    /// A memory adapter configured for a scenario: its clock, its id
    /// generator and the suite's unique user-data fields.
    pub fn adapter_for(env: &ScenarioEnv) -> MemoryAdapter {
        let mut builder = MemoryAdapter::builder().clock(env.clock.clone());
        if let Some(generator) = &env.id_generator {
            builder = builder.id_generator(generator.clone());
        }
        USER_FIELDS
            .iter()
            .filter(|field| field.unique)
            .fold(builder, |builder, field| {
                builder.unique_user_data(field.name)
            })
            .build()
    }
}

#[async_trait]
impl Backend for MemoryBackend {
    fn name(&self) -> String {
        "memory".into()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            id_generation: true,
            free_clock: true,
            schemaless_user_data: true,
            persistent: false,
            corrupt_records: false,
            native_ttl: false,
            hashed_tokens: false,
        }
    }

    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let adapter = Self::adapter_for(env);
        Ok(Fixture {
            oracle: Arc::new(MemoryOracle(adapter.raw())),
            adapter: Arc::new(adapter),
        })
    }
}

/// An [`Oracle`] over a memory adapter's [`RawStore`].
#[derive(Clone, Debug)]
pub struct MemoryOracle(pub RawStore);

#[async_trait]
impl Oracle for MemoryOracle {
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError> {
        Ok(self.0.user(user_id))
    }

    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError> {
        Ok(self.0.session(access_token))
    }

    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError> {
        Ok(self.0.refresh_token_owner(refresh_token))
    }

    async fn count(&self, record: Record) -> Result<u64, BoxError> {
        let (users, sessions, refresh_tokens) = self.0.counts();
        Ok(match record {
            Record::User => users,
            Record::Session => sessions,
            Record::RefreshToken => refresh_tokens,
        })
    }

    async fn insert_user(&self, user: &User) -> Result<(), BoxError> {
        Ok(self.0.insert_user(user.clone())?)
    }

    async fn insert_session(&self, session: &Session) -> Result<(), BoxError> {
        Ok(self.0.insert_session(session.clone())?)
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError> {
        Ok(self.0.insert_refresh_token(token.clone())?)
    }
}
