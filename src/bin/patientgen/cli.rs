//! Argument parsing and the subcommands of the native CLI.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use patientgen::{config, options, ChunkReport, Compression, Format, Job, JobOptions, Metrics, RunOptions, Scenario};
use sha2::Digest;

#[path = "bench.rs"]
mod bench;
#[path = "merge.rs"]
mod merge;
#[path = "output.rs"]
mod output;
#[path = "parallel.rs"]
mod parallel;
#[path = "report.rs"]
mod report;
#[path = "term.rs"]
pub(crate) mod term;

use output::{AtomicFile, Fingerprint, Refused};
use term::{note, say};

/// Exit code for invalid input.
const EXIT_INPUT: i32 = 1;
/// Exit code for I/O errors.
const EXIT_IO: i32 = 2;
/// Longest time between two rewrites of a resumable run's fingerprint.
const FINGERPRINT_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

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
    Decrypt(DecryptArgs),
    /// Merge the zip parts of a run's shards (`generate --compress zip --shard K/N`) into its zip archive.
    MergeZip(merge::MergeZipArgs),
    /// Print the JSON Schema of a scenario file (or of an output record, or their TypeScript types).
    Schema {
        /// Which document.
        #[arg(default_value = "scenario", value_parser = patientgen::SCHEMA_DOCUMENTS)]
        what: String,
    },
    /// Print the calibration report of an NDJSON file: outcomes, %KIA, %DOW, CFR, times to care (docs/REPORT.md).
    Report(report::ReportArgs),
}

#[derive(clap::Args, Debug)]
struct DecryptArgs {
    /// File holding the password (its first line).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Encrypted input (`-` for stdin).
    input: PathBuf,
    /// Decrypted output (`-` for stdout); written to OUT.partial and renamed on success only.
    output: PathBuf,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum KdfArg {
    /// PBKDF2-HMAC-SHA256, 600,000 iterations.
    Pbkdf2,
    /// Argon2id, 64 MiB, 3 passes, 4 lanes (RFC 9106 §4).
    Argon2id,
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
    /// DEFLATE level of --compress gzip/zip: 1 (fastest) … 9 (smallest).
    #[arg(long, default_value_t = patientgen::DEFAULT_COMPRESSION_LEVEL, value_parser = clap::value_parser!(u32).range(1..=9))]
    level: u32,
    /// Encrypt the output (PGENC1: AES-256-GCM, PBKDF2-HMAC-SHA256 or Argon2id); appends `.pgenc` by convention.
    #[arg(long)]
    encrypt: bool,
    /// Key derivation of --encrypt.
    #[arg(long, value_enum, default_value = "pbkdf2", requires = "encrypt")]
    kdf: KdfArg,
    /// CSV: keep text cells that start with =, +, -, @, tab or CR as they are (by default they are
    /// neutralised against spreadsheet formula injection, docs/OUTPUT.md).
    #[arg(long)]
    csv_raw: bool,
    /// File holding the encryption password (its first line); else PATIENTGEN_PASSWORD.
    #[arg(long, requires = "encrypt")]
    password_file: Option<PathBuf>,
    /// Records per chunk.
    #[arg(long, default_value_t = patientgen::DEFAULT_CHUNK_SIZE)]
    chunk_size: u32,
    /// Generate only the index range A..B.
    #[arg(long, conflicts_with = "shard")]
    range: Option<String>,
    /// Generate only shard K of N (0-based), e.g. 2/4.
    #[arg(long)]
    shard: Option<String>,
    /// Output file (written to FILE.partial, renamed on success), or `-` for stdout (the default).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Progress on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: ProgressArg,
    /// Write Prometheus metrics to this file at the end.
    #[arg(long)]
    metrics: Option<PathBuf>,
    /// Continue the interrupted ndjson or csv run of -o FILE (FILE.partial, verified against its
    /// fingerprint).
    #[arg(long)]
    resume: bool,
    /// Generation threads (default: the available cores; at most 4 are used, the blocks in
    /// flight); the output is the same bytes for any count. zip output runs on one thread.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Internal (tests, measurement): patients per block of a multi-threaded run.
    #[arg(long, hide = true, value_parser = clap::value_parser!(u64).range(1..))]
    block_patients: Option<u64>,
}

/// The default of `--threads`: the available cores.
pub(crate) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A source of output chunks in index order: one job, or the blocks of several threads.
trait Source {
    /// The next chunk and its report (observed in `metrics`).
    fn next_chunk(&mut self, metrics: &mut Metrics) -> Result<(ChunkReport, &[u8]), patientgen::JobError>;
    /// The counters of the chunks returned so far.
    fn counters(&self) -> &patientgen::Counters;
}

/// The single-threaded source: one job, one reused buffer.
struct Single {
    job: Job,
    buf: Vec<u8>,
}

impl Source for Single {
    fn next_chunk(&mut self, metrics: &mut Metrics) -> Result<(ChunkReport, &[u8]), patientgen::JobError> {
        self.buf.clear();
        let t0 = Instant::now();
        let serialized_before = self.job.counters().bytes_serialized;
        let report = self.job.next_chunk(&mut self.buf)?;
        let serialized = self.job.counters().bytes_serialized - serialized_before;
        metrics.observe_chunk(
            self.job.format(),
            report.patients,
            serialized,
            report.bytes as u64,
            t0.elapsed().as_secs_f64(),
        );
        Ok((report, &self.buf))
    }

