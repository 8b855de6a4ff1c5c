//! MongoDB adapter for the auth storage contract of `adapter-core`, on the
//! official `mongodb` driver.
//!
//! It reads and writes the documents the JS Lucia Mongoose adapter
//! (`adapter(mongoose, url)`, models `user`, `session`, `refresh_token`)
//! wrote, so a Rust service and a JS app can share one database:
//!
//! | collection | document |
//! |---|---|
//! | `users` | `_id` (string), `provider_id`, `hashed_password` (null when none), each user-data key, `__v: 0` |
//! | `sessions` | `_id` (ObjectId), `access_token`, `user_id`, `expires` (int64; read from int32, int64 or double), `__v: 0` |
//! | `refresh_tokens` | `_id` (ObjectId), `refresh_token`, `user_id`, `__v: 0` |
//!
//! Setup builds the unique indexes `provider_id_1`, `access_token_1`,
//! `refresh_token_1` as Mongoose does, plus `user_id_1` on both token
//! collections, and accepts the ones Mongoose already built. Duplicate keys
//! are classified by index name; other unique indexes on `users` (say
//! `user_email_1`) give [`adapter_core::AdapterError::DuplicateUserData`]
//! naming their field. Nothing needs a replica set or a transaction.
//!
//! ```no_run
//! # async fn demo() -> Result<(), adapter_core::AdapterError> {
//! use std::sync::Arc;
//! use adapter_core::{Adapter, NewUser, Session, SessionAdapter, UserAdapter};
//!
//! let adapter = adapter_mongo::MongoAdapter::connect("mongodb://127.0.0.1:27017/app").await?;
//! let id = adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
//! adapter
//!     .set_session(&Session { access_token: "at".into(), user_id: id, expires: i64::MAX })
//!     .await?;
//! let shared: Arc<dyn Adapter> = Arc::new(adapter);
//! assert!(shared.get_user_by_access_token("at").await?.is_some());
//! # Ok(()) }
//! ```

mod adapter;
mod codec;
#[cfg(test)]
mod codec_props;
mod config;
mod documents;
mod error;
mod indexes;
mod maintenance;

pub use adapter::MongoAdapter;
/// Hides the passwords of a connection URL (the one function every crate uses).
pub use adapter_core::redact_url;
pub use config::{
    CollectionNames, MongoAdapterBuilder, DEFAULT_DATABASE, DEFAULT_SERVER_SELECTION_TIMEOUT,
};
pub use error::ServerFailure;
pub use indexes::IndexSetupError;
