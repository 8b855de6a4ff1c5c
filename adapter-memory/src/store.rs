//! The stored records and every rule of the contract, as plain synchronous
//! code over maps. The adapter runs each call under one lock, so each call is atomic.

use std::collections::{HashMap, HashSet};

use adapter_core::{
    is_live, AdapterError, NewUser, RefreshToken, Session, StoreStats, User, UserData, UserUpdate,
};

/// Everything one memory adapter holds.
#[derive(Debug, Default)]
pub(crate) struct Store {
    users: HashMap<String, User>,
    user_by_provider_id: HashMap<String, String>,
    /// (field, canonical JSON of the value) → user id, for the fields declared unique.
    user_by_unique_value: HashMap<(String, String), String>,
    sessions: HashMap<String, Session>,
    sessions_by_user: HashMap<String, HashSet<String>>,
    refresh_tokens: HashMap<String, String>,
    refresh_tokens_by_user: HashMap<String, HashSet<String>>,
}

impl Store {
    pub(crate) fn user(&self, user_id: &str) -> Option<&User> {
        self.users.get(user_id)
    }

    pub(crate) fn user_by_provider_id(&self, provider_id: &str) -> Option<&User> {
        self.user_by_provider_id
            .get(provider_id)
            .and_then(|id| self.users.get(id))
    }

    /// Stores a new user after checking every uniqueness rule; nothing changes on an error.
    pub(crate) fn insert_user(
        &mut self,
        user_id: String,
        new: NewUser,
        unique_fields: &[String],
    ) -> Result<(), AdapterError> {
        if self.users.contains_key(&user_id) {
            return Err(AdapterError::DuplicateUserId);
        }
        if self.user_by_provider_id.contains_key(&new.provider_id) {
            return Err(AdapterError::DuplicateProviderId);
        }
        self.check_unique_values(&user_id, &new.user_data, unique_fields)?;
        let user = User {
            id: user_id,
            provider_id: new.provider_id,
            hashed_password: new.hashed_password,
            user_data: new.user_data,
        };
        self.index_user(&user, unique_fields);
        self.users.insert(user.id.clone(), user);
        Ok(())
    }

    /// Applies an update after checking every rule; nothing changes on an error.
    pub(crate) fn update_user(
        &mut self,
        user_id: &str,
        update: UserUpdate,
        unique_fields: &[String],
    ) -> Result<User, AdapterError> {
        let Some(current) = self.users.get(user_id) else {
            return Err(AdapterError::InvalidUserId);
        };
        if let Some(provider_id) = &update.provider_id {
            match self.user_by_provider_id.get(provider_id) {
                Some(owner) if owner != user_id => return Err(AdapterError::DuplicateProviderId),
                _ => {}
            }
        }
        self.check_unique_values(user_id, &update.user_data, unique_fields)?;

        let mut updated = current.clone();
        if let Some(provider_id) = update.provider_id {
            updated.provider_id = provider_id;
        }
        if let Some(hashed_password) = update.hashed_password {
            updated.hashed_password = hashed_password;
        }
        updated.user_data.extend(update.user_data);

        let previous = current.clone();
        self.unindex_user(&previous, unique_fields);
        self.index_user(&updated, unique_fields);
        self.users.insert(updated.id.clone(), updated.clone());
        Ok(updated)
    }

    /// Removes the user and every token of it; whether the user existed.
    pub(crate) fn delete_user(&mut self, user_id: &str, unique_fields: &[String]) -> bool {
        self.delete_sessions_by_user(user_id);
        self.delete_refresh_tokens_by_user(user_id);
        match self.users.remove(user_id) {
            Some(user) => {
                self.unindex_user(&user, unique_fields);
                true
            }
            None => false,
        }
    }

