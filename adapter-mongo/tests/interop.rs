//! Interop with the JS Lucia Mongoose adapter: the documents and indexes it
//! wrote (`fixtures/mongoose-lucia-0.10`) read as the JS adapter reads
//! them, and what this adapter writes has the fixture's fields and BSON types.

mod support;

use support::fixture::{fixture_documents, fixture_time, load_fixture, COLLECTIONS};

use std::sync::Arc;

use adapter_core::{
    Adapter, Maintenance, ManualClock, NewUser, RefreshToken, Session, SessionAdapter, StoreStats,
    User, UserAdapter, UserUpdate,
};
use adapter_mongo::MongoAdapter;
use bson::{doc, Bson, Document};
use mongodb::Database;
use serde_json::{json, Value};

struct Loaded {
    database: Database,
    adapter: MongoAdapter,
    clock: Arc<ManualClock>,
}

async fn loaded(test: &str) -> Option<Loaded> {
    let url = support::url(test)?;
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, test).await;
    load_fixture(&database).await;
    let clock = Arc::new(ManualClock::new(fixture_time()));
    let adapter = MongoAdapter::builder(database.clone())
        .clock(clock.clone())
        .build()
        .await
        .expect("index setup accepts the indexes Mongoose built");
    Some(Loaded {
        database,
        adapter,
        clock,
    })
}

/// A fixture user as the JS adapter returns it, written out by hand.
fn expected_users() -> Vec<User> {
    let user = |id: &str, provider: &str, hash: Option<&str>, data: Value| User {
        id: id.into(),
        provider_id: provider.into(),
        hashed_password: hash.map(str::to_string),
        user_data: data.as_object().expect("object").clone(),
    };
    vec![
        user(
            "64b7f0c2e4b0a1a2b3c4d5e6",
            "email:grace@example.com",
            Some("aa11bb:00ff00ff00ff00ff00ff00ff00ff00ff"),
            json!({"username": "Grâce 🦀", "user_email": "grace@example.com", "login_count": 2147483648.0}),
        ),
        user(
            "cl9ada0000000000000001",
            "email:ada@example.com",
            Some("5f2b1c:9a8e7d6c5b4a39281706f5e4d3c2b1a0"),
            json!({"username": "ada", "user_email": "ada@example.com", "email_verified": true,
                   "login_count": 3, "created_at": {"$date": "2026-12-03T16:00:00Z"}}),
        ),
        user(
            "cl9lin0000000000000004",
            "email:Linus@example.com",
            Some("cc22dd:1234567890abcdef1234567890abcdef"),
            json!({"username": "linus", "user_email": "linus@example.com"}),
        ),
        user(
            "cl9oct0000000000000002",
            "github:583231",
            None,
            json!({"username": "octo", "user_email": "octo@example.com", "email_verified": false, "login_count": 0}),
        ),
    ]
}

#[tokio::test]
async fn every_fixture_user_reads_as_the_js_adapter_reads_it() {
    let Some(env) = loaded("interop_users").await else {
        return;
    };
    for expected in expected_users() {
        let by_id = env
            .adapter
            .get_user_by_id(&expected.id)
            .await
            .expect("read");
        assert_eq!(by_id.as_ref(), Some(&expected));
        let by_provider = env
            .adapter
            .get_user_by_provider_id(&expected.provider_id)
            .await
            .expect("read");
        assert_eq!(by_provider, Some(expected.clone()));
    }
    let grace = env
        .adapter
        .get_user_by_id("64b7f0c2e4b0a1a2b3c4d5e6")
        .await
        .expect("read")
        .expect("grace");
    assert!(
        grace.user_data["login_count"].is_f64(),
        "a double stays a double"
    );
    let ada = env
        .adapter
        .get_user_by_id("cl9ada0000000000000001")
        .await
        .expect("read")
        .expect("ada");
    assert!(
        ada.user_data["login_count"].is_i64(),
        "an int32 reads as an integer"
    );
    env.database.drop().await.expect("drop");
}

