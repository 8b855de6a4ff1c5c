//! The raw-SQL [`Oracle`] of the SQL backends: reads and seeds rows without
//! the adapter, with foreign keys switched off to store orphans.

use adapter_core::{BoxError, RefreshToken, Session, User, UserData};
use adapter_sql::Dialect;
use async_trait::async_trait;
use serde_json::Value;
use sqlx::Row as _;

use super::RawPool;
use crate::backend::{FieldKind, Oracle, Record, USER_FIELDS};

/// Raw SQL over a scenario's pool.
#[derive(Clone, Debug)]
pub struct SqlOracle {
    pub(super) pool: RawPool,
}

fn user_field_value(
    kind: FieldKind,
    text: Option<String>,
    integer: Option<i64>,
    real: Option<f64>,
    flag: Option<bool>,
) -> Result<Option<Value>, BoxError> {
    Ok(match kind {
        FieldKind::Text => text.map(Value::String),
        FieldKind::Integer => integer.map(Value::from),
        FieldKind::Real => real.map(Value::from),
        FieldKind::Boolean => flag.map(Value::Bool),
        FieldKind::Json => text.map(|t| serde_json::from_str(&t)).transpose()?,
    })
}

impl SqlOracle {
    fn q(&self, name: &str) -> String {
        self.pool.dialect().quote(name)
    }

