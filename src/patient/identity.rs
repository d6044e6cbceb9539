//! Dataset-wide identity slots (docs/IDENTITIES.md): the age, birth date and national-id serial
//! index of patient `i` come from a bijection of the patient index, so no two patients of one
//! dataset get the same id number, whatever the shard or chunk split.
//!
//! 1. `s = π(i)`, a keyed permutation of `[0, N)` (N = `total_patients`): a four-round Feistel
//!    network on the smallest even number of bits that holds N, walked until the value is
//!    below N (cycle walking), so distinct patients get distinct slots.
//! 2. Per id format, `[0, N)` is cut into 33 consecutive strata, one per age 18–50, sized by the
//!    age distribution of `data::demographics::AGE_BAND_WEIGHTS` (band share / band width). The
//!    stratum holding `s` gives the age; `r = s − start` is the patient's rank in it.
//! 3. Schemes that embed the birth date have `C` numbers per birth date (and gender); an age has
//!    `days × C` of them. The rank is permuted within `[0, days × C)`; the quotient and remainder
//!    by `days` give the serial index `j` and the day of the birth year. Distinct ranks of one
//!    age give distinct (birth date, j), hence distinct numbers. Where a stratum would exceed
//!    `days × C`, the strata are resized by water-filling: full ages are capped and the rest is
//!    shared out by the same shares (the age distribution flattens; documented fallback).
//! 4. Schemes without a birth date permute `s` itself within their total capacity `K`.
//!
//! Past a scheme's total capacity (33 ages × days × C, or K) no valid number is left; the index
//! then wraps and numbers repeat. docs/IDENTITIES.md lists every scheme's limit.

use crate::civil::Date;
use crate::data::demographics::{AGE_BANDS, AGE_BAND_WEIGHTS};
use crate::data::vocab::Nation;
use crate::patient::national_id::{capacity, format_group, Capacity};
use crate::rng::{mix64, PHI};

/// Youngest and oldest age (the bounds of `data::demographics::AGE_BANDS`).
const MIN_AGE: i32 = 18;
/// Number of ages 18–50.
const AGES: usize = 33;
/// Tag mixed into the permutation keys ("ids").
const TAG: u64 = 0x6964_7300_0000_0000;

/// A keyed permutation of `[0, n)`.
#[derive(Clone, Copy, Debug)]
pub struct Permutation {
    n: u64,
    half: u32,
    key: u64,
}

impl Permutation {
    /// The permutation of `[0, n)` for `key`.
    pub fn new(n: u64, key: u64) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        Permutation { n, half: bits.div_ceil(2).max(1), key }
    }

    /// One pass of the Feistel network over `2 × half` bits (a bijection of that domain). The
    /// round function is the top `half` bits of one multiplication by an odd constant, keyed per
    /// round (a bijection needs no strong mixing; this keeps the pass to four multiplications).
    #[inline]
    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half) - 1;
        let shift = 64 - self.half;
        let (mut l, mut r) = (x >> self.half, x & mask);
        for round in 0..4u64 {
            let k = self.key ^ round.wrapping_mul(PHI);
            let f = (r ^ k).wrapping_mul(0xD6E8_FEB8_6659_FD93) >> shift;
            (l, r) = (r, l ^ f);
        }
        (l << self.half) | r
    }

    /// `π(x)` for `x < n` (values ≥ n are reduced mod n first). The domain has fewer than 4n
    /// values, so the walk takes under four passes on average; it ends because `x` is on its own
    /// cycle.
    #[inline]
    pub fn apply(&self, x: u64) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        let x = x % self.n;
        let mut y = self.feistel(x);
        while y >= self.n {
            y = self.feistel(y);
        }
        y
    }
}

/// The share of each age 18–50: its band's share divided by the band's width.
fn age_shares() -> [f64; AGES] {
    let mut p = [0.0; AGES];
    for (&(lo, hi), &w) in AGE_BANDS.iter().zip(&AGE_BAND_WEIGHTS) {
        for age in lo..=hi {
            if let Some(slot) = p.get_mut(age as usize - MIN_AGE as usize) {
                *slot = w / f64::from(hi - lo + 1);
            }
        }
    }
    p
}

