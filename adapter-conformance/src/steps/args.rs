//! Reading a step's arguments: text notation, numbers, durations, JSON.

use adapter_core::{User, UserData, UserUpdate};
use cucumber::step::Context;
use serde_json::Value;

use crate::text;

/// The step's captured arguments, in order.
pub(crate) struct Args {
    values: Vec<String>,
    docstring: Option<String>,
}

impl Args {
    pub(crate) fn of(ctx: &Context) -> Self {
        Self {
            values: ctx
                .matches
                .iter()
                .skip(1)
                .map(|(_, value)| value.clone())
                .collect(),
            docstring: ctx.step.docstring.clone(),
        }
    }

    fn raw(&self, index: usize) -> &str {
        match self.values.get(index) {
            Some(value) => value,
            None => panic!("step has no argument {index}"),
        }
    }

    /// A text argument (see [`crate::text`]).
    pub(crate) fn text(&self, index: usize) -> String {
        text::decode(self.raw(index))
    }

    /// A JSON list of strings.
    pub(crate) fn list(&self, index: usize) -> Vec<String> {
        text::decode_list(self.raw(index))
    }

    /// An integer.
    pub(crate) fn int(&self, index: usize) -> i64 {
        let raw = self.raw(index);
        raw.parse()
            .unwrap_or_else(|err| panic!("not an i64: {raw:?}: {err}"))
    }

    /// A count.
    pub(crate) fn count(&self, index: usize) -> usize {
        let raw = self.raw(index);
        raw.parse()
            .unwrap_or_else(|err| panic!("not a count: {raw:?}: {err}"))
    }

    /// A duration: the number at `index` in the unit at `index + 1`, in ms.
    pub(crate) fn duration_ms(&self, index: usize) -> i64 {
        let amount = self.int(index);
        let unit = match self.raw(index + 1) {
            "ms" => 1,
            "second" | "seconds" => 1_000,
            "minute" | "minutes" => 60_000,
            "hour" | "hours" => 3_600_000,
            other => panic!("unknown unit {other:?}"),
        };
        amount.saturating_mul(unit)
    }

    /// A JSON value given inline at `index`, or else as the step's docstring.
    pub(crate) fn json(&self, index: usize) -> Value {
        let inline = self.values.get(index).filter(|value| !value.is_empty());
        let source = match (inline, &self.docstring) {
            (Some(inline), _) => inline.as_str(),
            (None, Some(docstring)) => docstring.as_str(),
            (None, None) => panic!("step needs JSON inline or as a docstring"),
        };
        serde_json::from_str(source).unwrap_or_else(|err| panic!("bad JSON {source:?}: {err}"))
    }

    /// User data given as JSON.
    pub(crate) fn user_data(&self, index: usize) -> UserData {
        match self.json(index) {
            Value::Object(map) => map,
            other => panic!("user data must be a JSON object, got {other}"),
        }
    }

    /// A whole user given as JSON (`id`, `provider_id`, `hashed_password`, `user_data`).
    pub(crate) fn user(&self, index: usize) -> User {
        let json = self.json(index);
        serde_json::from_value(json.clone())
            .unwrap_or_else(|err| panic!("not a user: {json}: {err}"))
    }

    /// An update given as JSON: `provider_id`, `hashed_password` (null
    /// clears it), `user_data`; absent keys leave things as they are.
    pub(crate) fn update(&self, index: usize) -> UserUpdate {
        let Value::Object(mut fields) = self.json(index) else {
            panic!("an update must be a JSON object")
        };
        let mut update = UserUpdate::default();
        if let Some(provider_id) = fields.remove("provider_id") {
            update.provider_id = Some(as_string(provider_id));
        }
        if let Some(hash) = fields.remove("hashed_password") {
            update.hashed_password = Some(match hash {
                Value::Null => None,
                other => Some(as_string(other)),
            });
        }
        if let Some(data) = fields.remove("user_data") {
            let Value::Object(data) = data else {
                panic!("user_data must be an object")
            };
            update.user_data = data;
        }
        assert!(fields.is_empty(), "unknown update keys: {fields:?}");
        update
    }
}

fn as_string(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => panic!("expected a string, got {other}"),
    }
}

/// Whether two users' data agree, treating a key that is absent on one side
/// and null on the other as the same (a SQL row has every column; a
/// document only the keys written).
pub(crate) fn same_user_data(actual: &UserData, expected: &UserData) -> bool {
    let keys = actual.keys().chain(expected.keys());
    keys.into_iter().all(|key| {
        let left = actual.get(key).unwrap_or(&Value::Null);
        let right = expected.get(key).unwrap_or(&Value::Null);
        left == right
    })
}

/// Asserts two users are the same record.
pub(crate) fn assert_same_user(actual: &User, expected: &User) {
    assert_eq!(actual.id, expected.id, "user id");
    assert_eq!(
        actual.provider_id, expected.provider_id,
        "provider id of {}",
        expected.id
    );
    assert_eq!(
        actual.hashed_password, expected.hashed_password,
        "password hash of {}",
        expected.id
    );
    assert!(
        same_user_data(&actual.user_data, &expected.user_data),
        "user data of {}: got {:?}, expected {:?}",
        expected.id,
        actual.user_data,
        expected.user_data
    );
}

impl Args {
    /// An argument exactly as written.
    pub(crate) fn values_raw(&self, index: usize) -> String {
        self.raw(index).to_string()
    }
}
