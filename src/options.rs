//! Run options: what to generate from a scenario and how to write it (patients, seed, shard /
//! range / start index, chunk limits, format, compression, encryption, calibration, CSV raw).
//!
//! One parser and one validation for every host: the npm API's `options` object (read through
//! serde-wasm-bindgen), the edge worker's query, and the native CLI's `--range` / `--shard` syntax.
//! Every problem is an [`OptionError`]: the JSON path of the option and a typed [`OptionErrorKind`]
//! (unknown keys carry a did-you-mean). Pure Rust: no clock, no randomness (salts and nonce prefixes
//! are given by the host).

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::config::suggest;
use crate::config::MAX_PATIENTS;
use crate::format::Format;
use crate::job::{shard_range, JobOptions};
use crate::sink::encrypt::MIN_PASSWORD_CHARS;
use crate::sink::{Argon2Cost, Compression, EncryptionParams};

/// The option keys of [`RunOptions`], as the JavaScript API spells them.
pub const KEYS: [&str; 13] = [
    "patients",
    "seed",
    "shard",
    "range",
    "startIndex",
    "chunkSize",
    "chunkBytes",
    "format",
    "compression",
    "compressionLevel",
    "encryption",
    "calibration",
    "csvRaw",
];

/// The keys of `shard`.
pub const SHARD_KEYS: [&str; 2] = ["index", "count"];

/// The keys of `encryption`.
pub const ENCRYPTION_KEYS: [&str; 7] = ["password", "key", "salt", "iterations", "kdf", "segmentSize", "deriveKey"];

/// The key derivation functions `encryption.kdf` names.
pub const KDFS: [&str; 2] = ["pbkdf2", "argon2id"];

/// The compression names `compression` accepts.
pub const COMPRESSIONS: [&str; 3] = ["none", "gzip", "zip"];

/// Default deflate level (zlib's default, RFC 1950 / zlib manual `Z_DEFAULT_COMPRESSION` = 6).
pub const DEFAULT_COMPRESSION_LEVEL: u32 = 6;

/// A JSON-like value as a host hands it over (a JS value through serde-wasm-bindgen, or JSON).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (a safe-integer JS number, a `BigInt`, a JSON integer).
    Int(i128),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// Bytes (a `Uint8Array`).
    Bytes(Vec<u8>),
    /// An array.
    List(Vec<Value>),
    /// An object, keys in document order.
    Map(Vec<(String, Value)>),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON-like value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Int(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
                Ok(Value::Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
                Ok(Value::Bytes(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Value::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Value::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Value {
    /// A non-negative integer: an integral number, a `BigInt` or a decimal string.
    fn unsigned(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            Value::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f <= 9_007_199_254_740_991.0 => Some(*f as u64),
            Value::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        }
    }
}

/// What is wrong with an option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionErrorKind {
    /// The key is not an option; `suggestion` is the nearest known key.
    UnknownKey {
        /// The known key it most resembles.
        suggestion: Option<&'static str>,
    },
    /// The value has the wrong type.
    Type {
        /// What was expected.
        expected: &'static str,
    },
    /// An integer outside `min..=max`.
    OutOfRange {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A name that is not one of `allowed`.
    UnknownValue {
        /// What was given.
        value: String,
        /// The accepted names.
        allowed: &'static [&'static str],
        /// The accepted name it most resembles.
        suggestion: Option<&'static str>,
    },
    /// Text that does not follow the syntax (`A..B`, `K/N`).
    Syntax {
        /// The expected syntax, in words.
        expected: &'static str,
        /// What was given.
        got: String,
    },
    /// Shard `index` of `count` does not exist.
    Shard {
        /// 0-based shard.
        index: u64,
        /// Shards.
        count: u64,
    },
    /// A range that is not inside the run's `0..total`.
    RangeOutside {
        /// Start.
        start: u64,
        /// End.
        end: u64,
        /// The run's patients.
        total: u64,
    },
    /// Two options that cannot be combined; the error's path is the second.
    Conflict {
        /// The option it conflicts with.
        with: &'static str,
    },
    /// The password is shorter than [`MIN_PASSWORD_CHARS`] Unicode scalar values.
    PasswordTooShort,
    /// A byte string of the wrong length.
    Bytes {
        /// The required length.
        len: usize,
    },
    /// A rule of the encryption parameters ([`crate::sink::CryptoError`]), in words.
    Encryption(String),
}

/// One problem with the options: the JSON path of the option and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// JSON path (`"patients"`, `"shard.index"`, `"range[1]"`).
    pub path: String,
    /// What is wrong.
    pub kind: OptionErrorKind,
}

impl OptionError {
    fn new(path: impl Into<String>, kind: OptionErrorKind) -> Self {
        OptionError { path: path.into(), kind }
    }
}

impl fmt::Display for OptionErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            OptionErrorKind::UnknownKey { suggestion: Some(s) } => write!(f, "unknown option; did you mean \"{s}\"?"),
            OptionErrorKind::UnknownKey { suggestion: None } => write!(f, "unknown option"),
            OptionErrorKind::Type { expected } => write!(f, "must be {expected}"),
            OptionErrorKind::OutOfRange { min, max } => write!(f, "must be an integer between {min} and {max}"),
            OptionErrorKind::UnknownValue { value, allowed, suggestion } => {
                write!(f, "unknown value {value:?}")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean \"{s}\"?")?;
                }
                write!(f, " (accepted: {})", allowed.join(", "))
            }
            OptionErrorKind::Syntax { expected, got } => write!(f, "expected {expected}, got {got:?}"),
            OptionErrorKind::Shard { index, count } => {
                write!(
                    f,
                    "shard {index}/{count} is invalid: the index must be below the count and the count at least 1"
                )
            }
            OptionErrorKind::RangeOutside { start, end, total } => {
                write!(f, "range {start}..{end} is outside 0..{total}")
            }
            OptionErrorKind::Conflict { with } => write!(f, "cannot be used together with {with}"),
            OptionErrorKind::PasswordTooShort => {
                write!(f, "needs at least {MIN_PASSWORD_CHARS} characters")
            }
            OptionErrorKind::Bytes { len } => write!(f, "must be a Uint8Array of {len} bytes"),
            OptionErrorKind::Encryption(e) => f.write_str(e),
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.path, self.kind)
        }
    }
}

