//! C14: every operation works on a standalone server. Our test server accepts
//! transactions where a standalone mongod rejects them, so this test watches
//! the driver's command events and fails if any operation opens one.

mod support;

use std::sync::{Arc, Mutex};

use adapter_core::{
    Adapter, NewUser, RefreshToken, Session, SessionAdapter, UserAdapter, UserUpdate,
};
use adapter_mongo::MongoAdapter;
use mongodb::event::command::CommandEvent;
use mongodb::event::EventHandler;
use mongodb::options::ClientOptions;
use mongodb::Client;

#[tokio::test]
async fn no_operation_opens_a_transaction() {
    let Some(url) = support::url("standalone") else {
        return;
    };
    let started: Arc<Mutex<Vec<bson::Document>>> = Arc::default();
    let seen = started.clone();
    let mut options = ClientOptions::parse(&url).await.expect("url");
    options.command_event_handler = Some(EventHandler::callback(move |event| {
        if let CommandEvent::Started(event) = event {
            seen.lock().expect("lock").push(event.command.clone());
        }
    }));
    let client = Client::with_options(options).expect("client");
    let database = support::fresh_database(&client, "standalone").await;
    let adapter = MongoAdapter::builder(database.clone())
        .id_generator(Arc::new(|| bson::oid::ObjectId::new().to_hex()))
        .native_expiry(true)
        .build()
        .await
        .expect("setup");

    let id = adapter
        .set_user(None, NewUser::new("email:ada@example.com"))
        .await
        .expect("set_user");
    adapter.get_user_by_id(&id).await.expect("get_user_by_id");
    adapter
        .get_user_by_provider_id("email:ada@example.com")
        .await
        .expect("by provider");
    adapter
        .update_user(
            &id,
            UserUpdate {
                hashed_password: Some(Some("h".into())),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    let session = Session {
        access_token: "at".into(),
        user_id: id.clone(),
        expires: i64::MAX,
    };
    adapter.set_session(&session).await.expect("set_session");
    adapter
        .get_session_by_access_token("at")
        .await
        .expect("get session");
    adapter
        .get_sessions_by_user_id(&id)
        .await
        .expect("list sessions");
    adapter.get_session_and_user("at").await.expect("joined");
    adapter
        .get_user_by_access_token("at")
        .await
        .expect("joined user");
    adapter.delete_expired_sessions().await.expect("purge");
    adapter
        .delete_session_by_access_token(&["at"])
        .await
        .expect("delete session");
    adapter
        .delete_sessions_by_user_id(&id)
        .await
        .expect("delete sessions");
    adapter
        .set_refresh_token(&RefreshToken {
            refresh_token: "rt".into(),
            user_id: id.clone(),
        })
        .await
        .expect("set rt");
    adapter
        .get_user_id_by_refresh_token("rt")
        .await
        .expect("get rt");
    adapter.consume_refresh_token("rt").await.expect("consume");
    adapter
        .delete_refresh_token(&["rt"])
        .await
        .expect("delete rt");
    adapter
        .delete_refresh_tokens_by_user_id(&id)
        .await
        .expect("delete rts");
    adapter.delete_user(&id).await.expect("delete user");

    let commands = started.lock().expect("lock").clone();
    let names: Vec<String> = commands
        .iter()
        .filter_map(|c| c.keys().next().cloned())
        .collect();
    for expected in [
        "createIndexes",
        "insert",
        "findAndModify",
        "aggregate",
        "delete",
        "find",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "the watch saw no {expected}: {names:?}"
        );
    }
    // `txnNumber` alone is a retryable write (on replica sets), not a transaction.
    for command in &commands {
        let name = command.keys().next().cloned().unwrap_or_default();
        assert!(
            !command.contains_key("startTransaction")
                && !command.contains_key("autocommit")
                && name != "commitTransaction"
                && name != "abortTransaction",
            "{name} needs a replica set: {command}"
        );
    }
    database.drop().await.expect("drop");
}
