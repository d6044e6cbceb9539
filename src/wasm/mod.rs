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
}

#[wasm_bindgen]
impl Engine {
    /// Builds an engine. `options`: `{format, compression, csvRaw, chunkSize, chunkBytes, shard:
    /// {index, count}, range: [start, end], startIndex, seed, patients}`.
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
        let enc = get(&options, "encryption");
        let encrypted = !enc.is_undefined() && !enc.is_null();
        opts.encryption = encryption_of(&enc)?;
        let job = Job::new(&scenario.resolved, seed, &opts).map_err(|e| option_error("", &e.to_string()))?;
        let file_name = crate::file_name(opts.format, opts.compression, encrypted);
        Ok(Engine {
            job,
            setup: Some((scenario.resolved, seed, opts.clone())),
            buf: Vec::new(),
            metrics: Metrics::new(),
            format: opts.format,
            compression: opts.compression,
            seed,
            file_name,
        })
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
            return Ok(false);
        }
        self.setup = None;
        self.buf.clear();
        // The whole chunk budget at once, as `Job::run` does natively: no regrowth and copying.
        self.buf.reserve(self.job.chunk_capacity());
        let serialized_before = self.job.counters().bytes_serialized;
        let t0 = js_sys::Date::now();
        let report = self.job.next_chunk(&mut self.buf).map_err(|e| {
            self.metrics.observe_error("internal");
            JsValue::from(js_sys::Error::new(&e.to_string()))
        })?;
        let seconds = (js_sys::Date::now() - t0) / 1000.0;
        let serialized = self.job.counters().bytes_serialized - serialized_before;
        self.metrics.observe_chunk(self.format, report.patients, serialized, report.bytes as u64, seconds);
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
    /// outcomes: {KIA, DOW, RTD, Remains_Role4}, triage: {T1, T2, T3}, perDay: [...], seed}`.
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
        for (k, v) in ["KIA", "DOW", "RTD", "Remains_Role4"].iter().zip(c.outcomes) {
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

    /// Records a failed run in the metrics (`cancelled`, `output`, …).
    #[wasm_bindgen(js_name = observeError)]
    pub fn observe_error(&mut self, error_type: &str) {
        self.metrics.observe_error(error_type);
    }

    /// Prometheus text exposition of this engine's metrics.
    pub fn metrics(&self) -> String {
        self.metrics.render()
    }
}

/// The shipped presets as JSON text (`[{id, name, …}]`).
#[wasm_bindgen(js_name = presetsJson)]
pub fn presets_json() -> String {
    crate::presets_json()
}
