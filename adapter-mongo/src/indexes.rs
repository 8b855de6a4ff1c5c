//! Index setup and verification, compatible with the indexes Mongoose builds.
//!
//! Setup lists each collection's indexes, creates only the missing ones (so
//! Mongoose's own, which carry `background: true`, are accepted as they are),
//! then lists again and verifies the result, which makes it idempotent and
//! safe when several processes run it at once.

use std::fmt;

use adapter_core::{AdapterError, DbOp};
use bson::{doc, Bson, Document};
use mongodb::Database;

use crate::error::{self, Target, UserUniqueIndexes};

/// Options an index may carry without changing what it enforces.
const NEUTRAL_OPTIONS: [&str; 5] = ["v", "key", "name", "ns", "background"];
/// `NamespaceNotFound`: listing the indexes of a collection that does not exist yet.
const NAMESPACE_NOT_FOUND: i32 = 26;

/// Why index setup refused a database. Found as the `source` of the
/// [`AdapterError::Database`] that setup returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexSetupError {
    /// An index of the name the adapter needs exists with other keys or options.
    Conflict {
        /// The collection.
        collection: String,
        /// The index name.
        index: String,
        /// What differs.
        reason: String,
    },
    /// An index the adapter needs unique exists without `unique: true`.
    NotUnique {
        /// The collection.
        collection: String,
        /// The index name.
        index: String,
    },
    /// Stored documents share a value, so the unique index cannot be built.
    DuplicatesBlockIndex {
        /// The collection.
        collection: String,
        /// The index name.
        index: String,
    },
}

impl fmt::Display for IndexSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexSetupError::Conflict { collection, index, reason } => write!(
                f,
                "index {index} on {collection} conflicts with what this adapter needs: {reason}; drop it and run setup again"
            ),
            IndexSetupError::NotUnique { collection, index } => write!(
                f,
                "index {index} on {collection} is not unique; drop it and run setup again"
            ),
            IndexSetupError::DuplicatesBlockIndex { collection, index } => write!(
                f,
                "documents in {collection} share a value, so unique index {index} cannot be built; remove the duplicates and run setup again"
            ),
        }
    }
}

impl std::error::Error for IndexSetupError {}

/// One index the adapter needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexSpec {
    pub(crate) collection: String,
    pub(crate) name: &'static str,
    pub(crate) field: &'static str,
    pub(crate) unique: bool,
    /// `expireAfterSeconds` of a TTL index.
    pub(crate) expire_after_seconds: Option<i32>,
}

impl IndexSpec {
    fn new(collection: &str, field: &'static str, name: &'static str, unique: bool) -> Self {
        Self {
            collection: collection.to_string(),
            name,
            field,
            unique,
            expire_after_seconds: None,
        }
    }

    fn command_document(&self) -> Document {
        let mut index = doc! { "key": { self.field: 1_i32 }, "name": self.name };
        if self.unique {
            index.insert("unique", true);
        }
        if let Some(seconds) = self.expire_after_seconds {
            index.insert("expireAfterSeconds", seconds);
        }
        index
    }

    /// Whether an existing index of this name does what the spec asks.
    fn check(&self, existing: &Document) -> Result<(), IndexSetupError> {
        let conflict = |reason: String| IndexSetupError::Conflict {
            collection: self.collection.clone(),
            index: self.name.to_string(),
            reason,
        };
        let key = existing
            .get_document("key")
            .map_err(|_| conflict("it has no key".into()))?;
        let single_ascending = key.len() == 1
            && key
                .get(self.field)
                .and_then(number)
                .is_some_and(|direction| direction == 1.0);
        if !single_ascending {
            return Err(conflict(format!(
                "its key is {key}, not {{ {}: 1 }}",
                self.field
            )));
        }
        let unique = existing.get("unique").is_some_and(truthy);
        if self.unique && !unique {
            return Err(IndexSetupError::NotUnique {
                collection: self.collection.clone(),
                index: self.name.to_string(),
            });
        }
        if !self.unique && unique {
            return Err(conflict(
                "it is unique, which would allow one record per user".into(),
            ));
        }
        for (option, value) in existing {
            match option.as_str() {
                "unique" => {}
                "expireAfterSeconds" => {
                    let wanted = self.expire_after_seconds.map(f64::from);
                    if number(value) != wanted {
                        return Err(conflict(format!("expireAfterSeconds is {value}")));
                    }
                }
                neutral if NEUTRAL_OPTIONS.contains(&neutral) => {}
                other => return Err(conflict(format!("it has option {other}: {value}"))),
            }
        }
        if self.expire_after_seconds.is_some() && existing.get("expireAfterSeconds").is_none() {
            return Err(conflict("it has no expireAfterSeconds".into()));
        }
        Ok(())
    }
}

