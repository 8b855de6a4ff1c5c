//! The hostile-input catalogue's steps: one value tried in every place of a
//! kind (every id, provider id and token; a user-data value; a user-data
//! key), with the whole expected answer checked through the adapter and the
//! oracle: accepted and read back byte for byte, or `InvalidInput` with
//! nothing stored or changed.

use adapter_core::{Adapter, AdapterError, NewUser, RefreshToken, Session, UserData, UserUpdate};
use serde_json::Value;

use super::answers::assert_same_sessions;
use super::args::Args;
use super::{step, Steps};
use crate::world::World;
use crate::Record;

/// The user, session and refresh token every catalogue scenario starts with.
const BYSTANDER: (&str, &str, &str, &str) = ("u1", "email:ada@example.com", "at1", "rt1");

pub(crate) fn register(steps: &mut Steps) {
    steps.add(
        r"{t} as every id, provider id and token is stored and read back byte for byte",
        key_accepted,
    );
    steps.add(
        r"{t} as any id, provider id or token is InvalidInput and changes nothing",
        key_refused,
    );
    steps.add(
        r"the user-data value (.+) in ([a-z_]+) is stored and read back exactly",
        value_accepted,
    );
    steps.add(
        r"the user-data value (.+) in ([a-z_]+) is InvalidInput and changes nothing",
        value_refused,
    );
    steps.add(
        r"the user-data key {t} is InvalidInput naming it and changes nothing",
        data_key_refused,
    );
}

/// Asserts the bystander's records are as the background made them, and
/// that the store holds exactly `extra` more of each kind.
async fn bystander_untouched(world: &World, extra: u64) {
    let (id, provider_id, access, refresh) = BYSTANDER;
    let adapter = world.adapter();
    let user = adapter.get_user_by_id(id).await;
    assert!(
        matches!(&user, Ok(Some(user)) if user.provider_id == provider_id && user.user_data.values().all(Value::is_null)),
        "bystander user changed: {user:?}"
    );
    let session = adapter.get_session_by_access_token(access).await;
    assert!(
        matches!(&session, Ok(Some(session)) if session.user_id == id),
        "bystander session: {session:?}"
    );
    let owner = adapter.get_user_id_by_refresh_token(refresh).await;
    assert_eq!(
        owner.ok().flatten().as_deref(),
        Some(id),
        "bystander refresh token"
    );
    for record in [Record::User, Record::Session, Record::RefreshToken] {
        let count = world.oracle().count(record).await;
        assert!(
            matches!(count, Ok(n) if n == 1 + extra),
            "oracle: {record:?} count: expected {}, got {count:?}",
            1 + extra
        );
    }
}

