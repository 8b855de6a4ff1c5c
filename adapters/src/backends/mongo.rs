//! `mongodb://`, `mongodb+srv://`: the Mongoose-compatible collections.

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

#[cfg(feature = "mongo")]
pub(crate) async fn open(
    url: &str,
    options: &Options,
    clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    use std::sync::Arc;

    use adapter_mongo::{CollectionNames, MongoAdapter};

    use crate::options::{with_driver_params, Setup};

    let setup = match options.setup {
        Setup::Create => true,
        Setup::Skip => false,
        Setup::Verify => {
            return Err(ConnectError::InvalidOption {
                name: "setup".into(),
                reason: "the mongo backend creates missing indexes and verifies them in one step: use setup=create or setup=skip".into(),
            })
        }
    };
    let mut params = Vec::new();
    if let Some(size) = options.pool_size {
        params.push(format!("maxPoolSize={size}"));
    }
    if let Some(timeout) = options.connect_timeout {
        params.push(format!("connectTimeoutMS={}", timeout.as_millis()));
        params.push(format!("serverSelectionTimeoutMS={}", timeout.as_millis()));
    }
    let url = with_driver_params(url, &params);
    let defaults = CollectionNames::default();
    let names = CollectionNames {
        users: options.users.clone().unwrap_or(defaults.users),
        sessions: options.sessions.clone().unwrap_or(defaults.sessions),
        refresh_tokens: options
            .refresh_tokens
            .clone()
            .unwrap_or(defaults.refresh_tokens),
    };
    let database = MongoAdapter::connect_database(&url).await?;
    let adapter = MongoAdapter::builder(database)
        .collections(names)
        .clock(clock)
        .setup_indexes(setup)
        .build()
        .await?;
    Ok(Store {
        kind: BackendKind::Mongo,
        maintenance: Arc::new(adapter.clone()),
        adapter: Arc::new(adapter),
    })
}

#[cfg(not(feature = "mongo"))]
pub(crate) async fn open(
    _url: &str,
    _options: &Options,
    _clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    Err(BackendKind::Mongo.disabled())
}
