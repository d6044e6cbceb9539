//! The chunked driver (DESIGN.md §1): pulls patients from the plan, writes them with a record
//! writer, passes each chunk through the byte pipeline (compression, the caller's transforms,
//! encryption), and keeps the counters.
//!
//! Between chunks a job keeps only its position, the counters and the writer/pipeline state, so
//! memory is O(chunk), never O(patients).
//!
//! Compressed output is cut at a fixed grid of patient indices, [`BLOCK_PATIENTS`]: each block
//! becomes one gzip member, or one independently deflated run of a zip entry's data. A chunk of a
//! compressed job never crosses a grid line, and nothing is flushed at chunk ends, so the bytes
//! depend neither on the chunk limits nor on how the run is split: jobs over consecutive ranges
//! whose ends lie on the grid (or at the run's end) produce bytes whose concatenation (gzip) or
//! merge ([`crate::sink::merge_zip_parts`], zip) is the output of one job over the whole run.

use std::ops::Range;

use crate::config::Resolved;
use crate::data::vocab::{Status, Triage};
use crate::format::{self, Format, RecordWriter, RunMeta};
use crate::patient::record::PatientRecord;
use crate::patient::PatientGenerator;
use crate::plan::EventContext;
use crate::plan::Plan;
use crate::report::{Calibration, CaseSummary};
use crate::sink::{Compression, EncryptionParams, Encryptor, GzipBlocks, SinkError, Transform, ZipBlocks};

/// Default records per chunk.
pub const DEFAULT_CHUNK_SIZE: u32 = 1000;
/// Default serialised bytes per chunk (a chunk ends after the record that reaches it).
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;
/// Largest accepted byte budget per chunk.
pub const MAX_CHUNK_BYTES: usize = 64 << 20;

/// Patients per compression block: gzip members and the independently deflated blocks of zip
/// entries start at indices that are multiples of this, and [`shard_range`] puts shard boundaries
/// on the same grid. Chosen by measurement (docs/PERFORMANCE.md): a block of 1,000 patients
/// (≈ 3.7 MB of NDJSON, 21 MB of FHIR) compresses 0.5 % larger than one stream over the whole run
/// at level 6 (NDJSON; 0.07 % for FHIR), against 1.0 % at 500 and 5.3 % at 100; and a
/// 100,000-patient request still splits into 100 blocks for workers and shards, each small
/// enough to hold in a worker's buffer.
pub const BLOCK_PATIENTS: u64 = 1000;

/// The index range of compression block `block` of a run of `total` patients (empty past the
/// end).
pub fn block_range(block: u64, total: u64) -> Range<u64> {
    let start = block.saturating_mul(BLOCK_PATIENTS).min(total);
    start..start.saturating_add(BLOCK_PATIENTS).min(total)
}

/// Default DEFLATE level of gzip and zip output.
pub const DEFAULT_COMPRESSION_LEVEL: u32 = 6;

/// How a job writes its output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOptions {
    /// Output format.
    pub format: Format,
    /// Most records per chunk (≥ 1).
    pub chunk_size: u32,
    /// Serialised-byte budget per chunk (≥ 1).
    pub chunk_bytes: usize,
    /// Index range to generate (`None` = the whole run).
    pub range: Option<Range<u64>>,
    /// Compression.
    pub compression: Compression,
    /// DEFLATE level of gzip and zip output: 1 (fastest) … 9 (smallest), default 6.
    pub compression_level: u32,
    /// Encryption (`PGENC1`, docs/ENCRYPTION.md), applied last.
    pub encryption: Option<EncryptionParams>,
    /// Accumulate the calibration report ([`Job::calibration`]) over the generated patients
    /// (off by default: the default path does no extra work).
    pub calibration: bool,
    /// CSV: write formula-like text cells unchanged instead of neutralising them
    /// (docs/OUTPUT.md, [`format::csv`]).
    pub csv_raw: bool,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            format: Format::Ndjson,
            chunk_size: DEFAULT_CHUNK_SIZE,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            range: None,
            compression: Compression::None,
            compression_level: DEFAULT_COMPRESSION_LEVEL,
            encryption: None,
            calibration: false,
            csv_raw: false,
        }
    }
}

