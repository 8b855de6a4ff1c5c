//! The figures of a fault run and the promises checked against them.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::fault::FaultPlan;
use crate::server::Stop;
use crate::workload::{Call, Journal, Outcome, Target};

/// When one stop and restart happened.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Clean stop or kill.
    pub how: Stop,
    /// When the signal was sent.
    pub stop_sent: Instant,
    /// How long the process took to exit.
    pub stop_took: Duration,
    /// When the process had exited.
    pub down: Instant,
    /// When the restart began.
    pub restart_sent: Instant,
    /// When the restarted server accepted connections.
    pub up: Instant,
    /// When a probe through the adapter first fully succeeded.
    pub recovered: Option<Instant>,
}

/// The figures of one stop and restart.
#[derive(Clone, Debug)]
pub struct OutageFigures {
    /// Clean stop or kill.
    pub how: Stop,
    /// How long the process took to exit after the signal.
    pub stop_took: Duration,
    /// From the stop signal to the restarted server accepting connections.
    pub outage: Duration,
    /// Calls running at some moment between the stop signal and the restarted
    /// server accepting connections.
    pub calls: usize,
    /// Of those, how many failed with a transient `Database` error.
    pub transient: usize,
    /// Of those, how many succeeded after starting once the server was down
    /// (only possible on a partial outage: other cluster nodes).
    pub served_while_down: usize,
    /// Of those, how many waited for the restart and then succeeded.
    pub bridged: usize,
    /// The longest of those calls.
    pub max_latency: Duration,
    /// From the restart (port open) to the first workload call that succeeded.
    pub first_success: Option<Duration>,
    /// From the restart to a probe of 16 reads all succeeding.
    pub recovered: Option<Duration>,
}

/// Everything one fault run measured. `Display` prints it as a small table.
#[derive(Clone, Debug)]
pub struct FaultReport {
    /// The backend.
    pub backend: String,
    /// One entry per stop.
    pub outages: Vec<OutageFigures>,
    /// Calls by outcome: `ok`, `transient`, `other`, `hang`.
    pub totals: BTreeMap<&'static str, usize>,
    /// The longest call of the whole run.
    pub max_latency: Duration,
    /// The most a call was allowed to take.
    pub call_budget: Duration,
    /// Acknowledged users, sessions and consumed refresh tokens.
    pub acknowledged: (usize, usize, usize),
    /// Acknowledged records read back after the restarts.
    pub verified: usize,
    /// Refresh tokens whose consume failed during the outage (neither checked nor counted).
    pub ambiguous_tokens: u64,
    /// Broken promises; empty when the run passed.
    pub violations: Vec<String>,
}

impl FaultReport {
    /// Prints the figures straight to the process's stderr (past libtest's
    /// capture), then panics listing every broken promise, if any.
    pub fn assert_kept_promises(&self) {
        let _ = writeln!(std::io::stderr(), "{self}");
        assert!(
            self.violations.is_empty(),
            "{}: {} broken promise(s):\n{}",
            self.backend,
            self.violations.len(),
            self.violations.join("\n")
        );
    }
}

fn ms(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

fn opt_ms(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "never".into(), ms)
}

impl fmt::Display for FaultReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "FAULTS {}:", self.backend)?;
        for o in &self.outages {
            writeln!(
                f,
                "  {:<5} (exit took {}) outage {:>7}: {} calls overlapping it ({} transient errors, {} served by other nodes, {} waited and succeeded), slowest {}; first success {} after restart, full probe {}",
                format!("{:?}", o.how),
                ms(o.stop_took),
                ms(o.outage),
                o.calls,
                o.transient,
                o.served_while_down,
                o.bridged,
                ms(o.max_latency),
                opt_ms(o.first_success),
                opt_ms(o.recovered),
            )?;
        }
        let (users, sessions, consumed) = self.acknowledged;
        writeln!(
            f,
            "  calls {:?}, slowest {} (budget {}); acknowledged {users} users, {sessions} sessions, {consumed} consumed tokens: {} read back after the restarts; {} consumes left ambiguous by the outage",
            self.totals,
            ms(self.max_latency),
            ms(self.call_budget),
            self.verified,
            self.ambiguous_tokens,
        )?;
        write!(f, "  broken promises: {}", self.violations.len())
    }
}

