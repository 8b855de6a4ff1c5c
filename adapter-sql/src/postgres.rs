//! PostgreSQL. Every statement is a cached prepared statement (one round
//! trip). A column added while the pool is warm makes a cached `SELECT *` or
//! `RETURNING *` fail with "cached plan must not change result type" (C13):
//! that connection then forgets its statements and runs the call once more.

use std::str::FromStr;
use std::sync::Arc;

use adapter_core::{AdapterError, DbOp};
use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Column, Connection as _, Row as _, TypeInfo, ValueRef};

use crate::columns::{Cell, ColumnKind, SqlValue};
use crate::config::{PoolSettings, SqlBuilder, TableNames};
use crate::engine::{Engine, EngineError, Outcome, Row, Stmt};
use crate::error::{classify_postgres, transport_is_transient, Failure};
use crate::schema::{Catalogue, ColumnInfo, Dialect, TableInfo, UniqueKey};
use crate::SqlAdapter;

/// Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
const PG_EPOCH_MS: i64 = 946_684_800_000;

struct PostgresEngine {
    pool: PgPool,
}

impl SqlAdapter {
    /// A builder over an existing PostgreSQL pool; tables are looked up in its `search_path`.
    pub fn postgres(pool: PgPool) -> SqlBuilder<PgPool> {
        SqlBuilder::new(pool)
    }

    /// Opens a pool for `url` with a 5 s acquire timeout.
    pub async fn postgres_pool(url: &str) -> Result<PgPool, AdapterError> {
        Self::postgres_pool_with(url, PoolSettings::default()).await
    }

    /// Opens a pool for `url` sized and timed by `settings`.
    pub async fn postgres_pool_with(
        url: &str,
        settings: PoolSettings,
    ) -> Result<PgPool, AdapterError> {
        let options = PgConnectOptions::from_str(url).map_err(|err| {
            AdapterError::invalid_input("url", format!("not a PostgreSQL URL: {err}"))
        })?;
        PgPoolOptions::new()
            .test_before_acquire(false)
            .acquire_timeout(settings.acquire_timeout)
            .max_connections(settings.max_connections.unwrap_or(10))
            .connect_with(options)
            .await
            .map_err(|err| AdapterError::database(DbOp::Read, transport_is_transient(&err), err))
    }
}

impl SqlBuilder<PgPool> {
    /// Verifies the schema and builds the adapter.
    pub async fn build(self) -> Result<SqlAdapter, AdapterError> {
        SqlAdapter::open(
            Arc::new(PostgresEngine { pool: self.pool }),
            self.options,
            "postgres",
            false,
        )
        .await
    }

    /// Creates the missing schema, verifies it and builds the adapter.
    pub async fn migrate(self) -> Result<SqlAdapter, AdapterError> {
        SqlAdapter::open(
            Arc::new(PostgresEngine { pool: self.pool }),
            self.options,
            "postgres",
            true,
        )
        .await
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, PgArguments>;

fn bind<'q>(query: PgQuery<'q>, value: &'q SqlValue) -> PgQuery<'q> {
    match value {
        SqlValue::Null(kind) => match kind {
            ColumnKind::Integer | ColumnKind::Timestamp { .. } => query.bind(None::<i64>),
            ColumnKind::Real => query.bind(None::<f64>),
            ColumnKind::Boolean => query.bind(None::<bool>),
            ColumnKind::Json { .. } => query.bind(None::<sqlx::types::Json<serde_json::Value>>),
            ColumnKind::Text | ColumnKind::Other => query.bind(None::<String>),
        },
        SqlValue::Text(text) => query.bind(text.as_str()),
        SqlValue::Integer(n) | SqlValue::TimestampMs(n) => query.bind(*n),
        SqlValue::Real(n) => query.bind(*n),
        SqlValue::Bool(flag) => query.bind(*flag),
        SqlValue::Json(json) => query.bind(sqlx::types::Json(json)),
    }
}

fn cell(row: &PgRow, index: usize) -> Cell {
    let raw = match row.try_get_raw(index) {
        Ok(raw) if raw.is_null() => return Cell::Null,
        Ok(raw) => raw,
        Err(err) => return Cell::Unsupported(err.to_string()),
    };
    let type_info = raw.type_info();
    let type_name = type_info.name();
    let decoded = match type_name {
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CITEXT" => {
            row.try_get_unchecked::<String, _>(index).map(Cell::Text)
        }
        "INT2" => row
            .try_get::<i16, _>(index)
            .map(|n| Cell::Integer(n.into())),
        "INT4" => row
            .try_get::<i32, _>(index)
            .map(|n| Cell::Integer(n.into())),
        "INT8" => row.try_get::<i64, _>(index).map(Cell::Integer),
        "FLOAT4" => row.try_get::<f32, _>(index).map(|n| Cell::Real(n.into())),
        "FLOAT8" => row.try_get::<f64, _>(index).map(Cell::Real),
        "BOOL" => row.try_get::<bool, _>(index).map(Cell::Bool),
        "JSON" | "JSONB" => row
            .try_get::<sqlx::types::Json<serde_json::Value>, _>(index)
            .map(|json| Cell::Json(json.0)),
        // Binary timestamps are microseconds since 2000-01-01; ±infinity are the i64 extremes.
        "TIMESTAMPTZ" | "TIMESTAMP" => row.try_get_unchecked::<i64, _>(index).map(|micros| {
            if micros == i64::MAX || micros == i64::MIN {
                Cell::Unsupported("infinite timestamp".into())
            } else {
                Cell::TimestampMs(micros.div_euclid(1000) + PG_EPOCH_MS)
            }
        }),
        _ => return Cell::Unsupported(type_name.to_owned()),
    };
    decoded.unwrap_or_else(|err| Cell::Unsupported(err.to_string()))
}

fn cells(row: &PgRow) -> Row {
    row.columns()
        .iter()
        .map(|column| (column.name().to_owned(), cell(row, column.ordinal())))
        .collect()
}

fn failure(source: sqlx::Error) -> EngineError {
    let failure = match &source {
        sqlx::Error::Database(db) => {
            let column = db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|pg| pg.column());
            classify_postgres(db.code().as_deref().unwrap_or(""), db.constraint(), column)
        }
        other => Failure::Other {
            transient: transport_is_transient(other),
        },
    };
    EngineError { failure, source }
}