/// Why a job could not be built or continued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// The range is not within `[0, total_patients]` or is reversed.
    #[error("range {start}..{end} is outside 0..{total}")]
    Range {
        /// Start.
        start: u64,
        /// End.
        end: u64,
        /// Patients in the run.
        total: u64,
    },
    /// A shard spec is invalid.
    #[error("shard {index}/{count} is invalid: the index must be below the count and the count at least 1")]
    Shard {
        /// Shard index.
        index: u64,
        /// Shard count.
        count: u64,
    },
    /// `chunk_size` or `chunk_bytes` out of range.
    #[error("{0}")]
    ChunkLimits(String),
    /// A compression level outside 1…9.
    #[error("compression level must be between 1 and 9, got {0}")]
    Level(u32),
    /// An option combination the format cannot honour.
    #[error("{0}")]
    Unsupported(String),
    /// A byte transform failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// The range `[a_k, a_{k+1})` of shard `index` of `count` over `total` patients (DOMAIN.md §9,
/// docs/OUTPUT.md): the run's `B = ⌈total / BLOCK_PATIENTS⌉` blocks are split as evenly as
/// possible, `b_k = ⌊(2kB + count) / (2·count)⌋`, and `a_k = min(b_k · BLOCK_PATIENTS, total)`.
/// Every boundary lies on the compression grid, so shards of compressed output concatenate
/// (gzip) or merge (zip) into the single-run bytes, whatever the format or compression. Shards
/// are empty when `count` exceeds the number of blocks.
pub fn shard_range(total: u64, index: u64, count: u64) -> Result<Range<u64>, JobError> {
    if count == 0 || index >= count {
        return Err(JobError::Shard { index, count });
    }
    let blocks = total.div_ceil(BLOCK_PATIENTS) as u128;
    let a = |k: u64| {
        let b = (2 * k as u128 * blocks + count as u128) / (2 * count as u128);
        (b as u64).saturating_mul(BLOCK_PATIENTS).min(total)
    };
    Ok(a(index)..a(index + 1))
}

/// Live counters of a job (DOMAIN.md §11; host-clock values are added by the bindings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Patients written so far.
    pub patients_generated: u64,
    /// Patients this job will write (its range length).
    pub total_patients: u64,
    /// Chunks emitted.
    pub chunks: u64,
    /// Bytes produced by the record writer.
    pub bytes_serialized: u64,
    /// Bytes after compression and encryption.
    pub bytes_output: u64,
    /// Outcomes KIA, DOW, RTD, Remains_Role4, NBD (in `Status` order).
    pub outcomes: [u64; 5],
    /// Triage T1, T2, T3.
    pub triage: [u64; 3],
    /// Patients per day (index 0 = day 1).
    pub per_day: Vec<u64>,
    /// The run's seed.
    pub seed: u64,
}

impl Counters {
    fn count(&mut self, rec: &PatientRecord) {
        self.patients_generated += 1;
        self.outcomes[rec.status as usize] += 1;
        self.triage[rec.triage as usize] += 1;
        if let Some(d) = self.per_day.get_mut(rec.context.day as usize - 1) {
            *d += 1;
        }
    }

    /// Outcome count by status.
    pub fn outcome(&self, s: Status) -> u64 {
        self.outcomes[s as usize]
    }

    /// Triage count.
    pub fn triage_count(&self, t: Triage) -> u64 {
        self.triage[t as usize]
    }
}

/// What one call of [`Job::next_chunk`] produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkReport {
    /// Records in the chunk.
    pub patients: u64,
    /// Bytes appended to the caller's buffer (after compression and encryption).
    pub bytes: usize,
    /// Bytes the record writer produced for the chunk (before compression and encryption).
    pub serialized: u64,
    /// Whether the job is finished (nothing more will be produced).
    pub done: bool,
}

/// A generation job over an index range.
pub struct Job {
    total: u64,
    range: Range<u64>,
    next: u64,
    started: bool,
    done: bool,
    chunk_size: u32,
    chunk_bytes: usize,
    plan: Plan,
    generator: PatientGenerator,
    writer: Box<dyn RecordWriter>,
    pipeline: Pipeline,
    /// The writer of the second pass over the range (`events.csv` in a zip).
    second_pass: Option<Box<dyn RecordWriter>>,
    /// 0, or 1 during the second pass (which does not count patients again).
    pass: u8,
    ctx: EventContext,
    rec: PatientRecord,
    counters: Counters,
    calibration: Option<Calibration>,
    format: Format,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("range", &self.range).field("next", &self.next).finish_non_exhaustive()
    }
}

