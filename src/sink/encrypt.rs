//! `PGENC1` streaming encryption (DOMAIN.md §10.3, docs/ENCRYPTION.md): AES-256-GCM over
//! fixed-size segments, STREAM construction (counter and final flag in the nonce), the 39-byte
//! header as associated data of every segment.
//!
//! The core draws no randomness: the caller supplies the salt and the nonce prefix (the CLI and
//! the wasm binding draw them from the OS). The key is either derived here from a password
//! (PBKDF2-HMAC-SHA256, or the memory-hard Argon2id of RFC 9106) or passed in already derived
//! (WebCrypto PBKDF2 in the browser and the edge).
//!
//! Every decryptor of the project (this one, `js/decrypt.js`, `tests/decrypt_pgenc1.py`) refuses a
//! header outside the same limits before deriving anything: the constants below, checked against
//! the shared vectors of `tests/vectors/`.

use std::fmt;
use std::io::{Read, Write};

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};

use super::{SinkError, Transform};

/// File magic.
pub const MAGIC: &[u8; 6] = b"PGENC1";
/// Format version byte.
pub const VERSION: u8 = 1;
/// KDF id of PBKDF2-HMAC-SHA256.
pub const KDF_PBKDF2_SHA256: u8 = 1;
/// KDF id of Argon2id (RFC 9106, version 0x13); header bytes 8..12 hold its cost (see
/// [`Argon2Cost`]).
pub const KDF_ARGON2ID: u8 = 2;
/// Smallest accepted Argon2id memory, in MiB: OWASP Password Storage Cheat Sheet's minimum
/// configuration (19 MiB, 2 passes, 1 lane).
pub const ARGON2_MIN_MEMORY_MIB: u16 = 19;
/// Largest accepted Argon2id memory, in MiB: a hostile header cannot make a decryptor (a browser
/// tab included) allocate more than this.
pub const ARGON2_MAX_MEMORY_MIB: u16 = 256;
/// Smallest accepted Argon2id pass count (OWASP's 19 MiB configuration uses 2).
pub const ARGON2_MIN_PASSES: u8 = 2;
/// Largest accepted Argon2id pass count: bounds the derivation time of a hostile header.
pub const ARGON2_MAX_PASSES: u8 = 10;
/// Largest accepted Argon2id lane count (RFC 9106 §4 recommends 4).
pub const ARGON2_MAX_LANES: u8 = 8;
/// Header length in bytes.
pub const HEADER_LEN: usize = 39;
/// GCM tag length in bytes.
pub const TAG_LEN: usize = 16;
/// Default PBKDF2 iteration count.
pub const DEFAULT_ITERATIONS: u32 = 600_000;
/// Smallest accepted PBKDF2 iteration count.
pub const MIN_ITERATIONS: u32 = 100_000;
/// Largest accepted PBKDF2 iteration count: a hostile header cannot make derivation run for hours.
pub const MAX_ITERATIONS: u32 = 10_000_000;
/// Default plaintext bytes per segment.
pub const DEFAULT_SEGMENT_SIZE: u32 = 65_536;
/// Largest segment size (2^24).
pub const MAX_SEGMENT_SIZE: u32 = 1 << 24;
/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A failure to encrypt or decrypt.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The password is shorter than [`MIN_PASSWORD_CHARS`].
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    /// The iteration count is below [`MIN_ITERATIONS`].
    #[error("PBKDF2 iterations must be at least {MIN_ITERATIONS}, got {0}")]
    TooFewIterations(u32),
    /// The iteration count is above [`MAX_ITERATIONS`].
    #[error("PBKDF2 iterations must be at most {MAX_ITERATIONS}, got {0}")]
    TooManyIterations(u32),
    /// An Argon2id cost outside the accepted limits.
    #[error(
        "Argon2id cost must be {ARGON2_MIN_MEMORY_MIB}..={ARGON2_MAX_MEMORY_MIB} MiB, \
         {ARGON2_MIN_PASSES}..={ARGON2_MAX_PASSES} passes and 1..={ARGON2_MAX_LANES} lanes, got {0}"
    )]
    Argon2Cost(Argon2Cost),
    /// The segment size is outside 1…2^24.
    #[error("segment size must be between 1 and {MAX_SEGMENT_SIZE}, got {0}")]
    SegmentSize(u32),
    /// The input does not start with the `PGENC1` magic.
    #[error("not a PGENC1 stream")]
    NotPgenc,
    /// An unknown format version.
    #[error("unsupported PGENC1 version {0}")]
    UnsupportedVersion(u8),
    /// An unknown key-derivation function.
    #[error("unsupported key derivation function id {0}")]
    UnsupportedKdf(u8),
    /// The input ends inside the header or before the final segment.
    #[error("the encrypted stream is truncated")]
    Truncated,
    /// A segment failed authentication: wrong password, or data tampered with, truncated at a
    /// segment boundary, reordered or appended to.
    #[error(
        "authentication failed at segment {segment}: wrong password, or the data was modified, truncated or reordered"
    )]
    Authentication {
        /// 0-based index of the failing segment.
        segment: u64,
    },
    /// More than 2^32 segments.
    #[error("too many segments (at most 2^32)")]
    TooManySegments,
    /// Data after the stream was finished.
    #[error("the stream is already finished")]
    Finished,
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// The cost of an Argon2id derivation, stored in header bytes 8..12 as memory in MiB (u16,
/// big-endian), passes (u8), lanes (u8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Argon2Cost {
    /// Memory in MiB (19…256).
    pub memory_mib: u16,
    /// Passes over the memory, Argon2's `t` (2…10).
    pub passes: u8,
    /// Lanes, Argon2's `p` (1…8).
    pub lanes: u8,
}

