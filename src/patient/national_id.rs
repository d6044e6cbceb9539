//! National identity numbers (DOMAIN.md §7.8): one scheme per nation, with check digits and
//! never-issued ranges where the scheme has one, drawn from stream D.
//!
//! Generation is split in two: [`generate`] draws the scheme's random parts (with the rejection
//! rule ↻), and [`compose`] is the pure function "random parts → number" that embeds birthdate,
//! gender and names, computes the check values and lays the number out. Nothing here allocates:
//! the number is built in a stack buffer and copied into the record's inline string.

mod check;

use crate::civil::Date;
use crate::data::vocab::{Gender, Nation};
use crate::patient::record::IdNumber;
use crate::rng::Xo;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Attempts that redraw every random part before the stepping fallback of the rejection rule.
const MAX_ATTEMPTS: usize = 64;

/// One random part of a scheme (DOMAIN.md §7.8, draw table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// `D(N)`, `S(…)` and `A`: one `below(n)`; steps wrap from `n − 1` to 0.
    Below(u64),
    /// `R(lo, hi)`: one `int(lo, hi)`.
    Range(u64, u64),
    /// `P(lo, hi)` with the parity already applied: values `lo, lo + 2, …, top`.
    Parity(u64, u64),
}

impl Field {
    /// A `P(lo, hi)` field whose values are odd when `odd`, else even.
    fn parity(lo: u64, hi: u64, odd: bool) -> Field {
        let lo2 = if (lo % 2 == 1) == odd { lo } else { lo + 1 };
        Field::Parity(lo2, lo2 + 2 * (hi.saturating_sub(lo2) / 2))
    }

    /// Draws the field: exactly one word of `d`.
    fn draw(self, d: &mut Xo) -> u64 {
        match self {
            Field::Below(n) => d.below(n),
            Field::Range(lo, hi) => lo + d.below(hi - lo + 1),
            Field::Parity(lo, top) => lo + 2 * d.below((top - lo) / 2 + 1),
        }
    }

    /// The next value of the stepping fallback (+1, +2 for `P`), wrapping from top to bottom.
    fn step(self, v: u64) -> u64 {
        match self {
            Field::Below(n) => {
                if v + 1 >= n {
                    0
                } else {
                    v + 1
                }
            }
            Field::Range(lo, hi) => {
                if v >= hi {
                    lo
                } else {
                    v + 1
                }
            }
            Field::Parity(lo, top) => {
                if v + 2 > top {
                    lo
                } else {
                    v + 2
                }
            }
        }
    }

    /// The number of distinct values (bounds the stepping fallback).
    fn cardinality(self) -> u64 {
        match self {
            Field::Below(n) => n,
            Field::Range(lo, hi) => hi - lo + 1,
            Field::Parity(lo, top) => (top - lo) / 2 + 1,
        }
    }
}

/// The random parts of a scheme for one patient: fields in draw order and whether ↻ applies.
struct Plan {
    fields: [Field; 3],
    len: usize,
    rejects: bool,
}

impl Plan {
    fn new(fields: &[Field], rejects: bool) -> Plan {
        let mut f = [Field::Below(1); 3];
        for (slot, &x) in f.iter_mut().zip(fields) {
            *slot = x;
        }
        Plan { fields: f, len: fields.len().min(3), rejects }
    }
}

/// FRA: the 94 départements 01–19, 21–95, as an index → number map.
fn departement(idx: u64) -> u64 {
    if idx < 19 {
        idx + 1
    } else {
        idx + 2
    }
}

/// ROU: the 48 county codes 01–46, 51, 52.
fn rou_county(idx: u64) -> u64 {
    if idx < 46 {
        idx + 1
    } else {
        idx + 5
    }
}

