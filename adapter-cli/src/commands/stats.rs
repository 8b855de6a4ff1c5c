//! `adapter stats`: what the store holds.

use adapters::Store;

use crate::failure::Failure;

/// Prints the counts at the system clock.
pub async fn run(store: &Store, json: bool) -> Result<(), Failure> {
    let stats = store.maintenance.stats().await?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "backend": store.kind.name(), "stats": stats })
        );
    } else {
        println!("backend           {}", store.kind.name());
        println!("users             {}", stats.users);
        println!("live sessions     {}", stats.live_sessions);
        println!("expired sessions  {}", stats.expired_sessions);
        println!("refresh tokens    {}", stats.refresh_tokens);
    }
    Ok(())
}
