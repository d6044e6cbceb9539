//! `generate --threads N` (issue #19): block-parallel generation with byte-identical output.
//!
//! Patients are independent by index (docs/GENERATION.md#determinism), and a [`Job`] over a sub-range writes
//! exactly the bytes of that range in the full run (the format's prefix only at index 0, its
//! suffix only at the run's end; no writer carries state from one record to the next). So the
//! run's range is cut into consecutive blocks of [`block_patients`] indices; `N` worker threads
//! each claim the next block, generate it with its own `Job` into its own buffer, and hand it to
//! the writer (the calling thread), which emits the blocks in index order. Concatenated, they are
//! the bytes of the single-threaded run.
//!
//! Memory is bounded independently of `N`: a block may be claimed only while fewer than
//! [`IN_FLIGHT`] blocks are claimed and not yet written (generating, waiting or being written),
//! and at most `IN_FLIGHT` workers are started (more could only wait). Peak memory is about
//! `IN_FLIGHT` blocks.
//!
//! The writer emits each block chunk by chunk, as the block's job cut them (a block starts a new
//! chunk; a chunk never spans two blocks), so a resumable file grows by whole chunks as before.
//! Counters stay exact: each chunk carries its job's counters, which the writer adds to those of
//! the blocks before it when the chunk is emitted, so progress never runs ahead of the written
//! bytes; `chunks` counts the chunks the workers cut.
//!
//! Encryption (PGENC1, docs/ENCRYPTION.md) cuts segments by bytes, not records: the writer passes
//! the ordered concatenation through one [`Encryptor`], which gives the single-threaded job's
//! bytes whatever the chunk boundaries. Compression is decided by [`block_parallel`].
//!
//! gzip output is one member per block of the fixed patient-index grid
//! ([`patientgen::BLOCK_PATIENTS`], docs/OUTPUT.md "Compressed output"), whatever the chunking or
//! the split of the run, so the workers' jobs compress their own blocks: a block of a gzip run is
//! a multiple of the grid and every block after the first starts on a grid line (the first starts
//! at the range's start and ends on the next grid line when that start is off the grid). Each
//! block's job then writes exactly the members of its range in the single job's output.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use patientgen::report::Calibration;
use patientgen::sink::Encryptor;
use patientgen::{
    ChunkReport, Compression, Counters, Format, Job, JobError, JobOptions, Metrics, Resolved, BLOCK_PATIENTS,
};

/// Most blocks claimed and not yet written at any time, whatever the number of threads: two
/// per core on the 2-core machine the block size was measured on (one generating, one written or
/// waiting), which keeps both cores busy while the writer works.
pub const IN_FLIGHT: u64 = 4;

/// Patients per block. A block costs one `Job::new` (≈ 50 µs for the default scenario, measured
/// with `Job::new` over 100-patient ranges in a loop) and holds its whole output until written;
/// the sizes keep the first under 3 % of a block's generation time and a block's bytes at about
/// 4 MiB (measured: ndjson/json/xml ≈ 4.0–4.4 kB and 1.5 µs per patient, csv ≈ 0.33 kB and
/// 1.3 µs, fhir-r4 ≈ 21 kB and 9.7 µs; `generate --patients 10000 | wc -c`), so `IN_FLIGHT`
/// blocks stay near 16 MiB. docs/PERFORMANCE.md ("threads") has the block-size measurement.
/// A gzip run rounds these up to whole grid blocks ([`patientgen::BLOCK_PATIENTS`]): 2,000,
/// 9,000 and 1,000 patients, whose compressed bytes are what a block holds.
pub fn block_patients(format: Format) -> u64 {
    match format {
        Format::Csv => 8192,
        Format::FhirR4 => 256,
        Format::Ndjson | Format::Json | Format::JsonWrapped | Format::Xml => 1024,
    }
}

/// Whether the output of `opts` may be produced block-parallel: the one place this is decided.
///
/// Uncompressed output of every format concatenates (see the module documentation), and
/// encryption is applied by the writer over the ordered concatenation. gzip output concatenates
/// when the blocks lie on the grid of `patientgen::BLOCK_PATIENTS` ([`grid_of`]).
///
/// zip stays on one thread: its blocks could be written as zip parts and merged
/// (`patientgen::sink::zip_merge_plan`), but the merged archive holds each entry's data
/// contiguously, entry after entry, so a streaming merge of a multi-entry archive (csv:
/// `patients.csv`, then `events.csv`) would have to hold every part's slice of the later entries
/// until the first entry is written, which is memory proportional to the output, not bounded.
pub fn block_parallel(opts: &JobOptions) -> bool {
    match opts.compression {
        Compression::None | Compression::Gzip => true,
        Compression::Zip => false,
    }
}