fn number(value: &Bson) -> Option<f64> {
    match value {
        Bson::Int32(v) => Some(f64::from(*v)),
        #[allow(clippy::cast_precision_loss)]
        Bson::Int64(v) => Some(*v as f64),
        Bson::Double(v) => Some(*v),
        _ => None,
    }
}

fn truthy(value: &Bson) -> bool {
    match value {
        Bson::Boolean(flag) => *flag,
        other => number(other).is_some_and(|n| n != 0.0),
    }
}

/// The collection names an adapter works on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CollectionNamesRef<'a> {
    pub(crate) users: &'a str,
    pub(crate) sessions: &'a str,
    pub(crate) refresh_tokens: &'a str,
}

/// Every index the adapter needs, per the Mongoose models (plus `user_id_1`).
pub(crate) fn required_indexes(
    names: CollectionNamesRef<'_>,
    native_expiry: bool,
) -> Vec<IndexSpec> {
    let mut specs = vec![
        IndexSpec::new(names.users, "provider_id", "provider_id_1", true),
        IndexSpec::new(names.sessions, "access_token", "access_token_1", true),
        IndexSpec::new(names.sessions, "user_id", "user_id_1", false),
        IndexSpec::new(
            names.refresh_tokens,
            "refresh_token",
            "refresh_token_1",
            true,
        ),
        IndexSpec::new(names.refresh_tokens, "user_id", "user_id_1", false),
    ];
    if native_expiry {
        let mut ttl = IndexSpec::new(names.sessions, "expires_at", "expires_at_1", false);
        ttl.expire_after_seconds = Some(0);
        // Beside the other sessions indexes: setup visits each collection once.
        specs.insert(3, ttl);
    }
    specs
}

/// Creates the missing indexes and verifies all of them.
pub(crate) async fn ensure(database: &Database, specs: &[IndexSpec]) -> Result<(), AdapterError> {
    let mut collections: Vec<&str> = specs.iter().map(|spec| spec.collection.as_str()).collect();
    collections.dedup();
    for collection in collections {
        let wanted: Vec<&IndexSpec> = specs
            .iter()
            .filter(|spec| spec.collection == collection)
            .collect();
        let existing = list(database, collection).await?;
        let missing: Vec<&IndexSpec> = wanted
            .iter()
            .copied()
            .filter(|spec| find(&existing, spec.name).is_none())
            .collect();
        for spec in &wanted {
            if let Some(index) = find(&existing, spec.name) {
                spec.check(index).map_err(setup_error)?;
            }
        }
        if !missing.is_empty() {
            create(database, collection, &missing).await?;
        }
        let after = list(database, collection).await?;
        for spec in wanted {
            match find(&after, spec.name) {
                Some(index) => spec.check(index).map_err(setup_error)?,
                None => {
                    return Err(setup_error(IndexSetupError::Conflict {
                        collection: collection.to_string(),
                        index: spec.name.to_string(),
                        reason: "the server did not keep it after createIndexes".into(),
                    }))
                }
            }
        }
    }
    Ok(())
}

async fn create(
    database: &Database,
    collection: &str,
    specs: &[&IndexSpec],
) -> Result<(), AdapterError> {
    let indexes: Vec<Bson> = specs
        .iter()
        .map(|spec| Bson::Document(spec.command_document()))
        .collect();
    let command = doc! { "createIndexes": collection, "indexes": indexes };
    match database.run_command(command).await {
        Ok(_) => Ok(()),
        Err(err) => {
            if let mongodb::error::ErrorKind::Command(command) = err.kind.as_ref() {
                if command.code == error::DUPLICATE_KEY {
                    let index = error::index_name_slot(&command.message)
                        .map(str::to_string)
                        .or_else(|| specs.iter().find(|s| s.unique).map(|s| s.name.to_string()))
                        .unwrap_or_else(|| "(unnamed)".into());
                    return Err(setup_error(IndexSetupError::DuplicatesBlockIndex {
                        collection: collection.to_string(),
                        index,
                    }));
                }
                // Another process created the collection or the same index at the
                // same moment; the verification that follows decides.
                if matches!(command.code, 48 | 68 | 85 | 86) {
                    return Ok(());
                }
            }
            Err(error::classify(
                err,
                DbOp::Write,
                Target::Users,
                &UserUniqueIndexes::new(),
            ))
        }
    }
}