impl std::error::Error for OptionError {}

/// Which part of the run to generate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Part {
    /// The whole run.
    #[default]
    Whole,
    /// Shard `index` of `count` (DOMAIN.md §9: `⌊(2kN + n) / (2n)⌋`).
    Shard {
        /// 0-based shard.
        index: u64,
        /// Shards.
        count: u64,
    },
    /// The index range `start..end`.
    Range(Range<u64>),
}

impl Part {
    /// The file-name suffix of the part (`-shard2of4`, `-range0-100`, empty for the whole run).
    pub fn suffix(&self) -> String {
        match self {
            Part::Whole => String::new(),
            Part::Shard { index, count } => format!("-shard{index}of{count}"),
            Part::Range(r) => format!("-range{}-{}", r.start, r.end),
        }
    }
}

/// The key derivation `encryption.kdf` names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kdf {
    /// PBKDF2-HMAC-SHA-256.
    #[default]
    Pbkdf2,
    /// Argon2id with the default cost.
    Argon2id,
}

/// `encryption`: a password (derived in the core or, PBKDF2, by the host with WebCrypto) or a
/// pre-derived key with its salt and iteration count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionOptions {
    /// The password.
    pub password: Option<String>,
    /// A 32-byte key derived by the host.
    pub key: Option<[u8; 32]>,
    /// The 16-byte salt (drawn by the host when absent).
    pub salt: Option<[u8; 16]>,
    /// PBKDF2 iterations.
    pub iterations: Option<u32>,
    /// Key derivation.
    pub kdf: Kdf,
    /// Plaintext bytes per segment.
    pub segment_size: Option<u32>,
    /// `deriveKey: "core"`: derive the password's key in the core even where WebCrypto exists.
    pub derive_in_core: bool,
}

impl EncryptionOptions {
    /// Whether the host should derive the key (PBKDF2 from a password, with WebCrypto) and hand it
    /// over before the first chunk.
    pub fn host_derives(&self) -> bool {
        self.key.is_none() && self.password.is_some() && self.kdf == Kdf::Pbkdf2 && !self.derive_in_core
    }

    /// The PBKDF2 iteration count a host derivation uses.
    pub fn pbkdf2_iterations(&self) -> u32 {
        self.iterations.unwrap_or(crate::sink::encrypt::DEFAULT_ITERATIONS)
    }