impl Job {
    /// Builds a job for a resolved configuration and seed.
    pub fn new(cfg: &Resolved, seed: u64, opts: &JobOptions) -> Result<Job, JobError> {
        Self::with_transforms(cfg, seed, opts, Vec::new())
    }

    /// Builds a job whose chunks pass through `transforms` (in order) after formatting.
    pub fn with_transforms(
        cfg: &Resolved,
        seed: u64,
        opts: &JobOptions,
        mut transforms: Vec<Box<dyn Transform>>,
    ) -> Result<Job, JobError> {
        let total = cfg.total_patients;
        let range = opts.range.clone().unwrap_or(0..total);
        if range.start > range.end || range.end > total {
            return Err(JobError::Range { start: range.start, end: range.end, total });
        }
        if opts.chunk_size == 0 {
            return Err(JobError::ChunkLimits("chunk size must be at least 1".into()));
        }
        if opts.chunk_bytes == 0 || opts.chunk_bytes > MAX_CHUNK_BYTES {
            return Err(JobError::ChunkLimits(format!(
                "chunk byte budget must be between 1 and {MAX_CHUNK_BYTES}, got {}",
                opts.chunk_bytes
            )));
        }
        if !(1..=9).contains(&opts.compression_level) {
            return Err(JobError::Level(opts.compression_level));
        }
        let meta = RunMeta::for_format(cfg, seed, opts.format);
        let mut second_pass = None;
        let level = opts.compression_level;
        let compressor = match opts.compression {
            Compression::None => Compressor::None,
            Compression::Gzip => Compressor::Gzip(GzipBlocks::new(level)),
            Compression::Zip => {
                // csv → patients.csv then events.csv, generated by a second pass over the range.
                let patients_entry = format!("patients.{}", opts.format.extension());
                let names: Vec<&str> = if opts.format == Format::Csv {
                    second_pass = Some(Box::new(format::csv::CsvWriter::new(format::csv::CsvTable::Events, cfg))
                        as Box<dyn RecordWriter>);
                    vec!["patients.csv", "events.csv"]
                } else {
                    vec![&patients_entry]
                };
                let zip = if range == (0..total) {
                    ZipBlocks::archive(&names, cfg.base_date, level)
                } else {
                    ZipBlocks::part(&names, cfg.base_date, level, range.clone(), total)
                };
                // csv: the Frictionless descriptor of both tables (docs/FIELDS.md) after them.
                Compressor::Zip(if opts.format == Format::Csv {
                    let clinical = cfg.flow_model == crate::data::vocab::FlowModel::Clinical;
                    zip.with_entry("datapackage.json", format::csv_schema::datapackage(clinical).into_bytes())
                } else {
                    zip
                })
            }
        };
        if let Some(params) = &opts.encryption {
            transforms.push(Box::new(Encryptor::new(params).map_err(SinkError::from)?));
        }
        let plan = Plan::new(cfg, seed);
        let counters = Counters {
            total_patients: range.end - range.start,
            per_day: vec![0; cfg.days_of_fighting as usize],
            seed,
            ..Counters::default()
        };
        Ok(Job {
            total,
            next: range.start,
            range,
            started: false,
            done: false,
            chunk_size: opts.chunk_size,
            chunk_bytes: opts.chunk_bytes,
            generator: PatientGenerator::new(cfg, seed),
            writer: if opts.format == Format::Csv {
                Box::new(format::csv::CsvWriter::with_raw_text(format::csv::CsvTable::Patients, cfg, opts.csv_raw))
            } else {
                format::writer(opts.format, cfg, &meta)
            },
            plan,
            pipeline: Pipeline { compressor, transforms, a: Vec::new(), b: Vec::new(), c: Vec::new() },
            second_pass,
            pass: 0,
            ctx: EventContext::default(),
            rec: PatientRecord::default(),
            counters,
            calibration: opts.calibration.then(Calibration::new),
            format: opts.format,
        })
    }

    /// The live counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The calibration counts of the patients generated so far, when `JobOptions::calibration`
    /// is on (render with [`Calibration::figures`]; merge shards with [`Calibration::merge`]).
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The range this job generates.
    pub fn range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// The next index to be generated.
    pub fn position(&self) -> u64 {
        self.next
    }

