//! JavaScript bindings (DESIGN.md §3.2); compiled only for `wasm32`.
//!
//! This module is the only place that knows JavaScript. It exposes a synchronous engine over the
//! core [`Job`]: construct it from a scenario and options, pull chunks with `nextChunk()`, read the
//! counters and the metrics. The thin JS layer (`js/generator.js`) builds the asynchronous API on
//! it: `pipeTo` with backpressure and yielding, `readable()`, async iteration and abort.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::config::{self, ConfigErrors, Resolved};
use crate::report::{Calibration, CalibrationReader, ReportError};
use crate::sink::EncryptionParams;
use crate::{shard_range, Compression, Format, Job, JobOptions, Metrics};

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

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        // Option names are interned: each is decoded into a JS string once per process.
        Reflect::get(obj, &JsValue::from_str(wasm_bindgen::intern(key))).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
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
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| JsValue::from_str(&format!("cannot draw a random seed: {e}")))?;
    Ok(u64::from_le_bytes(b))
}

fn u64_of(v: &JsValue) -> Option<u64> {
    if let Some(f) = v.as_f64() {
        return (f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_991.0).then_some(f as u64);
    }
    if let Some(s) = v.as_string() {
        return s.parse().ok();
    }
    u64::try_from(v.clone()).ok()
}

fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| JsValue::from_str(&format!("cannot draw random bytes: {e}")))?;
    Ok(b)
}

fn bytes_of<const N: usize>(v: &JsValue, path: &str) -> Result<[u8; N], JsValue> {
    let arr = v
        .dyn_ref::<Uint8Array>()
        .filter(|a| a.length() as usize == N)
        .ok_or_else(|| option_error(path, &format!("must be a Uint8Array of {N} bytes")))?;
    let mut b = [0u8; N];
    arr.copy_to(&mut b);
    Ok(b)
}

/// Encryption parameters of `options.encryption` (`{password}` derived in the core, or `{key,
/// salt, iterations}` pre-derived with WebCrypto), with a fresh nonce prefix (and salt).
fn encryption_of(enc: &JsValue) -> Result<Option<EncryptionParams>, JsValue> {
    if enc.is_undefined() || enc.is_null() || get(enc, "deferred").is_truthy() {
        return Ok(None);
    }
    let prefix = random_bytes::<7>()?;
    let key = get(enc, "key");
    let mut params = if !key.is_undefined() {
        let key = bytes_of::<32>(&key, "encryption.key")?;
        let salt = bytes_of::<16>(&get(enc, "salt"), "encryption.salt")?;
        let it = u64_of(&get(enc, "iterations"))
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| option_error("encryption.iterations", "must be given with a pre-derived key"))?;
        EncryptionParams::with_key(key, salt, it, prefix)
    } else {
        let pw = get(enc, "password")
            .as_string()
            .ok_or_else(|| option_error("encryption.password", "must be a string (or give a key)"))?;
        let salt = match get(enc, "salt") {
            s if s.is_undefined() => random_bytes::<16>()?,
            s => bytes_of::<16>(&s, "encryption.salt")?,
        };
        let mut p = EncryptionParams::with_password(&pw, salt, prefix);
        match get(enc, "kdf").as_string().as_deref() {
            None | Some("pbkdf2") => {}
            Some("argon2id") => p.argon2id = Some(crate::sink::Argon2Cost::DEFAULT),
            Some(other) => {
                return Err(option_error(
                    "encryption.kdf",
                    &format!("must be \"pbkdf2\" or \"argon2id\", got {other:?}"),
                ))
            }
        }
        let it = get(enc, "iterations");
        if !it.is_undefined() {
            p.iterations = u64_of(&it)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| option_error("encryption.iterations", "must be an integer"))?;
        }
        p
    };
    let seg = get(enc, "segmentSize");
    if !seg.is_undefined() {
        params.segment_size = u64_of(&seg)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| option_error("encryption.segmentSize", "must be an integer"))?;
    }
    params.validate().map_err(|e| option_error("encryption", &e.to_string()))?;
    Ok(Some(params))
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

