//! Random streams and draw primitives (docs/GENERATION.md#random-numbers).
//!
//! Everything random in patientgen comes from the seed through the functions of this module:
//! keyed 64-bit hashes (`H`) for plan-level values and one xoshiro256++ stream per patient and
//! concern. The draw primitives consume a fixed number of words each, so that the same seed gives
//! the same bytes on every target. Floating-point maths uses `libm`, never the platform library.

/// The golden-ratio increment of SplitMix64, `φ`.
pub const PHI: u64 = 0x9E37_79B9_7F4A_7C15;
/// Base of the plan-level hash tags ("pgen" in the top half).
pub const TAG_BASE: u64 = 0x7067_656E_0000_0000;

/// Plan-level hash tags (docs/GENERATION.md#streams).
pub mod tag {
    /// Special events of a day.
    pub const SPECIAL_EVENTS: u64 = 1;
    /// Hourly pattern of a (day, warfare type).
    pub const HOUR_PATTERN: u64 = 2;
    /// MASCAL cluster of a (day, type, hour).
    pub const MASCAL: u64 = 3;
    /// Group-break coin of an individual slot.
    pub const GROUP_BREAK: u64 = 4;
    /// Offset jitter of an individual event.
    pub const OFFSET_JITTER: u64 = 5;
    /// High half of a FHIR UUID.
    pub const UUID_HIGH: u64 = 6;
    /// Low half of a FHIR UUID.
    pub const UUID_LOW: u64 = 7;
}

/// The SplitMix64 finaliser `fin`.
#[inline(always)]
pub fn fin(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `mix64(x) = fin(x + φ)`.
#[inline(always)]
pub fn mix64(x: u64) -> u64 {
    fin(x.wrapping_add(PHI))
}

/// The keyed plan hash `H(tag, a, b, c)` for a run seed.
#[inline]
pub fn keyed(seed: u64, tag: u64, a: u64, b: u64, c: u64) -> u64 {
    mix64(mix64(mix64(mix64(seed ^ TAG_BASE ^ tag) ^ a) ^ b) ^ c)
}

/// Which of a patient's four streams (docs/GENERATION.md#streams).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum PatientStream {
    /// Stream A: attributes (`patient::attributes`).
    Attributes = 1,
    /// Stream D: demographics (`patient::demographics`).
    Demographics = 2,
    /// Stream F: flow (`patient::flow`).
    Flow = 3,
    /// Stream M: treatments and observations (`patient::medical`, `patient::clinical::care`).
    Medical = 4,
}

/// The random stream `s` of patient `i`: `Xo(mix64(K_i ⊕ s))` with `K_i = seed ⊕ (i·φ)`.
#[inline]
pub fn patient_stream(seed: u64, index: u64, stream: PatientStream) -> Xo {
    let k = seed ^ index.wrapping_mul(PHI);
    Xo::new(mix64(k ^ stream as u64))
}

/// A xoshiro256++ generator seeded from a 64-bit key through SplitMix64 (`Xo(key)`).
///
/// Identical to `rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(key)`.
#[derive(Clone, Debug)]
pub struct Xo {
    s: [u64; 4],
}

impl Xo {
    /// Seeds the state with the first four SplitMix64 outputs of `key`.
    #[inline]
    pub fn new(key: u64) -> Self {
        let mut x = key;
        let mut s = [0u64; 4];
        for w in &mut s {
            x = x.wrapping_add(PHI);
            *w = fin(x);
        }
        if s == [0; 4] {
            // rand_xoshiro re-seeds an all-zero state from key 0; practically unreachable.
            return Self::new(0);
        }
        Xo { s }
    }