    /// Whether the job has produced everything.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Serialises the next chunk's records and appends them to `buf`; returns how many and
    /// whether this was the last.
    fn fill(&mut self, buf: &mut Vec<u8>) -> (u64, bool) {
        let start_len = buf.len();
        if !self.started {
            self.started = true;
            if self.range.start == 0 && self.range.end > 0 {
                self.writer.prefix(buf);
            }
        }
        let mut cursor = self.plan.cursor(self.next);
        let mut n = 0u64;
        // A chunk of compressed output ends at the next grid line at the latest.
        let stop = if matches!(self.pipeline.compressor, Compressor::None) {
            self.range.end
        } else {
            (self.next / BLOCK_PATIENTS + 1).saturating_mul(BLOCK_PATIENTS).min(self.range.end)
        };
        while self.next < stop {
            cursor.next_into(&mut self.ctx);
            self.generator.generate(&self.ctx, &mut self.rec);
            self.writer.record(&self.rec, buf);
            if self.pass == 0 {
                self.counters.count(&self.rec);
                if let Some(c) = &mut self.calibration {
                    c.add(&CaseSummary::from_record(&self.rec));
                }
            }
            self.next += 1;
            n += 1;
            if n >= self.chunk_size as u64 || buf.len() - start_len >= self.chunk_bytes {
                break;
            }
        }
        let last = self.next == self.range.end;
        if last && self.range.end == self.total && self.range.start < self.range.end {
            self.writer.suffix(buf);
        }
        self.counters.bytes_serialized += (buf.len() - start_len) as u64;
        (n, last)
    }

    /// Appends the next chunk to `out` (DESIGN.md §1). After the final chunk every call returns
    /// an empty report with `done = true`.
    pub fn next_chunk(&mut self, out: &mut Vec<u8>) -> Result<ChunkReport, JobError> {
        if self.done {
            return Ok(ChunkReport { patients: 0, bytes: 0, serialized: 0, done: true });
        }
        let before = out.len();
        let serialized_before = self.counters.bytes_serialized;
        let (n, last) = if self.pipeline.is_passthrough() {
            self.fill(out)
        } else {
            let mut plain = std::mem::take(&mut self.pipeline.a);
            plain.clear();
            let counted = self.pass == 0;
            let (n, pass_done) = self.fill(&mut plain);
            // Patients of a second pass were counted in the first.
            let n = if counted { n } else { 0 };
            let end = ChunkEnd {
                block_end: pass_done || self.next % BLOCK_PATIENTS == 0,
                final_block: self.next == self.total,
                pass_end: pass_done,
                whole_run: self.range == (0..self.total),
            };
            let result = self.pipeline.push(&plain, end, out);
            self.pipeline.a = plain;
            let last = match result {
                Ok(complete) => complete,
                Err(e) => {
                    self.done = true;
                    return Err(e.into());
                }
            };
            if pass_done && !last {
                // The next zip entry is a second pass over the same range (10.2).
                if let Some(w) = self.second_pass.take() {
                    self.writer = w;
                }
                self.pass += 1;
                self.next = self.range.start;
                self.started = false;
            }
            (n, last)
        };
        let bytes = out.len() - before;
        self.counters.bytes_output += bytes as u64;
        self.counters.chunks += 1;
        self.done = last;
        let serialized = self.counters.bytes_serialized - serialized_before;
        Ok(ChunkReport { patients: n, bytes, serialized, done: last })
    }

    /// A buffer capacity that holds a chunk without regrowing: the byte budget plus room for the
    /// record that crosses it (a chunk ends after the record that reaches the budget).
    pub fn chunk_capacity(&self) -> usize {
        self.chunk_bytes + (64 << 10)
    }

    /// Runs the job to the end, handing each chunk to `sink`.
    pub fn run<E>(&mut self, mut sink: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), RunError<E>> {
        let mut buf = Vec::with_capacity(self.chunk_capacity());
        while !self.done {
            buf.clear();
            self.next_chunk(&mut buf).map_err(RunError::Job)?;
            sink(&buf).map_err(RunError::Sink)?;
        }
        Ok(())
    }
}

/// Where a chunk of a compressed job ends.
#[derive(Clone, Copy, Debug)]
struct ChunkEnd {
    /// At a grid line or at the end of the pass over the range: the block ends.
    block_end: bool,
    /// At the run's last index: the block is the run's final one.
    final_block: bool,
    /// The pass over the range is complete (an entry of a zip ends).
    pass_end: bool,
    /// The job covers the whole run (an empty run still gets an empty member).
    whole_run: bool,
}

