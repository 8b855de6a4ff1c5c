//! User-data columns: their kinds, and the mapping between JSON values and
//! column values in both directions.
//!
//! | column kind | JSON value |
//! |---|---|
//! | text (`text`, `varchar`, `varbinary`…) | string |
//! | integer (`smallint` … `bigint`) | integer number |
//! | real (`real`, `double`) | number with a fraction or exponent (`2.5`, `3.0`) |
//! | boolean (`boolean`, MySQL `tinyint(1)`) | `true` / `false` |
//! | JSON (`json`, `jsonb`, MariaDB `json`) | any value |
//! | timestamp (`timestamp[tz]`, `datetime`) | RFC 3339 string in UTC with milliseconds, `"2024-05-01T12:00:00.000Z"` |
//!
//! SQL `NULL` reads back as an absent key (SQL cannot tell absent from null);
//! writing JSON `null` stores `NULL`. A value the column cannot hold exactly
//! (an integer into a real column would read back as `3.0`) is `InvalidInput`.

use adapter_core::AdapterError;
use serde_json::{Number, Value};

use crate::schema::{sqlite_affinity, Dialect, SqliteAffinity};
use crate::timestamp;

/// What a user-data column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text.
    Text,
    /// A 64-bit (or smaller) integer.
    Integer,
    /// A floating-point number.
    Real,
    /// A boolean.
    Boolean,
    /// JSON (PostgreSQL `json` when `binary` is false, else `jsonb`; MySQL `json`).
    Json {
        /// PostgreSQL `jsonb` rather than `json`.
        binary: bool,
    },
    /// A point in time.
    Timestamp {
        /// Whether the column keeps the zone (PostgreSQL `timestamptz`, MySQL `timestamp`).
        with_zone: bool,
    },
    /// A type this adapter reads as-is but does not write.
    Other,
}

impl ColumnKind {
    /// The kind of a column of the engine's type `data_type` (lower case, as the catalogue gives it).
    pub fn classify(dialect: Dialect, data_type: &str) -> Self {
        let ty = data_type.to_ascii_lowercase();
        match dialect {
            Dialect::Postgres => match ty.as_str() {
                "text" | "character varying" | "character" | "citext" | "name" => Self::Text,
                "smallint" | "integer" | "bigint" => Self::Integer,
                "real" | "double precision" => Self::Real,
                "boolean" => Self::Boolean,
                "json" => Self::Json { binary: false },
                "jsonb" => Self::Json { binary: true },
                "timestamp with time zone" => Self::Timestamp { with_zone: true },
                "timestamp without time zone" => Self::Timestamp { with_zone: false },
                _ => Self::Other,
            },
            Dialect::MySql => match ty.as_str() {
                "tinyint(1)" | "boolean" | "bool" => Self::Boolean,
                "json" => Self::Json { binary: true },
                "datetime" => Self::Timestamp { with_zone: false },
                "timestamp" => Self::Timestamp { with_zone: true },
                "float" | "double" => Self::Real,
                t if t.starts_with("tinyint")
                    || t.starts_with("smallint")
                    || t.starts_with("mediumint") =>
                {
                    Self::Integer
                }
                t if (t.starts_with("int") || t.starts_with("bigint"))
                    && !t.contains("unsigned") =>
                {
                    Self::Integer
                }
                "varchar" | "char" | "text" | "tinytext" | "mediumtext" | "longtext"
                | "varbinary" | "blob" | "tinyblob" | "mediumblob" | "longblob" | "enum"
                | "set" => Self::Text,
                _ => Self::Other,
            },
            Dialect::Sqlite => {
                let upper = ty.to_ascii_uppercase();
                if upper.contains("BOOL") {
                    Self::Boolean
                } else if upper.contains("JSON") {
                    Self::Json { binary: false }
                } else if upper.contains("DATE") || upper.contains("TIME") {
                    Self::Timestamp { with_zone: true }
                } else {
                    match sqlite_affinity(&ty) {
                        SqliteAffinity::Integer => Self::Integer,
                        SqliteAffinity::Text => Self::Text,
                        SqliteAffinity::Real => Self::Real,
                        SqliteAffinity::Blob | SqliteAffinity::Numeric => Self::Other,
                    }
                }
            }
        }
    }
}

/// A user-data column of the user table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserColumn {
    /// Its name: the user-data key.
    pub name: String,
    /// What it holds.
    pub kind: ColumnKind,
}

/// A value to bind into a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    /// `NULL`, typed as a value of this kind (PostgreSQL types its parameters).
    Null(ColumnKind),
    /// Text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// A boolean.
    Bool(bool),
    /// A JSON document.
    Json(Value),
    /// A timestamp, in milliseconds since the Unix epoch.
    TimestampMs(i64),
}

