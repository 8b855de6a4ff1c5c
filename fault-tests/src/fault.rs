//! One fault run: the workload on one adapter value while a private server is
//! stopped and started again, once per [`Stop`] in the plan; then every
//! acknowledged write is read back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use crate::report::{analyse, FaultReport, Timeline};
use crate::server::{PrivateServer, Stop};
use crate::workload::{worker, Journal, Target};

/// What to do to the server, and how fast the adapter must answer.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    /// Concurrent workload tasks.
    pub tasks: usize,
    /// Workload before the first stop, and between a recovery and the next stop.
    pub warmup: Duration,
    /// How long the server stays down.
    pub outage: Duration,
    /// The stops, in order (each followed by a restart).
    pub stops: Vec<Stop>,
    /// The adapter's configured timeout for one call.
    pub configured_timeout: Duration,
    /// What a call may take beyond `configured_timeout` (scheduling, a reconnect).
    pub slack: Duration,
    /// How long after the restart the adapter has to serve again.
    pub recovery_deadline: Duration,
    /// Only part of the data is down (one node of a cluster): calls on the
    /// other nodes may succeed during the outage.
    pub partial_outage: bool,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self {
            tasks: 8,
            warmup: Duration::from_millis(1500),
            outage: Duration::from_secs(4),
            stops: vec![Stop::Clean, Stop::Kill],
            configured_timeout: Duration::from_secs(2),
            slack: Duration::from_millis(1500),
            recovery_deadline: Duration::from_secs(20),
            partial_outage: false,
        }
    }
}

impl FaultPlan {
    /// The most one call may take.
    pub fn call_budget(&self) -> Duration {
        self.configured_timeout + self.slack
    }
}

/// Runs `plan` against `server` with `target`'s adapter and returns the
/// figures; [`FaultReport::assert_kept_promises`] checks them.
///
/// Needs a multi-threaded runtime: stopping and starting a server blocks.
pub async fn run_fault(
    target: &Target,
    server: &mut PrivateServer,
    plan: &FaultPlan,
) -> FaultReport {
    let journal = Arc::new(Journal::default());
    let stop = Arc::new(AtomicBool::new(false));
    let hang_limit = plan.call_budget() * 4;
    let workers: Vec<_> = (0..plan.tasks)
        .map(|task| {
            tokio::spawn(worker(
                target.clone(),
                journal.clone(),
                stop.clone(),
                task,
                hang_limit,
            ))
        })
        .collect();
    let mut timelines = Vec::new();
    for &how in &plan.stops {
        tokio::time::sleep(plan.warmup).await;
        let stop_sent = Instant::now();
        let stop_took = tokio::task::block_in_place(|| server.stop(how));
        let down = Instant::now();
        tokio::time::sleep(plan.outage).await;
        let restart_sent = Instant::now();
        if let Err(err) = tokio::task::block_in_place(|| server.restart()) {
            journal.violation(format!("restart after {how:?} failed: {err}"));
        }
        let up = Instant::now();
        let recovered = wait_for_recovery(target, up + plan.recovery_deadline).await;
        if recovered.is_none() {
            journal.violation(format!(
                "no recovery within {:?} of the restart after {how:?}",
                plan.recovery_deadline
            ));
        }
        timelines.push(Timeline {
            how,
            stop_sent,
            stop_took: stop_took.unwrap_or_default(),
            down,
            restart_sent,
            up,
            recovered,
        });
    }
    tokio::time::sleep(plan.warmup).await;
    stop.store(true, Ordering::SeqCst);
    for task in workers {
        if let Err(err) = task.await {
            journal.violation(format!("a workload task panicked: {err}"));
        }
    }
    let verified = verify(target, &journal, hang_limit).await;
    analyse(target, plan, &journal, &timelines, verified)
}

/// The first moment a probe of 16 reads of distinct keys (which spread over
/// every node of a cluster) all succeed, polling every 50 ms until `deadline`.
async fn wait_for_recovery(target: &Target, deadline: Instant) -> Option<Instant> {
    let mut round = 0u32;
    while Instant::now() < deadline {
        round += 1;
        let probes = (0..16).map(|key| {
            let sessions = target.sessions.clone();
            async move {
                sessions
                    .get_session_by_access_token(&format!("probe{round}x{key}"))
                    .await
            }
        });
        let results = futures::future::join_all(probes).await;
        if results.iter().all(|r| matches!(r, Ok(None))) {
            return Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Reads back every acknowledged write through the same adapter value;
/// returns how many records were checked.
async fn verify(target: &Target, journal: &Journal, hang_limit: Duration) -> usize {
    let users = journal.users.lock().map(|u| u.clone()).unwrap_or_default();
    let sessions = journal
        .sessions
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    let consumed = journal
        .consumed
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default();
    let checked = users.len() + sessions.len() + consumed.len();
    let mut failures: Vec<String> = Vec::new();
    if let Some(user_store) = &target.users {
        let found = stream::iter(users.iter())
            .map(|id| async move {
                let read = tokio::time::timeout(hang_limit, user_store.get_user_by_id(id)).await;
                match read {
                    Ok(Ok(Some(user))) if user.id == *id => None,
                    other => Some(format!(
                        "acknowledged user {id} after the restarts: {other:?}"
                    )),
                }
            })
            .buffer_unordered(16)
            .filter_map(|failure| async move { failure })
            .collect::<Vec<_>>()
            .await;
        failures.extend(found);
    }
    let store = &target.sessions;
    let found = stream::iter(sessions.iter())
        .map(|session| async move {
            let read = tokio::time::timeout(
                hang_limit,
                store.get_session_by_access_token(&session.access_token),
            )
            .await;
            match read {
                Ok(Ok(Some(read))) if read == *session => None,
                other => Some(format!(
                    "acknowledged session {} after the restarts: {other:?}",
                    session.access_token
                )),
            }
        })
        .buffer_unordered(16)
        .filter_map(|failure| async move { failure })
        .collect::<Vec<_>>()
        .await;
    failures.extend(found);
    let found = stream::iter(consumed.iter())
        .map(|token| async move {
            let read =
                tokio::time::timeout(hang_limit, store.get_user_id_by_refresh_token(token)).await;
            match read {
                Ok(Ok(None)) => None,
                other => Some(format!(
                    "consumed refresh token {token} after the restarts: {other:?}"
                )),
            }
        })
        .buffer_unordered(16)
        .filter_map(|failure| async move { failure })
        .collect::<Vec<_>>()
        .await;
    failures.extend(found);
    for failure in failures {
        journal.violation(failure);
    }
    checked
}