    /// The next 64-bit word.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let r = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        r
    }

    /// `uniform()`: a binary64 in [0, 1) from the top 53 bits of one word.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `below(n)`: the high word of `next() · n`, an integer in [0, n) (0 when n = 0).
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        mul_high(self.next_u64(), n)
    }

    /// `int(lo, hi)`: an integer in [lo, hi], one word.
    #[inline(always)]
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// `bernoulli(p)`: `uniform() < p`.
    #[inline(always)]
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// `categorical(w)`: an index drawn by weight, one word (docs/GENERATION.md#draw-primitives).
    #[inline]
    pub fn categorical(&mut self, w: &[f64]) -> usize {
        let u = self.uniform() * sum_in_order(w);
        pick_categorical(w, u)
    }

    /// `grid(lo, hi)` with bounds already in tenths of an hour: a duration in tenths, one word.
    #[inline(always)]
    pub fn grid_tenths(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as u64) as u32
    }

    /// `normal(μ, σ)`: Box–Muller, one output, two words.
    #[inline]
    pub fn normal(&mut self, mu: f64, sigma: f64) -> f64 {
        let u1 = self.uniform();
        let u2 = self.uniform();
        mu + sigma * sqrt(-2.0 * libm::log(1.0 - u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// `poisson(λ)` by Knuth's product method.
    #[inline]
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        let l = libm::exp(-lambda);
        let mut k = 0u32;
        let mut p = 1.0;
        loop {
            k += 1;
            p *= self.uniform();
            if p <= l {
                return k - 1;
            }
        }
    }

    /// `truncnormal(μ, σ, lo, hi)`: redrawn until in [lo, hi], at most 16 attempts, then clamped.
    #[inline]
    pub fn truncnormal(&mut self, mu: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
        let mut x = 0.0;
        for _ in 0..16 {
            x = self.normal(mu, sigma);
            if (lo..=hi).contains(&x) {
                return x;
            }
        }
        x.clamp(lo, hi)
    }
}

/// Σw in list order (the normalising sum of `categorical`).
#[inline]
pub fn sum_in_order(w: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in w {
        s += x;
    }
    s
}

/// The categorical choice for a scaled uniform `u ∈ [0, Σw)`: the first index whose running sum
/// exceeds `u`, skipping zero weights; the last positive weight if rounding leaves none.
#[inline]
pub fn pick_categorical(w: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    let mut last = 0;
    for (i, &x) in w.iter().enumerate() {
        if x > 0.0 {
            acc += x;
            last = i;
            if u < acc {
                return i;
            }
        }
    }
    last
}

/// `round` half away from zero (docs/GENERATION.md#floating-point).
#[inline(always)]
pub fn round_half_away(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        round_by_trunc(x)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        libm::round(x)
    }
}

/// Round half away from zero from `trunc` (one wasm instruction, where `libm::round` is a
/// software routine): `x − trunc(x)` is exact, so the result equals `libm::round` for every input,
/// ±0, infinities and NaN included.
#[inline(always)]
pub fn round_by_trunc(x: f64) -> f64 {
    let t = trunc(x);
    if (x - t).abs() >= 0.5 {
        t + if x < 0.0 { -1.0 } else { 1.0 }
    } else {
        t
    }
}

/// `trunc`: exact in every implementation; the wasm instruction on wasm.
#[inline(always)]
fn trunc(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        x.trunc()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        libm::trunc(x)
    }
}

/// Square root. IEEE 754 requires it correctly rounded, so the hardware instruction and `libm`'s
/// software routine give the same bits; on wasm, without nightly intrinsics, `libm::sqrt` is the
/// software routine, so the `f64.sqrt` instruction is used directly.
#[inline(always)]
pub fn sqrt(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        x.sqrt()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        libm::sqrt(x)
    }
}

/// The high word of the 128-bit product `a · b` (`below`). wasm has no 64×64→128 multiply (a
/// `u128` product there is a call to `__multi3`), so it is built from four 32×32→64 products.
#[inline(always)]
pub fn mul_high(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        mul_high_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ((a as u128 * b as u128) >> 64) as u64
    }
}

