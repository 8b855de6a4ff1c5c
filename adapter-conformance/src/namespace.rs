//! Names that confine one scenario's data: `[a-z0-9_]`, at most 40 bytes,
//! unique per run (time, process id and a counter).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A fresh namespace, e.g. `cf_lq2x9a_4242_17`.
pub(crate) fn fresh() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    format!(
        "cf_{}_{}_{}",
        base36(secs),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn base36(mut value: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn namespaces_are_short_portable_and_distinct() {
        let first = super::fresh();
        let second = super::fresh();
        assert_ne!(first, second);
        for name in [first, second] {
            assert!(name.len() <= 40, "{name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
        }
    }
}
