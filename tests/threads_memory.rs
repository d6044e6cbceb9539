//! Peak memory of `generate --threads N` does not grow with N (issue #19). Its own test binary:
//! a child's `ru_maxrss` includes the RSS of the process that spawned it (the child starts in the
//! parent's memory until `exec`), so no other test may run in this process at the same time.

use std::process::{Command, Stdio};

fn patientgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patientgen"))
}

/// Runs `generate` to a null stdout; returns its peak resident set (KiB) from `wait4`.
#[allow(clippy::zombie_processes)] // the child is reaped by wait4, which also gives its rusage
fn peak_rss_kib(args: &[&str]) -> i64 {
    let child = patientgen().args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for the child this test owns.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; the pointers live across the call.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{args:?} failed: {status}");
    usage.ru_maxrss
}

#[test]
fn peak_memory_does_not_grow_with_the_threads() {
    let mut peaks = Vec::new();
    for threads in ["1", "2", "4", "16"] {
        let kib = peak_rss_kib(&[
            "generate",
            "--patients",
            "100000",
            "--seed",
            "2",
            "--threads",
            threads,
            "--progress",
            "never",
        ]);
        eprintln!("--threads {threads}: peak RSS {kib} KiB");
        peaks.push(kib);
    }
    // At most IN_FLIGHT (4) blocks of about 4 MiB are out at once, whatever the thread count.
    assert!(peaks.iter().all(|&k| k < 48 << 10), "peak RSS {peaks:?} KiB");
    assert!(peaks[3] <= peaks[1] + (8 << 10), "16 threads use more than 2 threads: {peaks:?} KiB");
}
