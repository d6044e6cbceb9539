//! Argument parsing and the subcommands of the native CLI.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use patientgen::{config, shard_range, Compression, Format, Job, JobOptions, Metrics, Scenario};

#[path = "bench.rs"]
mod bench;
#[path = "report.rs"]
mod report;

/// Exit code for invalid input.
const EXIT_INPUT: i32 = 1;
/// Exit code for I/O errors.
const EXIT_IO: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "patientgen",
    version,
    about = "Deterministic synthetic casualty datasets for military medical exercises"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a dataset (the embedded default scenario unless --config or --preset is given).
    Generate(GenerateArgs),
    /// Validate a scenario file: print the normalised configuration, or every error with its JSON path.
    Validate {
        /// Scenario JSON file (`-` for stdin).
        file: PathBuf,
    },
    /// List the shipped presets.
    Presets,
    /// Print the scaling table (native and wasm in Node): time, patients/s, MB/s, chunks, peak memory.
    Bench(bench::BenchArgs),
    /// Decrypt a PGENC1 file (password from --password-file or PATIENTGEN_PASSWORD).
    Decrypt {
        /// File holding the password (its first line).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Encrypted input (`-` for stdin).
        input: PathBuf,
        /// Decrypted output (`-` for stdout).
        output: PathBuf,
    },
    /// Print the calibration report of an NDJSON file: outcomes, %KIA, %DOW, CFR, times to care (docs/REPORT.md).
    Report(report::ReportArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Ndjson,
    Json,
    JsonWrapped,
    Csv,
    Xml,
    FhirR4,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Ndjson => Format::Ndjson,
            FormatArg::Json => Format::Json,
            FormatArg::JsonWrapped => Format::JsonWrapped,
            FormatArg::Csv => Format::Csv,
            FormatArg::Xml => Format::Xml,
            FormatArg::FhirR4 => Format::FhirR4,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CompressArg {
    None,
    Gzip,
    Zip,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum ProgressArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
struct GenerateArgs {
    /// Scenario JSON file.
    #[arg(long, conflicts_with = "preset")]
    config: Option<PathBuf>,
    /// Shipped preset id (see `patientgen presets`).
    #[arg(long)]
    preset: Option<String>,
    /// Override the scenario's total_patients.
    #[arg(long)]
    patients: Option<u64>,
    /// Override the scenario's seed (0 … 2^64−1).
    #[arg(long)]
    seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "ndjson")]
    format: FormatArg,
    /// Compression.
    #[arg(long, value_enum, default_value = "none")]
    compress: CompressArg,
    /// Encrypt the output (PGENC1: AES-256-GCM, PBKDF2-HMAC-SHA256); appends `.pgenc` by convention.
    #[arg(long)]
    encrypt: bool,
    /// File holding the encryption password (its first line); else PATIENTGEN_PASSWORD.
    #[arg(long, requires = "encrypt")]
    password_file: Option<PathBuf>,
    /// Records per chunk.
    #[arg(long, default_value_t = patientgen::job::DEFAULT_CHUNK_SIZE)]
    chunk_size: u32,
    /// Generate only the index range A..B.
    #[arg(long, conflicts_with = "shard")]
    range: Option<String>,
    /// Generate only shard K of N (0-based), e.g. 2/4.
    #[arg(long)]
    shard: Option<String>,
    /// Output file, or `-` for stdout (the default).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Progress on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: ProgressArg,
    /// Write Prometheus metrics to this file at the end.
    #[arg(long)]
    metrics: Option<PathBuf>,
    /// Continue an interrupted ndjson or csv file (-o FILE) after its last complete record.
    #[arg(long)]
    resume: bool,
}

/// Runs the CLI and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => EXIT_INPUT,
            };
        }
    };
    match cli.command {
        Command::Generate(args) => generate(args),
        Command::Validate { file } => validate(&file),
        Command::Presets => presets(),
        Command::Bench(args) => bench::run(args),
        Command::Decrypt { password_file, input, output } => decrypt(password_file.as_deref(), &input, &output),
        Command::Report(args) => report::run(args),
    }
}