/// `mul_high` from 32-bit halves: no partial sum overflows 64 bits.
#[inline(always)]
pub fn mul_high_halves(a: u64, b: u64) -> u64 {
    const LO: u64 = 0xFFFF_FFFF;
    let (a1, a0) = (a >> 32, a & LO);
    let (b1, b0) = (b >> 32, b & LO);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 32) + (p01 & LO) + (p10 & LO);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn xo_matches_rand_xoshiro_seed_from_u64() {
        for key in [0u64, 1, 42, u64::MAX, 0x7067_656E_0000_0001] {
            let mut ours = Xo::new(key);
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(key);
            for _ in 0..64 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "key {key}");
            }
        }
    }

    #[test]
    fn pinned_first_outputs_for_keys_0_and_1() {
        let mut a = Xo::new(0);
        let first0: Vec<u64> = (0..3).map(|_| a.next_u64()).collect();
        let mut b = Xo::new(1);
        let first1: Vec<u64> = (0..3).map(|_| b.next_u64()).collect();
        assert_eq!(first0, [0x53175d61490b23df, 0x61da6f3dc380d507, 0x5c0fdf91ec9a7bfc]);
        assert_eq!(first1, [0xcfc5d07f6f03c29b, 0xbf424132963fe08d, 0x19a37d5757aaf520]);
    }

    #[test]
    fn splitmix_kth_output_is_mix64() {
        // The k-th SplitMix64 output is mix64(s + (k-1)·φ).
        let s = 12345u64;
        let mut x = s;
        for k in 1..5u64 {
            x = x.wrapping_add(PHI);
            assert_eq!(fin(x), mix64(s.wrapping_add((k - 1).wrapping_mul(PHI))));
        }
    }

    #[test]
    fn below_is_high_word_of_product() {
        let mut r = Xo::new(7);
        let mut c = r.clone();
        for n in [1u64, 2, 3, 10, 1000, u64::MAX] {
            let w = c.next_u64();
            assert_eq!(r.below(n), ((w as u128 * n as u128) >> 64) as u64);
        }
        assert_eq!(Xo::new(3).below(0), 0);
    }

    #[test]
    fn mul_high_halves_equals_the_u128_product() {
        let edges = [0u64, 1, 2, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, u64::MAX - 1, u64::MAX, 1 << 63];
        for &a in &edges {
            for &b in &edges {
                assert_eq!(mul_high_halves(a, b), ((a as u128 * b as u128) >> 64) as u64, "{a} {b}");
            }
        }
        let mut r = Xo::new(5);
        for _ in 0..100_000 {
            let (a, b) = (r.next_u64(), r.next_u64() >> (r.next_u64() & 63));
            assert_eq!(mul_high_halves(a, b), ((a as u128 * b as u128) >> 64) as u64, "{a} {b}");
        }
        assert_eq!(mul_high_halves(u64::MAX, u64::MAX), u64::MAX - 1);
    }

    #[test]
    fn round_by_trunc_equals_libm_round() {
        let specials = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4503599627370497.0,
            9007199254740993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut r = Xo::new(6);
        let random = (0..200_000).map(|k| {
            let u = r.uniform();
            match k % 4 {
                0 => (u - 0.5) * 400.0,
                1 => ((u * 2000.0).floor() - 1000.0) / 2.0,
                2 => f64::from_bits(r.next_u64()),
                _ => (u - 0.5) * 1e17,
            }
        });
        for x in specials.into_iter().chain(random) {
            let (a, b) = (round_by_trunc(x), libm::round(x));
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{x:e}: {a:e} vs {b:e}");
        }
        assert!(round_by_trunc(f64::NAN).is_nan());
    }

    #[test]
    fn hardware_sqrt_equals_libm_sqrt() {
        let mut r = Xo::new(8);
        for k in 0..200_000 {
            let x = if k % 2 == 0 { -2.0 * libm::log(1.0 - r.uniform()) } else { f64::from_bits(r.next_u64() >> 1) };
            assert_eq!(x.sqrt().to_bits(), libm::sqrt(x).to_bits(), "{x:e}");
        }
    }

    #[test]
    fn categorical_skips_zero_weights_and_falls_back_to_last_positive() {
        assert_eq!(pick_categorical(&[0.0, 1.0, 0.0], 0.0), 1);
        assert_eq!(pick_categorical(&[0.5, 0.5, 0.0], 0.99999), 1);
        assert_eq!(pick_categorical(&[0.5, 0.5, 0.0], 1.0), 1);
        assert_eq!(pick_categorical(&[0.2, 0.3, 0.5], 0.2), 1);
    }

    #[test]
    fn truncnormal_stays_in_bounds() {
        let mut r = Xo::new(9);
        for _ in 0..10_000 {
            let x = r.truncnormal(80.0, 40.0, 55.0, 130.0);
            assert!((55.0..=130.0).contains(&x));
        }
    }

    #[test]
    fn poisson_mean_is_lambda() {
        let mut r = Xo::new(11);
        let n = 200_000;
        let s: u64 = (0..n).map(|_| r.poisson(1.5) as u64).sum();
        let mean = s as f64 / n as f64;
        assert!((mean - 1.5).abs() < 0.02, "{mean}");
    }
}
