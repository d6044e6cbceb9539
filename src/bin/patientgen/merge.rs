//! `patientgen merge-zip`: the zip archive of a run from the zip parts of its shards
//! (docs/OUTPUT.md, "Merging zip shards").

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use patientgen::sink::{zip_merge_plan_named, ZipPart, ZipPiece};

use super::output::{self, AtomicFile};
use super::term::note;
use super::{refused, EXIT_INPUT, EXIT_IO};

/// Largest trailer read from a part (a part's trailer holds a few dozen bytes per entry).
const MAX_TRAILER: usize = 1 << 20;

#[derive(clap::Args, Debug)]
pub struct MergeZipArgs {
    /// The zip parts (`generate --compress zip --shard K/N` or `--range A..B` outputs), in any
    /// order: each part's trailer says which patients it covers.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// The merged archive (written to OUT.partial, renamed on success only), or `-` for stdout.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
}

/// An input part: its file, length and trailer.
struct Part {
    path: PathBuf,
    file: File,
    trailer: ZipPart,
}

/// Why a merge stopped: the message and the exit code.
struct Failed(String, i32);

fn io_failed(what: &str, path: &Path, e: io::Error) -> Failed {
    Failed(format!("error: {what} {}: {e}", path.display()), EXIT_IO)
}

/// Opens a part and reads its trailer from the end of the file (the data is not read yet).
fn open_part(path: &Path) -> Result<Part, Failed> {
    let mut file = File::open(path).map_err(|e| io_failed("opening", path, e))?;
    let len = file.metadata().map_err(|e| io_failed("reading", path, e))?.len();
    let bad = |why: String| Failed(format!("error: {}: {why}", path.display()), EXIT_INPUT);
    let mut read_end = |n: u64| -> Result<Vec<u8>, Failed> {
        let mut buf = vec![0; n as usize];
        file.seek(SeekFrom::Start(len - n))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| io_failed("reading", path, e))?;
        Ok(buf)
    };
    let tail = read_end(len.min(ZipPart::TAIL_LEN as u64))?;
    let body = ZipPart::trailer_len(&tail).map_err(|e| bad(e.to_string()))?;
    if body > MAX_TRAILER || (body + ZipPart::TAIL_LEN) as u64 > len {
        return Err(bad("not a patientgen zip part: the trailer is truncated".into()));
    }
    let tail = read_end((body + ZipPart::TAIL_LEN) as u64)?;
    let trailer = ZipPart::parse(&tail, len).map_err(|e| bad(e.to_string()))?;
    Ok(Part { path: path.to_path_buf(), file, trailer })
}

/// Writes the merged archive of `parts` (ordered by their ranges) to `out`.
fn write_merged(parts: &mut [Part], out: &mut dyn Write) -> Result<u64, Failed> {
    let trailers: Vec<ZipPart> = parts.iter().map(|p| p.trailer.clone()).collect();
    let names: Vec<String> = parts.iter().map(|p| p.path.display().to_string()).collect();
    let plan = zip_merge_plan_named(&trailers, &names).map_err(|e| Failed(format!("error: {e}"), EXIT_INPUT))?;
    let write_err = |e: io::Error| Failed(format!("error: writing the archive: {e}"), EXIT_IO);
    let mut bytes = 0u64;
    for piece in plan {
        match piece {
            ZipPiece::Bytes(b) => {
                out.write_all(&b).map_err(write_err)?;
                bytes += b.len() as u64;
            }
            ZipPiece::Part { part, range } => {
                let p = &mut parts[part];
                let want = range.end - range.start;
                p.file.seek(SeekFrom::Start(range.start)).map_err(|e| io_failed("reading", &p.path, e))?;
                let copied = io::copy(&mut (&mut p.file).take(want), out).map_err(|e| {
                    Failed(format!("error: copying {} into the archive: {e}", p.path.display()), EXIT_IO)
                })?;
                if copied != want {
                    return Err(Failed(format!("error: {} shrank while it was merged", p.path.display()), EXIT_IO));
                }
                bytes += want;
            }
        }
    }
    out.flush().map_err(write_err)?;
    Ok(bytes)
}

/// Runs `merge-zip` and returns the exit code.
pub fn run(args: MergeZipArgs) -> i32 {
    let target = if args.output.as_os_str() == "-" {
        None
    } else {
        match output::target_of(&args.output) {
            Ok(t) => Some(t),
            Err(r) => return refused(r),
        }
    };
    if let Some(t) = &target {
        if let Some(p) = args.parts.iter().find(|p| output::same_file(p, t)) {
            note!("error: the part {} is also the output; write the archive elsewhere", p.display());
            return EXIT_INPUT;
        }
    }
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        match open_part(path) {
            Ok(p) => parts.push(p),
            Err(Failed(msg, code)) => {
                note!("{msg}");
                return code;
            }
        }
    }
    // The trailers carry the ranges: the parts may come in any order (a shell glob sorts
    // `part10` before `part2`).
    parts.sort_by_key(|p| (p.trailer.range.start, p.trailer.range.end));
    let result = match &target {
        None => write_merged(&mut parts, &mut io::stdout().lock()),
        Some(t) => {
            let mut file = match AtomicFile::open(t, 0o666, true, false) {
                Ok(f) => f,
                Err(r) => return refused(r),
            };
            let r = write_merged(&mut parts, &mut BufWriter::with_capacity(1 << 20, file.file()));
            match r {
                Ok(n) => file.commit().map(|()| n).map_err(|e| io_failed("writing", &args.output, e)),
                Err(f) => Err(f),
            }
        }
    };
    match result {
        Ok(bytes) => {
            if target.is_some() {
                note!("{}: {bytes} bytes from {} zip parts", args.output.display(), parts.len());
            }
            0
        }
        Err(Failed(msg, code)) => {
            note!("{msg}");
            if target.is_some() && !super::term::stderr_failed() {
                note!("{} was not changed", args.output.display());
            }
            code
        }
    }
}
