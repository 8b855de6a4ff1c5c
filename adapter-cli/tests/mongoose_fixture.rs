//! The `adapter` binary on a MongoDB database holding what the JS Mongoose
//! adapter wrote (`fixtures/mongoose-lucia-0.10`): `stats` at the fixture's
//! clock gives its counts; `check` passes, in namespaces of its own, and
//! leaves the fixture's documents as they were. Needs `MONGODB_URL`.
#![cfg(feature = "mongo")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails loudly

#[path = "../../adapter-mongo/tests/support/fixture.rs"]
mod fixture;

use std::process::Command;

use bson::Document;
use serde_json::Value;

/// `MONGODB_URL`, or a loud skip (a failure with `CI=true`).
fn mongodb_url() -> Option<String> {
    match std::env::var("MONGODB_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "MONGODB_URL is not set and CI=true requires the Mongo CLI tests to run"
            );
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: adapter-cli mongoose_fixture: MONGODB_URL not set"
            );
            None
        }
    }
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let hosts = rest.split('/').next().unwrap_or(rest);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{scheme}://{hosts}/{name}{query}")
}

/// Runs `adapter --url URL --json ARGS…` and returns its exit code and JSON output.
fn adapter(url: &str, args: &[&str]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_adapter"))
        .arg("--url")
        .arg(url)
        .arg("--json")
        .args(args)
        .output()
        .expect("the adapter binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| {
            panic!(
                "adapter {args:?} printed no JSON:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    (output.status.code().unwrap_or(-1), json)
}

/// Every document of every collection, sorted by `_id`, as relaxed Extended JSON.
async fn snapshot(database: &mongodb::Database) -> Vec<Value> {
    use futures::TryStreamExt;
    let mut all = Vec::new();
    for collection in fixture::COLLECTIONS {
        let mut documents: Vec<Document> = database
            .collection::<Document>(collection)
            .find(bson::doc! {})
            .sort(bson::doc! { "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        all.extend(
            documents
                .drain(..)
                .map(|d| bson::Bson::Document(d).into_relaxed_extjson()),
        );
    }
    all
}

#[tokio::test]
async fn stats_and_check_on_the_mongoose_fixture() {
    let Some(url) = mongodb_url() else {
        return;
    };
    let name = format!("cli_fixture_{}", std::process::id());
    let client = mongodb::Client::with_uri_str(&url).await.unwrap();
    let database = client.database(&name);
    database.drop().await.unwrap();
    fixture::load_fixture(&database).await;
    let before = snapshot(&database).await;
    let url = with_database(&url, &name);
    let at = fixture::fixture_time().to_string();

    // At the fixture's clock T: sessions expiring T+8h, T+8h, T and T+1 are
    // live; T-1h and 1000 have expired (the fixture's README).
    let (code, stats) = adapter(&url, &["--at", &at, "stats"]);
    assert_eq!(code, 0, "{stats}");
    assert_eq!(stats["backend"], "mongo");
    assert_eq!(
        stats["stats"],
        serde_json::json!({
            "users": 4,
            "live_sessions": 4,
            "expired_sessions": 2,
            "refresh_tokens": 4,
        })
    );

    let (code, report) = adapter(&url, &["check"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(
        report["passed"].as_u64().unwrap_or(0) >= 80,
        "too few scenarios ran: {report}"
    );

    assert_eq!(
        snapshot(&database).await,
        before,
        "check touched the fixture"
    );
    let collections = database.list_collection_names().await.unwrap();
    let mut collections: Vec<&str> = collections.iter().map(String::as_str).collect();
    collections.sort_unstable();
    assert_eq!(collections, ["refresh_tokens", "sessions", "users"]);
    database.drop().await.unwrap();
}
