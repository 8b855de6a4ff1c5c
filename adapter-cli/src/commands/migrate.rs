//! `adapter migrate`: create or verify the schema or indexes.

use adapters::Store;

use crate::failure::{ExitCode, Failure};

/// Runs the setup and prints each step; a mismatch fails with its description.
pub async fn run(store: &Store, json: bool) -> Result<(), Failure> {
    let lines = store.maintenance.migrate().await.map_err(|err| {
        Failure::new(ExitCode::CheckFailed, format!("schema check failed: {err} ({})", err.code()))
            .hint("fix the named table, column or index (or drop the test database) and run `adapter migrate` again")
    })?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "backend": store.kind.name(), "ok": true, "steps": lines })
        );
    } else {
        for line in lines {
            println!("ok   {line}");
        }
    }
    Ok(())
}
