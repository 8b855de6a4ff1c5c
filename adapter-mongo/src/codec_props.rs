//! Property test of the user-data value mapping ([`crate::codec`]), on a seed
//! corpus and thousands of generated values, both ways:
//!
//! - any JSON value the shared rules accept is written without panicking and
//!   reads back as exactly that value (or is refused as `InvalidInput`, never
//!   changed);
//! - any BSON value a JS app may have stored reads as relaxed Extended JSON
//!   that the rules accept and that is written back as the same BSON value
//!   (an int64 that fits int32 is written as int32: the same JSON number);
//! - malformed Extended JSON wrappers are `InvalidInput`, never a panic.
//!
//! The generator is a seeded xorshift64*: the same cases every run.

use bson::{oid::ObjectId, spec::BinarySubtype, Binary, Bson, DateTime, Decimal128, Timestamp};
use serde_json::{json, Value};

use crate::codec::{mask_typed_values, to_bson, to_json, TYPED_VALUE_KEYS};

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
}

const TEXTS: &[&str] = &[
    "",
    "Zoë 🦀",
    "{\"$ne\": null}",
    "$where",
    "a.b",
    "'; DROP TABLE users; --",
    "\u{1}\u{7f}\u{202e}\u{200b}",
    "1970-01-01T00:00:00Z",
    "64b7f0c2e4b0a1a2b3c4d5e6",
];

/// Field names a nested document may hold (the rules refuse `$…` and dotted ones).
const NAMES: &[&str] = &["a", "at", "n", "list", "_x", "Zoë", "🦀", "k k"];

