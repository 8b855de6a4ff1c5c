//! A tracing span and outcome record around each adapter operation.

use std::future::Future;

use tracing::Instrument;

use crate::AdapterError;

/// Runs `operation` inside a `adapter.op` span naming the backend and the
/// method, and records its outcome (`ok` or the error code) at debug level.
/// Never give it a token or a password: it records only the names passed.
///
/// ```
/// # async fn demo() -> Result<(), adapter_core::AdapterError> {
/// let answer = adapter_core::observe("memory", "get_user_by_id", async { Ok(42) }).await?;
/// assert_eq!(answer, 42);
/// # Ok(()) }
/// ```
pub async fn observe<T, F>(
    backend: &'static str,
    method: &'static str,
    operation: F,
) -> Result<T, AdapterError>
where
    F: Future<Output = Result<T, AdapterError>>,
{
    let span = tracing::debug_span!("adapter.op", backend, method);
    let result = operation.instrument(span.clone()).await;
    span.in_scope(|| match &result {
        Ok(_) => tracing::debug!(outcome = "ok"),
        Err(err) => tracing::debug!(outcome = err.code(), transient = err.is_transient()),
    });
    result
}
