//! The records the adapters store and return. Their `Debug` hides tokens and
//! password hashes (see `redact.rs`).

use serde::{Deserialize, Serialize};

/// Every stored user field other than `id`, `provider_id` and `hashed_password`,
/// keyed by field (Mongo) or column (SQL) name.
pub type UserData = serde_json::Map<String, serde_json::Value>;

/// A stored user.
///
/// ```
/// use adapter_core::User;
/// let user = User {
///     id: "u1".into(),
///     provider_id: "email:ada@example.com".into(),
///     hashed_password: None,
///     user_data: Default::default(),
/// };
/// assert_eq!(user.id, "u1");
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id, unique per store.
    pub id: String,
    /// `"provider:identifier"`, e.g. `"email:ada@example.com"`; unique per store.
    pub provider_id: String,
    /// The password hash, or `None` for users without a password (OAuth).
    pub hashed_password: Option<String>,
    /// Every other stored field, verbatim.
    pub user_data: UserData,
}

/// A session, keyed by its access token.
///
/// ```
/// use adapter_core::Session;
/// let session = Session { access_token: "at".into(), user_id: "u1".into(), expires: 1_000 };
/// assert!(session.is_live_at(1_000));
/// assert!(!session.is_live_at(1_001));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The bearer token that names this session; unique per store.
    pub access_token: String,
    /// The owner's user id.
    pub user_id: String,
    /// Expiry instant in milliseconds since the Unix epoch.
    pub expires: i64,
}

impl Session {
    /// Whether the session is live at `now_ms`: live while `now <= expires`.
    pub fn is_live_at(&self, now_ms: i64) -> bool {
        crate::clock::is_live(self.expires, now_ms)
    }
}

/// A refresh token and its owner. Refresh tokens do not expire; they are consumed.
///
/// ```
/// use adapter_core::RefreshToken;
/// let token = RefreshToken { refresh_token: "rt".into(), user_id: "u1".into() };
/// assert_eq!(token.user_id, "u1");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshToken {
    /// The token itself; unique per store.
    pub refresh_token: String,
    /// The owner's user id.
    pub user_id: String,
}

/// What `set_user` stores.
///
/// ```
/// use adapter_core::NewUser;
/// let mut user = NewUser::new("email:ada@example.com");
/// user.user_data.insert("user_email".into(), "ada@example.com".into());
/// assert!(user.hashed_password.is_none());
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewUser {
    /// `"provider:identifier"`.
    pub provider_id: String,
    /// The password hash, if any.
    pub hashed_password: Option<String>,
    /// Further fields to store; absent keys are not written.
    pub user_data: UserData,
}

impl NewUser {
    /// A user with only a provider id.
    pub fn new(provider_id: impl Into<String>) -> Self {
        Self {
            provider_id: provider_id.into(),
            ..Self::default()
        }
    }
}

/// What `update_user` changes; every field left at its default leaves the stored value alone.
///
/// ```
/// use adapter_core::UserUpdate;
/// let clear_password = UserUpdate { hashed_password: Some(None), ..Default::default() };
/// assert!(!clear_password.is_empty());
/// assert!(UserUpdate::default().is_empty());
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserUpdate {
    /// `None`: leave as is.
    pub provider_id: Option<String>,
    /// `None`: leave as is; `Some(None)`: clear; `Some(Some(h))`: set.
    pub hashed_password: Option<Option<String>>,
    /// Keys present are set (`Null` sets null); absent keys are untouched.
    pub user_data: UserData,
}

impl UserUpdate {
    /// Whether the update changes nothing.
    pub fn is_empty(&self) -> bool {
        self.provider_id.is_none() && self.hashed_password.is_none() && self.user_data.is_empty()
    }
}
