//! The one mapping from the driver's errors to [`AdapterError`].
//!
//! A duplicate-key error (E11000) is classified by the index it names: the
//! index-name slot of the server's message, which stands before the
//! duplicated value (so a value can never pass for an index name), or, where
//! a server leaves it out, the `keyPattern` of the structured reply matched
//! against the known indexes. Never by looking for a field name anywhere in
//! the message, which also holds the duplicated value. No server message is
//! copied into an error, because it may hold a token or a password hash.

use std::collections::HashMap;
use std::fmt;

use adapter_core::{AdapterError, DbOp};
use bson::{Bson, Document};
use mongodb::error::{Error as DriverError, ErrorKind, WriteFailure};

/// The server's code for a duplicate key.
pub(crate) const DUPLICATE_KEY: i32 = 11000;

/// Server codes after which the same call may succeed once the server is back.
const TRANSIENT_CODES: [i32; 13] = [
    6,     // HostUnreachable
    7,     // HostNotFound
    50,    // MaxTimeMSExpired
    89,    // NetworkTimeout
    91,    // ShutdownInProgress
    189,   // PrimarySteppedDown
    262,   // ExceededTimeLimit
    9001,  // SocketException
    10107, // NotWritablePrimary
    11600, // InterruptedAtShutdown
    11602, // InterruptedDueToReplStateChange
    13435, // NotPrimaryNoSecondaryOk
    13436, // NotPrimaryOrSecondary
];

/// Which collection an operation wrote to; decides what a duplicate key means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The users collection.
    Users,
    /// The sessions collection.
    Sessions,
    /// The refresh tokens collection.
    RefreshTokens,
}

/// What the classifier knows about the unique indexes of the users collection:
/// index name to the user-data field it covers (`None` for a compound index).
pub(crate) type UserUniqueIndexes = HashMap<String, Option<String>>;

/// A failure of the database that names no secret: the code and code name of
/// a server error, or the unexpected index of a duplicate key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFailure {
    /// What failed, without any value from the request.
    pub description: String,
}

impl fmt::Display for ServerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

impl std::error::Error for ServerFailure {}

/// The details of one server-side error, wherever the driver put it.
struct ServerError<'a> {
    code: i32,
    code_name: Option<&'a str>,
    message: &'a str,
    key_pattern: Option<Document>,
}

/// Maps a driver error to the contract's error for an operation on `target`.
pub(crate) fn classify(
    err: DriverError,
    op: DbOp,
    target: Target,
    user_indexes: &UserUniqueIndexes,
) -> AdapterError {
    let Some(server) = server_error(&err) else {
        let transient = is_transient(&err);
        return AdapterError::database(op, transient, err);
    };
    if server.code == DUPLICATE_KEY {
        let index = duplicate_index_name(&server, target, user_indexes);
        return duplicate(target, index, user_indexes);
    }
    let transient = is_transient(&err) || TRANSIENT_CODES.contains(&server.code);
    let description = format!(
        "server error {} ({})",
        server.code,
        server.code_name.unwrap_or("no code name")
    );
    AdapterError::database(op, transient, ServerFailure { description })
}

/// The contract's error for a duplicate key on `index` of `target`.
fn duplicate(target: Target, index: String, user_indexes: &UserUniqueIndexes) -> AdapterError {
    match (target, index.as_str()) {
        (Target::Users, "_id_") => AdapterError::DuplicateUserId,
        (Target::Users, "provider_id_1") => AdapterError::DuplicateProviderId,
        (Target::Sessions, "access_token_1") => AdapterError::DuplicateAccessToken,
        (Target::RefreshTokens, "refresh_token_1") => AdapterError::DuplicateRefreshToken,
        (Target::Users, _) => AdapterError::DuplicateUserData {
            field: user_indexes.get(&index).cloned().flatten(),
        },
        // Our own documents get fresh ObjectIds; any other unique index is
        // not ours (C01) and is reported by name, never as a taken token.
        (_, _) => AdapterError::database(
            DbOp::Write,
            false,
            ServerFailure {
                description: format!(
                    "duplicate key on index {index:?}, which this adapter does not manage: drop it or make it partial"
                ),
            },
        ),
    }
}

