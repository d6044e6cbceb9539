//! Low-level text: where the record writers append bytes ([`Out`]: a growable `Vec<u8>`, or a
//! [`Cursor`] over a fixed, initialised buffer), and the allocation-free writers of every piece of
//! text a record holds: JSON string literals, integers, values in tenths, dates and RFC 3339
//! timestamps. The calendar arithmetic behind dates is [`crate::civil`]'s; the record framing is
//! [`crate::format`]'s.
//!
//! A record is written as a hundred or so short appends (keys, vocabulary words, numbers, names).
//! Appending to a `Vec` checks and stores its length every time, and a variable-length
//! `extend_from_slice` is a call to `memcpy` — on wasm a `memory.copy`, which V8 runs as a call into
//! C. A [`Cursor`] keeps its position in a register, copies short pieces as a few word moves, and
//! checks one bound per append; the writer then appends the finished record to its chunk at once.

use crate::civil::{civil_from_days, Date, DAY};

// ---------------------------------------------------------------------------------------------
// Byte sinks

/// A byte sink for the text writers of this module.
pub trait Out {
    /// Appends `s`.
    fn put(&mut self, s: &[u8]);
    /// Appends one byte.
    fn byte(&mut self, b: u8);
    /// Appends `w[..len]` (`len <= N`). A [`Cursor`] with room stores all `N` bytes at once and
    /// advances by `len`: the bytes past `len` are overwritten by the next append.
    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, w: &[u8; N], len: usize) {
        self.put(&w[..len.min(N)]);
    }
}

impl Out for Vec<u8> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.push(b);
    }
}

/// Writes into a fixed buffer from position 0. An append that does not fit is dropped, but the
/// position still advances, so [`Cursor::finish`] reports how large the buffer must be to hold
/// everything; the caller grows the buffer and writes again.
#[derive(Debug)]
pub struct Cursor<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `buf`.
    #[inline(always)]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// `Ok(n)`: everything was written, in `buf[..n]`; `Err(n)`: the buffer was too small, `n`
    /// bytes are needed.
    #[inline(always)]
    pub fn finish(self) -> Result<usize, usize> {
        if self.pos <= self.buf.len() {
            Ok(self.pos)
        } else {
            Err(self.pos)
        }
    }
}

impl Out for Cursor<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        let p = self.pos;
        // `p` never exceeds the sum of the lengths of live slices, so `p + s.len()` cannot wrap.
        if let Some(dst) = self.buf.get_mut(p..p + s.len()) {
            copy_short(dst, s);
        }
        self.pos = p + s.len();
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        if let Some(d) = self.buf.get_mut(self.pos) {
            *d = b;
        }
        self.pos += 1;
    }

    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, w: &[u8; N], len: usize) {
        let p = self.pos;
        match self.buf.get_mut(p..p + N) {
            Some(dst) if len <= N => {
                dst.copy_from_slice(w);
                self.pos = p + len;
            }
            _ => self.put(&w[..len.min(N)]),
        }
    }
}

