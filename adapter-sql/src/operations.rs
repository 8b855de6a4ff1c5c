//! The contract's traits for [`SqlAdapter`]: validation, then one statement
//! (or one transaction) per operation.

use adapter_core::{
    observe, validate, Adapter, AdapterError, DbOp, NewUser, RefreshToken, Session, SessionAdapter,
    User, UserAdapter, UserUpdate,
};
use async_trait::async_trait;

use crate::adapter::{own_column, SqlAdapter};
use crate::engine::Outcome;
use crate::rows;
use crate::schema::{Dialect, Role};

/// Keys per `DELETE … IN (…)`, well under every engine's bind-parameter limit.
const DELETE_BATCH: usize = 500;

impl SqlAdapter {
    async fn user_by(&self, column: &str, key: &str) -> Result<Option<User>, AdapterError> {
        let rows = self
            .one(
                self.statements().user_by(column, key),
                Role::User,
                DbOp::Read,
            )
            .await?
            .into_rows();
        match rows.into_iter().next() {
            Some(row) => self.decode_user(row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn delete_keys(&self, keys: &[&str], sessions: bool) -> Result<u64, AdapterError> {
        let mut removed = 0;
        for batch in keys.chunks(DELETE_BATCH) {
            let statement = if sessions {
                self.statements().delete_sessions(batch)
            } else {
                self.statements().delete_refresh_tokens(batch)
            };
            removed += self
                .one(statement, Role::Session, DbOp::Write)
                .await?
                .affected();
        }
        Ok(removed)
    }

    async fn joined(&self, access_token: &str) -> Result<Option<(Session, User)>, AdapterError> {
        validate::key("access_token", access_token)?;
        let rows = self
            .one(
                self.statements().session_and_user(access_token),
                Role::Session,
                DbOp::Read,
            )
            .await?
            .into_rows();
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let mut cells = row.into_iter();
        let session =
            rows::session(&mut cells).map_err(|reason| AdapterError::corrupt("session", reason))?;
        if !session.is_live_at(self.now()) {
            return Ok(None);
        }
        let user = self.decode_user(cells.collect()).await?;
        Ok(Some((session, user)))
    }
}

#[async_trait]
impl UserAdapter for SqlAdapter {
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
        observe(self.backend(), "get_user_by_id", async {
            validate::key("user_id", user_id)?;
            self.user_by("id", user_id).await
        })
        .await
    }

    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(self.backend(), "get_user_by_provider_id", async {
            validate::key("provider_id", provider_id)?;
            self.user_by("provider_id", provider_id).await
        })
        .await
    }

    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
        observe(self.backend(), "set_user", async {
            validate::new_user(user_id, &user)?;
            let id = self.new_user_id(user_id)?;
            let mut values = vec![
                own_column("id", Some(&id)),
                own_column("provider_id", Some(&user.provider_id)),
                own_column("hashed_password", user.hashed_password.as_deref()),
            ];
            values.extend(self.user_data_assignments(&user.user_data).await?);
            self.one(
                self.statements().insert_user(values),
                Role::User,
                DbOp::Write,
            )
            .await?;
            Ok(id)
        })
        .await
    }

    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        observe(self.backend(), "update_user", async {
            validate::user_update(user_id, &update)?;
            let mut values = Vec::new();
            if let Some(provider_id) = &update.provider_id {
                values.push(own_column("provider_id", Some(provider_id)));
            }
            if let Some(hash) = &update.hashed_password {
                values.push(own_column("hashed_password", hash.as_deref()));
            }
            values.extend(self.user_data_assignments(&update.user_data).await?);
            let statements = match (values.is_empty(), self.dialect()) {
                (true, _) => vec![self.statements().user_by("id", user_id)],
                (false, Dialect::MySql) => vec![
                    self.statements().update_user(user_id, values),
                    self.statements().user_by("id", user_id),
                ],
                (false, _) => vec![self.statements().update_user(user_id, values)],
            };
            let outcomes = self.run(statements, Role::User, DbOp::Write).await?;
            let row = outcomes
                .into_iter()
                .last()
                .map(Outcome::into_rows)
                .and_then(|rows| rows.into_iter().next());
            match row {
                Some(row) => self.decode_user(row).await,
                None => Err(AdapterError::InvalidUserId),
            }
        })
        .await
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_user", async {
            validate::key("user_id", user_id)?;
            let outcomes = self
                .run(
                    self.statements().delete_user_and_tokens(user_id),
                    Role::User,
                    DbOp::Write,
                )
                .await?;
            Ok(outcomes.last().map_or(0, Outcome::affected))
        })
        .await
    }
}