    /// The segment size.
    pub fn segment(&self) -> u32 {
        self.segment_size.unwrap_or(crate::sink::encrypt::DEFAULT_SEGMENT_SIZE)
    }

    /// The sink's parameters, with `salt` used when none was given and the nonce prefix; a key
    /// derived by the host is passed as `host_key`.
    pub fn params(
        &self,
        salt: [u8; 16],
        nonce_prefix: [u8; 7],
        host_key: Option<[u8; 32]>,
    ) -> Result<EncryptionParams, OptionError> {
        let salt = self.salt.unwrap_or(salt);
        let mut p = match (self.key.or(host_key), &self.password) {
            (Some(key), _) => EncryptionParams::with_key(key, salt, self.pbkdf2_iterations(), nonce_prefix),
            (None, Some(pw)) => {
                let mut p = EncryptionParams::with_password(pw, salt, nonce_prefix);
                if let Some(it) = self.iterations {
                    p.iterations = it;
                }
                if self.kdf == Kdf::Argon2id {
                    p.argon2id = Some(Argon2Cost::DEFAULT);
                }
                p
            }
            (None, None) => {
                return Err(OptionError::new(
                    "encryption.password",
                    OptionErrorKind::Type { expected: "a string (or give a key)" },
                ))
            }
        };
        p.segment_size = self.segment();
        p.validate().map_err(|e| OptionError::new("encryption", OptionErrorKind::Encryption(e.to_string())))?;
        Ok(p)
    }
}

/// The run options, parsed and validated ([`RunOptions::parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Overrides the scenario's `total_patients`.
    pub patients: Option<u64>,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Shard or range.
    pub part: Part,
    /// Start here (resuming): the range becomes `start..end` of the part.
    pub start_index: Option<u64>,
    /// Most records per chunk.
    pub chunk_size: Option<u32>,
    /// Serialised-byte budget per chunk.
    pub chunk_bytes: Option<usize>,
    /// Output format.
    pub format: Format,
    /// Compression.
    pub compression: Compression,
    /// Deflate level 1–9.
    pub compression_level: u32,
    /// Encryption.
    pub encryption: Option<EncryptionOptions>,
    /// Accumulate the calibration report.
    pub calibration: bool,
    /// CSV: formula-like cells unchanged.
    pub csv_raw: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            patients: None,
            seed: None,
            part: Part::Whole,
            start_index: None,
            chunk_size: None,
            chunk_bytes: None,
            format: Format::Ndjson,
            compression: Compression::None,
            compression_level: DEFAULT_COMPRESSION_LEVEL,
            encryption: None,
            calibration: false,
            csv_raw: false,
        }
    }
}

/// Collects errors while reading an options object.
struct Reader {
    errors: Vec<OptionError>,
}

impl Reader {
    fn fail<T>(&mut self, path: &str, kind: OptionErrorKind) -> Option<T> {
        self.errors.push(OptionError::new(path, kind));
        None
    }

