//! The clinical model's parameters. Each table names its source or is marked as an assumption;
//! docs/MODEL.md lists them all with the reasoning.

use crate::data::conditions::{self as c, ConditionId};
use crate::data::injuries::{Pool, DISEASE_POOL, NBI_POOL};
use crate::data::vocab::{BodyPart, Mechanism};

/// How a condition behaves in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Bullet, fragment and open wounds, bleeding.
    Penetrating,
    /// Traumatic amputation.
    Amputation,
    /// Closed fracture.
    Fracture,
    /// Open fracture.
    OpenFracture,
    /// Crush injury.
    Crush,
    /// Traumatic brain injury.
    Tbi,
    /// Concussion.
    Concussion,
    /// Haemothorax, respiratory distress.
    Chest,
    /// Blunt abdominal injury.
    Abdominal,
    /// Full-thickness or unspecified burn.
    Burn,
    /// Partial-thickness burn.
    BurnPartial,
    /// Lacerations, contusions, first-degree burns.
    SoftMinor,
    /// Sprains and whiplash.
    Sprain,
    /// Heat, cold and dehydration.
    Environmental,
    /// Combat stress reaction.
    Psych,
    /// Illness.
    Illness,
    /// Nerve agent.
    Nerve,
    /// Blister agent.
    Blister,
    /// Choking agent.
    Choking,
    /// Radiation.
    Radiation,
}

/// The kind of a condition.
pub fn kind(cid: ConditionId) -> Kind {
    match cid {
        c::BULLET_WOUND | c::OPEN_WOUND | c::PENETRATING_WOUND | c::BLEEDING => Kind::Penetrating,
        c::TRAUMATIC_AMPUTATION => Kind::Amputation,
        c::FRACTURE_OF_BONE
        | c::FRACTURE_OF_ANKLE
        | c::FRACTURE_OF_FOREARM
        | c::FRACTURE_OF_RIB
        | c::FRACTURE_OF_CLAVICLE
        | c::FRACTURE_OF_VERTEBRAL_COLUMN_WITHOUT_SPINAL_CORD_INJURY => Kind::Fracture,
        c::OPEN_FRACTURE => Kind::OpenFracture,
        c::CRUSHING_INJURY => Kind::Crush,
        c::TRAUMATIC_BRAIN_INJURY => Kind::Tbi,
        c::CONCUSSION_WITH_NO_LOSS_OF_CONSCIOUSNESS => Kind::Concussion,
        c::HEMOTHORAX | c::RESPIRATORY_DISTRESS | c::TENSION_PNEUMOTHORAX => Kind::Chest,
        c::BLUNT_INJURY_OF_ABDOMEN => Kind::Abdominal,
        c::BURN => Kind::Burn,
        c::PARTIAL_THICKNESS_BURN => Kind::BurnPartial,
        c::LACERATION_INJURY
        | c::LACERATION_OF_HAND
        | c::LACERATION_OF_THIGH
        | c::FACIAL_LACERATION
        | c::CONTUSION
        | c::FIRST_DEGREE_BURN => Kind::SoftMinor,
        c::SPRAIN_OF_ANKLE | c::SPRAIN_OF_WRIST | c::WHIPLASH_INJURY_TO_NECK => Kind::Sprain,
        c::DEHYDRATION | c::HYPOTHERMIA | c::FROSTBITE => Kind::Environmental,
        c::STRESS => Kind::Psych,
        c::NERVE_AGENT_POISONING => Kind::Nerve,
        c::CHEMICAL_BURN => Kind::Blister,
        c::ACUTE_PULMONARY_EDEMA => Kind::Choking,
        c::ACUTE_RADIATION_DISEASE => Kind::Radiation,
        _ => Kind::Illness,
    }
}

/// Whether an illness is febrile.
pub fn febrile(cid: ConditionId) -> bool {
    matches!(
        cid,
        c::INFLUENZA
            | c::STREPTOCOCCAL_SORE_THROAT
            | c::FEVER
            | c::ACUTE_BRONCHITIS
            | c::URINARY_TRACT_INFECTIOUS_DISEASE
    )
}

