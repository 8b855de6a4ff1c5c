//! `memory:`: a fresh in-process store per call.

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

#[cfg(feature = "memory")]
pub(crate) async fn open(
    _url: &str,
    _options: &Options,
    clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    use std::sync::Arc;
    let adapter = adapter_memory::MemoryAdapter::builder()
        .clock(clock)
        .build();
    Ok(Store {
        kind: BackendKind::Memory,
        maintenance: Arc::new(adapter.clone()),
        adapter: Arc::new(adapter),
    })
}

#[cfg(not(feature = "memory"))]
pub(crate) async fn open(
    _url: &str,
    _options: &Options,
    _clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    Err(BackendKind::Memory.disabled())
}