impl Argon2Cost {
    /// RFC 9106 §4's second recommended option: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: Argon2Cost = Argon2Cost { memory_mib: 64, passes: 3, lanes: 4 };

    /// Checks the limits.
    pub fn validate(self) -> Result<(), CryptoError> {
        let ok = (ARGON2_MIN_MEMORY_MIB..=ARGON2_MAX_MEMORY_MIB).contains(&self.memory_mib)
            && (ARGON2_MIN_PASSES..=ARGON2_MAX_PASSES).contains(&self.passes)
            && (1..=ARGON2_MAX_LANES).contains(&self.lanes);
        if ok {
            Ok(())
        } else {
            Err(CryptoError::Argon2Cost(self))
        }
    }

    fn to_bytes(self) -> [u8; 4] {
        let m = self.memory_mib.to_be_bytes();
        [m[0], m[1], self.passes, self.lanes]
    }

    fn from_bytes(b: [u8; 4]) -> Argon2Cost {
        Argon2Cost { memory_mib: u16::from_be_bytes([b[0], b[1]]), passes: b[2], lanes: b[3] }
    }
}

impl fmt::Display for Argon2Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} MiB, {} passes, {} lanes", self.memory_mib, self.passes, self.lanes)
    }
}

/// `Argon2id(password, salt, cost, 32 bytes)` (RFC 9106, version 0x13, no secret, no data).
pub fn derive_key_argon2id(password: &str, salt: &[u8; 16], cost: Argon2Cost) -> Result<[u8; 32], CryptoError> {
    cost.validate()?;
    let params =
        argon2::Params::new(u32::from(cost.memory_mib) * 1024, u32::from(cost.passes), u32::from(cost.lanes), Some(32))
            .map_err(|_| CryptoError::Argon2Cost(cost))?;
    let mut key = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut key)
        .map_err(|_| CryptoError::Argon2Cost(cost))?;
    Ok(key)
}

/// The key material of an encryption.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// A password (UTF-8, used exactly as given), derived with PBKDF2 in the core.
    Password(String),
    /// A 32-byte AES key already derived with PBKDF2-HMAC-SHA256 from the header's salt and
    /// iteration count (e.g. by WebCrypto `deriveBits`).
    Key([u8; 32]),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Password(<redacted>)"),
            Secret::Key(_) => f.write_str("Key(<redacted>)"),
        }
    }
}