fn read_input(path: &Path) -> Result<String, i32> {
    // Read at most one byte past the document cap: a huge file is refused without loading it.
    let cap = config::MAX_DOCUMENT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let r = if path.as_os_str() == "-" {
        io::stdin().take(cap).read_to_end(&mut bytes).map(|_| ())
    } else {
        File::open(path).and_then(|f| f.take(cap).read_to_end(&mut bytes)).map(|_| ())
    };
    if let Err(e) = r {
        eprintln!("error: reading {}: {e}", path.display());
        return Err(EXIT_IO);
    }
    if bytes.len() as u64 == cap {
        eprintln!("{}: document larger than 1 MiB", path.display());
        return Err(EXIT_INPUT);
    }
    String::from_utf8(bytes).map_err(|e| {
        eprintln!("{}: not valid UTF-8 (byte {})", path.display(), e.utf8_error().valid_up_to());
        EXIT_INPUT
    })
}

fn print_config_errors(errors: &config::ConfigErrors) {
    for e in &errors.0 {
        eprintln!("{e}");
    }
}

fn validate(file: &Path) -> i32 {
    let text = match read_input(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match patientgen::parse_scenario(&text) {
        Ok(s) => {
            println!("{}", patientgen::resolved_pretty_json(&s.resolved));
            for key in &s.ignored_keys {
                eprintln!("{key}: accepted and ignored (not used by patientgen)");
            }
            0
        }
        Err(errors) => {
            print_config_errors(&errors);
            EXIT_INPUT
        }
    }
}

fn presets() -> i32 {
    println!("{:<20} {:<34} {:>8} {:>5}  warfare types", "id", "name", "patients", "days");
    for p in config::presets::presets() {
        println!("{:<20} {:<34} {:>8} {:>5}  {}", p.id, p.name, p.total_patients, p.days, p.warfare_type.as_str());
    }
    0
}

/// Draws a seed from OS randomness (the only place the CLI uses it, DOMAIN.md §1.6).
fn random_seed() -> Result<u64, i32> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| {
        eprintln!("error: drawing a random seed: {e}");
        EXIT_IO
    })?;
    Ok(u64::from_le_bytes(b))
}

fn parse_range(s: &str) -> Option<std::ops::Range<u64>> {
    let (a, b) = s.split_once("..")?;
    Some(a.trim().parse().ok()?..b.trim().parse().ok()?)
}

fn parse_shard(s: &str) -> Option<(u64, u64)> {
    let (k, n) = s.split_once('/')?;
    Some((k.trim().parse().ok()?, n.trim().parse().ok()?))
}

/// Creates the output file, or for `--resume` (`keep = Some(bytes)`) opens it, cuts it to the
/// bytes kept and positions at its end.
fn open_output(path: &Path, keep: Option<u64>) -> io::Result<File> {
    let Some(keep) = keep else { return File::create(path) };
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path)?;
    f.set_len(keep)?;
    io::Seek::seek(&mut f, io::SeekFrom::Start(keep))?;
    Ok(f)
}

/// Where `--resume` continues: the bytes of the existing file to keep and the range still to generate.
struct ResumePoint {
    keep: u64,
    range: std::ops::Range<u64>,
}

/// Complete records at the start of an ndjson or csv byte stream (DOMAIN.md §9): an ndjson record
/// ends with `\n`; a csv record (the header row included) with CRLF outside quotes (RFC 4180, so
/// quoted fields may hold CR and LF).
#[derive(Default)]
struct RecordScanner {
    csv: bool,
    in_quotes: bool,
    prev_cr: bool,
    /// Record terminators seen.
    ends: u64,
    /// Offset just after the last terminator.
    last_end: u64,
    offset: u64,
}

impl RecordScanner {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.offset += 1;
            let end = if !self.csv {
                b == b'\n'
            } else if self.in_quotes {
                self.in_quotes = b != b'"';
                false
            } else {
                self.in_quotes = b == b'"';
                b == b'\n' && self.prev_cr
            };
            self.prev_cr = b == b'\r';
            if end {
                self.ends += 1;
                self.last_end = self.offset;
            }
        }
    }
}

