//! Output files that are never lost or left half-written (docs/OUTPUT.md, SECURITY.md).
//!
//! `-o OUT` is written to `OUT.partial` beside it (beside the target when OUT is a symlink), under
//! an exclusive advisory lock, then fsynced and renamed over OUT on success: OUT is never
//! truncated or removed before that, and after a failure or a kill it is exactly what it was.
//! A device, FIFO or directory as OUT is refused (use `-o -` and redirect).
//!
//! A resumable run (`generate`, ndjson or csv, uncompressed, unencrypted) also keeps
//! `OUT.partial.fingerprint` beside the partial file: what the run is (generator and output
//! version, canonical config digest, seed, format, compression, csv mode, range) and how far it
//! got (bytes and records written, SHA-256 of those bytes), rewritten atomically after every
//! chunk. `--resume` continues only a partial file whose fingerprint matches the new invocation
//! and whose bytes still hash to the recorded value.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Why an output path cannot be used: the message, and the exit code.
pub struct Refused(pub String, pub i32);

/// Resolves OUT: a symlink is followed (the file it points to is replaced, the link kept).
pub fn target_of(out: &Path) -> Result<PathBuf, Refused> {
    let io_err = |e: io::Error| Refused(format!("error: opening {}: {e}", out.display()), super::EXIT_IO);
    let link = match fs::symlink_metadata(out) {
        Ok(m) => m.file_type().is_symlink(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err(e)),
    };
    let target = if link {
        match fs::canonicalize(out) {
            Ok(p) => p,
            // A dangling link: the file it names does not exist yet.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let t = fs::read_link(out).map_err(io_err)?;
                out.parent().map_or(t.clone(), |dir| dir.join(&t))
            }
            Err(e) => return Err(io_err(e)),
        }
    } else {
        out.to_path_buf()
    };
    match fs::metadata(&target) {
        Ok(m) if !m.is_file() => Err(Refused(
            format!(
                "error: {} is not a regular file (a device, FIFO or directory); it is left alone: \
                 write to stdout with `-o -` and redirect instead",
                out.display()
            ),
            super::EXIT_INPUT,
        )),
        Ok(_) => Ok(target),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(target),
        Err(e) => Err(io_err(e)),
    }
}

/// Whether `a` and `b` name the same existing file (same device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The partial file of a target.
pub fn partial_of(target: &Path) -> PathBuf {
    with_suffix(target, ".partial")
}

/// The fingerprint file of a target.
pub fn fingerprint_of(target: &Path) -> PathBuf {
    with_suffix(target, ".partial.fingerprint")
}

/// An output being written to `TARGET.partial` (or, see [`AtomicFile::open_unnamed`], to a file
/// without a name until the commit).
pub struct AtomicFile {
    target: PathBuf,
    partial: PathBuf,
    file: File,
    /// Keep the partial file (and its fingerprint) when the run fails: it can be resumed.
    keep_on_failure: bool,
    committed: bool,
    /// The file has no name yet (Linux `O_TMPFILE`): `partial` is the name it gets at the commit.
    unnamed: bool,
}

