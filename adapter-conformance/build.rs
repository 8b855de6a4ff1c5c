//! Embeds the `.feature` files so that a packaged crate carries them: writes
//! `$OUT_DIR/features.rs` holding `FEATURES: &[(&str, &str)]` (file name, text).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    // A packaged crate carries `features/` beside its manifest; in the
    // workspace they live in the top-level `features/`.
    let dir = [
        manifest_dir.join("features"),
        manifest_dir.join("../features"),
    ]
    .into_iter()
    .find(|dir| dir.is_dir())
    .expect("no features/ directory beside the manifest or in the workspace root");
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut files = feature_files(&dir);
    files.sort();
    let mut out = String::from("/// The embedded `.feature` files: (file name, text).\npub(crate) const FEATURES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("feature file names are UTF-8");
        let absolute = fs::canonicalize(path).expect("feature file exists");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("features.rs"), out).expect("OUT_DIR is writable");
}

fn feature_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .expect("features/ is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "feature"))
        .collect()
}
