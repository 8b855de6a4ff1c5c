//! SQLite: the embedded default. Foreign keys on every connection, WAL and a
//! busy timeout so concurrent writers wait instead of failing; multi-statement
//! work runs in `BEGIN IMMEDIATE` transactions so no reader has to upgrade.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use adapter_core::{AdapterError, DbOp};
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use crate::columns::{Cell, SqlValue};
use crate::config::{PoolSettings, SqlBuilder, TableNames};
use crate::engine::{Engine, EngineError, Outcome, Row, Stmt};
use crate::error::{classify_sqlite, transport_is_transient, Failure};
use crate::schema::{Catalogue, ColumnInfo, Dialect, TableInfo, UniqueKey};
use crate::timestamp;
use crate::SqlAdapter;

/// How long a writer waits for the database lock before failing.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

struct SqliteEngine {
    pool: SqlitePool,
}

impl SqlAdapter {
    /// A builder over an existing SQLite pool (open it with foreign keys on:
    /// sqlx's default; `build()` checks).
    pub fn sqlite(pool: SqlitePool) -> SqlBuilder<SqlitePool> {
        SqlBuilder::new(pool)
    }

    /// The connect options this adapter uses for `url`: the file created when
    /// missing, foreign keys, WAL, a busy timeout.
    pub fn sqlite_options(url: &str) -> Result<SqliteConnectOptions, AdapterError> {
        let options = SqliteConnectOptions::from_str(url).map_err(|err| {
            AdapterError::invalid_input("url", format!("not a SQLite URL: {err}"))
        })?;
        Ok(options
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(SQLITE_BUSY_TIMEOUT))
    }

    /// Opens a pool for `url`. An in-memory URL gets a single connection that
    /// never closes, so every caller shares one database.
    pub async fn sqlite_pool(url: &str) -> Result<SqlitePool, AdapterError> {
        Self::sqlite_pool_with(url, PoolSettings::default()).await
    }

    /// Like [`SqlAdapter::sqlite_pool`], sized and timed by `settings` (an
    /// in-memory database keeps its single connection whatever the size).
    pub async fn sqlite_pool_with(
        url: &str,
        settings: PoolSettings,
    ) -> Result<SqlitePool, AdapterError> {
        let options = Self::sqlite_options(url)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(settings.max_connections.unwrap_or(8))
        };
        pool.test_before_acquire(false)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options)
            .await
            .map_err(|err| connection_error(&err, err.to_string()))
    }
}

fn connection_error(err: &sqlx::Error, text: String) -> AdapterError {
    AdapterError::database(DbOp::Read, transport_is_transient(err), text)
}

impl SqlBuilder<SqlitePool> {
    /// Verifies the schema and builds the adapter.
    pub async fn build(self) -> Result<SqlAdapter, AdapterError> {
        self.open(false).await
    }

    /// Creates the missing schema, verifies it and builds the adapter.
    pub async fn migrate(self) -> Result<SqlAdapter, AdapterError> {
        self.open(true).await
    }

    async fn open(self, migrate: bool) -> Result<SqlAdapter, AdapterError> {
        let enabled: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&self.pool)
            .await
            .map_err(|err| connection_error(&err, err.to_string()))?;
        if enabled != 1 {
            return Err(AdapterError::invalid_input(
                "pool",
                "SQLite foreign keys are off on this pool: open it with SqliteConnectOptions::foreign_keys(true)",
            ));
        }
        SqlAdapter::open(
            Arc::new(SqliteEngine { pool: self.pool }),
            self.options,
            "sqlite",
            migrate,
        )
        .await
    }
}

fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>>,
    value: &'q SqlValue,
) -> sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>> {
    match value {
        SqlValue::Null(_) => query.bind(None::<String>),
        SqlValue::Text(text) => query.bind(text.as_str()),
        SqlValue::Integer(n) => query.bind(*n),
        SqlValue::Real(n) => query.bind(*n),
        SqlValue::Bool(flag) => query.bind(*flag),
        SqlValue::Json(json) => query.bind(json.to_string()),
        SqlValue::TimestampMs(ms) => query.bind(timestamp::format_rfc3339(*ms)),
    }
}