    fn map<'v>(&mut self, v: &'v Value, path: &str, keys: &'static [&'static str]) -> Option<&'v [(String, Value)]> {
        let Value::Map(entries) = v else {
            return self.fail(path, OptionErrorKind::Type { expected: "an object" });
        };
        for (k, _) in entries {
            if !keys.contains(&k.as_str()) {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                self.fail::<()>(&p, OptionErrorKind::UnknownKey { suggestion: suggest(k, keys.iter().copied()) });
            }
        }
        Some(entries)
    }

    fn int(&mut self, v: &Value, path: &str, min: u64, max: u64) -> Option<u64> {
        match v.unsigned() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(_) => self.fail(path, OptionErrorKind::OutOfRange { min, max }),
            None if matches!(v, Value::Int(_)) => self.fail(path, OptionErrorKind::OutOfRange { min, max }),
            None => self.fail(path, OptionErrorKind::Type { expected: "an integer" }),
        }
    }

    fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => self.fail(path, OptionErrorKind::Type { expected: "true or false" }),
        }
    }

    fn name<T>(
        &mut self,
        v: &Value,
        path: &str,
        allowed: &'static [&'static str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Value::Str(s) = v else {
            return self.fail(path, OptionErrorKind::Type { expected: "a string" });
        };
        match parse(s) {
            Some(t) => Some(t),
            None => self.fail(
                path,
                OptionErrorKind::UnknownValue {
                    value: s.clone(),
                    allowed,
                    suggestion: suggest(s, allowed.iter().copied()),
                },
            ),
        }
    }

    fn bytes<const N: usize>(&mut self, v: &Value, path: &str) -> Option<[u8; N]> {
        match v {
            Value::Bytes(b) if b.len() == N => b.as_slice().try_into().ok(),
            _ => self.fail(path, OptionErrorKind::Bytes { len: N }),
        }
    }

    fn encryption(&mut self, v: &Value) -> Option<EncryptionOptions> {
        let entries = self.map(v, "encryption", &ENCRYPTION_KEYS)?;
        let mut e = EncryptionOptions {
            password: None,
            key: None,
            salt: None,
            iterations: None,
            kdf: Kdf::Pbkdf2,
            segment_size: None,
            derive_in_core: false,
        };
        for (k, v) in entries {
            if *v == Value::Null {
                continue;
            }
            match k.as_str() {
                "password" => match v {
                    Value::Str(s) if s.chars().count() >= MIN_PASSWORD_CHARS => e.password = Some(s.clone()),
                    Value::Str(_) => self.fail("encryption.password", OptionErrorKind::PasswordTooShort)?,
                    _ => self.fail("encryption.password", OptionErrorKind::Type { expected: "a string" })?,
                },
                "key" => e.key = self.bytes::<32>(v, "encryption.key"),
                "salt" => e.salt = self.bytes::<16>(v, "encryption.salt"),
                "iterations" => {
                    e.iterations = self.int(v, "encryption.iterations", 1, u32::MAX as u64).map(|n| n as u32)
                }
                "segmentSize" => {
                    e.segment_size = self.int(v, "encryption.segmentSize", 1, u32::MAX as u64).map(|n| n as u32)
                }
                "kdf" => {
                    if let Some(k) = self.name(v, "encryption.kdf", &KDFS, |s| match s {
                        "pbkdf2" => Some(Kdf::Pbkdf2),
                        "argon2id" => Some(Kdf::Argon2id),
                        _ => None,
                    }) {
                        e.kdf = k;
                    }
                }
                "deriveKey" => {
                    e.derive_in_core =
                        self.name(v, "encryption.deriveKey", &["core", "host"], |s| Some(s == "core")).unwrap_or(false)
                }
                _ => {}
            }
        }
        if e.key.is_some() && e.iterations.is_none() {
            self.fail::<()>(
                "encryption.iterations",
                OptionErrorKind::Type { expected: "given with a pre-derived key" },
            );
        }
        if e.key.is_none() && e.password.is_none() && !self.errors.iter().any(|x| x.path.starts_with("encryption.")) {
            self.fail::<()>("encryption.password", OptionErrorKind::Type { expected: "a string (or give a key)" });
        }
        Some(e)
    }
}

