//! The chunked driver (DESIGN.md §1): pulls patients from the plan, writes them with a record
//! writer, passes each chunk through the byte transforms, and keeps the counters.
//!
//! Between chunks a job keeps only its position, the counters and the writer/transform state, so
//! memory is O(chunk), never O(patients).

use std::ops::Range;

use crate::config::Resolved;
use crate::data::vocab::{Status, Triage};
use crate::format::{self, Format, RecordWriter, RunMeta};
use crate::patient::record::PatientRecord;
use crate::patient::PatientGenerator;
use crate::plan::EventContext;
use crate::plan::Plan;
use crate::report::{Calibration, CaseSummary};
use crate::sink::{Compression, EncryptionParams, Encryptor, SinkError, Transform, ZipContainer};

/// Default records per chunk.
pub const DEFAULT_CHUNK_SIZE: u32 = 1000;
/// Default serialised bytes per chunk (a chunk ends after the record that reaches it).
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;
/// Largest accepted byte budget per chunk.
pub const MAX_CHUNK_BYTES: usize = 64 << 20;

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
    /// Encryption (`PGENC1`, DOMAIN.md §10.3), applied last.
    pub encryption: Option<EncryptionParams>,
    /// Accumulate the calibration report ([`Job::calibration`]) over the generated patients
    /// (off by default: the default path does no extra work).
    pub calibration: bool,
    /// CSV: write formula-like text cells unchanged instead of neutralising them
    /// (docs/OUTPUT.md, [`format::csv`]).
    pub csv_raw: bool,
    /// Deflate level 1–9 of gzip and zip output (default 6, zlib's default).
    pub compression_level: u32,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            format: Format::Ndjson,
            chunk_size: DEFAULT_CHUNK_SIZE,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            range: None,
            compression: Compression::None,
            encryption: None,
            calibration: false,
            csv_raw: false,
            compression_level: 6,
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
    /// An option combination the format cannot honour.
    #[error("{0}")]
    Unsupported(String),
    /// A byte transform failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// The range `[a_k, a_{k+1})` of shard `index` of `count` over `total` patients (DOMAIN.md §9).
pub fn shard_range(total: u64, index: u64, count: u64) -> Result<Range<u64>, JobError> {
    if count == 0 || index >= count {
        return Err(JobError::Shard { index, count });
    }
    let a = |k: u64| ((2 * k as u128 * total as u128 + count as u128) / (2 * count as u128)) as u64;
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
    transforms: Vec<Box<dyn Transform>>,
    /// The zip container (10.2), applied before `transforms`.
    zip: Option<ZipContainer>,
    /// The writer of the second pass over the range (`events.csv` in a zip).
    second_pass: Option<Box<dyn RecordWriter>>,
    /// 0, or 1 during the second pass (which does not count patients again).
    pass: u8,
    scratch: Vec<u8>,
    scratch2: Vec<u8>,
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
        let meta = RunMeta::for_format(cfg, seed, opts.format);
        let mut zip = None;
        let mut second_pass = None;
        match opts.compression {
            Compression::None => {}
            Compression::Gzip => transforms.insert(0, crate::sink::gzip_transform()),
            Compression::Zip => {
                if range != (0..total) {
                    return Err(JobError::Unsupported(
                        "a zip container covers a full run; use gzip (or no compression) for a range or shard".into(),
                    ));
                }
                // csv → patients.csv then events.csv, generated by a second pass over the range.
                zip = Some(if opts.format == Format::Csv {
                    second_pass = Some(Box::new(format::csv::CsvWriter::new(format::csv::CsvTable::Events, cfg))
                        as Box<dyn RecordWriter>);
                    ZipContainer::new(&["patients.csv", "events.csv"], cfg.base_date).with_entry(
                        "datapackage.json",
                        format::csv_schema::datapackage(cfg.flow_model == crate::data::vocab::FlowModel::Clinical)
                            .into_bytes(),
                    )
                } else {
                    ZipContainer::new(&[&format!("patients.{}", opts.format.extension())], cfg.base_date)
                });
            }
        }
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
            transforms,
            zip,
            second_pass,
            pass: 0,
            scratch: Vec::new(),
            scratch2: Vec::new(),
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
        while self.next < self.range.end {
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
        let (n, last) = if self.transforms.is_empty() && self.zip.is_none() {
            self.fill(out)
        } else {
            let mut a = std::mem::take(&mut self.scratch);
            let mut b = std::mem::take(&mut self.scratch2);
            a.clear();
            let counted = self.pass == 0;
            let (n, pass_done) = self.fill(&mut a);
            // Patients of a second pass were counted in the first.
            let n = if counted { n } else { 0 };
            let mut last = pass_done;
            let mut result = Ok(());
            if let Some(zip) = &mut self.zip {
                b.clear();
                match zip.chunk(&a, pass_done, &mut b) {
                    Ok(complete) => {
                        last = complete;
                        if pass_done && !complete {
                            // The next entry is a second pass over the same range (10.2).
                            if let Some(w) = self.second_pass.take() {
                                self.writer = w;
                            }
                            self.pass += 1;
                            self.next = self.range.start;
                            self.started = false;
                        }
                    }
                    Err(e) => result = Err(e),
                }
                std::mem::swap(&mut a, &mut b);
            }
            let count = self.transforms.len();
            if result.is_ok() && count == 0 {
                out.extend_from_slice(&a);
            }
            for (k, t) in self.transforms.iter_mut().enumerate() {
                if result.is_err() {
                    break;
                }
                if k + 1 == count {
                    result = t.chunk(&a, last, out);
                } else {
                    b.clear();
                    result = t.chunk(&a, last, &mut b);
                    std::mem::swap(&mut a, &mut b);
                }
            }
            self.scratch = a;
            self.scratch2 = b;
            if let Err(e) = result {
                self.done = true;
                return Err(e.into());
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
        assert_eq!(shard_range(100_000, 0, 3).unwrap(), 0..33_333);
        assert_eq!(shard_range(100_000, 1, 3).unwrap(), 33_333..66_667);
        assert_eq!(shard_range(100_000, 2, 3).unwrap(), 66_667..100_000);
        assert_eq!(shard_range(5, 0, 1).unwrap(), 0..5);
        assert!(shard_range(5, 1, 1).is_err());
        assert!(shard_range(5, 0, 0).is_err());
        assert_eq!(shard_range(u64::MAX >> 20, 3, 4).unwrap().end, u64::MAX >> 20);
    }
}
