//! Per-stage benchmarks (issue #7): plan construction, one patient's draws, record writing per
//! format, gzip and encryption of a chunk. `cargo bench --bench stages` (criterion; the scaling
//! table of the whole pipeline is `patientgen bench`, and `scripts/instructions.sh` counts
//! instructions per patient).
#![cfg(not(target_arch = "wasm32"))]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use patientgen::format::{self, Format, RunMeta};
use patientgen::patient::record::{EventContext, PatientRecord};
use patientgen::patient::PatientGenerator;
use patientgen::plan::Plan;
use patientgen::sink::{EncryptionParams, Encryptor, GzipTransform, Transform};
use patientgen::{parse_scenario, Job, JobOptions, Resolved};

const SEED: u64 = 1;
/// Records per "chunk" in the writer and transform benches.
const RECORDS: u64 = 1_000;

fn default_config(patients: u64) -> Resolved {
    let mut cfg = parse_scenario("{}").expect("the default scenario is valid").resolved;
    cfg.total_patients = patients;
    cfg
}

/// The first `RECORDS` records of the default scenario, generated once.
fn records(cfg: &Resolved) -> Vec<PatientRecord> {
    let plan = Plan::new(cfg, SEED);
    let generator = PatientGenerator::new(cfg, SEED);
    let mut cursor = plan.cursor(0);
    let mut ctx = EventContext::default();
    (0..RECORDS)
        .map(|_| {
            let mut rec = PatientRecord::default();
            cursor.next_into(&mut ctx);
            generator.generate(&ctx, &mut rec);
            rec
        })
        .collect()
}

/// `RECORDS` records as ndjson: the input of the byte transforms.
fn ndjson_chunk(cfg: &Resolved) -> Vec<u8> {
    let mut c = cfg.clone();
    c.total_patients = RECORDS;
    let mut job = Job::new(&c, SEED, &JobOptions { chunk_size: RECORDS as u32, ..JobOptions::default() }).expect("job");
    let mut out = Vec::new();
    while !job.next_chunk(&mut out).expect("chunk").done {}
    out
}

fn plan(c: &mut Criterion) {
    let mut g = c.benchmark_group("plan");
    for n in [1_000u64, 1_000_000, 100_000_000] {
        let cfg = default_config(n);
        g.bench_function(format!("new/{n}"), |b| b.iter(|| Plan::new(black_box(&cfg), SEED)));
    }
    let cfg = default_config(1_000_000);
    let p = Plan::new(&cfg, SEED);
    g.throughput(Throughput::Elements(RECORDS));
    g.bench_function("cursor/1000", |b| {
        let mut ctx = EventContext::default();
        b.iter(|| {
            let mut cursor = p.cursor(black_box(500_000));
            for _ in 0..RECORDS {
                cursor.next_into(&mut ctx);
            }
            ctx.index
        })
    });
    g.finish();
}

fn patient(c: &mut Criterion) {
    let cfg = default_config(1_000_000);
    let plan = Plan::new(&cfg, SEED);
    let generator = PatientGenerator::new(&cfg, SEED);
    let mut cursor = plan.cursor(0);
    let contexts: Vec<EventContext> = (0..RECORDS)
        .map(|_| {
            let mut ctx = EventContext::default();
            cursor.next_into(&mut ctx);
            ctx
        })
        .collect();
    let mut g = c.benchmark_group("patient");
    g.throughput(Throughput::Elements(RECORDS));
    g.bench_function("generate/1000", |b| {
        let mut rec = PatientRecord::default();
        b.iter(|| {
            for ctx in &contexts {
                generator.generate(black_box(ctx), &mut rec);
            }
            rec.id
        })
    });
    let markov = parse_scenario(r#"{"flow_model": "markov"}"#).expect("valid").resolved;
    let markov_gen = PatientGenerator::new(&markov, SEED);
    g.bench_function("generate-markov/1000", |b| {
        let mut rec = PatientRecord::default();
        b.iter(|| {
            for ctx in &contexts {
                markov_gen.generate(black_box(ctx), &mut rec);
            }
            rec.id
        })
    });
    g.finish();
}

fn write(c: &mut Criterion) {
    let cfg = default_config(RECORDS);
    let recs = records(&cfg);
    let meta = RunMeta::new(&cfg, SEED);
    let mut g = c.benchmark_group("write");
    for f in Format::ALL {
        let mut w = format::writer(f, &cfg, &meta);
        let mut out = Vec::with_capacity(16 << 20);
        for r in &recs {
            w.record(r, &mut out);
        }
        g.throughput(Throughput::Bytes(out.len() as u64));
        g.bench_function(format!("{}/1000", f.as_str()), |b| {
            b.iter(|| {
                out.clear();
                for r in &recs {
                    w.record(black_box(r), &mut out);
                }
                out.len()
            })
        });
    }
    g.finish();
}

fn transforms(c: &mut Criterion) {
    let cfg = default_config(RECORDS);
    let chunk = ndjson_chunk(&cfg);
    let mut g = c.benchmark_group("transform");
    g.throughput(Throughput::Bytes(chunk.len() as u64));
    g.sample_size(20);
    let mut out = Vec::with_capacity(chunk.len() + (1 << 16));
    g.bench_function("gzip/1000", |b| {
        b.iter_batched_ref(
            GzipTransform::new,
            |t| {
                out.clear();
                t.chunk(black_box(&chunk), true, &mut out).expect("gzip");
                out.len()
            },
            BatchSize::LargeInput,
        )
    });
    // A pre-derived key: the bench measures AES-GCM, not PBKDF2.
    let params = EncryptionParams::with_key([7; 32], [1; 16], 100_000, [2; 7]);
    g.bench_function("encrypt/1000", |b| {
        b.iter_batched_ref(
            || Encryptor::new(&params).expect("valid parameters"),
            |e| {
                out.clear();
                e.chunk(black_box(&chunk), true, &mut out).expect("encrypt");
                out.len()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(stages, plan, patient, write, transforms);
criterion_main!(stages);