impl RunOptions {
    /// Reads and checks the options object (`undefined`/`null` = defaults). Every problem is
    /// reported, in document order.
    pub fn parse(v: &Value) -> Result<RunOptions, Vec<OptionError>> {
        let mut out = RunOptions::default();
        if *v == Value::Null {
            return Ok(out);
        }
        let mut r = Reader { errors: Vec::new() };
        let Some(entries) = r.map(v, "", &KEYS) else {
            return Err(r.errors);
        };
        let mut shard = None;
        let mut range = None;
        for (k, v) in entries {
            if *v == Value::Null {
                continue;
            }
            match k.as_str() {
                "patients" => out.patients = r.int(v, "patients", 1, MAX_PATIENTS),
                "seed" => out.seed = r.int(v, "seed", 0, u64::MAX),
                "startIndex" => out.start_index = r.int(v, "startIndex", 0, MAX_PATIENTS),
                "chunkSize" => out.chunk_size = r.int(v, "chunkSize", 1, u32::MAX as u64).map(|n| n as u32),
                "chunkBytes" => out.chunk_bytes = r.int(v, "chunkBytes", 0, u32::MAX as u64).map(|n| n as usize),
                "format" => {
                    const NAMES: [&str; 6] = ["ndjson", "json", "json-wrapped", "csv", "xml", "fhir-r4"];
                    if let Some(f) = r.name(v, "format", &NAMES, Format::parse) {
                        out.format = f;
                    }
                }
                "compression" => {
                    if let Some(c) = r.name(v, "compression", &COMPRESSIONS, Compression::parse) {
                        out.compression = c;
                    }
                }
                "compressionLevel" => {
                    out.compression_level =
                        r.int(v, "compressionLevel", 1, 9).map_or(DEFAULT_COMPRESSION_LEVEL, |n| n as u32)
                }
                "calibration" => out.calibration = r.boolean(v, "calibration").unwrap_or(false),
                "csvRaw" => out.csv_raw = r.boolean(v, "csvRaw").unwrap_or(false),
                "encryption" => out.encryption = r.encryption(v),
                "shard" => {
                    shard = match v {
                        Value::Str(s) => parse_shard(s).map_err(|e| r.errors.push(e)).ok(),
                        _ => r.map(v, "shard", &SHARD_KEYS).and_then(|m| {
                            let get =
                                |key: &str| m.iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or(&Value::Null);
                            let index = r.int(get("index"), "shard.index", 0, u64::MAX);
                            let count = r.int(get("count"), "shard.count", 1, u64::MAX);
                            Some((index?, count?))
                        }),
                    }
                }
                "range" => {
                    range = match v {
                        Value::Str(s) => parse_range(s).map_err(|e| r.errors.push(e)).ok(),
                        Value::List(l) if l.len() == 2 => {
                            let a = r.int(&l[0], "range[0]", 0, MAX_PATIENTS);
                            let b = r.int(&l[1], "range[1]", 0, MAX_PATIENTS);
                            a.zip(b).map(|(a, b)| a..b)
                        }
                        _ => r.fail("range", OptionErrorKind::Type { expected: "[start, end] or \"A..B\"" }),
                    }
                }
                _ => {}
            }
        }
        match (shard, range) {
            (Some(_), Some(_)) => r.errors.push(OptionError::new("range", OptionErrorKind::Conflict { with: "shard" })),
            (Some((index, count)), None) => out.part = Part::Shard { index, count },
            (None, Some(range)) => out.part = Part::Range(range),
            (None, None) => {}
        }
        if r.errors.is_empty() {
            Ok(out)
        } else {
            Err(r.errors)
        }
    }

    /// [`RunOptions::parse`] of any serde value (JSON text, a JS object through
    /// serde-wasm-bindgen).
    pub fn from_deserializer<'de, D: Deserializer<'de>>(d: D) -> Result<RunOptions, Vec<OptionError>> {
        let v = Value::deserialize(d).map_err(|_| {
            vec![OptionError::new(
                "",
                OptionErrorKind::Type {
                    expected: "plain data (numbers, strings, booleans, arrays, objects, Uint8Array)",
                },
            )]
        })?;
        RunOptions::parse(&v)
    }

    /// The index range to generate of a run of `total` patients.
    pub fn range(&self, total: u64) -> Result<Range<u64>, OptionError> {
        let r = match &self.part {
            Part::Whole => 0..total,
            Part::Shard { index, count } => shard_range(total, *index, *count)
                .map_err(|_| OptionError::new("shard", OptionErrorKind::Shard { index: *index, count: *count }))?,
            Part::Range(r) => {
                if r.start > r.end || r.end > total {
                    return Err(OptionError::new(
                        "range",
                        OptionErrorKind::RangeOutside { start: r.start, end: r.end, total },
                    ));
                }
                r.clone()
            }
        };
        match self.start_index {
            Some(s) if s > r.end => {
                Err(OptionError::new("startIndex", OptionErrorKind::RangeOutside { start: s, end: r.end, total }))
            }
            Some(s) => Ok(s..r.end),
            None => Ok(r),
        }
    }

    /// The job options for a run of `total` patients (encryption is set by the caller, who holds
    /// the salt and nonce randomness).
    pub fn job_options(&self, total: u64) -> Result<JobOptions, OptionError> {
        let mut o = JobOptions {
            format: self.format,
            compression: self.compression,
            compression_level: self.compression_level,
            calibration: self.calibration,
            csv_raw: self.csv_raw,
            ..JobOptions::default()
        };
        if let Some(c) = self.chunk_size {
            o.chunk_size = c;
        }
        if let Some(b) = self.chunk_bytes {
            o.chunk_bytes = b;
        }
        let range = self.range(total)?;
        if range != (0..total) {
            o.range = Some(range);
        }
        Ok(o)
    }
}

