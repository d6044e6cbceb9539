//! # patientgen
//!
//! Deterministic, streaming generator of synthetic casualty datasets for military medical
//! exercises: NATO casualties of a scenario, their injuries (SNOMED CT), triage, evacuation from
//! the point of injury through Role 1–4, timelines and outcomes.
//!
//! The same (configuration, seed) gives the same bytes on every target, chunk size and shard
//! split. The core is pure Rust: no clock, no OS randomness, no JavaScript; `src/wasm/` adapts it
//! to JavaScript and `src/bin/patientgen.rs` to the command line.
//!
//! ```
//! use patientgen::{parse_scenario, Job, JobOptions};
//! let scenario = parse_scenario(r#"{"total_patients": 10}"#).unwrap();
//! let mut job = Job::new(&scenario.resolved, 42, &JobOptions::default()).unwrap();
//! let mut out = Vec::new();
//! while !job.next_chunk(&mut out).unwrap().done {}
//! assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 10);
//! ```
//!
//! ## Public surface
//!
//! Running a job is the crate root: [`parse_scenario`] → [`Scenario`] / [`Resolved`] (or
//! [`ConfigErrors`] with JSON paths), [`Job`] with [`JobOptions`] → chunks and [`ChunkReport`]s,
//! [`shard_range`], [`file_name`], [`Metrics`], [`options`] ([`RunOptions`]: the run options every host
//! reads, with typed [`OptionError`]s), [`presets_json`], [`resolved_pretty_json`]. The public
//! modules hold the rest of the API: [`config`] (limits, presets, canonical JSON), [`vocab`] (the
//! closed vocabularies a [`Resolved`] is made of), [`format`](mod@format) (record writers), [`sink`] (compression
//! and PGENC1 encryption, decryption) and [`report`] (the calibration report). Every other module
//! is private; docs/ARCHITECTURE.md describes them and the direction of their dependencies.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod civil;
pub mod config;
mod data;
pub mod format;
mod job;
mod metrics;
pub mod options;
mod patient;
mod plan;
pub mod report;
mod rng;
pub mod sink;
mod text;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use civil::Date;
pub use config::{parse_scenario, ConfigError, ConfigErrors, Resolved, Scenario};
pub use format::{Format, OUTPUT_VERSION};
pub use job::{
    block_range, shard_range, ChunkReport, Counters, Job, JobError, JobOptions, RunError, BLOCK_PATIENTS,
    DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_SIZE, DEFAULT_COMPRESSION_LEVEL, MAX_CHUNK_BYTES,
};
pub use metrics::Metrics;

/// The documents `patientgen schema [WHAT]` prints, by name: the scenario's JSON Schema, the
/// record's, their TypeScript types, the docs' key and field tables, and the CSV descriptor.
pub const SCHEMA_DOCUMENTS: [&str; 8] =
    ["scenario", "record", "scenario.d.ts", "record.d.ts", "keys.md", "record.md", "datapackage.json", "csv.md"];

/// The text of the generated document `name` (one of [`SCHEMA_DOCUMENTS`]), ending in a newline.
pub fn schema_document(name: &str) -> Option<String> {
    match name {
        "datapackage.json" => Some(format::csv_schema::datapackage(true)),
        "csv.md" => Some(format::csv_schema::fields_markdown()),
        _ => config::schema::document(name),
    }
}
pub use options::{OptionError, OptionErrorKind, RunOptions};
pub use sink::Compression;

/// The closed vocabularies of the domain (warfare types, nations, facilities, triage, …), in
/// canonical order: each enum's `ALL` lists its values and `as_str` gives the output spelling.
pub mod vocab {
    pub use crate::data::vocab::*;
}

/// The generator's building blocks (calendar, tables, plan, patient model, random streams),
/// reachable for this repository's white-box tests and benchmarks (`tests/`, `benches/`) only.
/// Not part of the API: no compatibility promise, hidden from the documentation.
#[doc(hidden)]
pub mod internals {
    /// Calendar arithmetic (`crate::civil`).
    pub mod civil {
        pub use crate::civil::*;
    }
    /// The model's tables (`crate::data`).
    pub mod data {
        pub use crate::data::*;
    }
    /// Per-patient generation (`crate::patient`).
    pub mod patient {
        pub use crate::patient::*;
    }
    /// The event plan (`crate::plan`).
    pub mod plan {
        pub use crate::plan::*;
    }
    /// Random streams (`crate::rng`).
    pub mod rng {
        pub use crate::rng::*;
    }
}

/// The generator's full version (run information only; output bytes carry [`OUTPUT_VERSION`]).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The conventional file name of an output (the table of docs/OUTPUT.md): `patients.<ext>`, then
/// `.gz`; a zip container is `patients.zip`; encryption appends `.pgenc`.
pub fn file_name(format: Format, compression: Compression, encrypted: bool) -> String {
    let mut name = match compression {
        Compression::Zip => "patients.zip".to_string(),
        Compression::Gzip => format!("patients.{}.gz", format.extension()),
        Compression::None => format!("patients.{}", format.extension()),
    };
    if encrypted {
        name.push_str(".pgenc");
    }
    name
}

/// The shipped presets as a JSON array of `{id, name, description, category, category_label,
/// difficulty, total_patients, days_of_fighting, warfare_types}` (for UIs and the JS `presets()`).
pub fn presets_json() -> String {
    let list: Vec<serde_json::Value> = config::presets::presets()
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "category": p.category,
                "category_label": p.category_label,
                "difficulty": p.difficulty.as_str(),
                "total_patients": p.total_patients,
                "days_of_fighting": p.days,
                "warfare_types": [p.warfare_type.as_str()],
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The resolved configuration as pretty JSON in the key order of [`config::resolved_to_json`] (what
/// `patientgen validate` prints). Whole-number weights are written as integers (`1`, not `1.0`),
/// as JavaScript's `JSON.stringify` and RFC 8785 write them, so every front end prints the same text.
pub fn resolved_pretty_json(r: &Resolved) -> String {
    fn whole_numbers_as_integers(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15) {
                    *v = serde_json::Value::from(f as i64);
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(whole_numbers_as_integers),
            serde_json::Value::Object(o) => o.values_mut().for_each(whole_numbers_as_integers),
            _ => {}
        }
    }
    let mut v = config::resolved_to_json(r);
    whole_numbers_as_integers(&mut v);
    serde_json::to_string_pretty(&v).unwrap_or_default()
}
