//! Counters → Prometheus text exposition (ops/README.md#metrics).
//!
//! A [`Metrics`] accumulates over any number of jobs (the edge worker keeps one per isolate);
//! the host supplies chunk durations and memory sizes, since the core reads no clock and no OS.
//! Every family, its labels and its meaning are listed in ops/README.md#metrics; names are
//! stable: dashboards and alert rules in `ops/` query them.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::format::{Format, OUTPUT_VERSION};

/// Histogram bucket bounds of `patient_generation_duration_seconds`, seconds.
pub const DURATION_BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0];

/// Error classes of `patient_generation_errors_total`.
pub const ERROR_TYPES: [&str; 5] = ["config_invalid", "output", "encryption", "cancelled", "internal"];

/// HTTP statuses of `patientgen_requests_rejected_total` that a server exposition always carries
/// (at 0 until the first rejection), so rates over them exist from the first scrape: the edge
/// worker's 400 (bad query or scenario), 404 (no such route), 405 (method) and 413 (over the
/// patient cap or the body limit).
pub const REJECTION_STATUSES: [u16; 4] = [400, 404, 405, 413];

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
    runs_started: u64,
    runs_finished: u64,
    /// Rejected requests per HTTP status; `None` for an exposition that serves no requests.
    rejections: Option<BTreeMap<u16, u64>>,
    memory_bytes: Option<u64>,
}

impl Metrics {
    /// Empty metrics of a run or a batch of runs (the CLI, a `Generator`): no request families.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empty metrics of a server (the edge worker): `patientgen_requests_rejected_total` is
    /// rendered, with every status of [`REJECTION_STATUSES`] at 0.
    pub fn for_server() -> Self {
        Self { rejections: Some(REJECTION_STATUSES.iter().map(|s| (*s, 0)).collect()), ..Self::default() }
    }

    /// Counts a run that started (its first chunk is yet to come): `patientgen_runs_started_total`
    /// and `patientgen_active_runs` go up by one.
    pub fn run_started(&mut self) {
        self.runs_started += 1;
    }

    /// Counts a run that ended, whether it completed, failed or was cancelled:
    /// `patientgen_active_runs` goes down by one (never below 0: a finish without a start is
    /// ignored).
    pub fn run_finished(&mut self) {
        if self.runs_finished < self.runs_started {
            self.runs_finished += 1;
        }
    }

    /// Runs started and not yet finished.
    pub fn active_runs(&self) -> u64 {
        self.runs_started - self.runs_finished
    }

    /// Counts a rejected request by its HTTP status (any 4xx). Returns false, counting nothing,
    /// for a status outside 400–499. Makes this a server exposition if it was not one.
    pub fn observe_rejection(&mut self, status: u16) -> bool {
        if !(400..=499).contains(&status) {
            return false;
        }
        let map = self.rejections.get_or_insert_with(|| REJECTION_STATUSES.iter().map(|s| (*s, 0)).collect());
        *map.entry(status).or_default() += 1;
        true
    }

    /// Requests rejected with `status` so far.
    pub fn rejections(&self, status: u16) -> u64 {
        self.rejections.as_ref().and_then(|m| m.get(&status)).copied().unwrap_or(0)
    }

