//! Steps that check the answer of the last call.

use std::collections::BTreeSet;

use adapter_core::{AdapterError, Session, User};

use super::args::{assert_same_user, Args};
use super::{step, Steps};
use crate::world::{Answer, World};

pub(crate) fn register(steps: &mut Steps) {
    steps.add(r"it succeeds", succeeds);
    steps.add(r"it fails with ([A-Z_]+)", fails_with);
    steps.add(
        r"it fails with invalid input naming field {t}",
        invalid_field,
    );
    steps.add(
        r"it fails with invalid input naming user-data key {t}",
        invalid_key,
    );
    steps.add(
        r"it fails with a duplicate of unique field {t}",
        duplicate_field,
    );
    steps.add(r"the answer is nothing", nothing);
    steps.add(r"the answer is the id {t}", id);
    steps.add(r"the answer is a generated id", generated_id);
    steps.add(
        r"the answer is user {t} with provider id {t}",
        user_with_provider_id,
    );
    steps.add(r"the answer is the user(?: (\{.*\})|:)", whole_user);
    steps.add(r"it reports (\d+) removed", removed);
    steps.add(r"the answer is the session {t}", session);
    steps.add(
        r"the answer is the session {t} with user {t}",
        session_and_user,
    );
    steps.add(r"the answer is the sessions (\[.*\])", sessions);
    steps.add(
        r"the answer is a session expiring at (-?\d+)",
        session_expiring_at,
    );
    steps.add(r"the answer is the owner {t}", owner);
}

fn answer(world: &World) -> &Answer {
    match world.last() {
        Ok(answer) => answer,
        Err(err) => panic!("expected an answer, got error {} ({err})", err.code()),
    }
}

fn error(world: &World) -> &AdapterError {
    match world.last() {
        Ok(answer) => panic!("expected an error, got {answer:?}"),
        Err(err) => err,
    }
}

/// The session the scenario stored under `token`, as it was stored.
pub(crate) fn remembered(world: &World, token: &str) -> Session {
    match world.sessions.get(token) {
        Some(session) => session.clone(),
        None => panic!("the scenario stored no session {token:?}"),
    }
}

fn user_of(world: &World) -> Option<&User> {
    match answer(world) {
        Answer::User(user) => user.as_ref(),
        Answer::UpdatedUser(user) => Some(user),
        other => panic!("expected a user, got {other:?}"),
    }
}

step!(succeeds, |world, ctx| {
    let _ = answer(world);
});

step!(fails_with, |world, ctx| {
    let code = Args::of(&ctx).values_raw(0);
    let err = error(world);
    assert_eq!(err.code(), code, "got {err}");
});

step!(invalid_field, |world, ctx| {
    let field = Args::of(&ctx).text(0);
    match error(world) {
        AdapterError::InvalidInput { field: actual, .. } => assert_eq!(actual, &field),
        other => panic!(
            "expected InvalidInput on {field:?}, got {} ({other})",
            other.code()
        ),
    }
});

step!(invalid_key, |world, ctx| {
    let key = Args::of(&ctx).text(0);
    match error(world) {
        AdapterError::InvalidInput { field, .. } => {
            let escaped: String = key.chars().flat_map(char::escape_default).collect();
            assert!(
                field.contains(&key) || field.contains(&escaped),
                "the error names {field:?}, not the key {key:?}"
            );
        }
        other => panic!(
            "expected InvalidInput naming {key:?}, got {} ({other})",
            other.code()
        ),
    }
});

step!(duplicate_field, |world, ctx| {
    let field = Args::of(&ctx).text(0);
    match error(world) {
        AdapterError::DuplicateUserData { field: actual } => {
            assert_eq!(actual.as_deref(), Some(field.as_str()))
        }
        other => panic!(
            "expected DuplicateUserData on {field:?}, got {} ({other})",
            other.code()
        ),
    }
});

