//! Per-stage benchmarks (issue #7): setting up a job, plan construction, one patient's draws, record writing per
//! format, gzip and encryption of a chunk. `cargo bench --bench stages` (criterion; the scaling
//! table of the whole pipeline is `patientgen bench`, and `scripts/instructions.sh` counts
//! instructions per patient).
#![cfg(not(target_arch = "wasm32"))]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use patientgen::format::{self, Format, RunMeta};
use patientgen::internals::patient::record::PatientRecord;
use patientgen::internals::patient::PatientGenerator;
use patientgen::internals::plan::EventContext;
use patientgen::internals::plan::Plan;
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

/// Setting up a job from the scenario text, as `patientgen generate` and `new Engine(…)` do: what a
/// small job (or an edge request) pays before its first patient.
fn setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("setup");
    g.bench_function("parse-scenario", |b| {
        b.iter(|| parse_scenario(black_box("{}")).map(|s| s.resolved.total_patients))
    });
    g.bench_function("parse-and-job", |b| {
        b.iter(|| {
            let mut cfg = parse_scenario(black_box("{}")).expect("valid").resolved;
            cfg.total_patients = 100;
            Job::new(&cfg, SEED, &JobOptions::default()).map(|j| j.counters().total_patients)
        })
    });
    g.finish();
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

/// The naive baseline of DESIGN.md §5: the same records as owned `String`/`Vec` structs written
/// with `#[derive(Serialize)]` + `serde_json::to_writer` (the writer must reach ≥ 1.5 × its MB/s).
mod naive {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    pub struct Patient {
        id: u64,
        nationality: String,
        gender: String,
        injury_type: String,
        triage_category: String,
        status: String,
        front: String,
        final_status: String,
        last_facility: String,
        demographics: Demographics,
        conditions: Vec<Condition>,
        severity: u8,
        treatments: Vec<Visit>,
        movement_timeline: Vec<Event>,
        injury_time: String,
        scenario: String,
        event_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        mass_casualty: Option<bool>,
        day: String,
        body_part: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        environmental_conditions: Option<Vec<String>>,
    }

    #[derive(Serialize, Deserialize)]
    struct Demographics {
        family_name: String,
        given_name: String,
        gender: String,
        id_number: String,
        birthdate: String,
        nationality: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        religion: Option<String>,
        weight: f64,
        blood_type: String,
    }

    #[derive(Serialize, Deserialize)]
    struct Condition {
        code: String,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    struct Visit {
        facility: String,
        date: String,
        treatments: Vec<Coded>,
        observations: Vec<Observation>,
    }

    #[derive(Serialize, Deserialize)]
    struct Coded {
        code: String,
        display: String,
    }

    #[derive(Serialize, Deserialize)]
    struct Observation {
        code: String,
        display: String,
        value: f64,
        unit: String,
    }

    #[derive(Serialize, Deserialize)]
    struct Event {
        event_type: String,
        facility: String,
        timestamp: String,
        hours_since_injury: f64,
        #[serde(flatten)]
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }
}

fn naive_serde_json(c: &mut Criterion) {
    let chunk = ndjson_chunk(&default_config(RECORDS));
    let recs: Vec<naive::Patient> = chunk
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("our ndjson parses into the naive structs"))
        .collect();
    let mut out = Vec::with_capacity(16 << 20);
    for r in &recs {
        serde_json::to_writer(&mut out, r).expect("serialise");
        out.push(b'\n');
    }
    let mut g = c.benchmark_group("write");
    g.throughput(Throughput::Bytes(out.len() as u64));
    g.bench_function("naive-serde-json/1000", |b| {
        b.iter(|| {
            out.clear();
            for r in &recs {
                serde_json::to_writer(&mut out, black_box(r)).expect("serialise");
                out.push(b'\n');
            }
            out.len()
        })
    });
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

criterion_group!(stages, setup, plan, patient, write, naive_serde_json, transforms);
criterion_main!(stages);
