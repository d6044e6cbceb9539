//! Sink faults and hostile arguments at the CLI (DESIGN.md §3.1: exit 0 ok, 1 invalid input,
//! 2 I/O error, never a panic): a full disk (`/dev/full`, and a 1 MiB tmpfs when mounting is
//! permitted), a reader that goes away, unwritable metrics, unreadable and invalid scenarios.
//! On a write error into a file the CLI cuts the file back to its last complete chunk, so the
//! file ends at a record boundary (and `--resume` can continue it).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_patientgen");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("patientgen runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code `code`, a message containing `message`, no panic.
fn assert_fails(o: &Output, code: i32, message: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {e}");
    assert!(e.contains(message), "expected {message:?} in: {e}");
    assert!(!e.contains("panicked"), "panic: {e}");
}

#[test]
fn full_device_as_file_exits_2() {
    for format in ["ndjson", "csv", "xml", "fhir-r4"] {
        let o = run(&["generate", "--seed", "1", "--format", format, "--progress", "never", "-o", "/dev/full"]);
        assert_fails(&o, 2, "error: writing /dev/full: No space left on device");
    }
    let o = run(&["generate", "--seed", "1", "--compress", "gzip", "--progress", "never", "-o", "/dev/full"]);
    assert_fails(&o, 2, "No space left on device");
}

#[test]
fn full_device_as_stdout_exits_2() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let o = Command::new(BIN)
        .args(["generate", "--seed", "1", "--progress", "never"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_fails(&o, 2, "error: writing stdout: No space left on device");
}

#[test]
fn reader_that_goes_away_exits_2() {
    // The client reads a little and closes the pipe: EPIPE, a clear message, exit 2.
    let mut child = Command::new(BIN)
        .args(["generate", "--seed", "1", "--patients", "1000000", "--progress", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut first = vec![0u8; 64 << 10];
    out.read_exact(&mut first).expect("some output");
    drop(out);
    let o = child.wait_with_output().expect("wait");
    assert_fails(&o, 2, "error: writing stdout: Broken pipe");
}

#[test]
fn unwritable_metrics_exit_2() {
    let o = run(&["generate", "--patients", "10", "--seed", "1", "-o", "/dev/null", "--metrics", "/dev/full"]);
    assert_fails(&o, 2, "error: writing /dev/full");
    let o = run(&["generate", "--patients", "10", "--seed", "1", "-o", "/nonexistent-dir/out.ndjson"]);
    assert_fails(&o, 2, "error: creating /nonexistent-dir/out.ndjson");
}

#[test]
fn bad_input_exits_1_and_missing_files_exit_2() {
    assert_fails(&run(&["generate", "--config", "/nonexistent.json"]), 2, "error: reading /nonexistent.json");
    assert_fails(&run(&["validate", "/nonexistent.json"]), 2, "error: reading /nonexistent.json");
    assert_fails(
        &run(&["generate", "--patients", "0"]),
        1,
        "total_patients: must be between 1 and 1099511627776, got 0",
    );
    assert_fails(&run(&["generate", "--patients", "1099511627777"]), 1, "total_patients: must be between 1");
    assert_fails(&run(&["generate", "--patients", "18446744073709551616"]), 1, "--patients");
    assert_fails(&run(&["generate", "--patients", "10", "--chunk-size", "0"]), 1, "chunk size must be at least 1");
    assert_fails(&run(&["generate", "--patients", "10", "--range", "5..11"]), 1, "range 5..11 is outside 0..10");
    assert_fails(&run(&["generate", "--patients", "10", "--range", "7..3"]), 1, "range 7..3 is outside 0..10");
    assert_fails(&run(&["generate", "--patients", "10", "--range", "x"]), 1, "--range: expected A..B");
    assert_fails(&run(&["generate", "--patients", "10", "--shard", "4/4"]), 1, "--shard: shard 4/4 is invalid");
    assert_fails(&run(&["generate", "--patients", "10", "--shard", "0/0"]), 1, "--shard: shard 0/0 is invalid");
    assert_fails(&run(&["generate", "--preset", "nope"]), 1, "preset");
    assert_fails(&run(&["generate", "--format", "pdf"]), 1, "invalid value 'pdf'");
    let dir = Dir::new("bad-input");
    let cfg = dir.0.join("big.json");
    std::fs::write(&cfg, format!(r#"{{"name": "{}"}}"#, "x".repeat(2 << 20))).expect("write");
    let cfg_s = cfg.to_str().expect("utf-8");
    assert_fails(&run(&["validate", cfg_s]), 1, "document larger than 1 MiB");
    std::fs::write(&cfg, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).expect("write");
    assert_fails(&run(&["generate", "--config", cfg_s]), 1, "JSON nesting deeper than 32 levels");
    std::fs::write(&cfg, [0xff, 0xfe, b'{', b'}']).expect("write");
    assert_fails(&run(&["validate", cfg_s]), 1, "not valid UTF-8");
}

/// A scratch directory removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("patientgen-faults-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        Dir(d)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tmpfs of `size` mounted on a fresh directory, unmounted on drop.
struct SmallDisk(Dir);

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = Dir::new("tmpfs");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir.0)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0 .0.join(file)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0 .0).status();
    }
}

fn complete_prefix(file: &Path, whole: &[u8], terminator: &[u8]) -> usize {
    let got = std::fs::read(file).expect("read output");
    assert!(!got.is_empty(), "some complete chunks fit before the disk was full");
    assert!(got.ends_with(terminator), "the file ends at a record boundary");
    assert!(whole.starts_with(&got), "the file is a prefix of the full output");
    got.len()
}

#[test]
fn full_small_disk_leaves_a_file_ending_at_a_record_boundary() {
    let Some(disk) = SmallDisk::mount("1m") else {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    };
    for (format, terminator) in [("ndjson", &b"\n"[..]), ("csv", &b"\r\n"[..])] {
        let args = ["generate", "--seed", "4", "--patients", "8000", "--format", format, "--progress", "never"];
        let whole = run(&args).stdout;
        assert!(whole.len() > 2 << 20, "the run does not fit the disk");
        let file = disk.path(&format!("out.{format}"));
        let file_s = file.to_str().expect("utf-8");
        let mut a = args.to_vec();
        a.extend(["--chunk-size", "40", "-o", file_s]);
        let o = run(&a);
        assert_fails(&o, 2, &format!("error: writing {file_s}: No space left on device"));
        let kept = complete_prefix(&file, &whole, terminator);
        eprintln!("{format}: {kept} bytes kept on a 1 MiB disk");
        // Free the disk, then --resume completes the file to the full output.
        std::fs::write(disk.path("other"), b"").expect("scratch");
        let bigger = Dir::new(&format!("resume-{format}"));
        let moved = bigger.0.join("out");
        std::fs::copy(&file, &moved).expect("copy");
        std::fs::remove_file(&file).expect("free the small disk");
        let mut a = args.to_vec();
        a.extend(["--resume", "-o", moved.to_str().expect("utf-8")]);
        let o = run(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(std::fs::read(&moved).expect("read") == whole, "{format}: resumed file differs");
    }
}
