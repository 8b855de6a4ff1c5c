//! [`RawStore`]: the memory adapter's records without its rules, for oracles and tools.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use adapter_core::{AdapterError, NewUser, RefreshToken, Session, User};

use crate::store::Store;

/// Reads and writes a [`MemoryAdapter`](crate::MemoryAdapter)'s records
/// directly: no validation, no expiry filter, no ownership check. Stored
/// records stay unique by id, provider id and token.
///
/// ```
/// use adapter_core::Session;
/// use adapter_memory::MemoryAdapter;
///
/// let adapter = MemoryAdapter::new();
/// let raw = adapter.raw();
/// raw.insert_session(Session { access_token: "t".into(), user_id: "ghost".into(), expires: 0 }).unwrap();
/// assert_eq!(raw.session("t").unwrap().user_id, "ghost");
/// ```
#[derive(Clone, Debug)]
pub struct RawStore {
    store: Arc<RwLock<Store>>,
}

impl RawStore {
    pub(crate) fn new(store: Arc<RwLock<Store>>) -> Self {
        Self { store }
    }

    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The stored user.
    pub fn user(&self, user_id: &str) -> Option<User> {
        self.read().user(user_id).cloned()
    }

    /// The stored session, expired or not.
    pub fn session(&self, access_token: &str) -> Option<Session> {
        self.read().session(access_token).cloned()
    }

    /// The stored refresh token's owner, existing or not.
    pub fn refresh_token_owner(&self, refresh_token: &str) -> Option<String> {
        self.read().refresh_token_owner(refresh_token).cloned()
    }

    /// How many users, sessions (live or not) and refresh tokens are stored.
    pub fn counts(&self) -> (u64, u64, u64) {
        self.read().counts()
    }

    /// Stores a user as given (no key or value rules); fails only on a duplicate id or provider id.
    pub fn insert_user(&self, user: User) -> Result<(), AdapterError> {
        let new = NewUser {
            provider_id: user.provider_id,
            hashed_password: user.hashed_password,
            user_data: user.user_data,
        };
        self.write().insert_user(user.id, new, &[])
    }

    /// Stores a session as given, even expired or for a missing user.
    pub fn insert_session(&self, session: Session) -> Result<(), AdapterError> {
        self.write().insert_session(session)
    }

    /// Stores a refresh token as given, even for a missing user.
    pub fn insert_refresh_token(&self, token: RefreshToken) -> Result<(), AdapterError> {
        self.write().insert_refresh_token(token)
    }
}
