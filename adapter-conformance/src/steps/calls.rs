//! Steps that call one adapter method and record its answer for the `Then` steps.

use adapter_core::{NewUser, RefreshToken, Session, UserUpdate};

use super::args::Args;
use super::{step, Steps};
use crate::world::Answer;

pub(crate) fn register(steps: &mut Steps) {
    steps.add(r"I get the user {t}", get_user);
    steps.add(
        r"I get the user with provider id {t}",
        get_user_by_provider_id,
    );
    steps.add(r"I create a user {t} with provider id {t}", create_user);
    steps.add(
        r"I create a user {t} with provider id {t} and password hash {t}",
        create_user_with_password,
    );
    steps.add(
        r"I create a user {t} with provider id {t} and user data(?: (\{.*\})|:)",
        create_user_with_data,
    );
    steps.add(
        r"I create a user with provider id {t} and no id",
        create_user_without_id,
    );
    steps.add(r"I update user {t} with(?: (\{.*\})|:)", update_user);
    steps.add(r"I update user {t} with an empty update", update_user_empty);
    steps.add(r"I delete user {t}", delete_user);
    steps.add(r"I get the session {t}", get_session);
    steps.add(r"I list the sessions of user {t}", list_sessions);
    steps.add(
        r"I store a session {t} of user {t} expiring in (-?\d+) (ms|seconds?|minutes?|hours?)",
        store_session_in,
    );
    steps.add(
        r"I store a session {t} of user {t} expiring at (-?\d+)",
        store_session_at,
    );
    steps.add(r"I delete the sessions (\[.*\])", delete_sessions);
    steps.add(
        r"I delete the sessions of user {t}",
        delete_sessions_of_user,
    );
    steps.add(r"I delete the expired sessions", delete_expired);
    steps.add(r"I get the owner of refresh token {t}", get_owner);
    steps.add(
        r"I store a refresh token {t} of user {t}",
        store_refresh_token,
    );
    steps.add(r"I consume refresh token {t}", consume);
    steps.add(
        r"I delete the refresh tokens (\[.*\])",
        delete_refresh_tokens,
    );
    steps.add(
        r"I delete the refresh tokens of user {t}",
        delete_refresh_tokens_of_user,
    );
    steps.add(r"I get the session and user of {t}", get_session_and_user);
    steps.add(
        r"I get the user of access token {t}",
        get_user_by_access_token,
    );
}

step!(get_user, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let outcome = world.adapter().get_user_by_id(&id).await.map(Answer::User);
    world.record(outcome);
});

step!(get_user_by_provider_id, |world, ctx| {
    let provider_id = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_user_by_provider_id(&provider_id)
        .await
        .map(Answer::User);
    world.record(outcome);
});

async fn set_user(world: &mut crate::world::World, id: Option<String>, user: NewUser) {
    let outcome = world
        .adapter()
        .set_user(id.as_deref(), user)
        .await
        .map(Answer::Id);
    world.record(outcome);
}

step!(create_user, |world, ctx| {
    let args = Args::of(&ctx);
    set_user(world, Some(args.text(0)), NewUser::new(args.text(1))).await;
});

step!(create_user_with_password, |world, ctx| {
    let args = Args::of(&ctx);
    let mut user = NewUser::new(args.text(1));
    user.hashed_password = Some(args.text(2));
    set_user(world, Some(args.text(0)), user).await;
});

step!(create_user_with_data, |world, ctx| {
    let args = Args::of(&ctx);
    let mut user = NewUser::new(args.text(1));
    user.user_data = args.user_data(2);
    set_user(world, Some(args.text(0)), user).await;
});

step!(create_user_without_id, |world, ctx| {
    let args = Args::of(&ctx);
    set_user(world, None, NewUser::new(args.text(0))).await;
});

async fn update(world: &mut crate::world::World, id: &str, update: UserUpdate) {
    let outcome = world
        .adapter()
        .update_user(id, update)
        .await
        .map(Answer::UpdatedUser);
    world.record(outcome);
}

step!(update_user, |world, ctx| {
    let args = Args::of(&ctx);
    update(world, &args.text(0), args.update(1)).await;
});

step!(update_user_empty, |world, ctx| {
    let args = Args::of(&ctx);
    update(world, &args.text(0), UserUpdate::default()).await;
});

step!(delete_user, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let outcome = world.adapter().delete_user(&id).await.map(Answer::Count);
    world.record(outcome);
});

step!(get_session, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_session_by_access_token(&token)
        .await
        .map(Answer::Session);
    world.record(outcome);
});

step!(list_sessions, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_sessions_by_user_id(&id)
        .await
        .map(Answer::Sessions);
    world.record(outcome);
});

async fn set_session(world: &mut crate::world::World, session: Session) {
    let outcome = world
        .adapter()
        .set_session(&session)
        .await
        .map(|()| Answer::Unit);
    if outcome.is_ok() {
        world.sessions.insert(session.access_token.clone(), session);
    }
    world.record(outcome);
}

step!(store_session_in, |world, ctx| {
    let args = Args::of(&ctx);
    let expires = world.now().saturating_add(args.duration_ms(2));
    set_session(
        world,
        Session {
            access_token: args.text(0),
            user_id: args.text(1),
            expires,
        },
    )
    .await;
});

step!(store_session_at, |world, ctx| {
    let args = Args::of(&ctx);
    set_session(
        world,
        Session {
            access_token: args.text(0),
            user_id: args.text(1),
            expires: args.int(2),
        },
    )
    .await;
});

step!(delete_sessions, |world, ctx| {
    let tokens = Args::of(&ctx).list(0);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let outcome = world
        .adapter()
        .delete_session_by_access_token(&tokens)
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(delete_sessions_of_user, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .delete_sessions_by_user_id(&id)
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(delete_expired, |world, ctx| {
    let outcome = world
        .adapter()
        .delete_expired_sessions()
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(get_owner, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_user_id_by_refresh_token(&token)
        .await
        .map(Answer::Owner);
    world.record(outcome);
});

step!(store_refresh_token, |world, ctx| {
    let args = Args::of(&ctx);
    let token = RefreshToken {
        refresh_token: args.text(0),
        user_id: args.text(1),
    };
    let outcome = world
        .adapter()
        .set_refresh_token(&token)
        .await
        .map(|()| Answer::Unit);
    world.record(outcome);
});

step!(consume, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .consume_refresh_token(&token)
        .await
        .map(Answer::Owner);
    world.record(outcome);
});

step!(delete_refresh_tokens, |world, ctx| {
    let tokens = Args::of(&ctx).list(0);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let outcome = world
        .adapter()
        .delete_refresh_token(&tokens)
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(delete_refresh_tokens_of_user, |world, ctx| {
    let id = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .delete_refresh_tokens_by_user_id(&id)
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(get_session_and_user, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_session_and_user(&token)
        .await
        .map(Answer::SessionAndUser);
    world.record(outcome);
});

step!(get_user_by_access_token, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    let outcome = world
        .adapter()
        .get_user_by_access_token(&token)
        .await
        .map(Answer::User);
    world.record(outcome);
});
