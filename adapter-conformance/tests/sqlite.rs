//! The conformance suite on SQLite (a file per scenario, no server):
//! `cargo test -p adapter-conformance --test sqlite [-- --tags '@users']`.

fn main() {
    adapter_conformance::run_main(adapter_conformance::backends::sql::SqliteBackend::sqlite());
}
