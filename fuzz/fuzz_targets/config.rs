//! libFuzzer target: any bytes as a scenario document. Parsing and validation must return a
//! typed result; a configuration that validates must plan and produce its first chunk in
//! ndjson (every record a JSON object with the right id) and in one more format. Any panic,
//! hang (libFuzzer `-timeout`) or runaway allocation (`-rss_limit_mb`, `-malloc_limit_mb`) is
//! a finding. The proptest twin for stable Rust is `tests/fuzz_config.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patientgen::{parse_scenario, Format, Job, JobOptions};

/// Records per first chunk.
const FIRST_CHUNK: u32 = 8;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = std::str::from_utf8(data) else { return };
    let scenario = match parse_scenario(doc) {
        Ok(s) => s,
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a refusal lists at least one error");
            assert!(errors.0.iter().all(|e| !e.message.is_empty()));
            return;
        }
    };
    let r = &scenario.resolved;
    assert!(r.total_patients >= 1 && r.total_patients <= patientgen::config::MAX_PATIENTS);
    assert!(!r.fronts.is_empty() && r.fronts.len() <= patientgen::config::MAX_FRONTS);
    let seed = scenario.seed.unwrap_or(data.len() as u64);
    let others = [Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4];
    for format in [Format::Ndjson, others[data.len() % others.len()]] {
        let opts = JobOptions { format, chunk_size: FIRST_CHUNK, ..JobOptions::default() };
        let mut job = Job::new(r, seed, &opts).expect("a valid configuration builds a job");
        let mut out = Vec::new();
        let report = job.next_chunk(&mut out).expect("the first chunk");
        assert!(report.patients >= 1);
        if format == Format::Ndjson {
            for (i, line) in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
                let v: serde_json::Value = serde_json::from_slice(line).expect("a record is JSON");
                assert_eq!(v.get("id").and_then(serde_json::Value::as_u64), Some(i as u64));
            }
        }
    }
});
