//! C11 on MariaDB: a private server stopped (`SIGTERM`, then `SIGKILL`) and
//! started again under a concurrent workload on one `SqlAdapter`.

use std::sync::Arc;
use std::time::Duration;

use adapter_sql::SqlAdapter;
use fault_tests::{run_fault, servers, FaultPlan, Target};
use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Executor};

/// The pool's acquire timeout: the longest a call waits for a connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mariadb_restarts_under_load_lose_no_acknowledged_write() {
    let Some(mut server) = servers::mariadb("mariadb_restarts_under_load") else {
        return;
    };
    let admin = format!("mysql://root@127.0.0.1:{}/mysql", server.port());
    let mut connection = admin
        .parse::<MySqlConnectOptions>()
        .expect("a MySQL URL")
        .connect()
        .await
        .expect("connect to the private server");
    connection
        .execute("CREATE DATABASE faults CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        .await
        .expect("create the test database");
    drop(connection);
    let url = format!("mysql://root@127.0.0.1:{}/faults", server.port());
    // The pool users get from `SqlAdapter::mysql_pool_with`: no ping before
    // each call, so a connection the restart broke fails once and is replaced.
    let settings = adapter_sql::PoolSettings {
        max_connections: Some(4),
        acquire_timeout: ACQUIRE_TIMEOUT,
    };
    let pool = SqlAdapter::mysql_pool_with(&url, settings)
        .await
        .expect("a pool on the private server");
    let adapter = Arc::new(
        SqlAdapter::mysql(pool)
            .migrate()
            .await
            .expect("schema on the private server"),
    );
    let target = Target {
        backend: "mariadb".into(),
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
