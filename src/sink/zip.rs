//! The streamed zip container (DOMAIN.md §10.2, PKWARE APPNOTE 6.3, docs/OUTPUT.md).
//!
//! Entries are written one after the other without seeking: a local header with flag bits 3
//! (sizes in a data descriptor) and 11 (UTF-8 name), method 8, version 4.5 and a ZIP64 extra field
//! with zero sizes; the DEFLATE data; a ZIP64 data descriptor. After the last entry: the central
//! directory (ZIP64 fields in every entry), the ZIP64 end of central directory record and
//! locator, and the end of central directory record.
//!
//! An entry's DEFLATE data is a concatenation of independently deflated blocks, one per block of
//! patients (`job::BLOCK_PATIENTS`): each block starts a fresh stream and ends at a byte boundary
//! with an empty stored block (a sync flush, BFINAL 0), except the run's final block, which ends
//! with the final DEFLATE block. So a job over part of the run ([`ZipBlocks::part`]) produces a
//! *zip part* — its slice of every entry's data plus a trailer with the slice's CRC-32 and sizes —
//! and [`merge_zip_parts`] (or [`zip_merge_plan`], for streaming) assembles the parts of
//! consecutive ranges into exactly the archive of one run, combining the CRCs
//! (`zlib_rs::crc32::crc32_combine`).

use std::ops::Range;

use super::gzip::{Deflater, End};
use super::SinkError;
use crate::civil::Date;

const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR_SIG: u32 = 0x0807_4b50;
const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
/// Version needed to extract: 4.5 (ZIP64).
const VERSION_NEEDED: u16 = 45;
/// Version made by: Unix host (3), specification 4.5.
const VERSION_MADE_BY: u16 = (3 << 8) | 45;
/// Flag bit 3 (data descriptor) and bit 11 (UTF-8 names).
const FLAGS: u16 = (1 << 3) | (1 << 11);
const METHOD_DEFLATE: u16 = 8;
/// Regular file, mode 0644, in the high half of the external attributes (Unix host).
const EXTERNAL_ATTRS: u32 = 0o100_644 << 16;

/// The MS-DOS (time, date) of `date` at 00:00:00, clamped to the representable 1980–2107.
pub fn dos_date_time(date: Date) -> (u16, u16) {
    let (y, m, d) = date.ymd();
    let (y, m, d) = if y < 1980 {
        (1980, 1, 1)
    } else if y > 2107 {
        (2107, 12, 31)
    } else {
        (y, m, d)
    };
    (0, (((y - 1980) as u16) << 9) | ((m as u16) << 5) | d as u16)
}

