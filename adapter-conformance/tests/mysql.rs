//! The conformance suite on MySQL / MariaDB at `MYSQL_URL` (a database per
//! scenario), plain then in tokens-at-rest mode:
//! `cargo test -p adapter-conformance --features mysql --test mysql`.

use adapter_conformance::backends::sql::MySqlBackend;

fn main() {
    if let Some(url) = adapter_conformance::require_env("MYSQL_URL", "mysql") {
        adapter_conformance::run_main_plain_and_hashed(|| MySqlBackend::mysql(url.clone()));
    }
}