/// AIS weights (AIS 1…6) by [`Kind`] and region group (head/neck; chest or abdomen; face,
/// extremities or external). Assumptions shaped on the AIS 2005 dictionary's typical codes per
/// injury and calibrated so that the model reproduces the mortality anchors (docs/MODEL.md §2).
pub const AIS_WEIGHTS: [[[f64; 6]; 3]; 20] = [
    // Penetrating
    [[0.05, 0.25, 0.25, 0.20, 0.18, 0.07], [0.05, 0.30, 0.30, 0.20, 0.12, 0.03], [0.25, 0.40, 0.27, 0.08, 0.0, 0.0]],
    // Amputation
    [[0.0, 0.0, 0.55, 0.35, 0.10, 0.0], [0.0, 0.0, 0.55, 0.35, 0.10, 0.0], [0.0, 0.0, 0.55, 0.35, 0.10, 0.0]],
    // Fracture
    [[0.10, 0.40, 0.35, 0.15, 0.0, 0.0], [0.20, 0.50, 0.25, 0.05, 0.0, 0.0], [0.10, 0.60, 0.28, 0.02, 0.0, 0.0]],
    // OpenFracture
    [[0.0, 0.30, 0.40, 0.30, 0.0, 0.0], [0.0, 0.40, 0.40, 0.20, 0.0, 0.0], [0.0, 0.35, 0.55, 0.10, 0.0, 0.0]],
    // Crush
    [[0.10, 0.35, 0.35, 0.15, 0.05, 0.0], [0.10, 0.35, 0.35, 0.15, 0.05, 0.0], [0.10, 0.35, 0.35, 0.15, 0.05, 0.0]],
    // Tbi
    [[0.0, 0.35, 0.30, 0.18, 0.12, 0.05], [0.0, 0.35, 0.30, 0.18, 0.12, 0.05], [0.0, 0.35, 0.30, 0.18, 0.12, 0.05]],
    // Concussion
    [[0.7, 0.3, 0.0, 0.0, 0.0, 0.0], [0.7, 0.3, 0.0, 0.0, 0.0, 0.0], [0.7, 0.3, 0.0, 0.0, 0.0, 0.0]],
    // Chest
    [[0.0, 0.20, 0.45, 0.25, 0.09, 0.01], [0.0, 0.20, 0.45, 0.25, 0.09, 0.01], [0.0, 0.20, 0.45, 0.25, 0.09, 0.01]],
    // Abdominal
    [[0.0, 0.35, 0.35, 0.20, 0.09, 0.01], [0.0, 0.35, 0.35, 0.20, 0.09, 0.01], [0.0, 0.35, 0.35, 0.20, 0.09, 0.01]],
    // Burn
    [[0.20, 0.35, 0.25, 0.12, 0.06, 0.02], [0.20, 0.35, 0.25, 0.12, 0.06, 0.02], [0.20, 0.35, 0.25, 0.12, 0.06, 0.02]],
    // BurnPartial
    [[0.35, 0.45, 0.17, 0.03, 0.0, 0.0], [0.35, 0.45, 0.17, 0.03, 0.0, 0.0], [0.35, 0.45, 0.17, 0.03, 0.0, 0.0]],
    // SoftMinor
    [[0.75, 0.25, 0.0, 0.0, 0.0, 0.0], [0.75, 0.25, 0.0, 0.0, 0.0, 0.0], [0.75, 0.25, 0.0, 0.0, 0.0, 0.0]],
    // Sprain
    [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
    // Environmental
    [[0.6, 0.3, 0.1, 0.0, 0.0, 0.0], [0.6, 0.3, 0.1, 0.0, 0.0, 0.0], [0.6, 0.3, 0.1, 0.0, 0.0, 0.0]],
    // Psych
    [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
    // Illness: levels 1–3 (mild, moderate, severe).
    [[0.80, 0.17, 0.03, 0.0, 0.0, 0.0], [0.80, 0.17, 0.03, 0.0, 0.0, 0.0], [0.80, 0.17, 0.03, 0.0, 0.0, 0.0]],
    // Nerve
    [[0.30, 0.25, 0.20, 0.15, 0.07, 0.03], [0.30, 0.25, 0.20, 0.15, 0.07, 0.03], [0.30, 0.25, 0.20, 0.15, 0.07, 0.03]],
    // Blister
    [[0.25, 0.35, 0.25, 0.12, 0.03, 0.0], [0.25, 0.35, 0.25, 0.12, 0.03, 0.0], [0.25, 0.35, 0.25, 0.12, 0.03, 0.0]],
    // Choking
    [[0.30, 0.30, 0.20, 0.15, 0.05, 0.0], [0.30, 0.30, 0.20, 0.15, 0.05, 0.0], [0.30, 0.30, 0.20, 0.15, 0.05, 0.0]],
    // Radiation
    [[0.35, 0.25, 0.18, 0.12, 0.07, 0.03], [0.35, 0.25, 0.18, 0.12, 0.07, 0.03], [0.35, 0.25, 0.18, 0.12, 0.07, 0.03]],
];

/// Battle-injury mechanisms, in the column order of [`MECHANISM_WEIGHTS`].
pub const MECHANISMS: [Mechanism; 5] =
    [Mechanism::Explosive, Mechanism::Gunshot, Mechanism::Blunt, Mechanism::Burn, Mechanism::Cbrn];

/// Mechanism weights of battle injuries by `Warfare` index. `Mixed` (special events) is Owens et al.
/// 2008 (explosive 78 %, gunshot 18 %, the rest blunt and burn); the warfare types shift that
/// split in the direction of their weapons (assumption, docs/MODEL.md §2.1).
pub const MECHANISM_WEIGHTS: [[f64; 5]; 9] = [
    [0.70, 0.22, 0.04, 0.04, 0.0],  // conventional
    [0.90, 0.03, 0.04, 0.03, 0.0],  // artillery
    [0.55, 0.35, 0.07, 0.03, 0.0],  // urban
    [0.75, 0.20, 0.03, 0.02, 0.0],  // guerrilla
    [0.92, 0.02, 0.03, 0.03, 0.0],  // drone
    [0.55, 0.05, 0.15, 0.25, 0.0],  // naval
    [0.25, 0.05, 0.02, 0.03, 0.65], // cbrn
    [0.45, 0.40, 0.13, 0.02, 0.0],  // peacekeeping
    [0.78, 0.18, 0.02, 0.02, 0.0],  // special events (Owens 2008)
];

/// Most conditions in a pool.
pub const MAX_POOL: usize = 24;

/// Explosive and fragmentation wounds (assumption shaped on Owens 2008's wound types).
pub const EXPLOSIVE_POOL: Pool = Pool {
    conditions: &[
        c::PENETRATING_WOUND,
        c::OPEN_WOUND,
        c::TRAUMATIC_AMPUTATION,
        c::FRACTURE_OF_BONE,
        c::OPEN_FRACTURE,
        c::TRAUMATIC_BRAIN_INJURY,
        c::CONCUSSION_WITH_NO_LOSS_OF_CONSCIOUSNESS,
        c::BURN,
        c::BLEEDING,
        c::BLUNT_INJURY_OF_ABDOMEN,
        c::HEMOTHORAX,
        c::LACERATION_INJURY,
    ],
    weights: &[0.28, 0.14, 0.07, 0.08, 0.09, 0.07, 0.08, 0.04, 0.05, 0.03, 0.03, 0.04],
};

/// Gunshot wounds.
pub const GUNSHOT_POOL: Pool = Pool {
    conditions: &[
        c::BULLET_WOUND,
        c::OPEN_FRACTURE,
        c::HEMOTHORAX,
        c::BLEEDING,
        c::TRAUMATIC_BRAIN_INJURY,
        c::LACERATION_INJURY,
    ],
    weights: &[0.72, 0.09, 0.07, 0.06, 0.04, 0.02],
};

/// Blunt injuries (vehicle, fall, collapse).
pub const BLUNT_POOL: Pool = Pool {
    conditions: &[
        c::FRACTURE_OF_BONE,
        c::CRUSHING_INJURY,
        c::BLUNT_INJURY_OF_ABDOMEN,
        c::CONTUSION,
        c::CONCUSSION_WITH_NO_LOSS_OF_CONSCIOUSNESS,
        c::FRACTURE_OF_RIB,
        c::TRAUMATIC_BRAIN_INJURY,
        c::FRACTURE_OF_VERTEBRAL_COLUMN_WITHOUT_SPINAL_CORD_INJURY,
        c::LACERATION_INJURY,
        c::FRACTURE_OF_CLAVICLE,
    ],
    weights: &[0.22, 0.12, 0.10, 0.16, 0.12, 0.08, 0.05, 0.05, 0.06, 0.04],
};

/// Thermal burns.
pub const BURN_POOL: Pool = Pool {
    conditions: &[c::BURN, c::PARTIAL_THICKNESS_BURN, c::FIRST_DEGREE_BURN, c::RESPIRATORY_DISTRESS],
    weights: &[0.40, 0.38, 0.14, 0.08],
};

/// CBRN agents: nerve, blister, choking, radiation (assumption: a chemical attack dominated by
/// nerve agent, docs/MODEL.md §2.3).
pub const CBRN_AGENT_POOL: Pool = Pool {
    conditions: &[c::NERVE_AGENT_POISONING, c::CHEMICAL_BURN, c::ACUTE_PULMONARY_EDEMA, c::ACUTE_RADIATION_DISEASE],
    weights: &[0.35, 0.25, 0.25, 0.15],
};

/// The condition pool of a mechanism.
pub fn pool(m: Mechanism) -> &'static Pool {
    match m {
        Mechanism::Explosive => &EXPLOSIVE_POOL,
        Mechanism::Gunshot => &GUNSHOT_POOL,
        Mechanism::Blunt => &BLUNT_POOL,
        Mechanism::Burn => &BURN_POOL,
        Mechanism::Cbrn => &CBRN_AGENT_POOL,
        Mechanism::NonBattleInjury => &NBI_POOL,
        Mechanism::Disease => &DISEASE_POOL,
    }
}

/// Probability of more than one condition, by mechanism (assumption: Owens 2008 counts 4.2 wounds
/// per casualty, most of them minor; docs/MODEL.md §2.2).
pub fn polytrauma(m: Mechanism) -> f64 {
    match m {
        Mechanism::Explosive => 0.55,
        Mechanism::Gunshot => 0.20,
        Mechanism::Blunt => 0.30,
        Mechanism::Burn => 0.25,
        Mechanism::Cbrn => 0.10,
        Mechanism::NonBattleInjury => 0.05,
        Mechanism::Disease => 0.0,
    }
}

/// Body parts of a wound anywhere: Owens 2008's distribution of 6,609 wounds (head, face, eyes,
/// ears and neck 30 %, thorax 6 % + abdomen 11 %, extremities 54 %; legs taken as 60 % of
/// extremity wounds, an assumption).
pub const ANY_PARTS: [BodyPart; 6] =
    [BodyPart::Torso, BodyPart::Head, BodyPart::LeftArm, BodyPart::RightArm, BodyPart::LeftLeg, BodyPart::RightLeg];
/// Weights of [`ANY_PARTS`].
pub const ANY_WEIGHTS: [f64; 6] = [0.17, 0.30, 0.106, 0.106, 0.159, 0.159];
/// Limbs of a limb-site condition.
pub const LIMB_PARTS: [BodyPart; 4] = [BodyPart::LeftLeg, BodyPart::RightLeg, BodyPart::LeftArm, BodyPart::RightArm];
/// Weights of [`LIMB_PARTS`] (legs 60 %, as above).
pub const LIMB_WEIGHTS: [f64; 4] = [0.3, 0.3, 0.2, 0.2];

/// Share of extremity haemorrhage that is junctional (no tourniquet possible): Eastridge et al.
/// 2011/2012 found junctional sites in about one fifth of potentially survivable haemorrhage.
pub const JUNCTIONAL_SHARE: f64 = 0.2;

/// Peak blood-loss fraction of a bleeding injury that is not lethal, by AIS (ATLS classes I–II;
/// assumption).
pub const BLEED_CAP: [f64; 7] = [0.0, 0.08, 0.15, 0.25, 0.32, 0.38, 0.40];

/// Untreated time to death from haemorrhage (median minutes, log-normal σ) for AIS 3, 4, 5
/// (assumption calibrated to Webster 2021's KIA times to death and Eastridge 2012's share of
/// deaths before a facility; docs/MODEL.md §4).
pub const BLEED_CLOCK: [(f64, f64); 3] = [(480.0, 0.9), (100.0, 0.8), (20.0, 0.8)];

/// Share of AIS 3 haemorrhage that keeps bleeding until surgery (the rest stops with pressure,
/// packing or spontaneously): assumption.
pub const AIS3_BLEED_LETHAL: f64 = 0.4;

/// Speed of the haemorrhage clock once blood is given (damage-control resuscitation):
/// assumption standing for the survival benefit of prehospital and early blood (Howard et al.
/// 2018: adjusted odds ratio 0.17 for death before a facility with prehospital transfusion).
pub const BLOOD_RATE: f64 = 0.25;

/// Brain injury AIS 4 and 5: share not salvageable, and its time to death (median, σ).
pub const HEAD_CLOCK: [(f64, f64, f64); 2] = [(0.05, 120.0, 1.0), (0.55, 20.0, 1.2)];
/// Salvageable severe brain injury: time to death without neurosurgery (median, σ).
pub const NEUROSURGERY_CLOCK: (f64, f64) = (480.0, 0.8);
/// Tension pneumothorax / massive haemothorax (chest AIS ≥ 4): median, σ.
pub const CHEST_CLOCK: (f64, f64) = (40.0, 0.8);
/// Nerve agent levels 3, 4, 5+: time to death without antidote (median, σ).
pub const NERVE_CLOCK: [(f64, f64); 3] = [(180.0, 0.8), (30.0, 0.6), (12.0, 0.6)];
/// Choking agent AIS ≥ 4: delayed pulmonary oedema without ventilation (median, σ).
pub const CHOKING_CLOCK: (f64, f64) = (720.0, 0.6);

/// Upper bounds of the ISS bands of [`LATE_RISK`].
pub const ISS_BANDS: [u8; 6] = [9, 16, 25, 35, 50, 75];
/// Probability of a late death after timely surgery, by ISS band (< 9, 9–15, 16–24, 25–34,
/// 35–49, 50–74, 75); assumption shaped on the in-hospital mortality of combat casualties by
/// ISS (docs/MODEL.md §4.3).
pub const LATE_RISK: [f64; 7] = [0.0, 0.001, 0.005, 0.02, 0.07, 0.20, 0.5];
/// Late risk of burns AIS 4, 5, 6.
pub const BURN_LATE_RISK: [f64; 3] = [0.10, 0.35, 0.8];
/// Late risk of radiation levels 4, 5, 6 (acute radiation syndrome).
pub const RADIATION_LATE_RISK: [f64; 3] = [0.10, 0.5, 0.95];
/// Death risk of illness levels 1, 2, 3.
pub const ILLNESS_LATE_RISK: [f64; 3] = [0.0, 0.0005, 0.02];

/// GCS points lost by head AIS (0…6).
pub const GCS_DROP: [f64; 7] = [0.0, 0.0, 0.5, 2.0, 5.0, 9.0, 12.0];

/// Probability that a casualty due T1 is triaged T2 (under-triage; the American College of
/// Surgeons' target is < 5 %).
pub const UNDERTRIAGE: f64 = 0.05;
/// Probability that a casualty due T2 is triaged T1 (over-triage; ACS accepts 25–35 % over-triage
/// of all trauma-centre activations: this model's share is an assumption).
pub const OVERTRIAGE: f64 = 0.08;
/// Probability that a casualty due T2 is triaged T3.
pub const T2_DOWN: f64 = 0.03;
/// Probability that a casualty due T3 is triaged T2.
pub const T3_UP: f64 = 0.05;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::sum_in_order;

    #[test]
    fn weights_sum_to_one() {
        for row in AIS_WEIGHTS.iter().flatten() {
            assert!((sum_in_order(row) - 1.0).abs() < 1e-9, "{row:?}");
        }
        for row in MECHANISM_WEIGHTS.iter() {
            assert!((sum_in_order(row) - 1.0).abs() < 1e-9, "{row:?}");
        }
        for p in [EXPLOSIVE_POOL, GUNSHOT_POOL, BLUNT_POOL, BURN_POOL, CBRN_AGENT_POOL, NBI_POOL, DISEASE_POOL] {
            assert_eq!(p.conditions.len(), p.weights.len());
            assert!(p.conditions.len() <= MAX_POOL);
            assert!((sum_in_order(p.weights) - 1.0).abs() < 1e-9);
        }
        assert!((sum_in_order(&ANY_WEIGHTS) - 1.0).abs() < 1e-9);
        assert_eq!(AIS_WEIGHTS.len(), Kind::Radiation as usize + 1);
    }
}
