//! Steps that check what is stored: through the adapter ("reads back",
//! "resolves", "is live") and through the oracle ("is stored").

use crate::Record;

use super::answers::{assert_same_sessions, remembered};
use super::args::{assert_same_user, same_user_data, Args};
use super::{step, Steps};

pub(crate) fn register(steps: &mut Steps) {
    steps.add(
        r"user {t} reads back with provider id {t}",
        reads_back_with_provider_id,
    );
    steps.add(r"user {t} reads back as(?: (\{.*\})|:)", reads_back_as);
    steps.add(
        r"user {t} reads back with user data(?: (\{.*\})|:)",
        reads_back_with_user_data,
    );
    steps.add(
        r"the user with provider id {t} is {t}",
        user_with_provider_id,
    );
    steps.add(r"no user has provider id {t}", no_user_with_provider_id);
    steps.add(r"user {t} is not found", user_not_found);
    steps.add(r"the stored user {t} is(?: (\{.*\})|:)", stored_user_is);
    steps.add(r"user {t} is stored", user_stored);
    steps.add(r"no user {t} is stored", user_not_stored);
    steps.add(r"session {t} is stored", session_stored);
    steps.add(r"no session {t} is stored", session_not_stored);
    steps.add(
        r"the stored session {t} is unchanged",
        stored_session_unchanged,
    );
    steps.add(r"session {t} is live", session_live);
    steps.add(r"session {t} is not returned", session_not_returned);
    steps.add(r"user {t} has the sessions (\[.*\])", user_has_sessions);
    steps.add(
        r"refresh token {t} is stored for user {t}",
        refresh_token_stored,
    );
    steps.add(r"no refresh token {t} is stored", refresh_token_not_stored);
    steps.add(
        r"refresh token {t} resolves to user {t}",
        refresh_token_resolves,
    );
    steps.add(
        r"refresh token {t} resolves to nothing",
        refresh_token_resolves_to_nothing,
    );
    steps.add(
        r"access token {t} resolves to user {t}",
        access_token_resolves,
    );
    steps.add(
        r"access token {t} resolves to nothing",
        access_token_resolves_to_nothing,
    );
    steps.add(
        r"(\d+) (users?|sessions?|refresh tokens?) (?:is|are) stored",
        count_stored,
    );
    steps.add(r"nothing is stored", nothing_stored);
    steps.add(
        r"the returned id reads back with provider id {t}",
        returned_id_reads_back,
    );
    steps.add(
        r"the users with provider ids {t} and {t} have different generated ids",
        different_generated_ids,
    );
}

async fn read_user(world: &crate::world::World, id: &str) -> adapter_core::User {
    match world.adapter().get_user_by_id(id).await {
        Ok(Some(user)) => {
            assert_eq!(user.id, id, "the id read back");
            user
        }
        other => panic!("reading user {id:?} back: {other:?}"),
    }
}

step!(reads_back_with_provider_id, |world, ctx| {
    let args = Args::of(&ctx);
    let user = read_user(world, &args.text(0)).await;
    assert_eq!(user.provider_id, args.text(1), "provider id");
});

step!(reads_back_as, |world, ctx| {
    let args = Args::of(&ctx);
    let user = read_user(world, &args.text(0)).await;
    assert_same_user(&user, &args.user(1));
});

step!(reads_back_with_user_data, |world, ctx| {
    let args = Args::of(&ctx);
    let user = read_user(world, &args.text(0)).await;
    let expected = args.user_data(1);
    assert!(
        same_user_data(&user.user_data, &expected),
        "user data: got {:?}, expected {expected:?}",
        user.user_data
    );
});

step!(user_with_provider_id, |world, ctx| {
    let args = Args::of(&ctx);
    let found = world.adapter().get_user_by_provider_id(&args.text(0)).await;
    let id = args.text(1);
    assert!(
        matches!(&found, Ok(Some(user)) if user.id == id),
        "expected user {id:?}, got {found:?}"
    );
});

step!(no_user_with_provider_id, |world, ctx| {
    let provider_id = Args::of(&ctx).text(0);
    let found = world.adapter().get_user_by_provider_id(&provider_id).await;
    assert!(matches!(found, Ok(None)), "expected no user, got {found:?}");
});

step!(user_not_found, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let found = world.adapter().get_user_by_id(&id).await;
    assert!(
        matches!(found, Ok(None)),
        "expected no user {id:?}, got {found:?}"
    );
});

step!(stored_user_is, |world, ctx| {
    let args = Args::of(&ctx);
    let id = args.text(0);
    match world.oracle().user(&id).await {
        Ok(Some(user)) => assert_same_user(&user, &args.user(1)),
        other => panic!("oracle: user {id:?}: {other:?}"),
    }
});

step!(user_stored, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let stored = world.oracle().user(&id).await;
    assert!(
        matches!(stored, Ok(Some(_))),
        "oracle: user {id:?}: {stored:?}"
    );
});

step!(user_not_stored, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let stored = world.oracle().user(&id).await;
    assert!(
        matches!(stored, Ok(None)),
        "oracle: user {id:?}: {stored:?}"
    );
});

step!(session_stored, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let stored = world.oracle().session(&token).await;
    assert!(
        matches!(stored, Ok(Some(_))),
        "oracle: session {token:?}: {stored:?}"
    );
});

