//! Sink faults and hostile arguments at the CLI (exit codes: 0 ok, 1 invalid input,
//! 2 I/O error, never a panic): a full disk (`/dev/full`, and a 1 MiB tmpfs when mounting is
//! permitted), a reader that goes away, unwritable metrics, unreadable and invalid scenarios,
//! stdout and stderr that cannot be written, and outputs that must never be lost (issue #15):
//! `-o OUT` is written to `OUT.partial` and renamed on success only, so OUT is never truncated,
//! removed or left half-written; devices and FIFOs are refused as OUT; `decrypt X X` is refused.
//! On a write error the partial file ends at a record boundary and `--resume` continues it.

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
fn a_device_as_output_file_is_refused_and_left_alone() {
    for format in ["ndjson", "csv", "xml", "fhir-r4"] {
        let o = run(&["generate", "--seed", "1", "--format", format, "--progress", "never", "-o", "/dev/full"]);
        assert_fails(&o, 1, "error: /dev/full is not a regular file");
    }
    let o = run(&["generate", "--seed", "1", "--compress", "gzip", "--progress", "never", "-o", "/dev/null"]);
    assert_fails(&o, 1, "/dev/null is not a regular file");
    assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()), "/dev/null is still the device");
    assert!(!Path::new("/dev/null.partial").exists());
}