/// The first server-side error the driver reports, if the server answered.
fn server_error(err: &DriverError) -> Option<ServerError<'_>> {
    let response_key_pattern = err
        .server_response()
        .and_then(|raw| raw.get_document("keyPattern").ok())
        .and_then(|raw| Document::try_from(raw).ok());
    match err.kind.as_ref() {
        ErrorKind::Command(command) => Some(ServerError {
            code: command.code,
            code_name: Some(&command.code_name),
            message: &command.message,
            key_pattern: response_key_pattern,
        }),
        ErrorKind::Write(WriteFailure::WriteError(write)) => Some(ServerError {
            code: write.code,
            code_name: write.code_name.as_deref(),
            message: &write.message,
            key_pattern: response_key_pattern.or_else(|| write_error_key_pattern(err, 0)),
        }),
        ErrorKind::Write(WriteFailure::WriteConcernError(concern)) => Some(ServerError {
            code: concern.code,
            code_name: Some(&concern.code_name),
            message: &concern.message,
            key_pattern: None,
        }),
        ErrorKind::InsertMany(many) => {
            let first = many.write_errors.as_ref()?.first()?;
            Some(ServerError {
                code: first.code,
                code_name: first.code_name.as_deref(),
                message: &first.message,
                key_pattern: write_error_key_pattern(err, first.index),
            })
        }
        ErrorKind::BulkWrite(bulk) => {
            let (_, first) = bulk.write_errors.iter().min_by_key(|(index, _)| **index)?;
            Some(ServerError {
                code: first.code,
                code_name: first.code_name.as_deref(),
                message: &first.message,
                key_pattern: None,
            })
        }
        _ => None,
    }
}

/// The `keyPattern` of the write error at `index` in the server's `writeErrors`.
fn write_error_key_pattern(err: &DriverError, index: usize) -> Option<Document> {
    let response = Document::try_from(err.server_response()?.as_ref()).ok()?;
    let errors = response.get_array("writeErrors").ok()?;
    errors.iter().find_map(|entry| match entry {
        Bson::Document(entry)
            if entry
                .get("index")
                .and_then(Bson::as_i64_lossless)
                .is_some_and(|at| usize::try_from(at).ok() == Some(index)) =>
        {
            entry.get_document("keyPattern").ok().cloned()
        }
        _ => None,
    })
}

trait AsI64Lossless {
    fn as_i64_lossless(&self) -> Option<i64>;
}

impl AsI64Lossless for Bson {
    fn as_i64_lossless(&self) -> Option<i64> {
        match self {
            Bson::Int32(value) => Some(i64::from(*value)),
            Bson::Int64(value) => Some(*value),
            _ => None,
        }
    }
}

/// The name of the index a duplicate key broke.
///
/// The server names it in a fixed slot of its message (`… index: NAME dup key:
/// { … }`); the slot comes before the duplicated value, so a value can never be
/// mistaken for an index name. Where the slot is missing, the `keyPattern` of
/// the reply is matched against the indexes this adapter knows.
fn duplicate_index_name(
    server: &ServerError<'_>,
    target: Target,
    user_indexes: &UserUniqueIndexes,
) -> String {
    if let Some(name) = index_name_slot(server.message) {
        return name.to_string();
    }
    match &server.key_pattern {
        Some(pattern) => index_name_for_key(pattern, target, user_indexes),
        None => "(unnamed)".to_string(),
    }
}

/// `NAME` from `… E11000 duplicate key error collection: NS index: NAME dup key: …`.
pub(crate) fn index_name_slot(message: &str) -> Option<&str> {
    const PREFIX: &str = "E11000 duplicate key error collection: ";
    let after_prefix = &message[message.find(PREFIX)? + PREFIX.len()..];
    let before_value = &after_prefix[..after_prefix.find(" dup key:")?];
    let name = &before_value[before_value.find(" index: ")? + " index: ".len()..];
    (!name.is_empty()).then_some(name)
}

