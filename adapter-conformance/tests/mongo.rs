//! The conformance suite on MongoDB (or a wire-compatible server), plain then
//! in tokens-at-rest mode:
//! `MONGODB_URL=mongodb://127.0.0.1:27017 cargo test -p adapter-conformance --features mongo --test mongo`.
//! Without `MONGODB_URL` it is skipped loudly, and with `CI=true` it fails.

use adapter_conformance::backends::mongo::MongoBackend;

fn main() {
    let Some(url) = adapter_conformance::require_env("MONGODB_URL", "mongo") else {
        return;
    };
    adapter_conformance::run_main_plain_and_hashed(|| MongoBackend::new(url.clone()));
}