/// Everything an encryption needs. Salt and nonce prefix must be fresh random bytes per run
/// (the caller draws them; reusing them with the same key reuses GCM nonces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionParams {
    /// Password or pre-derived key.
    pub secret: Secret,
    /// PBKDF2 salt (written into the header).
    pub salt: [u8; 16],
    /// First 7 bytes of every nonce.
    pub nonce_prefix: [u8; 7],
    /// PBKDF2 iterations (≥ 100,000; for a pre-derived key, the count it was derived with).
    /// Unused with Argon2id.
    pub iterations: u32,
    /// `Some(cost)`: derive with Argon2id (KDF id 2) instead of PBKDF2.
    pub argon2id: Option<Argon2Cost>,
    /// Plaintext bytes per segment, 1…2^24.
    pub segment_size: u32,
}

impl EncryptionParams {
    /// Parameters for a password with the default iteration count and segment size.
    pub fn with_password(password: &str, salt: [u8; 16], nonce_prefix: [u8; 7]) -> Self {
        EncryptionParams {
            secret: Secret::Password(password.to_owned()),
            salt,
            nonce_prefix,
            iterations: DEFAULT_ITERATIONS,
            argon2id: None,
            segment_size: DEFAULT_SEGMENT_SIZE,
        }
    }

    /// Parameters for a key derived from `salt` with `iterations`, default segment size.
    pub fn with_key(key: [u8; 32], salt: [u8; 16], iterations: u32, nonce_prefix: [u8; 7]) -> Self {
        EncryptionParams {
            secret: Secret::Key(key),
            salt,
            nonce_prefix,
            iterations,
            argon2id: None,
            segment_size: DEFAULT_SEGMENT_SIZE,
        }
    }

    /// Checks the password length, the KDF cost (iteration count or Argon2id cost) and the
    /// segment size.
    pub fn validate(&self) -> Result<(), CryptoError> {
        if let Secret::Password(p) = &self.secret {
            if p.chars().count() < MIN_PASSWORD_CHARS {
                return Err(CryptoError::PasswordTooShort);
            }
        }
        self.header_fields().check()
    }

    fn header_fields(&self) -> Header {
        Header {
            iterations: self.iterations,
            argon2id: self.argon2id,
            salt: self.salt,
            nonce_prefix: self.nonce_prefix,
            segment_size: self.segment_size,
        }
    }

    /// The 39-byte header these parameters produce.
    pub fn header(&self) -> [u8; HEADER_LEN] {
        self.header_fields().to_bytes()
    }
}

/// The fields of a `PGENC1` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// PBKDF2 iterations (KDF id 1).
    pub iterations: u32,
    /// The Argon2id cost (KDF id 2); `None` for PBKDF2.
    pub argon2id: Option<Argon2Cost>,
    /// PBKDF2 salt.
    pub salt: [u8; 16],
    /// Nonce prefix.
    pub nonce_prefix: [u8; 7],
    /// Plaintext bytes per segment.
    pub segment_size: u32,
}

