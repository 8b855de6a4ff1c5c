//! The `adapter` command: try, set up, check, count and purge an auth store.

mod bench;
mod cli;
mod commands;
mod failure;
mod secrets;
mod steps;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::failure::{ExitCode, Failure};
use crate::steps::Steps;
use adapters::redact_url;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return std::process::ExitCode::from(ExitCode::StoreFailed as u8);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::from(ExitCode::Ok as u8),
        Err(failure) => {
            eprintln!("{failure}");
            std::process::ExitCode::from(failure.code as u8)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let kind = adapters::BackendKind::from_scheme(cli.url.split(':').next().unwrap_or_default());
    let kind_name = kind.as_ref().map_or("unknown", |kind| kind.name());
    match &cli.command {
        Command::Check { tags } => {
            let kind = kind.map_err(|err| Failure::new(ExitCode::Usage, err.to_string()))?;
            return commands::check::run(kind, &cli.url, tags.clone(), cli.json).await;
        }
        Command::Bench(args) => {
            let kind = kind.map_err(|err| Failure::new(ExitCode::Usage, err.to_string()))?;
            return commands::bench::run(kind, &cli.url, args, cli.json).await;
        }
        _ => {}
    }
    // Only `migrate` and `demo` create what is missing; counting and purging
    // never change a schema (unless the URL asks with its own setup=).
    let read_only_setup = match kind {
        Ok(adapters::BackendKind::Mongo) => Some("setup=skip"),
        Ok(adapters::BackendKind::Memory) => None,
        _ => Some("setup=verify"),
    };
    let url = match (&cli.command, read_only_setup) {
        (Command::Migrate { verify: true }, _) => with_query(&cli.url, "setup=verify"),
        (Command::Stats | Command::PurgeExpired { .. }, Some(setup))
            if !cli.url.contains("setup=") =>
        {
            with_query(&cli.url, setup)
        }
        _ => cli.url.clone(),
    };
    let clock: adapters::SharedClock = match cli.at {
        Some(at) => std::sync::Arc::new(adapters::ManualClock::new(at)),
        None => std::sync::Arc::new(adapters::SystemClock),
    };
    let store = adapters::open_with_clock(&url, clock)
        .await
        .map_err(|err| Failure::cannot_open(kind_name, err))?;
    if !cli.json {
        eprintln!("store: {} ({})", redact_url(&cli.url), store.kind.name());
    }
    let adapter = match &cli.sessions_url {
        Some(sessions_url) => {
            let split = adapters::split_with_sessions(store.adapter.clone(), sessions_url)
                .await
                .map_err(|err| Failure::cannot_open("redis", err))?;
            if !cli.json {
                eprintln!("sessions: {}", redact_url(sessions_url));
            }
            split
        }
        None => store.adapter.clone(),
    };
    match cli.command {
        Command::Demo => {
            let mut steps = Steps::new(cli.json);
            commands::demo::run(adapter, &mut steps)
                .await
                .map_err(|err| Failure::new(ExitCode::StoreFailed, err.to_string()))?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({ "backend": store.kind.name(), "ok": steps.ok(), "steps": steps.steps })
                );
            }
            if steps.ok() {
                Ok(())
            } else {
                Err(Failure::new(
                    ExitCode::CheckFailed,
                    "a demo step did not behave as the contract says",
                ))
            }
        }
        Command::Migrate { .. } => commands::migrate::run(&store, cli.json).await,
        Command::Stats => commands::stats::run(&store, cli.json).await,
        Command::PurgeExpired { batch } => commands::purge::run(&store, batch, cli.json).await,
        Command::Check { .. } | Command::Bench(_) => Ok(()),
    }
}

/// `url` with one more query parameter.
fn with_query(url: &str, parameter: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{parameter}")
}
