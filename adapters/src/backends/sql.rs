//! `sqlite:`, `postgres://`, `mysql://`: the Lucia tables.

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

pub(crate) async fn open(
    kind: BackendKind,
    _url: &str,
    _options: &Options,
) -> Result<Store, ConnectError> {
    Err(kind.disabled())
}
