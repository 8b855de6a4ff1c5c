//! The suite's backends for [`adapter_sql::SqlAdapter`]: SQLite (a file per
//! scenario in a temporary directory), PostgreSQL (a schema per scenario) and
//! MySQL / MariaDB (a database per scenario). Each scenario's user table is
//! made with the [`USER_FIELDS`] as columns (the unique ones `UNIQUE`), then
//! the adapter's `migrate()` adds the rest; the oracle reads and writes with
//! raw SQL on the same pool, switching foreign keys off to seed orphans.

use std::sync::Arc;

use adapter_core::{Adapter, BoxError};
use adapter_sql::{Dialect, SqlAdapter};
use async_trait::async_trait;

use crate::backend::{Backend, Capabilities, FieldKind, Fixture, ScenarioEnv, USER_FIELDS};

/// A pool of one of the three engines.
#[derive(Clone, Debug)]
enum RawPool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
}

macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            #[cfg(feature = "sqlite")]
            RawPool::Sqlite($p) => $body,
            #[cfg(feature = "postgres")]
            RawPool::Postgres($p) => $body,
            #[cfg(feature = "mysql")]
            RawPool::MySql($p) => $body,
        }
    };
}

mod oracle;

pub use oracle::SqlOracle;

impl RawPool {
    fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            RawPool::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            RawPool::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            RawPool::MySql(_) => Dialect::MySql,
        }
    }

    /// An adapter over this pool for a scenario: its clock and id generator, schema migrated.
    async fn adapter(&self, env: &ScenarioEnv) -> Result<SqlAdapter, BoxError> {
        macro_rules! build {
            ($builder:expr) => {{
                let mut builder = $builder.clock(env.clock.clone());
                if let Some(generator) = &env.id_generator {
                    builder = builder.id_generator(generator.clone());
                }
                builder.migrate().await?
            }};
        }
        Ok(match self {
            #[cfg(feature = "sqlite")]
            RawPool::Sqlite(pool) => build!(SqlAdapter::sqlite(pool.clone())),
            #[cfg(feature = "postgres")]
            RawPool::Postgres(pool) => build!(SqlAdapter::postgres(pool.clone())),
            #[cfg(feature = "mysql")]
            RawPool::MySql(pool) => build!(SqlAdapter::mysql(pool.clone())),
        })
    }

    /// Creates the user table with the suite's fields as columns.
    async fn create_user_table(&self) -> Result<(), BoxError> {
        let dialect = self.dialect();
        let (key, password, suffix) = match dialect {
            Dialect::MySql => (
                "VARBINARY(512)",
                "VARBINARY(4096)",
                " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            ),
            _ => ("TEXT", "TEXT", ""),
        };
        let fields: Vec<String> = USER_FIELDS
            .iter()
            .map(|field| {
                let ty = match (dialect, field.kind) {
                    (Dialect::MySql, FieldKind::Text) => {
                        "VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
                    }
                    (_, FieldKind::Text) => "TEXT",
                    (_, FieldKind::Integer) => "BIGINT",
                    (Dialect::Postgres, FieldKind::Real) => "DOUBLE PRECISION",
                    (Dialect::MySql, FieldKind::Real) => "DOUBLE",
                    (_, FieldKind::Real) => "REAL",
                    (_, FieldKind::Boolean) => "BOOLEAN",
                    (Dialect::Postgres, FieldKind::Json) => "JSONB",
                    (_, FieldKind::Json) => "JSON",
                };
                let unique = if field.unique { " UNIQUE" } else { "" };
                format!("{} {ty} NULL{unique}", dialect.quote(field.name))
            })
            .collect();
        let sql = format!(
            "CREATE TABLE {} (id {key} NOT NULL PRIMARY KEY, provider_id {key} NOT NULL UNIQUE, \
             hashed_password {password} NULL, {}){suffix}",
            dialect.quote("user"),
            fields.join(", ")
        );
        on_pool!(self, pool => sqlx::query(&sql).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// `$n` placeholders as this engine writes them.
    fn sql(&self, template: &str) -> String {
        match self.dialect() {
            Dialect::Postgres => template.to_owned(),
            _ => (1..=9).rev().fold(template.to_owned(), |sql, n| {
                sql.replace(&format!("${n}"), "?")
            }),
        }
    }

    /// A key column read as text (MySQL stores keys as bytes).
    fn text(&self, column: &str) -> String {
        match self.dialect() {
            Dialect::MySql => format!("CONVERT({column} USING utf8mb4)"),
            _ => column.to_owned(),
        }
    }

    fn json_text(&self, column: &str) -> String {
        match self.dialect() {
            Dialect::Postgres => format!("CAST({column} AS TEXT)"),
            Dialect::MySql => format!("CAST({column} AS CHAR)"),
            Dialect::Sqlite => column.to_owned(),
        }
    }
}

/// Which engine, and where its server is.
#[derive(Clone)]
enum Target {
    #[cfg(feature = "sqlite")]
    Sqlite(std::path::PathBuf),
    #[cfg(feature = "postgres")]
    Postgres(String),
    #[cfg(feature = "mysql")]
    MySql(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(dir) => f.debug_tuple("Sqlite").field(dir).finish(),
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&adapter_core::redact_url(url))
                .finish(),
            #[cfg(feature = "mysql")]
            Target::MySql(url) => f
                .debug_tuple("MySql")
                .field(&adapter_core::redact_url(url))
                .finish(),
        }
    }
}