#[tokio::test]
async fn only_live_fixture_sessions_are_returned_at_the_fixture_time() {
    let Some(env) = loaded("interop_sessions").await else {
        return;
    };
    let t = fixture_time();
    let live = [
        (
            "at_000000000000000000000000000000000000002t",
            "cl9ada0000000000000001",
            t + 8 * 3_600_000,
        ),
        (
            "at_000000000000000000000000000000000000005l",
            "cl9oct0000000000000002",
            t + 8 * 3_600_000,
        ),
        (
            "at_000000000000000000000000000000000000008d",
            "64b7f0c2e4b0a1a2b3c4d5e6",
            t,
        ),
        (
            "at_00000000000000000000000000000000000000b5",
            "cl9lin0000000000000004",
            t + 1,
        ),
    ];
    let expired = [
        "at_000000000000000000000000000000000000002u",
        "at_000000000000000000000000000000000000008e",
    ];
    let users = expected_users();
    for (token, user_id, expires) in live {
        let session = Session {
            access_token: token.into(),
            user_id: user_id.into(),
            expires,
        };
        assert_eq!(
            env.adapter
                .get_session_by_access_token(token)
                .await
                .expect("read"),
            Some(session.clone())
        );
        let user = users
            .iter()
            .find(|user| user.id == user_id)
            .expect("fixture user")
            .clone();
        assert_eq!(
            env.adapter.get_session_and_user(token).await.expect("read"),
            Some((session, user.clone()))
        );
        assert_eq!(
            env.adapter
                .get_user_by_access_token(token)
                .await
                .expect("read"),
            Some(user)
        );
    }
    for token in expired {
        assert_eq!(
            env.adapter
                .get_session_by_access_token(token)
                .await
                .expect("read"),
            None,
            "{token}"
        );
        assert_eq!(
            env.adapter.get_session_and_user(token).await.expect("read"),
            None,
            "{token}"
        );
    }
    let ada_sessions = env
        .adapter
        .get_sessions_by_user_id("cl9ada0000000000000001")
        .await
        .expect("read");
    assert_eq!(
        ada_sessions.len(),
        1,
        "ada's second session expired an hour ago"
    );
    let grace_sessions = env
        .adapter
        .get_sessions_by_user_id("64b7f0c2e4b0a1a2b3c4d5e6")
        .await
        .expect("read");
    assert_eq!(
        grace_sessions.iter().map(|s| s.expires).collect::<Vec<_>>(),
        vec![t]
    );

    // One millisecond later the session expiring exactly at T is gone too.
    env.clock.advance(1);
    assert_eq!(
        env.adapter
            .get_session_by_access_token("at_000000000000000000000000000000000000008d")
            .await
            .expect("read"),
        None
    );
    env.clock.set(t);
    assert_eq!(
        env.adapter.delete_expired_sessions().await.expect("purge"),
        2
    );
    let left = env
        .database
        .collection::<Document>("sessions")
        .count_documents(doc! {})
        .await
        .expect("count");
    assert_eq!(left, 4);
    env.database.drop().await.expect("drop");
}

#[tokio::test]
async fn every_fixture_refresh_token_resolves_to_its_owner() {
    let Some(env) = loaded("interop_tokens").await else {
        return;
    };
    for document in fixture_documents("refresh_tokens.json") {
        let token = document.get_str("refresh_token").expect("token");
        let owner = document.get_str("user_id").expect("owner");
        assert_eq!(
            env.adapter
                .get_user_id_by_refresh_token(token)
                .await
                .expect("read")
                .as_deref(),
            Some(owner)
        );
    }
    let consumed = env
        .adapter
        .consume_refresh_token("rt_0000000000000000000000000000000000000033")
        .await
        .expect("consume");
    assert_eq!(consumed.as_deref(), Some("cl9ada0000000000000001"));
    env.database.drop().await.expect("drop");
}

#[tokio::test]
async fn index_setup_accepts_the_indexes_mongoose_built_and_adds_user_id() {
    let Some(env) = loaded("interop_indexes").await else {
        return;
    };
    for collection in COLLECTIONS {
        let mut cursor = env
            .database
            .run_command(doc! { "listIndexes": collection })
            .await
            .expect("list");
        let batch = cursor
            .get_document_mut("cursor")
            .expect("cursor")
            .get_array("firstBatch")
            .expect("batch")
            .clone();
        let names: Vec<String> = batch
            .iter()
            .filter_map(|index| {
                index
                    .as_document()?
                    .get_str("name")
                    .ok()
                    .map(str::to_string)
            })
            .collect();
        for index in fixture_documents(&format!("{collection}.indexes.json")) {
            let name = index.get_str("name").expect("name");
            let kept = batch
                .iter()
                .filter_map(Bson::as_document)
                .find(|i| i.get_str("name") == Ok(name))
                .expect("kept");
            assert_eq!(
                kept.get("background"),
                index.get("background"),
                "{name} left as Mongoose built it"
            );
        }
        if collection != "users" {
            assert!(
                names.contains(&"user_id_1".to_string()),
                "{collection}: {names:?}"
            );
        }
    }
    // A second setup over the same database is accepted as well.
    MongoAdapter::builder(env.database.clone())
        .build()
        .await
        .expect("setup again");
    env.database.drop().await.expect("drop");
}