fn cells(row: &SqliteRow) -> Row {
    row.columns()
        .iter()
        .map(|column| {
            let index = column.ordinal();
            let cell = match row.try_get_raw(index) {
                Ok(raw) if raw.is_null() => Cell::Null,
                Ok(raw) => match raw.type_info().name() {
                    "INTEGER" => row
                        .try_get_unchecked::<i64, _>(index)
                        .map_or_else(|e| Cell::Unsupported(e.to_string()), Cell::Integer),
                    "REAL" => row
                        .try_get_unchecked::<f64, _>(index)
                        .map_or_else(|e| Cell::Unsupported(e.to_string()), Cell::Real),
                    "TEXT" => row
                        .try_get_unchecked::<String, _>(index)
                        .map_or_else(|e| Cell::Unsupported(e.to_string()), Cell::Text),
                    _ => row
                        .try_get_unchecked::<Vec<u8>, _>(index)
                        .map_or_else(|e| Cell::Unsupported(e.to_string()), Cell::Bytes),
                },
                Err(err) => Cell::Unsupported(err.to_string()),
            };
            (column.name().to_owned(), cell)
        })
        .collect()
}

fn failure(source: sqlx::Error) -> EngineError {
    let failure = match &source {
        sqlx::Error::Database(db) => {
            let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(1);
            classify_sqlite(code, db.message())
        }
        other => Failure::Other {
            transient: transport_is_transient(other),
        },
    };
    EngineError { failure, source }
}

async fn run_one<'c, E>(executor: E, statement: &Stmt) -> Result<Outcome, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
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
impl Engine for SqliteEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn deletes_returning(&self) -> bool {
        true
    }

    async fn catalogue(&self, tables: &TableNames) -> Result<Catalogue, AdapterError> {
        let read = |table: String| async move {
            let columns = sqlx::query("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(ColumnInfo {
                        name: row.try_get::<String, _>(0)?,
                        data_type: row.try_get::<String, _>(1)?.to_ascii_lowercase(),
                        collation: None,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let mut unique_keys: Vec<UniqueKey> = Vec::new();
            let rows = sqlx::query(
                "SELECT il.name, ii.name FROM pragma_index_list(?1) il \
                 JOIN pragma_index_info(il.name) ii WHERE il.\"unique\" = 1 AND il.partial = 0 ORDER BY il.name, ii.seqno",
            )
            .bind(&table)
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                let (index, column): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                match unique_keys.iter_mut().find(|key| key.name == index) {
                    Some(key) => key.columns.push(column),
                    None => unique_keys.push(UniqueKey {
                        name: index,
                        columns: vec![column],
                    }),
                }
            }
            Ok::<_, sqlx::Error>(TableInfo {
                columns,
                unique_keys,
            })
        };
        let catalogue = async {
            Ok::<_, sqlx::Error>(Catalogue {
                user: read(tables.user().to_owned()).await?,
                session: read(tables.session().to_owned()).await?,
                refresh_token: read(tables.refresh_token().to_owned()).await?,
            })
        };
        catalogue
            .await
            .map_err(|err| AdapterError::database(DbOp::Read, transport_is_transient(&err), err))
    }

    async fn migrate(&self, statements: &[String]) -> Result<(), AdapterError> {
        let write = |err: sqlx::Error| {
            AdapterError::database(DbOp::Write, transport_is_transient(&err), err)
        };
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(write)?;
        for statement in statements {
            sqlx::query(statement)
                .execute(&mut *tx)
                .await
                .map_err(write)?;
        }
        tx.commit().await.map_err(write)
    }

    async fn run(&self, statements: Vec<Stmt>) -> Result<Vec<Outcome>, EngineError> {
        if let [statement] = statements.as_slice() {
            return Ok(vec![run_one(&self.pool, statement)
                .await
                .map_err(failure)?]);
        }
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(failure)?;
        let mut outcomes = Vec::with_capacity(statements.len());
        for statement in &statements {
            outcomes.push(run_one(&mut *tx, statement).await.map_err(failure)?);
        }
        tx.commit().await.map_err(failure)?;
        Ok(outcomes)
    }
}