/// Checks the `--resume` options, scans the existing output and returns where to continue.
fn resume_point(
    args: &GenerateArgs,
    cfg: &patientgen::Resolved,
    seed: u64,
    range: Option<std::ops::Range<u64>>,
) -> Result<ResumePoint, i32> {
    let refuse = |msg: String| {
        eprintln!("error: --resume: {msg}");
        Err(EXIT_INPUT)
    };
    let path = match args.output.as_deref() {
        Some(p) if p.as_os_str() != "-" => p,
        _ => return refuse("needs -o FILE (it continues an existing output file)".into()),
    };
    let format = args.format.format();
    if !matches!(format, Format::Ndjson | Format::Csv) {
        return refuse(format!(
            "only ndjson and csv output can be continued, not {} (its framing wraps the records)",
            format.as_str()
        ));
    }
    if !matches!(args.compress, CompressArg::None) || args.encrypt {
        return refuse("a compressed or encrypted output cannot be continued; resume uncompressed output only".into());
    }
    let range = range.unwrap_or(0..cfg.total_patients);
    if range.start > range.end || range.end > cfg.total_patients {
        return Ok(ResumePoint { keep: 0, range }); // Job::new reports the invalid range
    }
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ResumePoint { keep: 0, range }),
        Err(e) => {
            eprintln!("error: reading {}: {e}", path.display());
            return Err(EXIT_IO);
        }
    };
    let mut scan = RecordScanner { csv: format == Format::Csv, ..RecordScanner::default() };
    let mut block = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => scan.feed(block.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("error: reading {}: {e}", path.display());
                return Err(EXIT_IO);
            }
        }
    }
    // The csv header row is the prefix of a range that starts at 0 (DOMAIN.md §9).
    let header = u64::from(scan.csv && range.start == 0 && range.end > 0);
    let done = scan.ends.saturating_sub(header);
    if done == 0 {
        return Ok(ResumePoint { keep: 0, range }); // nothing worth keeping: start over
    }
    if done > range.end - range.start {
        return refuse(format!(
            "{} holds {done} records, more than the {} of this run; is it the output of another run?",
            path.display(),
            range.end - range.start
        ));
    }
    // The last complete record must be the one this scenario and seed give at its index.
    let last = range.start + done - 1;
    let opts = JobOptions { format, range: Some(last..last + 1), ..JobOptions::default() };
    let mut expected = Vec::new();
    let generated = Job::new(cfg, seed, &opts)
        .and_then(|mut job| loop {
            if job.next_chunk(&mut expected)?.done {
                break Ok(());
            }
        })
        .is_ok();
    let start = scan.last_end.checked_sub(expected.len() as u64);
    let mut found = vec![0u8; expected.len()];
    let same = generated
        && start.is_some_and(|s| {
            io::Seek::seek(&mut file, io::SeekFrom::Start(s)).is_ok() && file.read_exact(&mut found).is_ok()
        })
        && found == expected;
    if !same {
        return refuse(format!(
            "the last complete record of {} (index {last}) is not what this scenario and seed generate; \
             give the same --config/--preset, --patients and --seed as the interrupted run",
            path.display()
        ));
    }
    eprintln!(
        "resuming {} after {done} complete records (index {}), {} bytes kept",
        path.display(),
        range.start + done,
        scan.last_end
    );
    Ok(ResumePoint { keep: scan.last_end, range: range.start + done..range.end })
}

/// The scenario of the `generate` flags with `--patients` and `--seed` applied.
fn scenario_of(args: &GenerateArgs) -> Result<(Scenario, u64), i32> {
    let text = match (&args.config, &args.preset) {
        (Some(path), _) => read_input(path)?,
        (None, Some(id)) => serde_json::json!({ "preset": id }).to_string(),
        (None, None) => "{}".to_string(),
    };
    let mut scenario = patientgen::parse_scenario(&text).map_err(|e| {
        print_config_errors(&e);
        EXIT_INPUT
    })?;
    if let Some(n) = args.patients {
        if !(1..=config::MAX_PATIENTS).contains(&n) {
            eprintln!("total_patients: must be between 1 and {}, got {n}", config::MAX_PATIENTS);
            return Err(EXIT_INPUT);
        }
        scenario.resolved.total_patients = n;
    }
    let seed = match args.seed.or(scenario.seed) {
        Some(s) => s,
        None => random_seed()?,
    };
    Ok((scenario, seed))
}

/// The password of `--password-file F` (first line) or `PATIENTGEN_PASSWORD`.
fn password(file: Option<&Path>) -> Result<String, i32> {
    if let Some(f) = file {
        let text = read_input(f)?;
        return Ok(text.lines().next().unwrap_or("").to_string());
    }
    match std::env::var("PATIENTGEN_PASSWORD") {
        Ok(p) => Ok(p),
        Err(_) => {
            eprintln!("error: encryption needs --password-file F or the PATIENTGEN_PASSWORD environment variable");
            Err(EXIT_INPUT)
        }
    }
}

