//! Driver errors to [`AdapterError`]: one classification function per dialect,
//! from SQLSTATE / vendor codes and constraint or key names, then one mapping
//! that knows which table a statement wrote and what its unique keys cover.
//!
//! Where an engine reports the key only inside its message, we read only the
//! part that cannot hold a value: MySQL's ER_DUP_ENTRY ends with the key name
//! as its last parameter (matched as a suffix against the keys the catalogue
//! lists, so a duplicated value can never pose as a key), and SQLite's
//! `UNIQUE constraint failed: table.column` lists columns and no values.

use adapter_core::{AdapterError, DbOp};

use crate::schema::{Role, SchemaReport};

/// What a failed statement ran into, independent of the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A unique key was violated.
    Unique(UniqueRef),
    /// A foreign key was violated (a token for a missing user).
    ForeignKey,
    /// A NOT NULL column was given null; the column where the engine names it.
    NotNull(Option<String>),
    /// A CHECK constraint failed; its name where the engine gives it.
    Check(Option<String>),
    /// A value does not fit its column (too long, out of range, wrong type).
    BadValue,
    /// Anything else; `transient` for connection loss, timeouts, busy or deadlocked engines.
    Other {
        /// The caller may retry.
        transient: bool,
    },
}

/// How the engine names the violated unique key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UniqueRef {
    /// A constraint or index name (PostgreSQL, MySQL).
    Key(String),
    /// The key's columns (SQLite).
    Columns(Vec<String>),
    /// The key is unknown.
    Unknown,
}

/// PostgreSQL: SQLSTATE, constraint and column from the error fields.
pub fn classify_postgres(code: &str, constraint: Option<&str>, column: Option<&str>) -> Failure {
    match code {
        "23505" => {
            Failure::Unique(constraint.map_or(UniqueRef::Unknown, |c| UniqueRef::Key(c.into())))
        }
        "23503" => Failure::ForeignKey,
        "23502" => Failure::NotNull(column.map(str::to_owned)),
        "23514" => Failure::Check(constraint.map(str::to_owned)),
        c if c.starts_with("22") => Failure::BadValue,
        // connection exceptions, shutdown, too many connections, serialization / deadlock.
        c if c.starts_with("08")
            || c.starts_with("57P")
            || c.starts_with("53")
            || c == "40001"
            || c == "40P01" =>
        {
            Failure::Other { transient: true }
        }
        _ => Failure::Other { transient: false },
    }
}

/// MySQL / MariaDB: the error number, and for duplicates the key named last in the message.
pub fn classify_mysql(number: u16, message: &str, known_keys: &[&str]) -> Failure {
    match number {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
        1062 | 1586 => {
            let trimmed = message.trim_end();
            let key = known_keys.iter().find(|key| {
                trimmed.ends_with(&format!("key '{key}'")) || trimmed.ends_with(&format!(".{key}'"))
            });
            Failure::Unique(key.map_or(UniqueRef::Unknown, |k| UniqueRef::Key((*k).into())))
        }
        // ER_NO_REFERENCED_ROW(_2)
        1216 | 1452 => Failure::ForeignKey,
        // ER_BAD_NULL_ERROR
        1048 => Failure::NotNull(None),
        // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8), ER_CONSTRAINT_FAILED (MariaDB)
        3819 | 4025 => Failure::Check(None),
        // data too long, out of range, truncated / incorrect value, invalid JSON
        1406 | 1264 | 1265 | 1366 | 1292 | 3140 | 4038 => Failure::BadValue,
        // deadlock, lock wait timeout, too many connections, server gone / lost / shutting down
        1213 | 1205 | 1040 | 1053 | 2006 | 2013 | 1927 => Failure::Other { transient: true },
        _ => Failure::Other { transient: false },
    }
}

