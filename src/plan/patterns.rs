//! The eight hourly patterns (docs/GENERATION.md#hourly-patterns): the weights `w_h` of a (day, warfare type).
//!
//! Each pattern draws from the stream `P = Xo(H(2, d, t_index, 0))` it is given, in exactly the
//! order the specification writes; the weights then split `r_{d,t}` by largest remainder.

use crate::data::warfare::{TemporalPattern, BASELINE};
use crate::rng::{round_half_away, Xo};

/// The 24 hour weights of a pattern for event frequency `ef`, drawing from `p`.
pub fn hour_weights(pattern: TemporalPattern, ef: f64, p: &mut Xo) -> [f64; 24] {
    match pattern {
        TemporalPattern::SustainedCombat => sustained_combat(),
        TemporalPattern::Surge => surge(ef, p),
        TemporalPattern::PhasedAssault => phased_assault(),
        TemporalPattern::Sporadic => sporadic(ef, p),
        TemporalPattern::PrecisionStrike => precision_strike(ef, p),
        TemporalPattern::WaveAssault => wave_assault(),
        TemporalPattern::ContaminationSpread => contamination_spread(p),
        TemporalPattern::LowIntensity => low_intensity(ef, p),
    }
}

/// Conventional: peaks 06–09 and 16–19, damped nights. No draws.
pub fn sustained_combat() -> [f64; 24] {
    let mut w = [0.0; 24];
    for (h, (x, &b)) in w.iter_mut().zip(BASELINE.iter()).enumerate() {
        *x = match h {
            6..=9 | 16..=19 => b * 2.5,
            0 => b * 0.5 * 0.3 * 0.5,
            1..=5 | 22 | 23 => b * 0.5 * 0.3 * 0.7,
            _ => b * 0.5,
        };
    }
    w
}

/// Artillery: `max(1, round(3·ef))` two-hour surges holding about 80 % of the weight.
fn surge(ef: f64, p: &mut Xo) -> [f64; 24] {
    let surges = round_half_away(3.0 * ef).max(1.0) as usize;
    let mut candidates = [5u8, 6, 11, 12, 17, 18, 22, 23];
    let mut len = candidates.len();
    let mut in_u = [false; 24];
    for _ in 0..surges {
        if len == 0 {
            break;
        }
        let start = candidates[p.below(len as u64) as usize % len];
        in_u[start as usize] = true;
        in_u[(start as usize + 1) % 24] = true;
        let mut kept = 0;
        for j in 0..len {
            let c = candidates[j];
            if c.abs_diff(start) > 2 {
                candidates[kept] = c;
                kept += 1;
            }
        }
        len = kept;
    }
    let u_count = in_u.iter().filter(|&&x| x).count() as f64;
    let mut w = [0.0; 24];
    for (x, &surge_hour) in w.iter_mut().zip(in_u.iter()) {
        *x = if surge_hour {
            0.8 * (0.8 + 0.4 * p.uniform()) / u_count
        } else {
            0.2 * (0.5 + 1.0 * p.uniform()) / (24.0 - u_count)
        };
    }
    w
}

/// Urban: assault phases 06–09 and 14–16. No draws.
pub fn phased_assault() -> [f64; 24] {
    let mut w = [0.0; 24];
    for (h, (x, &b)) in w.iter_mut().zip(BASELINE.iter()).enumerate() {
        *x = match h {
            6..=9 => b * 3.0,
            14..=16 => b * 2.5,
            _ => b * 0.8,
        };
    }
    w
}

/// Guerrilla: `max(1, round(int(3, 7)·ef))` incidents drawn with replacement by weight.
fn sporadic(ef: f64, p: &mut Xo) -> [f64; 24] {
    let k = round_half_away(p.int(3, 7) as f64 * ef).max(1.0) as u64;
    let mut v = [0.0; 24];
    for (h, (x, &b)) in v.iter_mut().zip(BASELINE.iter()).enumerate() {
        *x = match h {
            5..=7 | 17..=19 => b * 1.4,
            0..=4 | 20..=23 => b * 0.7,
            _ => b,
        };
    }
    let mut w = [0.0; 24];
    for _ in 0..k {
        if let Some(x) = w.get_mut(p.categorical(&v)) {
            *x += 1.0;
        }
    }
    w
}

/// Drone: `max(1, round(int(1, 4)·ef))` strikes, 80 % at any hour, otherwise in daylight.
fn precision_strike(ef: f64, p: &mut Xo) -> [f64; 24] {
    let k = round_half_away(p.int(1, 4) as f64 * ef).max(1.0) as u64;
    let mut w = [0.0; 24];
    for _ in 0..k {
        let h = if p.bernoulli(0.8) { p.int(0, 23) } else { p.int(6, 17) };
        if let Some(x) = w.get_mut(h as usize) {
            *x += 1.0;
        }
    }
    w
}

