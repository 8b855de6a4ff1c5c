//! The storage contract of the auth adapters.
//!
//! Every backend (memory, MongoDB, SQL, Redis) implements [`UserAdapter`],
//! [`SessionAdapter`] and [`Adapter`] with the same behaviour, which the
//! `adapter-conformance` suite checks. This crate holds the records, the
//! traits, [`AdapterError`], the injectable [`Clock`], [`Split`] (users in one
//! store, sessions in another) and the input rules in [`validate`] that every
//! backend calls, so bad input gets the same answer everywhere. No I/O.
//!
//! ```
//! use std::sync::Arc;
//! use adapter_core::{Adapter, Clock, ManualClock, Session};
//!
//! fn live(adapter: Arc<dyn Adapter>, clock: &ManualClock, session: &Session) -> bool {
//!     session.is_live_at(clock.now_ms())
//! }
//! ```

mod clock;
mod error;
mod hashed;
mod maintenance;
mod observe;
mod redact;
mod split;
mod traits;
mod types;
pub mod validate;

pub use clock::{is_live, Clock, ManualClock, SharedClock, SystemClock};
pub use error::{AdapterError, BoxError, DbOp};
pub use hashed::{is_token_digest, token_digest, HashedTokens};
pub use maintenance::{Maintenance, StoreStats};
pub use observe::observe;
pub use redact::redact_url;
pub use split::Split;
pub use traits::{Adapter, SessionAdapter, UserAdapter};
pub use types::{NewUser, RefreshToken, Session, User, UserData, UserUpdate};

/// Makes user ids for `set_user(None, ..)`; configured on a backend's builder.
///
/// ```
/// use std::sync::Arc;
/// let counter = std::sync::atomic::AtomicU64::new(0);
/// let generate: adapter_core::UserIdGenerator =
///     Arc::new(move || format!("u{}", counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
/// assert_eq!(generate(), "u0");
/// ```
pub type UserIdGenerator = std::sync::Arc<dyn Fn() -> String + Send + Sync>;
