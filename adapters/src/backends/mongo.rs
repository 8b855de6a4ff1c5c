//! `mongodb://`: the Mongoose-compatible collections.

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

pub(crate) async fn open(_url: &str, _options: &Options) -> Result<Store, ConnectError> {
    Err(BackendKind::Mongo.disabled())
}
