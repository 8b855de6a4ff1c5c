//! The conformance suite on the memory backend:
//! `cargo test -p adapter-conformance --test memory [-- --tags '@users']`.

fn main() {
    adapter_conformance::run_main(adapter_conformance::backends::memory::MemoryBackend::new());
}