/// The grid the blocks of `compression` must lie on: 1 (any block) for uncompressed output,
/// [`BLOCK_PATIENTS`] for gzip (one member per grid block).
fn grid_of(compression: Compression) -> u64 {
    match compression {
        Compression::None => 1,
        Compression::Gzip | Compression::Zip => BLOCK_PATIENTS,
    }
}

/// How `range` is cut into blocks of (about) `block` patients on `grid`: the block size (rounded
/// up to a multiple of the grid), the end of the first block (the next grid line after the
/// range's start when the start is off the grid, else start + block) and the number of blocks
/// (at least 1: an empty range is one empty block).
fn cut(range: &Range<u64>, block: u64, grid: u64) -> (u64, u64, u64) {
    let block = block.max(1).div_ceil(grid).saturating_mul(grid);
    let first_end = if range.start % grid == 0 {
        range.start.saturating_add(block)
    } else {
        range.start.div_ceil(grid).saturating_mul(grid)
    }
    .min(range.end);
    let blocks = 1 + (range.end - first_end).div_ceil(block);
    (block, first_end, blocks)
}

/// The index range of block `k` of a cut (see [`cut`]).
fn block_of(range: &Range<u64>, (block, first_end, _): (u64, u64, u64), k: u64) -> Range<u64> {
    if k == 0 {
        return range.start..first_end;
    }
    let start = first_end.saturating_add((k - 1).saturating_mul(block)).min(range.end);
    start..start.saturating_add(block).min(range.end)
}

/// One chunk of a block, as its job cut it.
struct Chunk {
    /// End offset of the chunk's bytes in the block.
    end: usize,
    /// Records in the chunk.
    patients: u64,
    /// Serialised (uncompressed) bytes of the chunk's records.
    serialized: u64,
    /// Seconds the job took for it (for the metrics).
    secs: f64,
    /// The block job's counters after this chunk.
    counters: Counters,
}

/// One generated block.
struct Block {
    bytes: Vec<u8>,
    chunks: Vec<Chunk>,
    calibration: Option<Calibration>,
}

/// `base` plus the counts of `add` (the counters of a later, disjoint part of the run).
fn add_counts(base: &Counters, add: &Counters) -> Counters {
    let mut m = base.clone();
    m.patients_generated += add.patients_generated;
    m.chunks += add.chunks;
    m.bytes_serialized += add.bytes_serialized;
    for (a, b) in m.outcomes.iter_mut().zip(add.outcomes) {
        *a += b;
    }
    for (a, b) in m.triage.iter_mut().zip(add.triage) {
        *a += b;
    }
    for (a, b) in m.per_day.iter_mut().zip(&add.per_day) {
        *a += b;
    }
    m
}

/// The claim gate: blocks claimed so far, blocks released by the writer, and the stop flag.
struct Gate {
    state: Mutex<(u64, u64, bool)>,
    changed: Condvar,
}

impl Gate {
    /// The next block to generate, once fewer than `IN_FLIGHT` are out; `None` to stop.
    fn claim(&self, blocks: u64) -> Option<u64> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let (claimed, released, stop) = *s;
            if stop || claimed >= blocks {
                return None;
            }
            if claimed < released + IN_FLIGHT {
                s.0 += 1;
                return Some(claimed);
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn release(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.1 += 1;
        self.changed.notify_all();
    }

    fn stop(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.2 = true;
        self.changed.notify_all();
    }
}

/// The writer's side: the blocks in index order, chunk by chunk.
pub struct Blocks<'a> {
    rx: mpsc::Receiver<(u64, Result<Block, JobError>)>,
    gate: &'a Gate,
    pool: &'a Mutex<Vec<Vec<u8>>>,
    pending: BTreeMap<u64, Block>,
    /// The next block to take.
    next: u64,
    blocks: u64,
    /// The block being emitted and its next chunk.
    current: Option<(Block, usize)>,
    /// The counters before the current block.
    base: Counters,
    encryptor: Option<Encryptor>,
    sealed: Vec<u8>,
    counters: Counters,
    calibration: Option<Calibration>,
    format: Format,
    done: bool,
}

