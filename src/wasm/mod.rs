//! JavaScript bindings (DESIGN.md §3.2); compiled only for `wasm32`.
//!
//! This module is the only place that knows JavaScript. The [`Engine`] runs one job of the core:
//! options are read with serde-wasm-bindgen into the core's [`RunOptions`]; chunks come out
//! synchronously (`nextChunk`, `nextChunkView`, `nextRecords`) or as streams ([`stream`]: `pipeTo`
//! into a `WritableStream` and `readable()`, over wasm-streams, with backpressure, yielding and
//! abort). The JS layer (`js/generator.js`) keeps the run's consumer state and the WebCrypto key
//! derivation.

mod stream;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::config::{self, ConfigErrors, Resolved};
use crate::options::{self, EncryptionOptions, OptionError, OptionErrorKind, RunOptions};
use crate::report::{Calibration, CalibrationReader, ReportError};
use crate::{ChunkReport, Compression, Format, Job, JobOptions, Metrics};

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook once: a panic's message is kept for `lastPanic()` and logged, so the
/// JS layer can turn the resulting `RuntimeError` into an error that says why.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = info.to_string();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg.clone()));
            web_sys::console::error_1(&JsValue::from_str(&format!("patientgen panicked: {msg}")));
        }));
    });
}

/// Panics on purpose, so tests can check that a panic reaches JavaScript with its message.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTest)]
pub fn panic_for_test() {
    install_panic_hook();
    panic!("deliberate panic for the panic-hook test");
}

/// The message of the last panic, if one happened (the module instance is unusable after it).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow().clone())
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// A JS `Error` with `name`, `message` and, for configuration errors, `errors: [{path, message}]`.
fn config_error(errors: &ConfigErrors) -> JsValue {
    let list = Array::new();
    for e in &errors.0 {
        let o = Object::new();
        set(&o, "path", e.path.as_str());
        set(&o, "message", e.message.as_str());
        list.push(&o);
    }
    let err = js_sys::Error::new(&errors.to_string());
    err.set_name("ConfigError");
    set(&err, "errors", list);
    err.into()
}

fn option_error(path: &str, message: &str) -> JsValue {
    config_error(&ConfigErrors(vec![config::ConfigError { path: path.into(), message: message.into() }]))
}

/// The scenario text of a JS value: a JSON string as is, anything else through `JSON.stringify`
/// (which keeps the object's key order, needed for document-ordered errors).
fn scenario_text(config: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = config.as_string() {
        return Ok(s);
    }
    if config.is_undefined() || config.is_null() {
        return Ok("{}".into());
    }
    js_sys::JSON::stringify(config)
        .map(String::from)
        .map_err(|_| option_error("", "the configuration is not serialisable to JSON"))
}

fn parse(config: &JsValue) -> Result<config::Scenario, JsValue> {
    install_panic_hook();
    config::parse_scenario(&scenario_text(config)?).map_err(|e| config_error(&e))
}

/// Validates a scenario; returns the resolved configuration as pretty JSON text (the CLI's
/// `validate` output), or throws a
/// `ConfigError` whose `errors` list every problem as `{path, message}`.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> Result<String, JsValue> {
    Ok(crate::resolved_pretty_json(&parse(&config)?.resolved))
}

/// Draws a seed from `crypto.getRandomValues` (DOMAIN.md §1.6).
fn random_seed() -> Result<u64, JsValue> {
    Ok(u64::from_le_bytes(random_bytes::<8>()?))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| JsValue::from_str(&format!("cannot draw random bytes: {e}")))?;
    Ok(b)
}

/// A `ConfigError` of option problems: `errors: [{path, message, suggestion?}]`.
fn options_error(errors: &[OptionError]) -> JsValue {
    let list: Vec<config::ConfigError> =
        errors.iter().map(|e| config::ConfigError { path: e.path.clone(), message: e.kind.to_string() }).collect();
    let err = config_error(&ConfigErrors(list));
    if let Ok(arr) = Reflect::get(&err, &"errors".into()).map(|v| Array::from(&v)) {
        for (i, e) in errors.iter().enumerate() {
            let s = match &e.kind {
                OptionErrorKind::UnknownKey { suggestion } => *suggestion,
                OptionErrorKind::UnknownValue { suggestion, .. } => *suggestion,
                _ => None,
            };
            if let Some(s) = s {
                set(&Object::from(arr.get(i as u32)), "suggestion", s);
            }
        }
    }
    err
}

/// Reads the options object with serde-wasm-bindgen into the core's [`RunOptions`].
fn run_options(options: &JsValue) -> Result<RunOptions, JsValue> {
    RunOptions::from_deserializer(serde_wasm_bindgen::Deserializer::from(options.clone()))
        .map_err(|e| options_error(&e))
}