/// Fresh salt and nonce prefix from OS randomness (never reused: DOMAIN.md §10.3).
fn encryption_params(password: &str) -> Result<patientgen::sink::EncryptionParams, i32> {
    let mut salt = [0u8; 16];
    let mut prefix = [0u8; 7];
    getrandom::fill(&mut salt).and_then(|_| getrandom::fill(&mut prefix)).map_err(|e| {
        eprintln!("error: drawing random salt and nonce: {e}");
        EXIT_IO
    })?;
    Ok(patientgen::sink::EncryptionParams::with_password(password, salt, prefix))
}

fn decrypt(password_file: Option<&Path>, input: &Path, output: &Path) -> i32 {
    use patientgen::sink::CryptoError;
    let password = match password(password_file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let reader: Box<dyn Read> = if input.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(input) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                eprintln!("error: opening {}: {e}", input.display());
                return EXIT_IO;
            }
        }
    };
    let to_file = output.as_os_str() != "-";
    let writer: Box<dyn Write> = if to_file {
        match File::create(output) {
            Ok(f) => Box::new(io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: creating {}: {e}", output.display());
                return EXIT_IO;
            }
        }
    } else {
        Box::new(io::stdout().lock())
    };
    match patientgen::sink::decrypt_stream(reader, writer, &password) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            // Unauthenticated output is worthless: leave nothing behind.
            if to_file {
                let _ = std::fs::remove_file(output);
            }
            match e {
                CryptoError::Io(_) => EXIT_IO,
                _ => EXIT_INPUT,
            }
        }
    }
}

enum Output {
    Stdout(io::Stdout),
    File(File, PathBuf),
}

impl Output {
    fn write_chunk(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(s) => s.lock().write_all(b),
            Output::File(f, _) => f.write_all(b),
        }
    }
    fn name(&self) -> String {
        match self {
            Output::Stdout(_) => "stdout".into(),
            Output::File(_, p) => p.display().to_string(),
        }
    }
}