#[derive(Clone, Debug)]
struct CentralEntry {
    name: String,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn u64le(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The local header of an entry named `name`.
fn local_header(name: &str, (dos_time, dos_date): (u16, u16), out: &mut Vec<u8>) {
    u32le(out, LOCAL_HEADER_SIG);
    u16le(out, VERSION_NEEDED);
    u16le(out, FLAGS);
    u16le(out, METHOD_DEFLATE);
    u16le(out, dos_time);
    u16le(out, dos_date);
    u32le(out, 0); // CRC-32: in the data descriptor
    u32le(out, u32::MAX); // sizes: in the ZIP64 extra field and the data descriptor
    u32le(out, u32::MAX);
    u16le(out, name.len() as u16);
    u16le(out, 20);
    out.extend_from_slice(name.as_bytes());
    u16le(out, 0x0001); // ZIP64 extended information, sizes 0
    u16le(out, 16);
    u64le(out, 0);
    u64le(out, 0);
}

/// The ZIP64 data descriptor of an entry.
fn data_descriptor(e: &CentralEntry, out: &mut Vec<u8>) {
    u32le(out, DATA_DESCRIPTOR_SIG);
    u32le(out, e.crc);
    u64le(out, e.compressed);
    u64le(out, e.uncompressed);
}

/// The central directory at `cd_offset` and the end records.
fn central_directory(entries: &[CentralEntry], (dos_time, dos_date): (u16, u16), cd_offset: u64, out: &mut Vec<u8>) {
    let start = out.len();
    for e in entries {
        u32le(out, CENTRAL_HEADER_SIG);
        u16le(out, VERSION_MADE_BY);
        u16le(out, VERSION_NEEDED);
        u16le(out, FLAGS);
        u16le(out, METHOD_DEFLATE);
        u16le(out, dos_time);
        u16le(out, dos_date);
        u32le(out, e.crc);
        u32le(out, u32::MAX);
        u32le(out, u32::MAX);
        u16le(out, e.name.len() as u16);
        u16le(out, 28);
        u16le(out, 0); // comment length
        u16le(out, 0); // disk number start
        u16le(out, 0); // internal attributes
        u32le(out, EXTERNAL_ATTRS);
        u32le(out, u32::MAX); // local header offset: in the ZIP64 field
        out.extend_from_slice(e.name.as_bytes());
        u16le(out, 0x0001);
        u16le(out, 24);
        u64le(out, e.uncompressed);
        u64le(out, e.compressed);
        u64le(out, e.offset);
    }
    let cd_size = (out.len() - start) as u64;
    let zip64_eocd_offset = cd_offset + cd_size;
    let n = entries.len() as u64;
    u32le(out, ZIP64_EOCD_SIG);
    u64le(out, 44); // size of the remaining record
    u16le(out, VERSION_MADE_BY);
    u16le(out, VERSION_NEEDED);
    u32le(out, 0); // this disk
    u32le(out, 0); // disk of the central directory
    u64le(out, n);
    u64le(out, n);
    u64le(out, cd_size);
    u64le(out, cd_offset);
    u32le(out, ZIP64_LOCATOR_SIG);
    u32le(out, 0);
    u64le(out, zip64_eocd_offset);
    u32le(out, 1); // total disks
    u32le(out, EOCD_SIG);
    u16le(out, 0);
    u16le(out, 0);
    u16le(out, n.min(0xFFFF) as u16);
    u16le(out, n.min(0xFFFF) as u16);
    u32le(out, cd_size.min(0xFFFF_FFFF) as u32);
    u32le(out, cd_offset.min(0xFFFF_FFFF) as u32);
    u16le(out, 0); // comment length
}

/// The magic that ends a zip part.
pub const ZIP_PART_MAGIC: &[u8; 8] = b"PGZPART1";

/// The zip stage of a job: entries fed block by block, one entry after the other. A job over the
/// whole run writes the archive ([`ZipBlocks::archive`]); a job over part of it writes a zip part
/// ([`ZipBlocks::part`]) for [`merge_zip_parts`].
pub struct ZipBlocks {
    deflater: Deflater,
    names: Vec<String>,
    dos: (u16, u16),
    /// `None`: the whole archive; `Some((range, total))`: a part over `range` of `total` patients.
    part: Option<(Range<u64>, u64)>,
    entries: Vec<CentralEntry>,
    crc: u32,
    entry_open: bool,
    block_open: bool,
    /// Bytes emitted so far (the offset of the next record, in archive mode).
    offset: u64,
    complete: bool,
    /// Small entries written whole after the fed ones (the CSV `datapackage.json`).
    extra: Vec<(String, Vec<u8>)>,
}

impl ZipBlocks {
    /// The stage of a job over the whole run: an archive holding `names` in this order, dated
    /// `date`, deflated at `level` (1–9).
    pub fn archive(names: &[&str], date: Date, level: u32) -> Self {
        Self::new(names, date, level, None)
    }

    /// The stage of a job over `range` of a run of `total` patients: a zip part.
    pub fn part(names: &[&str], date: Date, level: u32, range: Range<u64>, total: u64) -> Self {
        Self::new(names, date, level, Some((range, total)))
    }

    fn new(names: &[&str], date: Date, level: u32, part: Option<(Range<u64>, u64)>) -> Self {
        ZipBlocks {
            deflater: Deflater::new(level),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            dos: dos_date_time(date),
            part,
            entries: Vec::new(),
            crc: 0,
            entry_open: false,
            block_open: false,
            offset: 0,
            complete: false,
            extra: Vec::new(),
        }
    }

    /// Adds an entry `name` holding `bytes`, written whole after the fed entries. In a zip part
    /// only the non-empty part that ends the run carries its data (the other parts carry an empty
    /// slice), so merged parts hold it once.
    pub fn with_entry(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.names.push(name.to_owned());
        self.extra.push((name.to_owned(), bytes));
        self
    }

    /// Names of the entries fed block by block (the others are the whole `extra` entries).
    fn fed_entries(&self) -> usize {
        self.names.len() - self.extra.len()
    }

    /// Feeds a piece of the current block of the current entry (opening the entry first if
    /// needed). `block_end` ends the block: with `final_block` (the run's last block) the entry's
    /// DEFLATE stream ends, otherwise the block ends with a sync flush. `entry_end` (always with
    /// `block_end`) ends the entry. Returns `true` once the last entry has ended (the archive or
    /// part is complete).
    pub fn write(
        &mut self,
        input: &[u8],
        block_end: bool,
        final_block: bool,
        entry_end: bool,
        out: &mut Vec<u8>,
    ) -> Result<bool, SinkError> {
        if self.complete {
            return Err(SinkError::Compression("zip: the archive is already complete".into()));
        }
        let start = out.len();
        if !self.entry_open {
            let name = self
                .names
                .get(self.entries.len())
                .ok_or_else(|| SinkError::Compression("zip: no entry left".into()))?;
            if name.len() > u16::MAX as usize {
                return Err(SinkError::Compression("zip: entry name too long".into()));
            }
            if self.part.is_none() {
                local_header(name, self.dos, out);
            }
            self.entries.push(CentralEntry {
                name: name.clone(),
                crc: 0,
                compressed: 0,
                uncompressed: 0,
                offset: self.offset,
            });
            self.crc = 0;
            self.entry_open = true;
        }
        let data_start = out.len();
        // An entry of an empty run still needs a (final, empty) DEFLATE stream.
        let empty_run = self.part.is_none() && final_block && block_end && !self.block_open;
        if (!input.is_empty() || empty_run) && !self.block_open {
            self.deflater.reset();
            self.block_open = true;
        }
        if self.block_open {
            let end = match (block_end, final_block) {
                (false, _) => End::Open,
                (true, false) => End::Sync,
                (true, true) => End::Finish,
            };
            self.deflater.write(input, end, out)?;
            self.block_open = !block_end;
        }
        self.crc = zlib_rs::crc32::crc32(self.crc, input);
        let e = self.entries.last_mut().ok_or_else(|| SinkError::Compression("zip: no open entry".into()))?;
        e.uncompressed += input.len() as u64;
        e.compressed += (out.len() - data_start) as u64;
        if entry_end {
            e.crc = self.crc;
            if self.part.is_none() {
                let e = e.clone();
                data_descriptor(&e, out);
            }
            self.entry_open = false;
            if self.entries.len() == self.fed_entries() {
                self.write_extra(start, out)?;
            }
            if self.entries.len() == self.names.len() {
                self.complete = true;
                match &self.part {
                    None => {
                        let cd_offset = self.offset + (out.len() - start) as u64;
                        central_directory(&self.entries, self.dos, cd_offset, out);
                    }
                    Some((range, total)) => self.trailer(range.clone(), *total, out),
                }
            }
        }
        self.offset += (out.len() - start) as u64;
        Ok(self.complete)
    }

    /// Writes the whole `extra` entries (after the last fed entry has ended); `start` is where this
    /// call's output began in `out` (at archive offset `self.offset`).
    fn write_extra(&mut self, start: usize, out: &mut Vec<u8>) -> Result<(), SinkError> {
        let carries_data = match &self.part {
            None => true,
            // The part that ends the run: an empty part at its end (a shard past the last grid
            // block) carries nothing, or the entry would be there twice; in a run of no patients
            // every part is `0..0` and the merge uses the first.
            Some((range, total)) => range.end == *total && (range.start < range.end || *total == 0),
        };
        for (name, bytes) in std::mem::take(&mut self.extra) {
            if name.len() > u16::MAX as usize {
                return Err(SinkError::Compression("zip: entry name too long".into()));
            }
            let offset = self.offset + (out.len() - start) as u64;
            if self.part.is_none() {
                local_header(&name, self.dos, out);
            }
            let data_start = out.len();
            let mut e = CentralEntry { name, crc: 0, compressed: 0, uncompressed: 0, offset };
            if carries_data {
                self.deflater.reset();
                self.deflater.write(&bytes, End::Finish, out)?;
                e.crc = zlib_rs::crc32::crc32(0, &bytes);
                e.uncompressed = bytes.len() as u64;
            }
            e.compressed = (out.len() - data_start) as u64;
            if self.part.is_none() {
                data_descriptor(&e, out);
            }
            self.entries.push(e);
        }
        Ok(())
    }

    /// The trailer of a zip part: range, total, DOS time and date, then per entry CRC-32,
    /// uncompressed and compressed sizes and name; then the trailer's length and the magic.
    fn trailer(&self, range: Range<u64>, total: u64, out: &mut Vec<u8>) {
        let start = out.len();
        u64le(out, range.start);
        u64le(out, range.end);
        u64le(out, total);
        u16le(out, self.dos.0);
        u16le(out, self.dos.1);
        u16le(out, self.entries.len() as u16);
        for e in &self.entries {
            u32le(out, e.crc);
            u64le(out, e.uncompressed);
            u64le(out, e.compressed);
            u16le(out, e.name.len() as u16);
            out.extend_from_slice(e.name.as_bytes());
        }
        let len = (out.len() - start) as u32;
        u32le(out, len);
        out.extend_from_slice(ZIP_PART_MAGIC);
    }
}

/// One entry's slice in a [`ZipPart`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipPartEntry {
    /// Entry name.
    pub name: String,
    /// CRC-32 of the slice's uncompressed bytes.
    pub crc: u32,
    /// Uncompressed bytes of the slice.
    pub uncompressed: u64,
    /// Where the slice's DEFLATE data lies in the part.
    pub data: Range<u64>,
}

/// What a zip part's trailer says (the part's data precedes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipPart {
    /// The patient range the part covers.
    pub range: Range<u64>,
    /// Patients in the run.
    pub total: u64,
    /// DOS (time, date) of the entries.
    pub dos: (u16, u16),
    /// The entries' slices, in archive order.
    pub entries: Vec<ZipPartEntry>,
}

