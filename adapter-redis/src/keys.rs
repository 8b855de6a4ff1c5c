//! The whole Redis key layout of the adapter, in one place.
//!
//! With a prefix `P`, and `hex(x)` the lowercase hex of the bytes of `x`:
//!
//! | key | type | holds | TTL |
//! |---|---|---|---|
//! | `P:s:{hex(access_token)}` | string | the session record (versioned JSON) | `PXAT expires + grace` |
//! | `P:r:{hex(refresh_token)}` | string | the refresh-token record (versioned JSON) | none |
//! | `P:us:{hex(user_id)}` | sorted set | the user's access tokens, scored by their key's expiry instant | the latest member's expiry |
//! | `P:ur:{hex(user_id)}` | set | the user's refresh tokens | none |
//! | `P:x:{bNN}` | sorted set | access tokens by `expires`, in [`EXPIRY_BUCKETS`] buckets, for `delete_expired_sessions` | the latest member's key expiry |
//!
//! Only the hex form of an id or token is ever put inside `{…}`, so the hash
//! tag (and with it the cluster slot) is decided by the token or user id
//! alone, and `:`, `{`, `}` in an id can neither change the routing nor make
//! two keys collide: hex is injective and never holds those characters, and
//! every key kind has its own fixed marker. The prefix may not hold `{` or
//! `}` (it would take over the hash tag).
//!
//! Every atomic multi-key step touches keys of one hash tag only: the record
//! scripts use a single key, the index scripts a single index key.

/// How many `delete_expired_sessions` buckets the expiry index is spread over.
pub const EXPIRY_BUCKETS: u32 = 16;

/// Builds every key of one adapter, under one prefix.
///
/// ```
/// use adapter_redis::keys::KeyLayout;
/// let keys = KeyLayout::new("app").unwrap();
/// assert_eq!(keys.session("ab"), "app:s:{6162}");
/// assert_eq!(keys.user_sessions("u:1"), "app:us:{753a31}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLayout {
    prefix: String,
}

impl KeyLayout {
    /// A layout under `prefix`: 1 to 128 bytes, without `{`, `}`, NUL or whitespace.
    pub fn new(prefix: &str) -> Result<Self, String> {
        if prefix.is_empty() || prefix.len() > 128 {
            return Err("the key prefix must be 1 to 128 bytes".into());
        }
        if prefix
            .chars()
            .any(|c| matches!(c, '{' | '}' | '\0') || c.is_whitespace())
        {
            return Err("the key prefix must not hold '{', '}', NUL or whitespace".into());
        }
        Ok(Self {
            prefix: prefix.to_owned(),
        })
    }

    /// The prefix every key starts with (followed by `:`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The key of the session record with this access token.
    pub fn session(&self, access_token: &str) -> String {
        self.tagged("s", access_token)
    }

    /// The key of this refresh token's record.
    pub fn refresh_token(&self, refresh_token: &str) -> String {
        self.tagged("r", refresh_token)
    }

    /// The key of the user's session index (sorted set of access tokens).
    pub fn user_sessions(&self, user_id: &str) -> String {
        self.tagged("us", user_id)
    }

    /// The key of the user's refresh-token index (set of refresh tokens).
    pub fn user_refresh_tokens(&self, user_id: &str) -> String {
        self.tagged("ur", user_id)
    }

    /// The expiry bucket an access token is filed in.
    pub fn expiry_bucket_of(&self, access_token: &str) -> String {
        self.expiry_bucket(bucket_number(access_token))
    }

    /// Expiry bucket `number` (`0..EXPIRY_BUCKETS`).
    pub fn expiry_bucket(&self, number: u32) -> String {
        format!("{}:x:{{b{:02}}}", self.prefix, number % EXPIRY_BUCKETS)
    }

    /// Every expiry bucket.
    pub fn expiry_buckets(&self) -> impl Iterator<Item = String> + '_ {
        (0..EXPIRY_BUCKETS).map(|number| self.expiry_bucket(number))
    }

    /// A `SCAN MATCH` pattern for every key of this layout (for test cleanup
    /// and tooling only; the adapter never scans).
    pub fn scan_pattern(&self) -> String {
        let mut pattern = String::with_capacity(self.prefix.len() + 3);
        for c in self.prefix.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push_str(":*");
        pattern
    }

    fn tagged(&self, kind: &str, id: &str) -> String {
        format!("{}:{kind}:{{{}}}", self.prefix, hex(id))
    }
}