step!(nothing, |world, ctx| {
    match answer(world) {
        Answer::User(None)
        | Answer::Session(None)
        | Answer::Owner(None)
        | Answer::SessionAndUser(None) => {}
        other => panic!("expected nothing, got {other:?}"),
    }
});

step!(id, |world, ctx| {
    let expected = Args::of(&ctx).text(0);
    match answer(world) {
        Answer::Id(id) => assert_eq!(id, &expected),
        other => panic!("expected an id, got {other:?}"),
    }
});

step!(generated_id, |world, ctx| {
    let prefix = match world.env() {
        Some(env) => format!("gen_{}_", env.namespace),
        None => panic!("no scenario environment"),
    };
    match answer(world) {
        Answer::Id(id) => assert!(
            id.starts_with(&prefix),
            "{id:?} does not come from the configured generator"
        ),
        other => panic!("expected an id, got {other:?}"),
    }
});

step!(user_with_provider_id, |world, ctx| {
    let args = Args::of(&ctx);
    let Some(user) = user_of(world) else {
        panic!("expected a user, got none")
    };
    assert_eq!(user.id, args.text(0), "id");
    assert_eq!(user.provider_id, args.text(1), "provider id");
});

step!(whole_user, |world, ctx| {
    let expected = Args::of(&ctx).user(0);
    let Some(user) = user_of(world) else {
        panic!("expected a user, got none")
    };
    assert_same_user(user, &expected);
});

step!(removed, |world, ctx| {
    let expected = Args::of(&ctx).int(0);
    match answer(world) {
        Answer::Count(count) => {
            assert_eq!(i64::try_from(*count).ok(), Some(expected), "removed count")
        }
        other => panic!("expected a count, got {other:?}"),
    }
});

step!(session, |world, ctx| {
    let expected = remembered(world, &Args::of(&ctx).text(0));
    match answer(world) {
        Answer::Session(Some(session)) => assert_eq!(session, &expected),
        other => panic!(
            "expected session {:?}, got {other:?}",
            expected.access_token
        ),
    }
});

step!(session_and_user, |world, ctx| {
    let args = Args::of(&ctx);
    let expected = remembered(world, &args.text(0));
    match answer(world) {
        Answer::SessionAndUser(Some((session, user))) => {
            assert_eq!(session, &expected);
            assert_eq!(user.id, args.text(1), "the joined user");
        }
        other => panic!(
            "expected session {:?} with its user, got {other:?}",
            expected.access_token
        ),
    }
});

step!(sessions, |world, ctx| {
    let tokens = Args::of(&ctx).list(0);
    let expected: Vec<Session> = tokens
        .iter()
        .map(|token| world.stored_session(&remembered(world, token)))
        .collect();
    match answer(world) {
        Answer::Sessions(actual) => assert_same_sessions(actual, &expected),
        other => panic!("expected a list of sessions, got {other:?}"),
    }
});

/// Asserts two lists hold the same sessions, in any order, without duplicates
/// (`expected` in the form a listing gives: see [`World::stored_session`]).
pub(crate) fn assert_same_sessions(actual: &[Session], expected: &[Session]) {
    let key = |s: &Session| (s.access_token.clone(), s.user_id.clone(), s.expires);
    let actual_set: BTreeSet<_> = actual.iter().map(key).collect();
    let expected_set: BTreeSet<_> = expected.iter().map(key).collect();
    assert_eq!(
        actual.len(),
        actual_set.len(),
        "the list repeats a session: {actual:?}"
    );
    assert_eq!(actual_set, expected_set);
}

step!(session_expiring_at, |world, ctx| {
    let expires = Args::of(&ctx).int(0);
    match answer(world) {
        Answer::Session(Some(session)) => assert_eq!(session.expires, expires, "expires"),
        other => panic!("expected a session, got {other:?}"),
    }
});

step!(owner, |world, ctx| {
    let expected = Args::of(&ctx).text(0);
    match answer(world) {
        Answer::Owner(owner) => assert_eq!(owner.as_deref(), Some(expected.as_str())),
        other => panic!("expected an owner, got {other:?}"),
    }
});