impl Header {
    /// The header bytes: magic, version, KDF id, KDF cost (PBKDF2 iterations BE, or the
    /// Argon2id cost), salt, nonce prefix, segment size (BE).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0..6].copy_from_slice(MAGIC);
        h[6] = VERSION;
        match self.argon2id {
            None => {
                h[7] = KDF_PBKDF2_SHA256;
                h[8..12].copy_from_slice(&self.iterations.to_be_bytes());
            }
            Some(cost) => {
                h[7] = KDF_ARGON2ID;
                h[8..12].copy_from_slice(&cost.to_bytes());
            }
        }
        h[12..28].copy_from_slice(&self.salt);
        h[28..35].copy_from_slice(&self.nonce_prefix);
        h[35..39].copy_from_slice(&self.segment_size.to_be_bytes());
        h
    }

    /// Checks the limits every decryptor enforces: the KDF cost and the segment size.
    fn check(&self) -> Result<(), CryptoError> {
        match self.argon2id {
            Some(cost) => cost.validate()?,
            None if self.iterations < MIN_ITERATIONS => return Err(CryptoError::TooFewIterations(self.iterations)),
            None if self.iterations > MAX_ITERATIONS => return Err(CryptoError::TooManyIterations(self.iterations)),
            None => {}
        }
        if self.segment_size == 0 || self.segment_size > MAX_SEGMENT_SIZE {
            return Err(CryptoError::SegmentSize(self.segment_size));
        }
        Ok(())
    }

    /// Parses and checks a header (in this order: magic, version, KDF id, KDF cost, segment size).
    pub fn parse(h: &[u8; HEADER_LEN]) -> Result<Header, CryptoError> {
        if &h[0..6] != MAGIC {
            return Err(CryptoError::NotPgenc);
        }
        if h[6] != VERSION {
            return Err(CryptoError::UnsupportedVersion(h[6]));
        }
        let cost = [h[8], h[9], h[10], h[11]];
        let (iterations, argon2id) = match h[7] {
            KDF_PBKDF2_SHA256 => (u32::from_be_bytes(cost), None),
            KDF_ARGON2ID => (0, Some(Argon2Cost::from_bytes(cost))),
            other => return Err(CryptoError::UnsupportedKdf(other)),
        };
        let segment_size = u32::from_be_bytes([h[35], h[36], h[37], h[38]]);
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&h[12..28]);
        let mut nonce_prefix = [0u8; 7];
        nonce_prefix.copy_from_slice(&h[28..35]);
        let header = Header { iterations, argon2id, salt, nonce_prefix, segment_size };
        header.check()?;
        Ok(header)
    }

    /// Derives the key of `password` with this header's KDF, salt and cost.
    pub fn derive_key(&self, password: &str) -> Result<[u8; 32], CryptoError> {
        match self.argon2id {
            Some(cost) => derive_key_argon2id(password, &self.salt, cost),
            None => Ok(derive_key(password, &self.salt, self.iterations)),
        }
    }
}

/// `PBKDF2-HMAC-SHA256(password, salt, iterations, 32 bytes)`.
pub fn derive_key(password: &str, salt: &[u8; 16], iterations: u32) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut key);
    key
}

fn cipher_of(secret: &Secret, header: &Header) -> Result<Aes256Gcm, CryptoError> {
    let key = match secret {
        Secret::Password(p) => header.derive_key(p)?,
        Secret::Key(k) => *k,
    };
    Ok(Aes256Gcm::new(&key.into()))
}

/// The nonce of segment `j`: prefix ‖ u32_be(j) ‖ last flag.
fn nonce(prefix: &[u8; 7], j: u32, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&j.to_be_bytes());
    n[11] = last as u8;
    n
}

/// The streaming encryptor. Feed plaintext with [`update`](Encryptor::update), end with
/// [`finish`](Encryptor::finish); it holds back up to one full segment until it knows whether
/// more data follows.
pub struct Encryptor {
    cipher: Aes256Gcm,
    header: [u8; HEADER_LEN],
    prefix: [u8; 7],
    segment: usize,
    pending: Vec<u8>,
    counter: u64,
    header_written: bool,
    finished: bool,
}

impl fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encryptor")
            .field("segment", &self.segment)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl Encryptor {
    /// Validates the parameters and derives the key (for a password, this runs the KDF).
    pub fn new(params: &EncryptionParams) -> Result<Self, CryptoError> {
        params.validate()?;
        Ok(Encryptor {
            cipher: cipher_of(&params.secret, &params.header_fields())?,
            header: params.header(),
            prefix: params.nonce_prefix,
            segment: params.segment_size as usize,
            pending: Vec::new(),
            counter: 0,
            header_written: false,
            finished: false,
        })
    }

    /// The header this encryptor writes.
    pub fn header(&self) -> &[u8; HEADER_LEN] {
        &self.header
    }

    fn seal(&mut self, from: usize, len: usize, last: bool, out: &mut Vec<u8>) -> Result<(), CryptoError> {
        let j = u32::try_from(self.counter).map_err(|_| CryptoError::TooManySegments)?;
        let n = nonce(&self.prefix, j, last);
        let start = out.len();
        out.extend_from_slice(&self.pending[from..from + len]);
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(&n), &self.header, &mut out[start..])
            .map_err(|_| CryptoError::SegmentSize(len as u32))?;
        out.extend_from_slice(&tag);
        self.counter += 1;
        Ok(())
    }

    fn write_header(&mut self, out: &mut Vec<u8>) {
        if !self.header_written {
            self.header_written = true;
            out.extend_from_slice(&self.header);
        }
    }

    /// Encrypts every full segment of `input` that is known not to be the last.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CryptoError> {
        if self.finished {
            return Err(CryptoError::Finished);
        }
        self.write_header(out);
        self.pending.extend_from_slice(input);
        let mut from = 0;
        // A full segment is released only once a byte after it exists.
        while self.pending.len() - from > self.segment {
            self.seal(from, self.segment, false, out)?;
            from += self.segment;
        }
        self.pending.drain(..from);
        Ok(())
    }

    /// Encrypts the final segment (1…S bytes, or 0 when the whole plaintext was empty).
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), CryptoError> {
        if self.finished {
            return Err(CryptoError::Finished);
        }
        self.write_header(out);
        self.finished = true;
        let len = self.pending.len();
        self.seal(0, len, true, out)?;
        self.pending = Vec::new();
        Ok(())
    }
}

