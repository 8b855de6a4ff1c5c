//! `redis://`: a session store.

use std::sync::Arc;

use adapter_core::SessionAdapter;

use crate::connect::BackendKind;
use crate::options::Options;
use crate::ConnectError;

pub(crate) async fn open(
    _url: &str,
    _options: &Options,
) -> Result<Arc<dyn SessionAdapter>, ConnectError> {
    Err(BackendKind::Redis.disabled())
}
