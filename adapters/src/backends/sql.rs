//! `sqlite:`, `postgres://`, `mysql://`: the Lucia tables.
//!
//! `setup=skip` cannot skip everything on SQL: the adapter reads the user
//! table's columns from the catalogue to know the user data, so it opens as
//! `setup=verify` does (nothing created, the schema checked).

use crate::connect::{BackendKind, Store};
use crate::options::Options;
use crate::ConnectError;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) async fn open(
    kind: BackendKind,
    url: &str,
    options: &Options,
    clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    use std::sync::Arc;

    use adapter_sql::{PoolSettings, SqlAdapter, TableNames};

    use crate::options::Setup;

    let mut settings = PoolSettings {
        max_connections: options.pool_size,
        ..PoolSettings::default()
    };
    if let Some(timeout) = options.connect_timeout {
        settings.acquire_timeout = timeout;
    }
    let tables = TableNames::new(
        options.users.as_deref().unwrap_or("user"),
        options.sessions.as_deref().unwrap_or("session"),
        options.refresh_tokens.as_deref().unwrap_or("refresh_token"),
    )?;
    // The same steps on each engine's builder type.
    macro_rules! finish {
        ($builder:expr) => {{
            let builder = $builder.tables(tables).clock(clock);
            match options.setup {
                Setup::Create => builder.migrate().await?,
                Setup::Verify | Setup::Skip => builder.build().await?,
            }
        }};
    }
    let adapter = match kind {
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => finish!(SqlAdapter::sqlite(
            SqlAdapter::sqlite_pool_with(url, settings).await?
        )),
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => finish!(SqlAdapter::postgres(
            SqlAdapter::postgres_pool_with(url, settings).await?
        )),
        #[cfg(feature = "mysql")]
        BackendKind::MySql => finish!(SqlAdapter::mysql(
            SqlAdapter::mysql_pool_with(url, settings).await?
        )),
        other => return Err(other.disabled()),
    };
    Ok(Store {
        kind,
        maintenance: Arc::new(adapter.clone()),
        adapter: Arc::new(adapter),
    })
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
pub(crate) async fn open(
    kind: BackendKind,
    _url: &str,
    _options: &Options,
    _clock: adapter_core::SharedClock,
) -> Result<Store, ConnectError> {
    Err(kind.disabled())
}
