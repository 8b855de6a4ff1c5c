//! [`SqlAdapter`]: the contract over any of the three engines.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use adapter_core::{validate, AdapterError, DbOp, User, UserData};

use crate::columns::{self, ColumnKind, SqlValue};
use crate::config::SqlOptions;
use crate::engine::{Engine, EngineError, Outcome, Row, Stmt};
use crate::error::to_adapter_error;
use crate::rows;
use crate::schema::{self, Dialect, Role, SchemaReport};
use crate::statements::{Assignment, Statements};

/// An adapter over PostgreSQL, MySQL/MariaDB or SQLite.
///
/// Made by [`SqlAdapter::connect`] from a URL, or from an existing sqlx pool
/// with `SqlAdapter::postgres(pool)`, `SqlAdapter::mysql(pool)` or
/// `SqlAdapter::sqlite(pool)` and the builder's `build()` / `migrate()`.
/// Cloning is cheap and shares the pool.
///
/// ```no_run
/// # async fn demo() -> Result<(), adapter_core::AdapterError> {
/// use adapter_core::UserAdapter;
/// let adapter = adapter_sql::SqlAdapter::connect("sqlite://auth.db?mode=rwc").await?;
/// let user = adapter.get_user_by_id("u1").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqlAdapter {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub engine: Arc<dyn Engine>,
    pub statements: Statements,
    pub options: SqlOptions,
    pub schema: RwLock<Arc<SchemaReport>>,
    pub backend: &'static str,
}

impl fmt::Debug for SqlAdapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlAdapter")
            .field("backend", &self.inner.backend)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// Record counts, for operators (`adapter stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SqlStats {
    /// Users.
    pub users: u64,
    /// Sessions live at the adapter's clock.
    pub live_sessions: u64,
    /// Sessions expired at the adapter's clock.
    pub expired_sessions: u64,
    /// Refresh tokens.
    pub refresh_tokens: u64,
}

impl SqlAdapter {
    /// Builds an adapter: creates the schema first when `migrate`, then verifies it.
    pub(crate) async fn open(
        engine: Arc<dyn Engine>,
        options: SqlOptions,
        backend: &'static str,
        migrate: bool,
    ) -> Result<Self, AdapterError> {
        let dialect = engine.dialect();
        if migrate {
            engine
                .migrate(&dialect.create_statements(&options.tables))
                .await?;
        }
        let adapter = SqlAdapter {
            inner: Arc::new(Inner {
                statements: Statements::new(dialect, &options.tables, engine.deletes_returning()),
                engine,
                options,
                schema: RwLock::new(Arc::new(SchemaReport::default())),
                backend,
            }),
        };
        adapter.verify().await?;
        Ok(adapter)
    }

    /// The engine family this adapter talks to.
    pub fn dialect(&self) -> Dialect {
        self.inner.engine.dialect()
    }

    /// Creates the tables and indexes that are missing (idempotent, safe when
    /// several processes run it at once), then verifies the schema.
    pub async fn migrate(&self) -> Result<SchemaReport, AdapterError> {
        let statements = self.dialect().create_statements(&self.inner.options.tables);
        self.inner.engine.migrate(&statements).await?;
        self.verify().await
    }

    /// Reads the schema from the catalogue and checks it: tables, needed
    /// columns and their types, unique keys. A mismatch is a non-transient
    /// `Database` error whose source is a [`schema::SchemaError`] naming every difference.
    pub async fn verify(&self) -> Result<SchemaReport, AdapterError> {
        let catalogue = self
            .inner
            .engine
            .catalogue(&self.inner.options.tables)
            .await?;
        let report = schema::verify(self.dialect(), &self.inner.options.tables, catalogue)
            .map_err(|err| AdapterError::database(DbOp::Read, false, err))?;
        *self
            .inner
            .schema
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(report.clone());
        Ok(report)
    }

