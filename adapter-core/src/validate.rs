//! The input rules of the contract, in one place every backend calls, so the
//! answer to bad input is the same everywhere.
//!
//! - ids, provider ids and tokens: 1 to [`MAX_KEY_BYTES`] bytes of UTF-8, no NUL;
//! - user-data keys: `[A-Za-z_][A-Za-z0-9_]*`, at most [`MAX_USER_DATA_KEY_BYTES`]
//!   bytes, none of [`RESERVED_KEYS`];
//! - user-data values: no NUL in any string or nested key, no nested key that
//!   starts with `$` or holds a `.` (it could act as a Mongo operator or path),
//!   integers within `i64`, nesting at most [`MAX_VALUE_DEPTH`] deep;
//! - a password hash: no NUL, at most [`MAX_PASSWORD_HASH_BYTES`] bytes.

use serde_json::Value;

use crate::{AdapterError, NewUser, RefreshToken, Session, UserData, UserUpdate};

/// The longest id, provider id or token, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// The longest user-data key, in bytes.
pub const MAX_USER_DATA_KEY_BYTES: usize = 63;
/// The longest password hash, in bytes.
pub const MAX_PASSWORD_HASH_BYTES: usize = 4096;
/// The deepest nesting of arrays and objects in a user-data value.
pub const MAX_VALUE_DEPTH: usize = 32;
/// Names that user-data keys must not take: they are the record's own fields.
pub const RESERVED_KEYS: [&str; 5] = ["id", "_id", "__v", "provider_id", "hashed_password"];

/// Checks an id, provider id or token; `field` names it in the error.
///
/// ```
/// use adapter_core::validate::key;
/// assert!(key("user_id", "u1").is_ok());
/// assert!(key("user_id", "").is_err());
/// assert!(key("user_id", "a\0b").is_err());
/// assert!(key("user_id", &"x".repeat(513)).is_err());
/// ```
pub fn key(field: &str, value: &str) -> Result<(), AdapterError> {
    if value.is_empty() {
        return Err(AdapterError::invalid_input(field, "must not be empty"));
    }
    if value.len() > MAX_KEY_BYTES {
        return Err(AdapterError::invalid_input(
            field,
            format!("must be at most {MAX_KEY_BYTES} bytes, got {}", value.len()),
        ));
    }
    if value.contains('\0') {
        return Err(AdapterError::invalid_input(field, "must not contain NUL"));
    }
    Ok(())
}

/// Checks each key of a slice (for the batch deletes).
pub fn keys(field: &str, values: &[&str]) -> Result<(), AdapterError> {
    values.iter().try_for_each(|value| key(field, value))
}

/// Checks a user-data key written through the adapter.
///
/// ```
/// use adapter_core::validate::user_data_key;
/// assert!(user_data_key("user_email").is_ok());
/// assert!(user_data_key("$set").is_err());
/// assert!(user_data_key("profile.name").is_err());
/// assert!(user_data_key("provider_id").is_err());
/// ```
pub fn user_data_key(name: &str) -> Result<(), AdapterError> {
    let field = format!("user_data.{}", printable(name));
    if name.is_empty() || name.len() > MAX_USER_DATA_KEY_BYTES {
        return Err(AdapterError::invalid_input(
            field,
            format!("a user-data key must be 1 to {MAX_USER_DATA_KEY_BYTES} bytes"),
        ));
    }
    if !is_portable_identifier(name) {
        return Err(AdapterError::invalid_input(
            field,
            "a user-data key must match [A-Za-z_][A-Za-z0-9_]*",
        ));
    }
    if RESERVED_KEYS.contains(&name) {
        return Err(AdapterError::invalid_input(
            field,
            "this name is reserved for the record's own fields",
        ));
    }
    Ok(())
}

/// Whether `name` is `[A-Za-z_][A-Za-z0-9_]*`: safe as a SQL column, a Mongo field and a JSON key.
pub fn is_portable_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Checks a user-data value stored under `name`.
pub fn user_data_value(name: &str, value: &Value) -> Result<(), AdapterError> {
    check_value(value, 0)
        .map_err(|reason| AdapterError::invalid_input(format!("user_data.{name}"), reason))
}

fn check_value(value: &Value, depth: usize) -> Result<(), String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(format!("nested deeper than {MAX_VALUE_DEPTH} levels"));
    }
    match value {
        Value::Null | Value::Bool(_) => Ok(()),
        Value::Number(number) => {
            if number.is_u64() && !number.is_i64() {
                Err("integers must fit in a signed 64-bit integer".into())
            } else {
                Ok(())
            }
        }
        Value::String(text) if text.contains('\0') => Err("strings must not contain NUL".into()),
        Value::String(_) => Ok(()),
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| check_value(item, depth + 1)),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            if key.contains('\0') {
                Err("nested keys must not contain NUL".to_string())
            } else if key.starts_with('$') || key.contains('.') {
                Err(format!(
                    "nested key {:?} must not start with '$' or contain '.'",
                    printable(key)
                ))
            } else {
                check_value(item, depth + 1)
            }
        }),
    }
}