/// A value read from a row, by what the engine returned.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// `NULL`.
    Null,
    /// Text.
    Text(String),
    /// Bytes (MySQL `varbinary`, SQLite blobs).
    Bytes(Vec<u8>),
    /// An integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// A boolean.
    Bool(bool),
    /// A JSON document.
    Json(Value),
    /// A timestamp, in milliseconds since the Unix epoch.
    TimestampMs(i64),
    /// A type the adapter cannot decode; holds the engine's type name.
    Unsupported(String),
}

/// The value to store for `value` in `column`, or `InvalidInput` if the column cannot hold it exactly.
pub fn encode(column: &UserColumn, value: &Value) -> Result<SqlValue, AdapterError> {
    let refuse = |holds: &str| {
        AdapterError::invalid_input(
            format!("user_data.{}", column.name),
            format!(
                "column {} holds {holds}; this value would not read back unchanged",
                column.name
            ),
        )
    };
    if value.is_null() {
        return Ok(SqlValue::Null(column.kind));
    }
    match (column.kind, value) {
        (ColumnKind::Text, Value::String(text)) => Ok(SqlValue::Text(text.clone())),
        (ColumnKind::Text, _) => Err(refuse("text")),
        (ColumnKind::Integer, Value::Number(n)) if n.is_i64() => n
            .as_i64()
            .map(SqlValue::Integer)
            .ok_or_else(|| refuse("integers")),
        (ColumnKind::Integer, _) => Err(refuse("integers")),
        (ColumnKind::Real, Value::Number(n)) if n.is_f64() => match n.as_f64() {
            Some(real) if real.is_finite() => Ok(SqlValue::Real(real)),
            _ => Err(refuse("real numbers")),
        },
        (ColumnKind::Real, _) => Err(refuse("real numbers (write 3.0, not 3)")),
        (ColumnKind::Boolean, Value::Bool(flag)) => Ok(SqlValue::Bool(*flag)),
        (ColumnKind::Boolean, _) => Err(refuse("booleans")),
        (ColumnKind::Json { .. }, other) => Ok(SqlValue::Json(other.clone())),
        (ColumnKind::Timestamp { .. }, Value::String(text)) => timestamp::parse_rfc3339(text)
            .map(SqlValue::TimestampMs)
            .ok_or_else(|| {
                refuse("timestamps (an RFC 3339 string such as 2024-05-01T12:00:00.000Z)")
            }),
        (ColumnKind::Timestamp { .. }, _) => Err(refuse("timestamps (an RFC 3339 string)")),
        (ColumnKind::Other, _) => Err(refuse("a type this adapter does not write")),
    }
}

/// The JSON value of a cell read from `column`; `Ok(None)` for SQL `NULL`.
pub fn decode(kind: ColumnKind, column: &str, cell: Cell) -> Result<Option<Value>, String> {
    let value = match (kind, cell) {
        (_, Cell::Null) => return Ok(None),
        (ColumnKind::Boolean, Cell::Integer(0)) => Value::Bool(false),
        (ColumnKind::Boolean, Cell::Integer(1)) => Value::Bool(true),
        (ColumnKind::Json { .. }, Cell::Text(text)) => serde_json::from_str(&text)
            .map_err(|err| format!("column {column} holds invalid JSON: {err}"))?,
        (ColumnKind::Json { .. }, Cell::Bytes(bytes)) => serde_json::from_slice(&bytes)
            .map_err(|err| format!("column {column} holds invalid JSON: {err}"))?,
        (ColumnKind::Timestamp { .. }, Cell::Integer(ms)) | (_, Cell::TimestampMs(ms)) => {
            Value::String(timestamp::format_rfc3339(ms))
        }
        (ColumnKind::Timestamp { .. }, Cell::Text(text)) => match timestamp::parse_rfc3339(&text) {
            Some(ms) => Value::String(timestamp::format_rfc3339(ms)),
            None => Value::String(text),
        },
        (_, Cell::Text(text)) => Value::String(text),
        (_, Cell::Bytes(bytes)) => Value::String(
            String::from_utf8(bytes)
                .map_err(|_| format!("column {column} holds bytes that are not UTF-8"))?,
        ),
        (_, Cell::Integer(n)) => Value::Number(n.into()),
        (_, Cell::Real(real)) => Value::Number(
            Number::from_f64(real)
                .ok_or_else(|| format!("column {column} holds a non-finite number"))?,
        ),
        (_, Cell::Bool(flag)) => Value::Bool(flag),
        (_, Cell::Json(value)) => value,
        (_, Cell::Unsupported(ty)) => {
            return Err(format!("column {column} has unsupported type {ty}"))
        }
    };
    Ok(Some(value))
}

