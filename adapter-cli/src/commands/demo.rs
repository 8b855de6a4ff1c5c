//! `adapter demo`: a real auth flow, end to end, through the adapter.

use std::sync::Arc;

use adapters::{Adapter, AdapterError, Clock, NewUser, RefreshToken, Session, SystemClock};

use crate::secrets::{hash_password, random_hex, verify_password};
use crate::steps::Steps;

const PASSWORD: &str = "correct horse battery staple";
const SESSION_MS: i64 = 8 * 60 * 60 * 1000;

/// Names and tokens of one demo run; a random run id keeps runs apart in a shared store.
struct Run {
    ada: String,
    ada_provider: String,
    octo: String,
    octo_provider: String,
}

fn new_session(user_id: &str) -> Session {
    Session {
        access_token: random_hex(32),
        user_id: user_id.to_owned(),
        expires: SystemClock.now_ms() + SESSION_MS,
    }
}

fn new_refresh_token(user_id: &str) -> RefreshToken {
    RefreshToken {
        refresh_token: random_hex(32),
        user_id: user_id.to_owned(),
    }
}

fn show(err: &AdapterError) -> String {
    format!("{} ({})", err, err.code())
}

/// Runs the flow; every step checks what the contract promises.
pub async fn run(adapter: Arc<dyn Adapter>, steps: &mut Steps) -> anyhow::Result<()> {
    let run_id = random_hex(4);
    let run = Run {
        ada: format!("demo-{run_id}-ada"),
        ada_provider: format!("email:ada+{run_id}@example.com"),
        octo: format!("demo-{run_id}-octo"),
        octo_provider: format!("github:{run_id}"),
    };
    let hash = hash_password(PASSWORD)?;
    let a = adapter.as_ref();

    steps
        .run("sign up ada (email and argon2 password hash)", async {
            let user = NewUser {
                provider_id: run.ada_provider.clone(),
                hashed_password: Some(hash.clone()),
                ..NewUser::default()
            };
            let id = a
                .set_user(Some(&run.ada), user)
                .await
                .map_err(|e| show(&e))?;
            if id == run.ada {
                Ok(format!("user {id}"))
            } else {
                Err(format!("stored as {id}, asked for {}", run.ada))
            }
        })
        .await;
    steps
        .run("sign up octo (OAuth, no password)", async {
            let id = a
                .set_user(Some(&run.octo), NewUser::new(run.octo_provider.clone()))
                .await
                .map_err(|e| show(&e))?;
            Ok(format!("user {id}"))
        })
        .await;
    steps
        .run("a second sign-up with ada's email is refused", async {
            match a
                .set_user(
                    Some(&format!("{}-2", run.ada)),
                    NewUser::new(run.ada_provider.clone()),
                )
                .await
            {
                Err(AdapterError::DuplicateProviderId) => Ok("AUTH_DUPLICATE_PROVIDER_ID".into()),
                other => Err(format!("expected DuplicateProviderId, got {other:?}")),
            }
        })
        .await;
    steps
        .run(
            "sign in ada: find by provider id, verify the password",
            async {
                let user = a
                    .get_user_by_provider_id(&run.ada_provider)
                    .await
                    .map_err(|e| show(&e))?
                    .ok_or("ada not found")?;
                let stored = user.hashed_password.ok_or("ada has no password hash")?;
                if verify_password(PASSWORD, &stored) {
                    Ok(format!("signed in as {}", user.id))
                } else {
                    Err("the right password was refused".into())
                }
            },
        )
        .await;
    steps
        .run("sign in ada with a wrong password is refused", async {
            let user = a
                .get_user_by_provider_id(&run.ada_provider)
                .await
                .map_err(|e| show(&e))?
                .ok_or("ada not found")?;
            let stored = user.hashed_password.unwrap_or_default();
            if verify_password("wrong password", &stored) {
                Err("a wrong password was accepted".into())
            } else {
                Ok("refused".into())
            }
        })
        .await;

    let first_session = new_session(&run.ada);
    let first_refresh = new_refresh_token(&run.ada);
    steps
        .run(
            "create a session (8 h) and a refresh token for ada",
            async {
                a.set_session(&first_session).await.map_err(|e| show(&e))?;
                a.set_refresh_token(&first_refresh)
                    .await
                    .map_err(|e| show(&e))?;
                Ok(format!("expires at {} ms", first_session.expires))
            },
        )
        .await;
    steps
        .run(
            "validate the session: one lookup gives session and user",
            async {
                match a
                    .get_session_and_user(&first_session.access_token)
                    .await
                    .map_err(|e| show(&e))?
                {
                    Some((session, user)) if session == first_session && user.id == run.ada => {
                        Ok(format!("user {}", user.id))
                    }
                    other => Err(format!("expected ada's session, got {other:?}")),
                }
            },
        )
        .await;

    let second_session = new_session(&run.ada);
    let second_refresh = new_refresh_token(&run.ada);
    steps
        .run(
            "refresh: consume the refresh token, issue new tokens",
            async {
                let owner = a
                    .consume_refresh_token(&first_refresh.refresh_token)
                    .await
                    .map_err(|e| show(&e))?;
                if owner.as_deref() != Some(run.ada.as_str()) {
                    return Err(format!("expected owner {}, got {owner:?}", run.ada));
                }
                a.set_session(&second_session).await.map_err(|e| show(&e))?;
                a.set_refresh_token(&second_refresh)
                    .await
                    .map_err(|e| show(&e))?;
                let removed = a
                    .delete_session_by_access_token(&[first_session.access_token.as_str()])
                    .await
                    .map_err(|e| show(&e))?;
                if removed == 1 {
                    Ok("new session and refresh token issued, old session removed".into())
                } else {
                    Err(format!("removed {removed} old sessions, expected 1"))
                }
            },
        )
        .await;
    steps
        .run("the used refresh token cannot be used again", async {
            match a
                .consume_refresh_token(&first_refresh.refresh_token)
                .await
                .map_err(|e| show(&e))?
            {
                None => Ok("refused".into()),
                Some(owner) => Err(format!("consumed twice, for {owner}")),
            }
        })
        .await;
    steps
        .run("the old access token no longer validates", async {
            match a
                .get_user_by_access_token(&first_session.access_token)
                .await
                .map_err(|e| show(&e))?
            {
                None => Ok("refused".into()),
                Some(user) => Err(format!("still resolves to {}", user.id)),
            }
        })
        .await;
    steps
        .run("list ada's sessions", async {
            let sessions = a
                .get_sessions_by_user_id(&run.ada)
                .await
                .map_err(|e| show(&e))?;
            // A store that keeps tokens hashed (hashed_tokens=true) lists digests.
            let listed_as_stored = Session {
                access_token: adapters::token_digest(&second_session.access_token),
                ..second_session.clone()
            };
            if sessions == vec![second_session.clone()] || sessions == vec![listed_as_stored] {
                Ok("1 live session".into())
            } else {
                Err(format!(
                    "expected only the new session, got {} sessions",
                    sessions.len()
                ))
            }
        })
        .await;
    steps
        .run("sign out: delete the session", async {
            let removed = a
                .delete_session_by_access_token(&[second_session.access_token.as_str()])
                .await
                .map_err(|e| show(&e))?;
            let still = a
                .get_session_by_access_token(&second_session.access_token)
                .await
                .map_err(|e| show(&e))?;
            match (removed, still) {
                (1, None) => Ok("signed out".into()),
                (removed, still) => Err(format!(
                    "removed {removed}, session still readable: {}",
                    still.is_some()
                )),
            }
        })
        .await;

    let octo_session = new_session(&run.octo);
    let octo_refresh = new_refresh_token(&run.octo);
    steps
        .run(
            "delete octo, who holds a session and a refresh token",
            async {
                a.set_session(&octo_session).await.map_err(|e| show(&e))?;
                a.set_refresh_token(&octo_refresh)
                    .await
                    .map_err(|e| show(&e))?;
                let removed = a.delete_user(&run.octo).await.map_err(|e| show(&e))?;
                if removed == 1 {
                    Ok("deleted".into())
                } else {
                    Err(format!("delete_user returned {removed}, expected 1"))
                }
            },
        )
        .await;
    steps
        .run("octo's tokens are gone with octo", async {
            let by_session = a
                .get_user_by_access_token(&octo_session.access_token)
                .await
                .map_err(|e| show(&e))?;
            let by_refresh = a
                .get_user_id_by_refresh_token(&octo_refresh.refresh_token)
                .await
                .map_err(|e| show(&e))?;
            let sessions = a
                .get_sessions_by_user_id(&run.octo)
                .await
                .map_err(|e| show(&e))?;
            if by_session.is_none() && by_refresh.is_none() && sessions.is_empty() {
                Ok("no token resolves".into())
            } else {
                Err("a token of a deleted user still resolves".into())
            }
        })
        .await;
    steps
        .run("clean up: delete ada and her refresh token", async {
            let removed = a.delete_user(&run.ada).await.map_err(|e| show(&e))?;
            let leftover = a
                .get_user_id_by_refresh_token(&second_refresh.refresh_token)
                .await
                .map_err(|e| show(&e))?;
            match (removed, leftover) {
                (1, None) => Ok("the store holds nothing of this run".into()),
                (removed, leftover) => Err(format!(
                    "removed {removed}, refresh token still resolves: {}",
                    leftover.is_some()
                )),
            }
        })
        .await;
    Ok(())
}
