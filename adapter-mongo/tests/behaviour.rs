//! Mongo-specific behaviour: C06 (delete_user racing set_session), C07,
//! C14 (native expiry beside logical expiry), transient failures, no id generator.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use adapter_core::{
    Adapter, AdapterError, ManualClock, NewUser, RefreshToken, Session, SessionAdapter, UserAdapter,
};
use adapter_mongo::MongoAdapter;
use bson::{doc, oid::ObjectId, Bson, Document};

#[tokio::test]
async fn delete_user_racing_set_session_never_leaves_a_resolving_token() {
    let Some(url) = support::url("race") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "race").await;
    let adapter = Arc::new(
        MongoAdapter::builder(database.clone())
            .build()
            .await
            .expect("setup"),
    );
    for round in 0..50 {
        let user_id = format!("u{round}");
        adapter
            .set_user(
                Some(&user_id),
                NewUser::new(format!("email:{round}@example.com")),
            )
            .await
            .expect("user");
        let (writer, deleter) = (adapter.clone(), adapter.clone());
        let (session_id, token_id) = (format!("at{round}"), format!("rt{round}"));
        let write = {
            let (user_id, session_id, token_id) =
                (user_id.clone(), session_id.clone(), token_id.clone());
            tokio::spawn(async move {
                let session = Session {
                    access_token: session_id,
                    user_id: user_id.clone(),
                    expires: i64::MAX,
                };
                let s = writer.set_session(&session).await;
                let t = writer
                    .set_refresh_token(&RefreshToken {
                        refresh_token: token_id,
                        user_id,
                    })
                    .await;
                (s, t)
            })
        };
        let delete = {
            let user_id = user_id.clone();
            tokio::spawn(async move { deleter.delete_user(&user_id).await })
        };
        let (stored, deleted) = (write.await.expect("join"), delete.await.expect("join"));
        assert_eq!(deleted.expect("delete_user"), 1);
        for result in [stored.0, stored.1] {
            if let Err(err) = result {
                assert!(
                    matches!(err, AdapterError::InvalidUserId),
                    "round {round}: {err:?}"
                );
            }
        }
        assert_eq!(
            adapter
                .get_user_by_access_token(&session_id)
                .await
                .expect("read"),
            None,
            "round {round}"
        );
        assert_eq!(
            adapter
                .get_user_id_by_refresh_token(&token_id)
                .await
                .expect("read"),
            None,
            "round {round}"
        );
        let sessions = database.collection::<Document>("sessions");
        let left = sessions
            .count_documents(doc! { "user_id": &user_id })
            .await
            .expect("count");
        let tokens = database.collection::<Document>("refresh_tokens");
        let left_tokens = tokens
            .count_documents(doc! { "user_id": &user_id })
            .await
            .expect("count");
        assert_eq!(
            (left, left_tokens),
            (0, 0),
            "round {round}: a token of the deleted user is stored"
        );
    }
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn tokens_for_a_missing_user_are_refused_and_not_stored() {
    let Some(url) = support::url("ghost") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "ghost").await;
    let adapter = MongoAdapter::builder(database.clone())
        .build()
        .await
        .expect("setup");
    let session = Session {
        access_token: "at".into(),
        user_id: "ghost".into(),
        expires: 1,
    };
    assert!(matches!(
        adapter.set_session(&session).await,
        Err(AdapterError::InvalidUserId)
    ));
    let token = RefreshToken {
        refresh_token: "rt".into(),
        user_id: "ghost".into(),
    };
    assert!(matches!(
        adapter.set_refresh_token(&token).await,
        Err(AdapterError::InvalidUserId)
    ));
    for collection in ["sessions", "refresh_tokens"] {
        let count = database
            .collection::<Document>(collection)
            .count_documents(doc! {})
            .await
            .expect("count");
        assert_eq!(count, 0, "{collection}");
    }
    assert!(matches!(
        adapter
            .set_user(None, NewUser::new("email:a@example.com"))
            .await,
        Err(AdapterError::UserIdRequired)
    ));
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn native_expiry_mirrors_expires_and_js_sessions_still_expire_logically() {
    let Some(url) = support::url("native_expiry") else {
        return;
    };
    let client = support::client(&url).await;
    let database = support::fresh_database(&client, "native_expiry").await;
    let clock = Arc::new(ManualClock::new(1_000_000));
    let adapter = MongoAdapter::builder(database.clone())
        .clock(clock.clone())
        .native_expiry(true)
        .build()
        .await
        .expect("setup");
    adapter
        .set_user(Some("u1"), NewUser::new("email:a@example.com"))
        .await
        .expect("user");
    adapter
        .set_session(&Session {
            access_token: "rust".into(),
            user_id: "u1".into(),
            expires: 1_000_500,
        })
        .await
        .expect("session");
    let sessions = database.collection::<Document>("sessions");
    let stored = sessions
        .find_one(doc! { "access_token": "rust" })
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        stored.get("expires_at"),
        Some(&Bson::DateTime(bson::DateTime::from_millis(1_000_500)))
    );

    let reply = database
        .run_command(doc! { "listIndexes": "sessions" })
        .await
        .expect("list");
    let ttl = reply
        .get_document("cursor")
        .and_then(|c| c.get_array("firstBatch"))
        .expect("batch")
        .iter()
        .filter_map(Bson::as_document)
        .find(|index| index.get_str("name") == Ok("expires_at_1"))
        .cloned()
        .expect("a TTL index on the Date mirror");
    assert!(ttl.get("expireAfterSeconds").is_some(), "{ttl}");

    // As the JS adapter writes it: a double `expires` and no mirror.
    sessions
        .insert_one(doc! { "_id": ObjectId::new(), "access_token": "js", "user_id": "u1", "expires": 1_000_500.0, "__v": 0 })
        .await
        .expect("seed");
    for token in ["rust", "js"] {
        assert!(
            adapter
                .get_session_by_access_token(token)
                .await
                .expect("read")
                .is_some(),
            "{token} live"
        );
    }
    clock.advance(501);
    for token in ["rust", "js"] {
        assert_eq!(
            adapter
                .get_session_by_access_token(token)
                .await
                .expect("read"),
            None,
            "{token} expired"
        );
        assert_eq!(
            adapter.get_session_and_user(token).await.expect("read"),
            None,
            "{token} expired"
        );
    }
    assert!(adapter
        .get_sessions_by_user_id("u1")
        .await
        .expect("list")
        .is_empty());
    assert_eq!(adapter.delete_expired_sessions().await.expect("purge"), 2);
    database.drop().await.expect("drop");
}

#[tokio::test]
async fn an_unreachable_server_is_a_transient_error_within_the_timeout() {
    // Port 9 (discard) on loopback: nothing listens there in our environments.
    let started = Instant::now();
    let result =
        MongoAdapter::connect("mongodb://127.0.0.1:9/app?serverSelectionTimeoutMS=500").await;
    let err = result.expect_err("no server");
    assert!(err.is_transient(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}