/// `Argon2id(password, salt, cost)`: the 32-byte key of a PGENC1 header with KDF id 2, for the
/// JS decryptor (`js/decrypt.js`). Refuses a cost outside the limits every decryptor enforces.
#[wasm_bindgen(js_name = argon2idKey)]
pub fn argon2id_key(password: &str, salt: &[u8], memory_mib: u16, passes: u8, lanes: u8) -> Result<Vec<u8>, JsValue> {
    let salt: [u8; 16] = salt.try_into().map_err(|_| option_error("salt", "must be 16 bytes"))?;
    let cost = crate::sink::Argon2Cost { memory_mib, passes, lanes };
    crate::sink::encrypt::derive_key_argon2id(password, &salt, cost)
        .map(|k| k.to_vec())
        .map_err(|e| option_error("kdf", &e.to_string()))
}

/// The error every call on a freed engine gives.
pub(crate) fn freed_error() -> JsValue {
    let e = js_sys::Error::new("generator was freed");
    set(&e, "patientgenFreed", true);
    e.into()
}

/// One chunk's report, as `lastChunk` gives it.
#[derive(Clone, Debug, Default)]
struct LastChunk {
    report: Option<ChunkReport>,
    seconds: f64,
    outcomes: [u64; 5],
    triage: [u64; 3],
    per_day: Vec<u64>,
}

/// The state of one run, shared by the engine and its streams.
pub(crate) struct Run {
    job: Job,
    /// What the job was built from (setKey rebuilds it; records() builds an NDJSON twin).
    base: (Resolved, u64, JobOptions),
    /// Whether a chunk was taken (no more setKey).
    started: bool,
    buf: Vec<u8>,
    metrics: Metrics,
    format: Format,
    last: LastChunk,
    /// Counted as finished in the metrics (completed, failed or cancelled).
    pub(crate) finished: bool,
    /// The engine was freed (its streams end with "generator was freed").
    pub(crate) freed: bool,
    /// Host clock (ms) of the first chunk, 0 before.
    started_ms: f64,
    /// Host clock (ms) of the last yield to the event loop.
    pub(crate) last_yield: f64,
    /// Records of the chunks the consumer has taken (pipeTo: the sink accepted).
    pub(crate) written: u64,
    /// The NDJSON twin job of `records()`.
    records: Option<Job>,
}