/// A SQL backend: see the module docs.
#[derive(Clone, Debug)]
pub struct SqlBackend {
    target: Target,
}

/// SQLite: a database file per scenario in a fresh temporary directory.
#[cfg(feature = "sqlite")]
pub type SqliteBackend = SqlBackend;
/// PostgreSQL: a schema per scenario.
#[cfg(feature = "postgres")]
pub type PostgresBackend = SqlBackend;
/// MySQL / MariaDB: a database per scenario.
#[cfg(feature = "mysql")]
pub type MySqlBackend = SqlBackend;

impl SqlBackend {
    /// SQLite files under a new directory in the system's temporary directory.
    #[cfg(feature = "sqlite")]
    pub fn sqlite() -> Self {
        let dir =
            std::env::temp_dir().join(format!("adapter-conformance-sqlite-{}", std::process::id()));
        Self {
            target: Target::Sqlite(dir),
        }
    }

    /// The PostgreSQL server at `url` (its database holds one schema per scenario).
    #[cfg(feature = "postgres")]
    pub fn postgres(url: impl Into<String>) -> Self {
        Self {
            target: Target::Postgres(url.into()),
        }
    }

    /// The MySQL / MariaDB server at `url` (one database per scenario; the user needs CREATE/DROP DATABASE).
    #[cfg(feature = "mysql")]
    pub fn mysql(url: impl Into<String>) -> Self {
        Self {
            target: Target::MySql(url.into()),
        }
    }

    /// A pool confined to the scenario's namespace, made when `create`.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(unused_variables)
    )]
    async fn pool(&self, namespace: &str, create: bool) -> Result<RawPool, BoxError> {
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        use std::str::FromStr;
        match &self.target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(dir) => {
                std::fs::create_dir_all(dir)?;
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.join(format!("{namespace}.db")).display()
                );
                Ok(RawPool::Sqlite(SqlAdapter::sqlite_pool(&url).await?))
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => {
                if create {
                    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
                    sqlx::query(&format!("CREATE SCHEMA \"{namespace}\""))
                        .execute(&mut admin)
                        .await?;
                }
                let options = sqlx::postgres::PgConnectOptions::from_str(url)?
                    .options([("search_path", namespace)]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(std::time::Duration::from_secs(60))
                    .connect_with(options)
                    .await?;
                Ok(RawPool::Postgres(pool))
            }
            #[cfg(feature = "mysql")]
            Target::MySql(url) => {
                if create {
                    let mut admin =
                        <sqlx::MySqlConnection as sqlx::Connection>::connect(url).await?;
                    sqlx::query(&format!(
                        "CREATE DATABASE `{namespace}` CHARACTER SET utf8mb4"
                    ))
                    .execute(&mut admin)
                    .await?;
                }
                let options = sqlx::mysql::MySqlConnectOptions::from_str(url)?
                    .database(namespace)
                    .charset("utf8mb4");
                let pool = sqlx::mysql::MySqlPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(std::time::Duration::from_secs(60))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::Executor::execute(conn, adapter_sql::MYSQL_SESSION_SQL)
                                .await
                                .map(drop)
                        })
                    })
                    .connect_with(options)
                    .await?;
                Ok(RawPool::MySql(pool))
            }
        }
    }
}

#[async_trait]
impl Backend for SqlBackend {
    fn name(&self) -> String {
        match self.target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(_) => "sqlite".into(),
            #[cfg(feature = "postgres")]
            Target::Postgres(_) => "postgres".into(),
            #[cfg(feature = "mysql")]
            Target::MySql(_) => "mysql".into(),
        }
    }

    fn capabilities(&self) -> Capabilities {
        // PostgreSQL and MySQL rows always decode where the join can find them (a bigint
        // `expires`, a user id that must match its user): only SQLite can hold a corrupt session.
        #[cfg(feature = "sqlite")]
        let corrupt_records = matches!(self.target, Target::Sqlite(_));
        #[cfg(not(feature = "sqlite"))]
        let corrupt_records = false;
        Capabilities {
            id_generation: true,
            free_clock: true,
            schemaless_user_data: false,
            persistent: true,
            corrupt_records,
            native_ttl: false,
            hashed_tokens: false,
        }
    }

    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let pool = self.pool(&env.namespace, true).await?;
        pool.create_user_table().await?;
        let adapter = pool.adapter(env).await?;
        Ok(Fixture {
            adapter: Arc::new(adapter),
            oracle: Arc::new(SqlOracle { pool }),
        })
    }

    async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
        let pool = self.pool(&env.namespace, false).await?;
        Ok(Arc::new(pool.adapter(env).await?))
    }

    async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
        let namespace = &env.namespace;
        match &self.target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(dir) => {
                for suffix in ["", "-wal", "-shm"] {
                    let path = dir.join(format!("{namespace}.db{suffix}"));
                    if path.exists() {
                        std::fs::remove_file(path)?;
                    }
                }
                // The directory goes once empty; another scenario may still be using it.
                let _ = std::fs::remove_dir(dir);
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => {
                let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{namespace}\" CASCADE"))
                    .execute(&mut admin)
                    .await?;
            }
            #[cfg(feature = "mysql")]
            Target::MySql(url) => {
                let mut admin = <sqlx::MySqlConnection as sqlx::Connection>::connect(url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS `{namespace}`"))
                    .execute(&mut admin)
                    .await?;
            }
        }
        Ok(())
    }
}
