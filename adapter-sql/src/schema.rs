//! The schema: what the adapter needs, and the check of an existing schema
//! (as the engine's catalogue describes it) against it.

use std::fmt;

use crate::columns::{ColumnKind, UserColumn};
use crate::config::TableNames;
pub use crate::dialect::Dialect;

/// Which of the three tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The user table.
    User,
    /// The session table.
    Session,
    /// The refresh-token table.
    RefreshToken,
}

impl Role {
    /// The configured name of this table.
    pub fn table(self, tables: &TableNames) -> &str {
        match self {
            Role::User => tables.user(),
            Role::Session => tables.session(),
            Role::RefreshToken => tables.refresh_token(),
        }
    }

    fn required_columns(self) -> &'static [(&'static str, Need)] {
        match self {
            Role::User => &[
                ("id", Need::Key),
                ("provider_id", Need::Key),
                ("hashed_password", Need::Text),
            ],
            Role::Session => &[
                ("access_token", Need::Key),
                ("user_id", Need::Key),
                ("expires", Need::Millis),
            ],
            Role::RefreshToken => &[("refresh_token", Need::Key), ("user_id", Need::Key)],
        }
    }

    fn unique_columns(self) -> &'static [&'static str] {
        match self {
            Role::User => &["id", "provider_id"],
            Role::Session => &["access_token"],
            Role::RefreshToken => &["refresh_token"],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// An id or token: text compared byte for byte.
    Key,
    /// Any text.
    Text,
    /// Milliseconds as a 64-bit integer.
    Millis,
}

/// One column as the engine's catalogue describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Its name.
    pub name: String,
    /// The engine's type name, lower case (`text`, `bigint`, `varbinary`, `tinyint(1)`, `json`…).
    pub data_type: String,
    /// Its collation, where the engine has one per column (MySQL).
    pub collation: Option<String>,
}

/// A unique constraint or unique index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueKey {
    /// The constraint or index name the engine reports in duplicate-key errors.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// What the catalogue says about one table; `None` columns means the table is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableInfo {
    /// Its columns, in table order (empty when the table does not exist).
    pub columns: Vec<ColumnInfo>,
    /// Its unique keys, the primary key included.
    pub unique_keys: Vec<UniqueKey>,
}

/// One way an existing schema differs from what the adapter needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaProblem {
    /// The table does not exist.
    MissingTable {
        /// The table.
        table: String,
    },
    /// A column the adapter needs does not exist.
    MissingColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column has a type the adapter cannot use.
    WrongType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type found.
        found: String,
        /// What is needed.
        expected: &'static str,
    },
    /// A column that must be unique has no single-column unique key.
    NotUnique {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaProblem::MissingTable { table } => write!(f, "table {table} does not exist"),
            SchemaProblem::MissingColumn { table, column } => {
                write!(f, "column {table}.{column} does not exist")
            }
            SchemaProblem::WrongType {
                table,
                column,
                found,
                expected,
            } => {
                write!(f, "column {table}.{column} is {found}, expected {expected}")
            }
            SchemaProblem::NotUnique { table, column } => {
                write!(f, "column {table}.{column} has no unique constraint")
            }
        }
    }
}

/// The schema does not match what the adapter needs; every difference is listed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the SQL schema does not match the adapter: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct SchemaError {
    /// Each difference found.
    pub problems: Vec<SchemaProblem>,
}

/// The catalogue's view of the three tables.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// The user table.
    pub user: TableInfo,
    /// The session table.
    pub session: TableInfo,
    /// The refresh-token table.
    pub refresh_token: TableInfo,
}

impl Catalogue {
    /// The info of one table.
    pub fn table(&self, role: Role) -> &TableInfo {
        match role {
            Role::User => &self.user,
            Role::Session => &self.session,
            Role::RefreshToken => &self.refresh_token,
        }
    }
}

/// A verified schema: the user-data columns and the unique keys of each table.
#[derive(Clone, Debug, Default)]
pub struct SchemaReport {
    /// The user table's columns other than `id`, `provider_id`, `hashed_password`.
    pub user_columns: Vec<UserColumn>,
    /// The catalogue the report was made from.
    pub catalogue: Catalogue,
}

