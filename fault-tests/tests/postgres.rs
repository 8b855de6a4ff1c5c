//! C11 on PostgreSQL: a private server stopped (fast shutdown, then `SIGKILL`)
//! and started again under a concurrent workload on one `SqlAdapter`.

use std::sync::Arc;
use std::time::Duration;

use adapter_sql::SqlAdapter;
use fault_tests::{run_fault, servers, FaultPlan, Target};

/// The pool's acquire timeout: the longest a call waits for a connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarts_under_load_lose_no_acknowledged_write() {
    let Some(mut server) = servers::postgres("postgres_restarts_under_load") else {
        return;
    };
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port());
    // The pool users get from `SqlAdapter::postgres_pool_with`: no ping before
    // each call, so a connection the restart broke fails once and is replaced.
    let settings = adapter_sql::PoolSettings {
        max_connections: Some(4),
        acquire_timeout: ACQUIRE_TIMEOUT,
    };
    let pool = SqlAdapter::postgres_pool_with(&url, settings)
        .await
        .expect("connect to the private server");
    let adapter = Arc::new(
        SqlAdapter::postgres(pool)
            .migrate()
            .await
            .expect("schema on the private server"),
    );
    let target = Target {
        backend: "postgres".into(),
        users: Some(adapter.clone()),
        sessions: adapter,
    };
    let plan = FaultPlan {
        configured_timeout: ACQUIRE_TIMEOUT,
        ..FaultPlan::default()
    };
    run_fault(&target, &mut server, &plan)
        .await
        .assert_kept_promises();
}
