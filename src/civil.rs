//! Proleptic Gregorian calendar arithmetic in UTC, without a clock or a time-zone database.
//!
//! Times are whole seconds since 1970-01-01T00:00:00Z (`i64`); dates are days since that epoch
//! (`i32`). Writing dates and times as text is [`crate::text`]'s.

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

/// `hrs(s)`: seconds rounded to tenths of an hour, half up (DOMAIN.md §5.2).
#[inline(always)]
pub fn hrs(seconds: i64) -> u32 {
    ((10 * seconds + 1800) / 3600) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn minus_years_maps_feb_29() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.minus_years(1).ymd(), (2023, 2, 28));
        assert_eq!(d.minus_years(4).ymd(), (2020, 2, 29));
    }

    #[test]
    fn hrs_rounds_half_up_to_tenths_of_an_hour() {
        assert_eq!(hrs(9665), 27);
        assert_eq!(hrs(1799), 5);
        assert_eq!(hrs(0), 0);
    }
}
