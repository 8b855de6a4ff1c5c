//! The conformance suite on SQLite (a file per scenario, no server), plain
//! then in tokens-at-rest mode:
//! `cargo test -p adapter-conformance --test sqlite [-- --tags '@users']`.

fn main() {
    adapter_conformance::run_main_plain_and_hashed(
        adapter_conformance::backends::sql::SqliteBackend::sqlite,
    );
}
