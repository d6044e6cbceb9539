//! Interruptions lose nothing: `patientgen generate --resume` continues an ndjson or csv file
//! after its last complete record, and the result is byte-identical to an uninterrupted run.
//!
//! The CLI is killed with SIGKILL at a random moment (50–400 ms; set `PATIENTGEN_KILL_MS` to
//! replay a delay printed by a failing run), resumed, killed again, resumed to the end, and
//! compared with an uninterrupted run streamed to stdout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_patientgen");

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("patientgen-resume-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn generate(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("generate").arg("--progress").arg("never").args(args);
    c
}

fn run(args: &[&str]) -> Output {
    generate(args).stdin(Stdio::null()).output().expect("patientgen runs")
}

fn sha_hex(d: impl AsRef<[u8]>) -> String {
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 and length of an uninterrupted run written to stdout (streamed, not kept in memory).
fn uninterrupted(args: &[&str]) -> (String, u64) {
    let mut child = generate(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut h = Sha256::new();
    let mut len = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = out.read(&mut buf).expect("read stdout");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    assert!(child.wait().expect("wait").success());
    (sha_hex(h.finalize()), len)
}

fn file_sha(path: &Path) -> (String, u64) {
    let mut f = std::fs::File::open(path).expect("open output");
    let mut h = Sha256::new();
    let mut len = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).expect("read output");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    (sha_hex(h.finalize()), len)
}

/// A delay in 50..=400 ms: `PATIENTGEN_KILL_MS` if set, else random.
fn kill_delay() -> u64 {
    if let Some(ms) = std::env::var("PATIENTGEN_KILL_MS").ok().and_then(|v| v.parse().ok()) {
        return ms;
    }
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("os randomness");
    50 + u64::from_le_bytes(b) % 351
}

/// Starts `args`, SIGKILLs it after `ms`; returns whether it was still running (killed).
fn kill_after(args: &[&str], ms: u64) -> bool {
    let mut child = generate(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    std::thread::sleep(Duration::from_millis(ms));
    let was_running = child.try_wait().expect("try_wait").is_none();
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    was_running && status.code().is_none()
}

fn assert_resumed_equals_whole(name: &str, scenario: &[&str], file: &str) {
    let dir = Scratch::new(name);
    let out = dir.path(file);
    let out_s = out.to_str().expect("utf-8 path");
    let (want, want_len) = uninterrupted(scenario);
    let mut with_out: Vec<&str> = scenario.to_vec();
    with_out.extend(["-o", out_s, "--resume"]);
    let mut kills = 0;
    for round in 0..2 {
        let ms = kill_delay();
        let killed = kill_after(&with_out, ms);
        let len = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        eprintln!("{name}: round {round}: killed after {ms} ms (PATIENTGEN_KILL_MS={ms}): {killed}, {len} bytes");
        kills += u32::from(killed);
    }
    assert!(kills > 0, "{name}: the run finished before every kill; the test did not interrupt anything");
    let o = run(&with_out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{name}: resume failed: {stderr}");
    assert_eq!(file_sha(&out), (want, want_len), "{name}: resumed output differs from the uninterrupted run");
}

#[test]
fn sigkilled_ndjson_run_resumes_to_identical_bytes() {
    assert_resumed_equals_whole("ndjson", &["--patients", "300000", "--seed", "20261128"], "out.ndjson");
}

#[test]
fn sigkilled_csv_run_resumes_to_identical_bytes() {
    // A front name with a quote and a comma: the csv rows hold quoted fields.
    let dir = Scratch::new("csv-config");
    let cfg = dir.path("scenario.json");
    std::fs::write(
        &cfg,
        r#"{"seed": 99, "total_patients": 300000, "front_configs": [
            {"name": "Front \"North\", sector 1", "nationality_distribution": [{"nationality_code": "POL", "percentage": 60}, {"nationality_code": "DEU", "percentage": 40}], "casualty_rate": 2},
            {"name": "South", "nationality_distribution": [{"nationality_code": "FRA", "percentage": 1}]}]}"#,
    )
    .expect("write scenario");
    let cfg_s = cfg.to_str().expect("utf-8 path");
    assert_resumed_equals_whole("csv", &["--config", cfg_s, "--format", "csv"], "out.csv");
}

/// Cuts a complete file at `cut` bytes, resumes, and expects the whole again.
fn cut_and_resume(dir: &Scratch, args: &[&str], whole: &[u8], cut: usize) {
    let out = dir.path("cut.out");
    std::fs::write(&out, &whole[..cut]).expect("write cut file");
    let mut a = args.to_vec();
    a.extend(["-o", out.to_str().expect("utf-8 path"), "--resume"]);
    let o = run(&a);
    assert!(o.status.success(), "cut at {cut}: {}", String::from_utf8_lossy(&o.stderr));
    let got = std::fs::read(&out).expect("read");
    assert!(got == whole, "cut at {cut}: resumed output differs (len {} vs {})", got.len(), whole.len());
}

#[test]
fn any_cut_point_resumes_exactly() {
    let dir = Scratch::new("cuts");
    let cfg = dir.path("scenario.json");
    std::fs::write(
        &cfg,
        r#"{"seed": 5, "total_patients": 400, "front_configs": [{"name": "Ridge \"A\", east", "nationality_distribution": [{"nationality_code": "GBR", "percentage": 1}]}]}"#,
    )
    .expect("write scenario");
    let cfg_s = cfg.to_str().expect("utf-8 path");
    for format in ["ndjson", "csv"] {
        let args = ["--config", cfg_s, "--format", format];
        let whole = run(&args).stdout;
        assert!(whole.len() > 100_000);
        let quote = whole.iter().rposition(|&b| b == b'"').expect("a quoted field or string");
        let header_end = whole.windows(2).position(|w| w == b"\r\n").map_or(0, |p| p + 2);
        let last_record = whole[..whole.len() - 1].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let mut cuts = vec![0, 1, header_end, header_end + 1, quote, quote + 1, last_record, whole.len() - 1];
        cuts.extend((1..12).map(|k| whole.len() * k / 12 + k * 37));
        for cut in cuts {
            cut_and_resume(&dir, &args, &whole, cut.min(whole.len()));
        }
        // Resuming a complete file changes nothing.
        cut_and_resume(&dir, &args, &whole, whole.len());
    }
}

#[test]
fn resume_keeps_a_range_or_shard_exact() {
    let dir = Scratch::new("range");
    for (args, format) in [(["--range", "1000..4000"], "csv"), (["--shard", "2/3"], "ndjson")] {
        let mut a = vec!["--patients", "5000", "--seed", "3", "--format", format];
        a.extend(args);
        let whole = run(&a).stdout;
        assert!(!whole.starts_with(b"id,"), "a range not starting at 0 has no csv header");
        for cut in [0, 7, whole.len() / 3, whole.len() - 2] {
            cut_and_resume(&dir, &a, &whole, cut);
        }
    }
}

#[test]
fn resume_refuses_what_it_cannot_continue() {
    let dir = Scratch::new("refuse");
    let out = dir.path("out.ndjson");
    let out_s = out.to_str().expect("utf-8 path");
    let base = ["--patients", "2000", "--seed", "11"];
    let whole = run(&base).stdout;
    let part = &whole[..whole.len() / 2];
    std::fs::write(&out, part).expect("write");
    let cases: [(Vec<&str>, &str); 7] = [
        (vec!["--resume"], "needs -o FILE"),
        (vec!["--resume", "-o", "-"], "needs -o FILE"),
        (vec!["--resume", "-o", out_s, "--format", "json"], "only ndjson and csv"),
        (vec!["--resume", "-o", out_s, "--format", "xml"], "only ndjson and csv"),
        (vec!["--resume", "-o", out_s, "--compress", "gzip"], "compressed"),
        (vec!["--resume", "-o", out_s, "--encrypt"], "compressed or encrypted"),
        (vec!["--resume", "-o", out_s, "--seed", "12"], "is not what this scenario and seed generate"),
    ];
    for (extra, message) in cases {
        // The seed of the file unless the case gives another.
        let mut a = vec!["--patients", "2000"];
        if !extra.contains(&"--seed") {
            a.extend(["--seed", "11"]);
        }
        a.extend(extra.iter().copied());
        let o = run(&a);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: expected {message:?} in {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(std::fs::read(&out).expect("read"), part, "{extra:?}: a refused resume must not touch the file");
    }
    // A file with more records than the run is another run's output.
    let a = ["--patients", "100", "--seed", "11", "--resume", "-o", out_s];
    let o = run(&a);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("more than the 100 of this run"));
    assert_eq!(std::fs::read(&out).expect("read"), part);
    // A missing file is a fresh start.
    let fresh = dir.path("fresh.ndjson");
    let mut a = base.to_vec();
    a.extend(["--resume", "-o", fresh.to_str().expect("utf-8 path")]);
    assert!(run(&a).status.success());
    assert!(std::fs::read(&fresh).expect("read") == whole);
}