/// ITA birthplace codes, in the listed order.
const ITA_PLACES: [&[u8; 4]; 8] = [b"H501", b"F205", b"F839", b"L219", b"G273", b"D969", b"A944", b"D612"];
/// ITA month letters, January to December.
const ITA_MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// GBR second letters of the NINO prefix.
const GBR_SECOND: &[u8; 19] = b"ABCEGHJKLMNPRSTWXYZ";
/// FIN check characters.
const FIN_CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
/// ESP DNI letters.
const ESP_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// The random parts of `nation` for a person born in `year`.
fn plan(nation: Nation, year: i32, male: bool) -> Plan {
    use Field::{Below, Range};
    let p = Field::parity;
    match nation {
        Nation::Alb => Plan::new(&[Below(26), Below(100_000_000), Below(26)], false),
        Nation::Bel => Plan::new(&[p(1, 997, male)], false),
        Nation::Bgr => Plan::new(&[p(0, 999, !male)], false),
        Nation::Can => Plan::new(&[Below(10_000_000)], false),
        Nation::Hrv => Plan::new(&[Range(1_000_000_000, 9_999_999_999)], false),
        Nation::Cze | Nation::Svk => Plan::new(&[Below(1000)], year >= 1954),
        Nation::Dnk if year < 2000 => Plan::new(&[p(0, 3999, male)], false),
        Nation::Dnk => Plan::new(&[p(4000, 9999, male)], false),
        Nation::Est | Nation::Ltu => Plan::new(&[Below(1000)], false),
        Nation::Fin => Plan::new(&[p(900, 999, male)], false),
        Nation::Fra => Plan::new(&[Below(94), Range(1, 989), Range(1, 999)], false),
        // DEU draws its own way (see `draw_deu`); the plan is unused.
        Nation::Deu => Plan::new(&[], false),
        Nation::Grc => Plan::new(&[p(0, 9999, male)], false),
        Nation::Hun => Plan::new(&[Below(1_000_000), Below(26), Below(26)], false),
        Nation::Isl => Plan::new(&[Range(20, 99)], true),
        Nation::Ita => Plan::new(&[Below(ITA_PLACES.len() as u64)], false),
        Nation::Lva => Plan::new(&[Below(100_000_000)], false),
        Nation::Lux => Plan::new(&[Range(1, 999)], false),
        Nation::Mne | Nation::Mkd => {
            let region = if nation == Nation::Mne { Range(21, 29) } else { Range(41, 49) };
            let serial = if male { Range(0, 499) } else { Range(500, 999) };
            Plan::new(&[region, serial], true)
        }
        Nation::Svn => Plan::new(&[if male { Range(0, 499) } else { Range(500, 999) }], true),
        Nation::Nld => Plan::new(&[Range(10_000_000, 99_999_999)], true),
        Nation::Nor if year < 2000 => Plan::new(&[p(0, 499, male)], true),
        Nation::Nor => Plan::new(&[p(500, 999, male)], true),
        Nation::Pol => Plan::new(&[p(0, 9999, male)], false),
        Nation::Prt => Plan::new(&[Below(10_000_000)], false),
        Nation::Rou => Plan::new(&[Below(48), Range(1, 999)], false),
        Nation::Esp => Plan::new(&[Below(100_000_000)], false),
        Nation::Swe => Plan::new(&[p(0, 999, male)], false),
        Nation::Tur => Plan::new(&[Range(100_000_000, 999_999_999)], false),
        Nation::Gbr => Plan::new(&[Below(GBR_SECOND.len() as u64), Below(1_000_000), Below(4)], false),
        Nation::Usa => Plan::new(&[Range(900, 999), Range(1, 49), Range(1, 9999)], false),
        Nation::Aus => Plan::new(&[Below(100_000_000)], true),
        Nation::Nzl => Plan::new(&[Range(1_000_001, 14_999_999)], true),
    }
}

/// Writes the id number of a patient into `out` (cleared first), drawing from stream `d` (D5).
pub fn generate(
    nation: Nation,
    birthdate: Date,
    gender: Gender,
    given_name: &str,
    family_name: &str,
    d: &mut Xo,
    out: &mut IdNumber,
) {
    let male = gender == Gender::Male;
    let mut parts = [0u64; 3];
    if nation == Nation::Deu {
        parts[0] = draw_deu(d);
        compose(nation, birthdate, gender, given_name, family_name, &parts, out);
        return;
    }
    let plan = plan(nation, birthdate.ymd().0, male);
    let fields = &plan.fields[..plan.len];
    draw_parts(fields, plan.rejects, d, &mut parts, |p| {
        compose(nation, birthdate, gender, given_name, family_name, p, out)
    });
}