impl Run {
    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.metrics.run_finished();
        }
    }

    /// Counts a failed run in the metrics (`cancelled`, `output`, …).
    pub(crate) fn fail(&mut self, error_type: &str) {
        if !self.finished {
            self.metrics.observe_error(error_type);
        }
        self.finish();
    }

    /// Generates the next chunk into `self.buf`; false when there is nothing more.
    fn fill(&mut self) -> Result<bool, JsValue> {
        if self.job.is_done() {
            self.finish();
            return Ok(false);
        }
        if !self.started {
            self.started = true;
            self.started_ms = js_sys::Date::now();
        }
        self.buf.clear();
        // The whole chunk budget at once, as `Job::run` does natively: no regrowth and copying.
        self.buf.reserve(self.job.chunk_capacity());
        let before = self.job.counters().clone();
        let t0 = js_sys::Date::now();
        let report = match self.job.next_chunk(&mut self.buf) {
            Ok(r) => r,
            Err(e) => {
                self.fail("internal");
                return Err(js_sys::Error::new(&e.to_string()).into());
            }
        };
        let seconds = (js_sys::Date::now() - t0) / 1000.0;
        self.metrics.observe_chunk(self.format, report.patients, report.serialized, report.bytes as u64, seconds);
        let after = self.job.counters();
        let mut last = LastChunk { report: Some(report), seconds, ..LastChunk::default() };
        for (d, (a, b)) in last.outcomes.iter_mut().zip(after.outcomes.iter().zip(before.outcomes)) {
            *d = a - b;
        }
        for (d, (a, b)) in last.triage.iter_mut().zip(after.triage.iter().zip(before.triage)) {
            *d = a - b;
        }
        last.per_day =
            after.per_day.iter().enumerate().map(|(i, a)| a - before.per_day.get(i).copied().unwrap_or(0)).collect();
        self.last = last;
        if report.done {
            self.finish();
        }
        Ok(!(report.bytes == 0 && report.done))
    }

    /// The next chunk copied into a JS `Uint8Array`, with its record count.
    pub(crate) fn next_chunk_copy(&mut self) -> Result<Option<(Uint8Array, u64)>, JsValue> {
        if !self.fill()? {
            return Ok(None);
        }
        let records = self.last.report.map_or(0, |r| r.patients);
        Ok(Some((Uint8Array::from(&self.buf[..]), records)))
    }

    /// The next records as plain objects (the NDJSON record of each, through serde-wasm-bindgen),
    /// or `None` at the end.
    fn next_records(&mut self) -> Result<Option<Array>, JsValue> {
        if self.records.is_none() {
            let (cfg, seed, opts) = &self.base;
            let twin = JobOptions {
                format: Format::Ndjson,
                compression: Compression::None,
                encryption: None,
                calibration: false,
                ..opts.clone()
            };
            self.records = Some(Job::new(cfg, *seed, &twin).map_err(|e| js_sys::Error::new(&e.to_string()))?);
            self.started = true;
            self.started_ms = js_sys::Date::now();
        }
        let Some(job) = self.records.as_mut() else { return Ok(None) };
        if job.is_done() {
            self.finish();
            return Ok(None);
        }
        self.buf.clear();
        let report = job.next_chunk(&mut self.buf).map_err(|e| js_sys::Error::new(&e.to_string()))?;
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        let out = Array::new();
        for line in self.buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            // `from_str`: the instantiation the scenario parser already has (smaller .wasm).
            let text = std::str::from_utf8(line).map_err(|e| js_sys::Error::new(&format!("record: {e}")))?;
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| js_sys::Error::new(&format!("record: {e}")))?;
            out.push(&v.serialize(&ser).map_err(JsValue::from)?);
        }
        self.written += report.patients;
        if report.done {
            self.finish();
        }
        Ok(if out.length() == 0 && report.done { None } else { Some(out) })
    }

    fn counters(&self) -> JsValue {
        let c = if let Some(j) = &self.records { j.counters() } else { self.job.counters() };
        let o = Object::new();
        set(&o, "patientsGenerated", c.patients_generated as f64);
        set(&o, "totalPatients", c.total_patients as f64);
        set(&o, "chunks", c.chunks as f64);
        set(&o, "bytesSerialized", c.bytes_serialized as f64);
        set(&o, "bytesOut", c.bytes_output as f64);
        set(&o, "outcomes", outcomes_object(&c.outcomes));
        set(&o, "triage", triage_object(&c.triage));
        set(&o, "perDay", numbers(&c.per_day));
        set(&o, "seed", c.seed.to_string());
        let elapsed = if self.started_ms > 0.0 { js_sys::Date::now() - self.started_ms } else { 0.0 };
        set(&o, "elapsedMs", elapsed);
        set(&o, "patientsPerSecond", if elapsed > 0.0 { c.patients_generated as f64 * 1000.0 / elapsed } else { 0.0 });
        set(&o, "recordsWritten", self.written as f64);
        o.into()
    }
}

fn pair(r: &std::ops::Range<u64>) -> Array {
    numbers(&[r.start, r.end])
}

fn numbers(v: &[u64]) -> Array {
    v.iter().map(|&n| JsValue::from_f64(n as f64)).collect()
}

fn outcomes_object(v: &[u64; 5]) -> Object {
    let o = Object::new();
    for (k, v) in ["KIA", "DOW", "RTD", "Remains_Role4", "NBD"].iter().zip(v) {
        set(&o, k, *v as f64);
    }
    o
}

fn triage_object(v: &[u64; 3]) -> Object {
    let o = Object::new();
    for (k, v) in ["T1", "T2", "T3"].iter().zip(v) {
        set(&o, k, *v as f64);
    }
    o
}

/// The generation engine of one run: the synchronous steps (`nextChunk`, `nextChunkView`,
/// `nextRecords`) and the streams (`pipeTo`, `readable`) over the core [`Job`].
#[wasm_bindgen]
pub struct Engine {
    run: Rc<RefCell<Run>>,
    seed: u64,
    file_name: String,
    content_type: &'static str,
    range: std::ops::Range<u64>,
    /// Encryption whose key the host derives (PBKDF2 with WebCrypto) before the first chunk, with
    /// the salt drawn for it.
    host_key: Option<(EncryptionOptions, [u8; 16])>,
}

/// The scenario, its options and the derived facts of a run (shared by [`Engine::new`] and
/// [`file_name`]).
struct Setup {
    scenario: config::Scenario,
    options: RunOptions,
    seed: u64,
    label: String,
}

fn setup(config: &JsValue, options: &JsValue) -> Result<Setup, JsValue> {
    install_panic_hook();
    let text = scenario_text(config)?;
    let mut scenario = config::parse_scenario(&text).map_err(|e| config_error(&e))?;
    let options = run_options(options)?;
    if let Some(n) = options.patients {
        scenario.resolved.total_patients = n;
    }
    let seed = match options.seed.or(scenario.seed) {
        Some(s) => s,
        None => random_seed()?,
    };
    Ok(Setup { label: options::scenario_label(&text), scenario, options, seed })
}