/// Naval: fixed waves. No draws.
pub fn wave_assault() -> [f64; 24] {
    let mut w = [0.0; 24];
    for (h, (x, &b)) in w.iter_mut().zip(BASELINE.iter()).enumerate() {
        *x = match h {
            4..=6 | 10 | 11 | 16 | 17 => b * 3.0,
            _ => b * 0.3,
        };
    }
    w
}

/// CBRN: release hour `R ∈ {0, 1, 2}`, spikes at R, R + 6, R + 12 spread over three hours.
fn contamination_spread(p: &mut Xo) -> [f64; 24] {
    let r = p.int(0, 2) as usize;
    let c = 1.0 / 1.5;
    let f = [1.0, c, c * c];
    let mut spike = [None::<f64>; 24];
    for (x, weight) in [(r, 0.65), (r + 6, 0.175), (r + 12, 0.175)] {
        for (j, &fj) in f.iter().enumerate() {
            spike[(x + j) % 24] = Some(weight * fj);
        }
    }
    let mut w = [0.0; 24];
    for ((x, &b), s) in w.iter_mut().zip(BASELINE.iter()).zip(spike) {
        *x = match s {
            Some(s) => 0.02 * b + s,
            None => 0.02 * b,
        };
    }
    w
}

/// Peacekeeping: incident hours active with `min(1, 0.3·ef)`, at least one.
fn low_intensity(ef: f64, p: &mut Xo) -> [f64; 24] {
    const INCIDENT_HOURS: [usize; 8] = [8, 9, 10, 11, 14, 15, 16, 17];
    let q = f64::min(1.0, 0.3 * ef);
    let mut active = [false; 8];
    for a in &mut active {
        *a = p.bernoulli(q);
    }
    if !active.contains(&true) {
        active[p.below(8) as usize % 8] = true;
    }
    let mut w = [0.0; 24];
    for (x, &b) in w.iter_mut().zip(BASELINE.iter()) {
        *x = b * 0.1;
    }
    for (&h, &on) in INCIDENT_HOURS.iter().zip(active.iter()) {
        if on {
            w[h] = if matches!(h, 10 | 11 | 14 | 15) { BASELINE[h] * 2.0 } else { BASELINE[h] * 1.0 };
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sustained_combat_weights() {
        let w = sustained_combat();
        assert_eq!(w[7], 1.5 * 2.5);
        assert_eq!(w[0], 0.3 * 0.5 * 0.3 * 0.5);
        assert_eq!(w[23], 0.3 * 0.5 * 0.3 * 0.7);
        assert_eq!(w[12], 1.1 * 0.5);
        assert_eq!(w[19], 0.8 * 2.5);
    }

    #[test]
    fn surge_puts_about_eighty_percent_in_surge_hours() {
        for seed in 0..50u64 {
            let w = hour_weights(TemporalPattern::Surge, 1.3, &mut Xo::new(seed));
            let total: f64 = w.iter().sum();
            // Surge hours have weights ≥ 0.64/8 = 0.08, the others ≤ 0.3/16 < 0.019.
            let surge: f64 = w.iter().filter(|&&x| x >= 0.08).sum();
            let count = w.iter().filter(|&&x| x >= 0.08).count();
            assert!(count % 2 == 0 && (2..=8).contains(&count), "{count}");
            assert!((0.7..0.9).contains(&(surge / total)), "{}", surge / total);
        }
    }

    #[test]
    fn discrete_patterns_count_incidents() {
        for seed in 0..50u64 {
            let w = hour_weights(TemporalPattern::Sporadic, 1.0, &mut Xo::new(seed));
            let k: f64 = w.iter().sum();
            assert!((3.0..=7.0).contains(&k) && k.fract() == 0.0);
            let w = hour_weights(TemporalPattern::PrecisionStrike, 1.6, &mut Xo::new(seed));
            let k: f64 = w.iter().sum();
            // round(int(1,4) · 1.6) ∈ {2, 3, 5, 6}.
            assert!([2.0, 3.0, 5.0, 6.0].contains(&k), "{k}");
        }
    }

    #[test]
    fn contamination_spikes() {
        let c = 1.0 / 1.5;
        for seed in 0..20u64 {
            let mut p = Xo::new(seed);
            let r = p.clone().int(0, 2) as usize;
            let w = hour_weights(TemporalPattern::ContaminationSpread, 1.0, &mut p);
            assert_eq!(w[r], 0.02 * BASELINE[r] + 0.65);
            assert_eq!(w[r + 7], 0.02 * BASELINE[r + 7] + 0.175 * c);
            assert_eq!(w[r + 14], 0.02 * BASELINE[r + 14] + 0.175 * (c * c));
            assert_eq!(w[20], 0.02 * BASELINE[20]);
        }
    }

    #[test]
    fn low_intensity_has_an_active_hour() {
        for seed in 0..200u64 {
            let w = hour_weights(TemporalPattern::LowIntensity, 0.6, &mut Xo::new(seed));
            let active = [8usize, 9, 10, 11, 14, 15, 16, 17].iter().filter(|&&h| w[h] >= BASELINE[h]).count();
            assert!(active >= 1);
            assert_eq!(w[3], BASELINE[3] * 0.1);
        }
    }
}