/// The lowercase hex of the bytes of `text`: injective, and free of `{`, `}`, `:`.
pub fn hex(text: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// FNV-1a of the token, folded into `0..EXPIRY_BUCKETS`.
fn bucket_number(access_token: &str) -> u32 {
    let hash = access_token.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % EXPIRY_BUCKETS
}

/// The hash tag Redis Cluster routes `key` by: the content of the first
/// `{…}` when non-empty, else the whole key.
pub fn hash_tag(key: &str) -> &str {
    if let Some(open) = key.find('{') {
        if let Some(len) = key[open + 1..].find('}') {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test may unwrap what it built itself
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn hostile_ids() -> Vec<String> {
        let mut ids: Vec<String> = [
            "u1", "u:1", "u1:", ":u1", "{u1}", "{", "}", "{}", "}{", "u{1}", "a:s:{b}", "6162",
            "ab", "us", "s", "r", "x:{b01}", "🦀", "Zoë", "a b", "a\\b", "*", "u[1]", "%",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        ids.push("x".repeat(512));
        ids.push(format!("{}y", "x".repeat(511)));
        ids
    }

    #[test]
    fn every_key_of_every_kind_is_distinct_for_distinct_ids() {
        let keys = KeyLayout::new("p").unwrap();
        let mut seen: HashMap<String, (String, String)> = HashMap::new();
        for id in hostile_ids() {
            for (kind, key) in [
                ("session", keys.session(&id)),
                ("refresh", keys.refresh_token(&id)),
                ("user_sessions", keys.user_sessions(&id)),
                ("user_refresh", keys.user_refresh_tokens(&id)),
            ] {
                if let Some(previous) = seen.insert(key.clone(), (kind.into(), id.clone())) {
                    panic!("{key} is both {previous:?} and ({kind}, {id})");
                }
            }
        }
        for bucket in keys.expiry_buckets() {
            assert!(!seen.contains_key(&bucket), "{bucket}");
        }
    }

    #[test]
    fn the_hash_tag_is_the_hex_of_the_id_whatever_braces_it_holds() {
        let keys = KeyLayout::new("p").unwrap();
        for id in hostile_ids() {
            assert_eq!(hash_tag(&keys.session(&id)), hex(&id));
            assert_eq!(hash_tag(&keys.user_sessions(&id)), hex(&id));
            assert_eq!(hash_tag(&keys.user_refresh_tokens(&id)), hex(&id));
        }
    }

    #[test]
    fn hex_is_injective_and_brace_free() {
        let ids = hostile_ids();
        for a in &ids {
            assert!(!hex(a).contains(['{', '}', ':']));
            for b in &ids {
                assert_eq!(a == b, hex(a) == hex(b), "{a:?} {b:?}");
            }
        }
        assert_eq!(hex("\u{1}:"), "013a");
    }

    #[test]
    fn prefixes_that_would_steal_the_hash_tag_are_refused() {
        for bad in ["", "a{b", "a}b", "a b", "a\0b"] {
            assert!(KeyLayout::new(bad).is_err(), "{bad:?}");
        }
        assert!(KeyLayout::new("auth:test_1").is_ok());
    }

    #[test]
    fn scan_patterns_escape_glob_characters() {
        assert_eq!(KeyLayout::new("a*b").unwrap().scan_pattern(), "a\\*b:*");
    }

    #[test]
    fn buckets_are_stable_and_in_range() {
        let keys = KeyLayout::new("p").unwrap();
        assert_eq!(keys.expiry_bucket_of("t"), keys.expiry_bucket_of("t"));
        assert_eq!(keys.expiry_buckets().count(), EXPIRY_BUCKETS as usize);
        assert!((0..1000).all(|i| bucket_number(&i.to_string()) < EXPIRY_BUCKETS));
    }
}
