//! The conformance suite on MySQL / MariaDB at `MYSQL_URL` (a database per scenario):
//! `cargo test -p adapter-conformance --features mysql --test mysql`.

fn main() {
    if let Some(url) = adapter_conformance::require_env("MYSQL_URL", "mysql") {
        adapter_conformance::run_main(adapter_conformance::backends::sql::MySqlBackend::mysql(url));
    }
}
