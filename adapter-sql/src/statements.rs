//! The SQL text of every operation, for one dialect and set of table names.
//! Identifiers are quoted; values are always bound, never spliced.

use crate::columns::{ColumnKind, SqlValue};
use crate::config::TableNames;
use crate::engine::Stmt;
use crate::schema::Dialect;

/// Prebuilt names and statement builders.
#[derive(Clone, Debug)]
pub(crate) struct Statements {
    pub dialect: Dialect,
    /// Whether `DELETE … RETURNING` works on this server.
    deletes_returning: bool,
    user: String,
    session: String,
    refresh: String,
}

/// A column to write with its value; `kind` chooses the placeholder's shape.
pub(crate) struct Assignment {
    pub column: String,
    pub kind: ColumnKind,
    pub value: SqlValue,
}

impl Statements {
    pub fn new(dialect: Dialect, tables: &TableNames, deletes_returning: bool) -> Self {
        Self {
            dialect,
            deletes_returning,
            user: dialect.quote(tables.user()),
            session: dialect.quote(tables.session()),
            refresh: dialect.quote(tables.refresh_token()),
        }
    }

    fn p(&self, n: usize) -> String {
        self.dialect.placeholder(n)
    }

    /// The placeholder for a value of `kind`, with the conversion the engine needs.
    fn slot(&self, n: usize, kind: ColumnKind) -> String {
        let p = self.p(n);
        match (self.dialect, kind) {
            (Dialect::Postgres, ColumnKind::Json { binary: false }) => format!("CAST({p} AS json)"),
            (Dialect::Postgres, ColumnKind::Timestamp { with_zone: true }) => {
                format!("(TIMESTAMPTZ 'epoch' + {p} * INTERVAL '1 millisecond')")
            }
            (Dialect::Postgres, ColumnKind::Timestamp { with_zone: false }) => {
                format!("(TIMESTAMP 'epoch' + {p} * INTERVAL '1 millisecond')")
            }
            (Dialect::MySql, ColumnKind::Timestamp { .. }) => format!("FROM_UNIXTIME({p} / 1000)"),
            _ => p,
        }
    }

    pub fn user_by(&self, column: &str, key: &str) -> Stmt {
        Stmt::fetch(
            format!(
                "SELECT * FROM {} WHERE {} = {}",
                self.user,
                self.dialect.quote(column),
                self.p(1)
            ),
            vec![SqlValue::Text(key.into())],
        )
    }

