//! Steps that run many calls at once on one adapter, as separate Tokio tasks.

use std::future::Future;

use adapter_core::{AdapterError, NewUser, RefreshToken, Session};

use super::args::Args;
use super::setup::create_user;
use super::{step, Steps};
use crate::world::Answer;

pub(crate) fn register(steps: &mut Steps) {
    steps.add(
        r"(\d+) tasks consume refresh token {t} at once",
        consume_at_once,
    );
    steps.add(
        r"(\d+) tasks create users with provider id {t} at once",
        create_same_provider_id,
    );
    steps.add(
        r"(\d+) tasks create user {t} with different provider ids at once",
        create_same_user_id,
    );
    steps.add(
        r"(\d+) tasks store session {t} of user {t} at once",
        store_same_session,
    );
    steps.add(
        r"(\d+) tasks store refresh token {t} of user {t} at once",
        store_same_refresh_token,
    );
    steps.add(r"(\d+) tasks delete user {t} at once", delete_same_user);
    steps.add(
        r"the winner reads back with provider id {t}",
        winner_reads_back,
    );
    steps.add(
        r"(\d+) tasks delete session {t} at once",
        delete_same_session,
    );
    steps.add(
        r"(\d+) tasks delete refresh token {t} at once",
        delete_same_refresh_token,
    );
    steps.add(
        r"exactly one of them gets {t} and the others get nothing",
        one_owner,
    );
    steps.add(
        r"exactly one of them succeeds and the others fail with ([A-Z_]+)",
        one_success,
    );
    steps.add(
        r"every one of them succeeds and their counts add up to (\d+)",
        counts_add_up,
    );
    steps.add(
        r"(\d+) times, a user is deleted while a session and a refresh token are stored for it",
        delete_races_token_writes,
    );
    steps.add(
        r"no token of those deleted users resolves",
        no_orphan_resolves,
    );
    steps.add(
        r"no token of those deleted users is stored",
        no_orphan_stored,
    );
}

/// Runs `tasks` futures made by `make` as separate Tokio tasks, all released together.
async fn at_once<F, Fut>(tasks: usize, make: F) -> Vec<Result<Answer, AdapterError>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<Answer, AdapterError>> + Send + 'static,
{
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|index| {
            let call = make(index);
            let barrier = std::sync::Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                call.await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(tasks);
    for handle in handles {
        match handle.await {
            Ok(outcome) => outcomes.push(outcome),
            Err(err) => panic!("a concurrent call panicked: {err}"),
        }
    }
    outcomes
}

step!(consume_at_once, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, token) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, token) = (adapter.clone(), token.clone());
        async move {
            adapter
                .consume_refresh_token(&token)
                .await
                .map(Answer::Owner)
        }
    })
    .await;
});

step!(create_same_provider_id, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, provider_id) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |index| {
        let (adapter, user) = (adapter.clone(), NewUser::new(provider_id.clone()));
        async move {
            adapter
                .set_user(Some(&format!("racer_{index}")), user)
                .await
                .map(Answer::Id)
        }
    })
    .await;
});

step!(create_same_user_id, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, id) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |index| {
        let (adapter, id) = (adapter.clone(), id.clone());
        let user = NewUser::new(format!("email:racer{index}@example.com"));
        async move { adapter.set_user(Some(&id), user).await.map(Answer::Id) }
    })
    .await;
});

step!(store_same_session, |world, ctx| {
    let args = Args::of(&ctx);
    let adapter = world.adapter();
    let expires = world.now().saturating_add(3_600_000);
    let session = Session {
        access_token: args.text(1),
        user_id: args.text(2),
        expires,
    };
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, session) = (adapter.clone(), session.clone());
        async move { adapter.set_session(&session).await.map(|()| Answer::Unit) }
    })
    .await;
});

step!(delete_same_session, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, token) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, token) = (adapter.clone(), token.clone());
        async move {
            adapter
                .delete_session_by_access_token(&[token.as_str()])
                .await
                .map(Answer::Count)
        }
    })
    .await;
});

step!(delete_same_refresh_token, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, token) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, token) = (adapter.clone(), token.clone());
        async move {
            adapter
                .delete_refresh_token(&[token.as_str()])
                .await
                .map(Answer::Count)
        }
    })
    .await;
});