/// Field names and BSON element types of a document, in order.
fn shape(document: &Document) -> Vec<(String, bson::spec::ElementType)> {
    document
        .iter()
        .map(|(key, value)| (key.clone(), value.element_type()))
        .collect()
}

async fn raw(database: &Database, collection: &str, filter: Document) -> Document {
    database
        .collection::<Document>(collection)
        .find_one(filter)
        .await
        .expect("read raw")
        .expect("document exists")
}

#[tokio::test]
async fn documents_written_have_the_fixture_fields_and_types() {
    let Some(env) = loaded("interop_writes").await else {
        return;
    };
    let users = fixture_documents("users.json");
    for (n, fixture) in users.iter().enumerate() {
        let id = fixture.get_str("_id").expect("id");
        let read = env
            .adapter
            .get_user_by_id(id)
            .await
            .expect("read")
            .expect("user");
        let copy_id = format!("copy{n}");
        let mut user_data = read.user_data.clone();
        for unique in ["username", "user_email"] {
            if let Some(Value::String(value)) = user_data.get_mut(unique) {
                value.push_str(".copy");
            }
        }
        let new_user = NewUser {
            provider_id: format!("{}.copy", read.provider_id),
            hashed_password: read.hashed_password.clone(),
            user_data,
        };
        env.adapter
            .set_user(Some(&copy_id), new_user)
            .await
            .expect("write the copy");
        let written = raw(&env.database, "users", doc! { "_id": &copy_id }).await;
        assert_eq!(shape(&written), shape(fixture), "user {id}");

        // Written back unchanged, every field keeps its BSON type.
        let update = UserUpdate {
            user_data: read.user_data.clone(),
            ..Default::default()
        };
        env.adapter
            .update_user(id, update)
            .await
            .expect("update unchanged");
        let rewritten = raw(&env.database, "users", doc! { "_id": id }).await;
        assert_eq!(&rewritten, fixture, "user {id} after an unchanged update");
    }

    let session_fixture = fixture_documents("sessions.json").remove(0);
    env.adapter
        .set_session(&Session {
            access_token: "at_rust".into(),
            user_id: "cl9ada0000000000000001".into(),
            expires: fixture_time() + 1,
        })
        .await
        .expect("write a session");
    let session = raw(
        &env.database,
        "sessions",
        doc! { "access_token": "at_rust" },
    )
    .await;
    let mut expected_shape = shape(&session_fixture);
    for (field, kind) in &mut expected_shape {
        if field == "expires" {
            *kind = bson::spec::ElementType::Int64;
        }
    }
    assert_eq!(shape(&session), expected_shape);

    let token_fixture = fixture_documents("refresh_tokens.json").remove(0);
    env.adapter
        .set_refresh_token(&RefreshToken {
            refresh_token: "rt_rust".into(),
            user_id: "cl9ada0000000000000001".into(),
        })
        .await
        .expect("write a refresh token");
    let token = raw(
        &env.database,
        "refresh_tokens",
        doc! { "refresh_token": "rt_rust" },
    )
    .await;
    assert_eq!(shape(&token), shape(&token_fixture));
    env.database.drop().await.expect("drop");
}

#[tokio::test]
async fn stats_and_bounded_purges_count_the_fixture_as_the_clock_sees_it() {
    let Some(loaded) = loaded("maintenance").await else {
        return;
    };
    let before = loaded.adapter.stats().await.expect("stats");
    // At T: expires T+8h, T+8h, T and T+1 are live; T−1h and 1000 are expired.
    assert_eq!(
        before,
        StoreStats {
            users: 4,
            live_sessions: 4,
            expired_sessions: 2,
            refresh_tokens: 4
        }
    );
    assert_eq!(
        loaded
            .adapter
            .purge_expired_sessions(1)
            .await
            .expect("purge"),
        1
    );
    assert_eq!(
        loaded
            .adapter
            .purge_expired_sessions(1)
            .await
            .expect("purge"),
        1
    );
    assert_eq!(
        loaded
            .adapter
            .purge_expired_sessions(1)
            .await
            .expect("purge"),
        0
    );
    let after = loaded.adapter.stats().await.expect("stats");
    assert_eq!((after.live_sessions, after.expired_sessions), (4, 0));

    let steps = loaded
        .adapter
        .migrate()
        .await
        .expect("migrate on Mongoose's indexes");
    assert!(
        steps.iter().any(|line| line.contains("provider_id_1")),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|line| line.contains("`user_email`")),
        "{steps:?}"
    );
    loaded.clock.set(fixture_time() + 1);
    assert_eq!(
        loaded
            .adapter
            .stats()
            .await
            .expect("stats")
            .expired_sessions,
        1,
        "the session expiring at T lapses at T+1"
    );
}