/// The synchronous generation engine (one job).
#[wasm_bindgen]
pub struct Engine {
    job: Job,
    /// What the job was built from, kept until the first chunk so `setKey` can rebuild it.
    setup: Option<(Resolved, u64, JobOptions)>,
    buf: Vec<u8>,
    metrics: Metrics,
    format: Format,
    compression: Compression,
    seed: u64,
    file_name: String,
    /// Whether the run was counted as finished in the metrics (completed, failed or cancelled).
    finished: bool,
}

#[wasm_bindgen]
impl Engine {
    /// Builds an engine. `options`: `{format, compression, csvRaw, chunkSize, chunkBytes, shard:
    /// {index, count}, range: [start, end], startIndex, seed, patients, calibration}`
    /// (`calibration: true` accumulates the calibration report: [`Engine::calibration_counts`]).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> Result<Engine, JsValue> {
        let mut scenario = parse(&config)?;
        let mut opts = JobOptions::default();
        let format = get(&options, "format");
        if let Some(f) = format.as_string() {
            opts.format = Format::parse(&f).ok_or_else(|| option_error("format", "unknown format"))?;
        }
        if let Some(c) = get(&options, "compression").as_string() {
            opts.compression =
                Compression::parse(&c).ok_or_else(|| option_error("compression", "unknown compression"))?;
        }
        let level = get(&options, "compressionLevel");
        if !level.is_undefined() {
            opts.compression_level = u64_of(&level)
                .filter(|v| (1..=9).contains(v))
                .ok_or_else(|| option_error("compressionLevel", "must be an integer 1 … 9"))?
                as u32;
        }
        let raw = get(&options, "csvRaw");
        if !raw.is_undefined() {
            opts.csv_raw = raw.as_bool().ok_or_else(|| option_error("csvRaw", "must be true or false"))?;
        }
        let cs = get(&options, "chunkSize");
        if !cs.is_undefined() {
            opts.chunk_size = u64_of(&cs)
                .and_then(|v| u32::try_from(v).ok())
                .filter(|v| *v > 0)
                .ok_or_else(|| option_error("chunkSize", "must be an integer ≥ 1"))?;
        }
        let cb = get(&options, "chunkBytes");
        if !cb.is_undefined() {
            opts.chunk_bytes = u64_of(&cb)
                .map(|v| v as usize)
                .ok_or_else(|| option_error("chunkBytes", "must be a non-negative integer"))?;
        }
        let patients = get(&options, "patients");
        if !patients.is_undefined() {
            let n = u64_of(&patients)
                .filter(|n| (1..=config::MAX_PATIENTS).contains(n))
                .ok_or_else(|| option_error("patients", "must be an integer between 1 and 2^40"))?;
            scenario.resolved.total_patients = n;
        }
        let seed_opt = get(&options, "seed");
        let seed = if !seed_opt.is_undefined() && !seed_opt.is_null() {
            u64_of(&seed_opt).ok_or_else(|| option_error("seed", "must be an integer 0 … 2^64−1"))?
        } else {
            match scenario.seed {
                Some(s) => s,
                None => random_seed()?,
            }
        };
        let total = scenario.resolved.total_patients;
        let shard = get(&options, "shard");
        if !shard.is_undefined() {
            let k = u64_of(&get(&shard, "index")).ok_or_else(|| option_error("shard.index", "must be an integer"))?;
            let n = u64_of(&get(&shard, "count")).ok_or_else(|| option_error("shard.count", "must be an integer"))?;
            opts.range = Some(shard_range(total, k, n).map_err(|e| option_error("shard", &e.to_string()))?);
        }
        let range = get(&options, "range");
        if !range.is_undefined() {
            let a = u64_of(&Reflect::get(&range, &0.into()).unwrap_or(JsValue::UNDEFINED))
                .ok_or_else(|| option_error("range[0]", "must be an integer"))?;
            let b = u64_of(&Reflect::get(&range, &1.into()).unwrap_or(JsValue::UNDEFINED))
                .ok_or_else(|| option_error("range[1]", "must be an integer"))?;
            opts.range = Some(a..b);
        }
        let start = get(&options, "startIndex");
        if !start.is_undefined() {
            let s = u64_of(&start).ok_or_else(|| option_error("startIndex", "must be an integer"))?;
            let end = opts.range.as_ref().map_or(total, |r| r.end);
            opts.range = Some(s..end);
        }
        opts.calibration = get(&options, "calibration").is_truthy();
        let enc = get(&options, "encryption");
        let encrypted = !enc.is_undefined() && !enc.is_null();
        opts.encryption = encryption_of(&enc)?;
        let job = Job::new(&scenario.resolved, seed, &opts).map_err(|e| option_error("", &e.to_string()))?;
        let file_name = crate::file_name(opts.format, opts.compression, encrypted);
        let mut metrics = Metrics::new();
        metrics.run_started();
        Ok(Engine {
            job,
            setup: Some((scenario.resolved, seed, opts.clone())),
            buf: Vec::new(),
            metrics,
            format: opts.format,
            compression: opts.compression,
            seed,
            file_name,
            finished: false,
        })
    }

    /// Counts the run as finished in the metrics, once.
    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.metrics.run_finished();
        }
    }

    /// Sets a key derived (e.g. with WebCrypto PBKDF2) from `salt` with `iterations`, before the
    /// first chunk; the job is rebuilt with encryption.
    #[wasm_bindgen(js_name = setKey)]
    pub fn set_key(&mut self, key: &[u8], salt: &[u8], iterations: u32, segment_size: u32) -> Result<(), JsValue> {
        let (cfg, seed, mut opts) = self
            .setup
            .take()
            .ok_or_else(|| option_error("encryption", "the key must be set before the first chunk"))?;
        let key: [u8; 32] = key.try_into().map_err(|_| option_error("encryption.key", "must be 32 bytes"))?;
        let salt: [u8; 16] = salt.try_into().map_err(|_| option_error("encryption.salt", "must be 16 bytes"))?;
        let mut params = EncryptionParams::with_key(key, salt, iterations, random_bytes::<7>()?);
        params.segment_size = segment_size;
        params.validate().map_err(|e| option_error("encryption", &e.to_string()))?;
        opts.encryption = Some(params);
        self.job = Job::new(&cfg, seed, &opts).map_err(|e| option_error("", &e.to_string()))?;
        Ok(())
    }

    /// The next chunk's bytes, or `undefined` when the job is finished. `seconds` is the host's
    /// measurement of the previous chunk's wall time, recorded in the metrics.
    #[wasm_bindgen(js_name = nextChunk)]
    pub fn next_chunk(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        Ok(if self.fill()? { Some(Uint8Array::from(&self.buf[..])) } else { None })
    }

    /// The next chunk as a view into the engine's own memory — no copy — or `undefined` when the
    /// job is finished. The view is only valid until the next call on this engine: the next chunk
    /// overwrites its bytes (and a memory growth empties it). For consumers that use the bytes at
    /// once (`fs.writeSync`, a hash, a byte count); anything that keeps or queues a chunk needs
    /// [`Engine::next_chunk`].
    #[wasm_bindgen(js_name = nextChunkView)]
    pub fn next_chunk_view(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        if !self.fill()? {
            return Ok(None);
        }
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        // Linear-memory addresses and lengths fit in u32 on wasm32.
        Ok(Some(Uint8Array::new_with_byte_offset_and_length(
            &memory.buffer(),
            self.buf.as_ptr() as usize as u32,
            self.buf.len() as u32,
        )))
    }

    /// Generates the next chunk into `self.buf`; false when there is nothing more.
    fn fill(&mut self) -> Result<bool, JsValue> {
        if self.job.is_done() {
            self.finish();
            return Ok(false);
        }
        self.setup = None;
        self.buf.clear();
        // The whole chunk budget at once, as `Job::run` does natively: no regrowth and copying.
        self.buf.reserve(self.job.chunk_capacity());
        let serialized_before = self.job.counters().bytes_serialized;
        let t0 = js_sys::Date::now();
        let report = match self.job.next_chunk(&mut self.buf) {
            Ok(r) => r,
            Err(e) => {
                self.metrics.observe_error("internal");
                self.finish();
                return Err(js_sys::Error::new(&e.to_string()).into());
            }
        };
        let seconds = (js_sys::Date::now() - t0) / 1000.0;
        let serialized = self.job.counters().bytes_serialized - serialized_before;
        self.metrics.observe_chunk(self.format, report.patients, serialized, report.bytes as u64, seconds);
        if report.done {
            self.finish();
        }
        Ok(!(report.bytes == 0 && report.done))
    }

    /// Whether the job has produced everything.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.job.is_done()
    }

    /// The run's seed as a decimal string.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> String {
        self.seed.to_string()
    }

    /// The suggested file name (`patients.ndjson.gz`, …).
    #[wasm_bindgen(getter, js_name = fileName)]
    pub fn file_name(&self) -> String {
        self.file_name.clone()
    }

    /// The output's content type.
    #[wasm_bindgen(getter, js_name = contentType)]
    pub fn content_type(&self) -> String {
        match self.compression {
            Compression::None => self.format.content_type().into(),
            Compression::Gzip => "application/gzip".into(),
            Compression::Zip => "application/zip".into(),
        }
    }

    /// The core counters: `{patientsGenerated, totalPatients, chunks, bytesSerialized, bytesOut,
    /// outcomes: {KIA, DOW, RTD, Remains_Role4, NBD}, triage: {T1, T2, T3}, perDay: [...], seed}`.
    #[wasm_bindgen(getter)]
    pub fn counters(&self) -> JsValue {
        let c = self.job.counters();
        let o = Object::new();
        set(&o, "patientsGenerated", c.patients_generated as f64);
        set(&o, "totalPatients", c.total_patients as f64);
        set(&o, "chunks", c.chunks as f64);
        set(&o, "bytesSerialized", c.bytes_serialized as f64);
        set(&o, "bytesOut", c.bytes_output as f64);
        let out = Object::new();
        for (k, v) in ["KIA", "DOW", "RTD", "Remains_Role4", "NBD"].iter().zip(c.outcomes) {
            set(&out, k, v as f64);
        }
        set(&o, "outcomes", out);
        let tri = Object::new();
        for (k, v) in ["T1", "T2", "T3"].iter().zip(c.triage) {
            set(&tri, k, v as f64);
        }
        set(&o, "triage", tri);
        let days = Array::new();
        for v in &c.per_day {
            days.push(&JsValue::from_f64(*v as f64));
        }
        set(&o, "perDay", days);
        set(&o, "seed", c.seed.to_string());
        o.into()
    }

    /// The calibration counts of the patients generated so far as JSON text (mergeable with
    /// `mergeCalibrations`, rendered by `calibrationReport`), or `undefined` unless the engine was
    /// built with `calibration: true`.
    #[wasm_bindgen(js_name = calibrationCounts)]
    pub fn calibration_counts(&self) -> Option<String> {
        self.job.calibration().map(Calibration::to_json)
    }

    /// Records a failed run in the metrics (`cancelled`, `output`, …); the run counts as finished.
    #[wasm_bindgen(js_name = observeError)]
    pub fn observe_error(&mut self, error_type: &str) {
        self.metrics.observe_error(error_type);
        self.finish();
    }

    /// Prometheus text exposition of this engine's metrics.
    pub fn metrics(&self) -> String {
        self.metrics.render()
    }
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
            u64_of(&JsValue::from_f64(v)).ok_or_else(|| option_error(path, "must be a non-negative integer"))
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
