//! The adapter and its floor for a URL: the same pool or store under both sides.

use std::sync::Arc;

use adapters::BackendKind;

use super::workload::{AdapterWorkload, Floor, Workload};

/// Both sides of a benchmark over one backend.
pub struct Sides {
    /// Through the adapter.
    pub adapter: Arc<dyn Workload>,
    /// The raw driver over the same pool.
    pub floor: Arc<dyn Floor>,
}

/// Opens `url` and builds both sides over the same connection pool.
pub async fn open_sides(kind: BackendKind, url: &str) -> anyhow::Result<Sides> {
    let _ = url;
    match kind {
        BackendKind::Memory => {
            let adapter = adapters::memory::MemoryAdapter::new();
            let floor = super::floor_memory::MemoryFloor::new(adapter.raw());
            Ok(Sides {
                adapter: Arc::new(AdapterWorkload(Arc::new(adapter))),
                floor: Arc::new(floor),
            })
        }
        other => anyhow::bail!(
            "`adapter bench` has no floor for {} in this build",
            other.name()
        ),
    }
}