fn bad_part(why: &str) -> SinkError {
    SinkError::ZipPart(format!("not a patientgen zip part: {why}"))
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], SinkError> {
        if self.0.len() < n {
            return Err(bad_part("the trailer is truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u16(&mut self) -> Result<u16, SinkError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().map_err(|_| bad_part("u16"))?))
    }
    fn u32(&mut self) -> Result<u32, SinkError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| bad_part("u32"))?))
    }
    fn u64(&mut self) -> Result<u64, SinkError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| bad_part("u64"))?))
    }
}

impl ZipPart {
    /// Length of the fixed end of a part: trailer length (u32) and magic.
    pub const TAIL_LEN: usize = 12;

    /// The trailer's length (without the fixed end), read from the part's last
    /// [`TAIL_LEN`](Self::TAIL_LEN) bytes.
    pub fn trailer_len(tail: &[u8]) -> Result<usize, SinkError> {
        if tail.len() < Self::TAIL_LEN || &tail[tail.len() - 8..] != ZIP_PART_MAGIC {
            return Err(bad_part("no PGZPART1 magic at the end"));
        }
        let n = tail.len();
        Ok(u32::from_le_bytes([tail[n - 12], tail[n - 11], tail[n - 10], tail[n - 9]]) as usize)
    }

    /// Parses a part from its end: `tail` holds at least the trailer and the fixed end (the
    /// whole part will do); `part_len` is the part's full length.
    pub fn parse(tail: &[u8], part_len: u64) -> Result<ZipPart, SinkError> {
        let body_len = Self::trailer_len(tail)?;
        let n = tail.len();
        if n < body_len + Self::TAIL_LEN || part_len < (body_len + Self::TAIL_LEN) as u64 {
            return Err(bad_part("the trailer is truncated"));
        }
        let mut r = Reader(&tail[n - Self::TAIL_LEN - body_len..n - Self::TAIL_LEN]);
        let range = r.u64()?..r.u64()?;
        let total = r.u64()?;
        let dos = (r.u16()?, r.u16()?);
        let count = r.u16()?;
        let mut entries = Vec::with_capacity(count as usize);
        let mut at = 0u64;
        for _ in 0..count {
            let crc = r.u32()?;
            let uncompressed = r.u64()?;
            let compressed = r.u64()?;
            let len = r.u16()? as usize;
            let name = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| bad_part("an entry name is not UTF-8"))?;
            let end = at.checked_add(compressed).ok_or_else(|| bad_part("sizes overflow"))?;
            entries.push(ZipPartEntry { name, crc, uncompressed, data: at..end });
            at = end;
        }
        if !r.0.is_empty() || at + (body_len + Self::TAIL_LEN) as u64 != part_len {
            return Err(bad_part("the sizes do not add up to the part's length"));
        }
        if range.start > range.end || range.end > total {
            return Err(bad_part("the range is outside the run"));
        }
        Ok(ZipPart { range, total, dos, entries })
    }
}