    fn counters(&self) -> &patientgen::Counters {
        self.job.counters()
    }
}

impl Source for parallel::Blocks<'_> {
    fn next_chunk(&mut self, metrics: &mut Metrics) -> Result<(ChunkReport, &[u8]), patientgen::JobError> {
        parallel::Blocks::next_chunk(self, metrics)
    }

    fn counters(&self) -> &patientgen::Counters {
        parallel::Blocks::counters(self)
    }
}

/// Runs the CLI and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let printed = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => match printed {
                    Ok(()) => term::finish(0),
                    Err(e) => {
                        note!("error: writing stdout: {e}");
                        EXIT_IO
                    }
                },
                _ => EXIT_INPUT,
            };
        }
    };
    let code = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Validate { file } => validate(&file),
        Command::Presets => presets(),
        Command::Bench(args) => bench::run(args),
        Command::Decrypt(args) => decrypt(&args),
        Command::MergeZip(args) => merge::run(args),
        Command::Report(args) => report::run(args),
        Command::Schema { what } => {
            say!("{}", patientgen::schema_document(&what).unwrap_or_default().trim_end_matches('\n'));
            0
        }
    };
    term::finish(code)
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
        note!("error: reading {}: {e}", path.display());
        return Err(EXIT_IO);
    }
    if bytes.len() as u64 == cap {
        note!("{}: document larger than 1 MiB", path.display());
        return Err(EXIT_INPUT);
    }
    String::from_utf8(bytes).map_err(|e| {
        note!("{}: not valid UTF-8 (byte {})", path.display(), e.utf8_error().valid_up_to());
        EXIT_INPUT
    })
}

fn print_config_errors(errors: &config::ConfigErrors) {
    for e in &errors.0 {
        note!("{e}");
    }
}

