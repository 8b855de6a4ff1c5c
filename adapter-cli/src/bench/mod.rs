//! `adapter bench`: each operation's cost through the adapter beside its
//! floor (the same work as one hand-written query on the raw driver, over the
//! same pool), measured in the same run, in alternating slices.

mod expiry;
pub mod floor_memory;
#[cfg(feature = "mongo")]
mod floor_mongo;
#[cfg(feature = "redis")]
mod floor_redis;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod floor_sql;
mod floors;
mod measure;
mod report;
mod seed;
mod workload;

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub use floors::open_sides;
pub use report::{BenchReport, OperationResult};
use seed::{plan_records, SeedPlan, Side};
use workload::{Floor, Operation, Workload};

/// What to measure and how long.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BenchOptions {
    /// Seeded users.
    pub users: usize,
    /// Sessions per seeded user.
    pub sessions_per_user: usize,
    /// The concurrencies to measure each operation at.
    pub concurrency: Vec<usize>,
    /// Time per operation and concurrency, both sides together.
    pub duration: Duration,
    /// Expired sessions for the `delete_expired_sessions` measurement.
    pub expired_sessions: usize,
}

impl BenchOptions {
    /// The small, fast variant CI runs on every backend.
    pub fn quick() -> Self {
        Self {
            users: 500,
            sessions_per_user: 3,
            concurrency: vec![1, 8],
            duration: Duration::from_millis(600),
            expired_sessions: 5_000,
        }
    }
}

/// Alternating slices per side: noise on a shared machine hits both sides alike.
const ROUNDS: u32 = 3;

/// Seeds, measures every operation on both sides, then the expired-session purge.
pub async fn run(
    adapter: Arc<dyn Workload>,
    floor: Arc<dyn Floor>,
    options: &BenchOptions,
    show_progress: bool,
) -> anyhow::Result<BenchReport> {
    let plan = SeedPlan {
        users: options.users,
        sessions_per_user: options.sessions_per_user,
        pool: options.users,
        levels: options.concurrency.len(),
    };
    let progress = if show_progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    progress.enable_steady_tick(Duration::from_millis(200));

    progress.set_message(format!(
        "seeding {} users with {} sessions each",
        plan.users, plan.sessions_per_user
    ));
    let data = plan_records(plan);
    floor
        .seed(&data.users, &data.sessions, &data.refresh_tokens)
        .await?;

    let cursors = Arc::new(measure::Cursors::default());
    let mut results = Vec::new();
    for op in Operation::ALL {
        for (level, &concurrency) in options.concurrency.iter().enumerate() {
            progress.set_message(format!("{} at concurrency {concurrency}", op.name()));
            let slice = options.duration / (2 * ROUNDS);
            let mut samples = [Vec::new(), Vec::new()];
            let mut elapsed = [Duration::ZERO; 2];
            for _ in 0..ROUNDS {
                for (index, (side, workload)) in [
                    (Side::Adapter, adapter.clone()),
                    (Side::Floor, floor.clone() as Arc<dyn Workload>),
                ]
                .into_iter()
                .enumerate()
                {
                    let spec = measure::SliceSpec {
                        op,
                        side,
                        level,
                        concurrency,
                        duration: slice,
                        plan,
                    };
                    let sample = measure::slice(workload, cursors.clone(), spec).await?;
                    samples[index].extend(sample.latencies_ns);
                    elapsed[index] += sample.elapsed;
                }
            }
            let [adapter_ns, floor_ns] = samples;
            results.push(OperationResult::new(
                op,
                concurrency,
                adapter_ns,
                elapsed[0],
                floor_ns,
                elapsed[1],
            ));
        }
    }

    progress.set_message(format!(
        "delete_expired_sessions over {} expired sessions",
        options.expired_sessions
    ));
    let expiry = expiry::measure(
        adapter.as_ref(),
        floor.as_ref(),
        options.expired_sessions,
        plan.users,
    )
    .await?;
    progress.finish_and_clear();
    Ok(BenchReport {
        options: options.clone(),
        operations: results,
        expiry,
        single_core: None,
    })
}