/// SQLite: the extended result code, and for unique keys the column list of its message.
pub fn classify_sqlite(extended_code: i32, message: &str) -> Failure {
    let columns = || -> Vec<String> {
        message
            .split_once("constraint failed: ")
            .map(|(_, list)| {
                list.split(", ")
                    .filter_map(|qualified| {
                        qualified
                            .rsplit_once('.')
                            .map(|(_, column)| column.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    match extended_code {
        // SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE
        1555 | 2067 => match columns() {
            cols if cols.is_empty() => Failure::Unique(UniqueRef::Unknown),
            cols => Failure::Unique(UniqueRef::Columns(cols)),
        },
        787 => Failure::ForeignKey,
        1299 => Failure::NotNull(columns().into_iter().next()),
        275 => Failure::Check(None),
        // SQLITE_MISMATCH, SQLITE_TOOBIG
        20 | 18 => Failure::BadValue,
        // SQLITE_BUSY and SQLITE_LOCKED with their extended forms
        code if matches!(code & 0xff, 5 | 6) => Failure::Other { transient: true },
        _ => Failure::Other { transient: false },
    }
}

/// The [`AdapterError`] of a failure in a statement writing `role`'s table.
pub fn to_adapter_error(
    failure: Failure,
    role: Role,
    op: DbOp,
    schema: &SchemaReport,
    source: sqlx::Error,
) -> AdapterError {
    match failure {
        Failure::Unique(reference) => {
            let column = match &reference {
                UniqueRef::Key(name) => schema.unique_key_column(role, name).map(str::to_owned),
                UniqueRef::Columns(columns) if columns.len() == 1 => columns.first().cloned(),
                _ => None,
            };
            match (role, column.as_deref()) {
                (Role::User, Some("id")) => AdapterError::DuplicateUserId,
                (Role::User, Some("provider_id")) => AdapterError::DuplicateProviderId,
                (Role::User, field) => AdapterError::DuplicateUserData {
                    field: field.map(str::to_owned),
                },
                (Role::Session, Some("access_token")) => AdapterError::DuplicateAccessToken,
                (Role::RefreshToken, Some("refresh_token")) => AdapterError::DuplicateRefreshToken,
                _ => AdapterError::database(op, false, source),
            }
        }
        Failure::ForeignKey if role != Role::User => AdapterError::InvalidUserId,
        Failure::NotNull(column) => AdapterError::invalid_input(
            column.map_or_else(|| "user_data".to_owned(), |c| format!("user_data.{c}")),
            "this column does not accept null",
        ),
        Failure::Check(name) => AdapterError::invalid_input(
            "user_data",
            format!(
                "violates check constraint {}",
                name.as_deref().unwrap_or("(unnamed)")
            ),
        ),
        Failure::BadValue => {
            AdapterError::invalid_input("user_data", "a value does not fit its column")
        }
        Failure::ForeignKey => AdapterError::database(op, false, source),
        Failure::Other { transient } => AdapterError::database(op, transient, source),
    }
}

/// Whether a non-database sqlx error is worth retrying (connection loss, pool timeout).
pub fn transport_is_transient(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_codes() {
        let table = [
            (
                ("23505", Some("user_pkey"), None),
                Failure::Unique(UniqueRef::Key("user_pkey".into())),
            ),
            (
                ("23503", Some("session_user_id_fkey"), None),
                Failure::ForeignKey,
            ),
            (
                ("23502", None, Some("username")),
                Failure::NotNull(Some("username".into())),
            ),
            (
                ("23514", Some("age_positive"), None),
                Failure::Check(Some("age_positive".into())),
            ),
            (("22001", None, None), Failure::BadValue),
            (("57P01", None, None), Failure::Other { transient: true }),
            (("08006", None, None), Failure::Other { transient: true }),
            (("42601", None, None), Failure::Other { transient: false }),
        ];
        for ((code, constraint, column), expected) in table {
            assert_eq!(
                classify_postgres(code, constraint, column),
                expected,
                "{code}"
            );
        }
    }

    #[test]
    fn mysql_codes_and_key_suffixes() {
        let keys = ["PRIMARY", "provider_id", "username"];
        let table = [
            (
                (1062, "Duplicate entry 'a' for key 'PRIMARY'"),
                Failure::Unique(UniqueRef::Key("PRIMARY".into())),
            ),
            (
                (1062, "Duplicate entry 'x' for key 'user.provider_id'"),
                Failure::Unique(UniqueRef::Key("provider_id".into())),
            ),
            // a value posing as a key name cannot win: only the final parameter counts
            (
                (
                    1062,
                    "Duplicate entry 'x' for key 'provider_id' for key 'username'",
                ),
                Failure::Unique(UniqueRef::Key("username".into())),
            ),
            (
                (1062, "Duplicate entry 'x' for key 'other_idx'"),
                Failure::Unique(UniqueRef::Unknown),
            ),
            (
                (1452, "Cannot add or update a child row"),
                Failure::ForeignKey,
            ),
            ((1048, "Column 'x' cannot be null"), Failure::NotNull(None)),
            ((4025, "CONSTRAINT failed"), Failure::Check(None)),
            ((1406, "Data too long"), Failure::BadValue),
            ((1213, "Deadlock"), Failure::Other { transient: true }),
            ((1064, "syntax"), Failure::Other { transient: false }),
        ];
        for ((number, message), expected) in table {
            assert_eq!(
                classify_mysql(number, message, &keys),
                expected,
                "{message}"
            );
        }
    }

    #[test]
    fn sqlite_codes() {
        let table = [
            (
                (1555, "UNIQUE constraint failed: user.id"),
                Failure::Unique(UniqueRef::Columns(vec!["id".into()])),
            ),
            (
                (2067, "UNIQUE constraint failed: user.user_email"),
                Failure::Unique(UniqueRef::Columns(vec!["user_email".into()])),
            ),
            ((787, "FOREIGN KEY constraint failed"), Failure::ForeignKey),
            (
                (1299, "NOT NULL constraint failed: user.username"),
                Failure::NotNull(Some("username".into())),
            ),
            (
                (275, "CHECK constraint failed: positive"),
                Failure::Check(None),
            ),
            (
                (5, "database is locked"),
                Failure::Other { transient: true },
            ),
            (
                (517, "database is locked"),
                Failure::Other { transient: true },
            ),
            ((1, "no such table"), Failure::Other { transient: false }),
        ];
        for ((code, message), expected) in table {
            assert_eq!(classify_sqlite(code, message), expected, "{message}");
        }
    }

    #[test]
    fn failures_map_per_table() {
        let mut schema = SchemaReport::default();
        schema.catalogue.user.unique_keys = vec![
            crate::schema::UniqueKey {
                name: "user_pkey".into(),
                columns: vec!["id".into()],
            },
            crate::schema::UniqueKey {
                name: "u_pid".into(),
                columns: vec!["provider_id".into()],
            },
            crate::schema::UniqueKey {
                name: "u_name".into(),
                columns: vec!["username".into()],
            },
        ];
        let map = |failure, role| {
            to_adapter_error(
                failure,
                role,
                DbOp::Write,
                &schema,
                sqlx::Error::PoolTimedOut,
            )
            .code()
        };
        let key = |name: &str| Failure::Unique(UniqueRef::Key(name.into()));
        assert_eq!(map(key("user_pkey"), Role::User), "AUTH_DUPLICATE_USER_ID");
        assert_eq!(map(key("u_pid"), Role::User), "AUTH_DUPLICATE_PROVIDER_ID");
        assert_eq!(map(key("u_name"), Role::User), "AUTH_DUPLICATE_USER_DATA");
        assert_eq!(
            map(
                Failure::Unique(UniqueRef::Columns(vec!["access_token".into()])),
                Role::Session
            ),
            "AUTH_DUPLICATE_ACCESS_TOKEN"
        );
        assert_eq!(
            map(
                Failure::Unique(UniqueRef::Columns(vec!["refresh_token".into()])),
                Role::RefreshToken
            ),
            "AUTH_DUPLICATE_REFRESH_TOKEN"
        );
        assert_eq!(
            map(Failure::Unique(UniqueRef::Unknown), Role::Session),
            "DATABASE_UPDATE_FAILED"
        );
        assert_eq!(
            map(Failure::ForeignKey, Role::Session),
            "AUTH_INVALID_USER_ID"
        );
        assert_eq!(
            map(Failure::NotNull(Some("x".into())), Role::User),
            "AUTH_INVALID_INPUT"
        );
        assert_eq!(map(Failure::Check(None), Role::User), "AUTH_INVALID_INPUT");
    }
}
