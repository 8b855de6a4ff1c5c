//! [`MemoryAdapter`] and its trait implementations.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use adapter_core::{
    observe, validate, Adapter, AdapterError, Maintenance, NewUser, RefreshToken, Session,
    SessionAdapter, SharedClock, StoreStats, User, UserAdapter, UserIdGenerator, UserUpdate,
};
use async_trait::async_trait;

use crate::builder::MemoryAdapterBuilder;
use crate::raw::RawStore;
use crate::store::Store;

const BACKEND: &str = "memory";

/// The reference adapter: all records in this process, every rule of the contract.
///
/// Clones share one store. Every call runs under one lock that is never held
/// across an await, so each call is atomic and many tasks may call at once.
/// Values are handed out as copies.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use adapter_core::{NewUser, UserAdapter};
/// use adapter_memory::MemoryAdapter;
///
/// let adapter = MemoryAdapter::new();
/// let id = adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
/// assert_eq!(adapter.get_user_by_id(&id).await?.unwrap().provider_id, "email:ada@example.com");
/// # Ok::<(), adapter_core::AdapterError>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct MemoryAdapter {
    pub(crate) store: Arc<RwLock<Store>>,
    clock: SharedClock,
    id_generator: Option<UserIdGenerator>,
    unique_fields: Arc<[String]>,
}

impl std::fmt::Debug for MemoryAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryAdapter")
            .field("clock", &self.clock)
            .field("id_generator", &self.id_generator.is_some())
            .field("unique_fields", &self.unique_fields)
            .finish_non_exhaustive()
    }
}

impl Default for MemoryAdapter {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryAdapter {
    /// An empty adapter on the system clock, without an id generator or unique user-data fields.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder for clock, id generator and unique user-data fields.
    pub fn builder() -> MemoryAdapterBuilder {
        MemoryAdapterBuilder::default()
    }

    pub(crate) fn from_builder(builder: MemoryAdapterBuilder) -> Self {
        Self {
            store: Arc::default(),
            clock: builder.clock,
            id_generator: builder.id_generator,
            unique_fields: builder.unique_fields.into(),
        }
    }

    /// Raw access to the stored records, bypassing the rules: for tests and tools.
    pub fn raw(&self) -> RawStore {
        RawStore::new(self.store.clone())
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

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}

#[async_trait]
impl UserAdapter for MemoryAdapter {
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_id", async {
            validate::key("user_id", user_id)?;
            Ok(self.read().user(user_id).cloned())
        })
        .await
    }

    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_provider_id", async {
            validate::key("provider_id", provider_id)?;
            Ok(self.read().user_by_provider_id(provider_id).cloned())
        })
        .await
    }

    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
        observe(BACKEND, "set_user", async {
            validate::new_user(user_id, &user)?;
            let id = match user_id {
                Some(id) => id.to_owned(),
                None => {
                    let generate = self
                        .id_generator
                        .as_ref()
                        .ok_or(AdapterError::UserIdRequired)?;
                    let id = generate();
                    validate::key("user_id", &id)?;
                    id
                }
            };
            self.write()
                .insert_user(id.clone(), user, &self.unique_fields)?;
            Ok(id)
        })
        .await
    }

    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        observe(BACKEND, "update_user", async {
            validate::user_update(user_id, &update)?;
            self.write()
                .update_user(user_id, update, &self.unique_fields)
        })
        .await
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_user", async {
            validate::key("user_id", user_id)?;
            Ok(u64::from(
                self.write().delete_user(user_id, &self.unique_fields),
            ))
        })
        .await
    }
}

#[async_trait]
impl SessionAdapter for MemoryAdapter {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        observe(BACKEND, "get_session_by_access_token", async {
            validate::key("access_token", access_token)?;
            Ok(self.read().live_session(access_token, self.now()).cloned())
        })
        .await
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        observe(BACKEND, "get_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            Ok(self.read().live_sessions_of(user_id, self.now()))
        })
        .await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        observe(BACKEND, "set_session", async {
            validate::session(session)?;
            let mut store = self.write();
            if store.user(&session.user_id).is_none() {
                return Err(AdapterError::InvalidUserId);
            }
            store.insert_session(session.clone())
        })
        .await
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_session_by_access_token", async {
            validate::keys("access_token", access_tokens)?;
            let mut store = self.write();
            Ok(access_tokens
                .iter()
                .filter(|token| store.delete_session(token))
                .count() as u64)
        })
        .await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            Ok(self.write().delete_sessions_by_user(user_id))
        })
        .await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_expired_sessions", async {
            let now = self.now();
            Ok(self.write().delete_expired_sessions(now, usize::MAX))
        })
        .await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(BACKEND, "get_user_id_by_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let store = self.read();
            Ok(store
                .refresh_token_owner(refresh_token)
                .filter(|owner| store.user(owner).is_some())
                .cloned())
        })
        .await
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        observe(BACKEND, "set_refresh_token", async {
            validate::refresh_token(token)?;
            let mut store = self.write();
            if store.user(&token.user_id).is_none() {
                return Err(AdapterError::InvalidUserId);
            }
            store.insert_refresh_token(token.clone())
        })
        .await
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(BACKEND, "consume_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let mut store = self.write();
            let owner = store.take_refresh_token(refresh_token);
            Ok(owner.filter(|owner| store.user(owner).is_some()))
        })
        .await
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_refresh_token", async {
            validate::keys("refresh_token", refresh_tokens)?;
            let mut store = self.write();
            Ok(refresh_tokens
                .iter()
                .filter(|token| store.take_refresh_token(token).is_some())
                .count() as u64)
        })
        .await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_refresh_tokens_by_user_id", async {
            validate::key("user_id", user_id)?;
            Ok(self.write().delete_refresh_tokens_by_user(user_id))
        })
        .await
    }
}

#[async_trait]
impl Adapter for MemoryAdapter {
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        observe(BACKEND, "get_session_and_user", async {
            validate::key("access_token", access_token)?;
            let store = self.read();
            let Some(session) = store.live_session(access_token, self.now()) else {
                return Ok(None);
            };
            Ok(store
                .user(&session.user_id)
                .map(|user| (session.clone(), user.clone())))
        })
        .await
    }

    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_access_token", async {
            validate::key("access_token", access_token)?;
            let store = self.read();
            Ok(store
                .live_session(access_token, self.now())
                .and_then(|session| store.user(&session.user_id))
                .cloned())
        })
        .await
    }
}

#[async_trait]
impl Maintenance for MemoryAdapter {
    async fn migrate(&self) -> Result<Vec<String>, AdapterError> {
        Ok(vec!["memory: nothing to set up".to_owned()])
    }

    async fn stats(&self) -> Result<StoreStats, AdapterError> {
        Ok(self.read().stats(self.now()))
    }

    async fn purge_expired_sessions(&self, limit: u64) -> Result<u64, AdapterError> {
        observe(BACKEND, "purge_expired_sessions", async {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            let now = self.now();
            Ok(self.write().delete_expired_sessions(now, limit))
        })
        .await
    }
}