/// Checks the recorded calls against the timelines and builds the report.
pub(crate) fn analyse(
    target: &Target,
    plan: &FaultPlan,
    journal: &Journal,
    timelines: &[Timeline],
    verified: usize,
) -> FaultReport {
    let calls = journal.calls();
    let mut violations = journal
        .violations
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default();
    let budget = plan.call_budget();
    let mut totals = BTreeMap::from([("ok", 0), ("transient", 0), ("other", 0), ("hang", 0)]);
    let mut others: BTreeMap<String, usize> = BTreeMap::new();
    let mut over_budget = 0;
    let mut max_latency = Duration::ZERO;
    for call in &calls {
        let key = match &call.outcome {
            Outcome::Ok => "ok",
            Outcome::Transient => "transient",
            Outcome::Other(what) => {
                *others
                    .entry(format!("{}: {what}", call.method))
                    .or_default() += 1;
                "other"
            }
            Outcome::Hang => "hang",
        };
        *totals.entry(key).or_default() += 1;
        let latency = call.ended - call.started;
        max_latency = max_latency.max(latency);
        if latency > budget {
            over_budget += 1;
        }
    }
    for (what, count) in others {
        violations.push(format!(
            "{count} call(s) failed with a non-transient error: {what}"
        ));
    }
    if totals["hang"] > 0 {
        violations.push(format!("{} call(s) hung", totals["hang"]));
    }
    if over_budget > 0 {
        violations.push(format!(
            "{over_budget} call(s) took longer than {} (slowest {})",
            ms(budget),
            ms(max_latency)
        ));
    }
    let outages = timelines
        .iter()
        .map(|timeline| outage_figures(timeline, &calls, plan.partial_outage, &mut violations))
        .collect();
    let count = |list: &std::sync::Mutex<Vec<_>>| list.lock().map_or(0, |l| l.len());
    FaultReport {
        backend: target.backend.clone(),
        outages,
        totals,
        max_latency,
        call_budget: budget,
        acknowledged: (
            journal.users.lock().map_or(0, |u| u.len()),
            count(&journal.sessions),
            journal.consumed.lock().map_or(0, |c| c.len()),
        ),
        verified,
        ambiguous_tokens: journal.ambiguous_tokens.lock().map_or(0, |n| *n),
        violations,
    }
}

fn outage_figures(
    t: &Timeline,
    calls: &[Call],
    partial: bool,
    violations: &mut Vec<String>,
) -> OutageFigures {
    // Every call that was running at some moment between the stop signal and
    // the restarted server accepting connections.
    let during: Vec<&Call> = calls
        .iter()
        .filter(|call| call.started < t.up && call.ended > t.stop_sent)
        .collect();
    let transient = during
        .iter()
        .filter(|call| call.outcome == Outcome::Transient)
        .count();
    let bridged = during
        .iter()
        .filter(|call| call.outcome == Outcome::Ok && call.ended >= t.up)
        .count();
    let served_while_down = during
        .iter()
        .filter(|call| {
            call.outcome == Outcome::Ok && call.started >= t.down && call.ended < t.restart_sent
        })
        .count();
    if served_while_down > 0 && !partial {
        violations.push(format!(
            "{served_while_down} call(s) succeeded while the server was down after {:?}",
            t.how
        ));
    }
    if transient == 0 {
        violations.push(format!(
            "no call failed between the stop and the restart after {:?}: the outage was not exercised",
            t.how
        ));
    }
    let first_success = calls
        .iter()
        .filter(|call| call.outcome == Outcome::Ok && call.started >= t.up)
        .map(|call| call.ended - t.up)
        .min();
    OutageFigures {
        how: t.how,
        stop_took: t.stop_took,
        outage: t.up - t.stop_sent,
        calls: during.len(),
        transient,
        served_while_down,
        bridged,
        max_latency: during
            .iter()
            .map(|call| call.ended - call.started)
            .max()
            .unwrap_or_default(),
        first_success,
        recovered: t.recovered.map(|r| r - t.up),
    }
}
