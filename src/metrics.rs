//! Counters → Prometheus text exposition (DOMAIN.md §11).
//!
//! A [`Metrics`] accumulates over any number of jobs (the edge worker keeps one per isolate);
//! the host supplies chunk durations, since the core reads no clock.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::format::Format;

/// Histogram bucket bounds of `patient_generation_duration_seconds`, seconds.
pub const DURATION_BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0];

/// Error classes of `patient_generation_errors_total`.
pub const ERROR_TYPES: [&str; 5] = ["config_invalid", "output", "encryption", "cancelled", "internal"];

#[derive(Clone, Debug, Default, PartialEq)]
struct PerFormat {
    patients: u64,
    chunks: u64,
    bytes_serialized: u64,
    bytes_output: u64,
    buckets: [u64; 10],
    duration_sum: f64,
    duration_count: u64,
}

/// Accumulated metrics.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    formats: BTreeMap<&'static str, PerFormat>,
    errors: [u64; 5],
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one emitted chunk: its records, bytes per stage and wall time in seconds.
    pub fn observe_chunk(&mut self, format: Format, patients: u64, serialized: u64, output: u64, seconds: f64) {
        let f = self.formats.entry(format.as_str()).or_default();
        f.patients += patients;
        f.chunks += 1;
        f.bytes_serialized += serialized;
        f.bytes_output += output;
        for (b, bound) in f.buckets.iter_mut().zip(DURATION_BUCKETS) {
            if seconds <= bound {
                *b += 1;
            }
        }
        f.duration_sum += seconds;
        f.duration_count += 1;
    }

    /// Counts a failed run; unknown error types count as `internal`.
    pub fn observe_error(&mut self, error_type: &str) {
        let i = ERROR_TYPES.iter().position(|e| *e == error_type).unwrap_or(4);
        self.errors[i] += 1;
    }

    /// Patients produced in `format` so far.
    pub fn patients(&self, format: Format) -> u64 {
        self.formats.get(format.as_str()).map_or(0, |f| f.patients)
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(2048);
        s.push_str("# HELP patients_generated_total Patients actually produced.\n");
        s.push_str("# TYPE patients_generated_total counter\n");
        for (name, f) in &self.formats {
            let _ = writeln!(s, "patients_generated_total{{format=\"{name}\"}} {}", f.patients);
        }
        s.push_str("# HELP patient_generation_duration_seconds Wall time per chunk.\n");
        s.push_str("# TYPE patient_generation_duration_seconds histogram\n");
        for (name, f) in &self.formats {
            for (b, bound) in f.buckets.iter().zip(DURATION_BUCKETS) {
                let _ =
                    writeln!(s, "patient_generation_duration_seconds_bucket{{format=\"{name}\",le=\"{bound}\"}} {b}");
            }
            let _ = writeln!(
                s,
                "patient_generation_duration_seconds_bucket{{format=\"{name}\",le=\"+Inf\"}} {}",
                f.duration_count
            );
            let _ = writeln!(s, "patient_generation_duration_seconds_sum{{format=\"{name}\"}} {}", f.duration_sum);
            let _ = writeln!(s, "patient_generation_duration_seconds_count{{format=\"{name}\"}} {}", f.duration_count);
        }
        s.push_str("# HELP patient_generation_errors_total Failed runs.\n");
        s.push_str("# TYPE patient_generation_errors_total counter\n");
        for (e, n) in ERROR_TYPES.iter().zip(self.errors) {
            let _ = writeln!(s, "patient_generation_errors_total{{error_type=\"{e}\"}} {n}");
        }
        s.push_str("# HELP patientgen_bytes_written_total Bytes per stage.\n");
        s.push_str("# TYPE patientgen_bytes_written_total counter\n");
        for (name, f) in &self.formats {
            let _ = writeln!(
                s,
                "patientgen_bytes_written_total{{format=\"{name}\",stage=\"serialized\"}} {}",
                f.bytes_serialized
            );
            let _ =
                writeln!(s, "patientgen_bytes_written_total{{format=\"{name}\",stage=\"output\"}} {}", f.bytes_output);
        }
        s.push_str("# HELP patientgen_chunks_total Chunks emitted.\n");
        s.push_str("# TYPE patientgen_chunks_total counter\n");
        for (name, f) in &self.formats {
            let _ = writeln!(s, "patientgen_chunks_total{{format=\"{name}\"}} {}", f.chunks);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let mut m = Metrics::new();
        m.observe_chunk(Format::Ndjson, 1000, 3_000_000, 3_000_000, 0.004);
        m.observe_chunk(Format::Ndjson, 500, 1_500_000, 1_500_000, 0.2);
        m.observe_error("cancelled");
        let t = m.render();
        assert!(t.contains("patients_generated_total{format=\"ndjson\"} 1500\n"));
        assert!(t.contains("patient_generation_duration_seconds_bucket{format=\"ndjson\",le=\"0.005\"} 1\n"));
        assert!(t.contains("patient_generation_duration_seconds_bucket{format=\"ndjson\",le=\"0.5\"} 2\n"));
        assert!(t.contains("patient_generation_duration_seconds_count{format=\"ndjson\"} 2\n"));
        assert!(t.contains("patient_generation_errors_total{error_type=\"cancelled\"} 1\n"));
        assert!(t.contains("patientgen_chunks_total{format=\"ndjson\"} 2\n"));
    }
}
