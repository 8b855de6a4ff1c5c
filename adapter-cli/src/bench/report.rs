//! Benchmark figures: medians, tails, throughput and ratios to the floor.

use std::time::Duration;

use serde::Serialize;

use super::measure::quantile_us;
use super::workload::Operation;
use super::BenchOptions;

/// One side's figures for one operation at one concurrency.
#[derive(Clone, Debug, Serialize)]
pub struct SideFigures {
    /// Calls made.
    pub calls: usize,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// Calls per second over the measured slices.
    pub per_second: f64,
}

impl SideFigures {
    fn new(mut latencies_ns: Vec<u64>, elapsed: Duration) -> Self {
        latencies_ns.sort_unstable();
        let seconds = elapsed.as_secs_f64();
        Self {
            calls: latencies_ns.len(),
            p50_us: quantile_us(&latencies_ns, 0.5),
            p99_us: quantile_us(&latencies_ns, 0.99),
            per_second: if seconds > 0.0 {
                latencies_ns.len() as f64 / seconds
            } else {
                0.0
            },
        }
    }
}

/// An operation through the adapter beside its floor.
#[derive(Clone, Debug, Serialize)]
pub struct OperationResult {
    /// Which operation.
    pub operation: &'static str,
    /// Concurrent tasks.
    pub concurrency: usize,
    /// Through the adapter.
    pub adapter: SideFigures,
    /// On the raw driver.
    pub floor: SideFigures,
    /// Adapter p50 / floor p50.
    pub p50_ratio: f64,
}

impl OperationResult {
    /// Figures from raw latencies.
    pub fn new(
        op: Operation,
        concurrency: usize,
        adapter_ns: Vec<u64>,
        adapter_elapsed: Duration,
        floor_ns: Vec<u64>,
        floor_elapsed: Duration,
    ) -> Self {
        let adapter = SideFigures::new(adapter_ns, adapter_elapsed);
        let floor = SideFigures::new(floor_ns, floor_elapsed);
        let p50_ratio = adapter.p50_us / floor.p50_us;
        Self {
            operation: op.name(),
            concurrency,
            adapter,
            floor,
            p50_ratio,
        }
    }
}

/// `delete_expired_sessions` over many expired sessions.
#[derive(Clone, Debug, Serialize)]
pub struct ExpiryResult {
    /// How many expired sessions each side purged.
    pub expired_sessions: usize,
    /// The adapter's time (median of its rounds).
    pub adapter_ms: f64,
    /// The floor's time (median of its rounds).
    pub floor_ms: f64,
    /// Growth of this process's peak memory during the adapter's purges, KiB (the largest).
    pub adapter_peak_growth_kib: Option<u64>,
    /// The same during the floor's purges.
    pub floor_peak_growth_kib: Option<u64>,
}

/// The memory backend's single-core read rate.
#[derive(Clone, Debug, Serialize)]
pub struct SingleCore {
    /// `get_session_by_access_token` calls per second on one thread.
    pub get_session_by_access_token_per_second: f64,
    /// The same work on the floor's maps.
    pub floor_per_second: f64,
}

/// Everything one `adapter bench` run measured.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// What was asked.
    pub options: BenchOptions,
    /// Per operation and concurrency.
    pub operations: Vec<OperationResult>,
    /// The purge.
    pub expiry: ExpiryResult,
    /// Memory backend only.
    pub single_core: Option<SingleCore>,
}

impl BenchReport {
    /// The figures as a text table.
    pub fn print(&self, backend: &str) {
        println!(
            "backend {backend}: {} users × {} sessions, {:?} per operation and concurrency",
            self.options.users, self.options.sessions_per_user, self.options.duration
        );
        println!(
            "{:<28} {:>3} | {:>10} {:>10} {:>11} | {:>10} {:>10} {:>11} | {:>6}",
            "operation",
            "c",
            "p50 µs",
            "p99 µs",
            "ops/s",
            "floor p50",
            "floor p99",
            "floor ops/s",
            "ratio"
        );
        for result in &self.operations {
            println!(
                "{:<28} {:>3} | {:>10.1} {:>10.1} {:>11.0} | {:>10.1} {:>10.1} {:>11.0} | {:>6.2}",
                result.operation,
                result.concurrency,
                result.adapter.p50_us,
                result.adapter.p99_us,
                result.adapter.per_second,
                result.floor.p50_us,
                result.floor.p99_us,
                result.floor.per_second,
                result.p50_ratio
            );
        }
        let expiry = &self.expiry;
        println!(
            "delete_expired_sessions over {} expired (median of 3): adapter {:.1} ms (peak memory +{} KiB), floor {:.1} ms (+{} KiB), ratio {:.2}",
            expiry.expired_sessions,
            expiry.adapter_ms,
            expiry.adapter_peak_growth_kib.map_or("?".into(), |kib| kib.to_string()),
            expiry.floor_ms,
            expiry.floor_peak_growth_kib.map_or("?".into(), |kib| kib.to_string()),
            expiry.adapter_ms / expiry.floor_ms,
        );
        if let Some(single) = &self.single_core {
            println!(
                "get_session_by_access_token on one core: {:.0} calls/s (floor {:.0}/s, ratio {:.2})",
                single.get_session_by_access_token_per_second,
                single.floor_per_second,
                single.floor_per_second / single.get_session_by_access_token_per_second
            );
        }
    }
}
