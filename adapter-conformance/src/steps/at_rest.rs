//! Steps of tokens-at-rest mode (`@requires.hashed_tokens`): what the store
//! holds, and what a digest can and cannot do through the adapter.

use adapter_core::token_digest;

use super::args::Args;
use super::{step, Steps};
use crate::world::Answer;

pub(crate) fn register(steps: &mut Steps) {
    steps.add(
        r"the stored session {t} holds the digest of its token, not the token",
        stored_session_holds_digest,
    );
    steps.add(
        r"I (get the session|get the user of access token|get the session and user of|get the owner of refresh token|consume refresh token) by the digest of {t}",
        lookup_by_digest,
    );
    steps.add(
        r"I revoke every listed session of user {t} by what the listing gives",
        revoke_listed,
    );
    steps.add(
        r"I delete the refresh tokens by the digest of {t}",
        delete_refresh_by_digest,
    );
}

step!(stored_session_holds_digest, |world, ctx| {
    let token = Args::of(&ctx).text(0);
    match world.oracle().session(&token).await {
        Ok(Some(stored)) => {
            assert_eq!(
                stored.access_token,
                token_digest(&token),
                "stored access token"
            );
            assert_ne!(stored.access_token, token, "the token itself is stored");
        }
        other => panic!("oracle: session {token:?}: {other:?}"),
    }
});

step!(lookup_by_digest, |world, ctx| {
    let args = Args::of(&ctx);
    let digest = token_digest(&args.text(1));
    let adapter = world.adapter();
    let outcome = match args.values_raw(0).as_str() {
        "get the session" => adapter
            .get_session_by_access_token(&digest)
            .await
            .map(Answer::Session),
        "get the user of access token" => adapter
            .get_user_by_access_token(&digest)
            .await
            .map(Answer::User),
        "get the session and user of" => adapter
            .get_session_and_user(&digest)
            .await
            .map(Answer::SessionAndUser),
        "get the owner of refresh token" => adapter
            .get_user_id_by_refresh_token(&digest)
            .await
            .map(Answer::Owner),
        _ => adapter
            .consume_refresh_token(&digest)
            .await
            .map(Answer::Owner),
    };
    world.record(outcome);
});

step!(revoke_listed, |world, ctx| {
    let user_id = Args::of(&ctx).text(0);
    let adapter = world.adapter();
    let listed = match adapter.get_sessions_by_user_id(&user_id).await {
        Ok(listed) => listed,
        Err(err) => panic!("listing the sessions of {user_id:?}: {err}"),
    };
    let tokens: Vec<&str> = listed.iter().map(|s| s.access_token.as_str()).collect();
    let outcome = adapter
        .delete_session_by_access_token(&tokens)
        .await
        .map(Answer::Count);
    world.record(outcome);
});

step!(delete_refresh_by_digest, |world, ctx| {
    let digest = token_digest(&Args::of(&ctx).text(0));
    let outcome = world
        .adapter()
        .delete_refresh_token(&[digest.as_str()])
        .await
        .map(Answer::Count);
    world.record(outcome);
});
