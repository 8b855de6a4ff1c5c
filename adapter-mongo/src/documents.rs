//! Our records as the documents the JS Mongoose adapter writes, and back.
//!
//! - user: `_id` (string), `provider_id`, `hashed_password` (null when none),
//!   each user-data key as a top-level field, `__v: 0`;
//! - session: `_id` (ObjectId), `access_token`, `user_id`, `expires` (int64;
//!   read from int32, int64 or double), optional `expires_at` Date mirror, `__v: 0`;
//! - refresh token: `_id` (ObjectId), `refresh_token`, `user_id`, `__v: 0`.

use adapter_core::{AdapterError, NewUser, RefreshToken, Session, User, UserData, UserUpdate};
use bson::{doc, oid::ObjectId, Bson, DateTime, Document};

use crate::codec;

/// The fields of a user document that are not user data.
const USER_OWN_FIELDS: [&str; 4] = ["_id", "provider_id", "hashed_password", "__v"];

/// The largest double below 2^63: every integral double up to it is an exact i64.
const MAX_EXACT_DOUBLE: f64 = 9_223_372_036_854_774_784.0;
/// -2^63, exactly `i64::MIN`.
const MIN_EXACT_DOUBLE: f64 = -9_223_372_036_854_775_808.0;

/// The document `set_user` inserts.
pub(crate) fn new_user_document(user_id: &str, user: &NewUser) -> Result<Document, AdapterError> {
    let mut document = doc! {
        "_id": user_id,
        "provider_id": &user.provider_id,
        "hashed_password": user.hashed_password.as_deref().map_or(Bson::Null, Bson::from),
    };
    append_user_data(&mut document, &user.user_data)?;
    document.insert("__v", 0_i32);
    Ok(document)
}

/// The `$set` document of an update; `None` when the update changes nothing.
pub(crate) fn user_update_set(update: &UserUpdate) -> Result<Option<Document>, AdapterError> {
    let mut set = Document::new();
    if let Some(provider_id) = &update.provider_id {
        set.insert("provider_id", provider_id.as_str());
    }
    if let Some(hashed_password) = &update.hashed_password {
        set.insert(
            "hashed_password",
            hashed_password.as_deref().map_or(Bson::Null, Bson::from),
        );
    }
    append_user_data(&mut set, &update.user_data)?;
    Ok((!set.is_empty()).then_some(set))
}

fn append_user_data(document: &mut Document, data: &UserData) -> Result<(), AdapterError> {
    for (key, value) in data {
        document.insert(key.as_str(), codec::to_bson(key, value)?);
    }
    Ok(())
}

/// A stored user document as a [`User`].
pub(crate) fn user_from_document(document: Document) -> Result<User, AdapterError> {
    let id = match document.get("_id") {
        Some(Bson::String(id)) => id.clone(),
        Some(other) => {
            return Err(AdapterError::corrupt(
                "user",
                format!("_id is a {:?}, not a string", other.element_type()),
            ))
        }
        None => return Err(AdapterError::corrupt("user", "no _id")),
    };
    let what = || format!("user {id}");
    let provider_id = match document.get("provider_id") {
        Some(Bson::String(provider_id)) => provider_id.clone(),
        _ => {
            return Err(AdapterError::corrupt(
                what(),
                "provider_id is missing or not a string",
            ))
        }
    };
    let hashed_password = match document.get("hashed_password") {
        None | Some(Bson::Null) | Some(Bson::Undefined) => None,
        Some(Bson::String(hash)) => Some(hash.clone()),
        Some(_) => {
            return Err(AdapterError::corrupt(
                what(),
                "hashed_password is not a string",
            ))
        }
    };
    let user_data = document
        .into_iter()
        .filter(|(key, _)| !USER_OWN_FIELDS.contains(&key.as_str()))
        .map(|(key, value)| (key, codec::to_json(value)))
        .collect();
    Ok(User {
        id,
        provider_id,
        hashed_password,
        user_data,
    })
}

/// 0001-01-01T00:00:00Z in milliseconds since the Unix epoch.
const MIN_MIRROR_MS: i64 = -62_135_596_800_000;
/// 9999-12-31T23:59:59.999Z in milliseconds since the Unix epoch.
const MAX_MIRROR_MS: i64 = 253_402_300_799_999;

/// The document `set_session` inserts; `with_expiry_mirror` adds the `expires_at` Date.
pub(crate) fn session_document(session: &Session, with_expiry_mirror: bool) -> Document {
    let mut document = doc! {
        "_id": ObjectId::new(),
        "access_token": &session.access_token,
        "user_id": &session.user_id,
        "expires": session.expires,
    };
    if with_expiry_mirror {
        // Clamped to years 1..=9999, which every server and driver can represent;
        // the mirror only drives garbage collection, never what a read returns.
        let mirror = session.expires.clamp(MIN_MIRROR_MS, MAX_MIRROR_MS);
        document.insert("expires_at", DateTime::from_millis(mirror));
    }
    document.insert("__v", 0_i32);
    document
}