#[wasm_bindgen]
impl Engine {
    /// Builds an engine from a scenario (object or JSON text) and the run options (`{patients,
    /// seed, shard, range, startIndex, chunkSize, chunkBytes, format, compression,
    /// compressionLevel, encryption, calibration, csvRaw}`, read into the core's `RunOptions`;
    /// an unknown key is a `ConfigError` with a did-you-mean).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> Result<Engine, JsValue> {
        let Setup { scenario, options: o, seed, label } = setup(&config, &options)?;
        let total = scenario.resolved.total_patients;
        let mut opts = o.job_options(total).map_err(|e| options_error(&[e]))?;
        let mut host_key = None;
        if let Some(enc) = &o.encryption {
            if enc.host_derives() {
                host_key = Some((enc.clone(), random_bytes::<16>()?));
            } else {
                opts.encryption =
                    Some(enc.params(random_bytes()?, random_bytes()?, None).map_err(|e| options_error(&[e]))?);
            }
        }
        let job = Job::new(&scenario.resolved, seed, &opts).map_err(|e| option_error("", &e.to_string()))?;
        let encrypted = o.encryption.is_some();
        let file_name = options::dataset_file_name(&label, total, seed, &o.part, o.format, o.compression, encrypted);
        let range = job.range();
        let mut metrics = Metrics::new();
        metrics.run_started();
        let run = Run {
            job,
            base: (scenario.resolved, seed, opts),
            started: false,
            buf: Vec::new(),
            metrics,
            format: o.format,
            last: LastChunk::default(),
            finished: false,
            freed: false,
            started_ms: 0.0,
            last_yield: 0.0,
            written: 0,
            records: None,
        };
        Ok(Engine {
            run: Rc::new(RefCell::new(run)),
            seed,
            file_name,
            content_type: options::content_type(o.format, o.compression, encrypted),
            range,
            host_key,
        })
    }

    /// The key derivation the host must do before the first chunk (`{password, salt, iterations}`,
    /// PBKDF2-HMAC-SHA-256 with WebCrypto), or `undefined`.
    #[wasm_bindgen(getter, js_name = pendingKey)]
    pub fn pending_key(&self) -> JsValue {
        let Some((enc, salt)) = &self.host_key else { return JsValue::UNDEFINED };
        let o = Object::new();
        set(&o, "password", enc.password.clone().unwrap_or_default());
        set(&o, "salt", Uint8Array::from(&salt[..]));
        set(&o, "iterations", enc.pbkdf2_iterations());
        o.into()
    }

    /// Sets the key the host derived for [`Engine::pending_key`], before the first chunk.
    #[wasm_bindgen(js_name = setKey)]
    pub fn set_key(&mut self, key: &[u8]) -> Result<(), JsValue> {
        let (enc, salt) = self.host_key.take().ok_or_else(|| option_error("encryption", "no key is pending"))?;
        let mut r = self.run.borrow_mut();
        if r.started {
            return Err(option_error("encryption", "the key must be set before the first chunk"));
        }
        let key: [u8; 32] = key.try_into().map_err(|_| option_error("encryption.key", "must be 32 bytes"))?;
        let params = enc.params(salt, random_bytes()?, Some(key)).map_err(|e| options_error(&[e]))?;
        r.base.2.encryption = Some(params);
        let job = Job::new(&r.base.0, r.base.1, &r.base.2).map_err(|e| option_error("", &e.to_string()))?;
        r.job = job;
        Ok(())
    }

    fn ready(&self) -> Result<(), JsValue> {
        if self.host_key.is_some() {
            return Err(js_sys::Error::new(
                "encryption with a password needs the asynchronous API (pipeTo, readable, for await)",
            )
            .into());
        }
        Ok(())
    }

    /// The next chunk's bytes (a copy), or `undefined` when the job is finished.
    #[wasm_bindgen(js_name = nextChunk)]
    pub fn next_chunk(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        self.ready()?;
        let mut r = self.run.borrow_mut();
        let next = r.next_chunk_copy()?;
        Ok(next.map(|(chunk, records)| {
            r.written += records;
            chunk
        }))
    }

    /// The next chunk as a view into the engine's own memory — no copy — or `undefined` when the
    /// job is finished. The view is only valid until the next call on this engine: the next chunk
    /// overwrites its bytes (and a memory growth empties it). For consumers that use the bytes at
    /// once (`fs.writeSync`, a hash, a byte count); anything that keeps or queues a chunk needs
    /// [`Engine::next_chunk`].
    #[wasm_bindgen(js_name = nextChunkView)]
    pub fn next_chunk_view(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        self.ready()?;
        let mut r = self.run.borrow_mut();
        if !r.fill()? {
            return Ok(None);
        }
        r.written += r.last.report.map_or(0, |c| c.patients);
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        // Linear-memory addresses and lengths fit in u32 on wasm32.
        Ok(Some(Uint8Array::new_with_byte_offset_and_length(
            &memory.buffer(),
            r.buf.as_ptr() as usize as u32,
            r.buf.len() as u32,
        )))
    }

    /// The next records as an array of plain objects, each equal to `JSON.parse` of its NDJSON
    /// line (whatever the output format), or `undefined` at the end.
    #[wasm_bindgen(js_name = nextRecords)]
    pub fn next_records(&mut self) -> Result<Option<Array>, JsValue> {
        self.run.borrow_mut().next_records()
    }

    /// Writes every chunk into a `WritableStream`, awaiting `writer.ready` (backpressure) and
    /// yielding to the event loop by time budget; stops within one chunk when one of `signals`
    /// aborts (the writer is aborted; the bytes end at a record boundary). `onProgress(counters)`
    /// is called after each chunk. Resolves once the stream is closed.
    #[wasm_bindgen(js_name = pipeTo)]
    pub fn pipe_to(
        &self,
        writable: web_sys::WritableStream,
        signals: Vec<AbortSignal>,
        on_progress: Option<js_sys::Function>,
        prevent_close: bool,
    ) -> Result<Promise, JsValue> {
        self.ready()?;
        let run = self.run.clone();
        let counters_run = self.run.clone();
        Ok(wasm_bindgen_futures::future_to_promise(stream::pipe(
            run,
            writable,
            signals,
            on_progress,
            move || counters_run.borrow().counters(),
            prevent_close,
        )))
    }

    /// A pull-based `ReadableStream` of the chunks (high-water mark 0: nothing is generated before
    /// a read). An aborted `signal` errors it; cancelling counts the run as cancelled.
    pub fn readable(&self, signal: Option<AbortSignal>) -> Result<web_sys::ReadableStream, JsValue> {
        self.ready()?;
        Ok(stream::readable(self.run.clone(), signal))
    }

    /// Resolves after a yield to the event loop when the time budget since the last one is spent
    /// (for consumers that pull synchronously: async iteration, `records()`).
    #[wasm_bindgen(js_name = maybeYield)]
    pub fn maybe_yield(&self) -> Promise {
        let run = self.run.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            stream::maybe_yield(&run).await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Ends the run for good before `free()`: its streams end with "generator was freed". (A
    /// garbage-collected engine does not do this: a stream still being read keeps the run alive.)
    #[wasm_bindgen(js_name = markFreed)]
    pub fn mark_freed(&self) {
        self.run.borrow_mut().freed = true;
    }

    /// Whether the job has produced everything.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        let r = self.run.borrow();
        r.records.as_ref().map_or_else(|| r.job.is_done(), Job::is_done)
    }

    /// The run's seed as a decimal string.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> String {
        self.seed.to_string()
    }

    /// The dataset's file name, as the page and the edge worker name it:
    /// `patientgen-<label>-<patients>-seed<seed>[-shardKofN|-rangeA-B].<ext>`.
    #[wasm_bindgen(getter, js_name = fileName)]
    pub fn file_name(&self) -> String {
        self.file_name.clone()
    }

    /// The output's content type (encryption and compression accounted for).
    #[wasm_bindgen(getter, js_name = contentType)]
    pub fn content_type(&self) -> String {
        self.content_type.into()
    }

    /// The index range `[start, end]` this run generates.
    #[wasm_bindgen(getter)]
    pub fn range(&self) -> Array {
        pair(&self.range)
    }

    /// The core counters: `{patientsGenerated, totalPatients, chunks, bytesSerialized, bytesOut,
    /// outcomes: {KIA, DOW, RTD, Remains_Role4, NBD}, triage: {T1, T2, T3}, perDay: [...], seed,
    /// elapsedMs, patientsPerSecond, recordsWritten}`.
    #[wasm_bindgen(getter)]
    pub fn counters(&self) -> JsValue {
        self.run.borrow().counters()
    }

    /// The last chunk's report: `{patients, serialized, output, seconds, outcomes, triage,
    /// perDay}` (what that chunk alone held), or `undefined` before the first chunk.
    #[wasm_bindgen(getter, js_name = lastChunk)]
    pub fn last_chunk(&self) -> JsValue {
        let r = self.run.borrow();
        let Some(c) = r.last.report else { return JsValue::UNDEFINED };
        let o = Object::new();
        set(&o, "patients", c.patients as f64);
        set(&o, "serialized", c.serialized as f64);
        set(&o, "output", c.bytes as f64);
        set(&o, "seconds", r.last.seconds);
        set(&o, "outcomes", outcomes_object(&r.last.outcomes));
        set(&o, "triage", triage_object(&r.last.triage));
        set(&o, "perDay", numbers(&r.last.per_day));
        o.into()
    }

    /// The calibration counts of the patients generated so far as JSON text (mergeable with
    /// `mergeCalibrations`, rendered by `calibrationReport`), or `undefined` unless the engine was
    /// built with `calibration: true`.
    #[wasm_bindgen(js_name = calibrationCounts)]
    pub fn calibration_counts(&self) -> Option<String> {
        self.run.borrow().job.calibration().map(Calibration::to_json)
    }

    /// Records a failed run in the metrics (`cancelled`, `output`, …); the run counts as finished.
    #[wasm_bindgen(js_name = observeError)]
    pub fn observe_error(&mut self, error_type: &str) {
        self.run.borrow_mut().fail(error_type);
    }

    /// Prometheus text exposition of this engine's metrics.
    pub fn metrics(&self) -> String {
        self.run.borrow().metrics.render()
    }
}

