//! Proleptic Gregorian calendar arithmetic in UTC, without a clock or a time-zone database.
//!
//! Times are whole seconds since 1970-01-01T00:00:00Z (`i64`); dates are days since that epoch
//! (`i32`). Formatting writes into caller-owned buffers so the record writers stay allocation-free.

use crate::format::text::digit_pair;
use crate::out::Out;
/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A calendar date (days since 1970-01-01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

impl Date {
    /// The date of a (year, month 1–12, day 1–31) triple; `None` when it does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: core::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
        };
        Date::from_ymd(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Midnight UTC of this date, in seconds since the epoch.
    pub fn midnight(self) -> i64 {
        self.0 as i64 * DAY
    }

    /// The date `years` calendar years earlier; 29 February maps to 28 February (DOMAIN.md §7.3).
    pub fn minus_years(self, years: i32) -> Date {
        let (y, m, d) = self.ymd();
        let ny = y - years;
        let nd = d.min(days_in_month(ny, m));
        Date(days_from_civil(ny, m, nd))
    }

    /// Writes `YYYY-MM-DD`.
    pub fn write<O: Out + ?Sized>(self, out: &mut O) {
        let (y, m, d) = self.ymd();
        write_ymd(out, y, m, d);
    }
}

/// Whether `y` is a Gregorian leap year.
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
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
        let (w, len) = crate::format::text::small_digits(v / 10);
        let w = w | u64::from(b'.') << (8 * len) | (u64::from(b'0') + u64::from(v % 10)) << (8 * len + 8);
        out.put_prefix(&w.to_le_bytes(), len + 2);
        return;
    }
    let mut b = itoa::Buffer::new();
    out.put(b.format(v / 10).as_bytes());
    out.byte(b'.');
    out.byte(b'0' + (v % 10) as u8);
}

/// `hrs(s)`: seconds rounded to tenths of an hour, half up (DOMAIN.md §5.2).
#[inline(always)]
pub fn hrs(seconds: i64) -> u32 {
    ((10 * seconds + 1800) / 3600) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn round_trips_dates() {
        for z in -800_000..800_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(Date::parse("2025-06-01").unwrap().ymd(), (2025, 6, 1));
        assert_eq!(Date::parse("1970-01-01"), Some(Date(0)));
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2024-02-29").unwrap().ymd(), (2024, 2, 29));
        assert_eq!(Date::parse("2025-6-01"), None);
    }

    #[test]
    fn formats_timestamps_and_tenths() {
        let d = Date::parse("2025-06-03").unwrap();
        assert_eq!(ts(d.midnight() + 5 * 3600 + 42 * 60), "2025-06-03T05:42:00Z");
        let mut v = Vec::new();
        write_tenths(&mut v, 0);
        v.push(b' ');
        write_tenths(&mut v, 784);
        assert_eq!(v, b"0.0 78.4");
        assert_eq!(hrs(9665), 27);
        assert_eq!(hrs(1799), 5);
        assert_eq!(hrs(0), 0);
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

    #[test]
    fn minus_years_maps_feb_29() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.minus_years(1).ymd(), (2023, 2, 28));
        assert_eq!(d.minus_years(4).ymd(), (2020, 2, 29));
    }
}