/// A stored session document as a [`Session`], whatever its expiry.
pub(crate) fn session_from_document(document: &Document) -> Result<Session, AdapterError> {
    let access_token = match document.get("access_token") {
        Some(Bson::String(token)) => token.clone(),
        _ => {
            return Err(AdapterError::corrupt(
                "session",
                "access_token is missing or not a string",
            ))
        }
    };
    let user_id = match document.get("user_id") {
        Some(Bson::String(user_id)) => user_id.clone(),
        _ => {
            return Err(AdapterError::corrupt(
                "session",
                "user_id is missing or not a string",
            ))
        }
    };
    let expires = match document.get("expires") {
        Some(value) => expires_from_bson(value)?,
        None => return Err(AdapterError::corrupt("session", "expires is missing")),
    };
    Ok(Session {
        access_token,
        user_id,
        expires,
    })
}

/// `expires` from int32, int64 or an integral double (what the JS driver writes).
pub(crate) fn expires_from_bson(value: &Bson) -> Result<i64, AdapterError> {
    match value {
        Bson::Int32(ms) => Ok(i64::from(*ms)),
        Bson::Int64(ms) => Ok(*ms),
        Bson::Double(ms)
            if ms.fract() == 0.0 && (MIN_EXACT_DOUBLE..=MAX_EXACT_DOUBLE).contains(ms) =>
        {
            // Exact: integral and within the range where every double is an i64.
            #[allow(clippy::cast_possible_truncation)]
            Ok(*ms as i64)
        }
        Bson::Double(_) => Err(AdapterError::corrupt(
            "session",
            "expires is a double that is not a whole number of milliseconds in range",
        )),
        other => Err(AdapterError::corrupt(
            "session",
            format!("expires is a {:?}, not a number", other.element_type()),
        )),
    }
}

/// The document `set_refresh_token` inserts.
pub(crate) fn refresh_token_document(token: &RefreshToken) -> Document {
    doc! {
        "_id": ObjectId::new(),
        "refresh_token": &token.refresh_token,
        "user_id": &token.user_id,
        "__v": 0_i32,
    }
}

/// The owner named by a stored refresh token document.
pub(crate) fn refresh_token_owner(document: &Document) -> Result<String, AdapterError> {
    match document.get("user_id") {
        Some(Bson::String(user_id)) => Ok(user_id.clone()),
        _ => Err(AdapterError::corrupt(
            "refresh token",
            "user_id is missing or not a string",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expires_reads_every_numeric_type_the_js_side_writes() {
        assert_eq!(expires_from_bson(&Bson::Int32(1000)).ok(), Some(1000));
        assert_eq!(
            expires_from_bson(&Bson::Int64(i64::MAX)).ok(),
            Some(i64::MAX)
        );
        assert_eq!(
            expires_from_bson(&Bson::Double(1_796_428_800_000.0)).ok(),
            Some(1_796_428_800_000)
        );
        assert_eq!(expires_from_bson(&Bson::Double(-4096.0)).ok(), Some(-4096));
        for bad in [
            Bson::Double(1.5),
            Bson::Double(f64::NAN),
            Bson::Double(f64::INFINITY),
            Bson::Double(9.3e18),
            Bson::String("1000".into()),
        ] {
            assert!(expires_from_bson(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_new_user_is_written_as_mongoose_wrote_it() {
        let mut user = NewUser::new("email:ada@example.com");
        user.user_data.insert("login_count".into(), json!(3));
        let document = new_user_document("u1", &user).expect("valid");
        let keys: Vec<&str> = document.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "_id",
                "provider_id",
                "hashed_password",
                "login_count",
                "__v"
            ]
        );
        assert_eq!(document.get("hashed_password"), Some(&Bson::Null));
        assert_eq!(document.get("__v"), Some(&Bson::Int32(0)));
        assert_eq!(document.get("login_count"), Some(&Bson::Int32(3)));
    }

    #[test]
    fn a_user_without_hashed_password_reads_as_none() {
        let user = user_from_document(doc! {"_id": "u", "provider_id": "p", "__v": 0, "x": 1.0})
            .expect("decodes");
        assert_eq!(user.hashed_password, None);
        assert_eq!(user.user_data.get("x"), Some(&json!(1.0)));
        assert!(!user.user_data.contains_key("__v"));
    }

    #[test]
    fn sessions_are_written_with_int64_expires_and_optional_mirror() {
        let session = Session {
            access_token: "t".into(),
            user_id: "u".into(),
            expires: 5,
        };
        let plain = session_document(&session, false);
        assert_eq!(plain.get("expires"), Some(&Bson::Int64(5)));
        assert!(plain.get("expires_at").is_none());
        let mirrored = session_document(&session, true);
        let far = session_document(
            &Session {
                expires: i64::MAX,
                ..session.clone()
            },
            true,
        );
        assert_eq!(far.get("expires"), Some(&Bson::Int64(i64::MAX)));
        assert_eq!(
            far.get("expires_at"),
            Some(&Bson::DateTime(DateTime::from_millis(MAX_MIRROR_MS)))
        );
        assert_eq!(
            mirrored.get("expires_at"),
            Some(&Bson::DateTime(DateTime::from_millis(5)))
        );
    }
}