impl AtomicFile {
    /// Opens (creating it if needed) and locks the partial file of `target`, which must come from
    /// [`target_of`]. `mode` is the permission of a new file (the umask applies); an existing
    /// target's permissions are kept. `truncate` starts the partial file empty.
    pub fn open(target: &Path, mode: u32, truncate: bool, keep_on_failure: bool) -> Result<AtomicFile, Refused> {
        if target.file_name().is_none() {
            return Err(Refused(format!("error: {} is not a file path", target.display()), super::EXIT_INPUT));
        }
        let partial = partial_of(target);
        let creating = |e: io::Error| Refused(format!("error: creating {}: {e}", partial.display()), super::EXIT_IO);
        if fs::symlink_metadata(&partial).is_ok_and(|m| !m.is_file()) {
            return Err(Refused(
                format!("error: {} exists and is not a regular file; remove it first", partial.display()),
                super::EXIT_INPUT,
            ));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&partial)
            .map_err(creating)?;
        // SAFETY: flock on a file descriptor this function owns; no memory is shared.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            return Err(if e.kind() == io::ErrorKind::WouldBlock {
                Refused(
                    format!(
                        "error: another patientgen is writing {} (its {} is locked)",
                        target.display(),
                        partial.display()
                    ),
                    super::EXIT_IO,
                )
            } else {
                creating(e)
            });
        }
        if truncate {
            file.set_len(0).map_err(creating)?;
            // A fresh start: an older run's fingerprint no longer describes this file.
            match fs::remove_file(fingerprint_of(target)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(creating(e)),
                _ => {}
            }
        }
        if let Ok(m) = fs::metadata(target) {
            // The replaced file's permissions carry over.
            fs::set_permissions(&partial, fs::Permissions::from_mode(m.permissions().mode())).map_err(creating)?;
        }
        Ok(AtomicFile {
            target: target.to_path_buf(),
            partial,
            file,
            keep_on_failure,
            committed: false,
            unnamed: false,
        })
    }

    /// Like [`AtomicFile::open`] for a run that cannot be resumed (decryption): on Linux the data
    /// goes to an unnamed file in the target's directory (`O_TMPFILE`), which the kernel removes
    /// if the process dies, so not even a `kill -9` leaves partial plaintext on disk; it gets a
    /// name (`TARGET.PID.partial`) only at the commit, and is renamed over the target at once.
    /// Where `O_TMPFILE` is not available, a named `TARGET.partial` is used.
    pub fn open_unnamed(target: &Path, mode: u32) -> Result<AtomicFile, Refused> {
        #[cfg(target_os = "linux")]
        if target.file_name().is_some() {
            let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let opened = OpenOptions::new().read(true).write(true).mode(mode).custom_flags(libc::O_TMPFILE).open(dir);
            if let Ok(file) = opened {
                if let Ok(m) = fs::metadata(target) {
                    let perms = fs::Permissions::from_mode(m.permissions().mode());
                    file.set_permissions(perms)
                        .map_err(|e| Refused(format!("error: creating {}: {e}", target.display()), super::EXIT_IO))?;
                }
                return Ok(AtomicFile {
                    target: target.to_path_buf(),
                    partial: with_suffix(target, &format!(".{}.partial", std::process::id())),
                    file,
                    keep_on_failure: false,
                    committed: false,
                    unnamed: true,
                });
            }
        }
        Self::open(target, mode, true, false)
    }

    /// Gives the unnamed file its name `partial` (linkat through `/proc/self/fd`).
    #[cfg(target_os = "linux")]
    fn link_unnamed(&self) -> io::Result<()> {
        use std::os::unix::ffi::OsStrExt;
        let from =
            std::ffi::CString::new(format!("/proc/self/fd/{}", self.file.as_raw_fd())).map_err(io::Error::other)?;
        let to = std::ffi::CString::new(self.partial.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let _ = fs::remove_file(&self.partial);
        // SAFETY: two NUL-terminated paths that live across the call.
        let r = unsafe {
            libc::linkat(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_SYMLINK_FOLLOW)
        };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn link_unnamed(&self) -> io::Result<()> {
        Ok(())
    }

    /// The open partial file.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Removes the partial file (and its fingerprint) when dropped uncommitted, even for a
    /// resumable run (nothing worth resuming was written).
    pub fn discard_on_failure(&mut self) {
        self.keep_on_failure = false;
    }

    /// The partial file's path.
    pub fn partial(&self) -> &Path {
        &self.partial
    }

    /// Fsyncs the partial file, renames it over the target and fsyncs the directory.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.sync_all()?;
        if self.unnamed {
            self.link_unnamed()?;
            self.unnamed = false; // named now: removed on a failed rename
        }
        fs::rename(&self.partial, &self.target)?;
        self.committed = true;
        let _ = fs::remove_file(fingerprint_of(&self.target));
        let dir = self.target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        File::open(dir)?.sync_all()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed && !self.keep_on_failure && !self.unnamed {
            let _ = fs::remove_file(&self.partial);
            let _ = fs::remove_file(fingerprint_of(&self.target));
        }
    }
}

/// What a resumable run is and how far it got: the fingerprint of `TARGET.partial`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    /// Generator and output format version (`patientgen X, output Y`).
    pub generator: String,
    /// SHA-256 of the canonical resolved configuration.
    pub config_sha256: String,
    /// The seed (decimal).
    pub seed: String,
    /// Output format.
    pub format: String,
    /// Compression.
    pub compression: String,
    /// CSV formula-like cells kept raw.
    pub csv_raw: bool,
    /// The index range of the whole run.
    pub range: [u64; 2],
    /// Bytes of the partial file covered by `sha256`.
    pub bytes: u64,
    /// Records those bytes hold.
    pub records: u64,
    /// SHA-256 of the first `bytes` bytes (hex).
    pub sha256: String,
}

