//! Shared helpers of the engine tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use std::future::Future;

use adapter_core::{
    Adapter, ManualClock, NewUser, Session, SessionAdapter, SharedClock, UserAdapter, UserUpdate,
};
use adapter_sql::SqlAdapter;

/// The URL in `var`, read at run time. Missing: with `CI=true` a failure, locally a loud skip.
pub fn server_url(var: &str, backend: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true" || ci == "1") => {
            panic!("{var} is not set and CI=true requires the {backend} tests to run")
        }
        _ => {
            eprintln!("SKIPPED: {backend} engine test: {var} not set");
            None
        }
    }
}

/// A name unique to this process and call: a database, schema or file.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A manual clock at 1 000 000 ms.
pub fn clock() -> SharedClock {
    Arc::new(ManualClock::new(1_000_000))
}

/// A user with a provider id.
pub fn user(provider_id: &str) -> NewUser {
    NewUser::new(provider_id)
}

/// A live session.
pub fn session(token: &str, user_id: &str) -> Session {
    Session {
        access_token: token.into(),
        user_id: user_id.into(),
        expires: 2_000_000,
    }
}

/// Five expired and two live sessions are purged in batches of at most two,
/// and the counts before and after are what the clock says.
pub async fn purges_expired_sessions_in_bounded_batches(adapter: &adapter_sql::SqlAdapter) {
    use adapter_core::{Maintenance, SessionAdapter, StoreStats, UserAdapter};

    let owner = adapter
        .set_user(Some("purge_owner"), user("email:purge@example.com"))
        .await
        .expect("user");
    for n in 0..7 {
        let mut stored = session(&format!("purge_{n}"), &owner);
        if n < 5 {
            stored.expires = 500_000;
        }
        adapter.set_session(&stored).await.expect("session");
    }
    let expected = StoreStats {
        users: 1,
        live_sessions: 2,
        expired_sessions: 5,
        refresh_tokens: 0,
    };
    assert_eq!(Maintenance::stats(adapter).await.expect("stats"), expected);
    let batches: Vec<u64> = {
        let mut batches = Vec::new();
        for _ in 0..4 {
            batches.push(adapter.purge_expired_sessions(2).await.expect("purge"));
        }
        batches
    };
    assert_eq!(batches, vec![2, 2, 1, 0]);
    let after = Maintenance::stats(adapter).await.expect("stats");
    assert_eq!((after.live_sessions, after.expired_sessions), (2, 0));
}

/// C13: with every pooled connection warm (its statements prepared),
/// `add_column` adds a `nickname` text column to the user table; updates and
/// reads keep working, and the column shows up in `user_data` at once.
pub async fn column_added_under_a_warm_pool(
    adapter: SqlAdapter,
    add_column: impl Future<Output = ()>,
) {
    adapter.set_user(Some("u1"), user("email:a")).await.unwrap();
    adapter.set_session(&session("t1", "u1")).await.unwrap();
    let warm: Vec<_> = (0..16)
        .map(|_| {
            let a = adapter.clone();
            tokio::spawn(async move {
                a.get_user_by_id("u1").await?;
                a.get_session_and_user("t1").await
            })
        })
        .collect();
    for task in warm {
        task.await.unwrap().unwrap();
    }
    add_column.await;
    let mut update = UserUpdate::default();
    update.user_data.insert("nickname".into(), "ada".into());
    let updated = adapter.update_user("u1", update).await.unwrap();
    let nickname = Some(serde_json::json!("ada"));
    assert_eq!(updated.user_data.get("nickname"), nickname.as_ref());
    for _ in 0..16 {
        let user = adapter.get_user_by_id("u1").await.unwrap().unwrap();
        assert_eq!(user.user_data.get("nickname"), nickname.as_ref());
        let (_, joined) = adapter.get_session_and_user("t1").await.unwrap().unwrap();
        assert_eq!(joined.user_data.get("nickname"), nickname.as_ref());
    }
}
