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

use crate::commands::{self, tolerate_stale_index, Rescore};
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

    /// Writes the record and both index entries side by side (one round
    /// trip). The entries of an attempt whose `SET NX` loses are stale members
    /// at most, and cannot shorten the owner's: the user index only raises a
    /// score, the expiry bucket never changes one.
    pub(crate) async fn insert_session(&self, session: &Session) -> Result<(), AdapterError> {
        let conn = self.conn();
        let key = self.keys.session(&session.access_token);
        let record = encode_session(session);
        let expire_at = self.key_expiry(session.expires);
        let user_index = self.keys.user_sessions(&session.user_id);
        let bucket = self.keys.expiry_bucket_of(&session.access_token);
        let (token, expires) = (session.access_token.clone(), session.expires);
        // Run to their end whatever the caller does, so that the undo below
        // is never cut off by the caller's time limit.
        commands::run_to_completion(async move {
            let (stored, user_indexed, bucket_indexed) = tokio::join!(
                commands::set_new(conn.clone(), &key, &record, Some(expire_at)),
                commands::index_add(
                    conn.clone(),
                    &user_index,
                    &token,
                    expire_at,
                    Rescore::Upwards,
                    true,
                    expire_at,
                ),
                commands::index_add(
                    conn.clone(),
                    &bucket,
                    &token,
                    expires,
                    Rescore::Never,
                    false,
                    expire_at,
                ),
            );
            if !stored? {
                return Err(AdapterError::DuplicateAccessToken);
            }
            if let Err(err) = user_indexed.and(bucket_indexed) {
                // Never leave a session its user's index does not know of.
                if let Err(undo) = commands::compare_and_delete(conn, &key, &record).await {
                    tracing::error!(error = %undo, "a session left out of its user index could not be removed");
                }
                return Err(err);
            }
            Ok(())
        })
        .await
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
        let user_index = async {
            match decode_session(&bytes) {
                Ok(session) => {
                    commands::sorted_remove(
                        self.conn(),
                        &self.keys.user_sessions(&session.user_id),
                        &[access_token],
                    )
                    .await
                }
                Err(err) => {
                    tracing::warn!(error = %err, "removed an undecodable session record");
                    Ok(())
                }
            }
        };
        let bucket = self.keys.expiry_bucket_of(access_token);
        let member = [access_token];
        let (user_index, bucket) = tokio::join!(
            user_index,
            commands::sorted_remove(self.conn(), &bucket, &member),
        );
        tolerate_stale_index("user session index", user_index);
        tolerate_stale_index("expiry bucket", bucket);
        Ok(true)
    }

    /// Removes the sessions the user's index lists that are the user's; then
    /// their expiry-bucket entries and the settled index members, side by side.
    pub(crate) async fn remove_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError> {
        let index = self.keys.user_sessions(user_id);
        let tokens = commands::index_members(self.conn(), &index).await?;
        let outcomes = try_join_all(
            tokens
                .iter()
                .map(|token| self.remove_session_of(user_id, token)),
        )
        .await?;
        let mut removed = Vec::new();
        let mut settled = Vec::new();
        for (token, outcome) in tokens.iter().zip(outcomes) {
            match outcome {
                Owned::Removed => {
                    removed.push(token.as_str());
                    settled.push(token.as_str());
                }
                Owned::Stale => settled.push(token.as_str()),
                Owned::Kept => {}
            }
        }
        let buckets = try_join_all(removed.iter().map(|token| async move {
            let bucket = self.keys.expiry_bucket_of(token);
            commands::sorted_remove(self.conn(), &bucket, &[token]).await
        }));
        let (buckets, user_index) = tokio::join!(
            buckets,
            commands::sorted_remove(self.conn(), &index, &settled)
        );
        tolerate_stale_index("expiry bucket", buckets.map(drop));
        tolerate_stale_index("user session index", user_index);
        Ok(removed.len() as u64)
    }

    /// Removes the session under `token` if it is `user_id`'s.
    async fn remove_session_of(&self, user_id: &str, token: &str) -> Result<Owned, AdapterError> {
        let key = self.keys.session(token);
        // No record: a lapsed session's member is pruned by its score, and a
        // `set_session` in flight files its member before its record lands.
        let Some(bytes) = commands::get(self.conn(), &key).await? else {
            return Ok(Owned::Kept);
        };
        match decode_session(&bytes) {
            Ok(session) if session.user_id == user_id && session.access_token == token => {
                if commands::compare_and_delete(self.conn(), &key, &bytes).await? {
                    Ok(Owned::Removed)
                } else {
                    // Changed since read: removed or replaced by someone else.
                    Ok(Owned::Kept)
                }
            }
            Ok(_) => Ok(Owned::Stale),
            Err(err) => {
                tracing::warn!(error = %err, "kept an undecodable session record listed for a user");
                Ok(Owned::Kept)
            }
        }
    }

    /// Purges the expiry buckets one after the other, so that at most one
    /// page of sessions is in flight.
    pub(crate) async fn remove_expired_sessions(&self) -> Result<u64, AdapterError> {
        let now = self.now_ms();
        let mut removed = 0;
        for bucket in self.keys.expiry_buckets() {
            removed += self.remove_expired_in(bucket, now).await?;
        }
        Ok(removed)
    }

    /// Purges one expiry bucket a page at a time, each page's sessions side by
    /// side, so neither memory nor time grows with one session's round trips.
    async fn remove_expired_in(&self, bucket: String, now: i64) -> Result<u64, AdapterError> {
        let mut removed = 0;
        // Members that stay in the bucket below `now` (live again): skipped by later pages.
        let mut kept = 0;
        loop {
            let page = commands::scored_below(self.conn(), &bucket, now, kept, PURGE_PAGE).await?;
            let outcomes =
                try_join_all(page.iter().map(|token| self.remove_if_expired(token, now))).await?;
            let mut settled = Vec::with_capacity(page.len());
            for (token, outcome) in page.iter().zip(&outcomes) {
                match outcome {
                    Expiry::Removed => {
                        removed += 1;
                        settled.push(token.as_str());
                    }
                    Expiry::Stale => settled.push(token.as_str()),
                    Expiry::Live => kept += 1,
                }
            }
            tolerate_stale_index(
                "expiry bucket",
                commands::sorted_remove(self.conn(), &bucket, &settled).await,
            );
            if page.len() < PURGE_PAGE {
                return Ok(removed);
            }
        }
    }

    /// Removes the session under `token` if it expired before `now`, and its user-index member.
    async fn remove_if_expired(&self, token: &str, now: i64) -> Result<Expiry, AdapterError> {
        let key = self.keys.session(token);
        let Some(bytes) = commands::get(self.conn(), &key).await? else {
            return Ok(Expiry::Stale);
        };
        match decode_session(&bytes) {
            Ok(session) if !session.is_live_at(now) => {
                if !commands::compare_and_delete(self.conn(), &key, &bytes).await? {
                    // Removed or replaced since read: not this purge's to count.
                    return Ok(Expiry::Stale);
                }
                tolerate_stale_index(
                    "user session index",
                    commands::sorted_remove(
                        self.conn(),
                        &self.keys.user_sessions(&session.user_id),
                        &[token],
                    )
                    .await,
                );
                Ok(Expiry::Removed)
            }
            // A new session under the same token, filed with the old score:
            // its member stays, to be checked again by a later purge.
            Ok(_) => Ok(Expiry::Live),
            Err(err) => {
                tracing::warn!(error = %err, "skipping an undecodable session record");
                Ok(Expiry::Stale)
            }
        }
    }
}

/// Expiry-bucket members a purge reads and settles per page.
const PURGE_PAGE: usize = 512;

/// What a purge did with one member of an expiry bucket.
enum Expiry {
    /// The session had expired and this purge removed it.
    Removed,
    /// No record (or not one to remove): the member goes.
    Stale,
    /// The record is live: the member stays.
    Live,
}

/// What `delete_sessions_by_user_id` did with one member of the user's index.
enum Owned {
    /// It was the user's session and this call removed it.
    Removed,
    /// The record is another user's: the member was stale.
    Stale,
    /// Left alone (no record, undecodable, or changed while being removed).
    Kept,
}
