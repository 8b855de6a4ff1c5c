//! Never overwrite, atomic consume, exact deletes by user (C03, C06, C16), on `REDIS_URL`.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves

mod common;

use adapter_core::{AdapterError, RefreshToken, Session, SessionAdapter};
use common::{clean, now_ms, single_node, url_from_env};
use futures::future::join_all;

fn session(token: &str, user: &str, expires: i64) -> Session {
    Session {
        access_token: token.into(),
        user_id: user.into(),
        expires,
    }
}

fn refresh(token: &str, user: &str) -> RefreshToken {
    RefreshToken {
        refresh_token: token.into(),
        user_id: user.into(),
    }
}

#[tokio::test]
async fn a_taken_token_is_a_duplicate_and_the_existing_record_is_unchanged() {
    let Some(url) = url_from_env("REDIS_URL", "duplicates") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "dup").await;
    let first = session("t", "u1", now_ms() + 60_000);
    adapter.set_session(&first).await.unwrap();
    let err = adapter
        .set_session(&session("t", "u2", now_ms() + 999_000))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::DuplicateAccessToken), "{err:?}");
    assert_eq!(
        adapter.get_session_by_access_token("t").await.unwrap(),
        Some(first)
    );
    assert!(adapter
        .get_sessions_by_user_id("u2")
        .await
        .unwrap()
        .is_empty());

    adapter
        .set_refresh_token(&refresh("r", "u1"))
        .await
        .unwrap();
    let err = adapter
        .set_refresh_token(&refresh("r", "u2"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdapterError::DuplicateRefreshToken),
        "{err:?}"
    );
    assert_eq!(
        adapter
            .get_user_id_by_refresh_token("r")
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert_eq!(
        adapter
            .delete_refresh_tokens_by_user_id("u2")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        adapter
            .get_user_id_by_refresh_token("r")
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    clean(&mut raw, &adapter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_many_concurrent_consumers_exactly_one_gets_the_token() {
    let Some(url) = url_from_env("REDIS_URL", "consume") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "consume").await;
    for round in 0..5 {
        let token = format!("r{round}");
        adapter
            .set_refresh_token(&refresh(&token, "u1"))
            .await
            .unwrap();
        let answers = join_all((0..20).map(|_| adapter.consume_refresh_token(&token))).await;
        let winners = answers
            .into_iter()
            .map(Result::unwrap)
            .filter(|owner| owner.as_deref() == Some("u1"))
            .count();
        assert_eq!(winners, 1);
    }
    clean(&mut raw, &adapter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_deletes_of_one_session_add_up_to_one() {
    let Some(url) = url_from_env("REDIS_URL", "c16") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c16").await;
    assert_eq!(
        adapter
            .delete_session_by_access_token(&["missing"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        adapter.delete_session_by_access_token(&[]).await.unwrap(),
        0
    );
    assert_eq!(adapter.delete_refresh_token(&["missing"]).await.unwrap(), 0);
    assert_eq!(
        adapter.delete_sessions_by_user_id("nobody").await.unwrap(),
        0
    );
    for round in 0..10 {
        let token = format!("t{round}");
        adapter
            .set_session(&session(&token, "u1", now_ms() + 60_000))
            .await
            .unwrap();
        let tokens = [token.as_str()];
        let (a, b) = tokio::join!(
            adapter.delete_session_by_access_token(&tokens),
            adapter.delete_sessions_by_user_id("u1"),
        );
        assert_eq!(a.unwrap() + b.unwrap(), 1, "round {round}");
    }
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn deletes_by_user_are_equality_and_spare_stale_members_of_other_users() {
    let Some(url) = url_from_env("REDIS_URL", "exact_deletes") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "exact").await;
    let later = now_ms() + 60_000;
    let users = ["u_1", "uX1", "u1", "u10", "u*", "u[1]", "u%", "u:1", "{u1}"];
    for user in users {
        adapter
            .set_session(&session(&format!("at-{user}"), user, later))
            .await
            .unwrap();
        adapter
            .set_refresh_token(&refresh(&format!("rt-{user}"), user))
            .await
            .unwrap();
    }
    // A stale member: u1's index names u10's token (as after a failed second step).
    let _: i64 = redis::cmd("ZADD")
        .arg(adapter.keys().user_sessions("u1"))
        .arg(later)
        .arg("at-u10")
        .query_async(&mut raw)
        .await
        .unwrap();
    let _: i64 = redis::cmd("SADD")
        .arg(adapter.keys().user_refresh_tokens("u1"))
        .arg("rt-u10")
        .query_async(&mut raw)
        .await
        .unwrap();
    let listed = adapter.get_sessions_by_user_id("u1").await.unwrap();
    assert_eq!(listed, [session("at-u1", "u1", later)]);
    assert_eq!(adapter.delete_sessions_by_user_id("u1").await.unwrap(), 1);
    assert_eq!(
        adapter
            .delete_refresh_tokens_by_user_id("u1")
            .await
            .unwrap(),
        1
    );
    for user in users.iter().filter(|user| **user != "u1") {
        assert_eq!(
            adapter
                .get_session_by_access_token(&format!("at-{user}"))
                .await
                .unwrap(),
            Some(session(&format!("at-{user}"), user, later)),
            "{user}"
        );
        assert_eq!(
            adapter
                .get_user_id_by_refresh_token(&format!("rt-{user}"))
                .await
                .unwrap()
                .as_deref(),
            Some(*user)
        );
    }
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn an_undecodable_record_is_corrupt_alone_and_listings_skip_it() {
    let Some(url) = url_from_env("REDIS_URL", "corrupt") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "corrupt").await;
    let later = now_ms() + 60_000;
    adapter
        .set_session(&session("good", "u1", later))
        .await
        .unwrap();
    adapter
        .set_session(&session("bad", "u1", later))
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg(adapter.keys().session("bad"))
        .arg(r#"{"v":1,"access_token":"bad","user_id":"u1","expires":"soon"}"#)
        .arg("PX")
        .arg(60_000)
        .query_async(&mut raw)
        .await
        .unwrap();
    let err = adapter
        .get_session_by_access_token("bad")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "DATABASE_CORRUPT_RECORD");
    assert_eq!(
        adapter.get_sessions_by_user_id("u1").await.unwrap(),
        [session("good", "u1", later)]
    );
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn bad_keys_are_invalid_input_before_any_call() {
    let Some(url) = url_from_env("REDIS_URL", "bad_input") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "bad_input").await;
    for bad in ["", "a\0b"] {
        let err = adapter.get_session_by_access_token(bad).await.unwrap_err();
        assert_eq!(err.code(), "AUTH_INVALID_INPUT");
        let err = adapter
            .set_session(&session(bad, "u1", now_ms() + 1_000))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "AUTH_INVALID_INPUT");
    }
    let long = "x".repeat(513);
    let err = adapter
        .delete_session_by_access_token(&["ok", &long])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AUTH_INVALID_INPUT");
    assert!(common::keys_of(&mut raw, &adapter).await.is_empty());
}

/// Polls `write` until `key` exists in Redis (or the write finishes), then
/// drops it: a caller whose own time limit ran out right after the first step.
async fn give_up_once_stored<F: std::future::Future>(
    write: F,
    raw: &mut redis::aio::MultiplexedConnection,
    key: &str,
) {
    let mut write = std::pin::pin!(write);
    for _ in 0..10_000 {
        if futures::poll!(write.as_mut()).is_ready() || common::exists(raw, key).await {
            return;
        }
    }
    panic!("{key} was never stored");
}

#[tokio::test]
async fn a_write_its_caller_gave_up_on_still_reaches_the_user_index() {
    let Some(url) = url_from_env("REDIS_URL", "given_up") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "given_up").await;
    let tokens: Vec<String> = (0..20).map(|n| format!("given-up-{n}")).collect();
    for token in &tokens {
        let key = adapter.keys().refresh_token(token);
        give_up_once_stored(
            adapter.set_refresh_token(&refresh(token, "u1")),
            &mut raw,
            &key,
        )
        .await;
        let key = adapter.keys().session(token);
        let live = session(token, "u1", now_ms() + 60_000);
        give_up_once_stored(adapter.set_session(&live), &mut raw, &key).await;
    }
    // The rest of each write runs on by itself; give it time to land.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    assert_eq!(
        adapter
            .delete_refresh_tokens_by_user_id("u1")
            .await
            .unwrap(),
        tokens.len() as u64
    );
    assert_eq!(
        adapter.delete_sessions_by_user_id("u1").await.unwrap(),
        tokens.len() as u64
    );
    for token in &tokens {
        assert_eq!(
            adapter.get_user_id_by_refresh_token(token).await.unwrap(),
            None,
            "refresh token {token} outlived its user's delete"
        );
        assert_eq!(
            adapter.get_session_by_access_token(token).await.unwrap(),
            None,
            "session {token} outlived its user's delete"
        );
    }
    clean(&mut raw, &adapter).await;
}
