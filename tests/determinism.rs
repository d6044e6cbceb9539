//! Determinism (docs/GENERATION.md#determinism): same config + seed ⇒ same bytes, whatever the
//! chunk size or shard split, through the library and through the CLI.

mod common;

use std::process::Command;

use common::run;
use patientgen::{shard_range, Format, JobOptions};

fn opts(format: Format) -> JobOptions {
    JobOptions { format, ..JobOptions::default() }
}

const CFG: &str = r#"{"total_patients": 5000}"#;

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let a = run(CFG, 7, opts(Format::Ndjson));
    let b = run(CFG, 7, opts(Format::Ndjson));
    let c = run(CFG, 8, opts(Format::Ndjson));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.iter().filter(|&&x| x == b'\n').count(), 5000);
}

#[test]
fn chunk_sizes_do_not_change_bytes() {
    for format in [Format::Ndjson, Format::Json, Format::JsonWrapped] {
        let whole = run(CFG, 3, opts(format));
        for chunk_size in [1, 7, 1000] {
            let o = JobOptions { chunk_size, ..opts(format) };
            assert!(run(CFG, 3, o) == whole, "{format:?} chunk size {chunk_size}");
        }
        // A tiny byte budget ends every chunk after one record.
        let o = JobOptions { chunk_bytes: 1, ..opts(format) };
        assert!(run(CFG, 3, o) == whole, "{format:?} byte budget 1");
    }
}

#[test]
fn shards_concatenate_to_the_whole_run() {
    for format in [Format::Ndjson, Format::Json, Format::JsonWrapped] {
        let whole = run(CFG, 11, opts(format));
        for count in [2u64, 3, 4, 7] {
            let mut cat = Vec::new();
            for k in 0..count {
                let range = shard_range(5000, k, count).unwrap();
                cat.extend(run(CFG, 11, JobOptions { range: Some(range), chunk_size: 333, ..opts(format) }));
            }
            assert!(cat == whole, "{format:?} in {count} shards");
        }
        // Uneven ranges, including empty ones.
        let mut cat = Vec::new();
        for r in [0..0, 0..1, 1..1, 1..2500, 2500..4999, 4999..5000, 5000..5000] {
            cat.extend(run(CFG, 11, JobOptions { range: Some(r), ..opts(format) }));
        }
        assert!(cat == whole, "{format:?} uneven ranges");
    }
}

#[test]
fn json_framings_parse() {
    let arr: serde_json::Value = serde_json::from_slice(&run(CFG, 5, opts(Format::Json))).unwrap();
    assert_eq!(arr.as_array().unwrap().len(), 5000);
    let w: serde_json::Value = serde_json::from_slice(&run(CFG, 5, opts(Format::JsonWrapped))).unwrap();
    assert_eq!(w["patients"].as_array().unwrap().len(), 5000);
    let m = &w["metadata"];
    assert_eq!(m["generator"], "patientgen");
    assert_eq!(m["seed"], "5");
    assert_eq!(m["total_patients"], 5000);
    assert_eq!(m["schema_version"], 1);
    let keys: Vec<&str> = m.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "generator",
            "output_version",
            "seed",
            "total_patients",
            "config_sha256",
            "base_date",
            "days_of_fighting",
            "flow_model",
            "schema_version"
        ]
    );
    for line in run(CFG, 5, opts(Format::Ndjson)).split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let _: serde_json::Value = serde_json::from_slice(line).expect("every ndjson line is JSON");
    }
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_patientgen")).args(args).output().expect("run patientgen")
}

#[test]
fn cli_shards_concatenate_and_match_the_library() {
    let whole = cli(&["generate", "--patients", "3000", "--seed", "42", "--progress", "never"]);
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let mut cat = Vec::new();
    for k in 0..4 {
        let shard = format!("{k}/4");
        let o = cli(&["generate", "--patients", "3000", "--seed", "42", "--shard", &shard, "-o", "-"]);
        assert!(o.status.success());
        cat.extend(o.stdout);
    }
    assert!(cat == whole.stdout, "CLI shards differ from the whole run");
    let lib = run(r#"{"total_patients": 3000}"#, 42, opts(Format::Ndjson));
    assert!(lib == whole.stdout, "CLI and library differ");
    let chunked = cli(&["generate", "--patients", "3000", "--seed", "42", "--chunk-size", "7"]);
    assert!(chunked.stdout == whole.stdout);
}

#[test]
fn cli_exit_codes() {
    let bad_flag = cli(&["generate", "--no-such-flag"]);
    assert_eq!(bad_flag.status.code(), Some(1));
    let bad_shard = cli(&["generate", "--shard", "4/4"]);
    assert_eq!(bad_shard.status.code(), Some(1));
    let bad_patients = cli(&["generate", "--patients", "0"]);
    assert_eq!(bad_patients.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_patients.stderr).contains("total_patients"));
    let missing = cli(&["generate", "--config", "/nonexistent/scenario.json"]);
    assert_eq!(missing.status.code(), Some(2));
    // A device as -o is refused (issue #15; the full-disk exit 2 is in tests/cli_faults.rs).
    let device = cli(&["generate", "--patients", "20000", "--seed", "1", "-o", "/dev/full"]);
    assert_eq!(device.status.code(), Some(1), "{}", String::from_utf8_lossy(&device.stderr));
    assert!(String::from_utf8_lossy(&device.stderr).contains("is not a regular file"));
}

#[test]
fn cli_validate_prints_every_error_or_the_resolved_configuration() {
    let dir = std::env::temp_dir().join(format!("patientgen-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"days_of_fighting": 400, "warfare_types": {"artilery": true},
            "front_configs": [{"name": "X", "nationality_distribution": [{"nationality_code": "XYZ", "percentage": 1}]}]}"#,
    )
    .unwrap();
    let o = cli(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let lines: Vec<String> = String::from_utf8_lossy(&o.stderr).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "days_of_fighting: must be between 1 and 365, got 400",
            "warfare_types.artilery: unknown warfare type; did you mean \"artillery\"?",
            "front_configs[0].nationality_distribution[0].nationality_code: unknown nation \"XYZ\"",
        ]
    );
    let good = dir.join("good.json");
    std::fs::write(&good, r#"{"preset": "cbrn_incident", "seed": 5}"#).unwrap();
    let o = cli(&["validate", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the resolved configuration is JSON");
    assert_eq!(v["total_patients"], 1500);
    assert_eq!(v["days_of_fighting"], 3);
    assert_eq!(v["warfare_types"]["cbrn"], true);
    assert_eq!(v["warfare_types"].as_object().unwrap().len(), 8);
    assert_eq!(v.as_object().unwrap().len(), 15, "the 15 keys of the resolved configuration (docs/SCENARIO.md)");
    let _ = std::fs::remove_dir_all(&dir);
}