/// A key or token column's text.
pub fn text(column: &str, cell: Cell) -> Result<String, String> {
    match cell {
        Cell::Text(text) => Ok(text),
        Cell::Bytes(bytes) => {
            String::from_utf8(bytes).map_err(|_| format!("{column} is not UTF-8"))
        }
        other => Err(format!("{column} is not text: {}", cell_kind(&other))),
    }
}

/// An optional text column (`hashed_password`).
pub fn optional_text(column: &str, cell: Cell) -> Result<Option<String>, String> {
    match cell {
        Cell::Null => Ok(None),
        other => text(column, other).map(Some),
    }
}

/// `expires` in milliseconds: an integer, an integral real or a numeric text (C08).
pub fn expires(cell: Cell) -> Result<i64, String> {
    match cell {
        Cell::Integer(ms) => Ok(ms),
        // 2^63 is exactly representable; i64::MAX as f64 rounds up to it, so the bound is exclusive.
        Cell::Real(real)
            if real.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&real) =>
        {
            Ok(real as i64)
        }
        Cell::Text(text) => text
            .parse::<i64>()
            .map_err(|_| "expires is text that is not an integer".to_string()),
        other => Err(format!(
            "expires is not an integral number: {}",
            cell_kind(&other)
        )),
    }
}

fn cell_kind(cell: &Cell) -> &'static str {
    match cell {
        Cell::Null => "null",
        Cell::Text(_) => "text",
        Cell::Bytes(_) => "bytes",
        Cell::Integer(_) => "integer",
        Cell::Real(_) => "real",
        Cell::Bool(_) => "boolean",
        Cell::Json(_) => "json",
        Cell::TimestampMs(_) => "timestamp",
        Cell::Unsupported(_) => "unsupported type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn column(kind: ColumnKind) -> UserColumn {
        UserColumn {
            name: "c".into(),
            kind,
        }
    }

    #[test]
    fn values_a_column_cannot_hold_are_refused() {
        let refused = [
            (ColumnKind::Text, json!(1)),
            (ColumnKind::Integer, json!(2.5)),
            (ColumnKind::Integer, json!("1")),
            (ColumnKind::Real, json!(3)),
            (ColumnKind::Boolean, json!(1)),
            (
                ColumnKind::Timestamp { with_zone: true },
                json!("yesterday"),
            ),
            (ColumnKind::Other, json!("x")),
        ];
        for (kind, value) in refused {
            let err = encode(&column(kind), &value).expect_err(&format!("{kind:?} {value}"));
            assert_eq!(err.code(), "AUTH_INVALID_INPUT");
        }
    }

    #[test]
    fn values_round_trip_through_cells() {
        let cases = [
            (
                ColumnKind::Text,
                json!("Zoë 🦀"),
                Cell::Text("Zoë 🦀".into()),
            ),
            (
                ColumnKind::Integer,
                json!(i64::MIN),
                Cell::Integer(i64::MIN),
            ),
            (ColumnKind::Real, json!(3.0), Cell::Real(3.0)),
            (ColumnKind::Boolean, json!(true), Cell::Integer(1)),
            (
                ColumnKind::Json { binary: false },
                json!({"a": [1, null]}),
                Cell::Text(r#"{"a":[1,null]}"#.into()),
            ),
            (
                ColumnKind::Timestamp { with_zone: true },
                json!("2024-05-01T12:00:00.123Z"),
                Cell::TimestampMs(1_714_564_800_123),
            ),
        ];
        for (kind, value, cell) in cases {
            assert!(encode(&column(kind), &value).is_ok(), "{value}");
            assert_eq!(decode(kind, "c", cell).unwrap(), Some(value));
        }
        assert_eq!(decode(ColumnKind::Text, "c", Cell::Null).unwrap(), None);
    }

    #[test]
    fn expires_decodes_integral_values_only() {
        assert_eq!(expires(Cell::Integer(-5)), Ok(-5));
        assert_eq!(
            expires(Cell::Real(1_893_456_000_000.0)),
            Ok(1_893_456_000_000)
        );
        assert_eq!(
            expires(Cell::Text("1893456000000".into())),
            Ok(1_893_456_000_000)
        );
        assert!(expires(Cell::Real(1.5)).is_err());
        assert!(expires(Cell::Text("soon".into())).is_err());
        assert!(expires(Cell::Bytes(vec![1])).is_err());
        assert!(expires(Cell::Null).is_err());
    }
}
