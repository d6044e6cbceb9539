//! The memory budget of a job (docs/ARCHITECTURE.md#the-chunk-pipeline: memory is O(chunk), never
//! O(patients)), measured with a counting global allocator. This is its own test binary so that no
//! other test's allocations are counted; its tests run one at a time behind a lock.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use patientgen::{parse_scenario, Compression, Format, Job, JobOptions};

/// The system allocator, counting live and peak heap bytes.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrink(n: usize) {
    CURRENT.fetch_sub(n, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters do not touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The budget a job with default options stays under, whatever the number of patients.
const BUDGET: usize = 8 << 20;

/// Serialises the tests of this binary (the counters are process-wide).
static LOCK: Mutex<()> = Mutex::new(());

/// Runs a job over `patients` with `opts`, discarding the output into one reused buffer; returns
/// the peak heap bytes above the level before the job was built, sampled after `checkpoint`
/// patients and at the end.
fn peak_of(patients: u64, checkpoint: u64, opts: &JobOptions) -> (usize, usize, u64) {
    let scenario = parse_scenario(&format!(r#"{{"total_patients": {patients}, "seed": 20261128}}"#)).expect("valid");
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut job = Job::new(&scenario.resolved, 20261128, opts).expect("job");
    let mut buf = Vec::new();
    let mut at_checkpoint = None;
    let mut bytes = 0u64;
    loop {
        buf.clear();
        let r = job.next_chunk(&mut buf).expect("chunk");
        bytes += r.bytes as u64;
        if at_checkpoint.is_none() && job.counters().patients_generated >= checkpoint {
            at_checkpoint = Some(PEAK.load(Ordering::Relaxed) - base);
        }
        if r.done {
            break;
        }
    }
    assert_eq!(job.counters().patients_generated, patients);
    let end = PEAK.load(Ordering::Relaxed) - base;
    drop(job);
    drop(buf);
    (at_checkpoint.expect("checkpoint reached"), end, bytes)
}

#[test]
fn default_job_stays_under_budget_and_flat() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (at_20k, at_200k, bytes) = peak_of(200_000, 20_000, &JobOptions::default());
    eprintln!("peak heap: {at_20k} bytes after 20,000 patients, {at_200k} after 200,000 ({bytes} bytes written)");
    assert!(bytes > 200_000 * 1000, "the job wrote the records ({bytes} bytes)");
    assert!(at_200k < BUDGET, "peak heap {at_200k} bytes exceeds the {BUDGET}-byte budget");
    // Flat: nothing grows with the number of patients (a little slack for a larger last record).
    assert!(
        at_200k <= at_20k + (64 << 10),
        "peak heap grew from {at_20k} to {at_200k} bytes between 20,000 and 200,000 patients"
    );
}

#[test]
fn every_format_and_compression_stays_flat() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for format in [Format::Ndjson, Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4] {
        for compression in [Compression::None, Compression::Gzip, Compression::Zip] {
            let opts = JobOptions { format, compression, ..JobOptions::default() };
            // Peak after 8,000 patients and at 24,000. A zip of csv makes a second pass over the
            // range (events.csv), which the patient count does not see: compare two whole runs.
            let (early, end) = if (format, compression) == (Format::Csv, Compression::Zip) {
                (peak_of(8_000, 0, &opts).1, peak_of(24_000, 0, &opts).1)
            } else {
                let (early, end, _) = peak_of(24_000, 8_000, &opts);
                (early, end)
            };
            eprintln!("{format:?}/{compression:?}: peak heap {early} bytes after 8,000 patients, {end} after 24,000");
            assert!(end < 2 * BUDGET, "{format:?}/{compression:?}: peak heap {end} bytes");
            assert!(
                end <= early + (128 << 10),
                "{format:?}/{compression:?}: peak heap grew from {early} to {end} bytes"
            );
        }
    }
}