/// The compression stage of a [`Pipeline`].
enum Compressor {
    /// No compression.
    None,
    /// One gzip member per block.
    Gzip(GzipBlocks),
    /// The zip archive (or zip part), block by block.
    Zip(ZipBlocks),
}

/// The byte stages after the record writer — the compressor, then the caller's transforms and
/// the encryptor, in order — with the scratch buffers a chunk passes through.
struct Pipeline {
    compressor: Compressor,
    transforms: Vec<Box<dyn Transform>>,
    /// The chunk's serialised bytes (filled by the job).
    a: Vec<u8>,
    /// After the compressor.
    b: Vec<u8>,
    /// Between transforms.
    c: Vec<u8>,
}

impl Pipeline {
    /// Whether the serialised bytes are the output (no stage at all).
    fn is_passthrough(&self) -> bool {
        matches!(self.compressor, Compressor::None) && self.transforms.is_empty()
    }

    /// Passes one chunk's serialised bytes through every stage, appending the result to `out`.
    /// Returns whether the output is complete (the last chunk of the job).
    fn push(&mut self, plain: &[u8], end: ChunkEnd, out: &mut Vec<u8>) -> Result<bool, SinkError> {
        let mut stage = std::mem::take(&mut self.b);
        stage.clear();
        let to_transforms = !self.transforms.is_empty();
        let sink: &mut Vec<u8> = if to_transforms { &mut stage } else { out };
        let complete = match &mut self.compressor {
            Compressor::None => {
                sink.extend_from_slice(plain);
                end.pass_end
            }
            Compressor::Gzip(g) => {
                if !plain.is_empty() || g.is_open() || (end.whole_run && end.final_block) {
                    g.write(plain, end.block_end, sink)?;
                }
                end.pass_end
            }
            Compressor::Zip(z) => z.write(plain, end.block_end, end.final_block, end.pass_end, sink)?,
        };
        let result = if to_transforms { self.transform(&mut stage, complete, out) } else { Ok(()) };
        self.b = stage;
        result.map(|()| complete)
    }

    /// Runs the transforms over `data` (consumed as scratch), the last one appending to `out`.
    fn transform(&mut self, data: &mut Vec<u8>, last: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        let count = self.transforms.len();
        let mut a = std::mem::take(data);
        let mut b = std::mem::take(&mut self.c);
        let mut result = Ok(());
        for (k, t) in self.transforms.iter_mut().enumerate() {
            if k + 1 == count {
                result = t.chunk(&a, last, out);
            } else {
                b.clear();
                result = t.chunk(&a, last, &mut b);
                std::mem::swap(&mut a, &mut b);
            }
            if result.is_err() {
                break;
            }
        }
        *data = a;
        self.c = b;
        result
    }
}

/// A failure of [`Job::run`]: the job's or the sink's.
#[derive(Debug)]
pub enum RunError<E> {
    /// The job failed.
    Job(JobError),
    /// The sink failed.
    Sink(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_boundaries_round_half_up() {
        // 100 blocks in 3 shards: 33, 34, 33 blocks.
        assert_eq!(shard_range(100_000, 0, 3).unwrap(), 0..33_000);
        assert_eq!(shard_range(100_000, 1, 3).unwrap(), 33_000..67_000);
        assert_eq!(shard_range(100_000, 2, 3).unwrap(), 67_000..100_000);
        // 3 blocks (the last partial) in 2 shards; more shards than blocks leaves some empty.
        assert_eq!(shard_range(2_500, 0, 2).unwrap(), 0..2_000);
        assert_eq!(shard_range(2_500, 1, 2).unwrap(), 2_000..2_500);
        assert_eq!(shard_range(2_500, 2, 7).unwrap(), 1_000..1_000);
        assert_eq!(shard_range(2_500, 3, 7).unwrap(), 1_000..2_000);
        assert_eq!(shard_range(2_500, 5, 7).unwrap(), 2_000..2_500);
        assert_eq!(shard_range(2_500, 6, 7).unwrap(), 2_500..2_500);
        assert_eq!(shard_range(5, 0, 1).unwrap(), 0..5);
        assert_eq!(block_range(2, 2_500), 2_000..2_500);
        assert_eq!(block_range(3, 2_500), 2_500..2_500);
        assert!(shard_range(5, 1, 1).is_err());
        assert!(shard_range(5, 0, 0).is_err());
        assert_eq!(shard_range(u64::MAX >> 20, 3, 4).unwrap().end, u64::MAX >> 20);
    }
}