fn generate(args: GenerateArgs) -> i32 {
    let (scenario, seed) = match scenario_of(&args) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let cfg = &scenario.resolved;
    let total = cfg.total_patients;
    let range = match (&args.range, &args.shard) {
        (Some(r), _) => match parse_range(r) {
            Some(r) => Some(r),
            None => {
                eprintln!("--range: expected A..B with integers, got {r:?}");
                return EXIT_INPUT;
            }
        },
        (None, Some(s)) => match parse_shard(s).map(|(k, n)| shard_range(total, k, n)) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                eprintln!("--shard: {e}");
                return EXIT_INPUT;
            }
            None => {
                eprintln!("--shard: expected K/N with integers, got {s:?}");
                return EXIT_INPUT;
            }
        },
        (None, None) => None,
    };
    let format = args.format.format();
    // --resume: keep the existing file up to its last complete record and generate the rest.
    let (range, keep) = if args.resume {
        match resume_point(&args, cfg, seed, range) {
            Ok(p) => (Some(p.range), Some(p.keep)),
            Err(code) => return code,
        }
    } else {
        (range, None)
    };
    let opts = JobOptions {
        format,
        chunk_size: args.chunk_size,
        range,
        compression: match args.compress {
            CompressArg::None => Compression::None,
            CompressArg::Gzip => Compression::Gzip,
            CompressArg::Zip => Compression::Zip,
        },
        ..JobOptions::default()
    };
    let mut opts = opts;
    if args.encrypt {
        let pw = match password(args.password_file.as_deref()) {
            Ok(p) => p,
            Err(code) => return code,
        };
        opts.encryption = match encryption_params(&pw) {
            Ok(p) => Some(p),
            Err(code) => return code,
        };
    }
    let mut job = match Job::new(cfg, seed, &opts) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let mut out = match args.output.as_deref() {
        None => Output::Stdout(io::stdout()),
        Some(p) if p.as_os_str() == "-" => Output::Stdout(io::stdout()),
        Some(p) => match open_output(p, keep) {
            Ok(f) => Output::File(f, p.to_path_buf()),
            Err(e) => {
                eprintln!("error: creating {}: {e}", p.display());
                return EXIT_IO;
            }
        },
    };
    let r = job.range();
    eprintln!(
        "patientgen {}: {} patients [{}..{}) of {}, seed {}, format {}, config_sha256 {}",
        patientgen::VERSION,
        r.end - r.start,
        r.start,
        r.end,
        total,
        seed,
        format.as_str(),
        cfg.config_sha256()
    );
    let show = match args.progress {
        ProgressArg::Always => true,
        ProgressArg::Never => false,
        ProgressArg::Auto => io::stderr().is_terminal(),
    };
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::with_draw_target(
            Some(r.end - r.start),
            indicatif::ProgressDrawTarget::stderr_with_hz(4),
        );
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {human_pos}/{human_len} patients  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });

    let mut metrics = Metrics::new();
    metrics.run_started();
    let mut buf = Vec::with_capacity(patientgen::job::DEFAULT_CHUNK_BYTES + (256 << 10));
    let mut committed: u64 = keep.unwrap_or(0);
    let started = Instant::now();
    let code = loop {
        buf.clear();
        let t0 = Instant::now();
        let serialized_before = job.counters().bytes_serialized;
        let report = match job.next_chunk(&mut buf) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                metrics.observe_error("internal");
                break EXIT_IO;
            }
        };
        let serialized = job.counters().bytes_serialized - serialized_before;
        metrics.observe_chunk(format, report.patients, serialized, report.bytes as u64, t0.elapsed().as_secs_f64());
        if let Err(e) = out.write_chunk(&buf) {
            // Keep the file at the last complete chunk so it ends at a record boundary.
            if let Output::File(f, _) = &out {
                let _ = f.set_len(committed);
            }
            eprintln!("error: writing {}: {e}", out.name());
            metrics.observe_error("output");
            break EXIT_IO;
        }
        committed += report.bytes as u64;
        if let Some(b) = &bar {
            b.set_position(job.counters().patients_generated);
            b.set_message(format!("{:.1} MB", committed as f64 / 1e6));
        }
        if report.done {
            break 0;
        }
    };
    if code == 0 {
        let flushed = match &mut out {
            Output::Stdout(s) => s.flush(),
            Output::File(f, _) => f.flush(),
        };
        if let Err(e) = flushed {
            eprintln!("error: writing {}: {e}", out.name());
            return EXIT_IO;
        }
    }
    if let Some(b) = bar {
        b.finish();
    }
    if show {
        let secs = started.elapsed().as_secs_f64();
        let c = job.counters();
        eprintln!(
            "{} patients in {:.2} s ({:.0} patients/s, {:.1} MB/s)",
            c.patients_generated,
            secs,
            c.patients_generated as f64 / secs.max(1e-9),
            c.bytes_output as f64 / 1e6 / secs.max(1e-9)
        );
    }
    metrics.run_finished();
    if let Some(path) = &args.metrics {
        if let Err(e) = std::fs::write(path, metrics.render()) {
            eprintln!("error: writing {}: {e}", path.display());
            return EXIT_IO;
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::RecordScanner;

    fn scan(csv: bool, bytes: &[u8]) -> (u64, u64) {
        let mut s = RecordScanner { csv, ..RecordScanner::default() };
        // Byte by byte and whole: the state carries over block boundaries.
        for b in bytes {
            s.feed(std::slice::from_ref(b));
        }
        let mut whole = RecordScanner { csv, ..RecordScanner::default() };
        whole.feed(bytes);
        assert_eq!((s.ends, s.last_end), (whole.ends, whole.last_end));
        (s.ends, s.last_end)
    }

    #[test]
    fn csv_records_end_at_crlf_outside_quotes() {
        let text = b"id,name\r\n1,\"a\r\nb\"\r\n2,\"x \"\"q\"\", \r\"\r\n3,\"unfinished\r\n";
        // header, record 1 (CRLF inside quotes), record 2 (doubled quotes, a lone CR), then a cut record.
        assert_eq!(scan(true, text), (3, (text.len() - b"3,\"unfinished\r\n".len()) as u64));
        assert_eq!(scan(true, b"a,b\n1,2\n"), (0, 0), "a bare LF does not end a csv record");
        assert_eq!(scan(true, b""), (0, 0));
    }

    #[test]
    fn ndjson_records_end_at_lf() {
        assert_eq!(scan(false, b"{\"a\":1}\n{\"a\":2}\n{\"a\""), (2, 16));
        assert_eq!(scan(false, b"{\"a\":\"x\\ny\"}\n"), (1, 13), "an escaped newline is not a terminator");
    }
}
