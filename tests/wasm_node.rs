//! The public Rust API compiled to WebAssembly and run in Node (docs/GENERATION.md#determinism): the
//! golden scenario gives, for seed 1 in every format, the same SHA-256 as the native build pinned
//! in `tests/golden/sha256.tsv`; chunking does not change the bytes; configuration errors carry
//! their JSON paths.
//!
//! wasm32 only (empty natively). Run with scripts/test-wasm.sh, or:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$PWD/.tools/bin/wasm-bindgen-test-runner \
//!  cargo test --target wasm32-unknown-unknown --test wasm_node`
#![cfg(target_arch = "wasm32")]

#[path = "support/golden_hashes.rs"]
mod golden_hashes;

use golden_hashes::{compressed_options, hash, pinned, pinned_label, COMPRESSED, GOLDEN};
use patientgen::{parse_scenario, ConfigErrors, Format, JobOptions, OUTPUT_VERSION};
use patientgen::{DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn golden_file_matches_this_output_version() {
    assert_eq!(GOLDEN.lines().next(), Some(format!("# output_version {OUTPUT_VERSION}").as_str()));
}

#[wasm_bindgen_test]
fn golden_default_seed_1_every_format_matches_native() {
    for format in Format::ALL {
        let (got, _) = hash("{}", 1, &JobOptions { format, ..JobOptions::default() });
        assert_eq!(got, pinned("default", 1, format), "wasm and native differ for {}", format.as_str());
    }
}

#[wasm_bindgen_test]
fn golden_compressed_outputs_match_native() {
    for (format, compression, level, label) in COMPRESSED {
        let (got, _) = hash("{}", 1, &compressed_options(*format, *compression, *level));
        assert_eq!(got, pinned_label("default", 1, label), "wasm and native differ for {label}");
    }
}

#[wasm_bindgen_test]
fn golden_markov_seed_1_ndjson_matches_native() {
    let opts = JobOptions { format: Format::Ndjson, ..JobOptions::default() };
    let (got, _) = hash(r#"{"flow_model": "markov"}"#, 1, &opts);
    assert_eq!(got, pinned("default-markov", 1, Format::Ndjson));
}

#[wasm_bindgen_test]
fn chunk_size_and_byte_budget_do_not_change_bytes() {
    let config = r#"{"total_patients": 300}"#;
    let big = MAX_CHUNK_BYTES;
    for format in Format::ALL {
        let whole = JobOptions { format, chunk_size: 1000, chunk_bytes: big, ..JobOptions::default() };
        let (reference, one) = hash(config, 7, &whole);
        assert_eq!(one, 1, "300 patients fit one chunk of 1000 records and 64 MiB");
        for (chunk_size, chunk_bytes) in [(1, big), (7, big), (64, big), (1000, 1), (1000, DEFAULT_CHUNK_BYTES)] {
            let opts = JobOptions { format, chunk_size, chunk_bytes, ..JobOptions::default() };
            let (got, chunks) = hash(config, 7, &opts);
            assert_eq!(got, reference, "{} with chunk_size {chunk_size}, chunk_bytes {chunk_bytes}", format.as_str());
            match chunk_bytes {
                1 => assert_eq!(chunks, 300, "{}: one record per chunk", format.as_str()),
                b if b == big => assert_eq!(chunks, 300u64.div_ceil(chunk_size as u64), "{}", format.as_str()),
                _ => assert!(chunks >= 1, "{}", format.as_str()),
            }
        }
    }
}

#[wasm_bindgen_test]
fn seed_changes_bytes() {
    let opts = JobOptions::default();
    assert_ne!(hash(r#"{"total_patients": 20}"#, 1, &opts).0, hash(r#"{"total_patients": 20}"#, 2, &opts).0);
}

#[wasm_bindgen_test]
fn config_errors_carry_json_paths() {
    let doc = r#"{"total_patients": 0, "front_configs": [
      {"id": "a", "name": "Alpha", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
      {"id": "b", "name": "Bravo", "nationality_distribution": [{"nationality_code": "pol", "percentage": 1}]}
    ]}"#;
    let ConfigErrors(list) = parse_scenario(doc).expect_err("two errors");
    let got: Vec<(String, String)> = list.iter().map(|e| (e.path.clone(), e.message.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("total_patients".to_string(), "must be between 1 and 1099511627776, got 0".to_string()),
            (
                "front_configs[1].nationality_distribution[0].nationality_code".to_string(),
                r#"unknown nation "pol"; did you mean "POL"?"#.to_string()
            ),
        ]
    );
    let ConfigErrors(json) = parse_scenario(r#"{"total_patients": 1e400}"#).expect_err("bad JSON");
    assert_eq!(json[0].to_string(), "invalid JSON: number out of range at line 1 column 24");
}
