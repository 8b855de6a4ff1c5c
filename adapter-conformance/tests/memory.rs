//! The conformance suite on the memory backend, plain then in tokens-at-rest
//! mode: `cargo test -p adapter-conformance --test memory [-- --tags '@users']`.

fn main() {
    adapter_conformance::run_main_plain_and_hashed(
        adapter_conformance::backends::memory::MemoryBackend::new,
    );
}