/// A full device as stdout: the write error is exit 2 with the device's message.
#[test]
fn full_device_as_stdout_for_every_format_exits_2() {
    for format in ["ndjson", "csv", "xml", "fhir-r4"] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let o = Command::new(BIN)
            .args(["generate", "--seed", "1", "--format", format, "--progress", "never", "-o", "-"])
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        assert_fails(&o, 2, "error: writing stdout: No space left on device");
    }
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
    let o = run(&["generate", "--patients", "10", "--seed", "1", "-o", "-", "--metrics", "/dev/full"]);
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
fn full_small_disk_keeps_out_untouched_and_the_partial_file_resumable() {
    let Some(disk) = SmallDisk::mount("1m") else {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    };
    for (format, terminator) in [("ndjson", &b"\n"[..]), ("csv", &b"\r\n"[..])] {
        let args = ["generate", "--seed", "4", "--patients", "8000", "--format", format, "--progress", "never"];
        let whole = run(&args).stdout;
        assert!(whole.len() > 2 << 20, "the run does not fit the disk");
        let file = disk.path(&format!("out.{format}"));
        std::fs::write(&file, b"the previous output\n").expect("an earlier OUT");
        let file_s = file.to_str().expect("utf-8");
        let mut a = args.to_vec();
        a.extend(["--chunk-size", "40", "-o", file_s]);
        let o = run(&a);
        assert_fails(&o, 2, &format!("error: writing {file_s}: No space left on device"));
        assert_fails(&o, 2, "continue with the same command and --resume");
        assert_eq!(std::fs::read(&file).expect("OUT"), b"the previous output\n", "OUT is untouched");
        let partial = disk.path(&format!("out.{format}.partial"));
        let fingerprint = disk.path(&format!("out.{format}.partial.fingerprint"));
        let kept = complete_prefix(&partial, &whole, terminator);
        eprintln!("{format}: {kept} bytes kept on a 1 MiB disk");
        // Move the interrupted run to a bigger disk; --resume there completes it to the full output.
        let bigger = Dir::new(&format!("resume-{format}"));
        let moved = bigger.0.join("out");
        std::fs::copy(&partial, bigger.0.join("out.partial")).expect("copy");
        std::fs::copy(&fingerprint, bigger.0.join("out.partial.fingerprint")).expect("copy");
        for f in [&file, &partial, &fingerprint] {
            std::fs::remove_file(f).expect("free the small disk");
        }
        let mut a = args.to_vec();
        a.extend(["--resume", "-o", moved.to_str().expect("utf-8")]);
        let o = run(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(std::fs::read(&moved).expect("read") == whole, "{format}: resumed file differs");
        assert!(!bigger.0.join("out.partial").exists() && !bigger.0.join("out.partial.fingerprint").exists());
    }
}

const PASSWORD: &str = "correct horse battery";

fn run_pw(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("PATIENTGEN_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .output()
        .expect("patientgen runs")
}

/// An encrypted run of `patients` records (several 64 KiB segments) in `dir`.
fn encrypted(dir: &Dir, patients: &str) -> (PathBuf, Vec<u8>) {
    let plain = run(&["generate", "--patients", patients, "--seed", "9", "--progress", "never"]).stdout;
    let enc = dir.0.join("data.pgenc");
    let o = run_pw(
        &["generate", "--patients", patients, "--seed", "9", "--progress", "never", "--encrypt", "-o"]
            .into_iter()
            .chain([enc.to_str().expect("utf-8")])
            .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (enc, plain)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Issue #15, 1: `decrypt X X`, a wrong password over an existing OUT, a device as OUT.
#[test]
fn decrypt_never_destroys_its_input_or_an_existing_output() {
    let dir = Dir::new("decrypt-keep");
    let (enc, plain) = encrypted(&dir, "300");
    let cipher = std::fs::read(&enc).expect("read");
    // IN == OUT (also through a second name: a hard link).
    let o = run_pw(&["decrypt", s(&enc), s(&enc)]);
    assert_fails(&o, 1, "are the same file");
    let hard = dir.0.join("hard.pgenc");
    std::fs::hard_link(&enc, &hard).expect("hard link");
    assert_fails(&run_pw(&["decrypt", s(&enc), s(&hard)]), 1, "are the same file");
    assert!(std::fs::read(&enc).expect("the ciphertext is still there") == cipher);
    // A wrong password: an existing OUT keeps its bytes, no partial file stays.
    let precious = dir.0.join("p.txt");
    std::fs::write(&precious, b"precious\n").expect("write");
    let o = Command::new(BIN)
        .args(["decrypt", s(&enc), s(&precious)])
        .env("PATIENTGEN_PASSWORD", "a wrong password")
        .output()
        .expect("runs");
    assert_fails(&o, 1, "authentication failed at segment 0");
    assert_eq!(std::fs::read(&precious).expect("OUT is still there"), b"precious\n");
    assert!(!dir.0.join("p.txt.partial").exists());
    // The right password replaces it, atomically.
    let o = run_pw(&["decrypt", s(&enc), s(&precious)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&precious).expect("read") == plain);
    // A device node as OUT is refused, not written and not unlinked (a private copy of /dev/null).
    let node = dir.0.join("null");
    let made = Command::new("mknod").arg(&node).args(["c", "1", "3"]).stderr(Stdio::null()).status();
    if made.is_ok_and(|st| st.success()) {
        for pw in [PASSWORD, "a wrong password"] {
            let o = Command::new(BIN)
                .args(["decrypt", s(&enc), s(&node)])
                .env("PATIENTGEN_PASSWORD", pw)
                .output()
                .expect("runs");
            assert_fails(&o, 1, "is not a regular file");
            let m = std::fs::symlink_metadata(&node).expect("the device node is still there");
            assert!(std::os::unix::fs::FileTypeExt::is_char_device(&m.file_type()));
        }
    } else {
        eprintln!("skipped the device-node case: mknod is not permitted here");
    }
}

/// Issue #15, 2: no partial plaintext at OUT (or at a symlink's target) after a failure or a kill.
#[test]
fn decrypt_leaves_no_partial_plaintext_after_a_failure_or_a_kill() {
    let dir = Dir::new("decrypt-partial");
    let (enc, plain) = encrypted(&dir, "3000");
    let mut cipher = std::fs::read(&enc).expect("read");
    assert!(plain.len() > 4 * 65_536, "several segments");
    // Tamper with the last segment: every segment before it authenticates and would be written.
    let n = cipher.len();
    cipher[n - 20] ^= 1;
    let tampered = dir.0.join("tampered.pgenc");
    std::fs::write(&tampered, &cipher).expect("write");
    let target = dir.0.join("target.txt");
    let link = dir.0.join("link.txt");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let o = run_pw(&["decrypt", s(&tampered), s(&link)]);
    assert_fails(&o, 1, "authentication failed");
    assert!(!target.exists(), "the symlink's target holds no partial plaintext");
    assert!(std::fs::symlink_metadata(&link).is_ok(), "the symlink is kept");
    // data.pgenc, tampered.pgenc, link.txt: no partial file stays.
    assert_eq!(std::fs::read_dir(&dir.0).expect("ls").count(), 3, "no partial file stays");
    // Through the symlink, a successful decrypt replaces the target and keeps the link.
    let o = run_pw(&["decrypt", s(&enc), s(&link)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&target).expect("target") == plain);
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
    // SIGKILL in the middle: the input arrives on a pipe, half of it, then the process is killed.
    let out = dir.0.join("killed.txt");
    std::fs::write(&out, b"old\n").expect("write");
    let before: std::collections::BTreeSet<_> =
        std::fs::read_dir(&dir.0).expect("ls").map(|e| e.expect("entry").file_name()).collect();
    let mut child = Command::new(BIN)
        .args(["decrypt", "-", s(&out)])
        .env("PATIENTGEN_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    // write_all returns once the child has read all but a pipe buffer (64 KiB) of it: the
    // plaintext of the segments before that has been written to its temporary file.
    std::io::Write::write_all(&mut stdin, &cipher[..n / 2]).expect("feed half");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let fds = std::fs::read_dir(format!("/proc/{}/fd", child.id())).expect("/proc");
    let writing = fds.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok()).find(|l| l.starts_with(&dir.0));
    assert!(writing.is_some(), "the child writes a file in the output directory");
    eprintln!("decrypting into {writing:?}");
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    drop(stdin);
    assert_eq!(std::fs::read(&out).expect("OUT"), b"old\n", "OUT keeps its old bytes after a kill");
    let after: std::collections::BTreeSet<_> =
        std::fs::read_dir(&dir.0).expect("ls").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(before, after, "no file with partial plaintext is left after the kill");
}

/// A child with a deadline: Some(output) if it ended within `secs`, None if it had to be killed.
fn output_within(mut c: Command, secs: u64) -> Option<Output> {
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null()).spawn().expect("spawn");
    let t0 = std::time::Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if t0.elapsed().as_secs() >= secs {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Some(child.wait_with_output().expect("output"))
}

#[test]
fn a_fifo_as_output_is_refused_without_blocking() {
    let dir = Dir::new("fifo");
    let fifo = dir.0.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|st| st.success()) {
        eprintln!("skipped: mkfifo failed");
        return;
    }
    let mut c = Command::new(BIN);
    c.args(["generate", "--patients", "10", "--seed", "1", "--progress", "never", "-o", s(&fifo)]);
    let o = output_within(c, 20).expect("the CLI does not block opening a FIFO");
    assert_fails(&o, 1, "is not a regular file");
}

/// Issue #15, 4: stdout or stderr that cannot be written is exit 2, never a panic (101).
#[test]
fn unwritable_stdout_or_stderr_is_exit_2_not_a_panic() {
    let dir = Dir::new("streams");
    let ok = dir.0.join("ok.json");
    std::fs::write(&ok, "{}").expect("write");
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    for args in [vec!["validate", s(&ok)], vec!["presets"], vec!["--help"], vec!["--version"]] {
        let o = Command::new(BIN).args(&args).stdout(full()).stderr(Stdio::piped()).output().expect("runs");
        assert_fails(&o, 2, "No space left on device");
    }
    // stderr on a full device: nothing can be reported; exit 2, and no output file is created.
    let out = dir.0.join("g.ndjson");
    std::fs::write(&out, b"before\n").expect("write");
    let o = Command::new(BIN)
        .args(["generate", "--patients", "100", "--seed", "1", "-o", s(&out)])
        .stdout(Stdio::null())
        .stderr(full())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).expect("OUT"), b"before\n", "OUT is untouched");
    assert_eq!(std::fs::read_dir(&dir.0).expect("ls").count(), 2, "no partial file stays");
    let o = Command::new(BIN).args(["validate", s(&ok)]).stdout(Stdio::null()).stderr(full()).output().expect("runs");
    assert_eq!(o.status.code(), Some(0), "validate of a clean file writes nothing to stderr");
    let bad = dir.0.join("bad.json");
    std::fs::write(&bad, "{\"seed\": -1}").expect("write");
    let o = Command::new(BIN).args(["validate", s(&bad)]).stdout(Stdio::null()).stderr(full()).output().expect("runs");
    assert_eq!(o.status.code(), Some(1), "the input error stays exit 1");
    // `generate … 2>&1 | head -c 10`: stdout and stderr are one pipe that closes early.
    let mut child = Command::new(BIN)
        .args(["generate", "--seed", "1", "--patients", "200000", "--progress", "never"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut pipe = child.stdout.take().expect("stdout");
    let mut ten = [0u8; 10];
    pipe.read_exact(&mut ten).expect("10 bytes");
    drop(pipe);
    assert_eq!(child.wait().expect("wait").code(), Some(2));
    let sh = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{BIN}' generate --seed 1 --patients 200000 --progress never 2>&1 | head -c 10 >/dev/null; echo $?"
        ))
        .output()
        .expect("sh");
    // `echo $?` is head's status; the generator's status comes through PIPESTATUS only in bash.
    assert_eq!(sh.status.code(), Some(0));
    let bash = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{BIN}' generate --seed 1 --patients 200000 --progress never 2>&1 | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
        ))
        .output()
        .expect("bash");
    assert_eq!(String::from_utf8_lossy(&bash.stdout).trim(), "2", "EPIPE on stdout and stderr is exit 2, no panic");
}