/// Seals PGENC1 segments by index, for workers that encrypt their part of one stream in
/// parallel: segment `j` holds plaintext bytes `[j·S, (j+1)·S)` of the stream (S = the segment
/// size), so a worker that knows the byte offset of its data seals whole segments on its own. The
/// stream is the header ([`SegmentSealer::header`]) followed by the sealed segments in index
/// order; only the last one has `last` set (an empty plaintext is one empty last segment). The
/// bytes are exactly [`Encryptor`]'s.
#[derive(Clone)]
pub struct SegmentSealer {
    cipher: Aes256Gcm,
    header: [u8; HEADER_LEN],
    prefix: [u8; 7],
    segment: u32,
}

impl fmt::Debug for SegmentSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SegmentSealer").field("segment", &self.segment).finish_non_exhaustive()
    }
}

impl SegmentSealer {
    /// Validates the parameters and derives the key once (for a password, this runs the KDF).
    pub fn new(params: &EncryptionParams) -> Result<Self, CryptoError> {
        params.validate()?;
        Ok(SegmentSealer {
            cipher: cipher_of(&params.secret, &params.header_fields())?,
            header: params.header(),
            prefix: params.nonce_prefix,
            segment: params.segment_size,
        })
    }

    /// The stream's header.
    pub fn header(&self) -> &[u8; HEADER_LEN] {
        &self.header
    }

    /// Plaintext bytes per segment.
    pub fn segment_size(&self) -> u32 {
        self.segment
    }

    /// Appends segment `index` (ciphertext then tag) of `plaintext` (at most one segment; exactly
    /// one unless `last`) to `out`.
    pub fn seal(&self, index: u64, plaintext: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), CryptoError> {
        if plaintext.len() > self.segment as usize || (!last && plaintext.len() != self.segment as usize) {
            return Err(CryptoError::SegmentSize(plaintext.len() as u32));
        }
        let j = u32::try_from(index).map_err(|_| CryptoError::TooManySegments)?;
        let n = nonce(&self.prefix, j, last);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(&n), &self.header, &mut out[start..])
            .map_err(|_| CryptoError::SegmentSize(plaintext.len() as u32))?;
        out.extend_from_slice(&tag);
        Ok(())
    }
}

impl Transform for Encryptor {
    fn chunk(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        self.update(input, out)?;
        if last {
            self.finish(out)?;
        }
        Ok(())
    }
}

/// Encrypts a whole buffer (convenience for tests and small outputs).
pub fn encrypt(params: &EncryptionParams, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut e = Encryptor::new(params)?;
    let mut out = Vec::with_capacity(plaintext.len() + HEADER_LEN + TAG_LEN * (plaintext.len() / 4096 + 1));
    e.update(plaintext, &mut out)?;
    e.finish(&mut out)?;
    Ok(out)
}

enum DecryptKey {
    Password(String),
    Key([u8; 32]),
}

/// The streaming decryptor. Push ciphertext with [`push`](Decryptor::push), end with
/// [`finish`](Decryptor::finish). Plaintext is released segment by segment once authenticated;
/// the stream as a whole is valid only when `finish` succeeds (a truncated stream fails there).
pub struct Decryptor {
    key: DecryptKey,
    header: Option<([u8; HEADER_LEN], Header, Aes256Gcm)>,
    buf: Vec<u8>,
    counter: u64,
    finished: bool,
}

