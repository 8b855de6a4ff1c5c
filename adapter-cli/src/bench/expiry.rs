//! `delete_expired_sessions` over many expired sessions: time and peak memory.

use std::time::Instant;

use super::report::ExpiryResult;
use super::seed::expired_sessions;
use super::workload::{Floor, Workload};

/// The process's peak resident memory since the last reset, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak so the next reading covers only what follows (Linux ≥ 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Seeds `count` expired sessions and times one side's purge of them.
async fn purge(
    side: &dyn Workload,
    floor: &dyn Floor,
    count: usize,
    users: usize,
    round: usize,
) -> anyhow::Result<(f64, u64, Option<u64>)> {
    floor
        .seed(&[], &expired_sessions(count, users, round), &[])
        .await?;
    reset_peak_rss();
    let before = peak_rss_kib();
    let started = Instant::now();
    let deleted = side.delete_expired_sessions().await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let growth = match (before, peak_rss_kib()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    Ok((ms, deleted, growth))
}

/// Purges per side, alternating: noise on a shared machine hits both alike.
const ROUNDS: usize = 3;

/// The median of `values` (not empty).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The adapter's purge beside the floor's, each over `count` fresh expired
/// sessions, [`ROUNDS`] times in turn: median times, largest memory growth.
pub async fn measure(
    adapter: &dyn Workload,
    floor: &dyn Floor,
    count: usize,
    users: usize,
) -> anyhow::Result<ExpiryResult> {
    let mut times = [Vec::new(), Vec::new()];
    let mut growth: [Option<u64>; 2] = [None, None];
    for round in 0..ROUNDS {
        for (index, side) in [adapter, floor as &dyn Workload].into_iter().enumerate() {
            let (ms, deleted, grew) = purge(side, floor, count, users, 2 * round + index).await?;
            if deleted < count as u64 {
                anyhow::bail!(
                    "delete_expired_sessions removed {deleted} of {count} expired sessions ({})",
                    ["adapter", "floor"][index]
                );
            }
            times[index].push(ms);
            growth[index] = growth[index].max(grew);
        }
    }
    let [adapter_ms, floor_ms] = times.map(median);
    Ok(ExpiryResult {
        expired_sessions: count,
        adapter_ms,
        floor_ms,
        adapter_peak_growth_kib: growth[0],
        floor_peak_growth_kib: growth[1],
    })
}
