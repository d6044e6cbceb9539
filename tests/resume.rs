//! Interruptions lose nothing: `patientgen generate -o OUT` writes `OUT.partial` with a
//! fingerprint (`OUT.partial.fingerprint`: generator version, config digest, seed, format,
//! compression, csv mode, range, and the bytes, records and SHA-256 written so far);
//! `--resume` continues it only when the fingerprint matches and the bytes still hash to it, and
//! the result is byte-identical to an uninterrupted run. Every refusal names why and changes no
//! file (issue #15, 3).
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
        assert!(!out.exists() || !killed, "OUT appears only when the run is complete");
        let len = std::fs::metadata(dir.path(&format!("{file}.partial"))).map(|m| m.len()).unwrap_or(0);
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

/// Starts `args` writing to `out` and SIGKILLs it once its fingerprint records at least one
/// chunk; returns the partial file's and the fingerprint's bytes.
fn interrupted(args: &[&str], out: &Path) -> (Vec<u8>, Vec<u8>) {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let fp = PathBuf::from(format!("{}.partial.fingerprint", out.display()));
    let mut a = args.to_vec();
    a.extend(["-o", out.to_str().expect("utf-8 path")]);
    let mut child = generate(&a).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let t0 = std::time::Instant::now();
    let progressed = || {
        std::fs::read_to_string(&fp).ok().is_some_and(|t| !t.contains("\"records\": 0,") && t.contains("\"records\""))
    };
    while !progressed() && t0.elapsed() < Duration::from_secs(60) {
        assert!(child.try_wait().expect("try_wait").is_none(), "the run finished before it was interrupted");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(!out.exists(), "no OUT before the run completes");
    (std::fs::read(&partial).expect("partial file"), std::fs::read(&fp).expect("fingerprint"))
}

/// Runs `args --resume -o out`; expects exit 1 with `why` and every file unchanged.
fn assert_refused(args: &[&str], out: &Path, why: &str) {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let fp = PathBuf::from(format!("{}.partial.fingerprint", out.display()));
    let before = [&partial, &fp, &out.to_path_buf()].map(|p| std::fs::read(p).ok());
    let mut a = args.to_vec();
    a.extend(["--resume", "-o", out.to_str().expect("utf-8 path")]);
    let o = run(&a);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{args:?} ({why}): {stderr}");
    assert!(stderr.contains(why), "{args:?}: expected {why:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let after = [&partial, &fp, &out.to_path_buf()].map(|p| std::fs::read(p).ok());
    assert!(before == after, "{args:?} ({why}): a refused resume must not touch any file");
}

/// Scenario with two fronts and a facility override: the changes of issue #15 that do not touch
/// the last kept record.
fn scenario(dir: &Scratch, name: &str, fronts: [&str; 2], kia: f64) -> String {
    let p = dir.path(name);
    std::fs::write(
        &p,
        format!(
            r#"{{"seed": 8, "total_patients": 400000, "front_configs": [
            {{"name": "{}", "nationality_distribution": [{{"nationality_code": "POL", "percentage": 1}}], "casualty_rate": 2}},
            {{"name": "{}", "nationality_distribution": [{{"nationality_code": "DEU", "percentage": 1}}]}}],
            "facility_configs": [{{"id": "Role3", "kia_rate": {kia}}}]}}"#,
            fronts[0], fronts[1]
        ),
    )
    .expect("write scenario");
    p.to_str().expect("utf-8 path").to_string()
}