/// The name Mongo gives an index with this key pattern (`field_1`, `a_1_b_-1`).
fn index_name_for_key(
    pattern: &Document,
    target: Target,
    user_indexes: &UserUniqueIndexes,
) -> String {
    let default_name = pattern
        .iter()
        .map(|(field, direction)| format!("{field}_{}", direction_text(direction)))
        .collect::<Vec<_>>()
        .join("_");
    if target == Target::Users && pattern.len() == 1 {
        let field = pattern.keys().next().map(String::as_str);
        if let Some((name, _)) = user_indexes
            .iter()
            .find(|(_, indexed)| indexed.as_deref() == field)
        {
            return name.clone();
        }
    }
    default_name
}

fn direction_text(direction: &Bson) -> String {
    match direction {
        Bson::Int32(value) => value.to_string(),
        Bson::Int64(value) => value.to_string(),
        Bson::Double(value) => value.to_string(),
        Bson::String(value) => value.clone(),
        other => other.to_string(),
    }
}

/// Connection loss, pool clearing, server selection and timeouts: a retry may succeed.
fn is_transient(err: &DriverError) -> bool {
    matches!(
        err.kind.as_ref(),
        ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::ServerSelection { .. }
            | ErrorKind::DnsResolve { .. }
    ) || [
        mongodb::error::RETRYABLE_WRITE_ERROR,
        mongodb::error::TRANSIENT_TRANSACTION_ERROR,
        mongodb::error::RETRYABLE_ERROR,
    ]
    .iter()
    .any(|label| err.contains_label(label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::error::{CommandError, IndexedWriteError, InsertManyError, WriteError};

    fn command(code: i32, message: &str) -> DriverError {
        let error: CommandError =
            bson::from_document(bson::doc! { "code": code, "codeName": "X", "errmsg": message })
                .expect("a command error document");
        DriverError::from(ErrorKind::Command(error))
    }

    fn write(code: i32, message: &str) -> DriverError {
        let error: WriteError = bson::from_document(bson::doc! { "code": code, "errmsg": message })
            .expect("a write error document");
        DriverError::from(ErrorKind::Write(WriteFailure::WriteError(error)))
    }

    fn insert_many(code: i32, message: &str) -> DriverError {
        let first: IndexedWriteError =
            bson::from_document(bson::doc! { "index": 0, "code": code, "errmsg": message })
                .expect("an indexed write error document");
        let mut many: InsertManyError =
            bson::from_document(bson::doc! {}).expect("an empty insert-many error");
        many.write_errors = Some(vec![first]);
        DriverError::from(ErrorKind::InsertMany(many))
    }

    fn dup(index: &str, value: &str) -> String {
        format!("E11000 duplicate key error collection: app.coll index: {index} dup key: {{ field: \"{value}\" }}")
    }

    #[test]
    fn duplicate_keys_are_classified_by_the_index_they_name_on_every_path() {
        let mut user_indexes = UserUniqueIndexes::new();
        user_indexes.insert("user_email_1".into(), Some("user_email".into()));
        user_indexes.insert("name_and_city".into(), None);
        // Each value holds the name of another index or field: only the index slot counts.
        let table: Vec<(Target, &str, &str, &str)> = vec![
            (
                Target::Users,
                "_id_",
                "provider_id_1 access_token",
                "AUTH_DUPLICATE_USER_ID",
            ),
            (
                Target::Users,
                "provider_id_1",
                "_id_ user_email",
                "AUTH_DUPLICATE_PROVIDER_ID",
            ),
            (
                Target::Users,
                "user_email_1",
                "provider_id_1",
                "AUTH_DUPLICATE_USER_DATA",
            ),
            (
                Target::Users,
                "name_and_city",
                "index: _id_",
                "AUTH_DUPLICATE_USER_DATA",
            ),
            (
                Target::Sessions,
                "access_token_1",
                "refresh_token_1",
                "AUTH_DUPLICATE_ACCESS_TOKEN",
            ),
            (
                Target::RefreshTokens,
                "refresh_token_1",
                "access_token_1",
                "AUTH_DUPLICATE_REFRESH_TOKEN",
            ),
            // A stray index (C01) is never a taken token.
            (
                Target::RefreshTokens,
                "id_1",
                "refresh_token_1",
                "DATABASE_UPDATE_FAILED",
            ),
            (
                Target::Sessions,
                "user_id_1",
                "access_token_1",
                "DATABASE_UPDATE_FAILED",
            ),
        ];
        for (target, index, value, code) in table {
            let message = dup(index, value);
            let wrapped =
                format!("Plan executor error during findAndModify :: caused by :: {message}");
            for err in [
                write(DUPLICATE_KEY, &message),
                command(DUPLICATE_KEY, &wrapped),
                insert_many(DUPLICATE_KEY, &message),
            ] {
                let classified = classify(err, DbOp::Write, target, &user_indexes);
                assert_eq!(classified.code(), code, "{target:?} {index}");
                assert!(
                    !classified.to_string().contains(value),
                    "the value leaked: {classified}"
                );
            }
        }
    }

    #[test]
    fn a_unique_user_field_is_named() {
        let mut user_indexes = UserUniqueIndexes::new();
        user_indexes.insert("user_email_1".into(), Some("user_email".into()));
        let err = classify(
            write(DUPLICATE_KEY, &dup("user_email_1", "x")),
            DbOp::Write,
            Target::Users,
            &user_indexes,
        );
        assert!(
            matches!(err, AdapterError::DuplicateUserData { field: Some(ref f) } if f == "user_email"),
            "{err:?}"
        );
        let unknown = classify(
            write(DUPLICATE_KEY, &dup("later_1", "x")),
            DbOp::Write,
            Target::Users,
            &user_indexes,
        );
        assert!(
            matches!(unknown, AdapterError::DuplicateUserData { field: None }),
            "{unknown:?}"
        );
    }

    #[test]
    fn the_index_slot_is_read_before_the_value() {
        assert_eq!(
            index_name_slot(&dup("provider_id_1", "x index: _id_ dup key:")),
            Some("provider_id_1")
        );
        assert_eq!(
            index_name_slot("Index build failed: 1: Collection a.b ( 2 ) :: caused by :: E11000 duplicate key error collection: a.b index: e_1 dup key: { e: null }"),
            Some("e_1")
        );
        assert_eq!(index_name_slot("E11000 duplicate key error"), None);
    }

    #[test]
    fn transient_and_permanent_failures() {
        let table: Vec<(DriverError, DbOp, bool, &str)> = vec![
            (
                DriverError::from(ErrorKind::from(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset",
                ))),
                DbOp::Read,
                true,
                "DATABASE_FETCH_FAILED",
            ),
            (
                command(91, "shutting down"),
                DbOp::Write,
                true,
                "DATABASE_UPDATE_FAILED",
            ),
            (
                command(50, "operation exceeded time limit"),
                DbOp::Read,
                true,
                "DATABASE_FETCH_FAILED",
            ),
            (
                command(2, "bad value secret-token"),
                DbOp::Write,
                false,
                "DATABASE_UPDATE_FAILED",
            ),
            (
                write(121, "Document failed validation"),
                DbOp::Write,
                false,
                "DATABASE_UPDATE_FAILED",
            ),
        ];
        for (err, op, transient, code) in table {
            let classified = classify(err, op, Target::Sessions, &UserUniqueIndexes::new());
            assert_eq!(classified.is_transient(), transient, "{classified}");
            assert_eq!(classified.code(), code, "{classified}");
            assert!(!classified.to_string().contains("secret-token"));
        }
    }
}
