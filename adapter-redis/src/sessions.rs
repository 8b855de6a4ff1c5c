//! Session operations.
//!
//! The record key `P:s:{hex(token)}` is the truth: it is written with
//! `SET NX PXAT` (one atomic step, so a taken token is never overwritten) and
//! removed with `GETDEL` or compare-and-delete. The user index
//! `P:us:{hex(user)}` and the expiry buckets live in other slots, so they are
//! updated in a second step. They are allowed to hold *more* than the truth
//! (a stale member is harmless: every reader verifies each member against its
//! record, and members are pruned once their score, the record's expiry
//! instant, has passed), never less: `set_session` writes the record first and
//! removes it again if the index cannot be updated.

use adapter_core::{AdapterError, Session};
use futures::future::try_join_all;

use crate::commands::{self, tolerate_stale_index};
use crate::record::{decode_session, encode_session};
use crate::RedisSessionAdapter;

impl RedisSessionAdapter {
    /// The instant Redis drops a session's key: `expires + grace`, at least 1
    /// (Redis refuses `PXAT` ≤ 0; 1 is long past, so nothing is kept).
    fn key_expiry(&self, expires: i64) -> i64 {
        expires.saturating_add(self.grace_ms).max(1)
    }

    /// The stored session under this token, live or not.
    async fn stored_session(&self, access_token: &str) -> Result<Option<Session>, AdapterError> {
        let Some(bytes) = commands::get(self.conn(), &self.keys.session(access_token)).await?
        else {
            return Ok(None);
        };
        let session = decode_session(&bytes)?;
        if session.access_token != access_token {
            return Err(AdapterError::corrupt(
                "session",
                "the record names another access token than its key",
            ));
        }
        Ok(Some(session))
    }

    pub(crate) async fn read_live_session(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        let now = self.now_ms();
        Ok(self
            .stored_session(access_token)
            .await?
            .filter(|session| session.is_live_at(now)))
    }

    pub(crate) async fn list_live_sessions(
        &self,
        user_id: &str,
    ) -> Result<Vec<Session>, AdapterError> {
        let tokens =
            commands::index_members(self.conn(), &self.keys.user_sessions(user_id)).await?;
        let records = try_join_all(tokens.iter().map(|token| {
            let key = self.keys.session(token);
            async move { commands::get(self.conn(), &key).await }
        }))
        .await?;
        let now = self.now_ms();
        Ok(tokens
            .iter()
            .zip(records)
            .filter_map(|(token, bytes)| match decode_session(&bytes?) {
                Ok(session) if session.access_token == *token => Some(session),
                Ok(_) => {
                    tracing::warn!(
                        "skipping a session record that names another access token than its key"
                    );
                    None
                }
                Err(err) => {
                    tracing::warn!(error = %err, "skipping an undecodable session record");
                    None
                }
            })
            .filter(|session| session.user_id == user_id && session.is_live_at(now))
            .collect())
    }

    pub(crate) async fn insert_session(&self, session: &Session) -> Result<(), AdapterError> {
        let key = self.keys.session(&session.access_token);
        let record = encode_session(session);
        let expire_at = self.key_expiry(session.expires);
        if !commands::set_new(self.conn(), &key, &record, Some(expire_at)).await? {
            return Err(AdapterError::DuplicateAccessToken);
        }
        let indexed = async {
            commands::index_add(
                self.conn(),
                &self.keys.user_sessions(&session.user_id),
                &session.access_token,
                expire_at,
                true,
                expire_at,
            )
            .await?;
            commands::index_add(
                self.conn(),
                &self.keys.expiry_bucket_of(&session.access_token),
                &session.access_token,
                session.expires,
                false,
                expire_at,
            )
            .await
        }
        .await;
        if let Err(err) = indexed {
            // Never leave a session its user's index does not know of.
            if let Err(undo) = commands::compare_and_delete(self.conn(), &key, &record).await {
                tracing::error!(error = %undo, "a session left out of its user index could not be removed");
            }
            return Err(err);
        }
        Ok(())
    }

    pub(crate) async fn remove_sessions(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        let removed =
            try_join_all(access_tokens.iter().map(|token| self.remove_session(token))).await?;
        Ok(removed.into_iter().filter(|removed| *removed).count() as u64)
    }

