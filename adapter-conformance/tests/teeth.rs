//! The suite has teeth: adapters broken on purpose, run through the public
//! library API, are reported as failing the scenarios that describe what
//! they break, and a backend lacking a capability gets those scenarios
//! reported as skipped, never passed.
//!
//! `cargo test -p adapter-conformance --test teeth` (also with `--release`).

use std::sync::Arc;

use adapter_conformance::backends::memory::MemoryBackend;
use adapter_conformance::{Backend, BoxError, Capabilities, Fixture, Report, ScenarioEnv, Suite};
use adapter_core::{
    Adapter, AdapterError, NewUser, RefreshToken, Session, SessionAdapter, User, UserAdapter,
    UserUpdate,
};
use async_trait::async_trait;

/// How an adapter is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Breakage {
    /// Not at all: the control.
    None,
    /// `set_user` ignores provider-id uniqueness: it first deletes whoever holds the provider id.
    ProviderIdNotUnique,
    /// `update_user` returns the user as it was before the update.
    UpdateReturnsOldUser,
}

/// The memory adapter behind a wrapper that delegates every call, except the broken one.
struct Broken {
    inner: Arc<dyn Adapter>,
    breakage: Breakage,
}

#[async_trait]
impl UserAdapter for Broken {
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
        if self.breakage == Breakage::ProviderIdNotUnique {
            if let Ok(Some(holder)) = self.inner.get_user_by_provider_id(&user.provider_id).await {
                self.inner.delete_user(&holder.id).await?;
            }
        }
        self.inner.set_user(user_id, user).await
    }
    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        let before = self.inner.get_user_by_id(user_id).await;
        let after = self.inner.update_user(user_id, update).await?;
        match (self.breakage, before) {
            (Breakage::UpdateReturnsOldUser, Ok(Some(before))) => Ok(before),
            _ => Ok(after),
        }
    }
    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.inner.delete_user(user_id).await
    }
}

#[async_trait]
impl SessionAdapter for Broken {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        self.inner.get_session_by_access_token(access_token).await
    }
    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        self.inner.get_sessions_by_user_id(user_id).await
    }
    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        self.inner.set_session(session).await
    }
    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        self.inner
            .delete_session_by_access_token(access_tokens)
            .await
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
        self.inner.get_user_id_by_refresh_token(refresh_token).await
    }
    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        self.inner.set_refresh_token(token).await
    }
    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        self.inner.consume_refresh_token(refresh_token).await
    }
    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        self.inner.delete_refresh_token(refresh_tokens).await
    }
    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        self.inner.delete_refresh_tokens_by_user_id(user_id).await
    }
}

#[async_trait]
impl Adapter for Broken {
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        self.inner.get_session_and_user(access_token).await
    }
    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        self.inner.get_user_by_access_token(access_token).await
    }
}

/// The memory backend, its adapters broken as told, its capabilities as declared.
struct BrokenBackend {
    breakage: Breakage,
    capabilities: Capabilities,
}

impl BrokenBackend {
    fn new(breakage: Breakage) -> Self {
        Self {
            breakage,
            capabilities: MemoryBackend::new().capabilities(),
        }
    }
}

#[async_trait]
impl Backend for BrokenBackend {
    fn name(&self) -> String {
        format!("memory broken: {:?}", self.breakage)
    }
    fn capabilities(&self) -> Capabilities {
        self.capabilities.clone()
    }
    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let fixture = MemoryBackend::new().open(env).await?;
        Ok(Fixture {
            adapter: Arc::new(Broken {
                inner: fixture.adapter,
                breakage: self.breakage,
            }),
            oracle: fixture.oracle,
        })
    }
}

async fn run(backend: BrokenBackend) -> Report {
    let report = Suite::new(backend).quiet().run().await;
    println!("{report}");
    report
}

fn assert_failed(report: &Report, scenarios: &[&str]) {
    assert!(
        report.execution_has_failed(),
        "the suite passed a broken adapter: {report}"
    );
    for scenario in scenarios {
        assert!(
            report.scenario_failed(scenario),
            "scenario {scenario:?} passed on {report}"
        );
    }
}

async fn teeth() {
    let control = run(BrokenBackend::new(Breakage::None)).await;
    assert!(
        !control.execution_has_failed(),
        "the delegating wrapper alone fails: {control}"
    );
    assert!(control.passed >= 80, "too few scenarios ran: {control}");

    let not_unique = run(BrokenBackend::new(Breakage::ProviderIdNotUnique)).await;
    assert_failed(
        &not_unique,
        &["errors.feature: a second user with a taken provider id is DuplicateProviderId"],
    );

    let old_user = run(BrokenBackend::new(Breakage::UpdateReturnsOldUser)).await;
    assert_failed(
        &old_user,
        &[
            "users.feature: update_user returns the user after the update",
            "users.feature: update_user changes the provider id",
            "users.feature: update_user sets a password hash",
        ],
    );

    // A backend without `free_clock` and `id_generation`: those scenarios are
    // reported as skipped under their capability and never counted as passed.
    let mut lacking = BrokenBackend::new(Breakage::None);
    lacking.capabilities.free_clock = false;
    lacking.capabilities.id_generation = false;
    let gated = run(lacking).await;
    assert!(!gated.execution_has_failed(), "{gated}");
    let free_clock = gated
        .skipped_by_capability
        .get("requires.free_clock")
        .copied()
        .unwrap_or(0);
    let id_generation = gated
        .skipped_by_capability
        .get("requires.id_generation")
        .copied()
        .unwrap_or(0);
    assert!(
        free_clock >= 7,
        "free_clock scenarios skipped: {free_clock}"
    );
    assert!(
        id_generation >= 2,
        "id_generation scenarios skipped: {id_generation}"
    );
    assert_eq!(
        gated.passed + free_clock + id_generation,
        control.passed,
        "gated scenarios must not pass"
    );
    assert_eq!(gated.skipped, control.skipped + free_clock + id_generation);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(teeth());
    println!("teeth: broken adapters are caught, and gated scenarios are skipped, not passed");
}
