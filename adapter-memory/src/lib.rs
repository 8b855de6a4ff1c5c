//! The reference backend of the auth adapters: every rule of the contract
//! (`adapter-core`), in one process, with no server.
//!
//! Third parties read this crate first to learn the semantics: `store.rs`
//! holds every rule as plain code over maps, `adapter.rs` the trait impls.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use adapter_core::{Adapter, NewUser, Session, SessionAdapter, UserAdapter};
//! use adapter_memory::MemoryAdapter;
//!
//! let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
//! adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
//! adapter.set_session(&Session { access_token: "at".into(), user_id: "u1".into(), expires: i64::MAX }).await?;
//! let (_, user) = adapter.get_session_and_user("at").await?.unwrap();
//! assert_eq!(user.id, "u1");
//! # Ok::<(), adapter_core::AdapterError>(()) }).unwrap();
//! ```

mod adapter;
mod builder;
mod raw;
mod store;

pub use adapter::MemoryAdapter;
pub use builder::MemoryAdapterBuilder;
pub use raw::RawStore;
