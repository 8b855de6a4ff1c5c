//! The facade's own URL query options, split from the driver's.
//!
//! | option | backends | meaning | default |
//! |---|---|---|---|
//! | `pool_size` | sqlite, postgres, mysql, mongo | most connections in the pool, 1 to 10 000 | driver's |
//! | `connect_timeout_ms` | postgres, mysql, mongo, redis | give up connecting (and, for Redis, a reply) after this long, 1 to 600 000 | 5000 |
//! | `users`, `sessions`, `refresh_tokens` | sqlite, postgres, mysql, mongo | table or collection names | SQL: `user`, `session`, `refresh_token`; Mongo: `users`, `sessions`, `refresh_tokens` |
//! | `key_prefix` | redis | prefix of every key | `auth` |
//! | `setup` | sqlite, postgres, mysql, mongo | `create`: create what is missing, then verify; `verify`: only verify; `skip`: neither (SQL: as `verify`, the user columns are read in any case) | `create` |
//! | `hashed_tokens` | every backend | `true`: store SHA-256 digests of access and refresh tokens instead of the tokens ([`adapter_core::HashedTokens`]); not readable by the JS Mongoose adapter | `false` |
//!
//! Every other query parameter is passed to the driver unchanged.

use std::time::Duration;

use crate::ConnectError;

/// What to do about the schema or indexes when connecting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Setup {
    /// Create what is missing, then verify everything.
    #[default]
    Create,
    /// Verify only; a missing or different schema is an error.
    Verify,
    /// Neither: the operator manages the schema.
    Skip,
}

/// The options [`connect`](crate::connect) reads from a URL's query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `pool_size`.
    pub pool_size: Option<u32>,
    /// `connect_timeout_ms`.
    pub connect_timeout: Option<Duration>,
    /// `users`.
    pub users: Option<String>,
    /// `sessions`.
    pub sessions: Option<String>,
    /// `refresh_tokens`.
    pub refresh_tokens: Option<String>,
    /// `key_prefix`.
    pub key_prefix: Option<String>,
    /// `setup`.
    pub setup: Setup,
    /// `hashed_tokens`.
    pub hashed_tokens: bool,
}

/// A URL taken apart: its scheme, our options and what is left for the driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedUrl {
    pub scheme: String,
    pub driver_url: String,
    pub options: Options,
}

/// Splits our options out of `url`'s query, leaving the rest for the driver.
pub(crate) fn parse(url: &str) -> Result<ParsedUrl, ConnectError> {
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase())
        .ok_or_else(|| ConnectError::UnknownScheme {
            scheme: url.chars().take(20).collect(),
        })?;
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut options = Options::default();
    let mut driver_params = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !take_option(&mut options, name, value)? {
            driver_params.push(pair);
        }
    }
    let driver_url = if driver_params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", driver_params.join("&"))
    };
    Ok(ParsedUrl {
        scheme,
        driver_url,
        options,
    })
}

/// The most connections `pool_size` may ask for (drivers allocate per slot up front).
const MAX_POOL_SIZE: u32 = 10_000;
/// The longest `connect_timeout_ms`: ten minutes.
const MAX_CONNECT_TIMEOUT_MS: u64 = 600_000;

/// Reads one of our options into `options`; false when `name` is the driver's.
fn take_option(options: &mut Options, name: &str, value: &str) -> Result<bool, ConnectError> {
    let invalid = |reason: &str| ConnectError::InvalidOption {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    match name {
        "pool_size" => {
            let size: u32 = value
                .parse()
                .map_err(|_| invalid("expected a whole number of connections"))?;
            if !(1..=MAX_POOL_SIZE).contains(&size) {
                return Err(invalid(&format!("must be 1 to {MAX_POOL_SIZE}")));
            }
            options.pool_size = Some(size);
        }
        "connect_timeout_ms" => {
            let ms: u64 = value
                .parse()
                .map_err(|_| invalid("expected milliseconds"))?;
            if !(1..=MAX_CONNECT_TIMEOUT_MS).contains(&ms) {
                return Err(invalid(&format!(
                    "must be 1 to {MAX_CONNECT_TIMEOUT_MS} ms"
                )));
            }
            options.connect_timeout = Some(Duration::from_millis(ms));
        }
        "users" | "sessions" | "refresh_tokens" | "key_prefix" => {
            if value.is_empty()
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(invalid("expected letters, digits, '_' or '-'"));
            }
            let slot = match name {
                "users" => &mut options.users,
                "sessions" => &mut options.sessions,
                "refresh_tokens" => &mut options.refresh_tokens,
                _ => &mut options.key_prefix,
            };
            *slot = Some(value.to_owned());
        }
        "setup" => {
            options.setup = match value {
                "create" => Setup::Create,
                "verify" => Setup::Verify,
                "skip" => Setup::Skip,
                _ => return Err(invalid("expected create, verify or skip")),
            };
        }
        "hashed_tokens" => {
            options.hashed_tokens = match value {
                "true" => true,
                "false" => false,
                _ => return Err(invalid("expected true or false")),
            };
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// `url` with more query parameters for the driver.
#[cfg_attr(not(feature = "mongo"), allow(dead_code))]
pub(crate) fn with_driver_params(url: &str, params: &[String]) -> String {
    if params.is_empty() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_options_are_taken_and_the_rest_left_for_the_driver() {
        let parsed =
            parse("postgres://u@h/db?sslmode=disable&pool_size=4&users=accounts&setup=verify")
                .expect("valid");
        assert_eq!(parsed.scheme, "postgres");
        assert_eq!(parsed.driver_url, "postgres://u@h/db?sslmode=disable");
        assert_eq!(parsed.options.pool_size, Some(4));
        assert_eq!(parsed.options.users.as_deref(), Some("accounts"));
        assert_eq!(parsed.options.setup, Setup::Verify);
        assert!(!parsed.options.hashed_tokens);
        let hashed = parse("sqlite:a.db?hashed_tokens=true").expect("valid");
        assert!(hashed.options.hashed_tokens);
        assert_eq!(hashed.driver_url, "sqlite:a.db");
    }

    #[test]
    fn malformed_options_are_refused_by_name() {
        for url in [
            "sqlite:a.db?pool_size=0",
            "sqlite:a.db?pool_size=x",
            "sqlite:a.db?setup=yes",
            "sqlite:a.db?hashed_tokens=yes",
            "sqlite:a.db?pool_size=4294967295",
            "postgres://h/db?connect_timeout_ms=0",
            "postgres://h/db?connect_timeout_ms=18446744073709551615",
            "sqlite:a.db?users=a;drop",
            "redis://h?key_prefix=",
        ] {
            assert!(
                matches!(parse(url), Err(ConnectError::InvalidOption { .. })),
                "{url}"
            );
        }
    }

    #[test]
    fn a_url_without_a_scheme_is_refused() {
        assert!(matches!(
            parse("adapter.db"),
            Err(ConnectError::UnknownScheme { .. })
        ));
    }
}
