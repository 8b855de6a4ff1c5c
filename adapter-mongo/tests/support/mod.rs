//! What the integration tests share: the server URL from the environment and
//! a fresh database per test.
#![allow(dead_code)]

pub mod fixture;

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use mongodb::options::ClientOptions;
use mongodb::{Client, Database};

/// `MONGODB_URL`, read at run time. Missing: a loud skip locally, a failure with `CI=true`.
pub fn url(test: &str) -> Option<String> {
    match std::env::var("MONGODB_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
            assert!(
                !ci,
                "MONGODB_URL is not set and CI=true: the mongo tests must run"
            );
            // Straight to the process's stderr: libtest captures `eprintln!`, and a skip must be loud.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: adapter-mongo {test}: MONGODB_URL not set (scripts/services/mongo start)"
            );
            None
        }
    }
}

/// A client for `url`.
pub async fn client(url: &str) -> Client {
    let options = ClientOptions::parse(url).await.expect("MONGODB_URL parses");
    Client::with_options(options).expect("a client")
}

/// A new, empty database whose name says which test made it.
pub async fn fresh_database(client: &Client, test: &str) -> Database {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "am_{}_{}_{}",
        &test[..test.len().min(30)],
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let database = client.database(&name);
    database.drop().await.expect("drop a fresh database");
    database
}
