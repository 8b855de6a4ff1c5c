//! `adapter bench`: see [`crate::bench`].

use std::time::Duration;

use adapters::BackendKind;

use crate::bench::{self, BenchOptions};
use crate::cli::BenchArgs;
use crate::failure::{ExitCode, Failure};

fn options(args: &BenchArgs) -> Result<BenchOptions, Failure> {
    if args.quick {
        return Ok(BenchOptions::quick());
    }
    if !(args.duration.is_finite() && args.duration > 0.0) || args.users == 0 {
        return Err(Failure::new(
            ExitCode::Usage,
            "--duration must be a positive number of seconds and --users at least 1",
        ));
    }
    Ok(BenchOptions {
        users: args.users,
        sessions_per_user: args.sessions_per_user,
        concurrency: if args.concurrency.is_empty() {
            vec![1, 32]
        } else {
            args.concurrency.clone()
        },
        duration: Duration::from_secs_f64(args.duration),
        expired_sessions: args.expired_sessions,
    })
}

/// Runs the benchmark and prints the table, or JSON.
pub async fn run(
    kind: BackendKind,
    url: &str,
    args: &BenchArgs,
    json: bool,
) -> Result<(), Failure> {
    let options = options(args)?;
    let sides = bench::open_sides(kind, url).await.map_err(|err| {
        Failure::new(
            ExitCode::Unavailable,
            format!("cannot open the store: {err:#}"),
        )
    })?;
    let mut report = bench::run(sides.adapter, sides.floor, &options, !json)
        .await
        .map_err(|err| Failure::new(ExitCode::StoreFailed, format!("benchmark failed: {err:#}")))?;
    if kind == BackendKind::Memory {
        let per_side = if args.quick {
            Duration::from_millis(300)
        } else {
            Duration::from_secs(2)
        };
        report.single_core = Some(
            tokio::task::spawn_blocking(move || bench::floor_memory::single_core(per_side))
                .await
                .map_err(|err| Failure::new(ExitCode::StoreFailed, err.to_string()))?
                .map_err(|err| Failure::new(ExitCode::StoreFailed, format!("{err:#}")))?,
        );
    }
    if json {
        println!(
            "{}",
            serde_json::json!({ "backend": kind.name(), "report": report })
        );
    } else {
        report.print(kind.name());
    }
    Ok(())
}