fn find<'a>(indexes: &'a [Document], name: &str) -> Option<&'a Document> {
    indexes
        .iter()
        .find(|index| index.get_str("name") == Ok(name))
}

fn setup_error(err: IndexSetupError) -> AdapterError {
    AdapterError::database(DbOp::Write, false, err)
}

/// The raw `listIndexes` output of a collection; empty when it does not exist.
pub(crate) async fn list(
    database: &Database,
    collection: &str,
) -> Result<Vec<Document>, AdapterError> {
    let reply = match database
        .run_command(doc! { "listIndexes": collection })
        .await
    {
        Ok(reply) => reply,
        Err(err) => {
            if let mongodb::error::ErrorKind::Command(command) = err.kind.as_ref() {
                if command.code == NAMESPACE_NOT_FOUND {
                    return Ok(Vec::new());
                }
            }
            return Err(error::classify(
                err,
                DbOp::Read,
                Target::Users,
                &UserUniqueIndexes::new(),
            ));
        }
    };
    let batch = reply
        .get_document("cursor")
        .and_then(|cursor| cursor.get_array("firstBatch"))
        .map_err(|_| AdapterError::corrupt("listIndexes reply", "no cursor.firstBatch"))?;
    Ok(batch
        .iter()
        .filter_map(|entry| entry.as_document().cloned())
        .collect())
}

/// The unique indexes of the users collection other than `_id_` and
/// `provider_id_1`, by name, with the field each covers.
pub(crate) async fn user_unique_indexes(
    database: &Database,
    users: &str,
) -> Result<UserUniqueIndexes, AdapterError> {
    let indexes = list(database, users).await?;
    Ok(indexes
        .iter()
        .filter(|index| index.get("unique").is_some_and(truthy))
        .filter_map(|index| {
            let name = index.get_str("name").ok()?;
            if name == "_id_" || name == "provider_id_1" {
                return None;
            }
            let key = index.get_document("key").ok()?;
            let field = (key.len() == 1)
                .then(|| key.keys().next().cloned())
                .flatten();
            Some((name.to_string(), field))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> IndexSpec {
        IndexSpec::new("users", "provider_id", "provider_id_1", true)
    }

    #[test]
    fn mongoose_indexes_with_background_are_accepted() {
        let existing = doc! { "v": 2, "key": { "provider_id": 1 }, "name": "provider_id_1", "unique": true, "background": true };
        assert_eq!(spec().check(&existing), Ok(()));
        let as_double =
            doc! { "v": 2, "key": { "provider_id": 1.0 }, "name": "provider_id_1", "unique": true };
        assert_eq!(spec().check(&as_double), Ok(()));
    }

    #[test]
    fn differing_indexes_are_reported_by_name() {
        let not_unique = doc! { "v": 2, "key": { "provider_id": 1 }, "name": "provider_id_1" };
        assert!(
            matches!(spec().check(&not_unique), Err(IndexSetupError::NotUnique { index, .. }) if index == "provider_id_1")
        );
        for existing in [
            doc! { "key": { "provider_id": -1 }, "name": "provider_id_1", "unique": true },
            doc! { "key": { "other": 1 }, "name": "provider_id_1", "unique": true },
            doc! { "key": { "provider_id": 1, "x": 1 }, "name": "provider_id_1", "unique": true },
            doc! { "key": { "provider_id": 1 }, "name": "provider_id_1", "unique": true, "sparse": true },
            doc! { "key": { "provider_id": 1 }, "name": "provider_id_1", "unique": true, "collation": { "locale": "en", "strength": 2 } },
        ] {
            assert!(
                matches!(spec().check(&existing), Err(IndexSetupError::Conflict { ref index, .. }) if index == "provider_id_1"),
                "{existing}"
            );
        }
        let user_id = IndexSpec::new("sessions", "user_id", "user_id_1", false);
        let unique = doc! { "key": { "user_id": 1 }, "name": "user_id_1", "unique": true };
        assert!(user_id.check(&unique).is_err());
    }
}
