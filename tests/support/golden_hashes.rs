//! The pinned output hashes (`tests/golden/sha256.tsv`) and how a run is hashed: shared by the
//! native golden test and the wasm suites (Node, Chromium), included with `#[path]`.
#![allow(dead_code)]

use std::fmt::Write as _;

use patientgen::{parse_scenario, Compression, Format, Job, JobOptions};
use sha2::{Digest, Sha256};

/// The native build's hashes (written by `UPDATE_GOLDEN=1 cargo test --test golden`).
pub const GOLDEN: &str = include_str!("../golden/sha256.tsv");

/// The pinned hash of (scenario, seed, format) in [`GOLDEN`].
pub fn pinned(scenario: &str, seed: u64, format: Format) -> &'static str {
    let seed = seed.to_string();
    GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.len() == 4 && f[0] == scenario && f[1] == seed && f[2] == format.as_str())
        .map(|f| f[3])
        .unwrap_or_else(|| panic!("no golden line for {scenario} {seed} {}", format.as_str()))
}

/// The compressed outputs pinned for the default scenario with seed 1: (format, compression,
/// level, the label of the golden line's format column).
pub const COMPRESSED: &[(Format, Compression, u32, &str)] = &[
    (Format::Ndjson, Compression::Gzip, 1, "ndjson+gzip-1"),
    (Format::Ndjson, Compression::Gzip, 6, "ndjson+gzip-6"),
    (Format::Csv, Compression::Gzip, 6, "csv+gzip-6"),
    (Format::FhirR4, Compression::Gzip, 9, "fhir-r4+gzip-9"),
    (Format::Ndjson, Compression::Zip, 6, "ndjson+zip-6"),
    (Format::Csv, Compression::Zip, 6, "csv+zip-6"),
];

/// The job options of a [`COMPRESSED`] entry.
pub fn compressed_options(format: Format, compression: Compression, level: u32) -> JobOptions {
    JobOptions { format, compression, compression_level: level, ..JobOptions::default() }
}

/// The pinned hash of a golden line by its format-column label (compressed lines).
pub fn pinned_label(scenario: &str, seed: u64, label: &str) -> &'static str {
    let seed = seed.to_string();
    GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.len() == 4 && f[0] == scenario && f[1] == seed && f[2] == label)
        .map(|f| f[3])
        .unwrap_or_else(|| panic!("no golden line for {scenario} {seed} {label}"))
}

/// Lower-case hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The job of a scenario text with `seed`.
pub fn job(config: &str, seed: u64, opts: &JobOptions) -> Job {
    let s = parse_scenario(config).expect("valid scenario");
    Job::new(&s.resolved, seed, opts).expect("job")
}

/// SHA-256 (hex) of the whole output of `config`, and the number of chunks it came in.
pub fn hash(config: &str, seed: u64, opts: &JobOptions) -> (String, u64) {
    let mut job = job(config, seed, opts);
    let mut h = Sha256::new();
    let mut buf = Vec::new();
    let mut chunks = 0;
    loop {
        buf.clear();
        let r = job.next_chunk(&mut buf).expect("chunk");
        h.update(&buf);
        chunks += 1;
        if r.done {
            break;
        }
    }
    (hex(&h.finalize()), chunks)
}