impl fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decryptor").field("counter", &self.counter).finish_non_exhaustive()
    }
}

impl Decryptor {
    /// A decryptor deriving the key from `password` and the header's salt and iterations.
    pub fn new(password: &str) -> Self {
        Self::with(DecryptKey::Password(password.to_owned()))
    }

    /// A decryptor with an already derived key (derived from the header's salt and iterations).
    pub fn with_key(key: [u8; 32]) -> Self {
        Self::with(DecryptKey::Key(key))
    }

    fn with(key: DecryptKey) -> Self {
        Decryptor { key, header: None, buf: Vec::new(), counter: 0, finished: false }
    }

    /// The parsed header, once [`HEADER_LEN`] bytes have been pushed.
    pub fn header(&self) -> Option<Header> {
        self.header.as_ref().map(|h| h.1)
    }

    fn open(&mut self, len: usize, last: bool, out: &mut Vec<u8>) -> Result<(), CryptoError> {
        let Some((hbytes, h, cipher)) = &self.header else {
            return Err(CryptoError::Truncated);
        };
        if len < TAG_LEN {
            return Err(CryptoError::Truncated);
        }
        let j = u32::try_from(self.counter).map_err(|_| CryptoError::TooManySegments)?;
        let n = nonce(&h.nonce_prefix, j, last);
        let body = len - TAG_LEN;
        let start = out.len();
        out.extend_from_slice(&self.buf[..body]);
        let tag = Tag::from_slice(&self.buf[body..len]);
        if cipher.decrypt_in_place_detached(Nonce::from_slice(&n), hbytes, &mut out[start..], tag).is_err() {
            out.truncate(start);
            return Err(CryptoError::Authentication { segment: self.counter });
        }
        self.counter += 1;
        self.buf.drain(..len);
        Ok(())
    }

    /// Consumes ciphertext and appends the plaintext of every segment known not to be the last.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CryptoError> {
        if self.finished {
            return Err(CryptoError::Finished);
        }
        self.buf.extend_from_slice(input);
        if self.header.is_none() {
            if self.buf.len() < HEADER_LEN {
                return Ok(());
            }
            let mut hb = [0u8; HEADER_LEN];
            hb.copy_from_slice(&self.buf[..HEADER_LEN]);
            let h = Header::parse(&hb)?;
            let cipher = match &self.key {
                DecryptKey::Password(p) => cipher_of(&Secret::Password(p.clone()), &h)?,
                DecryptKey::Key(k) => Aes256Gcm::new(&(*k).into()),
            };
            self.buf.drain(..HEADER_LEN);
            self.header = Some((hb, h, cipher));
        }
        let full = self.header.as_ref().map_or(0, |h| h.1.segment_size as usize + TAG_LEN);
        // A full segment is not the last one only if more bytes follow it.
        while self.buf.len() > full {
            self.open(full, false, out)?;
        }
        Ok(())
    }

    /// Decrypts the final segment; fails if the stream is truncated or was modified.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), CryptoError> {
        if self.finished {
            return Err(CryptoError::Finished);
        }
        self.finished = true;
        if self.header.is_none() {
            return Err(if self.buf.len() >= 6 && &self.buf[..6] != MAGIC {
                CryptoError::NotPgenc
            } else {
                CryptoError::Truncated
            });
        }
        let len = self.buf.len();
        self.open(len, true, out)
    }
}