fn validate(file: &Path) -> i32 {
    let text = match read_input(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match patientgen::parse_scenario(&text) {
        Ok(s) => {
            say!("{}", patientgen::resolved_pretty_json(&s.resolved));
            for key in &s.ignored_keys {
                note!("{key}: accepted and ignored (not used by patientgen)");
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
    say!("{:<20} {:<34} {:>8} {:>5}  warfare types", "id", "name", "patients", "days");
    for p in config::presets::presets() {
        say!("{:<20} {:<34} {:>8} {:>5}  {}", p.id, p.name, p.total_patients, p.days, p.warfare_type.as_str());
    }
    0
}

/// Draws a seed from OS randomness (the only place the CLI uses it, docs/GENERATION.md#seeds).
fn random_seed() -> Result<u64, i32> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| {
        note!("error: drawing a random seed: {e}");
        EXIT_IO
    })?;
    Ok(u64::from_le_bytes(b))
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
            note!("total_patients: must be between 1 and {}, got {n}", config::MAX_PATIENTS);
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
            note!("error: encryption needs --password-file F or the PATIENTGEN_PASSWORD environment variable");
            Err(EXIT_INPUT)
        }
    }
}

/// Fresh salt and nonce prefix from OS randomness (never reused: docs/ENCRYPTION.md).
fn encryption_params(password: &str, kdf: KdfArg) -> Result<patientgen::sink::EncryptionParams, i32> {
    let mut salt = [0u8; 16];
    let mut prefix = [0u8; 7];
    getrandom::fill(&mut salt).and_then(|_| getrandom::fill(&mut prefix)).map_err(|e| {
        note!("error: drawing random salt and nonce: {e}");
        EXIT_IO
    })?;
    let mut params = patientgen::sink::EncryptionParams::with_password(password, salt, prefix);
    if kdf == KdfArg::Argon2id {
        params.argon2id = Some(patientgen::sink::Argon2Cost::DEFAULT);
    }
    Ok(params)
}

/// Prints a refusal and returns its exit code.
fn refused(r: Refused) -> i32 {
    note!("{}", r.0);
    r.1
}

fn decrypt(args: &DecryptArgs) -> i32 {
    use patientgen::sink::CryptoError;
    let (input, output) = (args.input.as_path(), args.output.as_path());
    let target = if output.as_os_str() == "-" {
        None
    } else {
        match output::target_of(output) {
            Ok(t) => Some(t),
            Err(r) => return refused(r),
        }
    };
    if let Some(t) = &target {
        if input.as_os_str() != "-" && output::same_file(input, t) {
            note!(
                "error: {} and {} are the same file; decrypt into another file (the ciphertext is left untouched)",
                input.display(),
                output.display()
            );
            return EXIT_INPUT;
        }
    }
    let password = match password(args.password_file.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let reader: Box<dyn Read> = if input.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(input) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                note!("error: opening {}: {e}", input.display());
                return EXIT_IO;
            }
        }
    };
    let code_of = |e: &CryptoError| match e {
        CryptoError::Io(_) => EXIT_IO,
        _ => EXIT_INPUT,
    };
    let Some(target) = target else {
        return match patientgen::sink::decrypt_stream(reader, io::stdout().lock(), &password) {
            Ok(_) => 0,
            Err(e) => {
                note!("error: {e}");
                code_of(&e)
            }
        };
    };
    // Plaintext goes to an unnamed temporary file beside OUT (mode 0600), named and renamed over
    // OUT only once the whole stream authenticated; on any failure, or a kill, it is gone and OUT
    // is what it was.
    let mut file = match AtomicFile::open_unnamed(&target, 0o600) {
        Ok(f) => f,
        Err(r) => return refused(r),
    };
    let result = patientgen::sink::decrypt_stream(reader, io::BufWriter::new(file.file()), &password);
    match result {
        Ok(_) => match file.commit() {
            Ok(()) => 0,
            Err(e) => {
                note!("error: writing {}: {e}", output.display());
                EXIT_IO
            }
        },
        Err(e) => {
            note!("error: {e}");
            if !term::stderr_failed() {
                note!("{} was not changed", output.display());
            }
            code_of(&e)
        }
    }
}

enum Output {
    Stdout(io::Stdout),
    File(AtomicFile),
}

impl Output {
    fn write_chunk(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(s) => s.lock().write_all(b),
            Output::File(f) => f.file().write_all(b),
        }
    }
}

