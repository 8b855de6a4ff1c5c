//! C11 on a Redis Cluster: each master of a private 3-master cluster (every
//! node `appendonly yes`, `appendfsync always`) in turn stopped (`SIGTERM`,
//! then `SIGKILL`) and started again under a concurrent workload on one
//! `RedisSessionAdapter`. Keys on the other masters keep being served.

use std::sync::Arc;
use std::time::Duration;

use adapter_redis::RedisConfig;
use fault_tests::{run_fault, servers, FaultPlan, Target};

/// The adapter's operation timeout: the most one call may take, reconnects included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_master_restarting_under_load_loses_no_acknowledged_write() {
    let Some(mut nodes) = servers::redis_cluster("redis_cluster_master_restarts") else {
        return;
    };
    let urls: Vec<String> = nodes
        .iter()
        .map(|node| format!("redis://127.0.0.1:{}", node.port()))
        .collect();
    let plan = FaultPlan {
        configured_timeout: OPERATION_TIMEOUT,
        partial_outage: true,
        ..FaultPlan::default()
    };
    let masters = nodes.len();
    for (number, restarted) in nodes.iter_mut().enumerate() {
        // A key prefix per round: the workload's keys start afresh each time.
        let sessions = RedisConfig::cluster(urls.clone())
            .prefix(format!("fault{number}"))
            .connection_timeout(Duration::from_millis(500))
            .response_timeout(Duration::from_secs(1))
            .operation_timeout(OPERATION_TIMEOUT)
            .connect()
            .await
            .expect("connect to the private cluster");
        let target = Target {
            backend: format!(
                "redis-cluster (master {} of {masters} restarted)",
                number + 1
            ),
            users: None,
            sessions: Arc::new(sessions),
        };
        run_fault(&target, restarted, &plan)
            .await
            .assert_kept_promises();
    }
}