/// `dst.copy_from_slice(src)` (equal lengths), with slices of up to 128 bytes (every vocabulary
/// word, number and constant fragment of a record) moved as overlapping words instead of a `memcpy`
/// call.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n != dst.len() {
        return;
    }
    match n {
        0 => {}
        1..=3 => {
            // First, middle and last byte cover lengths 1, 2 and 3.
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => ends::<4>(dst, src),
        8..=16 => ends::<8>(dst, src),
        17..=32 => ends::<16>(dst, src),
        33..=64 => ends::<32>(dst, src),
        65..=128 => ends::<64>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Copies the first and the last `W` bytes (`W <= n <= 2W`, equal lengths): together, all of them.
#[inline(always)]
fn ends<const W: usize>(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    dst[..W].copy_from_slice(&src[..W]);
    dst[n - W..].copy_from_slice(&src[n - W..]);
}

// ---------------------------------------------------------------------------------------------
// JSON strings and numbers

/// Appends `s` as a JSON string literal (RFC 8259 minimal escaping, DOMAIN.md §8.3).
#[inline]
pub fn json_str<O: Out + ?Sized>(out: &mut O, s: &str) {
    out.byte(b'"');
    json_escaped(out, s);
    out.byte(b'"');
}

/// Appends the JSON-escaped content of `s` (without quotes).
#[inline]
pub fn json_escaped<O: Out + ?Sized>(out: &mut O, s: &str) {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.put(&b[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.put(b"\\u00");
                out.byte(HEX[(c >> 4) as usize]);
                out.byte(HEX[(c & 15) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.put(&b[start..i]);
        out.put(esc);
        start = i + 1;
    }
    out.put(&b[start..]);
}

/// "00" … "99".
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// The two ASCII digits of `v < 100` as a little-endian word (tens in the low byte).
#[inline(always)]
pub fn digit_pair(v: u32) -> u64 {
    let i = v as usize * 2;
    u64::from(u16::from_le_bytes([PAIRS[i], PAIRS[i + 1]]))
}

/// The decimal digits of `v < 100_000` as the bytes of a little-endian word (first digit in the
/// lowest byte), and their count — built in a register and written with one
/// [`Out::put_prefix`] instead of a variable-length copy.
#[inline(always)]
pub fn small_digits(v: u32) -> (u64, usize) {
    if v < 10 {
        (u64::from(b'0') + u64::from(v), 1)
    } else if v < 100 {
        (digit_pair(v), 2)
    } else if v < 1000 {
        ((u64::from(b'0') + u64::from(v / 100)) | (digit_pair(v % 100) << 8), 3)
    } else if v < 10_000 {
        (digit_pair(v / 100) | digit_pair(v % 100) << 16, 4)
    } else {
        let r = v % 10_000;
        ((u64::from(b'0') + u64::from(v / 10_000 % 10)) | (digit_pair(r / 100) << 8) | (digit_pair(r % 100) << 24), 5)
    }
}

/// Appends an unsigned integer.
#[inline(always)]
pub fn uint<O: Out + ?Sized>(out: &mut O, v: u64) {
    if v < 100_000 {
        let (w, len) = small_digits(v as u32);
        out.put_prefix(&w.to_le_bytes(), len);
        return;
    }
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

/// Appends a signed integer.
#[inline]
pub fn int<O: Out + ?Sized>(out: &mut O, v: i64) {
    if (0..100_000).contains(&v) {
        uint(out, v as u64);
        return;
    }
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Dates, timestamps and tenths

/// Writes a date as `YYYY-MM-DD`.
#[inline]
pub fn write_date<O: Out + ?Sized>(out: &mut O, date: Date) {
    let (y, m, d) = date.ymd();
    write_ymd(out, y, m, d);
}

#[inline]
fn write_ymd<O: Out + ?Sized>(out: &mut O, y: i32, m: u32, d: u32) {
    let mut b = [0u8; 10];
    ymd_into(&mut b, y, m, d);
    out.put(&b);
}

/// `YYYY-MM-DD` into a fixed buffer (one append instead of ten).
#[inline(always)]
fn ymd_into(b: &mut [u8; 10], y: i32, m: u32, d: u32) {
    let y = y as u32;
    two(b, 0, y / 100);
    two(b, 2, y % 100);
    b[4] = b'-';
    two(b, 5, m);
    b[7] = b'-';
    two(b, 8, d);
}

/// The two digits of `v` (< 100) at `b[at..at + 2]`.
#[inline(always)]
fn two<const N: usize>(b: &mut [u8; N], at: usize, v: u32) {
    b[at] = b'0' + (v / 10) as u8;
    b[at + 1] = b'0' + (v % 10) as u8;
}

/// Writes an RFC 3339 UTC timestamp `YYYY-MM-DDThh:mm:ssZ`.
#[inline]
pub fn write_timestamp<O: Out + ?Sized>(out: &mut O, t: i64) {
    TimestampWriter::default().write(out, t);
}

/// Writes timestamps like [`write_timestamp`], remembering the last day's `YYYY-MM-DD`: the events
/// of one record fall on a few consecutive days, so most timestamps skip the calendar arithmetic.
/// The text is built in three words in registers (`YYYY-MM-`, `DDThh:mm`, `:ssZ`) and written with
/// three fixed-size appends.
#[derive(Clone, Debug)]
pub struct TimestampWriter {
    day: i64,
    /// `YYYY-MM-` as a little-endian word.
    ym: u64,
    /// `DD` as a little-endian word.
    dd: u64,
}

impl Default for TimestampWriter {
    fn default() -> Self {
        TimestampWriter { day: i64::MIN, ym: 0, dd: 0 }
    }
}

impl TimestampWriter {
    /// Appends `YYYY-MM-DDThh:mm:ssZ` for `t` seconds since the epoch.
    #[inline(always)]
    pub fn write<O: Out + ?Sized>(&mut self, out: &mut O, t: i64) {
        let days = t.div_euclid(DAY);
        if days != self.day {
            let (y, m, d) = civil_from_days(days as i32);
            let mut b = [0u8; 10];
            ymd_into(&mut b, y, m, d);
            self.ym = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            self.dd = u64::from(u16::from_le_bytes([b[8], b[9]]));
            self.day = days;
        }
        let secs = t.rem_euclid(DAY) as u32;
        let mid = self.dd
            | u64::from(b'T') << 16
            | digit_pair(secs / 3600) << 24
            | u64::from(b':') << 40
            | digit_pair(secs / 60 % 60) << 48;
        let end = u64::from(b':') | digit_pair(secs % 60) << 8 | u64::from(b'Z') << 24;
        out.put(&self.ym.to_le_bytes());
        out.put(&mid.to_le_bytes());
        out.put(&(end as u32).to_le_bytes());
    }
}

/// Writes a value held in integer tenths as `v/10 "." v%10` (DOMAIN.md §8.3).
#[inline(always)]
pub fn write_tenths<O: Out + ?Sized>(out: &mut O, v: u32) {
    if v < 1_000_000 {
        // At most five digits, the point and one decimal: one store.
        let (w, len) = small_digits(v / 10);
        let w = w | u64::from(b'.') << (8 * len) | (u64::from(b'0') + u64::from(v % 10)) << (8 * len + 8);
        out.put_prefix(&w.to_le_bytes(), len + 2);
        return;
    }
    let mut b = itoa::Buffer::new();
    out.put(b.format(v / 10).as_bytes());
    out.byte(b'.');
    out.byte(b'0' + (v % 10) as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_writes_every_length_like_a_vec() {
        let src: Vec<u8> = (0..150u8).map(|i| i.wrapping_mul(37).wrapping_add(1)).collect();
        for prefix in [0usize, 1, 5, 13] {
            for n in 0..=140 {
                for at in [0usize, 3] {
                    let piece = &src[at..at + n];
                    let mut want: Vec<u8> = vec![b'x'; prefix];
                    want.put(piece);
                    want.byte(b'!');
                    let mut buf = vec![0u8; 256];
                    let mut cur = Cursor::new(&mut buf);
                    for _ in 0..prefix {
                        cur.byte(b'x');
                    }
                    cur.put(piece);
                    cur.byte(b'!');
                    let len = cur.finish().unwrap();
                    assert_eq!(&buf[..len], &want[..], "prefix {prefix}, {n} bytes from {at}");
                }
            }
        }
    }

    #[test]
    fn put_prefix_appends_only_the_prefix() {
        let w = *b"abcdefgh";
        for len in 0..=8 {
            let mut want: Vec<u8> = b"<".to_vec();
            want.put_prefix(&w, len);
            want.byte(b'>');
            // Room for all 8 bytes, and too little room near the end of the buffer.
            for size in [64, want.len()] {
                let mut buf = vec![0u8; size];
                let mut cur = Cursor::new(&mut buf);
                cur.byte(b'<');
                cur.put_prefix(&w, len);
                cur.byte(b'>');
                let n = cur.finish().unwrap();
                assert_eq!(&buf[..n], &want[..], "len {len}, buffer {size}");
            }
        }
    }

    #[test]
    fn cursor_reports_the_size_it_needed() {
        // Too small: what fitted is written, the size needed is reported; then just large enough.
        for (size, result, written) in [(10, Err(19), &b"0123456789"[..]), (19, Ok(19), b"0123456789abcdef!xy")] {
            let mut buf = vec![0u8; size];
            let mut cur = Cursor::new(&mut buf);
            cur.put(b"0123456789");
            cur.put(b"abcdef");
            cur.byte(b'!');
            cur.put(b"xy");
            assert_eq!(cur.finish(), result);
            assert_eq!(&buf[..], written);
        }
    }

    #[test]
    fn numbers_are_decimal() {
        let edges = (1..=19).flat_map(|k| [10u64.pow(k) - 1, 10u64.pow(k), 10u64.pow(k) + 1]);
        for v in (0..200_000u64).chain((0..100_000_000).step_by(997)).chain(edges).chain([u64::MAX, 1 << 40]) {
            let mut a = Vec::new();
            uint(&mut a, v);
            assert_eq!(a, v.to_string().as_bytes());
        }
        for v in (-2000..200_000i64).chain([i64::MIN, i64::MAX, -100_000, 99_999_999, 100_000_000]) {
            let mut a = Vec::new();
            int(&mut a, v);
            assert_eq!(a, v.to_string().as_bytes());
        }
    }

    #[test]
    fn escapes_minimally() {
        let mut v = Vec::new();
        json_str(&mut v, "a\"b\\c\n\u{1}/\u{7f}\u{2028}é");
        assert_eq!(String::from_utf8(v).unwrap(), "\"a\\\"b\\\\c\\n\\u0001/\u{7f}\u{2028}é\"");
    }

    #[test]
    fn tenths_are_written_exactly() {
        for v in (0..2_000_000u32).step_by(7).chain([0, 9, 10, 99_999, 999_999, 1_000_000, u32::MAX]) {
            let mut out = Vec::new();
            write_tenths(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{}.{}", v / 10, v % 10));
        }
    }

    fn ts(t: i64) -> String {
        let mut v = Vec::new();
        write_timestamp(&mut v, t);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn formats_dates_timestamps_and_tenths() {
        let d = Date::parse("2025-06-03").unwrap();
        assert_eq!(ts(d.midnight() + 5 * 3600 + 42 * 60), "2025-06-03T05:42:00Z");
        let mut v = Vec::new();
        write_date(&mut v, d);
        assert_eq!(v, b"2025-06-03");
        v.clear();
        write_tenths(&mut v, 0);
        v.push(b' ');
        write_tenths(&mut v, 784);
        assert_eq!(v, b"0.0 78.4");
    }

    #[test]
    fn timestamp_writer_keeps_days_apart() {
        // One writer across many days (its day cache) against an independent formatting.
        let mut w = TimestampWriter::default();
        for t in (-3 * DAY..40 * DAY).step_by(4999).chain([0, DAY - 1, DAY, -1, 0]) {
            let (y, m, d) = civil_from_days(t.div_euclid(DAY) as i32);
            let s = t.rem_euclid(DAY);
            let expected = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60);
            let mut b = Vec::new();
            w.write(&mut b, t);
            assert_eq!(String::from_utf8(b).unwrap(), expected, "{t}");
        }
    }
}
