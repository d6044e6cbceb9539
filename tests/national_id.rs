//! National identity numbers (DOMAIN.md §7.8): every generated number is checked by a validator
//! written here independently of the generator (own parsing, own check formulas), the embedded
//! birthdate and gender are compared with the record, serial indices across each scheme's whole
//! capacity are covered, and a sample is cross-checked with `python-stdnum` through
//! `tests/stdnum_check.py`.

use patientgen::internals::civil::{days_from_civil, Date};
use patientgen::internals::patient::national_id::{capacity, generate, Capacity};
use patientgen::internals::patient::record::{IdNumber, PatientRecord};
use patientgen::internals::rng::Xo;
use patientgen::vocab::{Gender, Nation};
use std::io::Write;
use std::process::{Command, Stdio};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What a number says about its holder; `None` where the scheme does not hold it.
#[derive(Debug, Default, PartialEq)]
struct Embedded {
    /// Full birth year, where the scheme fixes the century.
    year: Option<i32>,
    /// Birth year modulo 100.
    yy: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    male: Option<bool>,
}

/// Checks `s` against `shape`: `9` a digit, `A` an upper-case letter A–Z, anything else itself.
/// Returns the digits of the number (letters skipped) as values.
fn shape(s: &str, shape: &str) -> Result<Vec<u32>, String> {
    if s.len() != shape.len() {
        return Err(format!("{s:?}: length {} instead of {}", s.len(), shape.len()));
    }
    let mut digits = Vec::new();
    for (c, p) in s.chars().zip(shape.chars()) {
        let ok = match p {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            _ => c == p,
        };
        if !ok {
            return Err(format!("{s:?} does not have the shape {shape:?}"));
        }
        if let Some(v) = c.to_digit(10) {
            digits.push(v);
        }
    }
    Ok(digits)
}

/// The integer formed by `d`.
fn num(d: &[u32]) -> u64 {
    d.iter().fold(0, |a, &x| a * 10 + x as u64)
}

fn dot(d: &[u32], w: &[u32]) -> u32 {
    assert_eq!(d.len(), w.len(), "weights and digits must align");
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

fn ensure(cond: bool, s: &str, what: &str) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(format!("{s:?}: {what}"))
    }
}

/// A whole number passes the Luhn test (the rightmost digit is the check digit).
fn luhn_ok(d: &[u32]) -> bool {
    let total: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| if i % 2 == 1 { [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][x as usize] } else { x })
        .sum();
    total % 10 == 0
}

/// A whole number passes ISO 7064 MOD 11,10.
fn mod11_10_ok(d: &[u32]) -> bool {
    let (body, check) = d.split_at(d.len() - 1);
    let mut product = 10;
    for &x in body {
        let s = match (product + x) % 10 {
            0 => 10,
            v => v,
        };
        product = 2 * s % 11;
    }
    (product + check[0]) % 10 == 1
}

/// Verhoeff: the dihedral group D5 product written as rotations/reflections, not as a table.
fn d5(j: u32, k: u32) -> u32 {
    match (j < 5, k < 5) {
        (true, true) => (j + k) % 5,
        (true, false) => 5 + (j + k - 5) % 5,
        (false, true) => 5 + (j - 5 + 5 - k) % 5,
        (false, false) => (j + 5 - k) % 5,
    }
}

/// A whole number passes the Verhoeff check.
fn verhoeff_ok(d: &[u32]) -> bool {
    // The permutation (0 1 5 8 9 4 2 7)(3 6), applied `pos mod 8` times.
    const P: [u32; 10] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
    let mut c = 0;
    for (pos, &x) in d.iter().rev().enumerate() {
        let mut y = x;
        for _ in 0..pos % 8 {
            y = P[y as usize];
        }
        c = d5(c, y);
    }
    c == 0
}

fn date_ok(y: i32, m: u32, d: u32) -> bool {
    Date::from_ymd(y, m, d).is_some()
}

/// The codice fiscale letters of a name, built with `String`s on purpose (test code).
fn cf_code(name: &str, given: bool) -> String {
    let letters: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_uppercase())
        .collect();
    let cons: Vec<char> = letters.chars().filter(|c| !"AEIOU".contains(*c)).collect();
    let vows: Vec<char> = letters.chars().filter(|c| "AEIOU".contains(*c)).collect();
    if given && cons.len() >= 4 {
        return [cons[0], cons[2], cons[3]].iter().collect();
    }
    let mut s: String = cons.iter().chain(vows.iter()).take(3).collect();
    while s.len() < 3 {
        s.push('X');
    }
    s
}

