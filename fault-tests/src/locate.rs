//! Finding server binaries at run time, and the loud skip when one is missing.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Whether `CI` says a missing server is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A missing prerequisite: panics with `CI=true`, otherwise writes a loud
/// `SKIPPED:` line straight to the process's stderr (libtest captures
/// `eprintln!`) and returns, so the caller can `return` from its test.
pub fn skip_or_fail(test: &str, why: &str) {
    assert!(
        !in_ci(),
        "{test}: {why} (CI=true: a missing server is a failure)"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED: fault-tests {test}: {why}");
}

/// The executable `name` on `PATH`, or at one of `extra` paths.
pub fn find_binary(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into(), "/sbin".into()])
        .map(|dir: PathBuf| dir.join(name))
        .chain(extra.iter().cloned())
        .find(|candidate| candidate.is_file())
}

/// The directory holding PostgreSQL's server binaries (`initdb`, `postgres`,
/// `pg_ctl`): `PG_BIN` if set, else the newest `/usr/lib/postgresql/*/bin`,
/// else wherever `initdb` is on `PATH`.
pub fn postgres_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    find_binary("initdb", &[]).and_then(|initdb| initdb.parent().map(Path::to_path_buf))
}