impl Blocks<'_> {
    /// The next chunk in index order (the chunks of each block as its job cut them): its report
    /// and bytes. After the last chunk every call returns an empty report with `done = true`.
    pub fn next_chunk(&mut self, metrics: &mut Metrics) -> Result<(ChunkReport, &[u8]), JobError> {
        if self.current.as_ref().is_some_and(|(b, i)| *i == b.chunks.len()) {
            // The previous block is written: its buffer goes back to the pool, its slot is free.
            if let Some((b, _)) = self.current.take() {
                self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(b.bytes);
                self.gate.release();
            }
        }
        if self.done {
            return Ok((ChunkReport { patients: 0, bytes: 0, serialized: 0, done: true }, &[]));
        }
        if self.current.is_none() {
            let block = loop {
                if let Some(b) = self.pending.remove(&self.next) {
                    break b;
                }
                match self.rx.recv() {
                    Ok((k, Ok(b))) => {
                        self.pending.insert(k, b);
                    }
                    Ok((_, Err(e))) => {
                        self.done = true;
                        return Err(e);
                    }
                    Err(_) => {
                        self.done = true;
                        return Err(JobError::Unsupported(
                            "a generation thread stopped before its block was done".into(),
                        ));
                    }
                }
            };
            self.next += 1;
            self.base = self.counters.clone();
            if let (Some(all), Some(one)) = (&mut self.calibration, &block.calibration) {
                all.merge(one);
            }
            self.current = Some((block, 0));
        }
        let Some((block, i)) = &mut self.current else {
            return Err(JobError::Unsupported("no block to write".into()));
        };
        let chunk = &block.chunks[*i];
        let from = if *i == 0 { 0 } else { block.chunks[*i - 1].end };
        let plain = &block.bytes[from..chunk.end];
        *i += 1;
        let last = self.next == self.blocks && *i == block.chunks.len();
        self.done = last;
        let output = match &mut self.encryptor {
            None => plain.len(),
            Some(enc) => {
                self.sealed.clear();
                let sealed = enc.update(plain, &mut self.sealed).and_then(|()| {
                    if last {
                        enc.finish(&mut self.sealed)
                    } else {
                        Ok(())
                    }
                });
                if let Err(e) = sealed {
                    self.done = true;
                    return Err(JobError::Sink(e.into()));
                }
                self.sealed.len()
            }
        };
        let bytes_output = self.counters.bytes_output + output as u64;
        self.counters = add_counts(&self.base, &chunk.counters);
        self.counters.bytes_output = bytes_output;
        metrics.observe_chunk(self.format, chunk.patients, chunk.serialized, output as u64, chunk.secs);
        let report = ChunkReport { patients: chunk.patients, bytes: output, serialized: chunk.serialized, done: last };
        let bytes = if self.encryptor.is_some() { &self.sealed[..] } else { plain };
        Ok((report, bytes))
    }

    /// The counters of the blocks emitted so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The calibration counts of the blocks emitted so far, when `JobOptions::calibration` is on.
    #[allow(dead_code)] // used by the tests; `generate` does not ask for calibration
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }
}

/// How a block-parallel run is set up.
pub struct Setup<'c> {
    /// The resolved configuration.
    pub cfg: &'c Resolved,
    /// The seed.
    pub seed: u64,
    /// The job options without encryption (`block_parallel(opts)` must hold).
    pub opts: JobOptions,
    /// Worker threads (≥ 1; at most [`IN_FLIGHT`] are started).
    pub threads: usize,
    /// Patients per block (≥ 1; rounded up to a multiple of `BLOCK_PATIENTS` for gzip).
    pub block: u64,
    /// The encryptor applied by the writer, if any.
    pub encryptor: Option<Encryptor>,
}

