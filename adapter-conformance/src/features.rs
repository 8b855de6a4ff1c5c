//! Where the `.feature` files are read from: the workspace's `features/` when
//! it is there, else the copies embedded at build time, written to a
//! temporary directory.

use std::path::PathBuf;
use std::{fs, io};

include!(concat!(env!("OUT_DIR"), "/features.rs"));

/// The directory holding the suite's `.feature` files.
pub(crate) fn directory() -> io::Result<PathBuf> {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../features");
    if source.is_dir() {
        return Ok(source);
    }
    let packaged = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features");
    if packaged.is_dir() {
        return Ok(packaged);
    }
    let dir = std::env::temp_dir().join(format!(
        "adapter-conformance-features-{}",
        std::process::id()
    ));
    fs::create_dir_all(&dir)?;
    for (name, text) in FEATURES {
        fs::write(dir.join(name), text)?;
    }
    Ok(dir)
}

/// How many feature files are embedded.
#[cfg(test)]
mod tests {
    #[test]
    fn every_feature_file_is_embedded() {
        assert!(super::FEATURES.len() >= 5, "{}", super::FEATURES.len());
        assert!(super::FEATURES
            .iter()
            .all(|(name, text)| name.ends_with(".feature") && text.contains("Feature:")));
    }
}