/// Draws `fields` into `parts` until `accept` takes them: once without ↻; with ↻ up to 64
/// attempts, then the stepping fallback on the last field of the 64th attempt (no draws).
/// Returns whether some parts were accepted (always, for the shipped schemes).
fn draw_parts(
    fields: &[Field],
    rejects: bool,
    d: &mut Xo,
    parts: &mut [u64; 3],
    mut accept: impl FnMut(&[u64]) -> bool,
) -> bool {
    let n = fields.len().min(parts.len());
    let attempts = if rejects { MAX_ATTEMPTS } else { 1 };
    for _ in 0..attempts {
        for (v, f) in parts.iter_mut().zip(fields) {
            *v = f.draw(d);
        }
        if accept(&parts[..n]) {
            return true;
        }
    }
    let Some((&last, _)) = fields.split_last() else { return false };
    for _ in 0..last.cardinality() {
        if let Some(v) = parts.get_mut(n.wrapping_sub(1)) {
            *v = last.step(*v);
        }
        if accept(&parts[..n]) {
            return true;
        }
    }
    false
}

/// DEU (no rejection): the first ten digits as a number, built from the draws of the table.
fn draw_deu(d: &mut Xo) -> u64 {
    let missing = d.below(10) as u8;
    let doubled_rank = d.below(9) as usize;
    // The nine digits other than the missing one, ascending, with the r-th doubled: ten digits,
    // still ascending.
    let mut a = [0u8; 10];
    let mut n = 0;
    let mut rank = 0;
    for digit in 0..10u8 {
        if digit == missing {
            continue;
        }
        let copies = if rank == doubled_rank { 2 } else { 1 };
        for _ in 0..copies {
            if let Some(slot) = a.get_mut(n) {
                *slot = digit;
            }
            n += 1;
        }
        rank += 1;
    }
    for j in (1..10usize).rev() {
        let k = d.below(j as u64 + 1) as usize;
        a.swap(j, k.min(j));
    }
    if a[0] == 0 {
        if let Some(pos) = a.iter().position(|&x| x != 0) {
            a.swap(0, pos);
        }
    }
    a.iter().fold(0u64, |acc, &x| acc * 10 + x as u64)
}

/// A small stack buffer of ASCII characters (digits, letters and the FIN century sign).
struct Buf {
    b: [u8; 24],
    n: usize,
}

impl Buf {
    fn new() -> Buf {
        Buf { b: [0; 24], n: 0 }
    }

    fn push(&mut self, c: u8) {
        if let Some(slot) = self.b.get_mut(self.n) {
            *slot = c;
            self.n += 1;
        }
    }

    /// Appends the low `width` decimal digits of `v`, zero-padded.
    fn num(&mut self, v: u64, width: u32) {
        for i in (0..width).rev() {
            self.push(b'0' + (v / 10u64.pow(i) % 10) as u8);
        }
    }

    fn digit(&mut self, v: u32) {
        self.push(b'0' + (v % 10) as u8);
    }

    fn bytes(&self) -> &[u8] {
        &self.b[..self.n.min(self.b.len())]
    }

    /// Writes the characters into `out` through `layout`: `#` takes the next character, anything
    /// else is copied; an empty layout writes the characters as they are.
    fn emit(&self, layout: &[u8], out: &mut IdNumber) {
        out.clear();
        let mut chars = self.bytes().iter();
        if layout.is_empty() {
            for &c in chars {
                let _ = out.try_push(c as char);
            }
            return;
        }
        for &l in layout {
            let c = if l == b'#' { chars.next().copied().unwrap_or(b'0') } else { l };
            let _ = out.try_push(c as char);
        }
    }
}

/// The letters of a name as the codice fiscale uses them: NFD, combining marks dropped,
/// upper-cased, everything outside A–Z dropped.
fn cf_letters(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_uppercase)
        .filter(char::is_ascii_uppercase)
        .map(|c| c as u8)
}

/// Appends the three-letter codice fiscale code of a surname (`given = false`) or given name.
fn cf_name(name: &str, given: bool, buf: &mut Buf) {
    let mut cons = [0u8; 4];
    let mut nc = 0;
    let mut vows = [0u8; 3];
    let mut nv = 0;
    for c in cf_letters(name) {
        if matches!(c, b'A' | b'E' | b'I' | b'O' | b'U') {
            if let Some(slot) = vows.get_mut(nv) {
                *slot = c;
                nv += 1;
            }
        } else if let Some(slot) = cons.get_mut(nc) {
            *slot = c;
            nc += 1;
        }
    }
    if given && nc >= 4 {
        buf.push(cons[0]);
        buf.push(cons[2]);
        buf.push(cons[3]);
        return;
    }
    let code = cons[..nc.min(3)].iter().chain(&vows[..nv]).copied().chain(core::iter::repeat(b'X'));
    for c in code.take(3) {
        buf.push(c);
    }
}

