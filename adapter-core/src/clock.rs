//! The one source of time an adapter uses to decide expiry.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in milliseconds since the Unix epoch.
///
/// Every backend takes one through its builder and uses it, never the
/// database's own `now()`, to decide whether a session is live.
pub trait Clock: Debug + Send + Sync {
    /// Now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// A shared clock, as the builders take it.
pub type SharedClock = Arc<dyn Clock>;

/// Whether a session expiring at `expires` is live at `now`: live while `now <= expires`.
///
/// ```
/// assert!(adapter_core::is_live(10, 10));
/// assert!(!adapter_core::is_live(9, 10));
/// ```
pub fn is_live(expires: i64, now: i64) -> bool {
    now <= expires
}

/// The wall clock.
///
/// ```
/// use adapter_core::{Clock, SystemClock};
/// assert!(SystemClock.now_ms() > 1_600_000_000_000);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
            Err(before_epoch) => {
                i64::try_from(before_epoch.duration().as_millis()).map_or(i64::MIN, |ms| -ms)
            }
        }
    }
}

/// A clock that moves only when told to; for tests.
///
/// ```
/// use adapter_core::{Clock, ManualClock};
/// let clock = ManualClock::new(1_000);
/// clock.advance(500);
/// assert_eq!(clock.now_ms(), 1_500);
/// clock.set(0);
/// assert_eq!(clock.now_ms(), 0);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock stopped at `now_ms`.
    pub fn new(now_ms: i64) -> Self {
        Self {
            now: AtomicI64::new(now_ms),
        }
    }

    /// Sets the time.
    pub fn set(&self, now_ms: i64) {
        self.now.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the time by `delta_ms` (negative moves back), saturating at the i64 bounds.
    pub fn advance(&self, delta_ms: i64) {
        let _ = self
            .now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(delta_ms))
            });
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}
