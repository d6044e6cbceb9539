//! `patientgen bench`: the scaling table of DESIGN.md §5, native and wasm-in-Node side by side.
//!
//! Each (N, engine) is measured in a fresh child process so that its peak memory is its own: the
//! native child is this executable re-run as `patientgen bench --child N` (it prints its peak RSS,
//! `VmHWM`), the wasm child is `node scripts/bench-wasm.mjs --patients N`. Both generate the
//! default scenario into a null sink that only counts bytes, and print one `key=value` line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use patientgen::{Format, Job, JobOptions};

use super::FormatArg;

/// The table's patient counts unless `--patients` is given.
const DEFAULT_SIZES: &[u64] = &[100, 1_000, 10_000, 100_000, 1_000_000];
/// Added by `--large`.
const LARGE_SIZE: u64 = 10_000_000;
/// `--quick` (CI): small sizes only.
const QUICK_SIZES: &[u64] = &[100, 1_000];
/// The seed of every measurement (any fixed seed: the bytes differ, the cost does not).
const SEED: u64 = 1;
/// The columns of the table (the shape `tests/bench_cli.rs` checks).
pub const COLUMNS: &[&str] = &[
    "N",
    "native time",
    "native patients/s",
    "native MB/s",
    "chunks",
    "native peak RSS",
    "wasm time",
    "wasm patients/s",
    "wasm MB/s",
    "wasm chunks",
    "wasm memory",
    "Node peak RSS",
    "wasm / native",
];

/// Flags of `patientgen bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Patient counts, comma-separated (default 100,1000,10000,100000,1000000).
    #[arg(long, value_delimiter = ',', conflicts_with = "quick")]
    patients: Option<Vec<u64>>,
    /// Output format.
    #[arg(long, value_enum, default_value = "ndjson")]
    format: FormatArg,
    /// Add 10,000,000 patients to the default sizes.
    #[arg(long)]
    large: bool,
    /// Small sizes only (100 and 1,000), for CI: checks that the command works, not the speed.
    #[arg(long)]
    quick: bool,
    /// Skip the wasm-in-Node column.
    #[arg(long)]
    no_wasm: bool,
    /// Internal: measure N patients in this process and print one `key=value` line.
    #[arg(long, hide = true)]
    child: Option<u64>,
}

/// One measurement of one engine at one N.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    /// Wall seconds of one run (the best of the repetitions).
    secs: f64,
    /// Output bytes of one run.
    bytes: u64,
    /// Chunks of one run.
    chunks: u64,
    /// Peak resident set of the process, KiB.
    rss_kib: u64,
    /// wasm linear memory at the end, bytes (wasm only).
    wasm_bytes: u64,
}

/// How many times a size is run (the best time is kept): small sizes repeat so that a run is long
/// enough to time and, under Node, warmed up.
pub fn repetitions(n: u64) -> u64 {
    (300_000 / n.max(1)).clamp(1, 100)
}

/// Runs the subcommand; returns the exit code.
pub fn run(args: BenchArgs) -> i32 {
    let format = args.format.format();
    if let Some(n) = args.child {
        return child(n, format);
    }
    let sizes: Vec<u64> = if args.quick {
        QUICK_SIZES.to_vec()
    } else if let Some(p) = &args.patients {
        p.clone()
    } else {
        let mut v = DEFAULT_SIZES.to_vec();
        if args.large {
            v.push(LARGE_SIZE);
        }
        v
    };
    if let Some(bad) = sizes.iter().find(|&&n| !(1..=patientgen::config::MAX_PATIENTS).contains(&n)) {
        eprintln!("--patients: every count must be between 1 and {}, got {bad}", patientgen::config::MAX_PATIENTS);
        return super::EXIT_INPUT;
    }
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: locating the patientgen executable: {e}");
            return super::EXIT_IO;
        }
    };
    let wasm = if args.no_wasm { Err("skipped (--no-wasm)".to_string()) } else { wasm_runner() };

    println!("| {} |", COLUMNS.join(" | "));
    println!("|{}", "---:|".repeat(COLUMNS.len()));
    let mut notes = Vec::new();
    for &n in &sizes {
        eprintln!("bench: {n} patients (native)");
        let native = match measure(
            Command::new(&exe).args(["bench", "--format", format.as_str(), "--child"]).arg(n.to_string()),
        ) {
            Ok(s) => Some(s),
            Err(e) => {
                notes.push(format!("native N = {n}: {e}"));
                None
            }
        };
        let wasm_sample = match &wasm {
            Ok((node, script)) => {
                eprintln!("bench: {n} patients (wasm in Node)");
                let mut cmd = Command::new(node);
                cmd.arg(script).args(["--format", format.as_str(), "--patients"]).arg(n.to_string());
                match measure(&mut cmd) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        notes.push(format!("wasm N = {n}: {e}"));
                        None
                    }
                }
            }
            Err(_) => None,
        };
        println!("{}", row(n, native, wasm_sample));
        let _ = std::io::stdout().flush();
    }
    println!();
    if let Err(why) = &wasm {
        println!("wasm column: {why}.");
    }
    for note in &notes {
        println!("error: {note}");
    }
    println!(
        "Default scenario, seed {SEED}, {}, null sink (bytes counted); each N in a fresh process; time = best of \
         max(1, min(100, 300000/N)) runs; MB = 10^6 bytes; wasm memory = linear memory at the end.",
        format.as_str()
    );
    println!("Machine: {}, {} cores; patientgen {}.", cpu_model(), cores(), patientgen::VERSION);
    if notes.is_empty() {
        0
    } else {
        super::EXIT_IO
    }
}

