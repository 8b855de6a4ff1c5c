//! MySQL and MariaDB. Ids and tokens are `VARBINARY` (byte-exact, no pad);
//! every connection runs in UTC and strict mode so a value a column cannot
//! hold is an error, never a silent truncation.

use std::str::FromStr;
use std::sync::Arc;

use adapter_core::{AdapterError, DbOp};
use async_trait::async_trait;
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::{Column, Executor, Row as _, TypeInfo, ValueRef};

use crate::columns::{self, Cell, SqlValue};
use crate::config::{PoolSettings, SqlBuilder, TableNames};
use crate::engine::{Engine, EngineError, Outcome, Row, Stmt};
use crate::error::{classify_mysql, transport_is_transient, Failure};
use crate::schema::{Catalogue, ColumnInfo, Dialect, TableInfo, UniqueKey};
use crate::SqlAdapter;

struct MySqlEngine {
    pool: MySqlPool,
    /// MariaDB 10.5+ (`DELETE … RETURNING`); MySQL has none.
    deletes_returning: bool,
    /// The unique key names of the three tables, for reading ER_DUP_ENTRY.
    key_names: std::sync::RwLock<Vec<String>>,
}

/// The session settings every connection needs.
pub const MYSQL_SESSION_SQL: &str =
    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', NAMES utf8mb4";

impl SqlAdapter {
    /// A builder over an existing MySQL / MariaDB pool. Its connections should
    /// run [`MYSQL_SESSION_SQL`] (UTC, strict mode, utf8mb4), as [`SqlAdapter::mysql_pool`]'s do.
    pub fn mysql(pool: MySqlPool) -> SqlBuilder<MySqlPool> {
        SqlBuilder::new(pool)
    }

    /// Opens a pool for `url` (`mysql://` or `mariadb://`) with UTC, strict mode and utf8mb4 on each connection.
    pub async fn mysql_pool(url: &str) -> Result<MySqlPool, AdapterError> {
        Self::mysql_pool_with(url, PoolSettings::default()).await
    }

    /// Like [`SqlAdapter::mysql_pool`], sized and timed by `settings`.
    pub async fn mysql_pool_with(
        url: &str,
        settings: PoolSettings,
    ) -> Result<MySqlPool, AdapterError> {
        let url = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_owned(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&url)
            .map_err(|err| AdapterError::invalid_input("url", format!("not a MySQL URL: {err}")))?
            .charset("utf8mb4");
        MySqlPoolOptions::new()
            .test_before_acquire(false)
            .acquire_timeout(settings.acquire_timeout)
            .max_connections(settings.max_connections.unwrap_or(10))
            .after_connect(|conn, _| {
                Box::pin(async move { conn.execute(MYSQL_SESSION_SQL).await.map(drop) })
            })
            .connect_with(options)
            .await
            .map_err(|err| AdapterError::database(DbOp::Read, transport_is_transient(&err), err))
    }
}

impl SqlBuilder<MySqlPool> {
    /// Verifies the schema and builds the adapter.
    pub async fn build(self) -> Result<SqlAdapter, AdapterError> {
        self.open(false).await
    }

    /// Creates the missing schema, verifies it and builds the adapter.
    pub async fn migrate(self) -> Result<SqlAdapter, AdapterError> {
        self.open(true).await
    }

    async fn open(self, migrate: bool) -> Result<SqlAdapter, AdapterError> {
        let (version,): (String,) = sqlx::query_as("SELECT VERSION()")
            .fetch_one(&self.pool)
            .await
            .map_err(|err| AdapterError::database(DbOp::Read, transport_is_transient(&err), err))?;
        let engine = MySqlEngine {
            deletes_returning: mariadb_with_delete_returning(&version),
            pool: self.pool,
            key_names: Default::default(),
        };
        SqlAdapter::open(Arc::new(engine), self.options, "mysql", migrate).await
    }
}

/// Whether `SELECT VERSION()` names MariaDB 10.5 or later.
fn mariadb_with_delete_returning(version: &str) -> bool {
    if !version.contains("MariaDB") {
        return false;
    }
    let mut numbers = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    (major, minor) >= (10, 5)
}

type MyQuery<'q> = sqlx::query::Query<'q, sqlx::MySql, MySqlArguments>;

fn bind<'q>(query: MyQuery<'q>, value: &'q SqlValue) -> MyQuery<'q> {
    match value {
        SqlValue::Null(_) => query.bind(None::<String>),
        SqlValue::Text(text) => query.bind(text.as_str()),
        SqlValue::Integer(n) | SqlValue::TimestampMs(n) => query.bind(*n),
        SqlValue::Real(n) => query.bind(*n),
        SqlValue::Bool(flag) => query.bind(*flag),
        SqlValue::Json(json) => query.bind(json.to_string()),
    }
}

