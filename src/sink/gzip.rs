//! gzip (DOMAIN.md §10.1, docs/OUTPUT.md): a sequence of RFC 1952 members, one per block of
//! patients (`job::BLOCK_PATIENTS`), each compressed on its own.
//!
//! A member's bytes depend only on the uncompressed bytes of its block and the level — not on how
//! the block arrived in chunks (input is fed without flushing; the member ends with the final
//! DEFLATE block), nor on the shard, worker or thread that compressed it. So members compressed
//! in parallel and concatenated in block order are byte-identical to one sequential run, and
//! every gzip reader (RFC 1952 §2.2: a file is a series of members) decompresses them to the
//! uncompressed output.
//!
//! The 10-byte header is written by hand so that every field is fixed (no name, MTIME 0, XFL 0,
//! OS 255); the trailer (CRC-32, ISIZE) follows the member's final block. The raw DEFLATE stream
//! is shared with the zip container.

use flate2::{Compress, Crc, FlushCompress, Status};

use super::{SinkError, Transform};

/// Default DEFLATE level.
pub const DEFAULT_LEVEL: u32 = 6;

/// The fixed gzip member header: ID1 ID2, CM 8, FLG 0, MTIME 0, XFL 0, OS 255.
pub const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff];

/// How a [`Deflater`] write ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// More input of the same stream follows: no flush.
    Open,
    /// The stream pauses at a byte boundary without ending (an empty stored block, BFINAL 0):
    /// another independently deflated stream may follow in the same entry.
    Sync,
    /// The final block (BFINAL 1).
    Finish,
}

/// The compressor is fed in pieces of exactly this many bytes (the last piece of a stream is
/// shorter). DEFLATE encoders (zlib-rs at level 1, for one) may emit different bytes for the same
/// input split differently, so the split is fixed by the stream's own offsets, never by chunks.
pub(crate) const FEED: usize = 64 << 10;

/// A raw DEFLATE stream with its running CRC-32 and sizes, reusable with [`reset`](Self::reset).
pub(crate) struct Deflater {
    c: Compress,
    crc: Crc,
    /// Input of the current, not yet complete [`FEED`] piece.
    pending: Vec<u8>,
}

impl Deflater {
    pub(crate) fn new(level: u32) -> Self {
        Deflater {
            c: Compress::new(flate2::Compression::new(level.clamp(1, 9)), false),
            crc: Crc::new(),
            pending: Vec::new(),
        }
    }

    /// Starts a new, independent stream (keeps the allocations).
    pub(crate) fn reset(&mut self) {
        self.c.reset();
        self.crc.reset();
        self.pending.clear();
    }

    /// Uncompressed bytes of this stream.
    pub(crate) fn total_in(&self) -> u64 {
        self.c.total_in() + self.pending.len() as u64
    }

    /// CRC-32 of this stream's uncompressed bytes.
    pub(crate) fn crc(&self) -> u32 {
        self.crc.sum()
    }

    /// Compresses `input` (every complete [`FEED`] piece at once, the rest when the next bytes
    /// complete it or the stream ends), then ends as `end` says.
    pub(crate) fn write(&mut self, mut input: &[u8], end: End, out: &mut Vec<u8>) -> Result<(), SinkError> {
        self.crc.update(input);
        while !input.is_empty() {
            if self.pending.is_empty() && input.len() >= FEED {
                self.deflate(&input[..FEED], End::Open, out)?;
                input = &input[FEED..];
            } else {
                let take = (FEED - self.pending.len()).min(input.len());
                self.pending.extend_from_slice(&input[..take]);
                input = &input[take..];
                if self.pending.len() == FEED {
                    let piece = std::mem::take(&mut self.pending);
                    let r = self.deflate(&piece, End::Open, out);
                    self.pending = piece;
                    self.pending.clear();
                    r?;
                }
            }
        }
        if end != End::Open {
            let piece = std::mem::take(&mut self.pending);
            let r = self.deflate(&piece, end, out);
            self.pending = piece;
            self.pending.clear();
            r?;
        }
        Ok(())
    }

    fn deflate(&mut self, input: &[u8], end: End, out: &mut Vec<u8>) -> Result<(), SinkError> {
        let flush = match end {
            End::Open => FlushCompress::None,
            End::Sync => FlushCompress::Sync,
            End::Finish => FlushCompress::Finish,
        };
        let mut rest = input;
        loop {
            // Reserve more than DEFLATE can expand the input, so one call normally completes; the
            // output bytes never depend on the caller's buffer capacity either way.
            out.reserve(rest.len() + rest.len() / 8 + 256);
            let (in0, out0) = (self.c.total_in(), self.c.total_out());
            let status = self.c.compress_vec(rest, out, flush).map_err(|e| SinkError::Compression(e.to_string()))?;
            let used = (self.c.total_in() - in0) as usize;
            rest = rest.get(used..).unwrap_or(&[]);
            let produced = self.c.total_out() - out0;
            let room_left = out.len() < out.capacity();
            match status {
                Status::StreamEnd => return Ok(()),
                _ if end != End::Finish && rest.is_empty() && room_left => return Ok(()),
                Status::BufError if used == 0 && produced == 0 && room_left => {
                    return Err(SinkError::Compression("deflate made no progress".into()));
                }
                _ => {}
            }
        }
    }
}

