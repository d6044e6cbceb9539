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
/// `forbidden`, outside comments and unit tests.
fn offending(rel: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel);
    let files = sources(&root);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let mut hits = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        // A module's own unit tests may reach anywhere; only the code above them is layered.
        for (n, line) in text.lines().enumerate().take_while(|(_, l)| !l.starts_with("#[cfg(test)]")) {
            let code = line.split("//").next().unwrap_or("");
            if forbidden.iter().any(|f| code.contains(f)) {
                hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    hits
}

/// Each module and the modules it must not name (docs/ARCHITECTURE.md, "Modules"): dependencies
/// run from the hosts (wasm, the CLI) through the job down to the tables and the calendar.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "civil.rs",
        &["text", "rng", "data", "config", "plan", "patient", "format", "report", "sink", "metrics", "job", "wasm"],
    ),
    (
        "rng.rs",
        &["text", "civil", "data", "config", "plan", "patient", "format", "report", "sink", "metrics", "job", "wasm"],
    ),
    ("text.rs", &["rng", "data", "config", "plan", "patient", "format", "report", "sink", "metrics", "job", "wasm"]),
    ("data", &["text", "config", "plan", "patient", "format", "report", "sink", "metrics", "job", "wasm"]),
    ("config", &["plan", "patient", "format", "report", "sink", "metrics", "job", "wasm"]),
    ("plan", &["patient", "format", "report", "sink", "metrics", "job", "wasm"]),
    ("patient", &["format", "report", "sink", "metrics", "job", "wasm"]),
    ("format", &["report", "sink", "metrics", "job", "wasm"]),
    ("report.rs", &["format", "sink", "metrics", "job", "wasm"]),
    ("sink", &["plan", "patient", "format", "report", "metrics", "job", "wasm"]),
    ("metrics.rs", &["plan", "patient", "job", "wasm"]),
    ("job.rs", &["wasm"]),
];

#[test]
fn dependencies_run_one_way() {
    let mut hits = Vec::new();
    for (module, above) in LAYERS {
        let names: Vec<String> = above.iter().map(|m| format!("crate::{m}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        hits.extend(offending(module, &names));
    }
    assert!(hits.is_empty(), "a module names one above it:\n{}", hits.join("\n"));
}

#[test]
fn the_plan_does_not_reach_up_into_the_patient() {
    // The plan's output type (EventContext) is the plan's own: no `use crate::patient` in src/plan.
    let hits = offending("plan", &["crate::patient"]);
    assert!(hits.is_empty(), "src/plan names the patient module:\n{}", hits.join("\n"));
}

#[test]
fn civil_is_calendar_arithmetic_only() {
    // Writing text (dates, timestamps, tenths) is src/text.rs's; civil.rs writes no bytes.
    let hits = offending("civil.rs", &["crate::text", "Out", ".put(", ".byte("]);
    assert!(hits.is_empty(), "src/civil.rs writes text:\n{}", hits.join("\n"));
}

#[test]
fn the_check_finds_what_it_looks_for() {
    // The scan itself: src/format names the patient record and src/text.rs appends bytes.
    assert!(!offending("format", &["crate::patient"]).is_empty());
    assert!(!offending("text.rs", &[".put("]).is_empty());
}
