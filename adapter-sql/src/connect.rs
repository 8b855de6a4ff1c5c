//! [`SqlAdapter::connect`]: a pool and an adapter from a URL, by scheme.

use adapter_core::AdapterError;

use crate::SqlAdapter;

impl SqlAdapter {
    /// Connects by URL scheme (`postgres://`/`postgresql://`, `mysql://`/`mariadb://`,
    /// `sqlite:`), creates the schema when missing and verifies it. Only the
    /// schemes whose Cargo feature is on are accepted.
    pub async fn connect(url: &str) -> Result<SqlAdapter, AdapterError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => {
                Self::postgres(Self::postgres_pool(url).await?)
                    .migrate()
                    .await
            }
            #[cfg(feature = "mysql")]
            "mysql" | "mariadb" => Self::mysql(Self::mysql_pool(url).await?).migrate().await,
            #[cfg(feature = "sqlite")]
            "sqlite" => Self::sqlite(Self::sqlite_pool(url).await?).migrate().await,
            _ => Err(AdapterError::invalid_input(
                "url",
                format!(
                    "unsupported scheme {scheme:?} (enable the matching feature of adapter-sql)"
                ),
            )),
        }
    }
}