/// Decrypts a whole `PGENC1` stream from `reader` into `writer`; returns the plaintext length.
/// On error, `writer` may hold a prefix of the plaintext (each written part was authenticated,
/// but the stream as a whole is not valid).
pub fn decrypt_stream<R: Read, W: Write>(mut reader: R, mut writer: W, password: &str) -> Result<u64, CryptoError> {
    let mut d = Decryptor::new(password);
    let mut inbuf = vec![0u8; 1 << 16];
    let mut out = Vec::with_capacity(1 << 17);
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut inbuf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        out.clear();
        d.push(&inbuf[..n], &mut out)?;
        writer.write_all(&out)?;
        total += out.len() as u64;
    }
    out.clear();
    d.finish(&mut out)?;
    writer.write_all(&out)?;
    writer.flush()?;
    Ok(total + out.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_iteration_counts_are_refused() {
        let mut h = params(64).header();
        h[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(Header::parse(&h), Err(CryptoError::TooManyIterations(u32::MAX))));
        let mut p = params(64);
        p.iterations = MAX_ITERATIONS + 1;
        assert!(matches!(p.validate(), Err(CryptoError::TooManyIterations(_))));
    }

    fn params(segment_size: u32) -> EncryptionParams {
        EncryptionParams {
            secret: Secret::Key(derive_key("correct horse", &[7; 16], MIN_ITERATIONS)),
            salt: [7; 16],
            nonce_prefix: [1, 2, 3, 4, 5, 6, 7],
            iterations: MIN_ITERATIONS,
            argon2id: None,
            segment_size,
        }
    }

    fn decrypt_with_key(key: [u8; 32], data: &[u8], step: usize) -> Result<Vec<u8>, CryptoError> {
        let mut d = Decryptor::with_key(key);
        let mut out = Vec::new();
        for part in data.chunks(step.max(1)) {
            d.push(part, &mut out)?;
        }
        d.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn header_layout() {
        let p = params(65_536);
        let h = p.header();
        assert_eq!(&h[..8], b"PGENC1\x01\x01");
        assert_eq!(&h[8..12], &[0x00, 0x01, 0x86, 0xa0]);
        assert_eq!(&h[12..28], &[7; 16]);
        assert_eq!(&h[28..35], &[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(&h[35..39], &[0, 1, 0, 0]);
        assert_eq!(Header::parse(&h).unwrap().segment_size, 65_536);
    }

    #[test]
    fn segment_sizes_and_round_trip() {
        let Secret::Key(key) = params(1).secret else { unreachable!() };
        for (len, seg) in [(0usize, 16u32), (1, 16), (16, 16), (17, 16), (32, 16), (1000, 7), (5, 1)] {
            let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let c = encrypt(&params(seg), &plain).unwrap();
            let segments = if len == 0 { 1 } else { len.div_ceil(seg as usize) };
            assert_eq!(c.len(), HEADER_LEN + len + segments * TAG_LEN, "len {len} seg {seg}");
            for step in [1, 3, 64, 10_000] {
                assert_eq!(decrypt_with_key(key, &c, step).unwrap(), plain, "len {len} seg {seg} step {step}");
            }
        }
    }

    #[test]
    fn rejects_weak_parameters() {
        let mut p = EncryptionParams::with_password("short", [0; 16], [0; 7]);
        assert!(matches!(p.validate(), Err(CryptoError::PasswordTooShort)));
        p.secret = Secret::Password("ąčęėįšųū".into()); // 8 characters, 16 bytes
        assert!(p.validate().is_ok());
        p.iterations = 99_999;
        assert!(matches!(p.validate(), Err(CryptoError::TooFewIterations(99_999))));
        p.iterations = MIN_ITERATIONS;
        p.segment_size = 0;
        assert!(matches!(p.validate(), Err(CryptoError::SegmentSize(0))));
        p.segment_size = MAX_SEGMENT_SIZE + 1;
        assert!(matches!(p.validate(), Err(CryptoError::SegmentSize(_))));
        assert!(format!("{:?}", p).contains("redacted"));
        assert!(!format!("{:?}", p).contains("ąčę"));
    }

    #[test]
    fn detects_truncation_at_a_segment_boundary() {
        let Secret::Key(key) = params(1).secret else { unreachable!() };
        let c = encrypt(&params(16), &[9u8; 64]).unwrap();
        let cut = HEADER_LEN + 2 * (16 + TAG_LEN);
        assert!(matches!(decrypt_with_key(key, &c[..cut], 5), Err(CryptoError::Authentication { segment: 1 })));
        assert!(matches!(decrypt_with_key(key, &c[..HEADER_LEN], 5), Err(CryptoError::Truncated)));
        assert!(matches!(decrypt_with_key(key, &c[..20], 5), Err(CryptoError::Truncated)));
    }
}
