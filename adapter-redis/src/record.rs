//! The stored records: versioned JSON, mapped to and from the contract's types.
//!
//! A session is stored as `{"v":1,"access_token":…,"user_id":…,"expires":…}`
//! (`expires` an exact JSON integer), a refresh token as
//! `{"v":1,"refresh_token":…,"user_id":…}`. A record of another version, with
//! missing or mistyped fields, or not valid JSON, is [`AdapterError::CorruptRecord`].

use adapter_core::{AdapterError, RefreshToken, Session};
use serde::{Deserialize, Serialize};

/// The record version this adapter writes and reads.
pub const RECORD_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRecord {
    v: u32,
    access_token: String,
    user_id: String,
    expires: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshTokenRecord {
    v: u32,
    refresh_token: String,
    user_id: String,
}

/// The stored form of a session.
///
/// ```
/// use adapter_core::Session;
/// use adapter_redis::record::{decode_session, encode_session};
/// let session = Session { access_token: "at".into(), user_id: "u1".into(), expires: i64::MAX };
/// assert_eq!(decode_session(&encode_session(&session)).unwrap(), session);
/// ```
pub fn encode_session(session: &Session) -> Vec<u8> {
    to_json(&SessionRecord {
        v: RECORD_VERSION,
        access_token: session.access_token.clone(),
        user_id: session.user_id.clone(),
        expires: session.expires,
    })
}

/// A session from its stored form.
pub fn decode_session(bytes: &[u8]) -> Result<Session, AdapterError> {
    let record: SessionRecord = from_json("session", bytes)?;
    check_version("session", record.v)?;
    Ok(Session {
        access_token: record.access_token,
        user_id: record.user_id,
        expires: record.expires,
    })
}

/// The stored form of a refresh token.
pub fn encode_refresh_token(token: &RefreshToken) -> Vec<u8> {
    to_json(&RefreshTokenRecord {
        v: RECORD_VERSION,
        refresh_token: token.refresh_token.clone(),
        user_id: token.user_id.clone(),
    })
}

/// A refresh token from its stored form.
pub fn decode_refresh_token(bytes: &[u8]) -> Result<RefreshToken, AdapterError> {
    let record: RefreshTokenRecord = from_json("refresh token", bytes)?;
    check_version("refresh token", record.v)?;
    Ok(RefreshToken {
        refresh_token: record.refresh_token,
        user_id: record.user_id,
    })
}

fn to_json<T: Serialize>(record: &T) -> Vec<u8> {
    // Serialising a struct of strings and integers cannot fail.
    serde_json::to_vec(record).unwrap_or_default()
}

fn from_json<'a, T: Deserialize<'a>>(what: &str, bytes: &'a [u8]) -> Result<T, AdapterError> {
    serde_json::from_slice(bytes).map_err(|err| AdapterError::corrupt(what, err.to_string()))
}

fn check_version(what: &str, version: u32) -> Result<(), AdapterError> {
    if version == RECORD_VERSION {
        Ok(())
    } else {
        Err(AdapterError::corrupt(
            what,
            format!("record version {version}, this adapter reads {RECORD_VERSION}"),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test may unwrap what it built itself
mod tests {
    use super::*;

    #[test]
    fn expires_round_trips_exactly_at_the_edges() {
        for expires in [0, -1, i64::MIN, i64::MAX, (1 << 53) + 1] {
            let session = Session {
                access_token: "{t}:".into(),
                user_id: "u\u{1}🦀".into(),
                expires,
            };
            assert_eq!(decode_session(&encode_session(&session)).unwrap(), session);
        }
    }

    #[test]
    fn undecodable_records_are_corrupt() {
        for bad in [
            &b"not json"[..],
            br#"{"v":2,"access_token":"a","user_id":"u","expires":1}"#,
            br#"{"v":1,"access_token":"a","user_id":"u","expires":1.5}"#,
            br#"{"v":1,"access_token":"a","user_id":"u","expires":"1"}"#,
            br#"{"v":1,"access_token":"a","expires":1}"#,
        ] {
            let err = decode_session(bad).unwrap_err();
            assert_eq!(err.code(), "DATABASE_CORRUPT_RECORD");
        }
        assert!(decode_refresh_token(br#"{"v":1,"refresh_token":"r"}"#).is_err());
    }

    #[test]
    fn refresh_tokens_round_trip() {
        let token = RefreshToken {
            refresh_token: "r:{1}".into(),
            user_id: "u".into(),
        };
        assert_eq!(
            decode_refresh_token(&encode_refresh_token(&token)).unwrap(),
            token
        );
    }
}
