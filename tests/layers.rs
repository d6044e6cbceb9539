//! The module layering of docs/ARCHITECTURE.md, checked on the sources: lower layers never name
//! higher ones.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir` (or `dir` itself when it is a file).
fn sources(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The lines of the module at `rel` (a file or a directory under src/) that contain any of
/// `forbidden`, outside comments.
fn offending(rel: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel);
    let files = sources(&root);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let mut hits = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if forbidden.iter().any(|f| code.contains(f)) {
                hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn the_plan_does_not_reach_up_into_the_patient() {
    let hits = offending("plan", &["crate::patient", "crate::format", "crate::job", "crate::sink"]);
    assert!(hits.is_empty(), "src/plan names a higher layer:\n{}", hits.join("\n"));
}