#[test]
fn resume_refuses_a_changed_run_or_a_damaged_file_and_changes_nothing() {
    let dir = Scratch::new("refuse");
    let cfg = scenario(&dir, "a.json", ["North", "South"], 0.01);
    let renamed = scenario(&dir, "b.json", ["Nord", "Sud"], 0.01);
    let kia = scenario(&dir, "c.json", ["North", "South"], 0.02);
    let out = dir.path("out.ndjson");
    let base = ["--config", cfg.as_str()];
    let (part, fp) = interrupted(&base, &out);
    assert!(!part.is_empty() && !fp.is_empty());
    // A different run: every fingerprint field is checked.
    let refusals: [(Vec<&str>, &str); 9] = [
        (vec!["--config", &renamed], "has config_sha256"),
        (vec!["--config", &kia], "has config_sha256"),
        (vec!["--config", &cfg, "--patients", "400001"], "has config_sha256"),
        (vec!["--config", &cfg, "--seed", "9"], "has seed 8, this one 9"),
        (vec!["--config", &cfg, "--format", "csv"], "has format ndjson, this one csv"),
        (vec!["--config", &cfg, "--csv-raw"], "has csv mode neutralised, this one raw"),
        (vec!["--config", &cfg, "--range", "0..300000"], "has range 0..400000, this one 0..300000"),
        (vec!["--config", &cfg, "--format", "json"], "only ndjson and csv"),
        (vec!["--config", &cfg, "--compress", "gzip"], "compressed"),
    ];
    for (args, why) in &refusals {
        assert_refused(args, &out, why);
    }
    let partial = dir.path("out.ndjson.partial");
    let fpath = dir.path("out.ndjson.partial.fingerprint");
    // A byte changed inside an earlier record.
    let mut bad = part.clone();
    bad[part.len() / 3] ^= 0x20;
    std::fs::write(&partial, &bad).expect("write");
    assert_refused(&base, &out, "do not hash to the SHA-256 its fingerprint records");
    // Cut shorter than recorded.
    let recorded: u64 = fingerprint_field(&fp, "bytes");
    std::fs::write(&partial, &part[..recorded as usize - 1]).expect("write");
    assert_refused(&base, &out, "fewer than the");
    // A corrupted or missing fingerprint.
    std::fs::write(&partial, &part).expect("write");
    std::fs::write(&fpath, b"{\"bytes\": ").expect("write");
    assert_refused(&base, &out, "is corrupted");
    std::fs::remove_file(&fpath).expect("rm");
    assert_refused(&base, &out, "has no readable fingerprint");
    // The genuine run, restored, resumes to the uninterrupted bytes, even with a cut chunk
    // (bytes past the recorded ones) at its end.
    let mut longer = part.clone();
    longer.truncate(recorded as usize);
    longer.extend_from_slice(b"{\"id\": 12, \"cut in the midd");
    std::fs::write(&partial, &longer).expect("write");
    std::fs::write(&fpath, &fp).expect("write");
    let mut a = base.to_vec();
    a.extend(["--resume", "-o", out.to_str().expect("utf-8 path")]);
    let o = run(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bytes verified and kept"));
    assert_eq!(file_sha(&out), uninterrupted(&base));
    assert!(!partial.exists() && !fpath.exists(), "the partial file and fingerprint are gone once complete");
}

fn fingerprint_field(fp: &[u8], key: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(fp).expect("fingerprint JSON");
    v[key].as_u64().expect("a number")
}

#[test]
fn resume_refuses_files_that_are_not_an_interrupted_run() {
    let dir = Scratch::new("foreign");
    let base = ["--patients", "2000", "--seed", "11"];
    let whole = run(&base).stdout;
    let out = dir.path("out.txt");
    let mut random = vec![0u8; 100 << 10];
    getrandom::fill(&mut random).expect("os randomness");
    let cases: [(&[u8], &[&str]); 4] = [
        (&whole[..whole.len() / 2], &["--format", "csv"]), // an ndjson file resumed as csv
        (&random, &[]),                                    // 100 KB of random bytes
        (b"a text file without a newline", &[]),
        (&whole, &[]), // a complete file: nothing to continue
    ];
    for (content, extra) in cases {
        std::fs::write(&out, content).expect("write");
        let mut a = base.to_vec();
        a.extend(extra.iter().copied());
        assert_refused(&a, &out, "there is no interrupted run to continue");
        assert_eq!(std::fs::read(&out).expect("read"), content);
    }
    // A partial file without a fingerprint (another tool's, or a run of an older patientgen).
    std::fs::remove_file(&out).expect("rm");
    std::fs::write(dir.path("out.txt.partial"), &whole[..1000]).expect("write");
    assert_refused(&base, &out, "has no readable fingerprint");
    // The options that cannot continue a file.
    for (extra, why) in [
        (&["--resume"][..], "needs -o FILE"),
        (&["--resume", "-o", "-"][..], "needs -o FILE"),
        (&["--resume", "-o", "x", "--format", "xml"][..], "only ndjson and csv"),
        (&["--resume", "-o", "x", "--encrypt"][..], "compressed or encrypted"),
    ] {
        let mut a = base.to_vec();
        a.extend(extra.iter().copied());
        let o = run(&a);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains(why), "{extra:?}");
    }
    // Neither OUT nor OUT.partial: a fresh start.
    let fresh = dir.path("fresh.ndjson");
    let mut a = base.to_vec();
    a.extend(["--resume", "-o", fresh.to_str().expect("utf-8 path")]);
    assert!(run(&a).status.success());
    assert!(std::fs::read(&fresh).expect("read") == whole);
}

#[test]
fn resume_keeps_a_range_or_shard_exact() {
    let dir = Scratch::new("range");
    for (args, format) in [(["--range", "1000..400000"], "csv"), (["--shard", "1/2"], "ndjson")] {
        let mut a = vec!["--patients", "800000", "--seed", "3", "--format", format];
        a.extend(args);
        let out = dir.path(&format!("out.{format}"));
        interrupted(&a, &out);
        let mut r = a.clone();
        r.extend(["--resume", "-o", out.to_str().expect("utf-8 path")]);
        let o = run(&r);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (sha, len) = file_sha(&out);
        assert_eq!((sha, len), uninterrupted(&a), "{args:?}");
        assert!(!std::fs::read(&out).expect("read").starts_with(b"id,"), "a range not starting at 0 has no csv header");
    }
}
