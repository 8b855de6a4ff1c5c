//! Refresh-token operations.
//!
//! The record `P:r:{hex(token)}` is the truth (written with `SET NX`, taken
//! with `GETDEL`, so of concurrent consumers exactly one gets it); the user's
//! set `P:ur:{hex(user)}` lives in another slot and is updated in a second
//! step, allowed to hold more than the truth (members are verified against
//! their record before anything is removed), never less. Refresh tokens do not
//! expire, so neither has a TTL.

use adapter_core::{AdapterError, RefreshToken};
use futures::future::try_join_all;

use crate::commands::{self, tolerate_stale_index};
use crate::record::{decode_refresh_token, encode_refresh_token};
use crate::RedisSessionAdapter;

impl RedisSessionAdapter {
    fn decode_owned(refresh_token: &str, bytes: &[u8]) -> Result<RefreshToken, AdapterError> {
        let token = decode_refresh_token(bytes)?;
        if token.refresh_token != refresh_token {
            return Err(AdapterError::corrupt(
                "refresh token",
                "the record names another token than its key",
            ));
        }
        Ok(token)
    }

    pub(crate) async fn read_refresh_token_owner(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        let key = self.keys.refresh_token(refresh_token);
        match commands::get(self.conn(), &key).await? {
            Some(bytes) => Ok(Some(Self::decode_owned(refresh_token, &bytes)?.user_id)),
            None => Ok(None),
        }
    }

    pub(crate) async fn insert_refresh_token(
        &self,
        token: &RefreshToken,
    ) -> Result<(), AdapterError> {
        let conn = self.conn();
        let key = self.keys.refresh_token(&token.refresh_token);
        let index = self.keys.user_refresh_tokens(&token.user_id);
        let record = encode_refresh_token(token);
        let member = token.refresh_token.clone();
        // A token has no TTL: one left out of its user's index would outlive
        // every delete by user, so the steps run to their end whatever the caller does.
        commands::run_to_completion(async move {
            if !commands::set_new(conn.clone(), &key, &record, None).await? {
                return Err(AdapterError::DuplicateRefreshToken);
            }
            if let Err(err) = commands::set_add(conn.clone(), &index, &member).await {
                if let Err(undo) = commands::compare_and_delete(conn, &key, &record).await {
                    tracing::error!(error = %undo, "a refresh token left out of its user index could not be removed");
                }
                return Err(err);
            }
            Ok(())
        })
        .await
    }

    pub(crate) async fn take_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        let key = self.keys.refresh_token(refresh_token);
        let Some(bytes) = commands::get_del(self.conn(), &key).await? else {
            return Ok(None);
        };
        let token = Self::decode_owned(refresh_token, &bytes)?;
        tolerate_stale_index(
            "user refresh-token index",
            commands::set_remove(
                self.conn(),
                &self.keys.user_refresh_tokens(&token.user_id),
                &[refresh_token],
            )
            .await,
        );
        Ok(Some(token.user_id))
    }

    pub(crate) async fn remove_refresh_tokens(
        &self,
        refresh_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        let removed = try_join_all(refresh_tokens.iter().map(|token| async move {
            match self.take_refresh_token(token).await {
                Ok(owner) => Ok(owner.is_some()),
                // Removed, but undecodable: it counts, and its index entry stays stale.
                Err(AdapterError::CorruptRecord { .. }) => Ok(true),
                Err(err) => Err(err),
            }
        }))
        .await?;
        Ok(removed.into_iter().filter(|removed| *removed).count() as u64)
    }

    pub(crate) async fn remove_user_refresh_tokens(
        &self,
        user_id: &str,
    ) -> Result<u64, AdapterError> {
        let index = self.keys.user_refresh_tokens(user_id);
        let tokens = commands::set_members(self.conn(), &index).await?;
        let outcomes = try_join_all(
            tokens
                .iter()
                .map(|token| self.remove_token_of(user_id, token)),
        )
        .await?;
        let mut removed = 0;
        let mut settled = Vec::new();
        for (token, (was_removed, stale)) in tokens.iter().zip(outcomes) {
            if was_removed {
                removed += 1;
            }
            if was_removed || stale {
                settled.push(token.as_str());
            }
        }
        tolerate_stale_index(
            "user refresh-token index",
            commands::set_remove(self.conn(), &index, &settled).await,
        );
        Ok(removed)
    }

    /// Removes `token` if it is `user_id`'s: (removed, the member was stale).
    async fn remove_token_of(
        &self,
        user_id: &str,
        token: &str,
    ) -> Result<(bool, bool), AdapterError> {
        let key = self.keys.refresh_token(token);
        let Some(bytes) = commands::get(self.conn(), &key).await? else {
            return Ok((false, true));
        };
        match Self::decode_owned(token, &bytes) {
            Ok(record) if record.user_id == user_id => Ok((
                commands::compare_and_delete(self.conn(), &key, &bytes).await?,
                false,
            )),
            Ok(_) => Ok((false, true)),
            Err(err) => {
                tracing::warn!(error = %err, "kept an undecodable refresh-token record listed for a user");
                Ok((false, false))
            }
        }
    }
}