/// `A..B` (the CLI's `--range`, the edge's `range=`): integers, `A ≤ B`.
pub fn parse_range(s: &str) -> Result<Range<u64>, OptionError> {
    let bad =
        || OptionError::new("range", OptionErrorKind::Syntax { expected: "A..B with integers", got: s.to_owned() });
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: u64 = a.trim().parse().map_err(|_| bad())?;
    let b: u64 = b.trim().parse().map_err(|_| bad())?;
    Ok(a..b)
}

/// `K/N` (the CLI's `--shard`, the edge's `shard=`): integers, `0 ≤ K < N`.
pub fn parse_shard(s: &str) -> Result<(u64, u64), OptionError> {
    let bad =
        || OptionError::new("shard", OptionErrorKind::Syntax { expected: "K/N with integers", got: s.to_owned() });
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k >= n {
        return Err(OptionError::new("shard", OptionErrorKind::Shard { index: k, count: n }));
    }
    Ok((k, n))
}

/// The label of a scenario in file names: the preset's id when the scenario only names a preset
/// (and a seed or patient count), `default` for an empty scenario, `<preset>-custom` or `custom`
/// otherwise. `scenario` is the scenario's JSON text; text that is not an object is `custom`.
pub fn scenario_label(scenario: &str) -> String {
    let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(scenario) else {
        return "custom".into();
    };
    let preset = obj.get("preset").and_then(|p| p.as_str());
    let own = obj.keys().any(|k| !["seed", "total_patients", "count", "preset"].contains(&k.as_str()));
    match (own, preset) {
        (false, Some(p)) => p.to_owned(),
        (false, None) => "default".into(),
        (true, Some(p)) => format!("{p}-custom"),
        (true, None) => "custom".into(),
    }
}

/// The file name of a dataset, the same on the page, the edge worker and in the npm API:
/// `patientgen-<label>-<patients>-seed<seed><part>.<ext>` (`label` reduced to `[A-Za-z0-9_.-]`, at
/// most 64 characters; `ext` as in [`crate::file_name`]: `ndjson`, `csv.gz`, `zip`, then `.pgenc`).
pub fn dataset_file_name(
    label: &str,
    patients: u64,
    seed: u64,
    part: &Part,
    format: Format,
    compression: Compression,
    encrypted: bool,
) -> String {
    let mut safe = String::new();
    let mut gap = false;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            safe.push(c);
            gap = false;
        } else if !gap {
            safe.push('_');
            gap = true;
        }
    }
    safe.truncate(64);
    let base = crate::file_name(format, compression, encrypted);
    let ext = base.strip_prefix("patients.").unwrap_or(&base);
    format!("patientgen-{safe}-{patients}-seed{seed}{}.{ext}", part.suffix())
}