    /// Runs an insert with foreign keys off (to seed orphans), binding text and one optional integer.
    async fn insert_unchecked(
        &self,
        sql: &str,
        texts: &[&str],
        integer: Option<i64>,
    ) -> Result<(), BoxError> {
        let sql = self.pool.sql(sql);
        macro_rules! insert {
            ($conn:expr) => {{
                let mut query = sqlx::query(&sql);
                for text in texts {
                    query = query.bind(*text);
                }
                if let Some(n) = integer {
                    query = query.bind(n);
                }
                query.execute($conn).await.map(drop)
            }};
        }
        match &self.pool {
            #[cfg(feature = "sqlite")]
            RawPool::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let result = insert!(&mut *conn);
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                result?;
            }
            #[cfg(feature = "postgres")]
            RawPool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET LOCAL session_replication_role = replica")
                    .execute(&mut *tx)
                    .await?;
                insert!(&mut *tx)?;
                tx.commit().await?;
            }
            #[cfg(feature = "mysql")]
            RawPool::MySql(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SET FOREIGN_KEY_CHECKS = 0")
                    .execute(&mut *conn)
                    .await?;
                let result = insert!(&mut *conn);
                sqlx::query("SET FOREIGN_KEY_CHECKS = 1")
                    .execute(&mut *conn)
                    .await?;
                result?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Oracle for SqlOracle {
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError> {
        let p = &self.pool;
        let mut exprs = vec![
            p.text("id"),
            p.text("provider_id"),
            p.text("hashed_password"),
        ];
        for field in USER_FIELDS {
            let column = self.q(field.name);
            exprs.push(match field.kind {
                FieldKind::Json => p.json_text(&column),
                FieldKind::Boolean if p.dialect() == Dialect::MySql => format!("{column} <> 0"),
                _ => column,
            });
        }
        let sql = p.sql(&format!(
            "SELECT {} FROM {} WHERE id = $1",
            exprs.join(", "),
            self.q("user")
        ));
        macro_rules! read {
            ($pool:expr) => {{
                let Some(row) = sqlx::query(&sql)
                    .bind(user_id)
                    .fetch_optional($pool)
                    .await?
                else {
                    return Ok(None);
                };
                let mut user_data = UserData::new();
                for (i, field) in USER_FIELDS.iter().enumerate() {
                    let index = i + 3;
                    let value = match field.kind {
                        // MySQL text columns are VARBINARY (byte-for-byte equality).
                        FieldKind::Text if p.dialect() == Dialect::MySql => {
                            let bytes: Option<Vec<u8>> = row.try_get(index)?;
                            let text = bytes.map(String::from_utf8).transpose()?;
                            user_field_value(field.kind, text, None, None, None)?
                        }
                        FieldKind::Text | FieldKind::Json => {
                            user_field_value(field.kind, row.try_get(index)?, None, None, None)?
                        }
                        FieldKind::Integer => {
                            user_field_value(field.kind, None, row.try_get(index)?, None, None)?
                        }
                        FieldKind::Real => {
                            user_field_value(field.kind, None, None, row.try_get(index)?, None)?
                        }
                        FieldKind::Boolean if p.dialect() == Dialect::MySql => {
                            let flag: Option<i64> = row.try_get(index)?;
                            user_field_value(field.kind, None, None, None, flag.map(|n| n != 0))?
                        }
                        FieldKind::Boolean => {
                            user_field_value(field.kind, None, None, None, row.try_get(index)?)?
                        }
                    };
                    if let Some(value) = value {
                        user_data.insert(field.name.to_owned(), value);
                    }
                }
                Ok(Some(User {
                    id: row.try_get(0)?,
                    provider_id: row.try_get(1)?,
                    hashed_password: row.try_get(2)?,
                    user_data,
                }))
            }};
        }
        on_pool!(p, pool => read!(pool))
    }

    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError> {
        let p = &self.pool;
        let sql = p.sql(&format!(
            "SELECT {}, {}, expires FROM {} WHERE access_token = $1",
            p.text("access_token"),
            p.text("user_id"),
            self.q("session")
        ));
        on_pool!(p, pool => {
            let row = sqlx::query(&sql).bind(access_token).fetch_optional(pool).await?;
            row.map(|row| Ok(Session { access_token: row.try_get(0)?, user_id: row.try_get(1)?, expires: row.try_get(2)? }))
                .transpose()
        })
    }

    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError> {
        let p = &self.pool;
        let sql = p.sql(&format!(
            "SELECT {} FROM {} WHERE refresh_token = $1",
            p.text("user_id"),
            self.q("refresh_token")
        ));
        on_pool!(p, pool => {
            let row = sqlx::query(&sql).bind(refresh_token).fetch_optional(pool).await?;
            row.map(|row| row.try_get::<String, _>(0).map_err(BoxError::from)).transpose()
        })
    }

    async fn count(&self, record: Record) -> Result<u64, BoxError> {
        let table = match record {
            Record::User => "user",
            Record::Session => "session",
            Record::RefreshToken => "refresh_token",
        };
        let sql = format!("SELECT COUNT(*) FROM {}", self.q(table));
        let count: i64 =
            on_pool!(&self.pool, pool => sqlx::query(&sql).fetch_one(pool).await?.try_get(0)?);
        Ok(u64::try_from(count)?)
    }

    async fn insert_user(&self, user: &User) -> Result<(), BoxError> {
        let p = &self.pool;
        let mut columns = vec![
            "id".to_owned(),
            "provider_id".to_owned(),
            "hashed_password".to_owned(),
        ];
        let mut slots = vec!["$1".to_owned(), "$2".to_owned(), "$3".to_owned()];
        let mut values = Vec::new();
        for (key, value) in &user.user_data {
            let field = USER_FIELDS
                .iter()
                .find(|field| field.name == key)
                .ok_or_else(|| format!("the SQL user table has no column {key}"))?;
            columns.push(self.q(key));
            let n = columns.len();
            slots.push(match (p.dialect(), field.kind) {
                (Dialect::Postgres, FieldKind::Json) => format!("CAST(${n} AS JSONB)"),
                _ => format!("${n}"),
            });
            values.push((field.kind, value.clone()));
        }
        let sql = p.sql(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.q("user"),
            columns.join(", "),
            slots.join(", ")
        ));
        on_pool!(p, pool => {
            let mut query = sqlx::query(&sql).bind(&user.id).bind(&user.provider_id).bind(&user.hashed_password);
            for (kind, value) in &values {
                query = match (kind, value) {
                    (_, Value::Null) => query.bind(None::<String>),
                    (FieldKind::Json, json) => query.bind(json.to_string()),
                    (FieldKind::Text, Value::String(text)) => query.bind(text.clone()),
                    (FieldKind::Integer, Value::Number(n)) => query.bind(n.as_i64().ok_or("not an i64")?),
                    (FieldKind::Real, Value::Number(n)) => query.bind(n.as_f64().ok_or("not an f64")?),
                    (FieldKind::Boolean, Value::Bool(flag)) => query.bind(*flag),
                    (kind, other) => return Err(format!("cannot store {other} in a {kind:?} column").into()),
                };
            }
            query.execute(pool).await?;
        });
        Ok(())
    }

    async fn insert_session(&self, session: &Session) -> Result<(), BoxError> {
        let sql = format!(
            "INSERT INTO {} (access_token, user_id, expires) VALUES ($1, $2, $3)",
            self.q("session")
        );
        self.insert_unchecked(
            &sql,
            &[&session.access_token, &session.user_id],
            Some(session.expires),
        )
        .await
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError> {
        let sql = format!(
            "INSERT INTO {} (refresh_token, user_id) VALUES ($1, $2)",
            self.q("refresh_token")
        );
        self.insert_unchecked(&sql, &[&token.refresh_token, &token.user_id], None)
            .await
    }

    async fn insert_corrupt_session(
        &self,
        access_token: &str,
        user_id: &str,
    ) -> Result<(), BoxError> {
        let session = self.q("session");
        match self.pool.dialect() {
            // An INTEGER-affinity column keeps text that does not look like a number.
            Dialect::Sqlite => {
                let sql = format!("INSERT INTO {session} (access_token, user_id, expires) VALUES ($1, $2, 'next tuesday')");
                self.insert_unchecked(&sql, &[access_token, user_id], None)
                    .await
            }
            Dialect::Postgres | Dialect::MySql => {
                Err("this engine cannot store a corrupt session".into())
            }
        }
    }
}
