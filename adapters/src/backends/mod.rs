//! One module per backend; each compiles to a "not compiled in" error without its feature.

pub(crate) mod memory;
pub(crate) mod mongo;
pub(crate) mod redis;
pub(crate) mod sql;
