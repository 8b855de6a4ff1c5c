//! Steps that arrange a scenario: users, sessions and refresh tokens stored
//! through the adapter or, as "stored", directly through the oracle; the clock.

use adapter_core::{NewUser, RefreshToken, Session, User};

use super::args::Args;
use super::{step, Steps};

const UNIT: &str = "(ms|seconds?|minutes?|hours?)";

pub(crate) fn register(steps: &mut Steps) {
    steps.add(r"a user {t} with provider id {t}", user);
    steps.add(
        r"a user {t} with provider id {t} and password hash {t}",
        user_with_password,
    );
    steps.add(
        r"a user {t} with provider id {t} and user data(?: (\{.*\})|:)",
        user_with_data,
    );
    steps.add(r"a stored user {t} with provider id {t}", stored_user);
    steps.add(
        &format!(r"a session {{t}} of user {{t}} expiring in (-?\d+) {UNIT}"),
        session_in,
    );
    steps.add(r"a session {t} of user {t} expiring at (-?\d+)", session_at);
    steps.add(
        &format!(r"a stored session {{t}} of user {{t}} expiring in (-?\d+) {UNIT}"),
        stored_session_in,
    );
    steps.add(r"a refresh token {t} of user {t}", refresh_token);
    steps.add(
        r"a stored refresh token {t} of user {t}",
        stored_refresh_token,
    );
    steps.add(r"a corrupt stored session {t} of user {t}", corrupt_session);
    steps.add(
        r"users (\[.*\]) each with a session and a refresh token",
        users_with_tokens,
    );
    steps.add(r"the clock is at (-?\d+)", clock_at);
    steps.add(&format!(r"(-?\d+) {UNIT} pass(?:es)?"), time_passes);
    steps.add(r"the store is reopened", reopen);
}

/// Stores a user through the adapter; the scenario fails if it cannot.
pub(crate) async fn create_user(world: &crate::world::World, id: &str, user: NewUser) {
    let stored = world.adapter().set_user(Some(id), user).await;
    assert_eq!(
        stored.as_deref().ok(),
        Some(id),
        "arranging user {id:?}: {stored:?}"
    );
}

step!(user, |world, ctx| {
    let args = Args::of(&ctx);
    create_user(world, &args.text(0), NewUser::new(args.text(1))).await;
});

step!(user_with_password, |world, ctx| {
    let args = Args::of(&ctx);
    let mut new_user = NewUser::new(args.text(1));
    new_user.hashed_password = Some(args.text(2));
    create_user(world, &args.text(0), new_user).await;
});

step!(user_with_data, |world, ctx| {
    let args = Args::of(&ctx);
    let mut new_user = NewUser::new(args.text(1));
    new_user.user_data = args.user_data(2);
    create_user(world, &args.text(0), new_user).await;
});

step!(stored_user, |world, ctx| {
    let args = Args::of(&ctx);
    let user = User {
        id: args.text(0),
        provider_id: args.text(1),
        hashed_password: None,
        user_data: Default::default(),
    };
    world
        .oracle()
        .insert_user(&user)
        .await
        .unwrap_or_else(|err| panic!("oracle insert_user: {err}"));
});

/// Stores a session through the adapter and remembers it.
pub(crate) async fn store_session(world: &mut crate::world::World, session: Session) {
    let stored = world.adapter().set_session(&session).await;
    assert!(
        stored.is_ok(),
        "arranging session {:?}: {stored:?}",
        session.access_token
    );
    world.sessions.insert(session.access_token.clone(), session);
}

step!(session_in, |world, ctx| {
    let args = Args::of(&ctx);
    let expires = world.now().saturating_add(args.duration_ms(2));
    store_session(
        world,
        Session {
            access_token: args.text(0),
            user_id: args.text(1),
            expires,
        },
    )
    .await;
});

step!(session_at, |world, ctx| {
    let args = Args::of(&ctx);
    let session = Session {
        access_token: args.text(0),
        user_id: args.text(1),
        expires: args.int(2),
    };
    store_session(world, session).await;
});

step!(stored_session_in, |world, ctx| {
    let args = Args::of(&ctx);
    let expires = world.now().saturating_add(args.duration_ms(2));
    let session = Session {
        access_token: args.text(0),
        user_id: args.text(1),
        expires,
    };
    world
        .oracle()
        .insert_session(&session)
        .await
        .unwrap_or_else(|err| panic!("oracle insert_session: {err}"));
    world.sessions.insert(session.access_token.clone(), session);
});

step!(refresh_token, |world, ctx| {
    let args = Args::of(&ctx);
    let token = RefreshToken {
        refresh_token: args.text(0),
        user_id: args.text(1),
    };
    let stored = world.adapter().set_refresh_token(&token).await;
    assert!(stored.is_ok(), "arranging refresh token: {stored:?}");
});

step!(stored_refresh_token, |world, ctx| {
    let args = Args::of(&ctx);
    let token = RefreshToken {
        refresh_token: args.text(0),
        user_id: args.text(1),
    };
    world
        .oracle()
        .insert_refresh_token(&token)
        .await
        .unwrap_or_else(|err| panic!("oracle insert_refresh_token: {err}"));
});

step!(corrupt_session, |world, ctx| {
    let args = Args::of(&ctx);
    world
        .oracle()
        .insert_corrupt_session(&args.text(0), &args.text(1))
        .await
        .unwrap_or_else(|err| panic!("oracle insert_corrupt_session: {err}"));
});

step!(users_with_tokens, |world, ctx| {
    let args = Args::of(&ctx);
    let expires = world.now().saturating_add(3_600_000);
    for id in args.list(0) {
        create_user(world, &id, NewUser::new(format!("p:{id}"))).await;
        store_session(
            world,
            Session {
                access_token: format!("s:{id}"),
                user_id: id.clone(),
                expires,
            },
        )
        .await;
        let token = RefreshToken {
            refresh_token: format!("r:{id}"),
            user_id: id.clone(),
        };
        let stored = world.adapter().set_refresh_token(&token).await;
        assert!(
            stored.is_ok(),
            "arranging refresh token of {id:?}: {stored:?}"
        );
    }
});

step!(clock_at, |world, ctx| {
    world.set_clock(Args::of(&ctx).int(0));
});

step!(time_passes, |world, ctx| {
    world.advance_clock(Args::of(&ctx).duration_ms(0));
});

step!(reopen, |world, ctx| {
    world.reopen().await;
});