/// A binary-protocol DATETIME / TIMESTAMP: length, year (LE), month, day, h, m, s, µs (LE).
fn datetime_ms(bytes: &[u8]) -> Option<i64> {
    let (&len, rest) = bytes.split_first()?;
    let field = |i: usize| rest.get(i).copied().map(i64::from).unwrap_or(0);
    if len == 0 {
        return None;
    }
    let year = i64::from(u16::from_le_bytes([*rest.first()?, *rest.get(1)?]));
    let micros = rest.get(7..11).map_or(0, |b| {
        i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    });
    let text = format!(
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        field(2),
        field(3),
        field(4),
        field(5),
        field(6)
    );
    Some(crate::timestamp::parse_rfc3339(&text)? + micros / 1000)
}

fn cell(row: &MySqlRow, index: usize) -> Cell {
    let raw = match row.try_get_raw(index) {
        Ok(raw) if raw.is_null() => return Cell::Null,
        Ok(raw) => raw,
        Err(err) => return Cell::Unsupported(err.to_string()),
    };
    let type_info = raw.type_info();
    let type_name = type_info.name();
    let decoded = match type_name {
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => {
            row.try_get_unchecked::<i64, _>(index).map(Cell::Integer)
        }
        "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
        | "BIGINT UNSIGNED" => row.try_get_unchecked::<u64, _>(index).map(|n| {
            i64::try_from(n).map_or(Cell::Unsupported("integer above i64".into()), Cell::Integer)
        }),
        "FLOAT" => row
            .try_get_unchecked::<f32, _>(index)
            .map(|n| Cell::Real(n.into())),
        "DOUBLE" => row.try_get_unchecked::<f64, _>(index).map(Cell::Real),
        "DATETIME" | "TIMESTAMP" => row.try_get_unchecked::<&[u8], _>(index).map(|bytes| {
            datetime_ms(bytes).map_or_else(
                || Cell::Unsupported(type_name.to_owned()),
                Cell::TimestampMs,
            )
        }),
        "VARBINARY" | "BINARY" | "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
            row.try_get_unchecked::<Vec<u8>, _>(index).map(Cell::Bytes)
        }
        "VARCHAR" | "CHAR" | "TEXT" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "JSON" | "ENUM"
        | "SET" => row
            .try_get_unchecked::<Vec<u8>, _>(index)
            .map(|bytes| match String::from_utf8(bytes) {
                Ok(text) => Cell::Text(text),
                Err(err) => Cell::Bytes(err.into_bytes()),
            }),
        _ => return Cell::Unsupported(type_name.to_owned()),
    };
    decoded.unwrap_or_else(|err| Cell::Unsupported(err.to_string()))
}

fn cells(row: &MySqlRow) -> Row {
    row.columns()
        .iter()
        .map(|column| (column.name().to_owned(), cell(row, column.ordinal())))
        .collect()
}

impl MySqlEngine {
    fn failure(&self, source: sqlx::Error) -> EngineError {
        let failure = match &source {
            sqlx::Error::Database(db) => {
                let number = db
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .map_or(0, |my| my.number());
                let keys = self
                    .key_names
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                classify_mysql(number, db.message(), &keys)
            }
            other => Failure::Other {
                transient: transport_is_transient(other),
            },
        };
        EngineError { failure, source }
    }