/// The dataset file name of a scenario and run options — the one name the page, the edge worker
/// and `Generator.fileName` use: `patientgen-<label>-<patients>-seed<seed>[part].<ext>`
/// (`.pgenc` appended when `encrypted`). Throws a `ConfigError` for an invalid scenario or option;
/// without a seed in either, the name has none to give and the call throws too.
#[wasm_bindgen(js_name = fileName)]
pub fn file_name(config: JsValue, options: JsValue, encrypted: bool) -> Result<String, JsValue> {
    let s = setup_seeded(&config, &options)?;
    let total = s.scenario.resolved.total_patients;
    Ok(options::dataset_file_name(
        &s.label,
        total,
        s.seed,
        &s.options.part,
        s.options.format,
        s.options.compression,
        encrypted,
    ))
}

fn setup_seeded(config: &JsValue, options: &JsValue) -> Result<Setup, JsValue> {
    install_panic_hook();
    let text = scenario_text(config)?;
    let scenario = config::parse_scenario(&text).map_err(|e| config_error(&e))?;
    let o = run_options(options)?;
    let seed = o.seed.or(scenario.seed).ok_or_else(|| option_error("seed", "a file name needs a seed"))?;
    let mut scenario = scenario;
    if let Some(n) = o.patients {
        scenario.resolved.total_patients = n;
    }
    Ok(Setup { label: options::scenario_label(&text), scenario, options: o, seed })
}

