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

fn sides(adapter: Arc<dyn adapters::Adapter>, floor: Arc<dyn Floor>) -> Sides {
    Sides {
        adapter: Arc::new(AdapterWorkload(adapter)),
        floor,
    }
}

/// Opens `url` and builds both sides over the same connection pool.
///
/// Redis (`redis://host:port[?key_prefix=P]`) holds the sessions and refresh
/// tokens, composed with users in memory through `Split`; without a
/// `key_prefix` the run gets a fresh one (`bench<unix ms>`).
pub async fn open_sides(kind: BackendKind, url: &str) -> anyhow::Result<Sides> {
    match kind {
        BackendKind::Memory => {
            let adapter = adapters::memory::MemoryAdapter::new();
            let floor = super::floor_memory::MemoryFloor::new(adapter.raw());
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => {
            use adapters::sql::SqlAdapter;
            let pool = SqlAdapter::sqlite_pool(url).await?;
            let adapter = SqlAdapter::sqlite(pool.clone()).migrate().await?;
            let floor = super::floor_sql::SqlFloor::sqlite(pool);
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => {
            use adapters::sql::SqlAdapter;
            let pool = SqlAdapter::postgres_pool(url).await?;
            let adapter = SqlAdapter::postgres(pool.clone()).migrate().await?;
            let floor = super::floor_sql::SqlFloor::postgres(pool);
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[cfg(feature = "mysql")]
        BackendKind::MySql => {
            use adapters::sql::SqlAdapter;
            let pool = SqlAdapter::mysql_pool(url).await?;
            let adapter = SqlAdapter::mysql(pool.clone()).migrate().await?;
            let floor = super::floor_sql::SqlFloor::mysql(pool).await?;
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[cfg(feature = "mongo")]
        BackendKind::Mongo => {
            use adapters::mongo::MongoAdapter;
            let database = MongoAdapter::connect_database(url).await?;
            let adapter = MongoAdapter::builder(database).build().await?;
            let floor = super::floor_mongo::MongoFloor::new(&adapter);
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[cfg(feature = "redis")]
        BackendKind::Redis => {
            let (driver_url, prefix) = redis_url_and_prefix(url);
            let users = adapters::memory::MemoryAdapter::new();
            let sessions = adapters::redis::RedisConfig::new(driver_url.clone())
                .prefix(prefix.clone())
                .connect()
                .await?;
            let floor =
                super::floor_redis::RedisFloor::connect(&driver_url, &prefix, users.raw()).await?;
            let adapter = adapters::Split::new(users, sessions);
            Ok(sides(Arc::new(adapter), Arc::new(floor)))
        }
        #[allow(unreachable_patterns)] // with every backend's feature on
        other => anyhow::bail!(
            "`adapter bench` has no floor for {} in this build (enable the CLI's `{}` feature)",
            other.name(),
            other.name()
        ),
    }
}

/// The driver's URL and the key prefix (`key_prefix=` in the query, else a fresh one).
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
fn redis_url_and_prefix(url: &str) -> (String, String) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut prefix = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("key_prefix", value)) => prefix = Some(value.to_owned()),
            _ => rest.push(pair),
        }
    }
    let driver_url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let prefix = prefix.unwrap_or_else(|| {
        let now = adapters::Clock::now_ms(&adapters::SystemClock);
        format!("bench{now}")
    });
    (driver_url, prefix)
}

#[cfg(test)]
mod tests {
    use super::redis_url_and_prefix;

    #[test]
    fn the_key_prefix_is_taken_from_the_query() {
        assert_eq!(
            redis_url_and_prefix("redis://h:1/0?key_prefix=b1&protocol=resp3"),
            ("redis://h:1/0?protocol=resp3".to_owned(), "b1".to_owned())
        );
        let (url, prefix) = redis_url_and_prefix("redis://h:1");
        assert_eq!(url, "redis://h:1");
        assert!(prefix.starts_with("bench"));
    }
}
