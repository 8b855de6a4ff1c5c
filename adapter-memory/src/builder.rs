//! Configuration of a [`MemoryAdapter`].

use std::sync::Arc;

use adapter_core::{SharedClock, SystemClock, UserIdGenerator};

use crate::MemoryAdapter;

/// Builds a [`MemoryAdapter`].
///
/// ```
/// use std::sync::Arc;
/// use adapter_core::ManualClock;
/// use adapter_memory::MemoryAdapter;
///
/// let adapter = MemoryAdapter::builder()
///     .clock(Arc::new(ManualClock::new(0)))
///     .unique_user_data("user_email")
///     .id_generator(Arc::new(|| "generated".to_string()))
///     .build();
/// # let _ = adapter;
/// ```
#[derive(Clone)]
pub struct MemoryAdapterBuilder {
    pub(crate) clock: SharedClock,
    pub(crate) id_generator: Option<UserIdGenerator>,
    pub(crate) unique_fields: Vec<String>,
}

impl Default for MemoryAdapterBuilder {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            id_generator: None,
            unique_fields: Vec::new(),
        }
    }
}

impl std::fmt::Debug for MemoryAdapterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryAdapterBuilder")
            .field("clock", &self.clock)
            .field("id_generator", &self.id_generator.is_some())
            .field("unique_fields", &self.unique_fields)
            .finish()
    }
}

impl MemoryAdapterBuilder {
    /// The clock that decides expiry (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Makes ids for `set_user(None, ..)`; without one that call is `UserIdRequired`.
    pub fn id_generator(mut self, generator: UserIdGenerator) -> Self {
        self.id_generator = Some(generator);
        self
    }

    /// Declares a user-data field unique, as a unique column or index would:
    /// two users holding the same non-null value is `DuplicateUserData { field }`.
    pub fn unique_user_data(mut self, field: impl Into<String>) -> Self {
        self.unique_fields.push(field.into());
        self
    }

    /// The adapter, empty.
    pub fn build(self) -> MemoryAdapter {
        MemoryAdapter::from_builder(self)
    }
}
