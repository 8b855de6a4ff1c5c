//! C09: TTL arithmetic and stale per-user indexes, on the Redis at `REDIS_URL`.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves

mod common;

use std::time::Duration;

use adapter_core::{Clock, Session, SessionAdapter};
use common::{clean, exists, keys_of, now_ms, pexpiretime, pttl, single_node, url_from_env};

fn session(token: &str, user: &str, expires: i64) -> Session {
    Session {
        access_token: token.into(),
        user_id: user.into(),
        expires,
    }
}

#[tokio::test]
async fn past_zero_and_negative_expiry_store_nothing_retrievable_and_no_key_without_ttl() {
    let Some(url) = url_from_env("REDIS_URL", "past_zero_negative_expiry") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_past").await;
    // A live session of the same user, so the user's index exists and must keep a TTL.
    adapter
        .set_session(&session("live", "u1", now_ms() + 60_000))
        .await
        .unwrap();
    for (token, expires) in [
        ("past", now_ms() - 1_000),
        ("zero", 0),
        ("negative", -5),
        ("min", i64::MIN),
    ] {
        adapter
            .set_session(&session(token, "u1", expires))
            .await
            .unwrap_or_else(|err| panic!("{token}: {err}"));
        assert_eq!(
            adapter.get_session_by_access_token(token).await.unwrap(),
            None,
            "{token}"
        );
        assert!(
            !exists(&mut raw, &adapter.keys().session(token)).await,
            "{token}"
        );
    }
    let listed = adapter.get_sessions_by_user_id("u1").await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|s| s.access_token.as_str())
            .collect::<Vec<_>>(),
        ["live"]
    );
    let keys = keys_of(&mut raw, &adapter).await;
    assert!(!keys.is_empty());
    for key in keys {
        assert!(pttl(&mut raw, &key).await > 0, "{key} has no TTL");
    }
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn a_session_expiring_in_999_ms_is_live_at_once_and_gone_a_second_later() {
    let Some(url) = url_from_env("REDIS_URL", "expiry_999ms") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_999").await;
    let short = session("short", "u1", now_ms() + 999);
    adapter.set_session(&short).await.unwrap();
    assert_eq!(
        adapter.get_session_by_access_token("short").await.unwrap(),
        Some(short.clone())
    );
    let ttl = pttl(&mut raw, &adapter.keys().session("short")).await;
    assert!((1..=999).contains(&ttl), "TTL {ttl}");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        adapter.get_session_by_access_token("short").await.unwrap(),
        None
    );
    assert!(!exists(&mut raw, &adapter.keys().session("short")).await);
    assert!(adapter
        .get_sessions_by_user_id("u1")
        .await
        .unwrap()
        .is_empty());
    assert!(!exists(&mut raw, &adapter.keys().user_sessions("u1")).await);
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn i64_max_expiry_is_stored_exactly_and_keeps_a_ttl() {
    let Some(url) = url_from_env("REDIS_URL", "expiry_i64_max") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_max").await;
    let forever = session("forever", "u1", i64::MAX);
    adapter.set_session(&forever).await.unwrap();
    assert_eq!(
        adapter
            .get_session_by_access_token("forever")
            .await
            .unwrap(),
        Some(forever.clone())
    );
    assert_eq!(
        adapter.get_sessions_by_user_id("u1").await.unwrap(),
        [forever]
    );
    for key in keys_of(&mut raw, &adapter).await {
        assert!(pttl(&mut raw, &key).await > 0, "{key} has no TTL");
    }
    assert_eq!(
        pexpiretime(&mut raw, &adapter.keys().session("forever")).await,
        i64::MAX
    );
    assert_eq!(
        pexpiretime(&mut raw, &adapter.keys().user_sessions("u1")).await,
        i64::MAX
    );
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn the_user_index_lives_at_least_as_long_as_its_longest_member() {
    let Some(url) = url_from_env("REDIS_URL", "index_ttl") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_index_ttl").await;
    let now = now_ms();
    let index = adapter.keys().user_sessions("u1");
    adapter
        .set_session(&session("a", "u1", now + 10_000))
        .await
        .unwrap();
    assert_eq!(pexpiretime(&mut raw, &index).await, now + 10_000);
    adapter
        .set_session(&session("b", "u1", now + 3_600_000))
        .await
        .unwrap();
    assert_eq!(pexpiretime(&mut raw, &index).await, now + 3_600_000);
    // A shorter member never shortens the index.
    adapter
        .set_session(&session("c", "u1", now + 5_000))
        .await
        .unwrap();
    assert_eq!(pexpiretime(&mut raw, &index).await, now + 3_600_000);
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn lapsed_members_are_pruned_and_listings_return_only_live_sessions() {
    let Some(url) = url_from_env("REDIS_URL", "index_prune") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_prune").await;
    let long = session("long", "u1", now_ms() + 3_600_000);
    adapter
        .set_session(&session("brief", "u1", now_ms() + 200))
        .await
        .unwrap();
    adapter.set_session(&long).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(adapter.get_sessions_by_user_id("u1").await.unwrap(), [long]);
    let members: Vec<String> = redis::cmd("ZRANGE")
        .arg(adapter.keys().user_sessions("u1"))
        .arg(0)
        .arg(-1)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(members, ["long"], "the lapsed member is pruned");
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn deleting_the_last_session_leaves_no_index_behind() {
    let Some(url) = url_from_env("REDIS_URL", "index_last_delete") else {
        return;
    };
    let (adapter, mut raw) = single_node(&url, "c09_last").await;
    let later = now_ms() + 60_000;
    adapter
        .set_session(&session("a", "u1", later))
        .await
        .unwrap();
    adapter
        .set_session(&session("b", "u1", later))
        .await
        .unwrap();
    adapter
        .set_session(&session("c", "u2", later))
        .await
        .unwrap();
    assert_eq!(
        adapter
            .delete_session_by_access_token(&["a", "b"])
            .await
            .unwrap(),
        2
    );
    assert!(!exists(&mut raw, &adapter.keys().user_sessions("u1")).await);
    assert_eq!(adapter.delete_sessions_by_user_id("u2").await.unwrap(), 1);
    assert!(!exists(&mut raw, &adapter.keys().user_sessions("u2")).await);
    assert!(keys_of(&mut raw, &adapter)
        .await
        .iter()
        .all(|key| key.contains(":x:")));
    clean(&mut raw, &adapter).await;
}

#[tokio::test]
async fn expired_sessions_are_purged_by_the_adapter_clock() {
    let Some(url) = url_from_env("REDIS_URL", "purge_expired") else {
        return;
    };
    let clock = std::sync::Arc::new(adapter_core::ManualClock::new(now_ms()));
    let prefix = common::fresh_prefix("c09_purge");
    let adapter = adapter_redis::RedisConfig::new(&url)
        .prefix(&prefix)
        .clock(clock.clone())
        .connect()
        .await
        .unwrap();
    let mut raw = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let now = clock.now_ms();
    adapter
        .set_session(&session("soon", "u1", now + 60_000))
        .await
        .unwrap();
    adapter
        .set_session(&session("later", "u1", now + 3_600_000))
        .await
        .unwrap();
    clock.advance(120_000);
    assert_eq!(
        adapter.get_session_by_access_token("soon").await.unwrap(),
        None
    );
    assert_eq!(adapter.delete_expired_sessions().await.unwrap(), 1);
    assert_eq!(adapter.delete_expired_sessions().await.unwrap(), 0);
    assert!(!exists(&mut raw, &adapter.keys().session("soon")).await);
    assert!(exists(&mut raw, &adapter.keys().session("later")).await);
    let listed = adapter.get_sessions_by_user_id("u1").await.unwrap();
    assert_eq!(listed.len(), 1);
    clean(&mut raw, &adapter).await;
}
