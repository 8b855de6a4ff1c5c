//! `adapter purge-expired`: delete expired sessions in bounded batches.

use adapters::Store;
use indicatif::{ProgressBar, ProgressStyle};

use crate::failure::Failure;

/// Deletes batch after batch until a batch comes back short; prints the total.
pub async fn run(store: &Store, batch: u64, json: bool) -> Result<(), Failure> {
    let expected = store.maintenance.stats().await?.expired_sessions;
    let progress = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(expected)
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} expired sessions deleted")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut total = 0u64;
    let mut batches = 0u64;
    loop {
        let deleted = store.maintenance.purge_expired_sessions(batch).await?;
        total += deleted;
        batches += 1;
        progress.inc(deleted);
        if deleted < batch {
            break;
        }
    }
    progress.finish_and_clear();
    if json {
        println!(
            "{}",
            serde_json::json!({ "backend": store.kind.name(), "deleted": total, "batches": batches })
        );
    } else {
        println!("deleted {total} expired sessions in {batches} batches of at most {batch}");
    }
    Ok(())
}