/// `(11 − Σ w·d mod 11) mod 11` (ISL, NOR).
fn mod11_complement(digits: &[u8], weights: &[u32]) -> u32 {
    (11 - check::weighted_sum(digits, weights) % 11) % 11
}

/// Builds the number of `nation` from its random parts (in draw order; DEU: the first ten digits
/// as one number) into `out`, which is cleared first.
///
/// Returns `false`, leaving `out` empty, when the check value is impossible for these parts (the
/// case the rejection rule ↻ redraws); schemes without ↻ always return `true`. Missing parts
/// count as 0.
pub fn compose(
    nation: Nation,
    birthdate: Date,
    gender: Gender,
    given_name: &str,
    family_name: &str,
    parts: &[u64],
    out: &mut IdNumber,
) -> bool {
    out.clear();
    let part = |i: usize| parts.get(i).copied().unwrap_or(0);
    let (year, month, day) = birthdate.ymd();
    let yy = year.rem_euclid(100) as u64;
    let (month, day) = (month as u64, day as u64);
    let male = gender == Gender::Male;
    let born_2000s = year >= 2000;
    let mut b = Buf::new();
    let layout: &[u8] = match nation {
        Nation::Alb => {
            b.push(b'A' + (part(0) % 26) as u8);
            b.num(part(1), 8);
            b.push(b'A' + (part(2) % 26) as u8);
            b""
        }
        Nation::Bel => {
            b.num(yy, 2);
            b.num(month, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            let n = check::value(b.bytes()) + if born_2000s { 2_000_000_000 } else { 0 };
            b.num(97 - n % 97, 2);
            b"##.##.##-###.##"
        }
        Nation::Bgr => {
            b.num(yy, 2);
            b.num(month + if born_2000s { 40 } else { 0 }, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            b.digit(check::weighted_sum(b.bytes(), &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10);
            b""
        }
        Nation::Can => {
            b.push(b'0');
            b.num(part(0), 7);
            b.digit(check::luhn(b.bytes()) as u32);
            b"###-###-###"
        }
        Nation::Hrv => {
            b.num(part(0), 10);
            b.digit(check::mod11_10(b.bytes()) as u32);
            b""
        }
        Nation::Cze | Nation::Svk => {
            b.num(yy, 2);
            b.num(month + if male { 0 } else { 50 }, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            if year < 1954 {
                b"######/###"
            } else {
                let c = check::value(b.bytes()) % 11;
                if c == 10 {
                    return false;
                }
                b.digit(c as u32);
                b"######/####"
            }
        }
        Nation::Dnk => {
            b.num(day, 2);
            b.num(month, 2);
            b.num(yy, 2);
            b.num(part(0), 4);
            b"######-####"
        }
        Nation::Est | Nation::Ltu => {
            b.digit(match (born_2000s, male) {
                (false, true) => 3,
                (false, false) => 4,
                (true, true) => 5,
                (true, false) => 6,
            });
            b.num(yy, 2);
            b.num(month, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            let mut c = check::weighted_sum(b.bytes(), &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
            if c == 10 {
                c = check::weighted_sum(b.bytes(), &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11 % 10;
            }
            b.digit(c);
            b""
        }
        Nation::Fin => {
            b.num(day, 2);
            b.num(month, 2);
            b.num(yy, 2);
            let n = check::value(b.bytes()) * 1000 + part(0) % 1000;
            b.push(if born_2000s { b'A' } else { b'-' });
            b.num(part(0), 3);
            b.push(FIN_CHECK[(n % 31) as usize]);
            b""
        }
        Nation::Fra => {
            b.digit(if male { 1 } else { 2 });
            b.num(yy, 2);
            b.num(month, 2);
            b.num(departement(part(0)), 2);
            b.num(part(1), 3);
            b.num(part(2), 3);
            b.num(97 - check::value(b.bytes()) % 97, 2);
            b"# ## ## ## ### ### ##"
        }
        Nation::Deu => {
            b.num(part(0), 10);
            b.digit(check::mod11_10(b.bytes()) as u32);
            b"## ### ### ###"
        }
        Nation::Grc => {
            b.num(day, 2);
            b.num(month, 2);
            b.num(yy, 2);
            b.num(part(0), 4);
            b.digit(check::luhn(b.bytes()) as u32);
            b""
        }
        Nation::Hun => {
            b.num(part(0), 6);
            b.push(b'A' + (part(1) % 26) as u8);
            b.push(b'A' + (part(2) % 26) as u8);
            b""
        }
        Nation::Isl => {
            b.num(day, 2);
            b.num(month, 2);
            b.num(yy, 2);
            b.num(part(0), 2);
            let c = mod11_complement(b.bytes(), &[3, 2, 7, 6, 5, 4, 3, 2]);
            if c == 10 {
                return false;
            }
            b.digit(c);
            b.digit(if born_2000s { 0 } else { 9 });
            b"######-####"
        }
        Nation::Ita => {
            cf_name(family_name, false, &mut b);
            cf_name(given_name, true, &mut b);
            b.num(yy, 2);
            b.push(ITA_MONTHS[(month as usize).clamp(1, 12) - 1]);
            b.num(day + if male { 0 } else { 40 }, 2);
            for &c in ITA_PLACES[(part(0) % 8) as usize] {
                b.push(c);
            }
            b.push(check::codice_fiscale(b.bytes()));
            b""
        }
        Nation::Lva => {
            b.num(32, 2);
            b.num(part(0), 8);
            b.digit((1 + check::weighted_sum(b.bytes(), &[10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10);
            b"######-#####"
        }
        Nation::Lux => {
            b.num(year.rem_euclid(10_000) as u64, 4);
            b.num(month, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            let luhn = check::luhn(b.bytes());
            let verhoeff = check::verhoeff(b.bytes());
            b.digit(luhn as u32);
            b.digit(verhoeff as u32);
            b""
        }
        Nation::Mne | Nation::Mkd | Nation::Svn => {
            let (region, serial) = if nation == Nation::Svn { (50, part(0)) } else { (part(0), part(1)) };
            b.num(day, 2);
            b.num(month, 2);
            b.num(year.rem_euclid(1000) as u64, 3);
            b.num(region, 2);
            b.num(serial, 3);
            let s = check::weighted_sum(b.bytes(), &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
            let k = (11 - s % 11) % 11;
            if k == 10 {
                return false;
            }
            b.digit(k);
            b""
        }
        Nation::Nld => {
            b.num(part(0), 8);
            let c = check::weighted_sum(b.bytes(), &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
            if c == 10 {
                return false;
            }
            b.digit(c);
            b""
        }
        Nation::Nor => {
            b.num(day, 2);
            b.num(month + 80, 2);
            b.num(yy, 2);
            b.num(part(0), 3);
            let k1 = mod11_complement(b.bytes(), &[3, 7, 6, 1, 8, 9, 4, 5, 2]);
            if k1 == 10 {
                return false;
            }
            b.digit(k1);
            let k2 = mod11_complement(b.bytes(), &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
            if k2 == 10 {
                return false;
            }
            b.digit(k2);
            b"###### #####"
        }
        Nation::Pol => {
            b.num(yy, 2);
            b.num(month + if born_2000s { 20 } else { 0 }, 2);
            b.num(day, 2);
            b.num(part(0), 4);
            let s = check::weighted_sum(b.bytes(), &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
            b.digit((10 - s % 10) % 10);
            b""
        }
        Nation::Prt => {
            b.push(b'2');
            b.num(part(0), 7);
            let s = check::weighted_sum(b.bytes(), &[9, 8, 7, 6, 5, 4, 3, 2]);
            b.digit((11 - s % 11) % 11 % 10);
            b""
        }
        Nation::Rou => {
            b.digit(match (born_2000s, male) {
                (false, true) => 1,
                (false, false) => 2,
                (true, true) => 5,
                (true, false) => 6,
            });
            b.num(yy, 2);
            b.num(month, 2);
            b.num(day, 2);
            b.num(rou_county(part(0)), 2);
            b.num(part(1), 3);
            let c = check::weighted_sum(b.bytes(), &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
            b.digit(if c == 10 { 1 } else { c });
            b""
        }
        Nation::Esp => {
            b.num(part(0), 8);
            b.push(ESP_LETTERS[(part(0) % 100_000_000 % 23) as usize]);
            b""
        }
        Nation::Swe => {
            b.num(yy, 2);
            b.num(month, 2);
            b.num(day, 2);
            b.num(part(0), 3);
            b.digit(check::luhn(b.bytes()) as u32);
            b"######-####"
        }
        Nation::Tur => {
            b.num(part(0), 9);
            let d = b.bytes();
            let odd = check::weighted_sum(d, &[1, 0, 1, 0, 1, 0, 1, 0, 1]);
            let even = check::weighted_sum(d, &[0, 1, 0, 1, 0, 1, 0, 1, 0]);
            // + 360 (≥ the even sum, ≡ 0 mod 10) keeps the difference non-negative.
            let d10 = (7 * odd + 360 - even) % 10;
            b.digit(d10);
            b.digit(check::weighted_sum(b.bytes(), &[1; 10]) % 10);
            b""
        }
        Nation::Gbr => {
            b.push(b'Q');
            b.push(GBR_SECOND[(part(0) % GBR_SECOND.len() as u64) as usize]);
            b.num(part(1), 6);
            b.push(b'A' + (part(2) % 4) as u8);
            b"## ## ## ## #"
        }
        Nation::Usa => {
            b.num(part(0), 3);
            b.num(part(1), 2);
            b.num(part(2), 4);
            b"###-##-####"
        }
        Nation::Aus => {
            b.num(part(0), 8);
            let c = check::weighted_sum(b.bytes(), &[1, 4, 3, 7, 5, 8, 6, 9]) % 11;
            if c == 10 {
                return false;
            }
            b.digit(c);
            b"### ### ###"
        }
        Nation::Nzl => {
            b.num(part(0), 8);
            let primary = (11 - check::weighted_sum(b.bytes(), &[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            let c = if primary != 10 {
                primary
            } else {
                (11 - check::weighted_sum(b.bytes(), &[7, 4, 3, 2, 5, 2, 7, 6]) % 11) % 11
            };
            if c == 10 {
                return false;
            }
            b.digit(c);
            b"###-###-###"
        }
    };
    b.emit(layout, out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DOMAIN.md §7.8 example of `nation` (a man born 1996-04-23, Giovanni Rossi) from its
    /// random parts.
    fn example(nation: Nation, parts: &[u64]) -> IdNumber {
        let mut out = IdNumber::new();
        let date = Date::from_ymd(1996, 4, 23).unwrap();
        assert!(compose(nation, date, Gender::Male, "Giovanni", "Rossi", parts, &mut out));
        out
    }

    #[test]
    fn examples_alb_to_fra() {
        assert_eq!(example(Nation::Alb, &[10, 71_239_058, 22]).as_str(), "K71239058W");
        assert_eq!(example(Nation::Bel, &[971]).as_str(), "96.04.23-971.92");
        assert_eq!(example(Nation::Bgr, &[154]).as_str(), "9604231541");
        assert_eq!(example(Nation::Can, &[6_018_159]).as_str(), "060-181-591");
        assert_eq!(example(Nation::Hrv, &[1_830_166_131]).as_str(), "18301661318");
        assert_eq!(example(Nation::Cze, &[564]).as_str(), "960423/5641");
        assert_eq!(example(Nation::Dnk, &[2817]).as_str(), "230496-2817");
        assert_eq!(example(Nation::Est, &[434]).as_str(), "39604234341");
        assert_eq!(example(Nation::Fin, &[907]).as_str(), "230496-9073");
        // Département 74 is index 72 of 01–19, 21–95.
        assert_eq!(example(Nation::Fra, &[72, 127, 971]).as_str(), "1 96 04 74 127 971 74");
    }

    #[test]
    fn examples_deu_to_nld() {
        assert_eq!(example(Nation::Deu, &[8_594_916_720]).as_str(), "85 949 167 200");
        assert_eq!(example(Nation::Grc, &[5181]).as_str(), "23049651815");
        assert_eq!(example(Nation::Hun, &[482_913, 10, 0]).as_str(), "482913KA");
        assert_eq!(example(Nation::Isl, &[92]).as_str(), "230496-9279");
        assert_eq!(example(Nation::Ita, &[0]).as_str(), "RSSGNN96D23H501K");
        assert_eq!(example(Nation::Lva, &[9_378_657]).as_str(), "320937-86571");
        assert_eq!(example(Nation::Ltu, &[599]).as_str(), "39604235992");
        assert_eq!(example(Nation::Lux, &[481]).as_str(), "1996042348153");
        assert_eq!(example(Nation::Mne, &[28, 472]).as_str(), "2304996284723");
        assert_eq!(example(Nation::Nld, &[64_323_194]).as_str(), "643231948");
    }

    #[test]
    fn examples_mkd_to_nzl() {
        assert_eq!(example(Nation::Mkd, &[48, 268]).as_str(), "2304996482681");
        assert_eq!(example(Nation::Nor, &[171]).as_str(), "238496 17176");
        assert_eq!(example(Nation::Pol, &[7353]).as_str(), "96042373536");
        assert_eq!(example(Nation::Prt, &[4_911_862]).as_str(), "249118629");
        // County 22 is index 21.
        assert_eq!(example(Nation::Rou, &[21, 156]).as_str(), "1960423221569");
        assert_eq!(example(Nation::Svk, &[955]).as_str(), "960423/9557");
        assert_eq!(example(Nation::Svn, &[20]).as_str(), "2304996500205");
        assert_eq!(example(Nation::Esp, &[74_903_659]).as_str(), "74903659L");
        assert_eq!(example(Nation::Swe, &[837]).as_str(), "960423-8379");
        assert_eq!(example(Nation::Tur, &[655_979_711]).as_str(), "65597971188");
        // L is index 8 of ABCEGHJKLMNPRSTWXYZ; suffix C is index 2.
        assert_eq!(example(Nation::Gbr, &[8, 710_497, 2]).as_str(), "QL 71 04 97 C");
        assert_eq!(example(Nation::Usa, &[991, 25, 5686]).as_str(), "991-25-5686");
        assert_eq!(example(Nation::Aus, &[7_529_170]).as_str(), "075 291 709");
        assert_eq!(example(Nation::Nzl, &[4_660_918]).as_str(), "046-609-182");
    }

    #[test]
    fn ids_are_printable_ascii_without_quotes_or_backslashes() {
        // The record writers copy ids verbatim, without JSON/XML/CSV escaping.
        let mut out = IdNumber::new();
        for &nation in Nation::ALL {
            for k in 0..2000u64 {
                let parts: Vec<u64> = (0..12).map(|i| crate::rng::mix64(k * 31 + i)).collect();
                let date = Date(-20_000 + (k as i32 * 13) % 25_000);
                let gender = if k % 2 == 0 { Gender::Male } else { Gender::Female };
                compose(nation, date, gender, "Zoë Anne", "O'Brien-Łukasz", &parts, &mut out);
                assert!(
                    out.bytes().all(|c| (c.is_ascii_graphic() || c == b' ') && !b"\"\\<>&".contains(&c)),
                    "{nation:?}: {out}"
                );
            }
        }
    }

    #[test]
    fn every_nation_has_an_example_test() {
        // Guards the three example tests above against a nation being added without one.
        assert_eq!(Nation::COUNT, 34);
    }

    #[test]
    fn impossible_check_values_are_rejected() {
        let date = Date::from_ymd(1996, 4, 23).unwrap();
        let mut out = IdNumber::new();
        // 960423000 mod 11 = 10 would need a two-digit check: find such serials and expect false.
        let bad = (0..1000u64).find(|s| (960_423_000 + s) % 11 == 10).unwrap();
        assert!(!compose(Nation::Cze, date, Gender::Male, "", "", &[bad], &mut out));
        assert!(out.is_empty());
        // Before 1954 the 9-digit form has no check digit and is never rejected.
        let old = Date::from_ymd(1950, 1, 2).unwrap();
        assert!(compose(Nation::Cze, old, Gender::Female, "", "", &[bad], &mut out));
        assert_eq!(out.as_str(), format!("505102/{bad:03}"), "month + 50 for women");
        // NLD 10000001: Σ = 9·1 + 2·1 = 11 ≡ 0 → check 0, valid; 10000007: 9 + 14 = 23 ≡ 1.
        assert!(compose(Nation::Nld, date, Gender::Male, "", "", &[10_000_001], &mut out));
        assert_eq!(out.as_str(), "100000010");
        // 10000005: 9 + 10 = 19 ≡ 8; 10000004: 9 + 8 = 17 ≡ 6; 10000006: 9 + 12 = 21 ≡ 10 → rejected.
        assert!(!compose(Nation::Nld, date, Gender::Male, "", "", &[10_000_006], &mut out));
    }

    #[test]
    fn rejection_redraws_64_times_then_steps_the_last_field() {
        let fields = [Field::Range(21, 29), Field::Range(0, 499)];
        let mut d = Xo::new(3);
        let mut expected = Xo::new(3);
        let mut calls = 0;
        let mut parts = [0u64; 3];
        let mut seen = Vec::new();
        // Reject everything until the third stepped value.
        let ok = draw_parts(&fields, true, &mut d, &mut parts, |p| {
            calls += 1;
            seen.push(p.to_vec());
            calls == 64 + 3
        });
        assert!(ok);
        // 64 attempts of two draws each, in field order, then no more draws.
        for attempt in &seen[..64] {
            assert_eq!(attempt[0], 21 + expected.below(9));
            assert_eq!(attempt[1], expected.below(500));
        }
        assert_eq!(d.next_u64(), expected.next_u64());
        let last = &seen[63];
        for (k, stepped) in seen[64..].iter().enumerate() {
            assert_eq!(stepped[0], last[0], "the region is kept");
            assert_eq!(stepped[1], (last[1] + k as u64 + 1) % 500, "serial stepped by +1 with wrap-around");
        }
        assert_eq!(parts[..2], seen[66][..]);
    }

    #[test]
    fn without_rejection_one_attempt_is_kept() {
        let fields = [Field::parity(0, 999, true)];
        let mut d = Xo::new(4);
        let mut expected = Xo::new(4);
        let mut parts = [0u64; 3];
        assert!(draw_parts(&fields, false, &mut d, &mut parts, |_| true));
        assert_eq!(parts[0], 1 + 2 * expected.below(500));
        assert_eq!(d.next_u64(), expected.next_u64());
    }

    #[test]
    fn stepping_fallback_wraps_at_the_top() {
        assert_eq!(Field::Below(1000).step(999), 0);
        assert_eq!(Field::Range(20, 99).step(99), 20);
        assert_eq!(Field::Range(20, 99).step(42), 43);
        let odd = Field::parity(0, 499, true);
        assert_eq!(odd, Field::Parity(1, 499));
        assert_eq!(odd.step(497), 499);
        assert_eq!(odd.step(499), 1);
        let even = Field::parity(500, 999, false);
        assert_eq!(even, Field::Parity(500, 998));
        assert_eq!(even.step(998), 500);
        assert_eq!(Field::parity(1, 997, false), Field::Parity(2, 996));
    }

    #[test]
    fn ita_name_codes() {
        let code = |name: &str, given: bool| {
            let mut b = Buf::new();
            cf_name(name, given, &mut b);
            String::from_utf8(b.bytes().to_vec()).unwrap()
        };
        assert_eq!(code("Rossi", false), "RSS");
        assert_eq!(code("Giovanni", true), "GNN");
        assert_eq!(code("Fo", false), "FOX");
        assert_eq!(code("Maria", true), "MRA");
        assert_eq!(code("Francesco", true), "FNC");
        assert_eq!(code("D'Angelo", false), "DNG");
        assert_eq!(code("Niccolò", true), "NCL");
        assert_eq!(code("Dell'Acqua", false), "DLL");
        assert_eq!(code("Lucà", false), "LCU");
        assert_eq!(code("Ìa", false), "IAX");
    }

    #[test]
    fn ita_female_day_and_month_letter() {
        let mut out = IdNumber::new();
        let date = Date::from_ymd(2001, 12, 5).unwrap();
        assert!(compose(Nation::Ita, date, Gender::Female, "Giulia", "Bianchi", &[7], &mut out));
        assert_eq!(&out[..11], "BNCGLI01T45");
        assert_eq!(&out[11..15], "D612");
    }

    #[test]
    fn deu_construction_uses_nine_distinct_digits() {
        let mut d = Xo::new(5);
        for _ in 0..2000 {
            let v = draw_deu(&mut d);
            assert!((1_000_000_000..10_000_000_000).contains(&v), "{v}");
            let mut counts = [0u8; 10];
            let mut x = v;
            for _ in 0..10 {
                counts[(x % 10) as usize] += 1;
                x /= 10;
            }
            assert_eq!(counts.iter().filter(|&&c| c == 0).count(), 1);
            assert_eq!(counts.iter().filter(|&&c| c == 2).count(), 1);
        }
    }

    #[test]
    fn deu_draws_twelve_words() {
        // m, r and nine Fisher–Yates swaps.
        let mut a = Xo::new(77);
        let mut b = Xo::new(77);
        draw_deu(&mut a);
        for _ in 0..11 {
            b.next_u64();
        }
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
