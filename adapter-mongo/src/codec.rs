//! User-data values between JSON (our [`UserData`]) and BSON.
//!
//! Writing: a JSON integer becomes int32 when it fits, int64 otherwise; any
//! other number a double. A value that reads back as relaxed Extended JSON
//! (`{"$date": …}`, `{"$oid": …}`, `{"$numberDecimal": …}`, …) goes back to
//! its BSON type. Reading: every BSON type as relaxed Extended JSON, numbers
//! as the JSON number they are (an integral double stays a double).

use adapter_core::{AdapterError, UserData};
use bson::Bson;
use serde_json::Value;

/// The keys of the Extended JSON wrappers that stand for one typed BSON value.
pub(crate) const TYPED_VALUE_KEYS: [&str; 15] = [
    "$date",
    "$oid",
    "$numberDecimal",
    "$numberLong",
    "$numberInt",
    "$numberDouble",
    "$binary",
    "$timestamp",
    "$regularExpression",
    "$symbol",
    "$code",
    "$minKey",
    "$maxKey",
    "$undefined",
    "$dbPointer",
];

/// Whether `value` is an Extended JSON wrapper of one typed value (never an operator).
fn is_typed_value(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let mut keys = map.keys().map(String::as_str);
    match (keys.next(), keys.next(), keys.next()) {
        (Some(key), None, None) => TYPED_VALUE_KEYS.contains(&key),
        (Some(a), Some(b), None) => matches!((a, b), ("$code", "$scope") | ("$scope", "$code")),
        _ => false,
    }
}

/// `data` with every typed-value wrapper replaced by null: what the shared
/// input rules check, since a wrapper's `$` key names a type, not an operator.
pub(crate) fn mask_typed_values(data: &UserData) -> UserData {
    data.iter()
        .map(|(key, value)| (key.clone(), mask_value(value)))
        .collect()
}

fn mask_value(value: &Value) -> Value {
    if is_typed_value(value) {
        return Value::Null;
    }
    match value {
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), mask_value(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Checks user data under the shared rules, typed-value wrappers allowed.
#[cfg(test)]
fn validate_user_data(data: &UserData) -> Result<(), AdapterError> {
    adapter_core::validate::user_data(&mask_typed_values(data))
}

/// The BSON form of a user-data value already checked by [`validate_user_data`].
pub(crate) fn to_bson(key: &str, value: &Value) -> Result<Bson, AdapterError> {
    if is_typed_value(value) {
        return match Bson::try_from(value.clone()) {
            Ok(Bson::Document(_)) | Err(_) => Err(AdapterError::invalid_input(
                format!("user_data.{key}"),
                "not a valid Extended JSON value",
            )),
            Ok(typed) => Ok(typed),
        };
    }
    Ok(match value {
        Value::Null => Bson::Null,
        Value::Bool(flag) => Bson::Boolean(*flag),
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(int), _) => i32::try_from(int).map_or(Bson::Int64(int), Bson::Int32),
            (None, Some(float)) => Bson::Double(float),
            (None, None) => {
                return Err(AdapterError::invalid_input(
                    format!("user_data.{key}"),
                    "a number that fits neither i64 nor f64",
                ))
            }
        },
        Value::String(text) => Bson::String(text.clone()),
        Value::Array(items) => Bson::Array(
            items
                .iter()
                .map(|item| to_bson(key, item))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Bson::Document(
            map.iter()
                .map(|(name, item)| Ok((name.clone(), to_bson(key, item)?)))
                .collect::<Result<_, AdapterError>>()?,
        ),
    })
}

/// The JSON form of a stored value: relaxed Extended JSON.
pub(crate) fn to_json(value: Bson) -> Value {
    value.into_relaxed_extjson()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::{oid::ObjectId, DateTime, Decimal128};
    use serde_json::json;

    #[test]
    fn numbers_take_the_narrowest_bson_type() {
        let table = [
            (json!(3), Bson::Int32(3)),
            (json!(-2147483648_i64), Bson::Int32(i32::MIN)),
            (json!(2147483648_i64), Bson::Int64(2_147_483_648)),
            (json!(i64::MIN), Bson::Int64(i64::MIN)),
            (json!(2.5), Bson::Double(2.5)),
            (json!(2147483648.0), Bson::Double(2_147_483_648.0)),
        ];
        for (value, expected) in table {
            assert_eq!(to_bson("n", &value).ok(), Some(expected), "{value}");
        }
    }

    #[test]
    fn every_bson_type_survives_a_read_and_unchanged_write() {
        let values = [
            Bson::DateTime(DateTime::from_millis(1_796_313_600_000)),
            Bson::DateTime(DateTime::from_millis(-5)),
            Bson::ObjectId(ObjectId::parse_str("64b7f0c2e4b0a1a2b3c4d5e6").expect("literal")),
            Bson::Decimal128("1.50".parse::<Decimal128>().expect("literal")),
            Bson::Double(2_147_483_648.0),
            Bson::Double(f64::NAN),
            Bson::Int64(5),
            Bson::Int32(5),
            Bson::Binary(bson::Binary {
                subtype: bson::spec::BinarySubtype::Generic,
                bytes: vec![0, 1, 2],
            }),
            Bson::Array(vec![Bson::DateTime(DateTime::from_millis(7)), Bson::Null]),
            Bson::Document(bson::doc! { "at": DateTime::from_millis(9), "n": 1_i64 }),
        ];
        for value in values {
            let json = to_json(value.clone());
            let mut data = UserData::new();
            data.insert("field".into(), json.clone());
            assert!(validate_user_data(&data).is_ok(), "{json}");
            let back = to_bson("field", &json).expect("valid");
            let same = match (&value, &back) {
                (Bson::Double(a), Bson::Double(b)) if a.is_nan() => b.is_nan(),
                // An int64 that fits int32 reads as a plain JSON integer and is written as int32.
                (Bson::Int64(a), Bson::Int32(b)) => *a == i64::from(*b),
                (Bson::Document(a), Bson::Document(b)) => {
                    a.get("at") == b.get("at") && b.get("n") == Some(&Bson::Int32(1))
                }
                _ => value == back,
            };
            assert!(same, "{value:?} came back as {back:?}");
        }
    }

    #[test]
    fn operators_are_not_typed_values() {
        for value in [
            json!({"$ne": null}),
            json!({"$set": {"provider_id": "x"}}),
            json!({"$date": 1, "other": 2}),
            json!({"nested": {"$gt": ""}}),
        ] {
            let mut data = UserData::new();
            data.insert("field".into(), value.clone());
            let err = validate_user_data(&data).expect_err("refused");
            assert_eq!(err.code(), "AUTH_INVALID_INPUT", "{value}");
        }
    }

    #[test]
    fn a_malformed_typed_value_is_invalid_input() {
        let err = to_bson("created_at", &json!({"$date": {"nope": 1}})).expect_err("refused");
        assert_eq!(err.code(), "AUTH_INVALID_INPUT");
    }
}