/// The problems of run options (`[{path, message, suggestion?}]`, empty when none): the core's
/// rules for a form to show before a run (e.g. the password's length).
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(options: JsValue) -> JsValue {
    match run_options(&options) {
        Ok(_) => Array::new().into(),
        Err(e) => Reflect::get(&e, &"errors".into()).unwrap_or_else(|_| Array::new().into()),
    }
}

/// The content type of an output (`application/octet-stream` when encrypted).
#[wasm_bindgen(js_name = contentType)]
pub fn content_type(format: &str, compression: &str, encrypted: bool) -> Result<String, JsValue> {
    let o = run_options(&js_options(&[("format", format.into()), ("compression", compression.into())]))?;
    Ok(options::content_type(o.format, o.compression, encrypted).into())
}

fn js_options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, v.clone());
    }
    o.into()
}

/// Shard `k` of `n` of a run of `total` patients: `[start, end]` (DOMAIN.md §9:
/// `⌊(2kN + n) / (2n)⌋`). Throws a `ConfigError` (path `shard`) for an invalid shard.
#[wasm_bindgen(js_name = shardRange)]
pub fn shard_range_js(k: f64, n: f64, total: f64) -> Result<Array, JsValue> {
    let o = RunOptions { part: options::Part::Shard { index: k as u64, count: n as u64 }, ..RunOptions::default() };
    let r = o.range(total as u64).map_err(|e| options_error(&[e]))?;
    Ok(pair(&r))
}

/// `K/N` as `{index, count}`; throws a `ConfigError` (path `shard`).
#[wasm_bindgen(js_name = parseShard)]
pub fn parse_shard(text: &str) -> Result<JsValue, JsValue> {
    let (k, n) = options::parse_shard(text).map_err(|e| options_error(&[e]))?;
    Ok(js_options(&[("index", (k as f64).into()), ("count", (n as f64).into())]))
}

/// `A..B` as `[A, B]`; throws a `ConfigError` (path `range`).
#[wasm_bindgen(js_name = parseRange)]
pub fn parse_range(text: &str) -> Result<Array, JsValue> {
    let r = options::parse_range(text).map_err(|e| options_error(&[e]))?;
    Ok(pair(&r))
}

/// The output formats (`ndjson`, `json`, …).
#[wasm_bindgen]
pub fn formats() -> Vec<String> {
    Format::ALL.iter().map(|f| f.as_str().to_string()).collect()
}

/// The compressions (`none`, `gzip`, `zip`).
#[wasm_bindgen]
pub fn compressions() -> Vec<String> {
    options::COMPRESSIONS.iter().map(|s| s.to_string()).collect()
}

