//! What each dialect module provides: the catalogue, schema creation, and
//! running statements with their values bound and their rows read as [`Cell`]s.

use adapter_core::AdapterError;
use async_trait::async_trait;

use crate::columns::{Cell, SqlValue};
use crate::config::TableNames;
use crate::error::Failure;
use crate::schema::{Catalogue, Dialect};

/// One statement and its values.
#[derive(Clone, Debug)]
pub(crate) struct Stmt {
    pub sql: String,
    pub args: Vec<SqlValue>,
    /// Whether it returns rows (a `SELECT` or `… RETURNING`).
    pub returns_rows: bool,
}

impl Stmt {
    pub fn execute(sql: String, args: Vec<SqlValue>) -> Self {
        Self {
            sql,
            args,
            returns_rows: false,
        }
    }

    pub fn fetch(sql: String, args: Vec<SqlValue>) -> Self {
        Self {
            sql,
            args,
            returns_rows: true,
        }
    }
}

/// A row: each column's name and value, in result order.
pub(crate) type Row = Vec<(String, Cell)>;

/// What one statement gave.
#[derive(Debug)]
pub(crate) enum Outcome {
    Affected(u64),
    Rows(Vec<Row>),
}

impl Outcome {
    pub fn affected(&self) -> u64 {
        match self {
            Outcome::Affected(n) => *n,
            Outcome::Rows(rows) => rows.len() as u64,
        }
    }

    pub fn into_rows(self) -> Vec<Row> {
        match self {
            Outcome::Rows(rows) => rows,
            Outcome::Affected(_) => Vec::new(),
        }
    }
}

/// A failed statement: what it ran into and the driver's error.
#[derive(Debug)]
pub(crate) struct EngineError {
    pub failure: Failure,
    pub source: sqlx::Error,
}

/// One SQL engine behind a pool.
#[async_trait]
pub(crate) trait Engine: Send + Sync {
    /// Which dialect it speaks.
    fn dialect(&self) -> Dialect;
    /// Whether `DELETE … RETURNING` works (PostgreSQL, SQLite, MariaDB 10.5+;
    /// not MySQL), so a consume is one statement instead of a transaction.
    fn deletes_returning(&self) -> bool;
    /// The catalogue's view of the three tables.
    async fn catalogue(&self, tables: &TableNames) -> Result<Catalogue, AdapterError>;
    /// Creates what is missing, safely when several processes do it at once.
    async fn migrate(&self, statements: &[String]) -> Result<(), AdapterError>;
    /// Runs the statements; more than one run in a single transaction.
    async fn run(&self, statements: Vec<Stmt>) -> Result<Vec<Outcome>, EngineError>;
}