fn json_value(gen: &mut Gen, depth: usize) -> Value {
    match gen.below(if depth > 3 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(gen.below(2) == 0),
        2 => json!(gen.next() as i64),
        3 => {
            let float = f64::from_bits(gen.next());
            if float.is_finite() {
                json!(float)
            } else {
                json!(-0.0)
            }
        }
        4 => [
            json!(0),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(i32::MIN),
            json!(i32::MAX),
            json!(2.0),
            json!(1e308),
        ][gen.below(7)]
        .clone(),
        5 => json!(TEXTS[gen.below(TEXTS.len())]),
        6 => Value::Array(
            (0..gen.below(4))
                .map(|_| json_value(gen, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..gen.below(4))
                .map(|_| {
                    (
                        NAMES[gen.below(NAMES.len())].to_owned(),
                        json_value(gen, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

fn bson_value(gen: &mut Gen, depth: usize) -> Bson {
    match gen.below(if depth > 3 { 15 } else { 17 }) {
        0 => Bson::Null,
        1 => Bson::Boolean(gen.below(2) == 0),
        2 => Bson::Int32(gen.next() as i32),
        3 => Bson::Int64(gen.next() as i64),
        4 => Bson::Double(f64::from_bits(gen.next())),
        5 => Bson::String(TEXTS[gen.below(TEXTS.len())].to_owned()),
        // Dates far outside 1970..9999 too: relaxed Extended JSON writes those as $numberLong.
        6 => Bson::DateTime(DateTime::from_millis(gen.next() as i64 / 1000)),
        7 => Bson::DateTime(DateTime::from_millis(
            1_796_400_000_000 + (gen.below(1000) as i64),
        )),
        8 => Bson::ObjectId(ObjectId::from_bytes(
            gen.next().to_le_bytes().repeat(2)[..12]
                .try_into()
                .unwrap_or([0; 12]),
        )),
        9 => Bson::Decimal128(
            ["1.50", "-0", "1E+6144", "NaN", "12345678901234567890.5"][gen.below(5)]
                .parse::<Decimal128>()
                .unwrap_or_else(|_| Decimal128::from_bytes([0; 16])),
        ),
        10 => Bson::Binary(Binary {
            subtype: [
                BinarySubtype::Generic,
                BinarySubtype::Uuid,
                BinarySubtype::UserDefined(0x80),
            ][gen.below(3)],
            bytes: gen.next().to_le_bytes()[..gen.below(9)].to_vec(),
        }),
        11 => Bson::Timestamp(Timestamp {
            time: gen.next() as u32,
            increment: gen.next() as u32,
        }),
        12 => Bson::RegularExpression(bson::Regex {
            pattern: "^u_1$".into(),
            options: "i".into(),
        }),
        13 => Bson::MinKey,
        14 => Bson::MaxKey,
        15 => Bson::Array(
            (0..gen.below(4))
                .map(|_| bson_value(gen, depth + 1))
                .collect(),
        ),
        _ => Bson::Document(
            (0..gen.below(4))
                .map(|_| {
                    (
                        NAMES[gen.below(NAMES.len())].to_owned(),
                        bson_value(gen, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

/// Whether the rules accept `value` as user data (typed-value wrappers allowed).
fn accepted(value: &Value) -> bool {
    let mut data = adapter_core::UserData::new();
    data.insert("field".into(), value.clone());
    adapter_core::validate::user_data(&mask_typed_values(&data)).is_ok()
}

/// Written, then read back: the same BSON, with the one documented change
/// (an int64 that fits int32 becomes int32) and NaN equal to NaN.
fn same_bson(original: &Bson, back: &Bson) -> bool {
    match (original, back) {
        (Bson::Double(a), Bson::Double(b)) => {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
        }
        (Bson::Int64(a), Bson::Int32(b)) => *a == i64::from(*b),
        (Bson::Array(a), Bson::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_bson(x, y))
        }
        (Bson::Document(a), Bson::Document(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_bson(va, vb))
        }
        _ => original == back,
    }
}

fn json_round_trip(value: &Value) {
    if !accepted(value) {
        return;
    }
    match to_bson("field", value) {
        Ok(written) => {
            let read = to_json(written.clone());
            assert_eq!(&read, value, "{value} was written as {written:?}");
        }
        Err(err) => assert_eq!(err.code(), "AUTH_INVALID_INPUT", "{value}: {err}"),
    }
}

fn bson_round_trip(stored: &Bson) {
    let read = to_json(stored.clone());
    assert!(
        accepted(&read),
        "{stored:?} reads as {read}, which the rules refuse"
    );
    let written = to_bson("field", &read)
        .unwrap_or_else(|err| panic!("{stored:?} read as {read} cannot be written back: {err}"));
    assert!(
        same_bson(stored, &written),
        "{stored:?} read as {read} is written back as {written:?}"
    );
}

#[test]
fn the_seed_corpus_maps_both_ways() {
    let json_corpus = [
        json!(null),
        json!(0),
        json!(-0.0),
        json!(2.0),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(i32::MAX as i64 + 1),
        json!(f64::MIN_POSITIVE),
        json!(1e308),
        json!("Zoë 🦀"),
        json!({"$date": "2026-12-04T00:00:00Z"}),
        json!({"$oid": "64b7f0c2e4b0a1a2b3c4d5e6"}),
        json!({"$numberDecimal": "1.50"}),
        json!({"a": [1, {"b": null}], "n": 2.5}),
        json!([]),
        json!({}),
    ];
    for value in &json_corpus {
        json_round_trip(value);
    }
    let bson_corpus = [
        Bson::Int32(i32::MIN),
        Bson::Int64(i64::MAX),
        Bson::Double(2_147_483_648.0),
        Bson::Double(f64::NAN),
        Bson::Double(f64::INFINITY),
        Bson::Double(-0.0),
        Bson::DateTime(DateTime::from_millis(i64::MIN)),
        Bson::DateTime(DateTime::from_millis(253_402_300_800_000)),
        Bson::Symbol("s".into()),
        Bson::Undefined,
        Bson::JavaScriptCode("1".into()),
    ];
    for value in &bson_corpus {
        bson_round_trip(value);
    }
}

#[test]
fn generated_values_map_both_ways() {
    let mut gen = Gen(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3_000 {
        json_round_trip(&json_value(&mut gen, 0));
        bson_round_trip(&bson_value(&mut gen, 0));
    }
}

#[test]
fn malformed_wrappers_are_invalid_input() {
    let mut gen = Gen(0x2545_f491_4f6c_dd1d);
    let wrappers = TYPED_VALUE_KEYS;
    for _ in 0..2_000 {
        let key = wrappers[gen.below(wrappers.len())];
        let inner = json_value(&mut gen, 2);
        let wrapper = json!({ key: inner });
        if let Err(err) = to_bson("field", &wrapper) {
            assert_eq!(err.code(), "AUTH_INVALID_INPUT", "{wrapper}: {err}");
        }
    }
}