/// The child: runs N patients `repetitions(N)` times into a byte-counting sink and prints
/// `n= secs= bytes= chunks= rss_kib=`.
fn child(n: u64, format: Format) -> i32 {
    let scenario = match patientgen::parse_scenario("{}") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: the default scenario: {e}");
            return super::EXIT_INPUT;
        }
    };
    let mut cfg = scenario.resolved;
    cfg.total_patients = n;
    let opts = JobOptions { format, ..JobOptions::default() };
    let mut best = f64::INFINITY;
    let mut bytes = 0u64;
    let mut chunks = 0u64;
    for _ in 0..repetitions(n) {
        let t0 = Instant::now();
        let mut job = match Job::new(&cfg, SEED, &opts) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("error: {e}");
                return super::EXIT_INPUT;
            }
        };
        let mut counted = 0u64;
        let r = job.run(|chunk| {
            counted += std::hint::black_box(chunk).len() as u64;
            Ok::<(), std::convert::Infallible>(())
        });
        if let Err(patientgen::job::RunError::Job(e)) = r {
            eprintln!("error: {e}");
            return super::EXIT_IO;
        }
        best = best.min(t0.elapsed().as_secs_f64());
        bytes = counted;
        chunks = job.counters().chunks;
    }
    println!("n={n} secs={best:.9} bytes={bytes} chunks={chunks} rss_kib={}", peak_rss_kib().unwrap_or(0));
    0
}

/// This process's peak resident set (`VmHWM`, Linux), KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `node` and `scripts/bench-wasm.mjs`, or why the wasm column is skipped.
fn wasm_runner() -> Result<(PathBuf, PathBuf), String> {
    let root = [std::env::current_dir().ok(), Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")))]
        .into_iter()
        .flatten()
        .find(|d| d.join("scripts/bench-wasm.mjs").is_file())
        .ok_or("skipped: scripts/bench-wasm.mjs not found (run from the repository)")?;
    if !root.join("pkg/patientgen_bg.wasm").is_file() {
        return Err("skipped: pkg/patientgen_bg.wasm is missing (build it with `bash scripts/build-wasm.sh`)".into());
    }
    let node = PathBuf::from("node");
    let ok = Command::new(&node).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !matches!(ok, Ok(s) if s.success()) {
        return Err("skipped: `node` is not on PATH".into());
    }
    Ok((node, root.join("scripts/bench-wasm.mjs")))
}

/// Runs a child and parses its `key=value` line.
fn measure(cmd: &mut Command) -> Result<Sample, String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::inherit()).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("child exited with {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse_sample(&text).ok_or_else(|| format!("unexpected child output {:?}", text.trim()))
}

/// Parses `n=… secs=… bytes=… chunks=… rss_kib=… [wasm_bytes=…]` (the last line that has `secs=`).
fn parse_sample(text: &str) -> Option<Sample> {
    let line = text.lines().rev().find(|l| l.contains("secs="))?;
    let mut s = Sample::default();
    for kv in line.split_whitespace() {
        let (k, v) = kv.split_once('=')?;
        match k {
            "secs" => s.secs = v.parse().ok()?,
            "bytes" => s.bytes = v.parse().ok()?,
            "chunks" => s.chunks = v.parse().ok()?,
            "rss_kib" => s.rss_kib = v.parse().ok()?,
            "wasm_bytes" => s.wasm_bytes = v.parse().ok()?,
            _ => {}
        }
    }
    (s.secs > 0.0).then_some(s)
}

/// One table row.
fn row(n: u64, native: Option<Sample>, wasm: Option<Sample>) -> String {
    let mut cells = vec![thousands(n)];
    let rate = |s: &Sample| n as f64 / s.secs;
    match native {
        Some(s) => cells.extend([
            duration(s.secs),
            thousands(rate(&s).round() as u64),
            format!("{:.0}", s.bytes as f64 / 1e6 / s.secs),
            thousands(s.chunks),
            mib(s.rss_kib * 1024),
        ]),
        None => cells.extend(std::iter::repeat_n("–".to_string(), 5)),
    }
    match wasm {
        Some(s) => cells.extend([
            duration(s.secs),
            thousands(rate(&s).round() as u64),
            format!("{:.0}", s.bytes as f64 / 1e6 / s.secs),
            thousands(s.chunks),
            mib(s.wasm_bytes),
            mib(s.rss_kib * 1024),
        ]),
        None => cells.extend(std::iter::repeat_n("–".to_string(), 6)),
    }
    cells.push(match (native, wasm) {
        (Some(a), Some(b)) => format!("{:.2}", a.secs / b.secs),
        _ => "–".to_string(),
    });
    format!("| {} |", cells.join(" | "))
}

fn duration(secs: f64) -> String {
    if secs < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

/// `1234567` → `1,234,567`.
fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The CPU model (`model name` of /proc/cpuinfo, as `lscpu` shows it).
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10_000_000), "10,000,000");
        assert_eq!(duration(0.0125), "12.50 ms");
        assert_eq!(duration(2.5), "2.50 s");
        assert_eq!(mib(3 << 20), "3.0 MiB");
        assert_eq!(repetitions(100), 100);
        assert_eq!(repetitions(10_000), 30);
        assert_eq!(repetitions(100_000), 3);
        assert_eq!(repetitions(1_000_000), 1);
    }

    #[test]
    fn parses_child_lines() {
        let s = parse_sample("noise\nn=10 secs=0.5 bytes=30 chunks=1 rss_kib=2048 wasm_bytes=1048576\n").unwrap();
        assert_eq!((s.secs, s.bytes, s.chunks, s.rss_kib, s.wasm_bytes), (0.5, 30, 1, 2048, 1 << 20));
        assert!(parse_sample("n=10 secs=0 bytes=1").is_none());
        assert!(parse_sample("garbage").is_none());
    }
}