async fn run_one<'c, E>(executor: E, statement: &Stmt) -> Result<Outcome, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
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

const COLUMNS_SQL: &str =
    "SELECT column_name::text, data_type::text FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

const UNIQUE_KEYS_SQL: &str = "SELECT i.relname::text, array_agg(a.attname::text ORDER BY k.ord) \
     FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class i ON i.oid = x.indexrelid \
     CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
     WHERE n.nspname = current_schema() AND t.relname = $1 AND x.indisunique AND x.indpred IS NULL \
     GROUP BY i.relname";

#[async_trait]
impl Engine for PostgresEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn deletes_returning(&self) -> bool {
        true
    }

    async fn catalogue(&self, tables: &TableNames) -> Result<Catalogue, AdapterError> {
        let read = |table: String| async move {
            let columns = sqlx::query_as::<_, (String, String)>(COLUMNS_SQL)
                .bind(&table)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(name, data_type)| ColumnInfo {
                    name,
                    data_type,
                    collation: None,
                })
                .collect();
            let unique_keys = sqlx::query_as::<_, (String, Vec<String>)>(UNIQUE_KEYS_SQL)
                .bind(&table)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(name, columns)| UniqueKey { name, columns })
                .collect();
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
        let mut tx = self.pool.begin().await.map_err(write)?;
        // Concurrent CREATE TABLE IF NOT EXISTS can collide in the catalogue: serialise migrations.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('adapter-sql migrate'))")
            .execute(&mut *tx)
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
        let mut connection = self.pool.acquire().await.map_err(failure)?;
        match run_on(&mut connection, &statements).await {
            Err(err) if is_stale_plan(&err) => {
                // The table changed under this connection's prepared
                // statements (C13): forget them all, and try once more.
                connection
                    .clear_cached_statements()
                    .await
                    .map_err(failure)?;
                run_on(&mut connection, &statements).await.map_err(failure)
            }
            result => result.map_err(failure),
        }
    }
}

/// Runs the statements on one connection: one alone, several in a transaction.
async fn run_on(
    connection: &mut sqlx::PgConnection,
    statements: &[Stmt],
) -> Result<Vec<Outcome>, sqlx::Error> {
    if let [statement] = statements {
        return Ok(vec![run_one(&mut *connection, statement).await?]);
    }
    let mut tx = connection.begin().await?;
    let mut outcomes = Vec::with_capacity(statements.len());
    for statement in statements {
        outcomes.push(run_one(&mut *tx, statement).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// SQLSTATE 0A000 from a prepared statement, "cached plan must not change
/// result type": a `SELECT *` or `RETURNING *` whose table gained or lost a
/// column since it was prepared. Nothing ran; the statement can be prepared
/// afresh and run again.
fn is_stale_plan(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.code().as_deref() == Some("0A000"))
}
