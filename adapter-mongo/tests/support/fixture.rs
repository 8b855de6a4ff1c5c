//! The documents and indexes the JS Mongoose adapter wrote
//! (`fixtures/mongoose-lucia-0.10`, a copy of the shared fixture), loaded into a database as
//! `mongorestore` would. Shared by this crate's interop tests and the CLI's.
#![allow(dead_code)]

use std::path::PathBuf;

use bson::{doc, Bson, Document};
use mongodb::Database;
use serde_json::Value;

pub const COLLECTIONS: [&str; 3] = ["users", "sessions", "refresh_tokens"];

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mongoose-lucia-0.10")
}

pub fn read_json(name: &str) -> Value {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// A fixture file of canonical Extended JSON as BSON documents.
pub fn fixture_documents(name: &str) -> Vec<Document> {
    let Value::Array(items) = read_json(name) else {
        panic!("{name} is not an array");
    };
    items
        .into_iter()
        .map(
            |item| match Bson::try_from(item).expect("canonical Extended JSON") {
                Bson::Document(document) => document,
                other => panic!("{name} holds a non-document {other:?}"),
            },
        )
        .collect()
}

pub fn fixture_time() -> i64 {
    read_json("meta.json")["generated_at_ms"]
        .as_i64()
        .expect("meta.json has generated_at_ms")
}

/// Loads the documents and the indexes Mongoose built into `database`.
pub async fn load_fixture(database: &Database) {
    for collection in COLLECTIONS {
        let indexes: Vec<Bson> = fixture_documents(&format!("{collection}.indexes.json"))
            .into_iter()
            .filter(|index| index.get_str("name") != Ok("_id_"))
            .map(|mut index| {
                index.remove("v");
                Bson::Document(index)
            })
            .collect();
        database
            .run_command(doc! { "createIndexes": collection, "indexes": indexes })
            .await
            .expect("Mongoose's indexes load");
        database
            .collection::<Document>(collection)
            .insert_many(fixture_documents(&format!("{collection}.json")))
            .await
            .expect("fixture documents load");
    }
}
