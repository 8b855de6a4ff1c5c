//! `redis://`, `rediss://`, `redis+cluster://`: a session store.

use std::sync::Arc;

use adapter_core::SessionAdapter;

#[cfg(not(feature = "redis"))]
use crate::connect::BackendKind;
use crate::options::Options;
use crate::ConnectError;

/// The node URLs of a Redis URL, and whether they name a cluster: a single
/// node, a comma-separated list of node URLs (a cluster), or
/// `redis+cluster://host:port,host:port` (a cluster).
///
/// ```
/// let (nodes, cluster) = adapters::redis_node_urls("redis+cluster://a:7000,b:7001");
/// assert_eq!(nodes, ["redis://a:7000", "redis://b:7001"]);
/// assert!(cluster);
/// assert!(!adapters::redis_node_urls("redis://cache:6379").1);
/// ```
pub fn node_urls(url: &str) -> (Vec<String>, bool) {
    if let Some(hosts) = url.strip_prefix("redis+cluster://") {
        let urls = hosts
            .split(',')
            .filter(|host| !host.is_empty())
            .map(|host| format!("redis://{host}"))
            .collect();
        return (urls, true);
    }
    let urls: Vec<String> = url
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .collect();
    let cluster = urls.len() > 1;
    (urls, cluster)
}

#[cfg(feature = "redis")]
pub(crate) async fn open(
    url: &str,
    options: &Options,
) -> Result<Arc<dyn SessionAdapter>, ConnectError> {
    use adapter_redis::RedisConfig;

    let (urls, cluster) = node_urls(url);
    let mut config = if cluster {
        RedisConfig::cluster(urls)
    } else {
        RedisConfig::from_urls(url)
    };
    if let Some(prefix) = &options.key_prefix {
        config = config.prefix(prefix.clone());
    }
    if let Some(timeout) = options.connect_timeout {
        config = config.connection_timeout(timeout).response_timeout(timeout);
    }
    Ok(Arc::new(config.connect().await?))
}

#[cfg(not(feature = "redis"))]
pub(crate) async fn open(
    _url: &str,
    _options: &Options,
) -> Result<Arc<dyn SessionAdapter>, ConnectError> {
    Err(BackendKind::Redis.disabled())
}

#[cfg(test)]
mod tests {
    use super::node_urls;

    #[test]
    fn cluster_urls_are_recognised() {
        assert_eq!(
            node_urls("redis://a:1"),
            (vec!["redis://a:1".to_owned()], false)
        );
        assert!(node_urls("redis://a:1,redis://b:2").1);
        assert_eq!(
            node_urls("redis+cluster://a:1,b:2"),
            (
                vec!["redis://a:1".to_owned(), "redis://b:2".to_owned()],
                true
            )
        );
    }
}
