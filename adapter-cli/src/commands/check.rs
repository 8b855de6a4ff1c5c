//! `adapter check`: the conformance suite against the URL's server.

use adapter_conformance::{Backend, Suite};
use adapters::BackendKind;

use crate::failure::{ExitCode, Failure};

/// The suite's backend for `url`: every scenario gets its own namespace on
/// that server (a database, schema, file or key prefix) and removes it after.
fn backend_for(kind: BackendKind, url: &str) -> Result<Box<dyn Backend>, Failure> {
    use adapter_conformance::backends;
    let _ = url;
    Ok(match kind {
        #[cfg(feature = "memory")]
        BackendKind::Memory => Box::new(backends::memory::MemoryBackend::new()),
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => Box::new(backends::sql::SqlBackend::sqlite()),
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => Box::new(backends::sql::SqlBackend::postgres(url)),
        #[cfg(feature = "mysql")]
        BackendKind::MySql => Box::new(backends::sql::SqlBackend::mysql(url)),
        #[cfg(feature = "mongo")]
        BackendKind::Mongo => Box::new(backends::mongo::MongoBackend::new(url)),
        #[cfg(feature = "redis")]
        BackendKind::Redis => {
            let (nodes, cluster) = adapters::redis_node_urls(url);
            if cluster {
                Box::new(backends::redis::RedisBackend::cluster(nodes))
            } else {
                Box::new(backends::redis::RedisBackend::single_node(url))
            }
        }
        #[allow(unreachable_patterns)] // every backend compiled in
        other => {
            let message = format!(
                "`adapter check` does not support {} in this build",
                other.name()
            );
            return Err(Failure::new(ExitCode::Unavailable, message)
                .hint(format!("build with `--features {}`", other.name())));
        }
    })
}

/// Runs the suite and prints cucumber's report; fails if any scenario failed.
pub async fn run(
    kind: BackendKind,
    url: &str,
    tags: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let backend = backend_for(kind, url)?;
    let mut suite = Suite::new(backend);
    if let Some(tags) = &tags {
        suite = suite.tags(tags);
    }
    if json {
        // stdout holds the JSON line alone; failures are still named on stderr.
        suite = suite.quiet();
    }
    let report = suite.run().await;
    if let (Some(tags), true) = (&tags, report.parsing_errors > 0) {
        return Err(Failure::new(
            ExitCode::Usage,
            format!("the suite did not run: is {tags:?} a tag expression?"),
        )
        .hint("tags start with @, e.g. --tags '@sessions and not @slow'"));
    }
    if json {
        println!(
            "{}",
            serde_json::json!({
                "backend": kind.name(),
                "passed": report.passed,
                "failed": report.failed,
                "skipped": report.skipped,
                "ok": !report.execution_has_failed(),
            })
        );
    } else {
        println!("{report}");
    }
    if report.execution_has_failed() {
        return Err(Failure::new(
            ExitCode::CheckFailed,
            format!("{} scenarios failed", report.failed),
        ));
    }
    if report.passed + report.failed == 0 {
        return Err(Failure::new(
            ExitCode::CheckFailed,
            "no scenario ran: nothing matched the tags, or every match needs a capability this backend lacks",
        ));
    }
    Ok(())
}
