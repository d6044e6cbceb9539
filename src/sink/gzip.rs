//! gzip (DOMAIN.md §10.1): one RFC 1952 member, raw DEFLATE sync-flushed at every chunk end.
//!
//! The 10-byte header is written by hand so that every field is fixed (no name, MTIME 0, XFL 0,
//! OS 255); the trailer (CRC-32, ISIZE) follows the final chunk. The deflate stream is shared
//! with the zip container.

use flate2::{Compress, Crc, FlushCompress, Status};

use super::{SinkError, Transform};

/// Default DEFLATE level.
pub const DEFAULT_LEVEL: u32 = 6;

/// The fixed gzip member header: ID1 ID2, CM 8, FLG 0, MTIME 0, XFL 0, OS 255.
pub const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff];

/// A raw DEFLATE stream with its running CRC-32 and sizes.
pub(crate) struct Deflater {
    c: Compress,
    crc: Crc,
}

impl Deflater {
    pub(crate) fn new(level: u32) -> Self {
        Deflater { c: Compress::new(flate2::Compression::new(level.min(9)), false), crc: Crc::new() }
    }

    /// Uncompressed bytes so far.
    pub(crate) fn total_in(&self) -> u64 {
        self.c.total_in()
    }

    /// Compressed bytes so far.
    pub(crate) fn total_out(&self) -> u64 {
        self.c.total_out()
    }

    /// CRC-32 of the uncompressed bytes so far.
    pub(crate) fn crc(&self) -> u32 {
        self.crc.sum()
    }

    /// Compresses `input` and ends with a sync flush, or with the final block when `finish`.
    pub(crate) fn write(&mut self, input: &[u8], finish: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        self.crc.update(input);
        let flush = if finish { FlushCompress::Finish } else { FlushCompress::Sync };
        let mut rest = input;
        loop {
            // Reserve more than DEFLATE can expand the input, so one call normally completes the
            // flush; the output bytes then never depend on the caller's buffer capacity.
            out.reserve(rest.len() + rest.len() / 8 + 256);
            let (in0, out0) = (self.c.total_in(), self.c.total_out());
            let status = self.c.compress_vec(rest, out, flush).map_err(|e| SinkError::Compression(e.to_string()))?;
            let used = (self.c.total_in() - in0) as usize;
            rest = rest.get(used..).unwrap_or(&[]);
            let produced = self.c.total_out() - out0;
            let room_left = out.len() < out.capacity();
            match status {
                Status::StreamEnd => return Ok(()),
                _ if !finish && rest.is_empty() && room_left => return Ok(()),
                Status::BufError if used == 0 && produced == 0 && room_left => {
                    return Err(SinkError::Compression("deflate made no progress".into()));
                }
                _ => {}
            }
        }
    }
}

/// The gzip transform: header before the first chunk, a sync flush after every chunk, the final
/// block and trailer after the last.
pub struct GzipTransform {
    deflater: Deflater,
    started: bool,
    finished: bool,
}

impl GzipTransform {
    /// A gzip transform at DEFLATE level 6.
    pub fn new() -> Self {
        Self::with_level(DEFAULT_LEVEL)
    }

    /// A gzip transform at DEFLATE `level` (0–9; larger values are clamped to 9). The XFL
    /// header byte stays 0 whatever the level.
    pub fn with_level(level: u32) -> Self {
        GzipTransform { deflater: Deflater::new(level), started: false, finished: false }
    }
}

impl Default for GzipTransform {
    fn default() -> Self {
        Self::new()
    }
}

impl Transform for GzipTransform {
    fn chunk(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        if self.finished {
            return Err(SinkError::Compression("the gzip member is already finished".into()));
        }
        if !self.started {
            self.started = true;
            out.extend_from_slice(&GZIP_HEADER);
        }
        self.deflater.write(input, last, out)?;
        if last {
            self.finished = true;
            out.extend_from_slice(&self.deflater.crc().to_le_bytes());
            out.extend_from_slice(&(self.deflater.total_in() as u32).to_le_bytes());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        flate2::read::MultiGzDecoder::new(b).read_to_end(&mut v).unwrap();
        v
    }

    #[test]
    fn empty_output_is_a_valid_member() {
        let mut out = Vec::new();
        GzipTransform::new().chunk(b"", true, &mut out).unwrap();
        assert_eq!(&out[..10], &GZIP_HEADER);
        assert_eq!(&out[out.len() - 8..], &[0; 8]);
        assert_eq!(gunzip(&out), b"");
    }

    #[test]
    fn every_chunk_is_decodable_when_emitted() {
        let mut g = GzipTransform::new();
        let mut out = Vec::new();
        let text: Vec<u8> = (0..50_000u32).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        let mut fed = 0;
        for (k, part) in text.chunks(40_000).enumerate() {
            g.chunk(part, false, &mut out).unwrap();
            fed += part.len();
            // A sync flush ends with the empty stored block 00 00 ff ff.
            assert_eq!(&out[out.len() - 4..], &[0, 0, 0xff, 0xff], "chunk {k}");
            let mut d = flate2::read::DeflateDecoder::new(&out[10..]);
            let mut got = vec![0; fed];
            d.read_exact(&mut got).unwrap();
            assert_eq!(got, &text[..fed]);
        }
        g.chunk(b"", true, &mut out).unwrap();
        assert_eq!(gunzip(&out), text);
        assert!(g.chunk(b"x", true, &mut out).is_err());
    }

    #[test]
    fn incompressible_input_larger_than_the_reservation() {
        let mut x = 0x1234_5678_u64;
        let data: Vec<u8> = (0..300_000)
            .map(|_| {
                x = crate::rng::mix64(x);
                x as u8
            })
            .collect();
        let mut out = Vec::new();
        let mut g = GzipTransform::new();
        g.chunk(&data[..100_000], false, &mut out).unwrap();
        g.chunk(&data[100_000..], true, &mut out).unwrap();
        assert_eq!(gunzip(&out), data);
    }
}
