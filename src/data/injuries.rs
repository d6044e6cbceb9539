//! Injury tables (docs/GENERATION.md#reference-model-tables): injury-type modifiers and triage weights
//! per warfare type, the Battle Injury patterns, the NBI, Disease and CBRN pools and the
//! polytrauma correlation lists.
//!
//! Every list is in the order the specification gives, because that order fixes `categorical`.

use super::conditions::{self as c, ConditionId};
use super::vocab::{InjuryType, Warfare};

/// Injury-type modifiers BI / NBI / Disease, by `Warfare` index (`mixed` = 1 / 1 / 1).
pub const INJURY_MODIFIERS: [[f64; 3]; 9] = [
    [1.5, 0.9, 0.8],
    [2.5, 0.6, 0.3],
    [1.3, 1.4, 1.2],
    [1.0, 1.3, 1.5],
    [2.0, 0.5, 0.2],
    [1.4, 1.1, 0.7],
    [0.1, 0.3, 5.0],
    [0.3, 1.8, 2.0],
    [1.0, 1.0, 1.0],
];

/// Triage weights T1 / T2 / T3 by `Warfare` index, then `InjuryType` index.
pub const TRIAGE: [[[f64; 3]; 3]; 9] = [
    [[0.35, 0.45, 0.20], [0.15, 0.35, 0.50], [0.10, 0.30, 0.60]],
    [[0.50, 0.35, 0.15], [0.25, 0.45, 0.30], [0.10, 0.40, 0.50]],
    [[0.40, 0.40, 0.20], [0.30, 0.40, 0.30], [0.15, 0.35, 0.50]],
    [[0.25, 0.50, 0.25], [0.10, 0.40, 0.50], [0.05, 0.35, 0.60]],
    [[0.60, 0.30, 0.10], [0.20, 0.50, 0.30], [0.05, 0.35, 0.60]],
    [[0.40, 0.40, 0.20], [0.25, 0.40, 0.35], [0.10, 0.35, 0.55]],
    [[0.80, 0.15, 0.05], [0.40, 0.40, 0.20], [0.70, 0.25, 0.05]],
    [[0.10, 0.40, 0.50], [0.05, 0.30, 0.65], [0.05, 0.25, 0.70]],
    [[0.40, 0.40, 0.20], [0.20, 0.30, 0.50], [0.20, 0.30, 0.50]],
];

/// A Battle Injury pattern, in table column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum InjuryPattern {
    /// Conventional.
    Conventional,
    /// Artillery (also drone).
    Artillery,
    /// Urban.
    Urban,
    /// Improvised explosive devices (guerrilla).
    Ied,
    /// Mixed (naval, CBRN, peacekeeping, special events).
    Mixed,
}

/// The rows of the pattern table, in table order.
pub const PATTERN_CONDITIONS: [ConditionId; 13] = [
    c::BULLET_WOUND,
    c::OPEN_WOUND,
    c::PENETRATING_WOUND,
    c::FRACTURE_OF_BONE,
    c::LACERATION_INJURY,
    c::BLUNT_INJURY_OF_ABDOMEN,
    c::TRAUMATIC_BRAIN_INJURY,
    c::BURN,
    c::TRAUMATIC_AMPUTATION,
    c::RESPIRATORY_DISTRESS,
    c::CRUSHING_INJURY,
    c::STRESS,
    c::OPEN_FRACTURE,
];

/// Pattern weights over [`PATTERN_CONDITIONS`] by `InjuryPattern` index; 0 where the table has
/// "—" (a zero weight is skipped by `categorical` and adds nothing to its sum).
pub const PATTERN_WEIGHTS: [[f64; 13]; 5] = [
    [0.25, 0.20, 0.15, 0.12, 0.10, 0.06, 0.05, 0.04, 0.03, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.35, 0.20, 0.05, 0.0, 0.05, 0.08, 0.15, 0.10, 0.02, 0.0, 0.0, 0.0],
    [0.30, 0.15, 0.25, 0.08, 0.10, 0.0, 0.05, 0.0, 0.0, 0.0, 0.04, 0.03, 0.0],
    [0.0, 0.20, 0.15, 0.10, 0.0, 0.08, 0.07, 0.12, 0.25, 0.0, 0.0, 0.0, 0.03],
    [0.20, 0.18, 0.16, 0.12, 0.10, 0.06, 0.05, 0.04, 0.06, 0.0, 0.0, 0.03, 0.0],
];