/// Issue #15, 7: formula-like text cells are neutralised in CSV (OWASP); `--csv-raw` keeps them.
#[test]
fn csv_formula_injection_is_neutralised_unless_raw() {
    let dir = Dir::new("csv-injection");
    let cfg = dir.0.join("scenario.json");
    std::fs::write(
        &cfg,
        r#"{"total_patients": 60, "front_configs": [
            {"name": "=HYPERLINK(\"http://evil\",\"x\")", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
            {"name": "+cmd|' /C calc'!A0", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
            {"name": "@SUM(A1:A9)", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
            {"name": "-1+2", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]}]}"#,
    )
    .expect("write");
    let gen = |extra: &[&str]| {
        let mut a = vec!["generate", "--config", s(&cfg), "--seed", "2", "--format", "csv", "--progress", "never"];
        a.extend(extra);
        let o = run(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        let mut r = csv::ReaderBuilder::new().from_reader(&o.stdout[..]);
        let col = r.headers().expect("header").iter().position(|h| h == "front").expect("front column");
        r.records().map(|x| x.expect("row")[col].to_string()).collect::<std::collections::BTreeSet<_>>()
    };
    let safe = gen(&[]);
    assert!(safe.len() >= 3, "{safe:?}");
    for cell in &safe {
        assert!(cell.starts_with('\''), "{cell:?} is neutralised with a leading quote");
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
    }
    assert!(safe.contains("'=HYPERLINK(\"http://evil\",\"x\")"), "{safe:?}");
    let raw = gen(&["--csv-raw"]);
    assert!(raw.contains("=HYPERLINK(\"http://evil\",\"x\")") && raw.contains("@SUM(A1:A9)"), "{raw:?}");
    // Numeric columns are numbers, never text: no cell of the default scenario changes.
    let plain = run(&["generate", "--patients", "300", "--seed", "3", "--format", "csv", "--progress", "never"]).stdout;
    let raw =
        run(&["generate", "--patients", "300", "--seed", "3", "--format", "csv", "--progress", "never", "--csv-raw"])
            .stdout;
    assert!(plain == raw, "the default scenario has no formula-like text cell");
}

/// Issue #15, 7: duplicate keys are an error naming the path.
#[test]
fn duplicate_keys_are_refused_with_their_path() {
    let dir = Dir::new("dup-keys");
    let cfg = dir.0.join("dup.json");
    std::fs::write(&cfg, r#"{"total_patients": 10, "total_patients": 20}"#).expect("write");
    assert_fails(&run(&["validate", s(&cfg)]), 1, "total_patients: duplicate key");
    std::fs::write(
        &cfg,
        r#"{"front_configs": [{"name": "A", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1, "percentage": 2}]}]}"#,
    )
    .expect("write");
    assert_fails(
        &run(&["generate", "--config", s(&cfg)]),
        1,
        "front_configs[0].nationality_distribution[0].percentage: duplicate key",
    );
}