    /// Sets `patientgen_wasm_memory_bytes`, the host's reading of its WebAssembly linear memory;
    /// the gauge is rendered once set.
    pub fn set_memory_bytes(&mut self, bytes: u64) {
        self.memory_bytes = Some(bytes);
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
        let mut s = String::with_capacity(4096);
        s.push_str("# HELP patientgen_build_info The generator's version and output version; always 1.\n");
        s.push_str("# TYPE patientgen_build_info gauge\n");
        let _ = writeln!(
            s,
            "patientgen_build_info{{version=\"{}\",output_version=\"{OUTPUT_VERSION}\"}} 1",
            crate::VERSION
        );
        s.push_str("# HELP patientgen_runs_started_total Runs started (a request answered 200, a CLI run).\n");
        s.push_str("# TYPE patientgen_runs_started_total counter\n");
        let _ = writeln!(s, "patientgen_runs_started_total {}", self.runs_started);
        s.push_str("# HELP patientgen_active_runs Runs started and not yet completed, failed or cancelled.\n");
        s.push_str("# TYPE patientgen_active_runs gauge\n");
        let _ = writeln!(s, "patientgen_active_runs {}", self.active_runs());
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
        if let Some(rejections) = &self.rejections {
            s.push_str("# HELP patientgen_requests_rejected_total Requests answered with a 4xx status, by status.\n");
            s.push_str("# TYPE patientgen_requests_rejected_total counter\n");
            for (status, n) in rejections {
                let _ = writeln!(s, "patientgen_requests_rejected_total{{status=\"{status}\"}} {n}");
            }
        }
        if let Some(bytes) = self.memory_bytes {
            s.push_str(
                "# HELP patientgen_wasm_memory_bytes Size of the WebAssembly linear memory (it never shrinks).\n",
            );
            s.push_str("# TYPE patientgen_wasm_memory_bytes gauge\n");
            let _ = writeln!(s, "patientgen_wasm_memory_bytes {bytes}");
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
        // A run exposition has no request or memory families.
        assert!(!t.contains("patientgen_requests_rejected_total"));
        assert!(!t.contains("patientgen_wasm_memory_bytes"));
    }

    #[test]
    fn build_info_carries_both_versions() {
        let t = Metrics::new().render();
        let line = format!(
            "patientgen_build_info{{version=\"{}\",output_version=\"{}\"}} 1\n",
            crate::VERSION,
            OUTPUT_VERSION
        );
        assert!(t.contains(&line), "{t}");
        assert!(t.contains("# TYPE patientgen_build_info gauge\n"));
    }

    #[test]
    fn active_runs_count_starts_minus_finishes_and_never_go_below_zero() {
        let mut m = Metrics::new();
        m.run_finished();
        assert_eq!(m.active_runs(), 0);
        m.run_started();
        m.run_started();
        m.run_started();
        m.run_finished();
        assert_eq!(m.active_runs(), 2);
        let t = m.render();
        assert!(t.contains("patientgen_runs_started_total 3\n"));
        assert!(t.contains("patientgen_active_runs 2\n"));
        m.run_finished();
        m.run_finished();
        m.run_finished();
        assert_eq!(m.active_runs(), 0);
        assert!(m.render().contains("patientgen_active_runs 0\n"));
    }

    #[test]
    fn a_server_exposition_carries_every_rejection_status_from_the_start() {
        let mut m = Metrics::for_server();
        let t = m.render();
        for s in REJECTION_STATUSES {
            assert!(t.contains(&format!("patientgen_requests_rejected_total{{status=\"{s}\"}} 0\n")), "{t}");
        }
        assert!(m.observe_rejection(413));
        assert!(m.observe_rejection(413));
        assert!(m.observe_rejection(429));
        assert!(!m.observe_rejection(500));
        assert!(!m.observe_rejection(200));
        assert_eq!(m.rejections(413), 2);
        assert_eq!(m.rejections(500), 0);
        let t = m.render();
        assert!(t.contains("patientgen_requests_rejected_total{status=\"413\"} 2\n"));
        assert!(t.contains("patientgen_requests_rejected_total{status=\"429\"} 1\n"));
        assert!(!t.contains("status=\"500\""));
        // A run exposition becomes a server one at its first rejection.
        let mut run = Metrics::new();
        assert!(run.observe_rejection(400));
        assert!(run.render().contains("patientgen_requests_rejected_total{status=\"404\"} 0\n"));
    }

    #[test]
    fn memory_gauge_appears_once_set() {
        let mut m = Metrics::new();
        m.set_memory_bytes(17 * 65536);
        assert!(m
            .render()
            .contains("# TYPE patientgen_wasm_memory_bytes gauge\npatientgen_wasm_memory_bytes 1114112\n"));
    }
}