/// A piece of a merged archive: bytes the merge made, or a byte range of part `part`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipPiece {
    /// Bytes of the archive's own records (local headers, data descriptors, directory).
    Bytes(Vec<u8>),
    /// Bytes `range` of part number `part`, copied as they are.
    Part {
        /// Index of the part in the merge's input.
        part: usize,
        /// Byte range within that part.
        range: Range<u64>,
    },
}

/// The merge of zip parts as a sequence of pieces, to be written in order (a streaming merge
/// reads each part's trailer first, then copies its data ranges). The parts must tile the run:
/// the first starts at 0, each starts where the previous ended, the last ends at the total, and
/// all carry the same entries and date.
pub fn zip_merge_plan(parts: &[ZipPart]) -> Result<Vec<ZipPiece>, SinkError> {
    let names: Vec<String> = (0..parts.len()).map(|k| format!("part {k}")).collect();
    zip_merge_plan_named(parts, &names)
}

/// [`zip_merge_plan`] whose errors name a part by `names[k]` (e.g. its file name) instead of
/// `part k`; a missing name falls back to `part k`.
pub fn zip_merge_plan_named<S: AsRef<str>>(parts: &[ZipPart], names: &[S]) -> Result<Vec<ZipPiece>, SinkError> {
    let name = |k: usize| names.get(k).map_or_else(|| format!("part {k}"), |s| s.as_ref().to_string());
    let first = parts.first().ok_or_else(|| SinkError::ZipPart("no zip parts to merge".into()))?;
    let mut next = 0;
    for (k, p) in parts.iter().enumerate() {
        let same = p.total == first.total
            && p.dos == first.dos
            && p.entries.len() == first.entries.len()
            && p.entries.iter().zip(&first.entries).all(|(a, b)| a.name == b.name);
        if !same {
            return Err(SinkError::ZipPart(format!(
                "{}: belongs to another run than {} (patients, date or entries differ)",
                name(k),
                name(0)
            )));
        }
        if p.range.start != next {
            let why = if k == 0 { "the first part".to_string() } else { format!("{} ends there", name(k - 1)) };
            return Err(SinkError::ZipPart(format!(
                "{}: covers patients {}..{} but the merge needs the part that starts at {next} ({why})",
                name(k),
                p.range.start,
                p.range.end
            )));
        }
        next = p.range.end;
    }
    if next != first.total {
        return Err(SinkError::ZipPart(format!(
            "{}: ends at patient {next}, but the run has {} patients (a part is missing at the end)",
            name(parts.len() - 1),
            first.total
        )));
    }
    // A run of no patients: every part is the same (`0..0` with the whole entries), the first is it.
    let parts = if first.total == 0 { &parts[..1] } else { parts };
    let mut pieces = Vec::new();
    let mut entries = Vec::new();
    let mut offset = 0u64;
    for (i, fe) in first.entries.iter().enumerate() {
        let mut head = Vec::new();
        local_header(&fe.name, first.dos, &mut head);
        let mut e = CentralEntry { name: fe.name.clone(), crc: 0, compressed: 0, uncompressed: 0, offset };
        offset += head.len() as u64;
        pieces.push(ZipPiece::Bytes(head));
        let mut crc = 0u32;
        for (k, p) in parts.iter().enumerate() {
            let pe = &p.entries[i];
            crc = zlib_rs::crc32::crc32_combine(crc, pe.crc, pe.uncompressed);
            e.uncompressed += pe.uncompressed;
            let len = pe.data.end - pe.data.start;
            e.compressed += len;
            if len > 0 {
                pieces.push(ZipPiece::Part { part: k, range: pe.data.clone() });
            }
        }
        e.crc = crc;
        offset += e.compressed;
        let mut dd = Vec::new();
        data_descriptor(&e, &mut dd);
        offset += dd.len() as u64;
        pieces.push(ZipPiece::Bytes(dd));
        entries.push(e);
    }
    let mut cd = Vec::new();
    central_directory(&entries, first.dos, offset, &mut cd);
    pieces.push(ZipPiece::Bytes(cd));
    Ok(pieces)
}