step!(one_owner, |world, ctx| {
    let expected = Args::of(&ctx).text(0);
    let mut winners = 0;
    for outcome in &world.outcomes {
        match outcome {
            Ok(Answer::Owner(Some(owner))) if *owner == expected => winners += 1,
            Ok(Answer::Owner(None)) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(winners, 1, "callers that got {expected:?}");
});

step!(one_success, |world, ctx| {
    let code = Args::of(&ctx).values_raw(0);
    let successes = world
        .outcomes
        .iter()
        .filter(|outcome| outcome.is_ok())
        .count();
    for outcome in &world.outcomes {
        if let Err(err) = outcome {
            assert_eq!(err.code(), code, "a losing call failed with {err}");
        }
    }
    assert_eq!(
        successes,
        1,
        "successful calls among {}",
        world.outcomes.len()
    );
});

step!(counts_add_up, |world, ctx| {
    let expected = Args::of(&ctx).int(0);
    let mut total = 0_i64;
    for outcome in &world.outcomes {
        match outcome {
            Ok(Answer::Count(count)) => total += i64::try_from(*count).unwrap_or(i64::MAX),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(total, expected, "sum of the removed counts");
});

step!(delete_races_token_writes, |world, ctx| {
    let rounds = Args::of(&ctx).count(0);
    let adapter = world.adapter();
    let expires = world.now().saturating_add(3_600_000);
    for round in 0..rounds {
        let (user_id, access, refresh) = (
            format!("raced_{round}"),
            format!("raced_s_{round}"),
            format!("raced_r_{round}"),
        );
        create_user(world, &user_id, NewUser::new(format!("race:{round}"))).await;
        let session = Session {
            access_token: access.clone(),
            user_id: user_id.clone(),
            expires,
        };
        let token = RefreshToken {
            refresh_token: refresh.clone(),
            user_id: user_id.clone(),
        };
        let outcomes = at_once(3, |task| {
            let (adapter, user_id, session, token) = (
                adapter.clone(),
                user_id.clone(),
                session.clone(),
                token.clone(),
            );
            async move {
                match task {
                    0 => adapter.delete_user(&user_id).await.map(Answer::Count),
                    1 => adapter.set_session(&session).await.map(|()| Answer::Unit),
                    _ => adapter
                        .set_refresh_token(&token)
                        .await
                        .map(|()| Answer::Unit),
                }
            }
        })
        .await;
        assert!(
            matches!(outcomes[0], Ok(Answer::Count(1))),
            "round {round}: delete_user gave {:?}",
            outcomes[0]
        );
        for outcome in &outcomes[1..] {
            assert!(
                matches!(outcome, Ok(Answer::Unit) | Err(AdapterError::InvalidUserId)),
                "round {round}: a token write gave {outcome:?}"
            );
        }
        world.raced.push((user_id, access, refresh));
    }
});

step!(no_orphan_resolves, |world, ctx| {
    assert!(!world.raced.is_empty(), "no race was run");
    let adapter = world.adapter();
    for (user_id, access, refresh) in &world.raced {
        let user = adapter.get_user_by_id(user_id).await;
        assert!(
            matches!(user, Ok(None)),
            "{user_id}: user still there: {user:?}"
        );
        let session = adapter.get_session_by_access_token(access).await;
        assert!(
            matches!(session, Ok(None)),
            "{user_id}: its session still resolves: {session:?}"
        );
        let joined = adapter.get_user_by_access_token(access).await;
        assert!(
            matches!(joined, Ok(None)),
            "{user_id}: its access token resolves: {joined:?}"
        );
        let owner = adapter.get_user_id_by_refresh_token(refresh).await;
        assert!(
            matches!(owner, Ok(None)),
            "{user_id}: its refresh token resolves: {owner:?}"
        );
        let listed = adapter.get_sessions_by_user_id(user_id).await;
        assert!(
            matches!(&listed, Ok(list) if list.is_empty()),
            "{user_id}: sessions listed: {listed:?}"
        );
    }
});

step!(store_same_refresh_token, |world, ctx| {
    let args = Args::of(&ctx);
    let adapter = world.adapter();
    let token = RefreshToken {
        refresh_token: args.text(1),
        user_id: args.text(2),
    };
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, token) = (adapter.clone(), token.clone());
        async move {
            adapter
                .set_refresh_token(&token)
                .await
                .map(|()| Answer::Unit)
        }
    })
    .await;
});

step!(delete_same_user, |world, ctx| {
    let args = Args::of(&ctx);
    let (adapter, id) = (world.adapter(), args.text(1));
    world.outcomes = at_once(args.count(0), |_| {
        let (adapter, id) = (adapter.clone(), id.clone());
        async move { adapter.delete_user(&id).await.map(Answer::Count) }
    })
    .await;
});

step!(winner_reads_back, |world, ctx| {
    let provider_id = Args::of(&ctx).text(0);
    let winners: Vec<&String> = world
        .outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Ok(Answer::Id(id)) => Some(id),
            _ => None,
        })
        .collect();
    let [winner] = winners.as_slice() else {
        panic!("expected one winner, got {winners:?}")
    };
    let found = world.adapter().get_user_by_provider_id(&provider_id).await;
    assert!(
        matches!(&found, Ok(Some(user)) if user.id == **winner && user.provider_id == provider_id),
        "the user with provider id {provider_id:?} is not the winner {winner:?}: {found:?}"
    );
});

step!(no_orphan_stored, |world, ctx| {
    assert!(!world.raced.is_empty(), "no race was run");
    let oracle = world.oracle();
    for (user_id, access, refresh) in &world.raced {
        let user = oracle.user(user_id).await;
        assert!(
            matches!(user, Ok(None)),
            "oracle: {user_id}: user still stored: {user:?}"
        );
        let session = oracle.session(access).await;
        assert!(
            matches!(session, Ok(None)),
            "oracle: {user_id}: its session is still stored: {session:?}"
        );
        let owner = oracle.refresh_token_owner(refresh).await;
        assert!(
            matches!(owner, Ok(None)),
            "oracle: {user_id}: its refresh token is still stored: {owner:?}"
        );
    }
});
