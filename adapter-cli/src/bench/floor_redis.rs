//! The Redis floor: sessions and refresh tokens as raw commands on the
//! adapter's key layout, over the same kind of connection (a multiplexed
//! `ConnectionManager` to the same server); users on the memory floor's maps,
//! as the adapter side keeps them in a `MemoryAdapter` through `Split`.
//!
//! Each operation is as few round trips as the layout allows a hand-written
//! client: a `GET`; one pipeline (`SET NX PXAT` and both index `ZADD`s); a
//! `GETDEL` then the `SREM` that needs its owner; a `ZRANGE` then one pipeline
//! of `DEL`s and `ZREM`s.

use adapters::memory::RawStore;
use adapters::redis::keys::KeyLayout;
use adapters::redis::record::{
    decode_refresh_token, decode_session, encode_refresh_token, encode_session,
};
use adapters::{Clock, RefreshToken, Session, SystemClock, User};
use async_trait::async_trait;
use redis::aio::ConnectionManager;

use super::floor_memory::MemoryFloor;
use super::workload::{Floor, Workload};

/// Commands per pipeline when seeding.
const SEED_COMMANDS_PER_PIPELINE: usize = 3_000;

/// Raw Redis beside plain maps for users.
pub struct RedisFloor {
    connection: ConnectionManager,
    keys: KeyLayout,
    users: MemoryFloor,
}

impl RedisFloor {
    /// A floor on `url` under `prefix`, seeding users into `adapter_users` too.
    pub async fn connect(url: &str, prefix: &str, adapter_users: RawStore) -> anyhow::Result<Self> {
        let connection = redis::Client::open(url)?.get_connection_manager().await?;
        Ok(Self {
            connection,
            keys: KeyLayout::new(prefix).map_err(anyhow::Error::msg)?,
            users: MemoryFloor::new(adapter_users),
        })
    }

    fn connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Files a session in the pipeline as the adapter does: the record (with
    /// its key expiry when live; an expired one is kept, as if Redis had not
    /// yet collected it), the user's index and its expiry bucket.
    fn file_session(&self, pipe: &mut redis::Pipeline, session: &Session, only_new: bool) {
        let key = self.keys.session(&session.access_token);
        let set = pipe.cmd("SET").arg(&key).arg(encode_session(session));
        if only_new {
            set.arg("NX");
        }
        if session.expires >= SystemClock.now_ms() {
            set.arg("PXAT").arg(session.expires);
        }
        pipe.cmd("ZADD")
            .arg(self.keys.user_sessions(&session.user_id))
            .arg(session.expires)
            .arg(&session.access_token)
            .ignore();
        pipe.cmd("ZADD")
            .arg(self.keys.expiry_bucket_of(&session.access_token))
            .arg(session.expires)
            .arg(&session.access_token)
            .ignore();
    }
}

#[async_trait]
impl Workload for RedisFloor {
    async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()> {
        let bytes: Option<Vec<u8>> = redis::cmd("GET")
            .arg(self.keys.session(access_token))
            .query_async(&mut self.connection())
            .await?;
        let bytes = bytes.ok_or_else(|| anyhow::anyhow!("seeded session not found"))?;
        let session = decode_session(&bytes)?;
        anyhow::ensure!(
            session.expires >= SystemClock.now_ms(),
            "seeded session expired"
        );
        let user = self
            .users
            .user(&session.user_id)
            .ok_or_else(|| anyhow::anyhow!("seeded user not found"))?;
        std::hint::black_box((session, user));
        Ok(())
    }

    async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()> {
        self.users.get_user_by_provider_id(provider_id).await
    }

    async fn set_session(&self, session: &Session) -> anyhow::Result<()> {
        anyhow::ensure!(self.users.user(&session.user_id).is_some(), "unknown user");
        let mut pipe = redis::pipe();
        self.file_session(&mut pipe, session, true);
        let (stored,): (Option<String>,) = pipe.query_async(&mut self.connection()).await?;
        anyhow::ensure!(stored.is_some(), "access token taken");
        Ok(())
    }

