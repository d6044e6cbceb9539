//! Byte transforms after formatting (DOMAIN.md §10): compression and encryption.
//!
//! A transform receives each chunk's bytes once, in order, with a flag on the final chunk, and
//! appends its output. It knows bytes, not records.

/// Compression of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Compression {
    /// None.
    #[default]
    None,
    /// gzip (RFC 1952), sync-flushed at every chunk boundary.
    Gzip,
    /// A streamed zip container.
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
    /// The encryptor failed.
    #[error("encryption failed: {0}")]
    Encryption(String),
}

/// A streaming byte transform.
pub trait Transform: Send {
    /// Transforms one chunk; `last` marks the final chunk of the run (flush trailers then).
    fn chunk(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), SinkError>;
}

/// The gzip transform (10.1).
pub fn gzip_transform() -> Box<dyn Transform> {
    unimplemented_transform()
}

fn unimplemented_transform() -> Box<dyn Transform> {
    struct Identity;
    impl Transform for Identity {
        fn chunk(&mut self, input: &[u8], _last: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
            out.extend_from_slice(input);
            Ok(())
        }
    }
    Box::new(Identity)
}
