//! The streams of an hour (DOMAIN.md §3.7) and the grouping and timing of individual events
//! (§3.8).
//!
//! A stream is either a single event (special event or MASCAL cluster: every slot at
//! `minute · 60`) or an individual stream whose slots form events of 1–3 casualties spread over
//! the hour. Individual grouping and offsets are never stored: they are recomputed from the keyed
//! hashes `H(4, d, g, k)` and `H(5, d, g, k)`.

use super::context::EventKindPrefix;
use crate::data::vocab::{SpecialEventKind, Warfare};
use crate::data::warfare::WARFARE;
use crate::rng::{keyed, mix64, tag, Xo, TAG_BASE};

/// What a stream of an hour is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// A special event (one event, warfare type `mixed`).
    Special(SpecialEventKind),
    /// The MASCAL cluster of a warfare type (one event).
    Cluster(Warfare),
    /// The individual stream of a warfare type (events of 1–3 casualties).
    Individual(Warfare),
}

impl StreamKind {
    /// Prefix of the stream's event ids.
    #[inline]
    pub fn prefix(self) -> EventKindPrefix {
        match self {
            StreamKind::Special(_) => EventKindPrefix::Se,
            StreamKind::Cluster(_) => EventKindPrefix::Mc,
            StreamKind::Individual(_) => EventKindPrefix::Ind,
        }
    }

    /// Label of the stream's event ids: the special-event kind or the warfare type.
    #[inline]
    pub fn label(self) -> &'static str {
        match self {
            StreamKind::Special(k) => k.as_str(),
            StreamKind::Cluster(t) | StreamKind::Individual(t) => t.as_str(),
        }
    }

    /// The record's `scenario`: the warfare type, or `Mixed` for special events.
    #[inline]
    pub fn scenario(self) -> Warfare {
        match self {
            StreamKind::Special(_) => Warfare::Mixed,
            StreamKind::Cluster(t) | StreamKind::Individual(t) => t,
        }
    }

    /// Whether the stream's patients are `mass_casualty` (MC and SE).
    #[inline]
    pub fn mass_casualty(self) -> bool {
        !matches!(self, StreamKind::Individual(_))
    }
}

/// One stream of an hour, as stored in the plan (in rank order within its hour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stream {
    /// Special event, cluster or individual stream.
    pub kind: StreamKind,
    /// Slots (casualties) of the stream, > 0.
    pub size: u64,
    /// Minute of a single-event stream (its offset is `minute · 60`); 0 for individual streams.
    pub minute: u8,
}

/// The MASCAL cluster of (d, t, h) with `n` casualties: `(size, minute)`, or `None` (§3.7).
pub fn mascal_cluster(seed: u64, d: u32, t_index: usize, h: u8, n: u64, mm: f64) -> Option<(u64, u8)> {
    let info = WARFARE.get(t_index)?;
    if n <= 5 {
        return None;
    }
    let mut q = Xo::new(keyed(seed, tag::MASCAL, d as u64, t_index as u64, h as u64));
    if !q.bernoulli(f64::min(1.0, info.mascal_p * mm)) {
        return None;
    }
    let (lo, hi) = info.cluster;
    let drawn = q.int(lo.max(2) as i64, hi as i64) as u64;
    let minute = q.int(0, 59) as u8;
    Some((drawn.min(n), minute))
}

/// `mix64(mix64(mix64(seed ⊕ TAG_BASE ⊕ tag) ⊕ a) ⊕ b)`: `H(tag, a, b, c) = mix64(prefix ⊕ c)`.
#[inline]
fn keyed_prefix(seed: u64, tag: u64, a: u64, b: u64) -> u64 {
    mix64(mix64(mix64(seed ^ TAG_BASE ^ tag) ^ a) ^ b)
}

/// Grouping and timing of one individual stream `s = (d, t, h)` with `n` slots (§3.8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Individual {
    /// Slots.
    pub n: u64,
    /// `3T` with `T = ⌈n / 3⌉`.
    three_t: u64,
    /// Hash prefix of the group-break coins `H(4, d, g, ·)`.
    coin: u64,
    /// Hash prefix of the offset jitters `H(5, d, g, ·)`.
    jitter: u64,
}

impl Individual {
    /// The individual stream of (d, t_index, h) with `n` slots.
    pub fn new(seed: u64, d: u32, t_index: usize, h: u8, n: u64) -> Individual {
        let g = t_index as u64 * 24 + h as u64;
        Individual {
            n,
            three_t: n.div_ceil(3) * 3,
            coin: keyed_prefix(seed, tag::GROUP_BREAK, d as u64, g),
            jitter: keyed_prefix(seed, tag::OFFSET_JITTER, d as u64, g),
        }
    }

    /// Whether slot `k` starts an event: `k mod 3 = 0` or the top bit of `H(4, d, g, k)`.
    #[inline]
    pub fn starts_event(&self, k: u64) -> bool {
        k % 3 == 0 || mix64(self.coin ^ k) >> 63 == 1
    }

