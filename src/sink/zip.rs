//! The streamed zip container (DOMAIN.md §10.2, PKWARE APPNOTE 6.3).
//!
//! Entries are written one after the other without seeking: a local header with flag bits 3
//! (sizes in a data descriptor) and 11 (UTF-8 name), method 8, version 4.5 and a ZIP64 extra field
//! with zero sizes; the DEFLATE data, sync-flushed at every chunk end; a ZIP64 data descriptor.
//! After the last entry: the central directory (ZIP64 fields in every entry), the ZIP64 end of
//! central directory record and locator, and the end of central directory record. Only the
//! central-directory entries (name, CRC, sizes, offset) are kept between chunks.

use super::gzip::{Deflater, DEFAULT_LEVEL};
use super::{SinkError, Transform};
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

/// A streaming zip writer: [`start_entry`](ZipWriter::start_entry), any number of
/// [`write`](ZipWriter::write) calls, [`finish_entry`](ZipWriter::finish_entry), … then
/// [`finish`](ZipWriter::finish).
pub struct ZipWriter {
    level: u32,
    dos_time: u16,
    dos_date: u16,
    /// Bytes emitted so far (the offset of the next record).
    offset: u64,
    entries: Vec<CentralEntry>,
    current: Option<Deflater>,
    finished: bool,
}

impl ZipWriter {
    /// A writer whose entries carry `date` 00:00:00 as their DOS timestamp.
    pub fn new(date: Date) -> Self {
        let (dos_time, dos_date) = dos_date_time(date);
        ZipWriter {
            level: DEFAULT_LEVEL,
            dos_time,
            dos_date,
            offset: 0,
            entries: Vec::new(),
            current: None,
            finished: false,
        }
    }

    fn emit(&mut self, out: &[u8], start: usize) {
        self.offset += (out.len() - start) as u64;
    }

    /// Writes the local header of a new entry named `name`.
    pub fn start_entry(&mut self, name: &str, out: &mut Vec<u8>) -> Result<(), SinkError> {
        if self.finished || self.current.is_some() {
            return Err(SinkError::Compression("zip: an entry is open or the archive is finished".into()));
        }
        if name.len() > u16::MAX as usize {
            return Err(SinkError::Compression("zip: entry name too long".into()));
        }
        let start = out.len();
        u32le(out, LOCAL_HEADER_SIG);
        u16le(out, VERSION_NEEDED);
        u16le(out, FLAGS);
        u16le(out, METHOD_DEFLATE);
        u16le(out, self.dos_time);
        u16le(out, self.dos_date);
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
        self.entries.push(CentralEntry {
            name: name.to_owned(),
            crc: 0,
            compressed: 0,
            uncompressed: 0,
            offset: self.offset,
        });
        self.current = Some(Deflater::new(self.level));
        self.emit(out, start);
        Ok(())
    }

    /// Compresses `data` into the open entry, ending with a sync flush.
    pub fn write(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), SinkError> {
        let start = out.len();
        let d = self.current.as_mut().ok_or_else(|| SinkError::Compression("zip: no open entry".into()))?;
        d.write(data, false, out)?;
        self.emit(out, start);
        Ok(())
    }

    /// Ends the open entry: the final DEFLATE block and the ZIP64 data descriptor.
    pub fn finish_entry(&mut self, out: &mut Vec<u8>) -> Result<(), SinkError> {
        let start = out.len();
        let mut d = self.current.take().ok_or_else(|| SinkError::Compression("zip: no open entry".into()))?;
        d.write(&[], true, out)?;
        let e = self.entries.last_mut().ok_or_else(|| SinkError::Compression("zip: no open entry".into()))?;
        e.crc = d.crc();
        e.compressed = d.total_out();
        e.uncompressed = d.total_in();
        u32le(out, DATA_DESCRIPTOR_SIG);
        u32le(out, e.crc);
        u64le(out, e.compressed);
        u64le(out, e.uncompressed);
        self.emit(out, start);
        Ok(())
    }

    /// Writes the central directory and the end records; the archive is complete.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), SinkError> {
        if self.current.is_some() {
            self.finish_entry(out)?;
        }
        if self.finished {
            return Err(SinkError::Compression("zip: the archive is already finished".into()));
        }
        self.finished = true;
        let start = out.len();
        let cd_offset = self.offset;
        for e in &self.entries {
            u32le(out, CENTRAL_HEADER_SIG);
            u16le(out, VERSION_MADE_BY);
            u16le(out, VERSION_NEEDED);
            u16le(out, FLAGS);
            u16le(out, METHOD_DEFLATE);
            u16le(out, self.dos_time);
            u16le(out, self.dos_date);
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
        let n = self.entries.len() as u64;
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
        self.emit(out, start);
        Ok(())
    }
}

/// A zip container whose entries are fed chunk by chunk, one entry after the other.
pub struct ZipContainer {
    zip: ZipWriter,
    names: Vec<String>,
    next: usize,
    open: bool,
    /// Small entries written whole after the fed ones (the CSV `datapackage.json`).
    extra: Vec<(String, Vec<u8>)>,
}

impl ZipContainer {
    /// A container that will hold `names` in this order, dated `date`.
    pub fn new(names: &[&str], date: Date) -> Self {
        ZipContainer {
            zip: ZipWriter::new(date),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            next: 0,
            open: false,
            extra: Vec::new(),
        }
    }

    /// Adds an entry `name` holding `bytes`, written after the fed entries.
    pub fn with_entry(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.extra.push((name.to_owned(), bytes));
        self
    }

    /// Feeds one chunk of the current entry (opening it first if needed); `entry_last` ends the
    /// entry. Returns `true` once the last entry has ended and the archive is complete.
    pub fn chunk(&mut self, input: &[u8], entry_last: bool, out: &mut Vec<u8>) -> Result<bool, SinkError> {
        if !self.open {
            let name = self.names.get(self.next).ok_or_else(|| SinkError::Compression("zip: no entry left".into()))?;
            self.zip.start_entry(name, out)?;
            self.next += 1;
            self.open = true;
        }
        self.zip.write(input, out)?;
        if !entry_last {
            return Ok(false);
        }
        self.zip.finish_entry(out)?;
        self.open = false;
        if self.next < self.names.len() {
            return Ok(false);
        }
        for (name, bytes) in std::mem::take(&mut self.extra) {
            self.zip.start_entry(&name, out)?;
            self.zip.write(&bytes, out)?;
            self.zip.finish_entry(out)?;
        }
        self.zip.finish(out)?;
        Ok(true)
    }
}

/// A zip container with a single entry as a [`Transform`]: the local header before the first
/// chunk, the data descriptor and the directory after the last.
pub struct ZipTransform(ZipContainer);

impl ZipTransform {
    /// A one-entry container holding `name`, dated `date`.
    pub fn new(name: &str, date: Date) -> Self {
        ZipTransform(ZipContainer::new(&[name], date))
    }
}

impl Transform for ZipTransform {
    fn chunk(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), SinkError> {
        self.0.chunk(input, last, out).map(|_| ())
    }
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
        let mut t = ZipTransform::new("patients.ndjson", Date::parse("2025-06-01").unwrap());
        let mut out = Vec::new();
        t.chunk(b"hello\n", false, &mut out).unwrap();
        t.chunk(b"world\n", true, &mut out).unwrap();
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
}
