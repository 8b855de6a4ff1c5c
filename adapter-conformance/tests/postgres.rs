//! The conformance suite on PostgreSQL at `POSTGRES_URL` (a schema per
//! scenario), plain then in tokens-at-rest mode:
//! `cargo test -p adapter-conformance --features postgres --test postgres`.

use adapter_conformance::backends::sql::PostgresBackend;

fn main() {
    if let Some(url) = adapter_conformance::require_env("POSTGRES_URL", "postgres") {
        adapter_conformance::run_main_plain_and_hashed(|| PostgresBackend::postgres(url.clone()));
    }
}