/// Block-member gzip: [`write`](Self::write) a block's bytes in any number of pieces, with
/// `block_end` on the last piece; each block becomes one complete member.
pub struct GzipBlocks {
    deflater: Deflater,
    open: bool,
}

impl GzipBlocks {
    /// Members at DEFLATE `level` (1–9; other values are clamped). The XFL header byte stays 0
    /// whatever the level.
    pub fn new(level: u32) -> Self {
        GzipBlocks { deflater: Deflater::new(level), open: false }
    }

    /// Compresses a piece of the current block (opening a member first if none is open); with
    /// `block_end`, ends the member (header, DEFLATE data, CRC-32, ISIZE). An empty piece with
    /// `block_end` and no open member writes an empty member.
    pub fn write(&mut self, input: &[u8], block_end: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        if !self.open {
            self.open = true;
            self.deflater.reset();
            out.extend_from_slice(&GZIP_HEADER);
        }
        if !block_end {
            return self.deflater.write(input, End::Open, out);
        }
        self.deflater.write(input, End::Finish, out)?;
        self.open = false;
        out.extend_from_slice(&self.deflater.crc().to_le_bytes());
        out.extend_from_slice(&(self.deflater.total_in() as u32).to_le_bytes());
        Ok(())
    }

    /// Whether a member is open (a block was started and not ended).
    pub fn is_open(&self) -> bool {
        self.open
    }
}

/// One complete gzip member of `input` at `level`: the bytes [`GzipBlocks`] writes for a block
/// whatever its pieces (for a worker thread compressing a block it generated).
pub fn gzip_member(input: &[u8], level: u32, out: &mut Vec<u8>) -> Result<(), SinkError> {
    GzipBlocks::new(level).write(input, true, out)
}

/// A single-member gzip [`Transform`]: the whole stream is one member, ended by the last chunk
/// (used for `Accept-Encoding: gzip` style whole-body compression and the stage benchmarks).
pub struct GzipTransform {
    blocks: GzipBlocks,
    finished: bool,
}

impl GzipTransform {
    /// A gzip transform at DEFLATE level 6.
    pub fn new() -> Self {
        Self::with_level(DEFAULT_LEVEL)
    }

    /// A gzip transform at DEFLATE `level` (1–9; other values are clamped).
    pub fn with_level(level: u32) -> Self {
        GzipTransform { blocks: GzipBlocks::new(level), finished: false }
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
        self.finished = last;
        self.blocks.write(input, last, out)
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
    fn a_member_does_not_depend_on_how_its_block_arrived() {
        let text: Vec<u8> =
            (0..50_000u32).flat_map(|i| format!("line {i} {}\n", i * 7919 % 1000).into_bytes()).collect();
        for level in [1, 6, 9] {
            let mut whole = Vec::new();
            gzip_member(&text, level, &mut whole).unwrap();
            for piece in [1, 7, 4096, 40_000] {
                let mut g = GzipBlocks::new(level);
                let mut out = Vec::new();
                let mut parts = text.chunks(piece).peekable();
                while let Some(p) = parts.next() {
                    g.write(p, parts.peek().is_none(), &mut out).unwrap();
                }
                assert!(out == whole, "level {level}, pieces of {piece}");
            }
            assert_eq!(gunzip(&whole), text);
        }
        // The level changes the bytes.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        gzip_member(&text, 1, &mut a).unwrap();
        gzip_member(&text, 9, &mut b).unwrap();
        assert!(a.len() > b.len());
    }

    #[test]
    fn members_concatenate() {
        let mut g = GzipBlocks::new(6);
        let mut out = Vec::new();
        g.write(b"first ", false, &mut out).unwrap();
        assert!(g.is_open());
        g.write(b"block\n", true, &mut out).unwrap();
        assert!(!g.is_open());
        let one = out.len();
        g.write(b"second block\n", true, &mut out).unwrap();
        assert_eq!(&out[one..one + 10], &GZIP_HEADER);
        assert_eq!(gunzip(&out), b"first block\nsecond block\n");
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
        assert!(g.chunk(b"x", true, &mut out).is_err());
    }
}