    /// Counts users, live and expired sessions, and refresh tokens.
    pub async fn stats(&self) -> Result<SqlStats, AdapterError> {
        let now = self.inner.options.clock.now_ms();
        let row = self
            .one(self.inner.statements.stats(now), Role::User, DbOp::Read)
            .await?
            .into_rows();
        let counts: Vec<u64> = row
            .into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|(_, cell)| match cell {
                columns::Cell::Integer(n) => u64::try_from(n).unwrap_or(0),
                columns::Cell::Real(n) => n as u64,
                columns::Cell::Text(text) => text.parse().unwrap_or(0),
                _ => 0,
            })
            .collect();
        match counts.as_slice() {
            [users, live, expired, tokens] => Ok(SqlStats {
                users: *users,
                live_sessions: *live,
                expired_sessions: *expired,
                refresh_tokens: *tokens,
            }),
            _ => Err(AdapterError::corrupt("stats", "unexpected result shape")),
        }
    }

    pub(crate) fn backend(&self) -> &'static str {
        self.inner.backend
    }

    pub(crate) fn statements(&self) -> &Statements {
        &self.inner.statements
    }

    pub(crate) fn now(&self) -> i64 {
        self.inner.options.clock.now_ms()
    }

    pub(crate) fn schema(&self) -> Arc<SchemaReport> {
        self.inner
            .schema
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn new_user_id(&self, given: Option<&str>) -> Result<String, AdapterError> {
        let id = match (given, &self.inner.options.id_generator) {
            (Some(id), _) => id.to_owned(),
            (None, Some(generate)) => generate(),
            (None, None) => return Err(AdapterError::UserIdRequired),
        };
        validate::key("user_id", &id)?;
        Ok(id)
    }

    /// Runs statements (several in one transaction), classifying a failure as a write to `role`.
    pub(crate) async fn run(
        &self,
        statements: Vec<Stmt>,
        role: Role,
        op: DbOp,
    ) -> Result<Vec<Outcome>, AdapterError> {
        self.inner
            .engine
            .run(statements)
            .await
            .map_err(|EngineError { failure, source }| {
                to_adapter_error(failure, role, op, &self.schema(), source)
            })
    }

    pub(crate) async fn one(
        &self,
        statement: Stmt,
        role: Role,
        op: DbOp,
    ) -> Result<Outcome, AdapterError> {
        self.run(vec![statement], role, op)
            .await?
            .pop()
            .ok_or_else(|| AdapterError::database(op, false, "the engine returned no result"))
    }

    /// The user of a row, re-reading the catalogue first if the row has a column added since.
    pub(crate) async fn decode_user(&self, cells: Row) -> Result<User, AdapterError> {
        let mut schema = self.schema();
        if !rows::columns_known(&schema, &cells) {
            self.verify().await?;
            schema = self.schema();
        }
        rows::user(&schema, cells).map_err(|reason| AdapterError::corrupt("user", reason))
    }

    /// Column assignments for user data, re-reading the catalogue once if a key is not a known column.
    pub(crate) async fn user_data_assignments(
        &self,
        data: &UserData,
    ) -> Result<Vec<Assignment>, AdapterError> {
        let mut schema = self.schema();
        if data
            .keys()
            .any(|key| !schema.user_columns.iter().any(|c| &c.name == key))
        {
            self.verify().await?;
            schema = self.schema();
        }
        data.iter()
            .map(|(key, value)| {
                let column = schema
                    .user_columns
                    .iter()
                    .find(|c| &c.name == key)
                    .ok_or_else(|| {
                        AdapterError::invalid_input(
                            format!("user_data.{key}"),
                            "the user table has no such column",
                        )
                    })?;
                Ok(Assignment {
                    column: column.name.clone(),
                    kind: column.kind,
                    value: columns::encode(column, value)?,
                })
            })
            .collect()
    }
}

/// A text assignment to one of the user table's own columns.
pub(crate) fn own_column(column: &str, value: Option<&str>) -> Assignment {
    Assignment {
        column: column.into(),
        kind: ColumnKind::Text,
        value: value.map_or(SqlValue::Null(ColumnKind::Text), |v| {
            SqlValue::Text(v.into())
        }),
    }
}
