//! Index setup (C01): idempotent, concurrent, accepting Mongoose's indexes,
//! and reporting conflicting indexes and blocking duplicates by name.

mod support;

use adapter_core::{AdapterError, NewUser, RefreshToken, SessionAdapter, UserAdapter};
use adapter_mongo::{IndexSetupError, MongoAdapter};
use bson::{doc, Bson, Document};
use mongodb::Database;

async fn index_names(database: &Database, collection: &str) -> Vec<String> {
    let reply = database
        .run_command(doc! { "listIndexes": collection })
        .await
        .expect("list");
    let batch = reply
        .get_document("cursor")
        .and_then(|c| c.get_array("firstBatch"))
        .expect("batch");
    let mut names: Vec<String> = batch
        .iter()
        .filter_map(|index| {
            index
                .as_document()?
                .get_str("name")
                .ok()
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

async fn create_index(database: &Database, collection: &str, index: Document) {
    database
        .run_command(doc! { "createIndexes": collection, "indexes": [Bson::Document(index)] })
        .await
        .expect("create a test index");
}

fn setup_error(result: Result<MongoAdapter, AdapterError>) -> IndexSetupError {
    match result {
        Err(AdapterError::Database { source, .. }) => source
            .downcast_ref::<IndexSetupError>()
            .unwrap_or_else(|| panic!("not an index setup error: {source}"))
            .clone(),
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(_) => panic!("setup accepted a database it should refuse"),
    }
}

#[tokio::test]
async fn setup_twice_and_concurrently_gives_the_same_indexes() {
    let Some(url) = support::url("indexes_idempotent") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "idx_twice").await;
    let runs = (0..8).map(|_| MongoAdapter::builder(database.clone()).build());
    for result in futures::future::join_all(runs).await {
        result.expect("concurrent setup succeeds");
    }
    MongoAdapter::builder(database.clone())
        .build()
        .await
        .expect("setup again");
    assert_eq!(
        index_names(&database, "users").await,
        ["_id_", "provider_id_1"]
    );
    assert_eq!(
        index_names(&database, "sessions").await,
        ["_id_", "access_token_1", "user_id_1"]
    );
    assert_eq!(
        index_names(&database, "refresh_tokens").await,
        ["_id_", "refresh_token_1", "user_id_1"]
    );
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn a_conflicting_index_of_the_same_name_is_reported_by_name() {
    let Some(url) = support::url("indexes_conflict") else {
        return;
    };
    let client = support::client(&url).await;
    for (collection, index, name) in [
        (
            "users",
            doc! { "key": { "provider_id": 1 }, "name": "provider_id_1" },
            "provider_id_1",
        ),
        (
            "users",
            doc! { "key": { "provider_id": 1 }, "name": "provider_id_1", "unique": true, "sparse": true },
            "provider_id_1",
        ),
        (
            "sessions",
            doc! { "key": { "access_token": -1 }, "name": "access_token_1", "unique": true },
            "access_token_1",
        ),
        (
            "refresh_tokens",
            doc! { "key": { "user_id": 1 }, "name": "user_id_1", "unique": true },
            "user_id_1",
        ),
    ] {
        let database = support::fresh_database(&client, "idx_conflict").await;
        create_index(&database, collection, index.clone()).await;
        let err = setup_error(MongoAdapter::builder(database.clone()).build().await);
        match &err {
            IndexSetupError::Conflict {
                index,
                collection: c,
                ..
            }
            | IndexSetupError::NotUnique {
                index,
                collection: c,
            } => {
                assert_eq!((index.as_str(), c.as_str()), (name, collection), "{err}");
            }
            other => panic!("{other}"),
        }
        assert!(err.to_string().contains(name), "{err}");
        database.drop().await.expect("drop");
    }
}

#[tokio::test]
async fn a_non_unique_provider_id_index_is_reported_as_not_unique() {
    let Some(url) = support::url("indexes_not_unique") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "idx_not_unique").await;
    create_index(
        &database,
        "users",
        doc! { "key": { "provider_id": 1 }, "name": "provider_id_1", "background": true },
    )
    .await;
    let err = setup_error(MongoAdapter::builder(database.clone()).build().await);
    assert_eq!(
        err,
        IndexSetupError::NotUnique {
            collection: "users".into(),
            index: "provider_id_1".into()
        }
    );
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn duplicates_that_block_a_unique_index_are_reported_with_its_name() {
    let Some(url) = support::url("indexes_duplicates") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "idx_dups").await;
    let users = database.collection::<Document>("users");
    users
        .insert_many([
            doc! { "_id": "a", "provider_id": "email:same@example.com", "__v": 0 },
            doc! { "_id": "b", "provider_id": "email:same@example.com", "__v": 0 },
        ])
        .await
        .expect("seed duplicates");
    let err = setup_error(MongoAdapter::builder(database.clone()).build().await);
    assert_eq!(
        err,
        IndexSetupError::DuplicatesBlockIndex {
            collection: "users".into(),
            index: "provider_id_1".into()
        }
    );
    assert!(!err.to_string().contains("same@example.com"), "{err}");
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn other_unique_user_indexes_name_their_field_and_stray_indexes_are_not_tokens() {
    let Some(url) = support::url("indexes_user_fields") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "idx_fields").await;
    create_index(&database, "users", doc! { "key": { "user_email": 1 }, "name": "user_email_1", "unique": true, "background": true }).await;
    // C01: a unique index left over from an older schema.
    create_index(
        &database,
        "refresh_tokens",
        doc! { "key": { "id": 1 }, "name": "id_1", "unique": true },
    )
    .await;
    let adapter = MongoAdapter::builder(database.clone())
        .build()
        .await
        .expect("setup");

    let mut first = NewUser::new("email:a@example.com");
    first
        .user_data
        .insert("user_email".into(), "provider_id_1@example.com".into());
    adapter
        .set_user(Some("u1"), first)
        .await
        .expect("first user");
    let mut second = NewUser::new("email:b@example.com");
    second
        .user_data
        .insert("user_email".into(), "provider_id_1@example.com".into());
    let err = adapter
        .set_user(Some("u2"), second)
        .await
        .expect_err("duplicate email");
    assert!(
        matches!(err, AdapterError::DuplicateUserData { field: Some(ref f) } if f == "user_email"),
        "{err:?}"
    );

    adapter
        .set_refresh_token(&RefreshToken {
            refresh_token: "rt1".into(),
            user_id: "u1".into(),
        })
        .await
        .expect("first token");
    let err = adapter
        .set_refresh_token(&RefreshToken {
            refresh_token: "rt2".into(),
            user_id: "u1".into(),
        })
        .await
        .expect_err("the stray index rejects the second document (both lack `id`)");
    assert_eq!(err.code(), "DATABASE_UPDATE_FAILED", "{err:?}");
    assert!(err.to_string().contains("id_1"), "names the index: {err}");
    database.drop().await.expect("drop");
}
