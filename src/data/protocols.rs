//! Treatment protocols (docs/GENERATION.md#reference-model-tables): for each condition group and facility, the ordered
//! entries of the cell with their qualifier and probability.

use crate::data::conditions::Group;
use crate::data::procedures::*;
use crate::data::vocab::{BodyPart, Facility, Triage};

/// When an entry is eligible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// Always eligible.
    None,
    /// `ᴸ`: only if the body part is a limb.
    Limb,
    /// `ᵀᵒ`: only if the body part is Torso.
    Torso,
}

impl Qualifier {
    /// Whether an entry with this qualifier is eligible for `body_part`.
    #[inline]
    pub fn holds(self, body_part: BodyPart) -> bool {
        match self {
            Qualifier::None => true,
            Qualifier::Limb => body_part.is_limb(),
            Qualifier::Torso => body_part == BodyPart::Torso,
        }
    }
}

/// Probability of an entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prob {
    /// Listed without a probability: a cell's leading entry, mandatory whenever it is eligible.
    Always,
    /// The same probability for every triage.
    P(f64),
    /// `T1 a / b`: `a` for T1, `b` otherwise.
    T1(f64, f64),
}

impl Prob {
    /// The probability for a triage category (`Always` is 1).
    #[inline]
    pub fn for_triage(self, triage: Triage) -> f64 {
        match self {
            Prob::Always => 1.0,
            Prob::P(p) => p,
            Prob::T1(a, b) => {
                if triage == Triage::T1 {
                    a
                } else {
                    b
                }
            }
        }
    }
}

/// One entry of a protocol cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// The procedure.
    pub procedure: ProcedureId,
    /// Eligibility qualifier.
    pub qualifier: Qualifier,
    /// Probability when the entry is not the first eligible one.
    pub prob: Prob,
}

const fn m(procedure: ProcedureId) -> Entry {
    Entry { procedure, qualifier: Qualifier::None, prob: Prob::Always }
}
const fn p(procedure: ProcedureId, p: f64) -> Entry {
    Entry { procedure, qualifier: Qualifier::None, prob: Prob::P(p) }
}
const fn t1(procedure: ProcedureId, a: f64, b: f64) -> Entry {
    Entry { procedure, qualifier: Qualifier::None, prob: Prob::T1(a, b) }
}
const fn limb(e: Entry) -> Entry {
    Entry { qualifier: Qualifier::Limb, ..e }
}
const fn torso(e: Entry) -> Entry {
    Entry { qualifier: Qualifier::Torso, ..e }
}