impl Fingerprint {
    /// The fields that identify the run (everything but the progress), as `(name, value)`.
    fn identity(&self) -> [(&'static str, String); 7] {
        [
            ("generator version", self.generator.clone()),
            ("config_sha256", self.config_sha256.clone()),
            ("seed", self.seed.clone()),
            ("format", self.format.clone()),
            ("compression", self.compression.clone()),
            ("csv mode", if self.csv_raw { "raw" } else { "neutralised" }.into()),
            ("range", format!("{}..{}", self.range[0], self.range[1])),
        ]
    }

    /// Writes the fingerprint of `target` atomically (temporary file, rename).
    pub fn store(&self, target: &Path) -> io::Result<()> {
        let path = fingerprint_of(target);
        let tmp = with_suffix(&path, ".tmp");
        let text = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        fs::write(&tmp, text)?;
        fs::rename(&tmp, &path)
    }
}

/// A verified interrupted run: the partial file, cut back to the recorded bytes and positioned at
/// its end, the running hash over those bytes and the records they hold.
pub struct Resumed {
    /// The partial file.
    pub file: AtomicFile,
    /// SHA-256 state over the kept bytes.
    pub hash: Sha256,
    /// The fingerprint found.
    pub found: Fingerprint,
}

/// Checks the interrupted run of `target` against `want` (whose progress fields are ignored).
/// `Ok(None)`: there is nothing to resume (neither OUT nor OUT.partial exist): start afresh.
/// Refusals leave every file as it was.
pub fn resume(target: &Path, want: &Fingerprint) -> Result<Option<Resumed>, Refused> {
    let refuse = |msg: String| Refused(format!("error: --resume: {msg}; nothing was changed"), super::EXIT_INPUT);
    let partial = partial_of(target);
    let fp_path = fingerprint_of(target);
    let partial_exists = fs::symlink_metadata(&partial).is_ok();
    if !partial_exists {
        if fs::symlink_metadata(target).is_ok() {
            return Err(refuse(format!(
                "{} exists but there is no interrupted run to continue ({} is missing: the run finished, \
                 or the file was not written by `patientgen generate -o`)",
                target.display(),
                partial.display()
            )));
        }
        return Ok(None);
    }
    let text = match fs::read(&fp_path) {
        Ok(t) => t,
        Err(e) => {
            return Err(refuse(format!(
                "{} has no readable fingerprint ({}: {e}); it cannot be verified",
                partial.display(),
                fp_path.display()
            )))
        }
    };
    let found: Fingerprint = serde_json::from_slice(&text)
        .map_err(|e| refuse(format!("the fingerprint {} is corrupted ({e})", fp_path.display())))?;
    for ((name, had), (_, now)) in found.identity().iter().zip(want.identity().iter()) {
        if had != now {
            return Err(refuse(format!(
                "the interrupted run in {} has {name} {had}, this one {now}; give the same --config/--preset, \
                 --patients, --seed, --format, --range/--shard and version as the interrupted run",
                partial.display()
            )));
        }
    }
    // Open (and lock) without truncating; the length and hash are checked before any change.
    let mut file = AtomicFile::open(target, 0o666, false, true)?;
    let len = file
        .file()
        .metadata()
        .map_err(|e| Refused(format!("error: reading {}: {e}", partial.display()), super::EXIT_IO))?
        .len();
    if len < found.bytes {
        return Err(refuse(format!(
            "{} holds {len} bytes, fewer than the {} bytes its fingerprint records (cut by something else)",
            partial.display(),
            found.bytes
        )));
    }
    let mut hash = Sha256::new();
    let f = file.file();
    let read_err = |e: io::Error| Refused(format!("error: reading {}: {e}", partial.display()), super::EXIT_IO);
    f.seek(SeekFrom::Start(0)).map_err(read_err)?;
    let mut left = found.bytes;
    let mut block = vec![0u8; 1 << 20];
    while left > 0 {
        let want_n = usize::try_from(left.min(block.len() as u64)).unwrap_or(block.len());
        let n = match f.read(&mut block[..want_n]) {
            Ok(0) => return Err(refuse(format!("{} ended while being verified", partial.display()))),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_err(e)),
        };
        hash.update(&block[..n]);
        left -= n as u64;
    }
    if hex(&hash.clone().finalize()) != found.sha256 {
        return Err(refuse(format!(
            "the first {} bytes of {} do not hash to the SHA-256 its fingerprint records (they were modified)",
            found.bytes,
            partial.display()
        )));
    }
    // Verified: bytes past the recorded ones belong to a chunk that was cut; drop them.
    f.set_len(found.bytes).map_err(read_err)?;
    f.seek(SeekFrom::Start(found.bytes)).map_err(read_err)?;
    Ok(Some(Resumed { file, hash, found }))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