/// Polytrauma rate by `InjuryPattern` index.
pub const POLYTRAUMA_RATES: [f64; 5] = [0.40, 0.65, 0.45, 0.70, 0.50];

impl InjuryPattern {
    /// The primary-condition weights over [`PATTERN_CONDITIONS`].
    #[inline]
    pub fn weights(self) -> &'static [f64; 13] {
        &PATTERN_WEIGHTS[self as usize]
    }
    /// The probability of polytrauma (A7).
    #[inline]
    pub fn polytrauma_rate(self) -> f64 {
        POLYTRAUMA_RATES[self as usize]
    }
}

impl Warfare {
    /// Injury-type modifiers BI / NBI / Disease.
    #[inline]
    pub fn injury_modifier(self) -> [f64; 3] {
        INJURY_MODIFIERS[self.index()]
    }
    /// The Battle Injury pattern of this warfare type.
    pub fn injury_pattern(self) -> InjuryPattern {
        match self {
            Warfare::Conventional => InjuryPattern::Conventional,
            Warfare::Artillery | Warfare::Drone => InjuryPattern::Artillery,
            Warfare::Urban => InjuryPattern::Urban,
            Warfare::Guerrilla => InjuryPattern::Ied,
            Warfare::Naval | Warfare::Cbrn | Warfare::Peacekeeping | Warfare::Mixed => InjuryPattern::Mixed,
        }
    }
    /// Triage weights T1 / T2 / T3 for an injury type, before any `triage_override`.
    #[inline]
    pub fn triage_weights(self, t: InjuryType) -> [f64; 3] {
        TRIAGE[self.index()][t.index()]
    }
}

/// A weighted condition pool: conditions and their weights, index for index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pool {
    /// The conditions, in listed order.
    pub conditions: &'static [ConditionId],
    /// Their weights.
    pub weights: &'static [f64],
}

/// The Non-Battle Injury pool.
pub const NBI_POOL: Pool = Pool {
    conditions: &[
        c::SPRAIN_OF_ANKLE,
        c::LACERATION_OF_HAND,
        c::CONTUSION,
        c::DEHYDRATION,
        c::FRACTURE_OF_ANKLE,
        c::SPRAIN_OF_WRIST,
        c::FRACTURE_OF_FOREARM,
        c::CONCUSSION_WITH_NO_LOSS_OF_CONSCIOUSNESS,
        c::FIRST_DEGREE_BURN,
        c::WHIPLASH_INJURY_TO_NECK,
        c::ABDOMINAL_PAIN,
        c::FRACTURE_OF_RIB,
        c::FRACTURE_OF_CLAVICLE,
        c::LACERATION_OF_THIGH,
        c::FACIAL_LACERATION,
        c::DYSPNEA,
        c::PARTIAL_THICKNESS_BURN,
        c::HYPOTHERMIA,
        c::FROSTBITE,
        c::TIGHT_CHEST,
        c::FRACTURE_OF_VERTEBRAL_COLUMN_WITHOUT_SPINAL_CORD_INJURY,
    ],
    weights: &[
        0.18, 0.10, 0.08, 0.07, 0.06, 0.05, 0.05, 0.05, 0.04, 0.04, 0.04, 0.03, 0.03, 0.03, 0.03, 0.03, 0.02, 0.02,
        0.02, 0.02, 0.01,
    ],
};

/// The Disease pool.
pub const DISEASE_POOL: Pool = Pool {
    conditions: &[
        c::ACUTE_VIRAL_PHARYNGITIS,
        c::GASTROENTERITIS,
        c::DIARRHEA,
        c::STRESS,
        c::INFLUENZA,
        c::STREPTOCOCCAL_SORE_THROAT,
        c::ACUTE_BRONCHITIS,
        c::FEVER,
        c::URINARY_TRACT_INFECTIOUS_DISEASE,
        c::COUGH,
        c::NAUSEA_AND_VOMITING,
        c::CONJUNCTIVITIS,
        c::CHEST_PAIN,
    ],
    weights: &[0.16, 0.15, 0.10, 0.10, 0.08, 0.06, 0.06, 0.06, 0.06, 0.05, 0.05, 0.05, 0.02],
};