/// Checks every key and value of user data.
pub fn user_data(data: &UserData) -> Result<(), AdapterError> {
    data.iter().try_for_each(|(name, value)| {
        user_data_key(name)?;
        user_data_value(name, value)
    })
}

/// Checks a password hash.
pub fn hashed_password(hash: &str) -> Result<(), AdapterError> {
    if hash.len() > MAX_PASSWORD_HASH_BYTES {
        return Err(AdapterError::invalid_input(
            "hashed_password",
            format!("must be at most {MAX_PASSWORD_HASH_BYTES} bytes"),
        ));
    }
    if hash.contains('\0') {
        return Err(AdapterError::invalid_input(
            "hashed_password",
            "must not contain NUL",
        ));
    }
    Ok(())
}

/// Checks everything `set_user` is given.
///
/// ```
/// use adapter_core::{validate, NewUser};
/// assert!(validate::new_user(Some("u1"), &NewUser::new("email:a@b")).is_ok());
/// assert!(validate::new_user(Some(""), &NewUser::new("email:a@b")).is_err());
/// ```
pub fn new_user(user_id: Option<&str>, user: &NewUser) -> Result<(), AdapterError> {
    if let Some(id) = user_id {
        key("user_id", id)?;
    }
    key("provider_id", &user.provider_id)?;
    if let Some(hash) = &user.hashed_password {
        hashed_password(hash)?;
    }
    user_data(&user.user_data)
}

/// Checks everything `update_user` is given.
pub fn user_update(user_id: &str, update: &UserUpdate) -> Result<(), AdapterError> {
    key("user_id", user_id)?;
    if let Some(provider_id) = &update.provider_id {
        key("provider_id", provider_id)?;
    }
    if let Some(Some(hash)) = &update.hashed_password {
        hashed_password(hash)?;
    }
    user_data(&update.user_data)
}

/// Checks a session before it is stored.
pub fn session(session: &Session) -> Result<(), AdapterError> {
    key("access_token", &session.access_token)?;
    key("user_id", &session.user_id)
}

/// Checks a refresh token before it is stored.
pub fn refresh_token(token: &RefreshToken) -> Result<(), AdapterError> {
    key("refresh_token", &token.refresh_token)?;
    key("user_id", &token.user_id)
}

/// A key shown in an error: control characters escaped, cut to 80 characters.
fn printable(name: &str) -> String {
    let escaped: String = name.chars().flat_map(char::escape_default).collect();
    if escaped.chars().count() > 80 {
        escaped.chars().take(80).chain("…".chars()).collect()
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_at_the_byte_limits() {
        assert!(key("t", &"a".repeat(MAX_KEY_BYTES)).is_ok());
        assert!(key("t", &"a".repeat(MAX_KEY_BYTES + 1)).is_err());
        // 128 four-byte characters are exactly 512 bytes; one more byte is too many.
        assert!(key("t", &"🦀".repeat(128)).is_ok());
        assert!(key("t", &format!("{}a", "🦀".repeat(128))).is_err());
    }

    #[test]
    fn hostile_user_data_keys_are_refused_by_name() {
        for name in [
            "",
            "$set",
            "$unset",
            "profile.name",
            "a\0b",
            "1abc",
            "email\" = 'x'; --",
            "é",
            "_id",
            "id",
            "__v",
            "hashed_password",
            "provider_id",
        ] {
            let err = user_data_key(name).expect_err(name);
            assert_eq!(err.code(), "AUTH_INVALID_INPUT", "{name}");
        }
        assert!(user_data_key(&"k".repeat(63)).is_ok());
        assert!(user_data_key(&"k".repeat(64)).is_err());
    }

    #[test]
    fn operator_shaped_nested_values_are_refused() {
        assert!(user_data_value("q", &json!({"$ne": null})).is_err());
        assert!(user_data_value("q", &json!({"a.b": 1})).is_err());
        assert!(user_data_value("q", &json!({"ne": null, "list": [1, "x"]})).is_ok());
        assert!(user_data_value("q", &json!(u64::MAX)).is_err());
        assert!(user_data_value("q", &json!(i64::MIN)).is_ok());
    }

    #[test]
    fn too_deep_values_are_refused() {
        let mut value = json!(1);
        for _ in 0..=MAX_VALUE_DEPTH {
            value = json!([value]);
        }
        assert!(user_data_value("deep", &value).is_err());
    }
}