    async fn texts(&self, sql: &str, table: &str) -> Result<Vec<Vec<String>>, sqlx::Error> {
        let rows = sqlx::query(sql).bind(table).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|row| {
                cells(row)
                    .into_iter()
                    .map(|(name, cell)| {
                        columns::optional_text(&name, cell)
                            .ok()
                            .flatten()
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect())
    }

    async fn table(&self, table: &str) -> Result<TableInfo, sqlx::Error> {
        // MariaDB's JSON is LONGTEXT with a json_valid() check named after the column.
        let json_columns: Vec<String> = self
            .texts(
                "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                table,
            )
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|row| match row.as_slice() {
                [name, clause] if *clause == format!("json_valid(`{name}`)") => Some(name.clone()),
                _ => None,
            })
            .collect();
        let columns = self
            .texts(
                "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COLLATION_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                table,
            )
            .await?
            .into_iter()
            .filter_map(|row| match <[String; 4]>::try_from(row) {
                Ok([name, data_type, column_type, collation]) => {
                    let data_type = if column_type.eq_ignore_ascii_case("tinyint(1)") {
                        "tinyint(1)".to_owned()
                    } else if json_columns.contains(&name) {
                        "json".to_owned()
                    } else {
                        data_type.to_ascii_lowercase()
                    };
                    Some(ColumnInfo { name, data_type, collation: (!collation.is_empty()).then_some(collation) })
                }
                Err(_) => None,
            })
            .collect();
        let mut unique_keys: Vec<UniqueKey> = Vec::new();
        let rows = self
            .texts(
                "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND SUB_PART IS NULL ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                table,
            )
            .await?;
        for row in rows {
            if let Ok([index, column]) = <[String; 2]>::try_from(row) {
                match unique_keys.iter_mut().find(|key| key.name == index) {
                    Some(key) => key.columns.push(column),
                    None => unique_keys.push(UniqueKey {
                        name: index,
                        columns: vec![column],
                    }),
                }
            }
        }
        Ok(TableInfo {
            columns,
            unique_keys,
        })
    }
}

async fn run_one<'c, E>(executor: E, statement: &Stmt) -> Result<Outcome, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::MySql>,
{
    let mut query = sqlx::query(&statement.sql);
    for value in &statement.args {
        query = bind(query, value);
    }
    if statement.returns_rows {
        Ok(Outcome::Rows(
            query.fetch_all(executor).await?.iter().map(cells).collect(),
        ))
    } else {
        Ok(Outcome::Affected(
            query.execute(executor).await?.rows_affected(),
        ))
    }
}

#[async_trait]
impl Engine for MySqlEngine {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn deletes_returning(&self) -> bool {
        self.deletes_returning
    }

    async fn catalogue(&self, tables: &TableNames) -> Result<Catalogue, AdapterError> {
        let catalogue = async {
            Ok::<_, sqlx::Error>(Catalogue {
                user: self.table(tables.user()).await?,
                session: self.table(tables.session()).await?,
                refresh_token: self.table(tables.refresh_token()).await?,
            })
        }
        .await
        .map_err(|err| AdapterError::database(DbOp::Read, transport_is_transient(&err), err))?;
        let names = [
            &catalogue.user,
            &catalogue.session,
            &catalogue.refresh_token,
        ]
        .iter()
        .flat_map(|table| table.unique_keys.iter().map(|key| key.name.clone()))
        .collect();
        *self
            .key_names
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = names;
        Ok(catalogue)
    }

    async fn migrate(&self, statements: &[String]) -> Result<(), AdapterError> {
        let write = |err: sqlx::Error| {
            AdapterError::database(DbOp::Write, transport_is_transient(&err), err)
        };
        let mut conn = self.pool.acquire().await.map_err(write)?;
        // DDL commits implicitly in MySQL: a named lock serialises concurrent migrations instead.
        let locked: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK('adapter_sql_migrate', 60)")
            .fetch_one(&mut *conn)
            .await
            .map_err(write)?;
        if locked != Some(1) {
            return Err(AdapterError::database(
                DbOp::Write,
                true,
                "timed out waiting for the migration lock",
            ));
        }
        let mut result = Ok(());
        for statement in statements {
            if let Err(err) = sqlx::query(statement).execute(&mut *conn).await {
                result = Err(write(err));
                break;
            }
        }
        let _ = sqlx::query("SELECT RELEASE_LOCK('adapter_sql_migrate')")
            .execute(&mut *conn)
            .await;
        result
    }

    async fn run(&self, statements: Vec<Stmt>) -> Result<Vec<Outcome>, EngineError> {
        if let [statement] = statements.as_slice() {
            return Ok(vec![run_one(&self.pool, statement)
                .await
                .map_err(|e| self.failure(e))?]);
        }
        let mut tx = self.pool.begin().await.map_err(|e| self.failure(e))?;
        let mut outcomes = Vec::with_capacity(statements.len());
        for statement in &statements {
            outcomes.push(
                run_one(&mut *tx, statement)
                    .await
                    .map_err(|e| self.failure(e))?,
            );
        }
        tx.commit().await.map_err(|e| self.failure(e))?;
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::mariadb_with_delete_returning;

    #[test]
    fn delete_returning_is_known_from_the_server_version() {
        assert!(mariadb_with_delete_returning("10.11.19-MariaDB-0+deb12u1"));
        assert!(mariadb_with_delete_returning("11.4.2-MariaDB"));
        assert!(!mariadb_with_delete_returning("10.4.32-MariaDB"));
        assert!(!mariadb_with_delete_returning("8.0.36"));
        assert!(!mariadb_with_delete_returning("8.4.0-commercial"));
    }
}