#[async_trait]
impl SessionAdapter for SqlAdapter {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        observe(self.backend(), "get_session_by_access_token", async {
            validate::key("access_token", access_token)?;
            let rows = self
                .one(
                    self.statements().session_by_token(access_token),
                    Role::Session,
                    DbOp::Read,
                )
                .await?
                .into_rows();
            let Some(row) = rows.into_iter().next() else {
                return Ok(None);
            };
            let session = rows::session(&mut row.into_iter())
                .map_err(|reason| AdapterError::corrupt("session", reason))?;
            Ok(session.is_live_at(self.now()).then_some(session))
        })
        .await
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        observe(self.backend(), "get_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            let rows = self.one(self.statements().sessions_by_user(user_id), Role::Session, DbOp::Read).await?.into_rows();
            let now = self.now();
            Ok(rows
                .into_iter()
                .filter_map(|row| match rows::session(&mut row.into_iter()) {
                    Ok(session) => Some(session),
                    Err(reason) => {
                        tracing::warn!(backend = self.backend(), %reason, "skipping a session that cannot be decoded");
                        None
                    }
                })
                .filter(|session| session.is_live_at(now))
                .collect())
        })
        .await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        observe(self.backend(), "set_session", async {
            validate::session(session)?;
            let statement = self.statements().insert_session(
                &session.access_token,
                &session.user_id,
                session.expires,
            );
            self.one(statement, Role::Session, DbOp::Write)
                .await
                .map(drop)
        })
        .await
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_session_by_access_token", async {
            validate::keys("access_token", access_tokens)?;
            self.delete_keys(access_tokens, true).await
        })
        .await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            Ok(self
                .one(
                    self.statements().delete_sessions_of(user_id),
                    Role::Session,
                    DbOp::Write,
                )
                .await?
                .affected())
        })
        .await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_expired_sessions", async {
            let statement = self.statements().delete_expired(self.now());
            Ok(self
                .one(statement, Role::Session, DbOp::Write)
                .await?
                .affected())
        })
        .await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(self.backend(), "get_user_id_by_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let rows = self
                .one(
                    self.statements().refresh_token_owner(refresh_token),
                    Role::RefreshToken,
                    DbOp::Read,
                )
                .await?
                .into_rows();
            rows.into_iter()
                .next()
                .map(|row| {
                    rows::first_text(row)
                        .map_err(|reason| AdapterError::corrupt("refresh token", reason))
                })
                .transpose()
        })
        .await
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        observe(self.backend(), "set_refresh_token", async {
            validate::refresh_token(token)?;
            let statement = self
                .statements()
                .insert_refresh_token(&token.refresh_token, &token.user_id);
            self.one(statement, Role::RefreshToken, DbOp::Write)
                .await
                .map(drop)
        })
        .await
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(self.backend(), "consume_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let mut outcomes = self
                .run(
                    self.statements().consume_refresh_token(refresh_token),
                    Role::RefreshToken,
                    DbOp::Write,
                )
                .await?
                .into_iter();
            let owner = outcomes
                .next()
                .map(Outcome::into_rows)
                .and_then(|rows| rows.into_iter().next());
            // On MySQL the second statement is the delete: only the caller whose delete removed the row wins.
            if let Some(delete) = outcomes.next() {
                if delete.affected() != 1 {
                    return Ok(None);
                }
            }
            let Some(row) = owner else {
                return Ok(None);
            };
            let (owner, exists) = rows::owner(row)
                .map_err(|reason| AdapterError::corrupt("refresh token", reason))?;
            // A token whose user is gone resolves to nothing, consumed or not.
            Ok(exists.then_some(owner))
        })
        .await
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_refresh_token", async {
            validate::keys("refresh_token", refresh_tokens)?;
            self.delete_keys(refresh_tokens, false).await
        })
        .await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(self.backend(), "delete_refresh_tokens_by_user_id", async {
            validate::key("user_id", user_id)?;
            Ok(self
                .one(
                    self.statements().delete_refresh_tokens_of(user_id),
                    Role::RefreshToken,
                    DbOp::Write,
                )
                .await?
                .affected())
        })
        .await
    }
}

#[async_trait]
impl Adapter for SqlAdapter {
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        observe(
            self.backend(),
            "get_session_and_user",
            self.joined(access_token),
        )
        .await
    }

    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(self.backend(), "get_user_by_access_token", async {
            Ok(self.joined(access_token).await?.map(|(_, user)| user))
        })
        .await
    }
}
