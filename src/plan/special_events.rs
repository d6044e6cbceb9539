//! Special events of a day (docs/GENERATION.md#special-events): mass-casualty incident, major offensive and
//! ambush, each one event of warfare type `mixed`, capped together at 60 % of the day.

use crate::data::vocab::SpecialEventKind;
use crate::rng::{keyed, tag, Xo};

use super::allocation::largest_remainder;

/// One special event of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpecialEvent {
    /// Kind (also its rank among the special events of an hour).
    pub kind: SpecialEventKind,
    /// 1-based day.
    pub day: u32,
    /// Hour of the event (0–23).
    pub hour: u8,
    /// Minute of the event (0–59); the event is at `hh:mm:00`.
    pub minute: u8,
    /// Casualties, after the cap; never 0 (empty events are dropped).
    pub size: u64,
}

/// Hours a major offensive may start at (drawn with equal weights).
const MAJOR_OFFENSIVE_HOURS: [u8; 3] = [5, 6, 7];
/// Hours an ambush may happen at (drawn with equal weights).
const AMBUSH_HOURS: [u8; 5] = [6, 7, 17, 18, 19];

/// The special events of day `d` with `n_d` casualties, in kind order, appended to `out`.
///
/// `enabled` is indexed by `SpecialEventKind`; `ef` is the intensity's event frequency.
pub fn day_events(seed: u64, d: u32, n_d: u64, enabled: &[bool; 3], ef: f64, out: &mut Vec<SpecialEvent>) {
    let mut rng = Xo::new(keyed(seed, tag::SPECIAL_EVENTS, d as u64, 0, 0));
    let cycle = (d.max(1) - 1) % 8;
    let nf = n_d as f64;
    let mut drawn = [None::<SpecialEvent>; 3];
    for (&kind, slot) in SpecialEventKind::ALL.iter().zip(drawn.iter_mut()) {
        if !enabled[kind.index()] {
            continue;
        }
        let (hour, minute, size) = match kind {
            SpecialEventKind::MassCasualty => {
                if !rng.bernoulli(f64::min(1.0, 0.2 * ef)) {
                    continue;
                }
                let hour = rng.int(6, 18) as u8;
                let minute = rng.int(0, 59) as u8;
                let f = 0.05 + 0.10 * rng.uniform();
                let raw = (nf * f * 5.0).floor() as u64;
                (hour, minute, raw.clamp(30, 100))
            }
            SpecialEventKind::MajorOffensive => {
                if cycle != 1 {
                    continue;
                }
                let hour = MAJOR_OFFENSIVE_HOURS[rng.categorical(&[1.0; 3]) % 3];
                let minute = rng.int(0, 59) as u8;
                (hour, minute, (nf * 0.3 * 3.0).floor() as u64)
            }
            SpecialEventKind::Ambush => {
                if !matches!(cycle, 0 | 3 | 5) {
                    continue;
                }
                let hour = AMBUSH_HOURS[rng.categorical(&[1.0; 5]) % 5];
                let minute = rng.int(0, 59) as u8;
                (hour, minute, (nf * 0.1 * 2.0).floor() as u64)
            }
        };
        *slot = Some(SpecialEvent { kind, day: d, hour, minute, size });
    }
    let cap = (0.6 * nf).floor() as u64;
    let sum: u64 = drawn.iter().flatten().map(|e| e.size).sum();
    if sum > cap {
        let sizes: Vec<f64> = drawn.iter().map(|e| e.map_or(0.0, |e| e.size as f64)).collect();
        let capped = largest_remainder(cap, &sizes);
        for (e, &c) in drawn.iter_mut().zip(capped.iter()) {
            if let Some(e) = e {
                e.size = c;
            }
        }
    }
    out.extend(drawn.iter().flatten().filter(|e| e.size > 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(seed: u64, d: u32, n_d: u64, ef: f64) -> Vec<SpecialEvent> {
        let mut v = Vec::new();
        day_events(seed, d, n_d, &[true; 3], ef, &mut v);
        v
    }

    #[test]
    fn ambush_days_and_sizes() {
        let v = events(1, 1, 12_500, 1.3);
        let ambush: Vec<_> = v.iter().filter(|e| e.kind == SpecialEventKind::Ambush).collect();
        assert_eq!(ambush.len(), 1);
        assert_eq!(ambush[0].size, 2500);
        assert!(AMBUSH_HOURS.contains(&ambush[0].hour));
        for d in [2u32, 3, 5, 7, 8] {
            assert!(events(1, d, 12_500, 1.3).iter().all(|e| e.kind != SpecialEventKind::Ambush), "day {d}");
        }
        for d in [1u32, 4, 6, 9, 12, 14, 17] {
            assert!(events(1, d, 12_500, 1.3).iter().any(|e| e.kind == SpecialEventKind::Ambush), "day {d}");
        }
    }

    #[test]
    fn major_offensive_alone_takes_the_cap() {
        // Day 2 with mass casualties disabled: 0.9 · n_d exceeds ⌊0.6 · n_d⌋.
        let mut v = Vec::new();
        day_events(3, 2, 1000, &[false, true, false], 1.0, &mut v);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].size, 600);
        assert!(MAJOR_OFFENSIVE_HOURS.contains(&v[0].hour));
        assert!(v[0].minute < 60);
        v.clear();
        day_events(3, 10, 1000, &[false, true, false], 1.0, &mut v);
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn cap_shares_by_template_size() {
        for seed in 0..40u64 {
            for n_d in [0u64, 1, 2, 5, 17, 100, 12_500] {
                let v = events(seed, 2, n_d, 1.6);
                let total: u64 = v.iter().map(|e| e.size).sum();
                assert!(total <= (0.6 * n_d as f64).floor() as u64, "seed {seed} n_d {n_d}");
                assert!(v.iter().all(|e| e.size > 0));
                if n_d == 12_500 {
                    assert_eq!(total, 7500);
                }
            }
        }
    }

    #[test]
    fn mass_casualty_probability_saturates() {
        // ef = 1.6: 0.2 · 1.6 = 0.32; with the default n_d the size is always 100.
        let days = (1..=200u32)
            .filter(|&d| events(5, d, 12_500, 1.6).iter().any(|e| e.kind == SpecialEventKind::MassCasualty));
        let n = days.count();
        assert!((40..=90).contains(&n), "{n}");
        for d in 1..=40u32 {
            for e in events(5, d, 12_500, 1.0) {
                if e.kind == SpecialEventKind::MassCasualty && d % 8 != 2 {
                    assert_eq!(e.size, 100);
                    assert!((6..=18).contains(&e.hour));
                }
            }
        }
    }
}