/// Assembles the zip archive from the zip parts of consecutive ranges (each the whole output of a
/// job over its range, e.g. `--shard k/n --compress zip`), appending it to `out`. The result is
/// byte-identical to the archive of one job over the whole run.
pub fn merge_zip_parts(parts: &[&[u8]], out: &mut Vec<u8>) -> Result<(), SinkError> {
    let parsed = parts.iter().map(|p| ZipPart::parse(p, p.len() as u64)).collect::<Result<Vec<_>, _>>()?;
    for piece in zip_merge_plan(&parsed)? {
        match piece {
            ZipPiece::Bytes(b) => out.extend_from_slice(&b),
            ZipPiece::Part { part, range } => {
                out.extend_from_slice(&parts[part][range.start as usize..range.end as usize])
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_dates() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(dos_date_time(d("2025-06-01")), (0, (45 << 9) | (6 << 5) | 1));
        assert_eq!(dos_date_time(d("1975-03-04")), (0, (1 << 5) | 1));
        assert_eq!(dos_date_time(d("2200-01-01")), (0, (127 << 9) | (12 << 5) | 31));
    }

    #[test]
    fn layout_of_a_one_entry_archive() {
        let mut t = ZipBlocks::archive(&["patients.ndjson"], Date::parse("2025-06-01").unwrap(), 6);
        let mut out = Vec::new();
        assert!(!t.write(b"hello\n", false, false, false, &mut out).unwrap());
        assert!(t.write(b"world\n", true, true, true, &mut out).unwrap());
        assert_eq!(&out[..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([out[6], out[7]]), 0x0808);
        // EOCD at the very end: 22 bytes, one entry.
        let eocd = &out[out.len() - 22..];
        assert_eq!(&eocd[..4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([eocd[10], eocd[11]]), 1);
        // The ZIP64 locator points at the ZIP64 EOCD record.
        let loc = &out[out.len() - 42..out.len() - 22];
        assert_eq!(&loc[..4], b"PK\x06\x07");
        let z64 = u64::from_le_bytes(loc[8..16].try_into().unwrap()) as usize;
        assert_eq!(&out[z64..z64 + 4], b"PK\x06\x06");
        // The data descriptor carries the CRC and the 8-byte sizes.
        let dd = out.windows(4).position(|w| w == b"PK\x07\x08").unwrap();
        let mut crc = flate2::Crc::new();
        crc.update(b"hello\nworld\n");
        assert_eq!(u32::from_le_bytes(out[dd + 4..dd + 8].try_into().unwrap()), crc.sum());
        assert_eq!(u64::from_le_bytes(out[dd + 16..dd + 24].try_into().unwrap()), 12);
    }

    #[test]
    fn parts_merge_into_the_archive_of_one_run() {
        let date = Date::parse("2025-06-01").unwrap();
        let names = ["patients.csv", "events.csv"];
        // Three "blocks" per entry; parts over blocks 0..1 and 1..3 (of 3).
        let blocks: [&[u8]; 3] = [b"alpha alpha alpha\n", b"beta beta\n", b"gamma\n"];
        let run = |range: Range<u64>, out: &mut Vec<u8>| {
            let mut z = if range == (0..3) {
                ZipBlocks::archive(&names, date, 6)
            } else {
                ZipBlocks::part(&names, date, 6, range.clone(), 3)
            };
            for _entry in 0..2 {
                for b in range.clone() {
                    z.write(blocks[b as usize], true, b == 2, b + 1 == range.end, out).unwrap();
                }
            }
        };
        let mut whole = Vec::new();
        run(0..3, &mut whole);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        run(0..1, &mut a);
        run(1..3, &mut b);
        assert_eq!(ZipPart::parse(&b, b.len() as u64).unwrap().range, 1..3);
        let mut merged = Vec::new();
        merge_zip_parts(&[&a, &b], &mut merged).unwrap();
        assert!(merged == whole);
        // Out of order, missing or foreign parts are refused.
        assert!(merge_zip_parts(&[&b, &a], &mut Vec::new()).is_err());
        assert!(merge_zip_parts(&[&a], &mut Vec::new()).is_err());
        assert!(merge_zip_parts(&[&a, &whole], &mut Vec::new()).is_err());
        let mut cut = b.clone();
        cut.remove(0);
        assert!(merge_zip_parts(&[&a, &cut], &mut Vec::new()).is_err());
    }
}
