//! The conformance suite on Redis sessions composed with memory users through
//! `Split`: on the node at `REDIS_URL`, then on the cluster whose masters are
//! `REDIS_CLUSTER_URLS` (comma-separated; `scripts/services/redis-cluster`
//! starts one). `cargo test -p adapter-conformance --features redis --test redis`.

use adapter_conformance::backends::redis::RedisBackend;
use adapter_conformance::{require_env, run_main};

fn main() {
    if let Some(url) = require_env("REDIS_URL", "redis") {
        run_main(RedisBackend::single_node(url));
    }
    if let Some(urls) = require_env("REDIS_CLUSTER_URLS", "redis-cluster") {
        let nodes: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        run_main(RedisBackend::cluster(nodes));
    }
}