    pub fn insert_user(&self, values: Vec<Assignment>) -> Stmt {
        let columns: Vec<String> = values
            .iter()
            .map(|a| self.dialect.quote(&a.column))
            .collect();
        let slots: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, a)| self.slot(i + 1, a.kind))
            .collect();
        Stmt::execute(
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                self.user,
                columns.join(", "),
                slots.join(", ")
            ),
            values.into_iter().map(|a| a.value).collect(),
        )
    }

    /// `UPDATE … WHERE id = ?`, with `RETURNING *` where the engine has it.
    pub fn update_user(&self, user_id: &str, values: Vec<Assignment>) -> Stmt {
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, a)| {
                format!(
                    "{} = {}",
                    self.dialect.quote(&a.column),
                    self.slot(i + 1, a.kind)
                )
            })
            .collect();
        let mut args: Vec<SqlValue> = values.into_iter().map(|a| a.value).collect();
        args.push(SqlValue::Text(user_id.into()));
        let sql = format!(
            "UPDATE {} SET {} WHERE id = {}",
            self.user,
            sets.join(", "),
            self.p(args.len())
        );
        match self.dialect {
            Dialect::MySql => Stmt::execute(sql, args),
            Dialect::Postgres | Dialect::Sqlite => Stmt::fetch(format!("{sql} RETURNING *"), args),
        }
    }

    /// The user's tokens, then the user, in one transaction. MySQL first locks
    /// the user row, so a concurrent token insert waits on its foreign-key check
    /// instead of deadlocking against the token deletes.
    pub fn delete_user_and_tokens(&self, user_id: &str) -> Vec<Stmt> {
        let arg = || vec![SqlValue::Text(user_id.into())];
        let mut statements = Vec::with_capacity(4);
        if self.dialect == Dialect::MySql {
            statements.push(Stmt::fetch(
                format!("SELECT id FROM {} WHERE id = ? FOR UPDATE", self.user),
                arg(),
            ));
        }
        statements.extend([
            Stmt::execute(
                format!("DELETE FROM {} WHERE user_id = {}", self.session, self.p(1)),
                arg(),
            ),
            Stmt::execute(
                format!("DELETE FROM {} WHERE user_id = {}", self.refresh, self.p(1)),
                arg(),
            ),
            Stmt::execute(
                format!("DELETE FROM {} WHERE id = {}", self.user, self.p(1)),
                arg(),
            ),
        ]);
        statements
    }

    pub fn session_by_token(&self, token: &str) -> Stmt {
        Stmt::fetch(
            format!(
                "SELECT access_token, user_id, expires FROM {} WHERE access_token = {}",
                self.session,
                self.p(1)
            ),
            vec![SqlValue::Text(token.into())],
        )
    }

    pub fn sessions_by_user(&self, user_id: &str) -> Stmt {
        Stmt::fetch(
            format!(
                "SELECT access_token, user_id, expires FROM {} WHERE user_id = {}",
                self.session,
                self.p(1)
            ),
            vec![SqlValue::Text(user_id.into())],
        )
    }

    pub fn insert_session(&self, token: &str, user_id: &str, expires: i64) -> Stmt {
        Stmt::execute(
            format!(
                "INSERT INTO {} (access_token, user_id, expires) VALUES ({}, {}, {})",
                self.session,
                self.p(1),
                self.p(2),
                self.p(3)
            ),
            vec![
                SqlValue::Text(token.into()),
                SqlValue::Text(user_id.into()),
                SqlValue::Integer(expires),
            ],
        )
    }

    fn delete_in(&self, table: &str, column: &str, keys: &[&str]) -> Stmt {
        let slots: Vec<String> = (1..=keys.len()).map(|n| self.p(n)).collect();
        Stmt::execute(
            format!(
                "DELETE FROM {table} WHERE {column} IN ({})",
                slots.join(", ")
            ),
            keys.iter().map(|k| SqlValue::Text((*k).into())).collect(),
        )
    }

    pub fn delete_sessions(&self, tokens: &[&str]) -> Stmt {
        self.delete_in(&self.session, "access_token", tokens)
    }

    pub fn delete_refresh_tokens(&self, tokens: &[&str]) -> Stmt {
        self.delete_in(&self.refresh, "refresh_token", tokens)
    }

    pub fn delete_sessions_of(&self, user_id: &str) -> Stmt {
        Stmt::execute(
            format!("DELETE FROM {} WHERE user_id = {}", self.session, self.p(1)),
            vec![SqlValue::Text(user_id.into())],
        )
    }

    pub fn delete_refresh_tokens_of(&self, user_id: &str) -> Stmt {
        Stmt::execute(
            format!("DELETE FROM {} WHERE user_id = {}", self.refresh, self.p(1)),
            vec![SqlValue::Text(user_id.into())],
        )
    }

    /// One statement; on SQLite it also purges numeric text and integral reals (C08), never other text.
    pub fn delete_expired(&self, now: i64) -> Stmt {
        let condition = match self.dialect {
            Dialect::Sqlite => "(typeof(expires) IN ('integer', 'real') AND expires < ?1) \
                 OR (typeof(expires) = 'text' AND CAST(CAST(expires AS INTEGER) AS TEXT) = expires \
                 AND CAST(expires AS INTEGER) < ?1)"
                .to_owned(),
            _ => format!("expires < {}", self.p(1)),
        };
        Stmt::execute(
            format!("DELETE FROM {} WHERE {condition}", self.session),
            vec![SqlValue::Integer(now)],
        )
    }

    /// At most `limit` of the sessions [`Self::delete_expired`] would remove, in one statement.
    pub fn delete_expired_batch(&self, now: i64, limit: i64) -> Stmt {
        let sql = match self.dialect {
            Dialect::Sqlite => format!(
                "DELETE FROM {0} WHERE rowid IN (SELECT rowid FROM {0} WHERE \
                 (typeof(expires) IN ('integer', 'real') AND expires < ?1) \
                 OR (typeof(expires) = 'text' AND CAST(CAST(expires AS INTEGER) AS TEXT) = expires \
                 AND CAST(expires AS INTEGER) < ?1) LIMIT ?2)",
                self.session
            ),
            Dialect::Postgres => format!(
                "DELETE FROM {0} WHERE access_token IN \
                 (SELECT access_token FROM {0} WHERE expires < $1 LIMIT $2)",
                self.session
            ),
            Dialect::MySql => format!("DELETE FROM {} WHERE expires < ? LIMIT ?", self.session),
        };
        Stmt::execute(sql, vec![SqlValue::Integer(now), SqlValue::Integer(limit)])
    }

    pub fn refresh_token_owner(&self, token: &str) -> Stmt {
        Stmt::fetch(
            format!(
                "SELECT r.user_id FROM {} r JOIN {} u ON u.id = r.user_id WHERE r.refresh_token = {}",
                self.refresh,
                self.user,
                self.p(1)
            ),
            vec![SqlValue::Text(token.into())],
        )
    }

    pub fn insert_refresh_token(&self, token: &str, user_id: &str) -> Stmt {
        Stmt::execute(
            format!(
                "INSERT INTO {} (refresh_token, user_id) VALUES ({}, {})",
                self.refresh,
                self.p(1),
                self.p(2)
            ),
            vec![SqlValue::Text(token.into()), SqlValue::Text(user_id.into())],
        )
    }

    /// Removes the token and yields its owner and whether that user still
    /// exists: `DELETE … RETURNING`, or on MySQL a locking read and a delete in
    /// one transaction (the delete's count decides who won).
    pub fn consume_refresh_token(&self, token: &str) -> Vec<Stmt> {
        let arg = || vec![SqlValue::Text(token.into())];
        let owner_exists = format!(
            "EXISTS (SELECT 1 FROM {user} WHERE {user}.id = {refresh}.user_id)",
            user = self.user,
            refresh = self.refresh
        );
        let delete = format!(
            "DELETE FROM {} WHERE refresh_token = {}",
            self.refresh,
            self.p(1)
        );
        if self.deletes_returning {
            return vec![Stmt::fetch(
                format!("{delete} RETURNING user_id, {owner_exists}"),
                arg(),
            )];
        }
        vec![
            Stmt::fetch(
                format!(
                    "SELECT user_id, {owner_exists} FROM {} WHERE refresh_token = {} FOR UPDATE",
                    self.refresh,
                    self.p(1)
                ),
                arg(),
            ),
            Stmt::execute(delete, arg()),
        ]
    }

    /// The session's three columns, then every column of its user, in one round trip.
    pub fn session_and_user(&self, token: &str) -> Stmt {
        Stmt::fetch(
            format!(
                "SELECT s.access_token, s.user_id, s.expires, u.* FROM {} s JOIN {} u ON u.id = s.user_id \
                 WHERE s.access_token = {}",
                self.session,
                self.user,
                self.p(1)
            ),
            vec![SqlValue::Text(token.into())],
        )
    }

    /// Users, live sessions, expired sessions and refresh tokens, in one row.
    pub fn stats(&self, now: i64) -> Stmt {
        let p = self.p(1);
        let q = self.p(2);
        Stmt::fetch(
            format!(
                "SELECT (SELECT COUNT(*) FROM {u}), (SELECT COUNT(*) FROM {s} WHERE expires >= {p}), \
                 (SELECT COUNT(*) FROM {s} WHERE expires < {q}), (SELECT COUNT(*) FROM {r})",
                u = self.user,
                s = self.session,
                r = self.refresh
            ),
            vec![SqlValue::Integer(now), SqlValue::Integer(now)],
        )
    }
}
