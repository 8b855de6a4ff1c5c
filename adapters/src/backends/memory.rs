//! `memory:`: a fresh in-process store per call.

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

#[cfg(feature = "memory")]
pub(crate) async fn open(_url: &str, _options: &Options) -> Result<Store, ConnectError> {
    use std::sync::Arc;
    let adapter = adapter_memory::MemoryAdapter::new();
    Ok(Store {
        kind: BackendKind::Memory,
        maintenance: Arc::new(adapter.clone()),
        adapter: Arc::new(adapter),
    })
}

#[cfg(not(feature = "memory"))]
pub(crate) async fn open(_url: &str, _options: &Options) -> Result<Store, ConnectError> {
    Err(BackendKind::Memory.disabled())
}