    async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()> {
        self.users.set_user(user_id, provider_id).await
    }

    async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()> {
        let mut connection = self.connection();
        let bytes: Option<Vec<u8>> = redis::cmd("GETDEL")
            .arg(self.keys.refresh_token(refresh_token))
            .query_async(&mut connection)
            .await?;
        let bytes = bytes.ok_or_else(|| anyhow::anyhow!("seeded refresh token not found"))?;
        let owner = decode_refresh_token(&bytes)?.user_id;
        let _: i64 = redis::cmd("SREM")
            .arg(self.keys.user_refresh_tokens(&owner))
            .arg(refresh_token)
            .query_async(&mut connection)
            .await?;
        anyhow::ensure!(self.users.user(&owner).is_some(), "owner not found");
        Ok(())
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()> {
        let mut connection = self.connection();
        let index = self.keys.user_sessions(user_id);
        let tokens: Vec<String> = redis::cmd("ZRANGE")
            .arg(&index)
            .arg(0)
            .arg(-1)
            .query_async(&mut connection)
            .await?;
        let mut pipe = redis::pipe();
        for token in &tokens {
            pipe.cmd("DEL").arg(self.keys.session(token));
            pipe.cmd("ZREM")
                .arg(self.keys.expiry_bucket_of(token))
                .arg(token)
                .ignore();
        }
        pipe.cmd("DEL").arg(&index).ignore();
        let deleted: Vec<i64> = pipe.query_async(&mut connection).await?;
        anyhow::ensure!(deleted.iter().sum::<i64>() > 0, "seeded sessions not found");
        Ok(())
    }

    async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
        let mut connection = self.connection();
        let now = SystemClock.now_ms();
        let mut removed = 0;
        for bucket in self.keys.expiry_buckets() {
            let tokens: Vec<String> = redis::cmd("ZRANGE")
                .arg(&bucket)
                .arg("-inf")
                .arg(format!("({now}"))
                .arg("BYSCORE")
                .query_async(&mut connection)
                .await?;
            if tokens.is_empty() {
                continue;
            }
            let keys: Vec<String> = tokens
                .iter()
                .map(|token| self.keys.session(token))
                .collect();
            let (deleted, _): (u64, i64) = redis::pipe()
                .cmd("DEL")
                .arg(&keys)
                .cmd("ZREMRANGEBYSCORE")
                .arg(&bucket)
                .arg("-inf")
                .arg(format!("({now}"))
                .query_async(&mut connection)
                .await?;
            removed += deleted;
        }
        Ok(removed)
    }
}

#[async_trait]
impl Floor for RedisFloor {
    async fn seed(
        &self,
        users: &[User],
        sessions: &[Session],
        refresh_tokens: &[RefreshToken],
    ) -> anyhow::Result<()> {
        self.users.seed(users, &[], &[]).await?;
        let mut connection = self.connection();
        for chunk in sessions.chunks(SEED_COMMANDS_PER_PIPELINE / 3) {
            let mut pipe = redis::pipe();
            for session in chunk {
                self.file_session(&mut pipe, session, false);
            }
            let _: redis::Value = pipe.query_async(&mut connection).await?;
        }
        for chunk in refresh_tokens.chunks(SEED_COMMANDS_PER_PIPELINE / 2) {
            let mut pipe = redis::pipe();
            for token in chunk {
                pipe.cmd("SET")
                    .arg(self.keys.refresh_token(&token.refresh_token))
                    .arg(encode_refresh_token(token))
                    .ignore();
                pipe.cmd("SADD")
                    .arg(self.keys.user_refresh_tokens(&token.user_id))
                    .arg(&token.refresh_token)
                    .ignore();
            }
            let _: redis::Value = pipe.query_async(&mut connection).await?;
        }
        Ok(())
    }
}
