//! The state of one scenario: the adapter under test, its oracle, the clock,
//! and what the last call answered.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use adapter_core::{Adapter, AdapterError, Session, User};

use crate::{Backend, Oracle, ScenarioEnv};

/// What an adapter call answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// `set_session`, `set_refresh_token`.
    Unit,
    /// `set_user`: the user's id.
    Id(String),
    /// `get_user_by_*`, `get_user_by_access_token`.
    User(Option<User>),
    /// `update_user`.
    UpdatedUser(User),
    /// Deletes.
    Count(u64),
    /// `get_session_by_access_token`.
    Session(Option<Session>),
    /// `get_sessions_by_user_id`.
    Sessions(Vec<Session>),
    /// `get_user_id_by_refresh_token`, `consume_refresh_token`.
    Owner(Option<String>),
    /// `get_session_and_user`.
    SessionAndUser(Option<(Session, User)>),
}

/// One scenario's world. The `before` hook fills it through [`World::attach`];
/// until then it holds nothing.
#[derive(Default)]
pub(crate) struct World {
    attached: Option<Attached>,
    /// The answer of the last call a step made.
    pub(crate) outcome: Option<Result<Answer, AdapterError>>,
    /// The answers of the last batch of concurrent calls.
    pub(crate) outcomes: Vec<Result<Answer, AdapterError>>,
    /// Sessions the scenario stored, by access token, as they were stored.
    pub(crate) sessions: HashMap<String, Session>,
    /// (user id, access token, refresh token) of each race of `delete_user`
    /// against `set_session` and `set_refresh_token`.
    pub(crate) raced: Vec<(String, String, String)>,
}

struct Attached {
    backend: Arc<dyn Backend>,
    env: ScenarioEnv,
    adapter: Arc<dyn Adapter>,
    oracle: Arc<dyn Oracle>,
    hashed_tokens: bool,
}

impl World {
    /// Gives the world its scenario's adapter.
    pub(crate) fn attach(
        &mut self,
        backend: Arc<dyn Backend>,
        env: ScenarioEnv,
        fixture: crate::Fixture,
    ) {
        self.attached = Some(Attached {
            hashed_tokens: backend.capabilities().hashed_tokens,
            backend,
            env,
            adapter: fixture.adapter,
            oracle: fixture.oracle,
        });
    }

    fn attached(&self) -> &Attached {
        match &self.attached {
            Some(attached) => attached,
            None => panic!("no adapter: the suite's before hook did not run"),
        }
    }

    /// The adapter under test.
    pub(crate) fn adapter(&self) -> Arc<dyn Adapter> {
        Arc::clone(&self.attached().adapter)
    }

    /// Raw access to the stored records.
    pub(crate) fn oracle(&self) -> Arc<dyn Oracle> {
        Arc::clone(&self.attached().oracle)
    }

    /// Whether the adapter stores token digests (the `hashed_tokens` capability).
    pub(crate) fn hashed_tokens(&self) -> bool {
        self.attached().hashed_tokens
    }

    /// What the store holds for `token`, and what a listing gives back: its
    /// digest in tokens-at-rest mode, else the token itself.
    pub(crate) fn stored_token(&self, token: &str) -> String {
        if self.hashed_tokens() {
            adapter_core::token_digest(token)
        } else {
            token.to_owned()
        }
    }

    /// `session` as the store holds it and a listing returns it.
    pub(crate) fn stored_session(&self, session: &Session) -> Session {
        Session {
            access_token: self.stored_token(&session.access_token),
            ..session.clone()
        }
    }

    /// The scenario's environment (namespace, clock).
    pub(crate) fn env(&self) -> Option<&ScenarioEnv> {
        self.attached.as_ref().map(|attached| &attached.env)
    }

    /// Now, on the scenario's clock.
    pub(crate) fn now(&self) -> i64 {
        use adapter_core::Clock as _;
        self.attached().env.clock.now_ms()
    }

    /// Moves the scenario's clock.
    pub(crate) fn advance_clock(&self, delta_ms: i64) {
        self.attached().env.clock.advance(delta_ms);
    }

    /// Sets the scenario's clock.
    pub(crate) fn set_clock(&self, now_ms: i64) {
        self.attached().env.clock.set(now_ms);
    }

    /// Replaces the adapter with a second one over the same stored data.
    pub(crate) async fn reopen(&mut self) {
        let attached = match &mut self.attached {
            Some(attached) => attached,
            None => panic!("no adapter: the suite's before hook did not run"),
        };
        attached.adapter = attached
            .backend
            .reopen(&attached.env)
            .await
            .unwrap_or_else(|err| panic!("reopen failed: {err}"));
    }

    /// Records a call's answer as the scenario's last outcome.
    pub(crate) fn record(&mut self, outcome: Result<Answer, AdapterError>) {
        self.outcome = Some(outcome);
    }

    /// The last outcome; panics if no call was made.
    pub(crate) fn last(&self) -> &Result<Answer, AdapterError> {
        match &self.outcome {
            Some(outcome) => outcome,
            None => panic!("no adapter call was made before this step"),
        }
    }
}

impl fmt::Debug for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("World")
            .field("env", &self.env())
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl cucumber::World for World {
    type Error = Infallible;

    async fn new() -> Result<Self, Infallible> {
        Ok(Self::default())
    }
}