/// Patients per compression block (`BLOCK_PATIENTS`): gzip members start at its multiples.
#[wasm_bindgen(js_name = blockPatients)]
pub fn block_patients() -> f64 {
    crate::BLOCK_PATIENTS as f64
}

/// The configurable warfare types, in canonical order.
#[wasm_bindgen(js_name = warfareTypes)]
pub fn warfare_types() -> Vec<String> {
    crate::data::vocab::Warfare::TYPES.iter().map(|w| w.as_str().to_string()).collect()
}

/// The nations: `[{code, name}]` (ISO 3166-1 alpha-3 and English name), in table order.
#[wasm_bindgen]
pub fn nations() -> Array {
    crate::data::vocab::Nation::ALL
        .iter()
        .map(|n| js_options(&[("code", n.as_str().into()), ("name", n.name().into())]))
        .collect()
}

/// Metrics accumulated over many runs and requests — a server's (the edge worker keeps one per
/// isolate): the core's [`Metrics`] in its server form, so `/metrics` renders exactly what
/// `src/metrics.rs` renders. The host feeds it per-chunk deltas and run boundaries; `render()` adds
/// the size of this module's linear memory (`patientgen_wasm_memory_bytes`).
#[wasm_bindgen]
pub struct MetricsRegistry {
    inner: Metrics,
}

impl Default for MetricsRegistry {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl MetricsRegistry {
    /// An empty registry; every rejection status of the server exposition starts at 0.
    #[wasm_bindgen(constructor)]
    pub fn new() -> MetricsRegistry {
        MetricsRegistry { inner: Metrics::for_server() }
    }

    /// Records one emitted chunk of `format`: its patients, bytes per stage and wall time in
    /// seconds. Throws a `ConfigError` (path `format`) for an unknown format, or (path named)
    /// for a negative or non-integer count.
    #[wasm_bindgen(js_name = observeChunk)]
    pub fn observe_chunk(
        &mut self,
        format: &str,
        patients: f64,
        serialized: f64,
        output: f64,
        seconds: f64,
    ) -> Result<(), JsValue> {
        let f = Format::parse(format).ok_or_else(|| option_error("format", "unknown format"))?;
        let count = |v: f64, path: &str| {
            (v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0)
                .then_some(v as u64)
                .ok_or_else(|| option_error(path, "must be a non-negative integer"))
        };
        let (p, s, o) = (count(patients, "patients")?, count(serialized, "serialized")?, count(output, "output")?);
        let seconds = if seconds.is_finite() && seconds > 0.0 { seconds } else { 0.0 };
        self.inner.observe_chunk(f, p, s, o, seconds);
        Ok(())
    }

    /// Counts a failed run or request (`config_invalid`, `output`, `encryption`, `cancelled`,
    /// `internal`; anything else counts as `internal`).
    #[wasm_bindgen(js_name = observeError)]
    pub fn observe_error(&mut self, error_type: &str) {
        self.inner.observe_error(error_type);
    }

    /// Counts a request rejected with a 4xx `status`; false (nothing counted) for other statuses.
    #[wasm_bindgen(js_name = observeRejection)]
    pub fn observe_rejection(&mut self, status: u16) -> bool {
        self.inner.observe_rejection(status)
    }

    /// Counts a run that started.
    #[wasm_bindgen(js_name = runStarted)]
    pub fn run_started(&mut self) {
        self.inner.run_started();
    }

    /// Counts a run that ended (completed, failed or cancelled).
    #[wasm_bindgen(js_name = runFinished)]
    pub fn run_finished(&mut self) {
        self.inner.run_finished();
    }

    /// Runs started and not yet finished.
    #[wasm_bindgen(getter, js_name = activeRuns)]
    pub fn active_runs(&self) -> f64 {
        self.inner.active_runs() as f64
    }

