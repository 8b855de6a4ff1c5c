//! Timing one operation on one side: `concurrency` tasks for a slice of time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use adapters::Session;

use super::seed::{
    pool_refresh_token, pool_user, provider_id, session_token, user_id, SeedPlan, Side,
};
use super::workload::{Operation, Workload};

/// Latencies of one slice, and how long it ran.
#[derive(Debug, Default)]
pub struct Sample {
    /// Each call's latency, in nanoseconds.
    pub latencies_ns: Vec<u64>,
    /// Wall time of the slice.
    pub elapsed: Duration,
}

/// Where each (side, operation, concurrency level) is in its sequence of
/// inputs, across slices, so no pool entry or new key is used twice.
/// (side, operation name, concurrency level).
type CursorKey = (Side, &'static str, usize);

#[derive(Default)]
pub struct Cursors {
    cursors: Mutex<HashMap<CursorKey, Arc<AtomicUsize>>>,
}

impl Cursors {
    fn of(&self, side: Side, op: Operation, level: usize) -> Arc<AtomicUsize> {
        let mut cursors = self
            .cursors
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cursors.entry((side, op.name(), level)).or_default().clone()
    }
}

/// Spreads `n` over `0..len` so consecutive calls touch scattered records.
fn scatter(n: usize, len: usize) -> usize {
    n.wrapping_mul(2_654_435_761) % len.max(1)
}

/// Calls `op` once with the `n`th input of `side`; `None` when its pool is used up.
async fn call(
    workload: &dyn Workload,
    op: Operation,
    side: Side,
    level: usize,
    n: usize,
    plan: SeedPlan,
    expires: i64,
) -> Option<anyhow::Result<()>> {
    let users = plan.users.max(1);
    let tag = side.tag();
    Some(match op {
        Operation::GetSessionAndUser => {
            let i = scatter(n, users);
            workload
                .get_session_and_user(&session_token(i, n % plan.sessions_per_user.max(1)))
                .await
        }
        Operation::GetUserByProviderId => {
            workload
                .get_user_by_provider_id(&provider_id(scatter(n, users)))
                .await
        }
        Operation::SetSession => {
            let session = Session {
                access_token: format!("bn{tag}{level}.{n}"),
                user_id: user_id(scatter(n, users)),
                expires,
            };
            workload.set_session(&session).await
        }
        Operation::SetUser => {
            workload
                .set_user(
                    &format!("bnu{tag}{level}.{n}"),
                    &format!("bench:bnu{tag}{level}.{n}"),
                )
                .await
        }
        Operation::ConsumeRefreshToken if n < plan.pool => {
            workload
                .consume_refresh_token(&pool_refresh_token(side, level, n))
                .await
        }
        Operation::DeleteSessionsByUserId if n < plan.pool => {
            workload
                .delete_sessions_by_user_id(&pool_user(side, level, n))
                .await
        }
        Operation::ConsumeRefreshToken | Operation::DeleteSessionsByUserId => return None,
    })
}

/// What one slice runs.
#[derive(Clone, Copy, Debug)]
pub struct SliceSpec {
    /// The operation.
    pub op: Operation,
    /// The side.
    pub side: Side,
    /// The index of the concurrency level, which picks the input pools.
    pub level: usize,
    /// Concurrent tasks.
    pub concurrency: usize,
    /// About how long.
    pub duration: Duration,
    /// What was seeded.
    pub plan: SeedPlan,
}

/// Runs one slice of `spec.op` on `spec.side`.
pub async fn slice(
    workload: Arc<dyn Workload>,
    cursors: Arc<Cursors>,
    spec: SliceSpec,
) -> anyhow::Result<Sample> {
    let SliceSpec {
        op,
        side,
        level,
        concurrency,
        duration: slice,
        plan,
    } = spec;
    let expires = adapters::Clock::now_ms(&adapters::SystemClock) + 24 * 60 * 60 * 1000;
    let started = Instant::now();
    let deadline = started + slice;
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let workload = workload.clone();
        let cursor = cursors.of(side, op, level);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let n = cursor.fetch_add(1, Ordering::Relaxed);
                let call_started = Instant::now();
                let Some(outcome) =
                    call(workload.as_ref(), op, side, level, n, plan, expires).await
                else {
                    break;
                };
                latencies
                    .push(u64::try_from(call_started.elapsed().as_nanos()).unwrap_or(u64::MAX));
                outcome
                    .map_err(|err| anyhow::anyhow!("{} on the {side:?} side: {err}", op.name()))?;
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut sample = Sample::default();
    for task in tasks {
        sample.latencies_ns.extend(task.await??);
    }
    sample.elapsed = started.elapsed();
    Ok(sample)
}

/// The `q` quantile (0..=1) of sorted latencies, in microseconds.
pub fn quantile_us(sorted_ns: &[u64], q: f64) -> f64 {
    if sorted_ns.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted_ns.len() - 1) as f64 * q).round() as usize;
    sorted_ns[rank.min(sorted_ns.len() - 1)] as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_ranked_latency() {
        let sorted: Vec<u64> = (1..=100).map(|us| us * 1000).collect();
        assert_eq!(quantile_us(&sorted, 0.5), 51.0);
        assert_eq!(quantile_us(&sorted, 0.99), 99.0);
        assert!(quantile_us(&[], 0.5).is_nan());
    }

    #[test]
    fn scatter_stays_in_range() {
        assert!((0..1000).all(|n| scatter(n, 7) < 7));
        assert_eq!(scatter(5, 0), 0);
    }
}