/// The protocol table `[group][facility]` (group in [`Group`] order, facility by level).
pub const PROTOCOLS: [[&[Entry]; 5]; 14] = [
    // HEM
    [
        &[m(P02), limb(p(P01, 0.7)), p(P04, 0.5)],
        &[m(P07), p(P16, 0.6), p(P03, 0.4)],
        &[m(P09), t1(P08, 1.0, 0.4), torso(p(P10, 0.5))],
        &[m(P11), p(P17, 0.7), t1(P24, 0.9, 0.2)],
        &[m(P21), p(P30, 0.6)],
    ],
    // AMP
    [
        &[m(P01), p(P02, 1.0), p(P04, 0.7)],
        &[m(P07), p(P16, 0.8)],
        &[m(P08), p(P11, 1.0), p(P09, 0.7)],
        &[m(P09), p(P17, 0.7), t1(P24, 0.8, 0.3)],
        &[m(P30), p(P29, 0.8)],
    ],
    // BURN
    [
        &[m(P03), p(P04, 0.6)],
        &[m(P07), p(P22, 0.8)],
        &[m(P22), p(P07, 0.8), p(P11, 0.4)],
        &[m(P23), p(P17, 0.5), t1(P24, 0.8, 0.1)],
        &[m(P22), p(P30, 0.5)],
    ],
    // HEAD
    [
        &[m(P03), p(P15, 0.3)],
        &[m(P15), t1(P13, 0.5, 0.0)],
        &[m(P18), p(P15, 0.5), t1(P13, 0.3, 0.0)],
        &[m(P25), t1(P27, 0.5, 0.1), t1(P24, 0.9, 0.3)],
        &[m(P31)],
    ],
    // ORTHO
    [
        &[limb(m(P05)), p(P04, 0.7), p(P03, 0.3)],
        &[m(P06), p(P04, 0.5)],
        &[m(P28), p(P09, 0.4), p(P11, 0.2)],
        &[m(P26), p(P09, 0.5)],
        &[m(P29), p(P30, 0.4)],
    ],
    // CHEST
    [
        &[m(P03), p(P15, 0.3)],
        &[m(P15), p(P12, 0.6)],
        &[m(P12), t1(P08, 0.6, 0.2), p(P09, 0.3)],
        &[m(P24), t1(P14, 0.6, 0.1)],
        &[m(P30)],
    ],
    // ABD
    [
        &[m(P04), p(P03, 0.3)],
        &[m(P07), p(P04, 0.5)],
        &[m(P10), t1(P08, 0.8, 0.3)],
        &[m(P09), t1(P24, 0.8, 0.2), p(P17, 0.5)],
        &[m(P30)],
    ],
    // SOFT
    [&[m(P03), p(P04, 0.3)], &[m(P19), p(P20, 0.3)], &[m(P21), p(P16, 0.3)], &[m(P21), p(P11, 0.3)], &[m(P21)]],
    // ENV
    [&[m(P33)], &[m(P07), p(P18, 0.4)], &[m(P07), p(P18, 0.5)], &[m(P18), t1(P24, 0.8, 0.2)], &[m(P30)]],
    // INF
    [&[m(P33)], &[m(P16), p(P18, 0.5)], &[m(P17)], &[m(P17), t1(P24, 0.5, 0.0)], &[m(P33)]],
    // VIRAL
    [
        &[m(P33)],
        &[m(P18)],
        &[m(P18), p(P15, 0.4), p(P07, 0.3)],
        &[m(P15), t1(P24, 0.6, 0.05), t1(P14, 0.3, 0.0)],
        &[m(P33)],
    ],
    // GI
    [&[m(P33)], &[m(P07), p(P18, 0.6)], &[m(P07), p(P18, 0.5)], &[m(P07), t1(P24, 0.5, 0.0)], &[m(P33)]],
    // CARDIORESP
    [
        &[m(P33), p(P15, 0.4)],
        &[m(P15), p(P18, 0.6)],
        &[m(P15), p(P18, 0.5)],
        &[m(P15), t1(P24, 0.7, 0.1), t1(P14, 0.3, 0.0)],
        &[m(P33)],
    ],
    // PSY
    [&[m(P32)], &[m(P32), p(P33, 0.6)], &[m(P32), p(P18, 0.3)], &[m(P32), p(P18, 0.5)], &[m(P32), p(P30, 0.3)]],
];

/// The cell of a group at a facility.
#[inline]
pub fn cell(group: Group, facility: Facility) -> &'static [Entry] {
    PROTOCOLS[group as usize][facility.index()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lead_with_a_mandatory_entry_and_always_have_an_eligible_one() {
        for row in PROTOCOLS.iter() {
            for c in row.iter() {
                assert!(!c.is_empty() && c.len() <= 3);
                assert_eq!(c[0].prob, Prob::Always);
                assert!(c[1..].iter().all(|e| e.prob != Prob::Always));
                // Some entry is eligible for every body part.
                assert!(c.iter().any(|e| e.qualifier == Qualifier::None));
            }
        }
    }

    #[test]
    fn spot_checks() {
        let c = cell(Group::Ortho, Facility::Poi);
        assert_eq!(c[0].procedure, P05);
        assert_eq!(c[0].qualifier, Qualifier::Limb);
        assert_eq!(c[2].prob.for_triage(Triage::T2), 0.3);
        let c = cell(Group::Head, Facility::Role3);
        assert_eq!(c[1].prob.for_triage(Triage::T1), 0.5);
        assert_eq!(c[1].prob.for_triage(Triage::T3), 0.1);
        assert_eq!(cell(Group::Psy, Facility::Role4)[1].procedure, P30);
        assert_eq!(cell(Group::Hem, Facility::Role2)[2].qualifier, Qualifier::Torso);
    }
}