    /// The Prometheus text exposition (format 0.0.4), with the current linear-memory size.
    pub fn render(&mut self) -> String {
        // A WebAssembly page is 64 KiB (WebAssembly core specification, "Memory Instances").
        let pages = core::arch::wasm32::memory_size(0) as u64;
        self.inner.set_memory_bytes(pages * 65536);
        self.inner.render()
    }
}

/// The shipped presets as JSON text (`[{id, name, …}]`).
#[wasm_bindgen(js_name = presetsJson)]
pub fn presets_json() -> String {
    crate::presets_json()
}

/// A JS `Error` named `ReportError` with `line` (when about a line) and `path`.
fn report_error(e: &ReportError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("ReportError");
    if let Some(line) = e.line() {
        set(&err, "line", line as f64);
    }
    set(&err, "path", e.path());
    err.into()
}

/// Adds calibration counts (JSON texts from `calibrationCounts()` of several engines or workers,
/// or from `Report.counts()`); returns the merged counts as JSON text.
#[wasm_bindgen(js_name = mergeCalibrations)]
pub fn merge_calibrations(counts: Vec<String>) -> Result<String, JsValue> {
    let mut total = Calibration::new();
    for c in &counts {
        total.merge(&Calibration::from_json(c).map_err(|e| report_error(&e))?);
    }
    Ok(total.to_json())
}

/// The calibration report of counts (JSON text) as `"json"` (the figures, as `patientgen report
/// --json` prints them) or `"markdown"` (the tables `patientgen report` prints).
#[wasm_bindgen(js_name = calibrationReport)]
pub fn calibration_report(counts: &str, format: &str) -> Result<String, JsValue> {
    let c = Calibration::from_json(counts).map_err(|e| report_error(&e))?;
    match format {
        "json" => Ok(c.figures().to_json()),
        "markdown" | "text" => Ok(c.figures().to_markdown()),
        _ => Err(option_error("format", "must be \"json\" or \"markdown\"")),
    }
}

/// The calibration report of an NDJSON input given in byte chunks split anywhere (what
/// `patientgen report FILE` prints); memory is bounded by the longest line.
#[wasm_bindgen]
pub struct Report {
    reader: CalibrationReader,
}

#[wasm_bindgen]
impl Report {
    /// An empty report.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Report {
        install_panic_hook();
        Report { reader: CalibrationReader::new() }
    }

    /// Reads a chunk of NDJSON; throws a `ReportError` naming the line and JSON path.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.reader.push(bytes).map_err(|e| report_error(&e))
    }

    /// Ends the input and returns the report as Markdown tables (`patientgen report`).
    pub fn finish(&mut self) -> Result<String, JsValue> {
        Ok(self.reader.finish().map_err(|e| report_error(&e))?.figures().to_markdown())
    }

    /// Ends the input and returns the report as JSON text (`patientgen report --json`).
    pub fn json(&mut self) -> Result<String, JsValue> {
        Ok(self.reader.finish().map_err(|e| report_error(&e))?.figures().to_json())
    }

    /// The calibration counts read so far as JSON text (for `mergeCalibrations`).
    pub fn counts(&self) -> String {
        self.reader.calibration().to_json()
    }
}

impl Default for Report {
    fn default() -> Self {
        Report::new()
    }
}

/// How many bytes at the end of a zip part `zipMergePlan` needs (its trailer), read from the
/// part's last 12 bytes `last`. Throws unless they end a patientgen zip part.
#[wasm_bindgen(js_name = zipPartTailLength)]
pub fn zip_part_tail_length(last: &[u8]) -> Result<f64, JsValue> {
    let body =
        crate::sink::ZipPart::trailer_len(last).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    Ok((body + crate::sink::ZipPart::TAIL_LEN) as f64)
}

/// The streaming merge of zip parts (docs/OUTPUT.md, "Merging zip shards"): `tails[i]` holds
/// the end of part `i` (at least `zipPartTailLength` bytes; the whole part will do), `lengths[i]`
/// its byte length and `names[i]` how errors name it. The parts must be in patient order.
/// Returns the pieces of the archive to write in order: a `Uint8Array` (bytes the merge made) or
/// `[part, start, end]` (that byte range of part `part`, copied as it is). Throws an `Error`
/// naming the part that does not fit.
#[wasm_bindgen(js_name = zipMergePlan)]
pub fn zip_merge_plan_js(tails: Array, lengths: Vec<f64>, names: Vec<String>) -> Result<Array, JsValue> {
    use crate::sink::{ZipPart, ZipPiece};
    let fail = |e: crate::sink::SinkError| JsValue::from(js_sys::Error::new(&e.to_string()));
    let mut parts = Vec::with_capacity(tails.length() as usize);
    for (i, tail) in tails.iter().enumerate() {
        let name = names.get(i).cloned().unwrap_or_else(|| format!("part {i}"));
        let tail = Uint8Array::new(&tail).to_vec();
        let len = lengths.get(i).copied().unwrap_or(tail.len() as f64) as u64;
        let part = ZipPart::parse(&tail, len).map_err(|e| js_sys::Error::new(&format!("{name}: {e}")))?;
        parts.push(part);
    }
    let plan = crate::sink::zip_merge_plan_named(&parts, &names).map_err(fail)?;
    Ok(plan
        .into_iter()
        .map(|p| -> JsValue {
            match p {
                ZipPiece::Bytes(b) => Uint8Array::from(&b[..]).into(),
                ZipPiece::Part { part, range } => {
                    Array::of3(&(part as f64).into(), &(range.start as f64).into(), &(range.end as f64).into()).into()
                }
            }
        })
        .collect())
}
