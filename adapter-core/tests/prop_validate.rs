//! Property test of the input rules (`adapter_core::validate`): on a seed
//! corpus of known-nasty inputs and thousands of generated ones, every check
//! returns (never panics), refuses with `AUTH_INVALID_INPUT` only, and agrees
//! with a plain reference model of the rules written from the contract.
//!
//! The generator is a hand-rolled, seeded xorshift (no dependency): the same
//! cases every run, a few thousand of them, well under a second.

use adapter_core::validate;
use serde_json::{json, Map, Value};

/// xorshift64*: deterministic, good enough to spread cases.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces that hostile strings are made of.
const PIECES: &[&str] = &[
    "", "\0", "a", "Z", "_", "1", "é", "🦀", "$", ".", " ", "-", ":", "{", "}", "*", "?", "[", "'",
    "\"", "\\", "%", "\u{1}", "\u{1f}", "\u{7f}", "\u{202e}", "\u{2066}", "\u{200b}", "\u{feff}",
    "\u{ffff}", "id", "_id", "__v", "$ne", "a.b",
];

fn string(gen: &mut Gen) -> String {
    match gen.below(6) {
        // near the 512-byte boundary, with multi-byte characters at the edge
        0 => {
            let filler = "x".repeat(500 + gen.below(14));
            format!("{filler}{}", gen.pick(PIECES))
        }
        1 => gen.pick(PIECES).repeat(gen.below(200)),
        // near the 63-byte key boundary
        2 => "k".repeat(60 + gen.below(6)),
        _ => (0..gen.below(8)).map(|_| *gen.pick(PIECES)).collect(),
    }
}

fn value(gen: &mut Gen, depth: usize) -> Value {
    match gen.below(if depth > 36 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(gen.below(2) == 0),
        2 => json!(gen.next() as i64),
        3 => gen
            .pick(&[
                json!(u64::MAX),
                json!(i64::MIN),
                json!(2.5),
                json!(-0.0),
                json!(1e300),
            ])
            .clone(),
        4 => Value::String(string(gen)),
        5 => Value::Array((0..gen.below(3)).map(|_| value(gen, depth + 1)).collect()),
        // a deep chain, to cross the nesting limit
        6 if gen.below(4) == 0 => (0..30 + gen.below(6)).fold(json!(1), |inner, _| json!([inner])),
        _ => Value::Object(
            (0..gen.below(3))
                .map(|_| (string(gen), value(gen, depth + 1)))
                .collect(),
        ),
    }
}

// ---- the reference model, written from the contract ----

fn model_key(value: &str) -> bool {
    !value.is_empty() && value.len() <= 512 && !value.contains('\0')
}

fn model_data_key(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63
        && !["id", "_id", "__v", "provider_id", "hashed_password"].contains(&name)
}

/// How many containers enclose the most deeply nested element of `value`.
fn depth_of(value: &Value) -> usize {
    let children: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    };
    children
        .into_iter()
        .map(|child| 1 + depth_of(child))
        .max()
        .unwrap_or(0)
}

fn model_value(value: &Value) -> bool {
    fn ok(value: &Value) -> bool {
        match value {
            Value::Number(n) => n.is_i64() || n.is_f64(),
            Value::String(text) => !text.contains('\0'),
            Value::Array(items) => items.iter().all(ok),
            Value::Object(map) => map.iter().all(|(key, item)| {
                !key.contains('\0') && !key.starts_with('$') && !key.contains('.') && ok(item)
            }),
            Value::Null | Value::Bool(_) => true,
        }
    }
    // no element may sit inside more than 32 containers
    depth_of(value) <= 32 && ok(value)
}

fn agrees(
    what: &str,
    input: &dyn std::fmt::Debug,
    actual: Result<(), adapter_core::AdapterError>,
    expected: bool,
) {
    match actual {
        Ok(()) => assert!(expected, "{what}: accepted {input:?}, the model refuses it"),
        Err(err) => {
            assert_eq!(err.code(), "AUTH_INVALID_INPUT", "{what}: {input:?}: {err}");
            assert!(
                !expected,
                "{what}: refused {input:?} ({err}), the model accepts it"
            );
        }
    }
}

fn check_string(text: &str) {
    agrees("key", &text, validate::key("f", text), model_key(text));
    agrees(
        "user_data_key",
        &text,
        validate::user_data_key(text),
        model_data_key(text),
    );
    let as_value = Value::String(text.to_owned());
    agrees(
        "user_data_value",
        &text,
        validate::user_data_value("k", &as_value),
        model_value(&as_value),
    );
}

fn check_value(value: &Value) {
    agrees(
        "user_data_value",
        value,
        validate::user_data_value("k", value),
        model_value(value),
    );
    let data: Map<String, Value> = [("profile".to_owned(), value.clone())]
        .into_iter()
        .collect();
    agrees(
        "user_data",
        value,
        validate::user_data(&data),
        model_value(value),
    );
}

#[test]
fn the_seed_corpus_agrees_with_the_model() {
    let mut corpus: Vec<String> = PIECES.iter().map(|p| p.to_string()).collect();
    corpus.extend([
        "x".repeat(512),
        "x".repeat(513),
        "🦀".repeat(128),
        format!("{}x", "🦀".repeat(128)),
        format!("{}🦀", "x".repeat(509)),
        format!("{}é", "x".repeat(511)),
        "k".repeat(63),
        "k".repeat(64),
        "' OR 1=1 --".into(),
        "email\" = 'x'; --".into(),
        "u:{1}".into(),
        "profile.name".into(),
        "$set".into(),
        "hashed_password".into(),
        "provider_id".into(),
    ]);
    for text in &corpus {
        check_string(text);
    }
    let deep = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!([inner]));
    for value in [
        json!({"$ne": null}),
        json!({"a.b": 1}),
        json!({"a\u{0}b": 1}),
        json!([{"$gt": ""}]),
        json!(u64::MAX),
        json!(i64::MIN),
        json!({"ne": null, "list": [1, "$ne"]}),
        deep(32),
        deep(33),
        deep(34),
    ] {
        check_value(&value);
    }
}

#[test]
fn generated_inputs_agree_with_the_model() {
    let mut gen = Gen(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3_000 {
        check_string(&string(&mut gen));
        check_value(&value(&mut gen, 0));
    }
}
