//! The conformance suite on Redis sessions composed through `Split` with a
//! user store: on the node at `REDIS_URL` with users in memory, in SQLite, in
//! MongoDB (`MONGODB_URL`) and in PostgreSQL (`POSTGRES_URL`) as far as this
//! build has them; then on the cluster whose masters are `REDIS_CLUSTER_URLS`
//! (comma-separated; `scripts/services/redis-cluster` starts one).
//! Each runs plain, then in tokens-at-rest mode.
//! `cargo test -p adapter-conformance --features redis --test redis`.

use adapter_conformance::backends::redis::RedisBackend;
use adapter_conformance::{require_env, run_main_plain_and_hashed};

fn main() {
    if let Some(url) = require_env("REDIS_URL", "redis") {
        run_main_plain_and_hashed(|| RedisBackend::single_node(url.clone()));
        #[cfg(feature = "sqlite")]
        run_main_plain_and_hashed(|| {
            RedisBackend::single_node(url.clone())
                .with_users(adapter_conformance::backends::sql::SqlBackend::sqlite())
        });
        #[cfg(feature = "mongo")]
        if let Some(mongo) = require_env("MONGODB_URL", "mongo") {
            run_main_plain_and_hashed(|| {
                RedisBackend::single_node(url.clone()).with_users(
                    adapter_conformance::backends::mongo::MongoBackend::new(mongo.clone()),
                )
            });
        }
        #[cfg(feature = "postgres")]
        if let Some(postgres) = require_env("POSTGRES_URL", "postgres") {
            run_main_plain_and_hashed(|| {
                RedisBackend::single_node(url.clone()).with_users(
                    adapter_conformance::backends::sql::SqlBackend::postgres(postgres.clone()),
                )
            });
        }
    }
    if let Some(urls) = require_env("REDIS_CLUSTER_URLS", "redis-cluster") {
        let nodes: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        run_main_plain_and_hashed(|| RedisBackend::cluster(nodes.clone()));
    }
}
