//! The concurrent workload: tasks that sign users up, open sessions, read them
//! back and consume refresh tokens on one adapter value, recording every call
//! (when it started and ended, and how it ended) and every acknowledged write.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use adapter_core::{AdapterError, NewUser, RefreshToken, Session, SessionAdapter, UserAdapter};

/// The adapter under test: a session store and, for backends that keep users, a user store
/// (both the same adapter value where the backend does both).
#[derive(Clone)]
pub struct Target {
    /// The backend's name in figures (`postgres`, `mariadb`, …).
    pub backend: String,
    /// The user side; `None` for a session-only backend (Redis).
    pub users: Option<Arc<dyn UserAdapter>>,
    /// The session side.
    pub sessions: Arc<dyn SessionAdapter>,
}

/// How one call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It succeeded.
    Ok,
    /// A `Database` error with `is_transient()`.
    Transient,
    /// Any other error (its code and message).
    Other(String),
    /// It did not return within the hang limit.
    Hang,
}

/// One recorded call.
#[derive(Clone, Debug)]
pub struct Call {
    /// Which method.
    pub method: &'static str,
    /// When it was made.
    pub started: Instant,
    /// When it returned.
    pub ended: Instant,
    /// How.
    pub outcome: Outcome,
}

/// What the workload saw, shared by its tasks.
#[derive(Default)]
pub struct Journal {
    /// Every call.
    pub calls: Mutex<Vec<Call>>,
    /// Users whose `set_user` returned `Ok`.
    pub users: Mutex<Vec<String>>,
    /// Sessions whose `set_session` returned `Ok`.
    pub sessions: Mutex<Vec<Session>>,
    /// Refresh tokens whose `consume_refresh_token` returned their owner.
    pub consumed: Mutex<Vec<String>>,
    /// Refresh tokens acknowledged whose consume failed (may or may not be gone).
    pub ambiguous_tokens: Mutex<u64>,
    /// Broken promises seen while running (a read of an acknowledged record giving `None`, …).
    pub violations: Mutex<Vec<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Journal {
    /// Records a broken promise.
    pub fn violation(&self, what: String) {
        lock(&self.violations).push(what);
    }

    /// A snapshot of every call so far.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.calls).clone()
    }

    /// Runs `call`, records how and how long, and gives its result
    /// (`None` when it hung past `hang_limit`).
    pub async fn timed<T>(
        &self,
        method: &'static str,
        hang_limit: Duration,
        call: impl Future<Output = Result<T, AdapterError>>,
    ) -> Option<Result<T, AdapterError>> {
        let started = Instant::now();
        let result = tokio::time::timeout(hang_limit, call).await.ok();
        let outcome = match &result {
            None => Outcome::Hang,
            Some(Ok(_)) => Outcome::Ok,
            Some(Err(err)) if err.is_transient() => Outcome::Transient,
            Some(Err(err)) => Outcome::Other(format!("{}: {err}", err.code())),
        };
        lock(&self.calls).push(Call {
            method,
            started,
            ended: Instant::now(),
            outcome,
        });
        result
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One worker: loops until `stop` is set. Task `task`'s records are named `…{task}x{i}`.
pub async fn worker(
    target: Target,
    journal: Arc<Journal>,
    stop: Arc<AtomicBool>,
    task: usize,
    hang_limit: Duration,
) {
    let backoff = || tokio::time::sleep(Duration::from_millis(25));
    let mut last_session: Option<Session> = None;
    let mut i = 0u64;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let user_id = format!("u{task}x{i}");
        if let Some(users) = &target.users {
            let new_user = NewUser {
                provider_id: format!("email:{user_id}@example.com"),
                hashed_password: None,
                user_data: Default::default(),
            };
            let set = users.set_user(Some(&user_id), new_user);
            match journal.timed("set_user", hang_limit, set).await {
                Some(Ok(_)) => lock(&journal.users).push(user_id.clone()),
                _ => {
                    backoff().await;
                    continue;
                }
            }
        }
        let session = Session {
            access_token: format!("s{task}x{i}"),
            user_id: user_id.clone(),
            expires: now_ms() + 3_600_000,
        };
        let set = target.sessions.set_session(&session);
        match journal.timed("set_session", hang_limit, set).await {
            Some(Ok(())) => lock(&journal.sessions).push(session.clone()),
            _ => {
                backoff().await;
                continue;
            }
        }
        if let Some(previous) = last_session.replace(session) {
            let get = target
                .sessions
                .get_session_by_access_token(&previous.access_token);
            match journal.timed("get_session", hang_limit, get).await {
                Some(Ok(Some(read))) if read == previous => {}
                Some(Ok(read)) => journal.violation(format!(
                    "acknowledged session {} read back as {read:?}",
                    previous.access_token
                )),
                _ => backoff().await,
            }
        }
        let token = RefreshToken {
            refresh_token: format!("r{task}x{i}"),
            user_id: user_id.clone(),
        };
        let set = target.sessions.set_refresh_token(&token);
        if !matches!(
            journal.timed("set_refresh_token", hang_limit, set).await,
            Some(Ok(()))
        ) {
            backoff().await;
            continue;
        }
        let consume = target.sessions.consume_refresh_token(&token.refresh_token);
        match journal
            .timed("consume_refresh_token", hang_limit, consume)
            .await
        {
            Some(Ok(Some(owner))) if owner == user_id => {
                lock(&journal.consumed).push(token.refresh_token);
            }
            Some(Ok(other)) => journal.violation(format!(
                "acknowledged refresh token {} consumed as {other:?}",
                token.refresh_token
            )),
            _ => {
                *lock(&journal.ambiguous_tokens) += 1;
                backoff().await;
            }
        }
    }
}