impl SchemaReport {
    /// The column a unique key of `role`'s table covers, if it is a single-column key.
    pub fn unique_key_column(&self, role: Role, key_name: &str) -> Option<&str> {
        self.catalogue
            .table(role)
            .unique_keys
            .iter()
            .find(|key| key.name == key_name)
            .and_then(|key| match key.columns.as_slice() {
                [column] => Some(column.as_str()),
                _ => None,
            })
    }
}

/// Checks a catalogue against what the adapter needs, in `dialect`'s types.
pub fn verify(
    dialect: Dialect,
    tables: &TableNames,
    catalogue: Catalogue,
) -> Result<SchemaReport, SchemaError> {
    let mut problems = Vec::new();
    for role in [Role::User, Role::Session, Role::RefreshToken] {
        let table = role.table(tables);
        let info = catalogue.table(role);
        if info.columns.is_empty() {
            problems.push(SchemaProblem::MissingTable {
                table: table.into(),
            });
            continue;
        }
        for (name, need) in role.required_columns() {
            let Some(column) = info.columns.iter().find(|c| c.name == *name) else {
                problems.push(SchemaProblem::MissingColumn {
                    table: table.into(),
                    column: (*name).into(),
                });
                continue;
            };
            if let Err(expected) = type_fits(dialect, *need, column) {
                problems.push(SchemaProblem::WrongType {
                    table: table.into(),
                    column: (*name).into(),
                    found: describe(column),
                    expected,
                });
            }
        }
        for name in role.unique_columns() {
            let unique = info.unique_keys.iter().any(|key| key.columns == [*name]);
            if !unique && info.columns.iter().any(|c| c.name == *name) {
                problems.push(SchemaProblem::NotUnique {
                    table: table.into(),
                    column: (*name).into(),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(SchemaError { problems });
    }
    let user_columns = catalogue
        .user
        .columns
        .iter()
        .filter(|c| !["id", "provider_id", "hashed_password"].contains(&c.name.as_str()))
        .map(|c| UserColumn {
            name: c.name.clone(),
            kind: ColumnKind::classify(dialect, &c.data_type),
        })
        .collect();
    Ok(SchemaReport {
        user_columns,
        catalogue,
    })
}

fn describe(column: &ColumnInfo) -> String {
    match &column.collation {
        Some(collation) => format!("{} collate {collation}", column.data_type),
        None => column.data_type.clone(),
    }
}

fn type_fits(dialect: Dialect, need: Need, column: &ColumnInfo) -> Result<(), &'static str> {
    let ty = column.data_type.as_str();
    match (dialect, need) {
        (Dialect::Postgres, Need::Key | Need::Text) => ok_if(
            matches!(ty, "text" | "character varying"),
            "text or varchar",
        ),
        (Dialect::Postgres, Need::Millis) => ok_if(ty == "bigint", "bigint (milliseconds)"),
        (Dialect::MySql, Need::Key) => {
            let binary = matches!(
                ty,
                "varbinary" | "blob" | "tinyblob" | "mediumblob" | "longblob"
            );
            let text = matches!(
                ty,
                "varchar" | "text" | "tinytext" | "mediumtext" | "longtext"
            );
            let byte_exact = matches!(
                column.collation.as_deref(),
                Some("utf8mb4_nopad_bin" | "utf8mb4_0900_bin")
            );
            ok_if(
                binary || (text && byte_exact),
                "varbinary, or varchar with collation utf8mb4_nopad_bin / utf8mb4_0900_bin (byte-exact, no pad)",
            )
        }
        (Dialect::MySql, Need::Text) => ok_if(
            matches!(
                ty,
                "varbinary"
                    | "blob"
                    | "mediumblob"
                    | "longblob"
                    | "varchar"
                    | "text"
                    | "mediumtext"
                    | "longtext"
            ),
            "varbinary or text",
        ),
        (Dialect::MySql, Need::Millis) => ok_if(ty == "bigint", "bigint (milliseconds)"),
        (Dialect::Sqlite, Need::Key | Need::Text) => {
            ok_if(sqlite_affinity(ty) == SqliteAffinity::Text, "TEXT")
        }
        // SQLite stores what it is given; REAL or untyped columns hold rows other tools wrote.
        (Dialect::Sqlite, Need::Millis) => ok_if(
            sqlite_affinity(ty) != SqliteAffinity::Text,
            "INTEGER (or REAL/NUMERIC/untyped)",
        ),
    }
}

fn ok_if(condition: bool, expected: &'static str) -> Result<(), &'static str> {
    if condition {
        Ok(())
    } else {
        Err(expected)
    }
}

/// SQLite's column affinity, from its declared type (SQLite docs §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SqliteAffinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

pub(crate) fn sqlite_affinity(declared: &str) -> SqliteAffinity {
    let ty = declared.to_ascii_uppercase();
    if ty.contains("INT") {
        SqliteAffinity::Integer
    } else if ty.contains("CHAR") || ty.contains("CLOB") || ty.contains("TEXT") {
        SqliteAffinity::Text
    } else if ty.is_empty() || ty.contains("BLOB") {
        SqliteAffinity::Blob
    } else if ty.contains("REAL") || ty.contains("FLOA") || ty.contains("DOUB") {
        SqliteAffinity::Real
    } else {
        SqliteAffinity::Numeric
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            data_type: ty.into(),
            collation: None,
        }
    }

    fn key(name: &str, columns: &[&str]) -> UniqueKey {
        UniqueKey {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn lucia_postgres() -> Catalogue {
        Catalogue {
            user: TableInfo {
                columns: vec![
                    col("id", "text"),
                    col("provider_id", "text"),
                    col("hashed_password", "text"),
                    col("username", "text"),
                ],
                unique_keys: vec![
                    key("user_pkey", &["id"]),
                    key("user_provider_id_key", &["provider_id"]),
                    key("user_username_key", &["username"]),
                ],
            },
            session: TableInfo {
                columns: vec![
                    col("id", "bigint"),
                    col("access_token", "text"),
                    col("user_id", "text"),
                    col("expires", "bigint"),
                ],
                unique_keys: vec![key("session_access_token_key", &["access_token"])],
            },
            refresh_token: TableInfo {
                columns: vec![col("refresh_token", "text"), col("user_id", "text")],
                unique_keys: vec![key("refresh_token_refresh_token_key", &["refresh_token"])],
            },
        }
    }

    #[test]
    fn a_lucia_schema_passes_with_its_extra_columns() {
        let report = verify(Dialect::Postgres, &TableNames::default(), lucia_postgres()).unwrap();
        assert_eq!(report.user_columns.len(), 1);
        assert_eq!(
            report.unique_key_column(Role::User, "user_username_key"),
            Some("username")
        );
    }

    #[test]
    fn each_mismatch_is_named() {
        let mut catalogue = lucia_postgres();
        catalogue.session.columns[3] = col("expires", "timestamp with time zone");
        catalogue.refresh_token.unique_keys.clear();
        catalogue.user.columns.retain(|c| c.name != "provider_id");
        let err = verify(Dialect::Postgres, &TableNames::default(), catalogue).unwrap_err();
        assert_eq!(err.problems.len(), 3, "{err}");
        assert!(err
            .to_string()
            .contains("session.expires is timestamp with time zone"));
        assert!(err.to_string().contains("user.provider_id does not exist"));
        assert!(err
            .to_string()
            .contains("refresh_token.refresh_token has no unique"));
    }

    #[test]
    fn mysql_keys_must_compare_bytes() {
        let mut column = col("id", "varchar");
        column.collation = Some("utf8mb4_general_ci".into());
        assert!(type_fits(Dialect::MySql, Need::Key, &column).is_err());
        column.collation = Some("utf8mb4_bin".into()); // PAD SPACE: "a" = "a "
        assert!(type_fits(Dialect::MySql, Need::Key, &column).is_err());
        column.collation = Some("utf8mb4_nopad_bin".into());
        assert!(type_fits(Dialect::MySql, Need::Key, &column).is_ok());
        assert!(type_fits(Dialect::MySql, Need::Key, &col("id", "varbinary")).is_ok());
    }

    #[test]
    fn missing_tables_are_reported() {
        let err = verify(
            Dialect::Sqlite,
            &TableNames::default(),
            Catalogue::default(),
        )
        .unwrap_err();
        assert_eq!(err.problems.len(), 3);
    }
}