/// Splits `n` slots over the ages by `shares`, at most `caps[a]` each where possible (water-filling
/// then largest remainders, ties to the younger age). When the caps hold fewer than `n`, each age
/// gets its cap plus its share of the excess.
fn allocate(n: u64, shares: &[f64; AGES], caps: &[u64; AGES]) -> [u64; AGES] {
    let mut out = [0u64; AGES];
    let mut capped = [false; AGES];
    let total_cap = caps.iter().fold(0u64, |a, &c| a.saturating_add(c));
    let mut remaining = n;
    if total_cap <= n {
        // Over capacity: every age full, the excess spread by share (numbers wrap; see module doc).
        out = *caps;
        remaining = n - total_cap;
        capped = [false; AGES];
    } else {
        // Water-filling: cap every age whose proportional share exceeds its capacity, repeat.
        loop {
            let free: f64 = (0..AGES).filter(|&a| !capped[a]).map(|a| shares[a]).sum();
            let mut changed = false;
            for a in 0..AGES {
                if !capped[a] && remaining as f64 * shares[a] / free > caps[a] as f64 {
                    capped[a] = true;
                    out[a] = caps[a];
                    remaining -= caps[a];
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    let free: f64 = (0..AGES).filter(|&a| !capped[a]).map(|a| shares[a]).sum();
    if free <= 0.0 {
        return out;
    }
    let mut rema = [0.0f64; AGES];
    let mut given = 0u64;
    for a in 0..AGES {
        if !capped[a] {
            let t = remaining as f64 * shares[a] / free;
            let f = (t.floor() as u64).min(remaining - given);
            out[a] += f;
            given += f;
            rema[a] = t - f as f64;
        }
    }
    // Largest remainders first; each free age gets at most one more.
    let mut left = remaining - given;
    while left > 0 {
        let mut best = None;
        for a in 0..AGES {
            if !capped[a] && rema[a] >= 0.0 && best.is_none_or(|b: usize| rema[a] > rema[b]) {
                best = Some(a);
            }
        }
        let Some(b) = best else { break };
        out[b] += 1;
        rema[b] = -1.0;
        left -= 1;
    }
    if left > 0 {
        // Only when every free age already got its extra one (impossible: the remainders sum to
        // fewer than the number of free ages); keep the total exact anyway.
        if let Some(a) = (0..AGES).find(|&a| !capped[a]) {
            out[a] += left;
        }
    }
    out
}

/// The strata of one id format.
#[derive(Clone, Debug)]
struct Strata {
    /// First slot of each age's stratum (ascending; `start[a] + size[a] = start[a + 1]`).
    start: [u64; AGES],
    /// Days in the birth-date interval of each age.
    days: [u64; AGES],
    /// Numbers per birth date, or `None` for schemes without a birth date.
    per_date: Option<u64>,
    /// Total capacity of a scheme without a birth date.
    total: u64,
    /// Permutation key of the format.
    key: u64,
}

/// What the slot of a patient fixes: age, birth date and the id serial index, plus the birth
/// day drawn freely by schemes that do not embed it (`None` then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    /// Age in whole years at the base date.
    pub age: u8,
    /// Birth date, for schemes that embed it; `None` lets the caller draw the day.
    pub birthdate: Option<Date>,
    /// Serial index for `national_id::generate`.
    pub serial: u64,
}

/// Slots, strata and permutations of one dataset (configuration and seed).
#[derive(Clone, Debug)]
pub struct IdentitySlots {
    base: Date,
    slot: Permutation,
    by_nation: Vec<Strata>,
}

impl IdentitySlots {
    /// Prepares the tables for `n` patients, base date `base` and the run's seed.
    pub fn new(n: u64, base: Date, seed: u64) -> Self {
        let shares = age_shares();
        let mut days = [0u64; AGES];
        for (a, d) in days.iter_mut().enumerate() {
            let age = MIN_AGE + a as i32;
            *d = (base.minus_years(age).0 - base.minus_years(age + 1).0) as u64;
        }
        let by_nation = Nation::ALL
            .iter()
            .map(|&nation| {
                let key = mix64(seed ^ TAG ^ mix64(format_group(nation)));
                let (per_date, total) = match capacity(nation) {
                    Capacity::PerBirthDate(c) => (Some(c), 0),
                    Capacity::Total(k) => (None, k),
                };
                let caps: [u64; AGES] = core::array::from_fn(|a| per_date.map_or(u64::MAX / 64, |c| c * days[a]));
                let sizes = allocate(n, &shares, &caps);
                let mut start = [0u64; AGES];
                let mut acc = 0u64;
                for a in 0..AGES {
                    start[a] = acc;
                    acc += sizes[a];
                }
                Strata { start, days, per_date, total, key }
            })
            .collect();
        IdentitySlots { base, slot: Permutation::new(n, mix64(seed ^ TAG)), by_nation }
    }

    /// The identity of patient `index` of `nation`.
    pub fn identity(&self, index: u64, nation: Nation) -> Identity {
        let s = self.slot.apply(index);
        let Some(st) = self.by_nation.get(nation.index()) else {
            return Identity { age: MIN_AGE as u8, birthdate: None, serial: 0 };
        };
        let a = st.start.partition_point(|&x| x <= s).saturating_sub(1);
        let age = MIN_AGE + a as i32;
        let r = s - st.start[a];
        match st.per_date {
            Some(c) => {
                let days = st.days[a].max(1);
                let x = Permutation::new(days * c, st.key ^ mix64(a as u64)).apply(r);
                let first = self.base.minus_years(age + 1);
                Identity { age: age as u8, birthdate: Some(Date(first.0 + 1 + (x % days) as i32)), serial: x / days }
            }
            None => Identity { age: age as u8, birthdate: None, serial: Permutation::new(st.total, st.key).apply(s) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_bijections() {
        for n in [1u64, 2, 3, 5, 17, 1440, 4096, 4097, 100_000] {
            let p = Permutation::new(n, 0xABCD ^ n);
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = p.apply(x);
                assert!(y < n);
                assert!(!seen[y as usize], "n = {n}: {y} twice");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn strata_follow_the_age_shares_when_capacity_allows() {
        let shares = age_shares();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let sizes = allocate(1_000_000, &shares, &[u64::MAX / 64; AGES]);
        assert_eq!(sizes.iter().sum::<u64>(), 1_000_000);
        for a in 0..AGES {
            assert!((sizes[a] as f64 - 1e6 * shares[a]).abs() <= 1.0, "age {}: {}", a + 18, sizes[a]);
        }
    }

    #[test]
    fn water_filling_caps_full_ages_and_keeps_the_total() {
        let shares = age_shares();
        // 20–24 (0.06 each) would get 60,000 of 1e6 but hold only 50,000.
        let caps = [50_000u64; AGES];
        let sizes = allocate(1_000_000, &shares, &caps);
        assert_eq!(sizes.iter().sum::<u64>(), 1_000_000);
        assert!(sizes.iter().zip(&caps).all(|(s, c)| s <= c));
        assert_eq!(sizes[2], 50_000);
        // Over capacity: all full plus the excess.
        let sizes = allocate(2_000_000, &shares, &caps);
        assert_eq!(sizes.iter().sum::<u64>(), 2_000_000);
    }

    #[test]
    fn identities_are_distinct_per_format_and_match_their_age() {
        let base = Date::parse("2025-06-01").unwrap();
        let n = 200_000;
        let slots = IdentitySlots::new(n, base, 42);
        for nation in [Nation::Fin, Nation::Isl, Nation::Est, Nation::Esp] {
            let mut seen = std::collections::HashSet::new();
            for i in 0..n {
                let id = slots.identity(i, nation);
                assert!((18..=50).contains(&id.age));
                if let Some(b) = id.birthdate {
                    assert!(b < base.minus_years(id.age as i32) || b == base.minus_years(id.age as i32));
                    assert!(b > base.minus_years(id.age as i32 + 1));
                }
                assert!(seen.insert((id.birthdate, id.serial)), "{nation:?}: patient {i} repeats {id:?}");
            }
        }
    }
}
