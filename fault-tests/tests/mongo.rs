//! C11 on the MongoDB wire protocol: a private SecantusDB with an on-disk
//! store, standalone, stopped (`SIGTERM`, then `SIGKILL`) and started again
//! under a concurrent workload on one `MongoAdapter`.

use std::sync::Arc;
use std::time::Duration;

use adapter_mongo::MongoAdapter;
use fault_tests::{run_fault, servers, FaultPlan, Target};
use mongodb::options::{ClientOptions, WriteConcern};
use mongodb::Client;

/// The client's server-selection timeout: the longest an operation waits for a reachable server.
const SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mongo_restarts_under_load_lose_no_acknowledged_write() {
    let Some(mut server) = servers::mongo("mongo_restarts_under_load") else {
        return;
    };
    let url = format!("mongodb://127.0.0.1:{}", server.port());
    let mut options = ClientOptions::parse(&url).await.expect("a MongoDB URL");
    options.server_selection_timeout = Some(SERVER_SELECTION_TIMEOUT);
    options.connect_timeout = Some(Duration::from_millis(500));
    options.heartbeat_freq = Some(Duration::from_millis(500));
    // As with mongod, a write acknowledged under the default `w: 1` may sit in
    // memory until the next journal flush and be lost to a `SIGKILL`; only a
    // journaled write concern (`journal=true` in the URL) promises durability.
    options.write_concern = Some(WriteConcern::builder().journal(true).build());
    let client = Client::with_options(options).expect("a client");
    let mut adapter = None;
    // The server accepts TCP a moment before it answers commands.
    for _ in 0..50 {
        match MongoAdapter::builder(client.database("faults"))
            .build()
            .await
        {
            Ok(built) => {
                adapter = Some(built);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let adapter = Arc::new(adapter.expect("indexes on the private server"));
    let target = Target {
        backend: "mongo (SecantusDB)".into(),
        users: Some(adapter.clone()),
        sessions: adapter,
    };
    let plan = FaultPlan {
        configured_timeout: SERVER_SELECTION_TIMEOUT,
        ..FaultPlan::default()
    };
    run_fault(&target, &mut server, &plan)
        .await
        .assert_kept_promises();
}
