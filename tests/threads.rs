//! `generate --threads N` (issue #19): the bytes of a run do not depend on the number of threads,
//! for every format, compression, encryption, chunk size, range and shard; the counters and
//! metrics are the single-threaded run's; an interrupted run resumes with other threads. (Peak
//! memory: tests/threads_memory.rs.)

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn patientgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patientgen"))
}

fn run(args: &[&str]) -> Output {
    let out = patientgen().args(args).env("PATIENTGEN_PASSWORD", "correct horse battery").output().expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("patientgen-threads-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        Scratch(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The stdout of `generate` with `base` and `--threads T` (and a small block size when given, so
/// that a short run crosses many block boundaries).
fn generated(base: &[&str], threads: &str, block: Option<&str>) -> Vec<u8> {
    let mut args = vec!["generate", "--progress", "never", "--threads", threads];
    args.extend_from_slice(base);
    if let Some(b) = block {
        args.extend(["--block-patients", b]);
    }
    run(&args).stdout
}

#[test]
fn every_format_compression_chunk_size_and_range_gives_the_single_threaded_bytes() {
    // (Runs shorter than one grid block; gzip across blocks: the next test.)
    let formats = [
        ("ndjson", "900"),
        ("json", "900"),
        ("json-wrapped", "900"),
        ("csv", "2500"),
        ("xml", "900"),
        ("fhir-r4", "300"),
    ];
    let mut checked = 0;
    for (format, patients) in formats {
        for compress in ["none", "gzip", "zip"] {
            for chunk in ["1", "7", "1000"] {
                let parts: &[&[&str]] =
                    if compress == "zip" { &[&[]] } else { &[&[], &["--range", "101..277"], &["--shard", "1/3"]] };
                for part in parts {
                    let mut base = vec![
                        "--patients",
                        patients,
                        "--seed",
                        "19",
                        "--format",
                        format,
                        "--compress",
                        compress,
                        "--chunk-size",
                        chunk,
                    ];
                    base.extend_from_slice(part);
                    let one = generated(&base, "1", None);
                    assert!(one.len() > 100, "{base:?}: {} bytes", one.len());
                    for (threads, block) in [("2", None), ("3", Some("37")), ("8", Some("1"))] {
                        if block == Some("1") && chunk != "7" {
                            continue; // one-patient blocks once per format and part: slow, and enough
                        }
                        let many = generated(&base, threads, block);
                        assert!(many == one, "{base:?} --threads {threads} (block {block:?}): the bytes differ");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 150, "{checked} comparisons");
}

/// gzip output is produced by the workers, one member per block of the 1,000-patient grid
/// (docs/OUTPUT.md "Compressed output"): the bytes equal `--threads 1` at levels 1 and 6, for
/// chunk sizes 1/7/1000, a range whose start is off the grid, and shards; the blocks are whole
/// grid blocks (`--block-patients 1` rounds up to 1,000) or several (2,000).
#[test]
fn gzip_from_several_threads_gives_the_single_threaded_bytes() {
    let formats = [
        ("ndjson", "2500"),
        ("json", "2500"),
        ("json-wrapped", "2500"),
        ("csv", "3500"),
        ("xml", "2500"),
        ("fhir-r4", "2100"),
    ];
    let mut checked = 0;
    for (format, patients) in formats {
        // Both levels at chunk size 7; chunk sizes 1 and 1000 at the default level (fhir-r4, the
        // slowest, at chunk size 7 only).
        let runs: &[(&str, &str)] = if format == "fhir-r4" {
            &[("7", "1"), ("7", "6")]
        } else {
            &[("7", "1"), ("7", "6"), ("1", "6"), ("1000", "6")]
        };
        for (chunk, level) in runs {
            let parts: [&[&str]; 3] = [&[], &["--range", "101..2077"], &["--shard", "0/2"]];
            for part in parts {
                let mut base = vec![
                    "--patients",
                    patients,
                    "--seed",
                    "19",
                    "--format",
                    format,
                    "--compress",
                    "gzip",
                    "--level",
                    level,
                    "--chunk-size",
                    chunk,
                ];
                base.extend_from_slice(part);
                let one = generated(&base, "1", None);
                assert!(one.starts_with(&[0x1f, 0x8b]) && one.len() > 1000, "{base:?}: {} bytes", one.len());
                let members = one.windows(4).filter(|w| *w == [0x1f, 0x8b, 8, 0]).count();
                assert!(members >= 2, "{base:?}: {members} gzip members");
                for (threads, block) in [("2", Some("1")), ("3", Some("2000"))] {
                    let many = generated(&base, threads, block);
                    assert!(many == one, "{base:?} --threads {threads} (block {block:?}): the bytes differ");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 132);
}

#[test]
fn encrypted_runs_decrypt_to_the_single_threaded_bytes_with_the_same_length() {
    // The salt and nonce prefix are fresh per run, so two ciphertexts differ; the segments are
    // cut by bytes (the unit tests of src/bin/patientgen/parallel.rs check that the writer's
    // encryption gives the single-threaded ciphertext for fixed parameters).
    let dir = Scratch::new("enc");
    for format in ["ndjson", "xml"] {
        let base = ["--patients", "700", "--seed", "3", "--format", format, "--encrypt", "--chunk-size", "7"];
        let mut plain = Vec::new();
        let mut lengths = Vec::new();
        for (threads, block) in [("1", None), ("2", Some("50"))] {
            let out = dir.0.join(format!("{format}-{threads}.pgenc"));
            let mut args =
                vec!["generate", "--progress", "never", "--threads", threads, "-o", out.to_str().expect("utf-8")];
            args.extend_from_slice(&base);
            if let Some(b) = block {
                args.extend(["--block-patients", b]);
            }
            run(&args);
            lengths.push(std::fs::metadata(&out).expect("output").len());
            let dec = dir.0.join(format!("{format}-{threads}.txt"));
            run(&["decrypt", out.to_str().expect("utf-8"), dec.to_str().expect("utf-8")]);
            plain.push(std::fs::read(&dec).expect("decrypted"));
        }
        let expected = generated(&["--patients", "700", "--seed", "3", "--format", format], "1", None);
        assert!(plain[0] == expected && plain[1] == expected, "{format}: decrypted bytes differ");
        assert_eq!(lengths[0], lengths[1], "{format}: ciphertext lengths");
    }
}

/// The metrics lines that count patients and bytes (not chunks or durations).
fn counted(metrics: &str) -> Vec<String> {
    metrics
        .lines()
        .filter(|l| l.starts_with("patients_generated_total") || l.starts_with("patientgen_bytes_written_total"))
        .map(String::from)
        .collect()
}

#[test]
fn counters_metrics_and_progress_equal_the_single_threaded_run() {
    let dir = Scratch::new("metrics");
    let mut seen = Vec::new();
    for threads in ["1", "2", "5"] {
        let m = dir.0.join(format!("m{threads}"));
        let o = dir.0.join(format!("o{threads}.csv"));
        let out = run(&[
            "generate",
            "--patients",
            "20000",
            "--seed",
            "8",
            "--format",
            "csv",
            "--threads",
            threads,
            "--block-patients",
            "999",
            "--progress",
            "always",
            "--metrics",
            m.to_str().expect("utf-8"),
            "-o",
            o.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(stderr.contains("20000 patients in "), "{stderr}");
        let metrics = std::fs::read_to_string(&m).expect("metrics");
        let lines = counted(&metrics);
        assert_eq!(lines.len(), 3, "{metrics}");
        assert!(lines[0].ends_with(" 20000"), "{lines:?}");
        let size = std::fs::metadata(&o).expect("output").len();
        assert!(lines[1].ends_with(&format!(" {size}")) && lines[2].ends_with(&format!(" {size}")), "{lines:?} {size}");
        seen.push((lines, std::fs::read(&o).expect("output")));
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "the counters or bytes depend on the threads");
}

#[test]
fn zero_threads_is_refused() {
    let out = patientgen().args(["generate", "--patients", "10", "--threads", "0"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
}

#[test]
fn bench_threads_prints_the_scaling_table() {
    let out = patientgen()
        .args(["bench", "--threads", "1,2", "--patients", "20000"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.trim().trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert_eq!(rows[0], ["N", "threads", "time", "patients/s", "MB/s", "speed-up vs 1 thread", "chunks", "peak RSS"]);
    for (row, threads) in rows[2..].iter().zip(["1", "2"]) {
        assert_eq!((row[0], row[1]), ("20,000", threads), "{row:?}");
        let rate: f64 = row[3].replace(',', "").parse().expect("patients/s");
        assert!(rate > 1000.0, "{row:?}");
        let speedup: f64 = row[5].parse().expect("speed-up");
        assert!(speedup > 0.0, "{row:?}");
        assert!(row[7].ends_with(" MiB"), "{row:?}");
    }
    assert_eq!(rows[2][5], "1.00");
}

/// Ctrl-C (SIGINT) in the middle of a 4-thread run leaves OUT absent and a partial file that a
/// 3-thread `--resume` completes to the bytes of one thread.
#[test]
fn an_interrupted_multi_threaded_run_resumes_with_other_threads_to_the_same_bytes() {
    let dir = Scratch::new("sigint");
    let out = dir.0.join("out.ndjson");
    let out_s = out.to_str().expect("utf-8");
    let base = ["generate", "--patients", "300000", "--seed", "12", "--progress", "never"];
    let fp = dir.0.join("out.ndjson.partial.fingerprint");
    let mut a = base.to_vec();
    a.extend(["--threads", "4", "-o", out_s]);
    let mut child = patientgen().args(&a).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let t0 = std::time::Instant::now();
    let progressed = || {
        std::fs::read_to_string(&fp).ok().is_some_and(|t| t.contains("\"records\"") && !t.contains("\"records\": 0,"))
    };
    while !progressed() && t0.elapsed().as_secs() < 60 {
        assert!(child.try_wait().expect("try_wait").is_none(), "the run finished before it was interrupted");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // SAFETY: signals our own child.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let status = child.wait().expect("wait");
    assert!(!status.success(), "interrupted");
    assert!(!out.exists(), "no OUT before the run completes");
    let mut a = base.to_vec();
    a.extend(["--threads", "3", "--resume", "-o", out_s]);
    let resumed = run(&a);
    assert!(
        String::from_utf8_lossy(&resumed.stderr).contains("resuming"),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let whole = generated(&["--patients", "300000", "--seed", "12"], "1", None);
    assert!(std::fs::read(&out).expect("OUT") == whole, "the resumed file differs from one thread's bytes");
}