step!(session_not_stored, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let stored = world.oracle().session(&token).await;
    assert!(
        matches!(stored, Ok(None)),
        "oracle: session {token:?}: {stored:?}"
    );
});

step!(stored_session_unchanged, |world, ctx| {
    let expected = remembered(world, &Args::of(&ctx).text(0));
    match world.oracle().session(&expected.access_token).await {
        Ok(Some(session)) => assert_eq!(session, world.stored_session(&expected)),
        other => panic!("oracle: session {:?}: {other:?}", expected.access_token),
    }
});

step!(session_live, |world, ctx| {
    let expected = remembered(world, &Args::of(&ctx).text(0));
    let found = world
        .adapter()
        .get_session_by_access_token(&expected.access_token)
        .await;
    assert!(
        matches!(&found, Ok(Some(session)) if *session == expected),
        "expected {expected:?}, got {found:?}"
    );
});

step!(session_not_returned, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let found = world.adapter().get_session_by_access_token(&token).await;
    assert!(
        matches!(found, Ok(None)),
        "expected no session, got {found:?}"
    );
});

step!(user_has_sessions, |world, ctx| {
    let args = Args::of(&ctx);
    let expected: Vec<_> = args
        .list(1)
        .iter()
        .map(|token| world.stored_session(&remembered(world, token)))
        .collect();
    match world.adapter().get_sessions_by_user_id(&args.text(0)).await {
        Ok(actual) => assert_same_sessions(&actual, &expected),
        Err(err) => panic!("listing sessions: {err}"),
    }
});

step!(refresh_token_stored, |world, ctx| {
    let args = Args::of(&ctx);
    let owner = world.oracle().refresh_token_owner(&args.text(0)).await;
    let expected = args.text(1);
    assert!(
        matches!(&owner, Ok(Some(id)) if *id == expected),
        "oracle: expected owner {expected:?}, got {owner:?}"
    );
});

step!(refresh_token_not_stored, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let owner = world.oracle().refresh_token_owner(&token).await;
    assert!(
        matches!(owner, Ok(None)),
        "oracle: refresh token still stored: {owner:?}"
    );
});

step!(refresh_token_resolves, |world, ctx| {
    let args = Args::of(&ctx);
    let owner = world
        .adapter()
        .get_user_id_by_refresh_token(&args.text(0))
        .await;
    let expected = args.text(1);
    assert!(
        matches!(&owner, Ok(Some(id)) if *id == expected),
        "expected owner {expected:?}, got {owner:?}"
    );
});

step!(refresh_token_resolves_to_nothing, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let owner = world.adapter().get_user_id_by_refresh_token(&token).await;
    assert!(
        matches!(owner, Ok(None)),
        "expected no owner, got {owner:?}"
    );
});

step!(access_token_resolves, |world, ctx| {
    let args = Args::of(&ctx);
    let user = world
        .adapter()
        .get_user_by_access_token(&args.text(0))
        .await;
    let expected = args.text(1);
    assert!(
        matches!(&user, Ok(Some(user)) if user.id == expected),
        "expected user {expected:?}, got {user:?}"
    );
});

step!(access_token_resolves_to_nothing, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let user = world.adapter().get_user_by_access_token(&token).await;
    assert!(matches!(user, Ok(None)), "expected no user, got {user:?}");
});

fn record_kind(word: &str) -> Record {
    if word.starts_with("user") {
        Record::User
    } else if word.starts_with("session") {
        Record::Session
    } else {
        Record::RefreshToken
    }
}

step!(count_stored, |world, ctx| {
    let args = Args::of(&ctx);
    let record = record_kind(&args.values_raw(1));
    let count = world.oracle().count(record).await;
    let expected = u64::try_from(args.count(0)).unwrap_or(u64::MAX);
    assert!(
        matches!(count, Ok(n) if n == expected),
        "oracle: {record:?} count: expected {expected}, got {count:?}"
    );
});

step!(nothing_stored, |world, ctx| {
    for record in [Record::User, Record::Session, Record::RefreshToken] {
        let count = world.oracle().count(record).await;
        assert!(
            matches!(count, Ok(0)),
            "oracle: {record:?} count: expected 0, got {count:?}"
        );
    }
});

step!(returned_id_reads_back, |world, ctx| {
    let id = match world.last() {
        Ok(crate::world::Answer::Id(id)) => id.clone(),
        other => panic!("expected a returned id, got {other:?}"),
    };
    let user = read_user(world, &id).await;
    assert_eq!(
        user.provider_id,
        Args::of(&ctx).text(0),
        "provider id of {id:?}"
    );
});

step!(different_generated_ids, |world, ctx| {
    let args = Args::of(&ctx);
    let mut ids = Vec::new();
    for provider_id in [args.text(0), args.text(1)] {
        match world.adapter().get_user_by_provider_id(&provider_id).await {
            Ok(Some(user)) => ids.push(user.id),
            other => panic!("user with provider id {provider_id:?}: {other:?}"),
        }
    }
    let prefix = world
        .env()
        .map(|env| format!("gen_{}_", env.namespace))
        .unwrap_or_default();
    assert!(
        ids.iter().all(|id| id.starts_with(&prefix)),
        "not generated: {ids:?}"
    );
    assert_ne!(ids[0], ids[1], "two users got the same generated id");
});