/// Starts the workers over `setup`'s range and runs `body` with the writer's side; the workers
/// are stopped and joined when `body` returns (early or not). Building the range's job checks
/// the options first: an invalid range or chunk limit is returned before any thread starts.
pub fn run<R>(setup: Setup<'_>, body: impl FnOnce(&mut Blocks<'_>) -> R) -> Result<R, JobError> {
    let Setup { cfg, seed, opts, threads, block, encryptor } = setup;
    // The whole range's job: validates the options and gives the counters' initial state.
    let whole = Job::new(cfg, seed, &opts)?;
    let range = whole.range();
    let mut counters = whole.counters().clone();
    counters.total_patients = range.end - range.start;
    let calibration = opts.calibration.then(Calibration::new);
    drop(whole);
    let cut = cut(&range, block, grid_of(opts.compression));
    let blocks = cut.2;
    let gate = Gate { state: Mutex::new((0, 0, false)), changed: Condvar::new() };
    let pool = Mutex::new(Vec::new());
    let result = std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        // More workers than blocks in flight would only wait (and each thread keeps its own
        // allocator arena): at most IN_FLIGHT are started.
        for _ in 0..threads.clamp(1, IN_FLIGHT as usize) {
            let tx = tx.clone();
            let (gate, pool, opts, range) = (&gate, &pool, &opts, range.clone());
            s.spawn(move || {
                while let Some(k) = gate.claim(blocks) {
                    let buf = pool.lock().unwrap_or_else(|e| e.into_inner()).pop().unwrap_or_default();
                    let made = generate_block(cfg, seed, opts, block_of(&range, cut, k), buf);
                    let failed = made.is_err();
                    if tx.send((k, made)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut writer = Blocks {
            rx,
            gate: &gate,
            pool: &pool,
            pending: BTreeMap::new(),
            next: 0,
            blocks,
            current: None,
            base: counters.clone(),
            encryptor,
            sealed: Vec::new(),
            counters,
            calibration,
            format: opts.format,
            done: false,
        };
        let r = body(&mut writer);
        gate.stop();
        drop(writer);
        r
    });
    Ok(result)
}

/// Generates `range` into `buf` (cleared first) with its own job.
fn generate_block(
    cfg: &Resolved,
    seed: u64,
    opts: &JobOptions,
    range: std::ops::Range<u64>,
    mut buf: Vec<u8>,
) -> Result<Block, JobError> {
    let opts = JobOptions { range: Some(range), ..opts.clone() };
    let mut job = Job::new(cfg, seed, &opts)?;
    buf.clear();
    let mut chunks = Vec::new();
    loop {
        let t0 = Instant::now();
        let r = job.next_chunk(&mut buf)?;
        let counters = job.counters().clone();
        chunks.push(Chunk {
            end: buf.len(),
            patients: r.patients,
            serialized: r.serialized,
            secs: t0.elapsed().as_secs_f64(),
            counters,
        });
        if r.done {
            break;
        }
    }
    Ok(Block { bytes: buf, chunks, calibration: job.calibration().cloned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use patientgen::sink::EncryptionParams;

    fn single(cfg: &Resolved, opts: &JobOptions) -> (Vec<u8>, Counters, Option<Calibration>) {
        let mut job = Job::new(cfg, 7, opts).expect("job");
        let mut all = Vec::new();
        job.run(|c| {
            all.extend_from_slice(c);
            Ok::<(), ()>(())
        })
        .map_err(|_| ())
        .expect("run");
        (all, job.counters().clone(), job.calibration().cloned())
    }

    fn parallel(
        cfg: &Resolved,
        opts: &JobOptions,
        threads: usize,
        block: u64,
        encryptor: Option<Encryptor>,
    ) -> (Vec<u8>, Counters, Option<Calibration>) {
        let setup = Setup { cfg, seed: 7, opts: opts.clone(), threads, block, encryptor };
        run(setup, |w| {
            let mut all = Vec::new();
            let mut metrics = Metrics::new();
            loop {
                let (r, bytes) = w.next_chunk(&mut metrics).expect("block");
                all.extend_from_slice(bytes);
                assert_eq!(r.bytes, bytes.len());
                if r.done {
                    break;
                }
            }
            (all, w.counters().clone(), w.calibration().cloned())
        })
        .expect("setup")
    }

    fn cfg(patients: u64) -> Resolved {
        let mut cfg = patientgen::parse_scenario("{}").expect("default").resolved;
        cfg.total_patients = patients;
        cfg
    }

    #[test]
    fn blocks_concatenate_to_the_single_threaded_bytes_and_counters() {
        let cfg = cfg(300);
        for format in [Format::Ndjson, Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4] {
            for range in [None, Some(13..290)] {
                let opts = JobOptions { format, range, calibration: true, chunk_size: 7, ..JobOptions::default() };
                let (bytes, counters, calibration) = single(&cfg, &opts);
                for (threads, block) in [(1, 300), (2, 1), (3, 7), (5, 64)] {
                    let (b, c, cal) = parallel(&cfg, &opts, threads, block, None);
                    assert!(b == bytes, "{format:?} {threads} threads, block {block}: bytes differ");
                    assert_eq!(c.patients_generated, counters.patients_generated);
                    assert_eq!(
                        (c.outcomes, c.triage, &c.per_day),
                        (counters.outcomes, counters.triage, &counters.per_day)
                    );
                    assert_eq!(
                        (c.bytes_serialized, c.bytes_output),
                        (counters.bytes_serialized, counters.bytes_output)
                    );
                    assert_eq!(c.total_patients, counters.total_patients);
                    assert!(cal.is_some() && cal == calibration, "{format:?}: calibration");
                }
            }
        }
    }

    #[test]
    fn encryption_by_the_writer_gives_the_single_threaded_ciphertext() {
        let cfg = cfg(500);
        let key = EncryptionParams::with_key([3; 32], [5; 16], 600_000, [9; 7]);
        for segment in [16u32, 65536] {
            let mut params = key.clone();
            params.segment_size = segment;
            let plain = JobOptions { chunk_size: 7, ..JobOptions::default() };
            let opts = JobOptions { encryption: Some(params.clone()), ..plain.clone() };
            let (bytes, counters, _) = single(&cfg, &opts);
            let enc = Encryptor::new(&params).expect("encryptor");
            let (b, c, _) = parallel(&cfg, &plain, 2, 33, Some(enc));
            assert!(b == bytes, "segment {segment}: ciphertext differs");
            assert_eq!(c.bytes_output, counters.bytes_output);
            assert_eq!(c.bytes_output, b.len() as u64);
        }
    }

    #[test]
    fn uncompressed_and_gzip_output_are_block_parallel_zip_is_not() {
        let with = |compression| JobOptions { compression, ..JobOptions::default() };
        assert!(block_parallel(&with(Compression::None)));
        assert!(block_parallel(&with(Compression::Gzip)));
        assert!(!block_parallel(&with(Compression::Zip)));
    }

    #[test]
    fn gzip_blocks_lie_on_the_grid_after_the_first() {
        let blocks = |range: Range<u64>, block| {
            let c = cut(&range, block, BLOCK_PATIENTS);
            (0..c.2).map(|k| block_of(&range, c, k)).collect::<Vec<_>>()
        };
        assert_eq!(blocks(0..2500, 1), vec![0..1000, 1000..2000, 2000..2500]);
        assert_eq!(blocks(0..2500, 1500), vec![0..2000, 2000..2500]);
        assert_eq!(blocks(1000..3000, 1000), vec![1000..2000, 2000..3000]);
        assert_eq!(blocks(101..2277, 7), vec![101..1000, 1000..2000, 2000..2277]);
        assert_eq!(blocks(101..500, 7), vec![101..500]);
        assert_eq!(blocks(700..700, 1000), vec![700..700]);
        // Uncompressed blocks are any size, from the range's start.
        let c = cut(&(13..40), 10, 1);
        assert_eq!((0..c.2).map(|k| block_of(&(13..40), c, k)).collect::<Vec<_>>(), vec![13..23, 23..33, 33..40]);
    }

    #[test]
    fn gzip_blocks_concatenate_to_the_single_threaded_bytes_and_counters() {
        let cfg = cfg(2_300);
        for level in [1, 6] {
            for range in [None, Some(101..2_277), Some(1_000..2_300)] {
                let opts = JobOptions {
                    compression: Compression::Gzip,
                    compression_level: level,
                    range,
                    chunk_size: 7,
                    ..JobOptions::default()
                };
                let (bytes, counters, _) = single(&cfg, &opts);
                for (threads, block) in [(2, 1), (3, 2_000)] {
                    let (b, c, _) = parallel(&cfg, &opts, threads, block, None);
                    assert!(b == bytes, "level {level}, {threads} threads, block {block}: bytes differ");
                    assert_eq!(c.patients_generated, counters.patients_generated);
                    assert_eq!(
                        (c.bytes_serialized, c.bytes_output),
                        (counters.bytes_serialized, counters.bytes_output)
                    );
                }
            }
        }
    }

    #[test]
    fn a_failing_writer_stops_the_workers() {
        let cfg = cfg(100_000);
        let opts = JobOptions::default();
        let setup = Setup { cfg: &cfg, seed: 1, opts, threads: 3, block: 64, encryptor: None };
        // The body stops after two blocks; `run` returns (joining every worker) at once.
        let t0 = Instant::now();
        let n = run(setup, |w| {
            let mut metrics = Metrics::new();
            let _ = w.next_chunk(&mut metrics).expect("first");
            let _ = w.next_chunk(&mut metrics).expect("second");
            w.counters().patients_generated
        })
        .expect("setup");
        assert_eq!(n, 128);
        assert!(t0.elapsed().as_secs_f64() < 5.0, "the workers did not stop");
    }
}