fn assert_invalid(
    what: &str,
    field: Option<&str>,
    outcome: Result<impl std::fmt::Debug, AdapterError>,
) {
    match outcome {
        Err(AdapterError::InvalidInput { field: actual, .. }) => {
            if let Some(field) = field {
                assert_eq!(actual, field, "{what}: the field named");
            }
        }
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

step!(key_accepted, |world, ctx| {
    let value = Args::of(&ctx).text(0);
    let adapter = world.adapter();
    let oracle = world.oracle();

    let id = adapter
        .set_user(Some(&value), NewUser::new(value.clone()))
        .await;
    assert_eq!(id.as_deref().ok(), Some(value.as_str()), "set_user: {id:?}");
    for (how, user) in [
        ("by id", adapter.get_user_by_id(&value).await),
        (
            "by provider id",
            adapter.get_user_by_provider_id(&value).await,
        ),
    ] {
        let user = user.unwrap_or_else(|err| panic!("get user {how}: {err}"));
        let user = user.unwrap_or_else(|| panic!("get user {how}: not found"));
        assert_eq!(user.id.as_bytes(), value.as_bytes(), "id read {how}");
        assert_eq!(
            user.provider_id.as_bytes(),
            value.as_bytes(),
            "provider id read {how}"
        );
    }
    match oracle.user(&value).await {
        Ok(Some(user)) => assert_eq!(user.provider_id, value, "oracle: provider id"),
        other => panic!("oracle: user: {other:?}"),
    }

    let session = Session {
        access_token: value.clone(),
        user_id: value.clone(),
        expires: world.now().saturating_add(3_600_000),
    };
    let stored = adapter.set_session(&session).await;
    assert!(stored.is_ok(), "set_session: {stored:?}");
    let read = adapter.get_session_by_access_token(&value).await;
    assert!(
        matches!(&read, Ok(Some(read)) if *read == session),
        "get_session: {read:?}"
    );
    match adapter.get_sessions_by_user_id(&value).await {
        Ok(listed) => assert_same_sessions(&listed, &[world.stored_session(&session)]),
        Err(err) => panic!("get_sessions_by_user_id: {err}"),
    }
    let joined = adapter.get_session_and_user(&value).await;
    assert!(
        matches!(&joined, Ok(Some((read, user))) if *read == session && user.id == value),
        "get_session_and_user: {joined:?}"
    );
    match oracle.session(&value).await {
        Ok(Some(raw)) => assert_eq!(raw, world.stored_session(&session), "oracle: session"),
        other => panic!("oracle: session: {other:?}"),
    }

    let token = RefreshToken {
        refresh_token: value.clone(),
        user_id: value.clone(),
    };
    let stored = adapter.set_refresh_token(&token).await;
    assert!(stored.is_ok(), "set_refresh_token: {stored:?}");
    let owner = adapter.get_user_id_by_refresh_token(&value).await;
    assert_eq!(
        owner.ok().flatten(),
        Some(value.clone()),
        "refresh token owner"
    );
    let owner = oracle.refresh_token_owner(&value).await;
    assert_eq!(
        owner.ok().flatten(),
        Some(value.clone()),
        "oracle: refresh token owner"
    );
    bystander_untouched(world, 1).await;

    let consumed = adapter.consume_refresh_token(&value).await;
    assert_eq!(
        consumed.ok().flatten(),
        Some(value.clone()),
        "consume_refresh_token"
    );
    let removed = adapter
        .delete_session_by_access_token(&[value.as_str()])
        .await;
    assert_eq!(removed.ok(), Some(1), "delete_session_by_access_token");
    let removed = adapter.delete_user(&value).await;
    assert_eq!(removed.ok(), Some(1), "delete_user");
    bystander_untouched(world, 0).await;
});

/// Every call that takes an id, provider id or token, given `bad` in one place.
async fn refused_everywhere(adapter: &dyn Adapter, bad: &str, now: i64) {
    let (id, _, access, refresh) = BYSTANDER;
    let session = |access_token: &str, user_id: &str| Session {
        access_token: access_token.into(),
        user_id: user_id.into(),
        expires: now.saturating_add(3_600_000),
    };
    let token = |refresh_token: &str, user_id: &str| RefreshToken {
        refresh_token: refresh_token.into(),
        user_id: user_id.into(),
    };
    let user_id = Some("user_id");
    let provider_id = Some("provider_id");
    let access_field = Some("access_token");
    let refresh_field = Some("refresh_token");
    assert_invalid(
        "set_user id",
        user_id,
        adapter
            .set_user(Some(bad), NewUser::new("email:bob@example.com"))
            .await,
    );
    assert_invalid(
        "set_user provider id",
        provider_id,
        adapter.set_user(Some("u2"), NewUser::new(bad)).await,
    );
    let update = UserUpdate {
        provider_id: Some(bad.into()),
        ..UserUpdate::default()
    };
    assert_invalid(
        "update_user provider id",
        provider_id,
        adapter.update_user(id, update).await,
    );
    assert_invalid(
        "update_user id",
        user_id,
        adapter.update_user(bad, UserUpdate::default()).await,
    );
    assert_invalid(
        "set_session token",
        access_field,
        adapter.set_session(&session(bad, id)).await,
    );
    assert_invalid(
        "set_session user",
        user_id,
        adapter.set_session(&session("at2", bad)).await,
    );
    assert_invalid(
        "set_refresh_token token",
        refresh_field,
        adapter.set_refresh_token(&token(bad, id)).await,
    );
    assert_invalid(
        "set_refresh_token user",
        user_id,
        adapter.set_refresh_token(&token("rt2", bad)).await,
    );
    assert_invalid("get_user_by_id", None, adapter.get_user_by_id(bad).await);
    assert_invalid(
        "get_user_by_provider_id",
        None,
        adapter.get_user_by_provider_id(bad).await,
    );
    assert_invalid(
        "get_session_by_access_token",
        None,
        adapter.get_session_by_access_token(bad).await,
    );
    assert_invalid(
        "get_sessions_by_user_id",
        None,
        adapter.get_sessions_by_user_id(bad).await,
    );
    assert_invalid(
        "get_session_and_user",
        None,
        adapter.get_session_and_user(bad).await,
    );
    assert_invalid(
        "get_user_by_access_token",
        None,
        adapter.get_user_by_access_token(bad).await,
    );
    assert_invalid(
        "get_user_id_by_refresh_token",
        None,
        adapter.get_user_id_by_refresh_token(bad).await,
    );
    assert_invalid(
        "consume_refresh_token",
        None,
        adapter.consume_refresh_token(bad).await,
    );
    assert_invalid(
        "delete_session_by_access_token",
        None,
        adapter.delete_session_by_access_token(&[access, bad]).await,
    );
    assert_invalid(
        "delete_refresh_token",
        None,
        adapter.delete_refresh_token(&[refresh, bad]).await,
    );
    assert_invalid("delete_user", None, adapter.delete_user(bad).await);
    assert_invalid(
        "delete_sessions_by_user_id",
        None,
        adapter.delete_sessions_by_user_id(bad).await,
    );
    assert_invalid(
        "delete_refresh_tokens_by_user_id",
        None,
        adapter.delete_refresh_tokens_by_user_id(bad).await,
    );
}

step!(key_refused, |world, ctx| {
    let value = Args::of(&ctx).text(0);
    refused_everywhere(world.adapter().as_ref(), &value, world.now()).await;
    bystander_untouched(world, 0).await;
});

fn data(field: &str, value: Value) -> UserData {
    UserData::from_iter([(field.to_owned(), value)])
}

step!(value_accepted, |world, ctx| {
    let args = Args::of(&ctx);
    let (value, field) = (args.json(0), args.values_raw(1));
    let adapter = world.adapter();
    let mut user = NewUser::new("email:bob@example.com");
    user.user_data = data(&field, value.clone());
    let created = adapter.set_user(Some("u2"), user).await;
    assert_eq!(created.as_deref().ok(), Some("u2"), "set_user: {created:?}");
    let read = adapter.get_user_by_id("u2").await;
    assert!(
        matches!(&read, Ok(Some(user)) if user.user_data.get(&field) == Some(&value)),
        "read back: {read:?}"
    );
    let stored = world.oracle().user("u2").await;
    assert!(
        matches!(&stored, Ok(Some(user)) if user.user_data.get(&field) == Some(&value)),
        "oracle: {stored:?}"
    );
    let update = UserUpdate {
        user_data: data(&field, value.clone()),
        ..UserUpdate::default()
    };
    let updated = adapter.update_user("u1", update).await;
    assert!(
        matches!(&updated, Ok(user) if user.user_data.get(&field) == Some(&value)),
        "update_user: {updated:?}"
    );
});

step!(value_refused, |world, ctx| {
    let args = Args::of(&ctx);
    let (value, field) = (args.json(0), args.values_raw(1));
    let adapter = world.adapter();
    let mut user = NewUser::new("email:bob@example.com");
    user.user_data = data(&field, value.clone());
    assert_invalid("set_user", None, adapter.set_user(Some("u2"), user).await);
    let update = UserUpdate {
        user_data: data(&field, value),
        ..UserUpdate::default()
    };
    assert_invalid("update_user", None, adapter.update_user("u1", update).await);
    let stored = world.oracle().user("u2").await;
    assert!(matches!(stored, Ok(None)), "oracle: u2 stored: {stored:?}");
    bystander_untouched(world, 0).await;
});

step!(data_key_refused, |world, ctx| {
    let key = Args::of(&ctx).text(0);
    let adapter = world.adapter();
    let names_key = |outcome: Result<_, AdapterError>, what: &str| {
        let escaped: String = key.chars().flat_map(char::escape_default).collect();
        match outcome {
            // The empty key is named by the map it is in: every field contains "".
            Err(AdapterError::InvalidInput { field, .. }) => assert!(
                field.starts_with("user_data")
                    && (field.contains(&key) || field.contains(&escaped)),
                "{what}: the error names {field:?}, not the user-data key {key:?}"
            ),
            other => panic!("{what}: expected InvalidInput, got {other:?}"),
        }
    };
    let mut user = NewUser::new("email:bob@example.com");
    user.user_data = data(&key, Value::from("x"));
    names_key(
        adapter.set_user(Some("u2"), user).await.map(|_| ()),
        "set_user",
    );
    let update = UserUpdate {
        user_data: data(&key, Value::from("x")),
        ..UserUpdate::default()
    };
    names_key(
        adapter.update_user("u1", update).await.map(|_| ()),
        "update_user",
    );
    let stored = world.oracle().user("u2").await;
    assert!(matches!(stored, Ok(None)), "oracle: u2 stored: {stored:?}");
    bystander_untouched(world, 0).await;
});