/// The fingerprint fields of a generate run (its progress still empty).
fn fingerprint(
    cfg: &patientgen::Resolved,
    seed: u64,
    args: &GenerateArgs,
    range: &std::ops::Range<u64>,
) -> Fingerprint {
    Fingerprint {
        generator: format!("patientgen {}, output {}", patientgen::VERSION, patientgen::format::OUTPUT_VERSION),
        config_sha256: cfg.config_sha256(),
        seed: seed.to_string(),
        format: args.format.format().as_str().to_string(),
        compression: compression_of(args.compress).as_str().to_string(),
        csv_raw: args.csv_raw,
        range: [range.start, range.end],
        bytes: 0,
        records: 0,
        sha256: output::hex(&sha2::Sha256::digest(b"")),
    }
}

fn compression_of(c: CompressArg) -> Compression {
    match c {
        CompressArg::None => Compression::None,
        CompressArg::Gzip => Compression::Gzip,
        CompressArg::Zip => Compression::Zip,
    }
}

/// Refuses `--resume` options that cannot continue a file.
fn resume_options_ok(args: &GenerateArgs) -> Result<(), i32> {
    let refuse = |msg: &str| {
        note!("error: --resume: {msg}");
        Err(EXIT_INPUT)
    };
    if args.output.as_deref().is_none_or(|p| p.as_os_str() == "-") {
        return refuse("needs -o FILE (it continues the interrupted run of FILE)");
    }
    let format = args.format.format();
    if !matches!(format, Format::Ndjson | Format::Csv) {
        return refuse(&format!(
            "only ndjson and csv output can be continued, not {} (its framing wraps the records)",
            format.as_str()
        ));
    }
    if !matches!(args.compress, CompressArg::None) || args.encrypt {
        return refuse("a compressed or encrypted output cannot be continued; resume uncompressed output only");
    }
    Ok(())
}

/// Where `generate` writes its chunks, with the resume fingerprint and the progress bar.
struct Sink<'a> {
    out: &'a mut Output,
    target: Option<&'a Path>,
    resumable: bool,
    hash: &'a mut sha2::Sha256,
    print: &'a mut Fingerprint,
    out_name: &'a str,
    bar: Option<&'a indicatif::ProgressBar>,
}