/// The codice fiscale check letter of 15 characters.
fn cf_check(s: &str) -> char {
    // Odd-position values of 0/A, 1/B, … 9/J, then K … Z.
    let odd = "1 0 5 7 9 13 15 17 19 21 2 4 18 20 11 3 6 8 12 14 16 10 22 25 24 23";
    let odd: Vec<u32> = odd.split(' ').map(|x| x.parse().unwrap()).collect();
    let mut sum = 0;
    for (i, c) in s.chars().enumerate() {
        let k = if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - 'A' as u32 };
        sum += if i % 2 == 0 { odd[k as usize] } else { k };
    }
    (b'A' + (sum % 26) as u8) as char
}

/// Validates `s` as a number of `nation` (names only for ITA) and returns what it embeds.
fn validate(nation: Nation, s: &str, given: &str, family: &str) -> Result<Embedded, String> {
    let mut e = Embedded::default();
    let ymd = |e: &mut Embedded, yy: u32, m: u32, d: u32| {
        e.yy = Some(yy as i32);
        e.month = Some(m);
        e.day = Some(d);
    };
    match nation {
        Nation::Alb => {
            shape(s, "A99999999A")?;
        }
        Nation::Bel => {
            let d = shape(s, "99.99.99-999.99")?;
            let n = num(&d[..9]);
            let cc = num(&d[9..]);
            let century = if 97 - n % 97 == cc {
                1900
            } else if 97 - (2_000_000_000 + n) % 97 == cc {
                2000
            } else {
                return Err(format!("{s:?}: BEL check"));
            };
            let serial = num(&d[6..9]) as u32;
            ensure((1..=997).contains(&serial), s, "BEL counter 001-997")?;
            ymd(&mut e, d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(serial % 2 == 1);
        }
        Nation::Bgr => {
            let d = shape(s, "9999999999")?;
            let mm = d[2] * 10 + d[3];
            let (century, m) = if mm > 40 { (2000, mm - 40) } else { (1900, mm) };
            ensure(dot(&d[..9], &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10 == d[9], s, "BGR check")?;
            ymd(&mut e, d[0] * 10 + d[1], m, d[4] * 10 + d[5]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(d[8] % 2 == 0);
        }
        Nation::Can => {
            let d = shape(s, "999-999-999")?;
            ensure(d[0] == 0, s, "CAN first digit 0")?;
            ensure(luhn_ok(&d), s, "CAN Luhn")?;
        }
        Nation::Hrv => {
            let d = shape(s, "99999999999")?;
            ensure(d[0] != 0, s, "HRV first digit")?;
            ensure(mod11_10_ok(&d), s, "HRV MOD 11,10")?;
        }
        Nation::Cze | Nation::Svk => {
            let d = if s.len() == 10 { shape(s, "999999/999")? } else { shape(s, "999999/9999")? };
            let yy = d[0] * 10 + d[1];
            let mm = d[2] * 10 + d[3];
            let (male, m) = if mm > 50 { (false, mm - 50) } else { (true, mm) };
            let year = if d.len() == 9 {
                ensure(yy < 54, s, "9-digit form only before 1954")?;
                1900 + yy as i32
            } else {
                ensure(num(&d) % 11 == 0, s, "rodné číslo divisible by 11")?;
                if yy < 54 {
                    2000 + yy as i32
                } else {
                    1900 + yy as i32
                }
            };
            ymd(&mut e, yy, m, d[4] * 10 + d[5]);
            e.year = Some(year);
            e.male = Some(male);
        }
        Nation::Dnk => {
            let d = shape(s, "999999-9999")?;
            let yy = d[4] * 10 + d[5];
            let century = match d[6] {
                0..=3 => 1900,
                _ if yy <= 36 => 2000,
                _ => return Err(format!("{s:?}: DNK serial/century")),
            };
            ymd(&mut e, yy, d[2] * 10 + d[3], d[0] * 10 + d[1]);
            e.year = Some(century + yy as i32);
            e.male = Some(d[9] % 2 == 1);
        }
        Nation::Est | Nation::Ltu => {
            let d = shape(s, "99999999999")?;
            let century = match d[0] {
                3 | 4 => 1900,
                5 | 6 => 2000,
                _ => return Err(format!("{s:?}: G digit")),
            };
            let mut c = dot(&d[..10], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
            if c == 10 {
                c = dot(&d[..10], &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11;
                if c == 10 {
                    c = 0;
                }
            }
            ensure(c == d[10], s, "isikukood check")?;
            ymd(&mut e, d[1] * 10 + d[2], d[3] * 10 + d[4], d[5] * 10 + d[6]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(d[0] % 2 == 1);
        }
        Nation::Fin => {
            // The classic signs and the five per century added on 2023-01-01.
            let sign = *s.as_bytes().get(6).ok_or("FIN length")?;
            let century = match sign {
                b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
                b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
                _ => return Err(format!("{s:?}: FIN century sign")),
            };
            let shape_str = format!("999999{}999", sign as char);
            let d = shape(s.get(..10).ok_or("FIN length")?, &shape_str)?;
            ensure(s.len() == 11, s, "FIN length")?;
            let n = num(&d);
            let table: Vec<char> = "0123456789ABCDEFHJKLMNPRSTUVWXY".chars().collect();
            ensure(s.ends_with(table[(n % 31) as usize]), s, "FIN check character")?;
            let individual = num(&d[6..]) as u32;
            ensure((900..=999).contains(&individual), s, "FIN individual number 900-999")?;
            ymd(&mut e, d[4] * 10 + d[5], d[2] * 10 + d[3], d[0] * 10 + d[1]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(individual % 2 == 1);
        }
        Nation::Fra => {
            let d = shape(s, "9 99 99 99 999 999 99")?;
            ensure(matches!(d[0], 1 | 2), s, "FRA sex digit")?;
            let dep = d[5] * 10 + d[6];
            ensure((1..=95).contains(&dep) && dep != 20, s, "FRA département")?;
            ensure((1..=989).contains(&num(&d[7..10])), s, "FRA commune")?;
            ensure((1..=999).contains(&num(&d[10..13])), s, "FRA order number")?;
            ensure(97 - num(&d[..13]) % 97 == num(&d[13..]), s, "FRA key")?;
            e.yy = Some((d[1] * 10 + d[2]) as i32);
            e.month = Some(d[3] * 10 + d[4]);
            e.male = Some(d[0] == 1);
        }
        Nation::Deu => {
            let d = shape(s, "99 999 999 999")?;
            ensure(d[0] != 0, s, "DEU first digit")?;
            let mut counts = [0; 10];
            for &x in &d[..10] {
                counts[x as usize] += 1;
            }
            ensure(counts.iter().filter(|&&c| c == 0).count() == 1, s, "DEU exactly one digit missing")?;
            ensure(counts.iter().filter(|&&c| c == 2).count() == 1, s, "DEU exactly one digit doubled")?;
            ensure(mod11_10_ok(&d), s, "DEU MOD 11,10")?;
        }
        Nation::Grc => {
            let d = shape(s, "99999999999")?;
            ensure(luhn_ok(&d), s, "AMKA Luhn")?;
            ymd(&mut e, d[4] * 10 + d[5], d[2] * 10 + d[3], d[0] * 10 + d[1]);
            e.male = Some(d[9] % 2 == 1);
        }
        Nation::Hun => {
            shape(s, "999999AA")?;
        }
        Nation::Isl => {
            let d = shape(s, "999999-9999")?;
            ensure(dot(&d[..9], &[3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0, s, "kennitala check")?;
            ensure((20..=99).contains(&(d[6] * 10 + d[7])), s, "ISL RR 20-99")?;
            let century = match d[9] {
                9 => 1900,
                0 => 2000,
                _ => return Err(format!("{s:?}: ISL century digit")),
            };
            ymd(&mut e, d[4] * 10 + d[5], d[2] * 10 + d[3], d[0] * 10 + d[1]);
            e.year = Some(century + e.yy.unwrap());
        }
        Nation::Ita => {
            let d = shape(s, "AAAAAA99A99A999A")?;
            ensure(s[..3] == cf_code(family, false), s, "ITA surname code")?;
            ensure(s[3..6] == cf_code(given, true), s, "ITA given-name code")?;
            let month = "ABCDEHLMPRST".find(&s[8..9]).ok_or(format!("{s:?}: month letter"))? as u32 + 1;
            // Birthplace: a letter N–Y (no Belfiore code uses them) and three digits.
            let place = s.as_bytes()[11];
            ensure((b'N'..=b'Y').contains(&place), s, "ITA birthplace letter N-Y")?;
            ensure(s.ends_with(cf_check(&s[..15])), s, "ITA check letter")?;
            let dd = d[2] * 10 + d[3];
            ymd(&mut e, d[0] * 10 + d[1], month, dd % 40);
            e.male = Some(dd < 40);
        }
        Nation::Lva => {
            let d = shape(s, "999999-99999")?;
            ensure(d[0] == 3 && d[1] == 2, s, "LVA prefix 32")?;
            ensure((1 + dot(&d[..10], &[10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10 == d[10], s, "LVA check")?;
        }
        Nation::Lux => {
            let d = shape(s, "9999999999999")?;
            ensure((1..=999).contains(&num(&d[8..11])), s, "LUX serial")?;
            ensure(luhn_ok(&d[..12]), s, "LUX Luhn digit")?;
            let mut v = d[..11].to_vec();
            v.push(d[12]);
            ensure(verhoeff_ok(&v), s, "LUX Verhoeff digit")?;
            e.year = Some(num(&d[..4]) as i32);
            ymd(&mut e, d[2] * 10 + d[3], d[4] * 10 + d[5], d[6] * 10 + d[7]);
        }
        Nation::Mne | Nation::Mkd | Nation::Svn => {
            let d = shape(s, "9999999999999")?;
            let region = d[7] * 10 + d[8];
            let regions = match nation {
                Nation::Mne => 21..=29,
                Nation::Mkd => 41..=49,
                _ => 50..=50,
            };
            ensure(regions.contains(&region), s, "JMBG region")?;
            ensure(dot(&d, &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0, s, "JMBG check")?;
            let yyy = num(&d[4..7]) as i32;
            ymd(&mut e, (yyy % 100) as u32, d[2] * 10 + d[3], d[0] * 10 + d[1]);
            e.year = Some(if yyy >= 800 { 1000 + yyy } else { 2000 + yyy });
            e.male = Some(num(&d[9..12]) < 500);
        }
        Nation::Nld => {
            let d = shape(s, "999999999")?;
            ensure(d[0] != 0, s, "NLD first digit")?;
            let total = dot(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - d[8] as i64;
            ensure(total % 11 == 0, s, "11-proef")?;
        }
        Nation::Nor => {
            let d = shape(s, "999999 99999")?;
            ensure(dot(&d[..10], &[3, 7, 6, 1, 8, 9, 4, 5, 2, 1]) % 11 == 0, s, "NOR K1")?;
            ensure(dot(&d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0, s, "NOR K2")?;
            let mm = d[2] * 10 + d[3];
            ensure((81..=92).contains(&mm), s, "NOR month + 80")?;
            let yy = d[4] * 10 + d[5];
            let iii = num(&d[6..9]) as u32;
            let century = if iii < 500 {
                1900
            } else if yy <= 39 {
                2000
            } else {
                return Err(format!("{s:?}: NOR individual number/century"));
            };
            ymd(&mut e, yy, mm - 80, d[0] * 10 + d[1]);
            e.year = Some(century + yy as i32);
            e.male = Some(iii % 2 == 1);
        }
        Nation::Pol => {
            let d = shape(s, "99999999999")?;
            ensure(dot(&d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 1]) % 10 == 0, s, "PESEL check")?;
            let mm = d[2] * 10 + d[3];
            let (century, m) = if mm > 20 { (2000, mm - 20) } else { (1900, mm) };
            ymd(&mut e, d[0] * 10 + d[1], m, d[4] * 10 + d[5]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(d[9] % 2 == 1);
        }
        Nation::Prt => {
            let d = shape(s, "999999999")?;
            ensure(d[0] == 2, s, "PRT first digit 2")?;
            let r = dot(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
            ensure(d[8] == if r < 2 { 0 } else { 11 - r }, s, "NIF check")?;
        }
        Nation::Rou => {
            let d = shape(s, "9999999999999")?;
            let (century, male) = match d[0] {
                1 => (1900, true),
                2 => (1900, false),
                5 => (2000, true),
                6 => (2000, false),
                _ => return Err(format!("{s:?}: ROU S digit")),
            };
            let county = d[7] * 10 + d[8];
            ensure((1..=46).contains(&county) || county == 51 || county == 52, s, "ROU county")?;
            ensure(num(&d[9..12]) >= 1, s, "ROU serial")?;
            let c = dot(&d[..12], &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
            ensure(d[12] == if c == 10 { 1 } else { c }, s, "CNP check")?;
            ymd(&mut e, d[1] * 10 + d[2], d[3] * 10 + d[4], d[5] * 10 + d[6]);
            e.year = Some(century + e.yy.unwrap());
            e.male = Some(male);
        }
        Nation::Esp => {
            let d = shape(s, "99999999A")?;
            let letter = "TRWAGMYFPDXBNJZSQVHLCKE".as_bytes()[(num(&d) % 23) as usize] as char;
            ensure(s.ends_with(letter), s, "DNI letter")?;
        }
        Nation::Swe => {
            let d = shape(s, "999999-9999")?;
            ensure(luhn_ok(&d), s, "personnummer Luhn")?;
            ymd(&mut e, d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
            e.male = Some(d[8] % 2 == 1);
        }
        Nation::Tur => {
            let d = shape(s, "99999999999")?;
            ensure(d[0] != 0, s, "TUR first digit")?;
            let odd = d[0] + d[2] + d[4] + d[6] + d[8];
            let even = d[1] + d[3] + d[5] + d[7];
            ensure(((7 * odd) as i64 - even as i64).rem_euclid(10) == d[9] as i64, s, "TUR d10")?;
            ensure(d[..10].iter().sum::<u32>() % 10 == d[10], s, "TUR d11")?;
        }
        Nation::Gbr => {
            shape(s, "QA 99 99 99 A")?;
            ensure("ABCEGHJKLMNPRSTWXYZ".contains(&s[1..2]), s, "GBR second letter")?;
            ensure("ABCD".contains(&s[12..13]), s, "GBR suffix")?;
        }
        Nation::Usa => {
            let d = shape(s, "999-99-9999")?;
            ensure((900..=999).contains(&num(&d[..3])), s, "USA area 900-999")?;
            ensure((1..=49).contains(&num(&d[3..5])), s, "USA group 01-49")?;
            ensure(num(&d[5..]) >= 1, s, "USA serial 0001-9999")?;
        }
        Nation::Aus => {
            let d = shape(s, "999 999 999")?;
            ensure(dot(&d, &[1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0, s, "TFN check")?;
        }
        Nation::Nzl => {
            let d = shape(s, "999-999-999")?;
            ensure((1_000_001..=14_999_999).contains(&num(&d[..8])), s, "IRD base range")?;
            let primary = (11 - dot(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            let c = if primary == 10 { (11 - dot(&d[..8], &[7, 4, 3, 2, 5, 2, 7, 6]) % 11) % 11 } else { primary };
            ensure(c == d[8], s, "IRD check")?;
        }
    }
    if let (Some(yy), Some(m), Some(d)) = (e.yy, e.month, e.day) {
        let y = e.year.unwrap_or(2000 + yy);
        ensure(date_ok(y, m, d), s, "embedded date exists")?;
    }
    Ok(e)
}

/// Compares what the number embeds with the record.
fn matches_record(e: &Embedded, birth: Date, gender: Gender) -> Result<(), String> {
    let (y, m, d) = birth.ymd();
    let male = gender == Gender::Male;
    let pairs = [
        (e.year.map(|v| v as i64), y as i64, "year"),
        (e.yy.map(|v| v as i64), y.rem_euclid(100) as i64, "yy"),
        (e.month.map(|v| v as i64), m as i64, "month"),
        (e.day.map(|v| v as i64), d as i64, "day"),
        (e.male.map(|v| v as i64), male as i64, "gender"),
    ];
    for (got, want, what) in pairs {
        if let Some(g) = got {
            if g != want {
                return Err(format!("{what}: number says {g}, record {want} ({e:?})"));
            }
        }
    }
    Ok(())
}

/// Which fields a scheme embeds (so that a validator cannot silently skip them).
fn embeds(nation: Nation) -> (bool, bool, bool) {
    // (full year, month/day or month, gender)
    use Nation::*;
    match nation {
        Bel | Bgr | Cze | Svk | Dnk | Est | Ltu | Fin | Isl | Lux | Mne | Mkd | Svn | Nor | Pol | Rou => {
            (true, true, !matches!(nation, Isl | Lux))
        }
        Fra | Grc | Ita | Swe => (false, true, true),
        _ => (false, false, false),
    }
}

const ITA_NAMES: [(&str, &str); 8] = [
    ("Giovanni", "Rossi"),
    ("Niccolò", "D'Angelo"),
    ("Maria", "Fo"),
    ("Giulia", "Bianchi"),
    ("Francesco", "Dell'Acqua"),
    ("Ilaria", "Esposito"),
    ("Luca", "Ricci"),
    ("Ottavia", "Lucà"),
];

/// Births uniform over [from, to] (inclusive years), from a stream of their own.
fn birth(r: &mut Xo, from: i32, to: i32) -> Date {
    let lo = days_from_civil(from, 1, 1);
    let hi = days_from_civil(to, 12, 31);
    Date(lo + r.below((hi - lo + 1) as u64) as i32)
}

fn generated(nation: Nation, k: u64, from: i32, to: i32) -> (IdNumber, Date, Gender, &'static str, &'static str) {
    let mut r = Xo::new(0xB1A7_0000 + k * 97 + nation.index() as u64);
    let date = birth(&mut r, from, to);
    let gender = if r.below(2) == 0 { Gender::Male } else { Gender::Female };
    let (given, family) = ITA_NAMES[r.below(ITA_NAMES.len() as u64) as usize];
    let cap = match capacity(nation) {
        Capacity::PerBirthDate(c) | Capacity::Total(c) => c,
    };
    // Mostly random serial indices, and the two ends of the range.
    let j = match k % 50 {
        0 => 0,
        1 => cap - 1,
        _ => r.below(cap),
    };
    let mut out = IdNumber::new();
    assert!(generate(nation, date, gender, given, family, j, &mut out), "{nation:?} j={j}");
    (out, date, gender, given, family)
}

fn check_range(from: i32, to: i32, per_nation: u64) {
    let mut failures = Vec::new();
    for &nation in Nation::ALL {
        let mut centuries = [false; 2];
        let mut genders = [false; 2];
        for k in 0..per_nation {
            let (id, date, gender, given, family) = generated(nation, k, from, to);
            centuries[(date.ymd().0 >= 2000) as usize] = true;
            genders[gender.index()] = true;
            let result = validate(nation, &id, given, family).and_then(|e| {
                let (year, date_part, sex) = embeds(nation);
                let missing =
                    (year && e.year.is_none()) || (date_part && e.month.is_none()) || (sex && e.male.is_none());
                if missing {
                    return Err(format!("validator did not decode everything: {e:?}"));
                }
                matches_record(&e, date, gender)
            });
            if let Err(msg) = result {
                failures.push(format!("{} {} {:?} {:?}: {msg}", nation.as_str(), id, date.ymd(), gender));
            }
        }
        assert!(genders[0] && genders[1], "{nation:?}: both genders sampled");
        if from < 2000 && to >= 2000 {
            assert!(centuries[0] && centuries[1], "{nation:?}: both centuries sampled");
        }
    }
    assert!(failures.is_empty(), "{} failures, first: {:#?}", failures.len(), &failures[..failures.len().min(20)]);
}

#[test]
fn every_number_validates_births_1975_to_2007() {
    check_range(1975, 2007, 2000);
}

#[test]
fn century_rules_births_2000_to_2036() {
    check_range(2000, 2036, 1000);
}

#[test]
fn century_rules_births_1919_to_1999() {
    // base_date 1970-01-01 … 2054-12-31 and ages 18–50 give births 1919–2036; CZE/SVK switch form at 1954.
    check_range(1919, 1999, 1000);
}

#[test]
fn czech_and_slovak_forms_switch_at_1954() {
    let mut out = IdNumber::new();
    for (y, len) in [(1953, 10), (1954, 11)] {
        for nation in [Nation::Cze, Nation::Svk] {
            let date = Date::from_ymd(y, 12, 31).unwrap();
            assert!(generate(nation, date, Gender::Female, "", "", 123, &mut out));
            assert_eq!(out.len(), len, "{out}");
            assert_eq!(&out[..7], &format!("{:02}6231/", y % 100));
        }
    }
}

#[test]
fn the_examples_validate_here_too() {
    let examples = [
        (Nation::Alb, "K71239058W"),
        (Nation::Bel, "96.04.23-971.92"),
        (Nation::Bgr, "9604231541"),
        (Nation::Can, "060-181-591"),
        (Nation::Hrv, "18301661318"),
        (Nation::Cze, "960423/5641"),
        (Nation::Dnk, "230496-2817"),
        (Nation::Est, "39604234341"),
        (Nation::Fin, "230496-9073"),
        (Nation::Fra, "1 96 04 74 127 971 74"),
        (Nation::Deu, "85 949 167 200"),
        (Nation::Grc, "23049651815"),
        (Nation::Hun, "482913KA"),
        (Nation::Isl, "230496-9279"),
        (Nation::Ita, "RSSGNN96D23N000F"),
        (Nation::Lva, "320937-86571"),
        (Nation::Ltu, "39604235992"),
        (Nation::Lux, "1996042348153"),
        (Nation::Mne, "2304996284723"),
        (Nation::Nld, "643231948"),
        (Nation::Mkd, "2304996482681"),
        (Nation::Nor, "238496 17176"),
        (Nation::Pol, "96042373536"),
        (Nation::Prt, "249118629"),
        (Nation::Rou, "1960423221569"),
        (Nation::Svk, "960423/9557"),
        (Nation::Svn, "2304996500205"),
        (Nation::Esp, "74903659L"),
        (Nation::Swe, "960423-8379"),
        (Nation::Tur, "65597971188"),
        (Nation::Gbr, "QL 71 04 97 C"),
        (Nation::Usa, "991-25-5686"),
        (Nation::Aus, "075 291 709"),
        (Nation::Nzl, "046-609-182"),
    ];
    assert_eq!(examples.len(), Nation::COUNT);
    let birth = Date::from_ymd(1996, 4, 23).unwrap();
    for (nation, s) in examples {
        let e = validate(nation, s, "Giovanni", "Rossi").unwrap_or_else(|m| panic!("{m}"));
        matches_record(&e, birth, Gender::Male).unwrap_or_else(|m| panic!("{nation:?}: {m}"));
    }
    // And the validators do reject: one changed digit or letter fails each checked scheme.
    for (nation, s) in examples {
        if matches!(nation, Nation::Alb | Nation::Hun | Nation::Gbr | Nation::Usa | Nation::Dnk) {
            continue; // no check character in the scheme
        }
        let mut b = s.as_bytes().to_vec();
        // The check character is the last one, except ISL (check digit, then the century digit).
        let last = b.len() - if nation == Nation::Isl { 2 } else { 1 };
        b[last] =
            if b[last].is_ascii_digit() { b'0' + (b[last] - b'0' + 1) % 10 } else { b'A' + (b[last] - b'A' + 1) % 26 };
        let bad = String::from_utf8(b).unwrap();
        assert!(validate(nation, &bad, "Giovanni", "Rossi").is_err(), "{nation:?} accepted {bad}");
    }
}

#[test]
fn generation_is_deterministic_and_overwrites() {
    let date = Date::from_ymd(1990, 2, 28).unwrap();
    let mut a = IdNumber::new();
    let mut b = IdNumber::new();
    b.push_str("stale");
    for &nation in Nation::ALL {
        assert!(generate(nation, date, Gender::Female, "Maria", "Fo", 9, &mut a));
        assert!(generate(nation, date, Gender::Female, "Maria", "Fo", 9, &mut b));
        assert_eq!(a, b, "{nation:?}");
        assert!(!a.is_empty());
    }
}

/// Writes a sample (`per_nation` numbers per nation, births 1975–2007) as stdnum_check.py input.
fn stdnum_sample(per_nation: u64) -> String {
    let mut s = String::new();
    for &nation in Nation::ALL {
        for k in 0..per_nation {
            let (id, date, gender, _, _) = generated(nation, 50_000 + k, 1975, 2007);
            let (y, m, d) = date.ymd();
            s.push_str(&format!("{}\t{}\t{y:04}-{m:02}-{d:02}\t{}\n", nation.as_str(), id, gender.as_str()));
        }
    }
    s
}

#[test]
fn cross_check_with_python_stdnum() {
    if std::env::var("PATIENTGEN_SKIP_STDNUM").as_deref() == Ok("1") {
        eprintln!("PATIENTGEN_SKIP_STDNUM=1: python-stdnum cross-check skipped");
        return;
    }
    let probe = Command::new("python3").args(["-c", "import stdnum"]).output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "python-stdnum is required for this test: run `pip install python-stdnum` \
             (CI installs it), or set PATIENTGEN_SKIP_STDNUM=1 to skip"
        ),
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stdnum_check.py");
    let input = stdnum_sample(300);
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    // A write error (the script died early) shows up below as its status and stderr.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdnum_check.py failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("checked {}", 300 * Nation::COUNT)), "{stdout}");
}

#[test]
fn stdnum_check_script_rejects_a_bad_number() {
    // The script must be able to fail: a BEL number with a wrong key.
    if std::env::var("PATIENTGEN_SKIP_STDNUM").as_deref() == Ok("1") {
        return;
    }
    if !Command::new("python3").args(["-c", "import stdnum"]).output().is_ok_and(|o| o.status.success()) {
        panic!("python-stdnum is required: `pip install python-stdnum` (or PATIENTGEN_SKIP_STDNUM=1)");
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stdnum_check.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    let lines = "BEL\t96.04.23-971.93\t1996-04-23\tmale\nUSA\t991-25-5686\t1996-04-23\tmale\nNOR\t238496 17176\t1996-04-23\tfemale\n";
    child.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("BEL") && stdout.contains("NOR") && !stdout.contains("USA\t"), "{stdout}");
}

/// Runs the plan contexts, attribute draws and demographics draws of `n` patients of a scenario
/// (the streams the full generator uses, without the clinical flow) and passes each record on.
fn demographics_of(res: &patientgen::Resolved, seed: u64, mut f: impl FnMut(&PatientRecord)) {
    use patientgen::internals::patient::attributes::Attributes;
    use patientgen::internals::patient::demographics::DemographicsDraw;
    use patientgen::internals::rng::{patient_stream, PatientStream};
    let plan = patientgen::internals::plan::Plan::new(res, seed);
    let attributes = Attributes::new(res);
    let demographics = DemographicsDraw::new(res, seed);
    let mut rec = PatientRecord::default();
    for ctx in plan.cursor(0).take(res.total_patients as usize) {
        let mut a = patient_stream(seed, ctx.index, PatientStream::Attributes);
        attributes.draw(&ctx, &mut a, &mut rec);
        let mut d = patient_stream(seed, ctx.index, PatientStream::Demographics);
        demographics.draw(&ctx, &mut d, &mut rec);
        f(&rec);
    }
}

/// Pipes `input` (stdnum_check.py lines) through the script; returns its stdout.
fn run_stdnum(input: String) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stdnum_check.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "stdnum_check.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// docs/IDENTITIES.md acceptance: 1,000,000 patients of the default scenario and of every preset
/// hold no repeated `id_number`; every number passes this file's validator with the record's
/// birthdate and gender, and every 500th goes through python-stdnum.
#[test]
fn a_million_patients_per_scenario_have_unique_valid_ids() {
    let skip_stdnum = std::env::var("PATIENTGEN_SKIP_STDNUM").as_deref() == Ok("1");
    let mut scenarios = vec![("default".to_string(), r#"{"total_patients": 1000000}"#.to_string())];
    for p in patientgen::config::presets::presets() {
        scenarios.push((p.id.to_string(), format!(r#"{{"preset": "{}", "total_patients": 1000000}}"#, p.id)));
    }
    assert!(scenarios.len() >= 9, "default and the 8 presets");
    let mut sample = String::new();
    let mut sampled = 0;
    for (name, json) in &scenarios {
        let sc = patientgen::parse_scenario(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sc.resolved.total_patients, 1_000_000, "{name}");
        let seed = 11;
        let mut seen: std::collections::HashSet<IdNumber> = std::collections::HashSet::with_capacity(1 << 20);
        let mut repeats = Vec::new();
        let mut invalid = Vec::new();
        let mut count = 0u64;
        demographics_of(&sc.resolved, seed, |rec| {
            let dem = &rec.demographics;
            if !seen.insert(dem.id_number) && repeats.len() < 10 {
                repeats.push(format!("{} {}", rec.nationality.as_str(), dem.id_number));
            }
            let checked = validate(rec.nationality, &dem.id_number, dem.given_name, dem.family_name)
                .and_then(|e| matches_record(&e, dem.birthdate, rec.gender));
            if let Err(m) = checked {
                if invalid.len() < 10 {
                    invalid.push(format!("{} {}: {m}", rec.nationality.as_str(), dem.id_number));
                }
            }
            if count % 500 == 0 {
                let (y, m, d) = dem.birthdate.ymd();
                sample.push_str(&format!(
                    "{}\t{}\t{y:04}-{m:02}-{d:02}\t{}\n",
                    rec.nationality.as_str(),
                    dem.id_number,
                    rec.gender.as_str()
                ));
                sampled += 1;
            }
            count += 1;
        });
        assert_eq!(count, 1_000_000, "{name}");
        assert!(repeats.is_empty(), "{name}: repeated ids, e.g. {repeats:?}");
        assert!(invalid.is_empty(), "{name}: invalid ids, e.g. {invalid:#?}");
        assert_eq!(seen.len(), 1_000_000, "{name}");
    }
    if skip_stdnum {
        eprintln!("PATIENTGEN_SKIP_STDNUM=1: python-stdnum sample skipped");
        return;
    }
    let stdout = run_stdnum(sample);
    assert!(stdout.contains(&format!("checked {sampled}")), "{stdout}");
}
