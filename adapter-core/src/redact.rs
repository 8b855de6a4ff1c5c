//! Secrets kept out of output: `Debug` for the records shows access and
//! refresh tokens and password hashes as their length and a short digest
//! prefix (enough to tell two apart in a log or a failed assertion, never
//! enough to use), and [`redact_url`] hides the passwords in a connection URL.

use std::fmt;

use crate::{token_digest, NewUser, RefreshToken, Session, User, UserUpdate};

/// Hex digits of the SHA-256 digest shown for a secret.
const FINGERPRINT_HEX: usize = 8;

/// A secret as `Debug` shows it: `<redacted 32 bytes, sha256:1a2b3c4d…>`.
struct Redacted<'a>(&'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digest = token_digest(self.0);
        let prefix_len = "sha256:".len() + FINGERPRINT_HEX;
        let fingerprint = digest.get(..prefix_len).unwrap_or(&digest);
        write!(f, "<redacted {} bytes, {fingerprint}…>", self.0.len())
    }
}

fn redacted_option(secret: &Option<String>) -> Option<Redacted<'_>> {
    secret.as_deref().map(Redacted)
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("hashed_password", &redacted_option(&self.hashed_password))
            .field("user_data", &self.user_data)
            .finish()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_token", &Redacted(&self.access_token))
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("refresh_token", &Redacted(&self.refresh_token))
            .field("user_id", &self.user_id)
            .finish()
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("provider_id", &self.provider_id)
            .field("hashed_password", &redacted_option(&self.hashed_password))
            .field("user_data", &self.user_data)
            .finish()
    }
}

impl fmt::Debug for UserUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserUpdate")
            .field("provider_id", &self.provider_id)
            .field(
                "hashed_password",
                &self.hashed_password.as_ref().map(redacted_option),
            )
            .field("user_data", &self.user_data)
            .finish()
    }
}

/// `url` with every password hidden: the password of each URL's user info
/// (also in a comma-separated list of URLs, or hosts) and the value of every
/// query parameter whose name ends in `password`. The one function every
/// crate shows connection URLs through.
///
/// ```
/// use adapter_core::redact_url;
/// assert_eq!(redact_url("postgres://app:s3cret@db:5432/auth"), "postgres://app:***@db:5432/auth");
/// assert_eq!(
///     redact_url("redis://:pw@a:1,redis://u:pw@b:2"),
///     "redis://:***@a:1,redis://u:***@b:2"
/// );
/// assert_eq!(redact_url("mysql://db/auth?password=s3cret&x=1"), "mysql://db/auth?password=***&x=1");
/// assert_eq!(redact_url("sqlite:adapter.db"), "sqlite:adapter.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut shown = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        shown.push_str(head);
        let authority_end = [tail.find(['/', '?', '#']), tail.find("://")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                let (user, password) = authority[..at]
                    .split_once(':')
                    .unwrap_or((&authority[..at], ""));
                shown.push_str(user);
                if !password.is_empty() {
                    shown.push_str(":***");
                }
                shown.push_str(&authority[at..]);
            }
            None => shown.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    shown.push_str(rest);
    redact_query_passwords(&shown)
}

/// The values of query parameters named `…password` replaced by `***`.
fn redact_query_passwords(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parameters: Vec<String> = query
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().ends_with("password") => {
                format!("{name}=***")
            }
            _ => parameter.to_owned(),
        })
        .collect();
    format!("{base}?{}", parameters.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "at-0123456789-secret";
    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

    fn assert_hidden(debug: &str, secret: &str) {
        assert!(!debug.contains(secret), "{debug} shows {secret}");
        assert!(
            debug.contains("<redacted"),
            "{debug} does not say it redacted"
        );
    }

    #[test]
    fn tokens_and_password_hashes_are_not_shown() {
        let session = Session {
            access_token: SECRET.into(),
            user_id: "u1".into(),
            expires: 7,
        };
        let debug = format!("{session:?}");
        assert_hidden(&debug, SECRET);
        assert!(
            debug.contains("\"u1\"") && debug.contains("expires: 7"),
            "{debug}"
        );

        let token = RefreshToken {
            refresh_token: SECRET.into(),
            user_id: "u1".into(),
        };
        assert_hidden(&format!("{token:?}"), SECRET);

        let user = User {
            id: "u1".into(),
            provider_id: "email:ada@example.com".into(),
            hashed_password: Some(HASH.into()),
            user_data: Default::default(),
        };
        let debug = format!("{user:#?}");
        assert_hidden(&debug, HASH);
        assert!(debug.contains("email:ada@example.com"), "{debug}");

        let new_user = NewUser {
            hashed_password: Some(HASH.into()),
            ..NewUser::new("email:ada@example.com")
        };
        assert_hidden(&format!("{new_user:?}"), HASH);

        let update = UserUpdate {
            hashed_password: Some(Some(HASH.into())),
            ..Default::default()
        };
        assert_hidden(&format!("{update:?}"), HASH);
    }

    #[test]
    fn different_secrets_show_different_fingerprints() {
        let shown = |token: &str| format!("{:?}", Redacted(token));
        assert_ne!(shown("token-a"), shown("token-b"));
        assert_eq!(shown("token-a"), shown("token-a"));
        assert!(shown("").starts_with("<redacted 0 bytes, sha256:"));
    }

    #[test]
    fn urls_show_no_password() {
        for (url, shown) in [
            (
                "postgres://app:s3cret@db:5432/auth",
                "postgres://app:***@db:5432/auth",
            ),
            (
                "mongodb://ada:s3c@ret@h1:1,h2:2/app?w=1",
                "mongodb://ada:***@h1:1,h2:2/app?w=1",
            ),
            ("mongodb://ada:pa,ss@h1/app", "mongodb://ada:***@h1/app"),
            (
                "redis://user:s3cret@host:6379/0",
                "redis://user:***@host:6379/0",
            ),
            (
                "redis+cluster://:pw@a:1,b:2",
                "redis+cluster://:***@a:1,b:2",
            ),
            (
                "redis://:pw@a:1,redis://:pw@b:2",
                "redis://:***@a:1,redis://:***@b:2",
            ),
            (
                "postgres://db/auth?sslpassword=k&password=p",
                "postgres://db/auth?sslpassword=***&password=***",
            ),
            ("mongodb://db/auth?x=1", "mongodb://db/auth?x=1"),
            (
                "postgres://postgres@127.0.0.1/db",
                "postgres://postgres@127.0.0.1/db",
            ),
            ("postgres://app:@db/auth", "postgres://app@db/auth"),
            ("memory:", "memory:"),
            ("", ""),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn absent_and_cleared_passwords_stay_visible_as_such() {
        let user = NewUser::new("p");
        assert!(format!("{user:?}").contains("hashed_password: None"));
        let clear = UserUpdate {
            hashed_password: Some(None),
            ..Default::default()
        };
        assert!(format!("{clear:?}").contains("hashed_password: Some(None)"));
    }
}
