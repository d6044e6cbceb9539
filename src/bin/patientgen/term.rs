//! Printing to stdout and stderr without panicking (`println!` and `eprintln!` panic when the
//! stream cannot be written: `> /dev/full`, `2> /dev/full`, a closed pipe).
//!
//! [`say!`] writes a line to stdout, [`note!`] to stderr. A failed write is remembered, not
//! fatal at the call site; [`finish`] turns it into exit code 2 (an I/O error), so a command
//! whose output was lost never reports success. A closed pipe on stdout (EPIPE: `| head -c 10`)
//! is the same I/O error: exit 2, with one `error: writing stdout: Broken pipe` line on stderr
//! when stderr can still take it (docs/OUTPUT.md).

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// The first failed write to each stream.
static STDOUT_ERROR: Mutex<Option<io::Error>> = Mutex::new(None);
static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes `args` and a newline to stdout; a failure is remembered for [`finish`].
pub fn out(args: fmt::Arguments<'_>) {
    let mut s = io::stdout().lock();
    let r = s.write_fmt(args).and_then(|_| s.write_all(b"\n"));
    if let Err(e) = r {
        stdout_failed(e);
    }
}

/// Writes `args` and a newline to stderr; a failure is remembered for [`finish`].
pub fn err(args: fmt::Arguments<'_>) {
    let mut s = io::stderr().lock();
    if s.write_fmt(args).and_then(|_| s.write_all(b"\n")).is_err() {
        STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Records a failed write to stdout made elsewhere (the data stream of `generate`).
pub fn stdout_failed(e: io::Error) {
    if let Ok(mut slot) = STDOUT_ERROR.lock() {
        slot.get_or_insert(e);
    }
}

/// Whether a write to stderr has failed so far.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The exit code of a command that returned `code`: 2 when stdout or stderr could not be written
/// (and the command did not already fail).
pub fn finish(code: i32) -> i32 {
    let flushed = io::stdout().lock().flush();
    if let Err(e) = flushed {
        stdout_failed(e);
    }
    let stdout_error = STDOUT_ERROR.lock().ok().and_then(|mut e| e.take());
    if let Some(e) = stdout_error {
        err(format_args!("error: writing stdout: {e}"));
        return if code == 0 { super::EXIT_IO } else { code };
    }
    if stderr_failed() && code == 0 {
        return super::EXIT_IO;
    }
    code
}

/// `println!` that does not panic (see the module documentation).
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::term::out(format_args!($($t)*)) };
}

/// `eprintln!` that does not panic (see the module documentation).
macro_rules! note {
    ($($t:tt)*) => { $crate::cli::term::err(format_args!($($t)*)) };
}

pub(crate) use {note, say};
