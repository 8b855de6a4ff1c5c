//! The memory backend's floor: the same work on plain maps behind one lock,
//! with none of the adapter's validation, tracing or rules.

use std::collections::HashMap;
use std::sync::RwLock;

use adapters::memory::RawStore;
use adapters::{RefreshToken, Session, User};
use async_trait::async_trait;

use super::workload::{Floor, Workload};

#[derive(Default)]
struct Maps {
    users: HashMap<String, User>,
    by_provider: HashMap<String, String>,
    sessions: HashMap<String, Session>,
    sessions_by_user: HashMap<String, Vec<String>>,
    refresh_tokens: HashMap<String, String>,
}

/// Plain maps: what a hand-written in-memory store does at the least. Seeding
/// also fills the adapter's store, through its raw handle.
pub struct MemoryFloor {
    maps: RwLock<Maps>,
    adapter_store: RawStore,
}

impl MemoryFloor {
    /// A floor that seeds `adapter_store` beside its own maps.
    pub fn new(adapter_store: RawStore) -> Self {
        Self {
            maps: RwLock::default(),
            adapter_store,
        }
    }

    /// A copy of the user with this id, from the floor's own maps (the Redis
    /// floor keeps its users here).
    #[cfg(feature = "redis")]
    pub fn user(&self, user_id: &str) -> Option<User> {
        self.read().users.get(user_id).cloned()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Maps> {
        self.maps
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Maps> {
        self.maps
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Workload for MemoryFloor {
    async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()> {
        let maps = self.read();
        let session = maps
            .sessions
            .get(access_token)
            .ok_or_else(|| anyhow::anyhow!("seeded session not found"))?;
        let user = maps
            .users
            .get(&session.user_id)
            .ok_or_else(|| anyhow::anyhow!("seeded user not found"))?;
        std::hint::black_box((session.clone(), user.clone()));
        Ok(())
    }

    async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()> {
        let maps = self.read();
        let user = maps
            .by_provider
            .get(provider_id)
            .and_then(|id| maps.users.get(id))
            .ok_or_else(|| anyhow::anyhow!("seeded user not found"))?;
        std::hint::black_box(user.clone());
        Ok(())
    }

    async fn set_session(&self, session: &Session) -> anyhow::Result<()> {
        let mut maps = self.write();
        maps.sessions_by_user
            .entry(session.user_id.clone())
            .or_default()
            .push(session.access_token.clone());
        maps.sessions
            .insert(session.access_token.clone(), session.clone());
        Ok(())
    }

    async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()> {
        let mut maps = self.write();
        maps.by_provider
            .insert(provider_id.to_owned(), user_id.to_owned());
        let user = User {
            id: user_id.to_owned(),
            provider_id: provider_id.to_owned(),
            hashed_password: None,
            user_data: Default::default(),
        };
        maps.users.insert(user_id.to_owned(), user);
        Ok(())
    }

    async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()> {
        self.write()
            .refresh_tokens
            .remove(refresh_token)
            .map(|_| ())
            .ok_or_else(|| anyhow::anyhow!("seeded refresh token not found"))
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()> {
        let mut maps = self.write();
        let tokens = maps.sessions_by_user.remove(user_id).unwrap_or_default();
        let removed = tokens
            .iter()
            .filter(|token| maps.sessions.remove(token.as_str()).is_some())
            .count();
        if removed == 0 {
            anyhow::bail!("seeded sessions not found");
        }
        Ok(())
    }

    async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
        let now = adapters::Clock::now_ms(&adapters::SystemClock);
        let mut maps = self.write();
        let before = maps.sessions.len();
        maps.sessions.retain(|_, session| now <= session.expires);
        Ok((before - maps.sessions.len()) as u64)
    }
}

#[async_trait]
impl Floor for MemoryFloor {
    async fn seed(
        &self,
        users: &[User],
        sessions: &[Session],
        refresh_tokens: &[RefreshToken],
    ) -> anyhow::Result<()> {
        for user in users {
            self.set_user(&user.id, &user.provider_id).await?;
            self.adapter_store.insert_user(user.clone())?;
        }
        for session in sessions {
            self.set_session(session).await?;
            self.adapter_store.insert_session(session.clone())?;
        }
        for token in refresh_tokens {
            self.write()
                .refresh_tokens
                .insert(token.refresh_token.clone(), token.user_id.clone());
            self.adapter_store.insert_refresh_token(token.clone())?;
        }
        Ok(())
    }
}

/// `get_session_by_access_token` calls per second on one thread, through the
/// memory adapter and on plain maps, each for `duration`.
pub fn single_core(duration: std::time::Duration) -> anyhow::Result<super::report::SingleCore> {
    use adapters::memory::MemoryAdapter;
    use adapters::{NewUser, SessionAdapter, UserAdapter};
    use std::time::Instant;

    const SESSIONS: usize = 10_000;
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let adapter = MemoryAdapter::new();
        let floor = MemoryFloor::new(MemoryAdapter::new().raw());
        adapter.set_user(Some("u"), NewUser::new("bench:u")).await?;
        let expires = i64::MAX;
        let tokens: Vec<String> = (0..SESSIONS).map(|i| format!("s{i}")).collect();
        for token in &tokens {
            let session = Session {
                access_token: token.clone(),
                user_id: "u".into(),
                expires,
            };
            adapter.set_session(&session).await?;
            floor.set_session(&session).await?;
        }

        let mut adapter_calls = 0u64;
        let started = Instant::now();
        while started.elapsed() < duration {
            for token in tokens.iter().take(1000) {
                std::hint::black_box(adapter.get_session_by_access_token(token).await?);
            }
            adapter_calls += 1000;
        }
        let adapter_rate = adapter_calls as f64 / started.elapsed().as_secs_f64();

        let mut floor_calls = 0u64;
        let started = Instant::now();
        while started.elapsed() < duration {
            for token in tokens.iter().take(1000) {
                std::hint::black_box(floor.read().sessions.get(token.as_str()).cloned());
            }
            floor_calls += 1000;
        }
        let floor_rate = floor_calls as f64 / started.elapsed().as_secs_f64();
        Ok(super::report::SingleCore {
            get_session_by_access_token_per_second: adapter_rate,
            floor_per_second: floor_rate,
        })
    })
}
