//! C11 on Redis: a private server with `appendonly yes`, `appendfsync always`
//! stopped (`SIGTERM`, then `SIGKILL`) and started again under a concurrent
//! workload on one `RedisSessionAdapter`.

use std::sync::Arc;
use std::time::Duration;

use adapter_redis::RedisConfig;
use fault_tests::{run_fault, servers, FaultPlan, Target};

/// The adapter's operation timeout: the most one call may take, reconnects included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_restarts_under_load_lose_no_acknowledged_write() {
    let Some(mut server) = servers::redis("redis_restarts_under_load") else {
        return;
    };
    let sessions = RedisConfig::new(format!("redis://127.0.0.1:{}", server.port()))
        .connection_timeout(Duration::from_millis(500))
        .response_timeout(Duration::from_secs(1))
        .operation_timeout(OPERATION_TIMEOUT)
        .connect()
        .await
        .expect("connect to the private server");
    let target = Target {
        backend: "redis".into(),
        users: None,
        sessions: Arc::new(sessions),
    };
    let plan = FaultPlan {
        configured_timeout: OPERATION_TIMEOUT,
        ..FaultPlan::default()
    };
    run_fault(&target, &mut server, &plan)
        .await
        .assert_kept_promises();
}