    async fn remove_session(&self, access_token: &str) -> Result<bool, AdapterError> {
        let Some(bytes) = commands::get_del(self.conn(), &self.keys.session(access_token)).await?
        else {
            return Ok(false);
        };
        match decode_session(&bytes) {
            Ok(session) => {
                tolerate_stale_index(
                    "user session index",
                    commands::sorted_remove(
                        self.conn(),
                        &self.keys.user_sessions(&session.user_id),
                        &[access_token],
                    )
                    .await,
                );
            }
            Err(err) => tracing::warn!(error = %err, "removed an undecodable session record"),
        }
        tolerate_stale_index(
            "expiry bucket",
            commands::sorted_remove(
                self.conn(),
                &self.keys.expiry_bucket_of(access_token),
                &[access_token],
            )
            .await,
        );
        Ok(true)
    }

    pub(crate) async fn remove_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError> {
        let index = self.keys.user_sessions(user_id);
        let tokens = commands::sorted_members(self.conn(), &index).await?;
        let outcomes = try_join_all(
            tokens
                .iter()
                .map(|token| self.remove_session_of(user_id, token)),
        )
        .await?;
        let mut removed = 0;
        let mut settled = Vec::new();
        for (token, outcome) in tokens.iter().zip(outcomes) {
            match outcome {
                Owned::Removed => {
                    removed += 1;
                    settled.push(token.as_str());
                }
                Owned::NotThisUsers => settled.push(token.as_str()),
                Owned::Kept => {}
            }
        }
        tolerate_stale_index(
            "user session index",
            commands::sorted_remove(self.conn(), &index, &settled).await,
        );
        Ok(removed)
    }

    /// Removes the session under `token` if it is `user_id`'s.
    async fn remove_session_of(&self, user_id: &str, token: &str) -> Result<Owned, AdapterError> {
        let key = self.keys.session(token);
        let Some(bytes) = commands::get(self.conn(), &key).await? else {
            return Ok(Owned::NotThisUsers);
        };
        match decode_session(&bytes) {
            Ok(session) if session.user_id == user_id && session.access_token == token => {
                if commands::compare_and_delete(self.conn(), &key, &bytes).await? {
                    tolerate_stale_index(
                        "expiry bucket",
                        commands::sorted_remove(
                            self.conn(),
                            &self.keys.expiry_bucket_of(token),
                            &[token],
                        )
                        .await,
                    );
                    Ok(Owned::Removed)
                } else {
                    // Changed since read: removed or replaced by someone else.
                    Ok(Owned::Kept)
                }
            }
            Ok(_) => Ok(Owned::NotThisUsers),
            Err(err) => {
                tracing::warn!(error = %err, "kept an undecodable session record listed for a user");
                Ok(Owned::Kept)
            }
        }
    }

    pub(crate) async fn remove_expired_sessions(&self) -> Result<u64, AdapterError> {
        let now = self.now_ms();
        let counts = try_join_all(
            self.keys
                .expiry_buckets()
                .map(|bucket| self.remove_expired_in(bucket, now)),
        )
        .await?;
        Ok(counts.into_iter().sum())
    }

    async fn remove_expired_in(&self, bucket: String, now: i64) -> Result<u64, AdapterError> {
        let tokens = commands::scored_below(self.conn(), &bucket, now).await?;
        let mut removed = 0;
        let mut settled = Vec::new();
        for token in &tokens {
            let key = self.keys.session(token);
            let Some(bytes) = commands::get(self.conn(), &key).await? else {
                settled.push(token.as_str());
                continue;
            };
            match decode_session(&bytes) {
                Ok(session) if !session.is_live_at(now) => {
                    if commands::compare_and_delete(self.conn(), &key, &bytes).await? {
                        removed += 1;
                        tolerate_stale_index(
                            "user session index",
                            commands::sorted_remove(
                                self.conn(),
                                &self.keys.user_sessions(&session.user_id),
                                &[token.as_str()],
                            )
                            .await,
                        );
                    }
                    settled.push(token.as_str());
                }
                // Replaced by a live session since it was filed: its own entry stays.
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "skipping an undecodable session record");
                    settled.push(token.as_str());
                }
            }
        }
        tolerate_stale_index(
            "expiry bucket",
            commands::sorted_remove(self.conn(), &bucket, &settled).await,
        );
        Ok(removed)
    }
}

/// What `delete_sessions_by_user_id` did with one member of the user's index.
enum Owned {
    /// It was the user's session and this call removed it.
    Removed,
    /// No record, or another user's: the member was stale.
    NotThisUsers,
    /// Left alone (undecodable, or changed while being removed).
    Kept,
}