impl Sink<'_> {
    /// Writes every chunk of `src` in order; returns the exit code and the final counters.
    fn write_all(&mut self, src: &mut dyn Source, metrics: &mut Metrics) -> (i32, patientgen::Counters) {
        let mut stored_at = Instant::now();
        let code = loop {
            let (report, bytes) = match src.next_chunk(metrics) {
                Ok(r) => r,
                Err(e) => {
                    note!("error: {e}");
                    metrics.observe_error("internal");
                    break EXIT_IO;
                }
            };
            let written = self.out.write_chunk(bytes).and_then(|()| {
                if let (Output::File(_), Some(t), true) = (&*self.out, self.target, self.resumable) {
                    self.hash.update(bytes);
                    self.print.bytes += report.bytes as u64;
                    self.print.records += report.patients;
                    self.print.sha256 = output::hex(&self.hash.clone().finalize());
                    // Rewriting the fingerprint after every chunk costs a rename each (on ext4 a
                    // data flush): a few times a second is enough, the resume point is then at
                    // most FINGERPRINT_INTERVAL older.
                    if stored_at.elapsed() >= FINGERPRINT_INTERVAL {
                        self.print.store(t)?;
                        stored_at = Instant::now();
                    }
                }
                Ok(())
            });
            if let Err(e) = written {
                note!("error: writing {}: {e}", self.out_name);
                if let (Output::File(f), Some(t), true) = (&mut *self.out, self.target, self.resumable) {
                    // The partial file ends at its last complete chunk, a record boundary, and the
                    // fingerprint records it (if the disk still takes it; else an earlier one stays).
                    let _ = f.file().set_len(self.print.bytes);
                    let _ = self.print.store(t);
                    note!(
                        "{} complete records are kept in {}: continue with the same command and --resume",
                        self.print.records,
                        f.partial().display()
                    );
                }
                metrics.observe_error("output");
                break EXIT_IO;
            }
            if let Some(b) = self.bar {
                b.set_position(src.counters().patients_generated);
                b.set_message(format!("{:.1} MB", src.counters().bytes_output as f64 / 1e6));
            }
            if report.done {
                break 0;
            }
        };
        (code, src.counters().clone())
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
        // The range/shard syntax and rules of the core (src/options.rs), as the npm API and the
        // edge worker read them.
        (Some(r), _) => match options::parse_range(r) {
            Ok(r) => Some(r),
            Err(e) => {
                note!("--range: {}", e.kind);
                return EXIT_INPUT;
            }
        },
        (None, Some(s)) => match options::parse_shard(s).and_then(|(index, count)| {
            RunOptions { part: options::Part::Shard { index, count }, ..RunOptions::default() }.range(total)
        }) {
            Ok(r) => Some(r),
            Err(e) => {
                note!("--shard: {}", e.kind);
                return EXIT_INPUT;
            }
        },
        (None, None) => None,
    };
    let format = args.format.format();
    if args.resume {
        if let Err(code) = resume_options_ok(&args) {
            return code;
        }
    }
    let target = match args.output.as_deref() {
        Some(p) if p.as_os_str() != "-" => match output::target_of(p) {
            Ok(t) => Some(t),
            Err(r) => return refused(r),
        },
        _ => None,
    };
    if let (Some(cfg_path), Some(t)) = (&args.config, &target) {
        if output::same_file(cfg_path, t) {
            note!("error: --config {} is also the output file; write elsewhere", cfg_path.display());
            return EXIT_INPUT;
        }
    }
    let mut opts = JobOptions {
        format,
        chunk_size: args.chunk_size,
        range: range.clone(),
        compression: compression_of(args.compress),
        compression_level: args.level,
        csv_raw: args.csv_raw,
        ..JobOptions::default()
    };
    let threads = args.threads.map_or_else(available_threads, usize::from);
    // Several threads when the output can be produced block-parallel (parallel.rs); the
    // encryption of such a run is applied by the writer, so the workers' jobs are plaintext.
    let parallel = threads > 1 && parallel::block_parallel(&opts);
    let mut encryptor = None;
    if args.encrypt {
        let pw = match password(args.password_file.as_deref()) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let params = match encryption_params(&pw, args.kdf) {
            Ok(p) => p,
            Err(code) => return code,
        };
        if parallel {
            encryptor = match patientgen::sink::Encryptor::new(&params) {
                Ok(e) => Some(e),
                Err(e) => {
                    note!("error: {e}");
                    return EXIT_INPUT;
                }
            };
        } else {
            opts.encryption = Some(params);
        }
    }
    let mut job = match Job::new(cfg, seed, &opts) {
        Ok(j) => j,
        Err(e) => {
            note!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let full = job.range();
    // ndjson and csv without compression or encryption end every chunk at a record boundary:
    // such a run keeps a fingerprint and can be resumed.
    let resumable =
        matches!(format, Format::Ndjson | Format::Csv) && opts.compression == Compression::None && !args.encrypt;
    let mut print = fingerprint(cfg, seed, &args, &full);
    let mut hash = sha2::Sha256::new();
    let mut resuming = false;
    let mut out = match &target {
        None => Output::Stdout(io::stdout()),
        Some(t) => {
            let resumed = if args.resume {
                match output::resume(t, &print) {
                    Ok(r) => r,
                    Err(r) => return refused(r),
                }
            } else {
                None
            };
            match resumed {
                Some(r) => {
                    let start = full.start + r.found.records;
                    note!(
                        "resuming {} after {} complete records (index {start}), {} bytes verified and kept",
                        args.output.as_deref().unwrap_or(t).display(),
                        r.found.records,
                        r.found.bytes
                    );
                    opts.range = Some(start..full.end);
                    job = match Job::new(cfg, seed, &opts) {
                        Ok(j) => j,
                        Err(e) => {
                            note!("error: {e}");
                            return EXIT_INPUT;
                        }
                    };
                    print = r.found;
                    hash = r.hash;
                    resuming = true;
                    Output::File(r.file)
                }
                None => match AtomicFile::open(t, 0o666, true, resumable) {
                    Ok(f) => Output::File(f),
                    Err(r) => return refused(r),
                },
            }
        }
    };
    let out_name = match &args.output {
        Some(p) if p.as_os_str() != "-" => p.display().to_string(),
        _ => "stdout".to_string(),
    };
    if let (Output::File(_), Some(t)) = (&out, &target) {
        if resumable {
            if let Err(e) = print.store(t) {
                note!("error: writing {}: {e}", output::fingerprint_of(t).display());
                return EXIT_IO;
            }
        }
    }
    let r = job.range();
    note!(
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
    if term::stderr_failed() {
        // Diagnostics cannot be shown: stop before writing anything (exit 2, OUT unchanged).
        if let (Output::File(f), false) = (&mut out, resuming) {
            f.discard_on_failure();
        }
        return EXIT_IO;
    }
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
    let started = Instant::now();
    let mut sink = Sink {
        out: &mut out,
        target: target.as_deref(),
        resumable,
        hash: &mut hash,
        print: &mut print,
        out_name: &out_name,
        bar: bar.as_ref(),
    };
    let (code, counters) = if parallel {
        let setup = parallel::Setup {
            cfg,
            seed,
            opts: JobOptions { range: Some(job.range()), ..opts.clone() },
            threads,
            block: args.block_patients.unwrap_or_else(|| parallel::block_patients(format)),
            encryptor,
        };
        drop(job);
        match parallel::run(setup, |blocks| sink.write_all(blocks, &mut metrics)) {
            Ok(r) => r,
            Err(e) => {
                note!("error: {e}");
                metrics.observe_error("internal");
                (EXIT_IO, patientgen::Counters::default())
            }
        }
    } else {
        let mut single = Single { job, buf: Vec::with_capacity(patientgen::DEFAULT_CHUNK_BYTES + (256 << 10)) };
        sink.write_all(&mut single, &mut metrics)
    };
    if let Some(b) = bar {
        b.finish();
    }
    // The metrics file is written for a failed run too (with its error counted), so that the
    // operators' alerts see failures (ops/README.md).
    let write_metrics = |metrics: &Metrics| match &args.metrics {
        Some(path) => match std::fs::write(path, metrics.render()) {
            Ok(()) => 0,
            Err(e) => {
                note!("error: writing {}: {e}", path.display());
                EXIT_IO
            }
        },
        None => 0,
    };
    if code != 0 {
        metrics.run_finished();
        let _ = write_metrics(&metrics);
        return code;
    }
    if show {
        let secs = started.elapsed().as_secs_f64();
        let c = &counters;
        note!(
            "{} patients in {:.2} s ({:.0} patients/s, {:.1} MB/s)",
            c.patients_generated,
            secs,
            c.patients_generated as f64 / secs.max(1e-9),
            c.bytes_output as f64 / 1e6 / secs.max(1e-9)
        );
    }
    metrics.run_finished();
    let done = match out {
        Output::Stdout(mut s) => s.flush(),
        // A diagnostic that could not be shown is an I/O error: OUT is not replaced.
        Output::File(_) if term::stderr_failed() => return EXIT_IO,
        Output::File(f) => f.commit(),
    };
    if let Err(e) = done {
        note!("error: writing {out_name}: {e}");
        metrics.observe_error("output");
        let _ = write_metrics(&metrics);
        return EXIT_IO;
    }
    match write_metrics(&metrics) {
        0 => code,
        failed => failed,
    }
}