/// The CBRN pool: Disease casualties with `scenario = cbrn`.
pub const CBRN_POOL: Pool = Pool {
    conditions: &[
        c::NAUSEA_AND_VOMITING,
        c::RESPIRATORY_DISTRESS,
        c::DYSPNEA,
        c::CONJUNCTIVITIS,
        c::COUGH,
        c::FEVER,
        c::VOMITING,
        c::HEADACHE,
    ],
    weights: &[0.20, 0.20, 0.15, 0.15, 0.10, 0.10, 0.05, 0.05],
};

/// Polytrauma correlation list of a primary condition, in list order; empty when the
/// primary has none (secondaries then come from the injury pattern).
pub fn correlated(primary: ConditionId) -> &'static [ConditionId] {
    const OPEN: [ConditionId; 4] = [c::PENETRATING_WOUND, c::BURN, c::TRAUMATIC_BRAIN_INJURY, c::RESPIRATORY_DISTRESS];
    const AMPUTATION: [ConditionId; 4] = [c::FRACTURE_OF_BONE, c::BLUNT_INJURY_OF_ABDOMEN, c::OPEN_FRACTURE, c::BURN];
    const PENETRATING: [ConditionId; 3] = [c::BLEEDING, c::FRACTURE_OF_BONE, c::HEMOTHORAX];
    const TBI: [ConditionId; 3] = [c::FRACTURE_OF_BONE, c::FACIAL_LACERATION, c::CRUSHING_INJURY];
    const BULLET: [ConditionId; 3] = [c::PENETRATING_WOUND, c::FRACTURE_OF_BONE, c::BLEEDING];
    match primary {
        c::OPEN_WOUND => &OPEN,
        c::TRAUMATIC_AMPUTATION => &AMPUTATION,
        c::PENETRATING_WOUND => &PENETRATING,
        c::TRAUMATIC_BRAIN_INJURY => &TBI,
        c::BULLET_WOUND => &BULLET,
        _ => &[],
    }
}

/// The longest correlation list.
pub const MAX_CORRELATED: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::sum_in_order;

    fn close_to_one(w: &[f64]) -> bool {
        (sum_in_order(w) - 1.0).abs() < 1e-9
    }

    #[test]
    fn weights_sum_to_one() {
        for w in PATTERN_WEIGHTS.iter() {
            assert!(close_to_one(w), "{w:?}");
        }
        for row in TRIAGE.iter().flatten() {
            assert!(close_to_one(row), "{row:?}");
        }
        for p in [NBI_POOL, DISEASE_POOL, CBRN_POOL] {
            assert_eq!(p.conditions.len(), p.weights.len());
            assert!(close_to_one(p.weights));
        }
    }

    #[test]
    fn pattern_mapping_and_lists() {
        assert_eq!(Warfare::Drone.injury_pattern(), InjuryPattern::Artillery);
        assert_eq!(Warfare::Guerrilla.injury_pattern(), InjuryPattern::Ied);
        assert_eq!(Warfare::Mixed.injury_pattern(), InjuryPattern::Mixed);
        assert_eq!(Warfare::Drone.injury_modifier(), [2.0, 0.5, 0.2]);
        assert_eq!(InjuryPattern::Ied.polytrauma_rate(), 0.70);
        assert_eq!(Warfare::Cbrn.triage_weights(InjuryType::Disease), [0.70, 0.25, 0.05]);
        assert_eq!(correlated(c::OPEN_WOUND).len(), MAX_CORRELATED);
        assert!(correlated(c::FRACTURE_OF_BONE).is_empty());
        for p in PATTERN_CONDITIONS {
            assert!(!correlated(p).contains(&p));
            assert!(!correlated(p).contains(&c::STRESS));
        }
        assert_eq!(PATTERN_CONDITIONS[11], c::STRESS);
    }
}
