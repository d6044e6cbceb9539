//! Byte transforms after formatting (DOMAIN.md §10): compression and encryption.
//!
//! A transform receives each chunk's bytes once, in order, with a flag on the final chunk, and
//! appends its output. It knows bytes, not records.

pub mod encrypt;
pub mod gzip;
pub mod zip;

pub use encrypt::{
    decrypt_stream, Argon2Cost, CryptoError, Decryptor, EncryptionParams, Encryptor, Header, Secret, SegmentSealer,
};
pub use gzip::{gzip_member, GzipBlocks, GzipTransform};
pub use zip::{merge_zip_parts, zip_merge_plan, zip_merge_plan_named, ZipBlocks, ZipPart, ZipPartEntry, ZipPiece};

/// Compression of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Compression {
    /// None.
    #[default]
    None,
    /// gzip (RFC 1952): one member per block of patients (`job::BLOCK_PATIENTS`).
    Gzip,
    /// A streamed zip container (a zip part for a job over part of the run).
    Zip,
}

impl Compression {
    /// The CLI/JS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zip => "zip",
        }
    }
    /// Parses a CLI/JS name.
    pub fn parse(s: &str) -> Option<Compression> {
        [Compression::None, Compression::Gzip, Compression::Zip].into_iter().find(|c| c.as_str() == s)
    }
}

/// A failure of a byte transform.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The compressor failed.
    #[error("compression failed: {0}")]
    Compression(String),
    /// A zip part to merge is not one, or the parts do not tile one run (the message names the part).
    #[error("{0}")]
    ZipPart(String),
    /// Encryption parameters were rejected or a cipher operation failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// A streaming byte transform.
pub trait Transform: Send {
    /// Transforms one chunk; `last` marks the final chunk of the run (flush trailers then).
    fn chunk(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), SinkError>;
}

/// A single-member gzip transform at the default level (the whole stream as one member).
pub fn gzip_transform() -> Box<dyn Transform> {
    Box::new(GzipTransform::new())
}
