//! The conformance suite on PostgreSQL at `POSTGRES_URL` (a schema per scenario):
//! `cargo test -p adapter-conformance --features postgres --test postgres`.

fn main() {
    if let Some(url) = adapter_conformance::require_env("POSTGRES_URL", "postgres") {
        adapter_conformance::run_main(
            adapter_conformance::backends::sql::PostgresBackend::postgres(url),
        );
    }
}