/// The content type of an output: encrypted output is `application/octet-stream`, compressed
/// output `application/gzip` / `application/zip`, else the format's type.
pub fn content_type(format: Format, compression: Compression, encrypted: bool) -> &'static str {
    match (encrypted, compression) {
        (true, _) => "application/octet-stream",
        (false, Compression::Gzip) => "application/gzip",
        (false, Compression::Zip) => "application/zip",
        (false, Compression::None) => format.content_type(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<RunOptions, Vec<OptionError>> {
        RunOptions::from_deserializer(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn unknown_key_names_its_path_and_suggests() {
        let e = parse(r#"{"pattients": 5}"#).unwrap_err();
        assert_eq!(
            e,
            vec![OptionError::new("pattients", OptionErrorKind::UnknownKey { suggestion: Some("patients") })]
        );
        assert_eq!(e[0].to_string(), "pattients: unknown option; did you mean \"patients\"?");
        let e = parse(r#"{"shard": {"index": 0, "cuont": 2}, "encryption": {"pasword": "x"}}"#).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["shard.cuont", "shard.count", "encryption.pasword"]);
        assert_eq!(e[0].kind, OptionErrorKind::UnknownKey { suggestion: Some("count") });
        assert_eq!(e[2].kind, OptionErrorKind::UnknownKey { suggestion: Some("password") });
    }

    #[test]
    fn values_are_checked_with_paths() {
        let e =
            parse(r#"{"patients": 0, "format": "ndjsn", "chunkSize": 1.5, "compressionLevel": 10, "range": [0, -1]}"#)
                .unwrap_err();
        assert_eq!(e[0], OptionError::new("patients", OptionErrorKind::OutOfRange { min: 1, max: MAX_PATIENTS }));
        assert_eq!(
            e[1].kind,
            OptionErrorKind::UnknownValue {
                value: "ndjsn".into(),
                allowed: &["ndjson", "json", "json-wrapped", "csv", "xml", "fhir-r4"],
                suggestion: Some("ndjson")
            }
        );
        assert_eq!(e[2].path, "chunkSize");
        assert_eq!(e[3], OptionError::new("compressionLevel", OptionErrorKind::OutOfRange { min: 1, max: 9 }));
        assert_eq!(e[4].path, "range[1]");
        assert_eq!(
            parse(r#"{"shard": "1/4", "range": "0..5"}"#).unwrap_err()[0].kind,
            OptionErrorKind::Conflict { with: "shard" }
        );
    }

    #[test]
    fn a_password_counts_unicode_scalar_values() {
        // Seven characters, eight UTF-16 units: too short (the sink counts chars).
        let e = parse(r#"{"encryption": {"password": "abcdef😀"}}"#).unwrap_err();
        assert_eq!(e, vec![OptionError::new("encryption.password", OptionErrorKind::PasswordTooShort)]);
        let ok = parse(r#"{"encryption": {"password": "abcdefg😀"}}"#).unwrap();
        assert!(ok.encryption.unwrap().host_derives());
    }

    #[test]
    fn options_become_job_options() {
        let o = parse(r#"{"patients": 10, "seed": "18446744073709551615", "shard": {"index": 1, "count": 4}, "compression": "gzip", "compressionLevel": 9}"#)
            .unwrap();
        assert_eq!(o.seed, Some(u64::MAX));
        // Shards lie on the 1,000-patient compression grid (docs/OUTPUT.md).
        let j = o.job_options(4000).unwrap();
        assert_eq!(j.range, Some(1000..2000));
        assert_eq!(j.compression_level, 9);
        assert_eq!(parse("{}").unwrap().job_options(7).unwrap().compression_level, DEFAULT_COMPRESSION_LEVEL);
        let resumed = parse(r#"{"range": [2, 8], "startIndex": 5}"#).unwrap();
        assert_eq!(resumed.range(10).unwrap(), 5..8);
        let outside = parse(r#"{"range": "5..11"}"#).unwrap().range(10).unwrap_err();
        assert_eq!(outside.to_string(), "range: range 5..11 is outside 0..10");
    }

    #[test]
    fn range_and_shard_syntax() {
        assert_eq!(parse_range("3..9").unwrap(), 3..9);
        assert_eq!(parse_range("x").unwrap_err().to_string(), "range: expected A..B with integers, got \"x\"");
        assert_eq!(parse_shard("2/4").unwrap(), (2, 4));
        assert_eq!(parse_shard("4/4").unwrap_err().kind, OptionErrorKind::Shard { index: 4, count: 4 });
        assert_eq!(parse_shard("a/4").unwrap_err().path, "shard");
    }

    #[test]
    fn file_names_and_content_types() {
        assert_eq!(scenario_label("{}"), "default");
        assert_eq!(scenario_label(r#"{"preset": "nato_article_5", "seed": 5}"#), "nato_article_5");
        assert_eq!(scenario_label(r#"{"preset": "x", "days_of_fighting": 3}"#), "x-custom");
        assert_eq!(scenario_label(r#"{"days_of_fighting": 3}"#), "custom");
        let shard = Part::Shard { index: 2, count: 4 };
        assert_eq!(
            dataset_file_name("nato_article_5", 40000, 5, &shard, Format::Json, Compression::None, false),
            "patientgen-nato_article_5-40000-seed5-shard2of4.json"
        );
        assert_eq!(
            dataset_file_name("a b/c", 10, 1, &Part::Whole, Format::Csv, Compression::Gzip, true),
            "patientgen-a_b_c-10-seed1.csv.gz.pgenc"
        );
        assert_eq!(content_type(Format::Ndjson, Compression::None, false), "application/x-ndjson");
        assert_eq!(content_type(Format::Ndjson, Compression::Gzip, true), "application/octet-stream");
        assert_eq!(content_type(Format::Csv, Compression::Zip, false), "application/zip");
    }
}
