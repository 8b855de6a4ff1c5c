//! Placeholder until its backend lands.
fn main() {}