    /// First slot of the event containing slot `k` (at most two coins back).
    #[inline]
    pub fn event_start(&self, k: u64) -> u64 {
        let block = k - k % 3;
        let mut j = k;
        while j > block && !self.starts_event(j) {
            j -= 1;
        }
        j
    }

    /// One past the last slot of the event starting at `start`.
    #[inline]
    pub fn event_end(&self, start: u64) -> u64 {
        let mut j = start + 1;
        while j < self.n && !self.starts_event(j) {
            j += 1;
        }
        j.min(self.n)
    }

    /// Offset in seconds of the event starting at slot `k`:
    /// `⌊3600 · (k · 2^32 + v_k) / (3T · 2^32)⌋`, `v_k` the top 32 bits of `H(5, d, g, k)`.
    ///
    /// Computed exactly as `⌊(3600 k + ⌊3600 v_k / 2^32⌋) / 3T⌋` (nested floor division by
    /// `2^32` then `3T`), which stays within 64 bits for `n ≤ 2^40`.
    #[inline]
    pub fn start_offset(&self, k: u64) -> u16 {
        let v = mix64(self.jitter ^ k) >> 32;
        let num = 3600 * k + ((3600 * v) >> 32);
        (num / self.three_t.max(1)).min(3599) as u16
    }

    /// Offset in seconds of slot `k` (the offset of its event).
    #[inline]
    pub fn slot_offset(&self, k: u64) -> u16 {
        self.start_offset(self.event_start(k))
    }

    /// `cnt_s(x)`: slots with offset < `x` (offsets are non-decreasing in the slot).
    pub fn count_before(&self, x: u32) -> u64 {
        let (mut lo, mut hi) = (0u64, self.n);
        // Invariant: slots < lo have offset < x; slots ≥ hi have offset ≥ x.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if (self.slot_offset(mid) as u32) < x {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl Stream {
    /// `cnt_s(x)` of a stream (`ind` is its individual grouping, ignored for single events).
    #[inline]
    pub(crate) fn count_before(&self, ind: &Individual, x: u32) -> u64 {
        match self.kind {
            StreamKind::Individual(_) => ind.count_before(x),
            _ => {
                if (self.minute as u32) * 60 < x {
                    self.size
                } else {
                    0
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_hash_equals_keyed() {
        for (d, g, k) in [(1u64, 0u64, 0u64), (8, 191, 12345), (365, 17, 1 << 40)] {
            assert_eq!(mix64(keyed_prefix(42, 4, d, g) ^ k), keyed(42, 4, d, g, k));
        }
    }

    #[test]
    fn offsets_match_the_128_bit_formula() {
        for n in [1u64, 2, 3, 7, 100, 12_345, 1 << 40] {
            let s = Individual::new(9, 3, 2, 11, n);
            let t = n.div_ceil(3) as u128;
            for k in [0, 1, n / 2, n.saturating_sub(2), n - 1] {
                let v = (keyed(9, 5, 3, 2 * 24 + 11, k) >> 32) as u128;
                let exact = 3600 * ((k as u128) << 32 | v) / ((3 * t) << 32);
                assert_eq!(s.start_offset(k) as u128, exact, "n {n} k {k}");
            }
        }
    }

    #[test]
    fn events_have_one_to_three_slots_and_ordered_offsets() {
        let s = Individual::new(1, 1, 0, 7, 1000);
        let mut k = 0;
        let mut last = 0;
        let mut sizes = [0u32; 4];
        while k < s.n {
            let end = s.event_end(k);
            assert!((1..=3).contains(&(end - k)));
            sizes[(end - k) as usize] += 1;
            let off = s.start_offset(k);
            assert!(off >= last && off < 3600);
            last = off;
            for j in k..end {
                assert_eq!(s.event_start(j), k);
                assert_eq!(s.slot_offset(j), off);
            }
            k = end;
        }
        assert!(sizes[1] > 0 && sizes[2] > 0 && sizes[3] > 0);
        assert_eq!(s.count_before(0), 0);
        assert_eq!(s.count_before(3600), 1000);
        let x = s.slot_offset(500) as u32;
        let c = s.count_before(x);
        assert!(c <= 500 && s.slot_offset(c) as u32 == x);
        assert!(c == 0 || (s.slot_offset(c - 1) as u32) < x);
    }

    #[test]
    fn mascal_cluster_bounds() {
        let mut seen = 0;
        for h in 0..24u8 {
            for d in 1..40u32 {
                assert_eq!(mascal_cluster(1, d, 1, h, 5, 1.5), None);
                if let Some((m, minute)) = mascal_cluster(1, d, 1, h, 30, 1.5) {
                    assert!((15..=30).contains(&m) && minute < 60);
                    seen += 1;
                }
            }
        }
        // Artillery p = 0.8 · 1.5 ≥ 1: always a cluster when n > 5.
        assert_eq!(seen, 24 * 39);
    }
}
