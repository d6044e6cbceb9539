//! Golden output hashes (docs/OUTPUT.md#byte-identity): (scenario, seed, format) → SHA-256 of the whole output.
//!
//! A changed hash is a deliberate, reviewed change of output bytes: bump the output version
//! (docs/OUTPUT.md#output-version) and regenerate with `UPDATE_GOLDEN=1 cargo test --test golden`.

#[path = "support/golden_hashes.rs"]
mod golden_hashes;

use std::fmt::Write as _;
use std::path::PathBuf;

use patientgen::{Format, JobOptions, OUTPUT_VERSION};

/// Scenarios pinned: the default scenario, the Markov model, military demographics, every preset.
const SCENARIOS: &[(&str, &str)] = &[
    ("default", "{}"),
    ("default-markov", r#"{"flow_model": "markov"}"#),
    ("default-military-latin", r#"{"demographics": {"military": true, "script": "latin"}, "total_patients": 500}"#),
    ("nato_article_5", r#"{"preset": "nato_article_5"}"#),
    ("peacekeeping", r#"{"preset": "peacekeeping"}"#),
    ("urban_assault", r#"{"preset": "urban_assault"}"#),
    ("cbrn_incident", r#"{"preset": "cbrn_incident"}"#),
    ("training_exercise", r#"{"preset": "training_exercise"}"#),
    ("mass_casualty", r#"{"preset": "mass_casualty"}"#),
    ("arctic_operation", r#"{"preset": "arctic_operation"}"#),
    ("maritime_operation", r#"{"preset": "maritime_operation"}"#),
];
const SEEDS: &[u64] = &[1, 20251128];

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sha256.tsv")
}

fn hash(config: &str, seed: u64, format: Format) -> String {
    golden_hashes::hash(config, seed, &JobOptions { format, ..JobOptions::default() }).0
}

fn current() -> String {
    let mut out = format!("# output_version {OUTPUT_VERSION}\n# scenario\tseed\tformat\tsha256\n");
    for (name, config) in SCENARIOS {
        for seed in SEEDS {
            for format in Format::ALL {
                let _ = writeln!(out, "{name}\t{seed}\t{}\t{}", format.as_str(), hash(config, *seed, format));
            }
        }
    }
    // Compressed bytes (gzip members and zip blocks on the 1,000-patient grid, zlib-rs).
    for (format, compression, level, label) in golden_hashes::COMPRESSED {
        let opts = golden_hashes::compressed_options(*format, *compression, *level);
        let _ = writeln!(out, "default\t1\t{label}\t{}", golden_hashes::hash("{}", 1, &opts).0);
    }
    out
}

#[test]
fn golden_hashes() {
    let now = current();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_path().parent().unwrap()).unwrap();
        std::fs::write(golden_path(), &now).unwrap();
        return;
    }
    let pinned =
        std::fs::read_to_string(golden_path()).expect("tests/golden/sha256.tsv exists (UPDATE_GOLDEN=1 creates it)");
    let diff: Vec<String> = now
        .lines()
        .zip(pinned.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  now:    {a}\n  pinned: {b}"))
        .collect();
    assert!(
        diff.is_empty() && now.lines().count() == pinned.lines().count(),
        "output bytes changed; if deliberate, bump the output version and run UPDATE_GOLDEN=1:\n{}",
        diff.join("\n")
    );
}