    fn check_unique_values(
        &self,
        user_id: &str,
        data: &UserData,
        unique_fields: &[String],
    ) -> Result<(), AdapterError> {
        for (field, value) in data {
            if !unique_fields.contains(field) || value.is_null() {
                continue;
            }
            match self.user_by_unique_value.get(&unique_key(field, value)) {
                Some(owner) if owner != user_id => {
                    return Err(AdapterError::DuplicateUserData {
                        field: Some(field.clone()),
                    })
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn index_user(&mut self, user: &User, unique_fields: &[String]) {
        self.user_by_provider_id
            .insert(user.provider_id.clone(), user.id.clone());
        for (field, value) in unique_values(user, unique_fields) {
            self.user_by_unique_value
                .insert(unique_key(field, value), user.id.clone());
        }
    }

    fn unindex_user(&mut self, user: &User, unique_fields: &[String]) {
        self.user_by_provider_id.remove(&user.provider_id);
        for (field, value) in unique_values(user, unique_fields) {
            self.user_by_unique_value.remove(&unique_key(field, value));
        }
    }

    pub(crate) fn session(&self, access_token: &str) -> Option<&Session> {
        self.sessions.get(access_token)
    }

    pub(crate) fn live_session(&self, access_token: &str, now: i64) -> Option<&Session> {
        self.sessions
            .get(access_token)
            .filter(|session| is_live(session.expires, now))
    }

    pub(crate) fn live_sessions_of(&self, user_id: &str, now: i64) -> Vec<Session> {
        self.sessions_by_user
            .get(user_id)
            .into_iter()
            .flatten()
            .filter_map(|token| self.live_session(token, now))
            .cloned()
            .collect()
    }

    /// Stores a session unless its token is taken; ownership is not checked here.
    pub(crate) fn insert_session(&mut self, session: Session) -> Result<(), AdapterError> {
        if self.sessions.contains_key(&session.access_token) {
            return Err(AdapterError::DuplicateAccessToken);
        }
        self.sessions_by_user
            .entry(session.user_id.clone())
            .or_default()
            .insert(session.access_token.clone());
        self.sessions.insert(session.access_token.clone(), session);
        Ok(())
    }

    pub(crate) fn delete_session(&mut self, access_token: &str) -> bool {
        let Some(session) = self.sessions.remove(access_token) else {
            return false;
        };
        remove_from_index(&mut self.sessions_by_user, &session.user_id, access_token);
        true
    }

    pub(crate) fn delete_sessions_by_user(&mut self, user_id: &str) -> u64 {
        let tokens = self.sessions_by_user.remove(user_id).unwrap_or_default();
        tokens
            .iter()
            .filter(|token| self.sessions.remove(token.as_str()).is_some())
            .count() as u64
    }

    /// Deletes at most `limit` sessions expired at `now`, in one pass; how many.
    pub(crate) fn delete_expired_sessions(&mut self, now: i64, limit: usize) -> u64 {
        let mut removed = 0;
        let by_user = &mut self.sessions_by_user;
        self.sessions.retain(|token, session| {
            if removed == limit || is_live(session.expires, now) {
                return true;
            }
            remove_from_index(by_user, &session.user_id, token);
            removed += 1;
            false
        });
        removed as u64
    }

    pub(crate) fn refresh_token_owner(&self, refresh_token: &str) -> Option<&String> {
        self.refresh_tokens.get(refresh_token)
    }

    /// Stores a refresh token unless it is taken; ownership is not checked here.
    pub(crate) fn insert_refresh_token(&mut self, token: RefreshToken) -> Result<(), AdapterError> {
        if self.refresh_tokens.contains_key(&token.refresh_token) {
            return Err(AdapterError::DuplicateRefreshToken);
        }
        self.refresh_tokens_by_user
            .entry(token.user_id.clone())
            .or_default()
            .insert(token.refresh_token.clone());
        self.refresh_tokens
            .insert(token.refresh_token, token.user_id);
        Ok(())
    }

    /// Removes the token; its owner if it existed.
    pub(crate) fn take_refresh_token(&mut self, refresh_token: &str) -> Option<String> {
        let owner = self.refresh_tokens.remove(refresh_token)?;
        remove_from_index(&mut self.refresh_tokens_by_user, &owner, refresh_token);
        Some(owner)
    }

    pub(crate) fn delete_refresh_tokens_by_user(&mut self, user_id: &str) -> u64 {
        let tokens = self
            .refresh_tokens_by_user
            .remove(user_id)
            .unwrap_or_default();
        tokens
            .iter()
            .filter(|token| self.refresh_tokens.remove(token.as_str()).is_some())
            .count() as u64
    }

    /// Counts at `now`.
    pub(crate) fn stats(&self, now: i64) -> StoreStats {
        let live_sessions = self
            .sessions
            .values()
            .filter(|session| is_live(session.expires, now))
            .count() as u64;
        StoreStats {
            users: self.users.len() as u64,
            live_sessions,
            expired_sessions: self.sessions.len() as u64 - live_sessions,
            refresh_tokens: self.refresh_tokens.len() as u64,
        }
    }

    /// How many users, sessions (live or not) and refresh tokens are stored.
    pub(crate) fn counts(&self) -> (u64, u64, u64) {
        (
            self.users.len() as u64,
            self.sessions.len() as u64,
            self.refresh_tokens.len() as u64,
        )
    }
}

fn unique_values<'a>(
    user: &'a User,
    unique_fields: &'a [String],
) -> impl Iterator<Item = (&'a String, &'a serde_json::Value)> {
    user.user_data
        .iter()
        .filter(|(field, value)| unique_fields.contains(field) && !value.is_null())
}

fn unique_key(field: &str, value: &serde_json::Value) -> (String, String) {
    (field.to_owned(), value.to_string())
}

fn remove_from_index(index: &mut HashMap<String, HashSet<String>>, user_id: &str, token: &str) {
    if let Some(tokens) = index.get_mut(user_id) {
        tokens.remove(token);
        if tokens.is_empty() {
            index.remove(user_id);
        }
    }
}
