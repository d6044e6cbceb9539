//! Flow-model tables of the reference models (docs/GENERATION.md#reference-model-tables): stay and
//! transit ranges in tenths of an hour, the classic model's base rates and triage modifiers, and
//! the Markov model's transition rows and route minutes.
//!
//! Tables are indexed by `Facility::index()` (the level L) and `Triage::index()`.

use crate::data::vocab::Facility;

/// Stay ("evacuation") range `(min, max)` in tenths of an hour, `[location][triage]`.
pub const STAY_TENTHS: [[(u32, u32); 3]; 5] = [
    [(5, 15), (20, 50), (30, 80)],       // POI
    [(10, 30), (80, 160), (120, 160)],   // Role1
    [(10, 30), (50, 120), (80, 120)],    // Role2
    [(20, 60), (40, 120), (60, 120)],    // Role3
    [(60, 120), (120, 240), (120, 240)], // Role4
];

/// Classic-model transit range `(min, max)` in tenths of an hour, `[origin][triage]`, origin POI
/// to Role3 (the destination is the next facility of the chain).
pub const TRANSIT_TENTHS: [[(u32, u32); 3]; 4] = [
    [(5, 20), (10, 30), (15, 30)],  // POI → Role1
    [(10, 30), (20, 40), (30, 50)], // Role1 → Role2
    [(20, 40), (30, 50), (40, 60)], // Role2 → Role3
    [(10, 30), (20, 40), (30, 50)], // Role3 → Role4
];

/// Classic-model default KIA rate per location.
pub const KIA_RATE: [f64; 5] = [0.20, 0.08, 0.06, 0.04, 0.02];

/// Classic-model default RTD rate per location; Role 4 has none (automatic RTD).
pub const RTD_RATE: [f64; 4] = [0.30, 0.25, 0.35, 0.45];

/// Classic-model KIA modifier per triage.
pub const KIA_MOD: [f64; 3] = [1.5, 1.0, 0.5];

/// Classic-model RTD modifier per triage.
pub const RTD_MOD: [f64; 3] = [0.8, 1.0, 1.2];

/// Factor of `k_F` giving the classic model's death-in-transit probability.
pub const TRANSIT_DEATH_FACTOR: f64 = 0.3;

/// A target state of a Markov transition row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkovNext {
    /// Move on to a facility.
    Go(Facility),
    /// Death (terminal).
    Kia,
    /// Return to duty (terminal).
    Rtd,
}

use MarkovNext::{Go, Kia, Rtd};

/// The longest Markov row.
pub const MARKOV_ROW_MAX: usize = 4;

/// Markov base rows `[location][triage]`, targets in the listed order (the order fixes the
/// `categorical` result).
pub const MARKOV_ROWS: [[&[(MarkovNext, f64)]; 3]; 5] = [
    [
        &[(Go(Facility::Role1), 0.85), (Go(Facility::Role2), 0.03), (Go(Facility::Role3), 0.02), (Kia, 0.10)],
        &[(Go(Facility::Role1), 0.92), (Go(Facility::Role2), 0.02), (Go(Facility::Role3), 0.01), (Kia, 0.05)],
        &[(Go(Facility::Role1), 0.96), (Go(Facility::Role2), 0.01), (Go(Facility::Role3), 0.01), (Kia, 0.02)],
    ],
    [
        &[(Go(Facility::Role2), 0.75), (Go(Facility::Role3), 0.15), (Kia, 0.08), (Rtd, 0.02)],
        &[(Go(Facility::Role2), 0.50), (Go(Facility::Role3), 0.20), (Rtd, 0.25), (Kia, 0.05)],
        &[(Go(Facility::Role2), 0.20), (Go(Facility::Role3), 0.10), (Rtd, 0.68), (Kia, 0.02)],
    ],
    [
        &[(Go(Facility::Role3), 0.60), (Go(Facility::Role4), 0.20), (Kia, 0.05), (Rtd, 0.15)],
        &[(Go(Facility::Role3), 0.40), (Go(Facility::Role4), 0.20), (Rtd, 0.38), (Kia, 0.02)],
        &[(Go(Facility::Role3), 0.20), (Go(Facility::Role4), 0.10), (Rtd, 0.69), (Kia, 0.01)],
    ],
    [
        &[(Go(Facility::Role4), 0.70), (Rtd, 0.25), (Kia, 0.05)],
        &[(Go(Facility::Role4), 0.40), (Rtd, 0.58), (Kia, 0.02)],
        &[(Go(Facility::Role4), 0.15), (Rtd, 0.84), (Kia, 0.01)],
    ],
    [&[(Rtd, 0.95), (Kia, 0.05)], &[(Rtd, 0.98), (Kia, 0.02)], &[(Rtd, 0.99), (Kia, 0.01)]],
];

/// Markov transit minutes `(mean, sd)` per route `[from][to]`; `None` where no row leads.
pub const MARKOV_ROUTE_MINUTES: [[Option<(f64, f64)>; 5]; 5] = {
    let mut t = [[None; 5]; 5];
    t[0][1] = Some((30.0, 15.0));
    t[0][2] = Some((60.0, 20.0));
    t[0][3] = Some((90.0, 30.0));
    t[1][2] = Some((45.0, 15.0));
    t[1][3] = Some((120.0, 30.0));
    t[2][3] = Some((90.0, 30.0));
    t[2][4] = Some((360.0, 60.0));
    t[3][4] = Some((360.0, 60.0));
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markov_rows_sum_to_one_and_point_forward() {
        for (l, rows) in MARKOV_ROWS.iter().enumerate() {
            for row in rows {
                let s: f64 = row.iter().map(|&(_, p)| p).sum();
                assert!((s - 1.0).abs() < 1e-12, "row of {l} sums to {s}");
                assert!(row.len() <= MARKOV_ROW_MAX);
                for &(n, _) in row.iter() {
                    if let Go(f) = n {
                        assert!(f.index() > l);
                        assert!(MARKOV_ROUTE_MINUTES[l][f.index()].is_some());
                    }
                }
                // No RTD at the POI.
                assert!(l > 0 || row.iter().all(|&(n, _)| n != Rtd));
            }
        }
    }

    #[test]
    fn ranges_are_ordered() {
        for r in STAY_TENTHS.iter().chain(TRANSIT_TENTHS.iter()) {
            for &(lo, hi) in r {
                assert!(0 < lo && lo < hi);
            }
        }
        assert_eq!(STAY_TENTHS[0][0], (5, 15));
        assert_eq!(TRANSIT_TENTHS[2][2], (40, 60));
    }
}
