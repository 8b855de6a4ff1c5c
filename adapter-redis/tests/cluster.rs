//! C10: a 3-master Redis Cluster (`REDIS_CLUSTER_URLS`, comma-separated; see
//! `scripts/services/redis-cluster`): 200 users spread over the slots, ids
//! with `{`, `}`, `{}` and `:`, every operation, no CROSSSLOT.

#![allow(clippy::unwrap_used)] // tests unwrap what they set up themselves

mod common;

use std::collections::HashSet;

use adapter_core::{AdapterError, RefreshToken, Session, SessionAdapter};
use adapter_redis::RedisConfig;
use common::{fresh_prefix, now_ms, url_from_env};

fn user_ids() -> Vec<String> {
    let shapes = [
        "u{i}",
        "{u}{i}",
        "{{}}{i}",
        "{}{i}",
        "u:{i}:",
        "}{i}{",
        "{i}",
        "a:s:{{b}}{i}",
    ];
    (0..200)
        .map(|i| shapes[i % shapes.len()].replace("{i}", &i.to_string()))
        .collect()
}

async fn node_connections(urls: &[String]) -> Vec<redis::aio::MultiplexedConnection> {
    let mut nodes = Vec::new();
    for url in urls {
        nodes.push(
            redis::Client::open(url.as_str())
                .unwrap()
                .get_multiplexed_async_connection()
                .await
                .unwrap(),
        );
    }
    nodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_users_over_every_node_with_hostile_ids_and_no_crossslot() {
    let Some(urls) = url_from_env("REDIS_CLUSTER_URLS", "cluster") else {
        return;
    };
    let urls: Vec<String> = urls.split(',').map(|url| url.trim().to_owned()).collect();
    let adapter = RedisConfig::cluster(urls.clone())
        .prefix(fresh_prefix("c10"))
        .connect()
        .await
        .unwrap();
    let users = user_ids();
    assert_eq!(users.iter().collect::<HashSet<_>>().len(), 200);
    let expires = now_ms() + 3_600_000;
    let session_of = |user: &str, n: usize| Session {
        access_token: format!("{{at}}:{user}:{n}"),
        user_id: user.to_owned(),
        expires,
    };

    for user in &users {
        for n in 0..2 {
            adapter.set_session(&session_of(user, n)).await.unwrap();
        }
        adapter
            .set_refresh_token(&RefreshToken {
                refresh_token: format!("rt{{{user}}}"),
                user_id: user.clone(),
            })
            .await
            .unwrap();
    }

    // The index keys really are spread over all three masters.
    let mut nodes = node_connections(&urls).await;
    let mut holders = HashSet::new();
    for user in &users {
        let key = adapter.keys().user_sessions(user);
        for (number, node) in nodes.iter_mut().enumerate() {
            // A node that does not own the key's slot answers MOVED.
            let found: redis::RedisResult<i64> =
                redis::cmd("EXISTS").arg(&key).query_async(node).await;
            if matches!(found, Ok(1)) {
                holders.insert(number);
            }
        }
    }
    assert_eq!(holders.len(), urls.len(), "user indexes on every master");

    for user in &users {
        let mut listed = adapter.get_sessions_by_user_id(user).await.unwrap();
        listed.sort_by(|a, b| a.access_token.cmp(&b.access_token));
        assert_eq!(listed, [session_of(user, 0), session_of(user, 1)], "{user}");
        assert_eq!(
            adapter
                .get_session_by_access_token(&session_of(user, 0).access_token)
                .await
                .unwrap(),
            Some(session_of(user, 0))
        );
        assert!(matches!(
            adapter.set_session(&session_of(user, 0)).await,
            Err(AdapterError::DuplicateAccessToken)
        ));
    }

    // Deletes by user touch exactly that user, whatever braces and colons the ids hold.
    for (i, user) in users.iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(
                adapter.delete_sessions_by_user_id(user).await.unwrap(),
                2,
                "{user}"
            );
            assert_eq!(
                adapter
                    .delete_refresh_tokens_by_user_id(user)
                    .await
                    .unwrap(),
                1,
                "{user}"
            );
        } else {
            assert_eq!(
                adapter
                    .delete_session_by_access_token(&[&session_of(user, 0).access_token])
                    .await
                    .unwrap(),
                1
            );
            let token = format!("rt{{{user}}}");
            assert_eq!(
                adapter
                    .consume_refresh_token(&token)
                    .await
                    .unwrap()
                    .as_deref(),
                Some(user.as_str())
            );
        }
    }
    for (i, user) in users.iter().enumerate() {
        let left = adapter.get_sessions_by_user_id(user).await.unwrap();
        let expected: Vec<Session> = if i % 2 == 0 {
            vec![]
        } else {
            vec![session_of(user, 1)]
        };
        assert_eq!(left, expected, "{user}");
        assert_eq!(
            adapter
                .get_user_id_by_refresh_token(&format!("rt{{{user}}}"))
                .await
                .unwrap(),
            None
        );
    }
    // Everything left goes; then no key of the prefix remains but expiry buckets.
    for user in &users {
        adapter.delete_sessions_by_user_id(user).await.unwrap();
    }
    assert_eq!(adapter.delete_expired_sessions().await.unwrap(), 0);
    for node in nodes.iter_mut() {
        let (_, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(0)
            .arg("MATCH")
            .arg(adapter.keys().scan_pattern())
            .arg("COUNT")
            .arg(100_000)
            .query_async(node)
            .await
            .unwrap();
        for key in keys {
            assert!(key.contains(":x:"), "left behind: {key}");
            let _: i64 = redis::cmd("DEL").arg(&key).query_async(node).await.unwrap();
        }
    }
}
