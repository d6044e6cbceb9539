//! Environmental conditions (docs/GENERATION.md#environment) and the values derived from an event's set of
//! active conditions.

use super::conditions::{self, ConditionId};
use super::vocab::{EnvCondition, EnvSet};

/// One row of the environment table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnvInfo {
    /// Visibility factor (multiplied into V).
    pub visibility: f64,
    /// Evacuation delay in minutes (summed into D).
    pub delay_minutes: u32,
    /// Disease multiplier (multiplied into M_dis).
    pub disease_multiplier: f64,
    /// Whether the condition is active only 20:00–05:59.
    pub night_only: bool,
    /// NBI override: probability and the one or two conditions it names.
    pub nbi_override: Option<(f64, ConditionId, Option<ConditionId>)>,
}

/// The table in canonical order (the reference table's mobility and casualty modifier are not
/// used: environment never changes the number of casualties, docs/GENERATION.md#environment).
pub const ENVIRONMENT: [EnvInfo; 9] = [
    EnvInfo { visibility: 0.8, delay_minutes: 15, disease_multiplier: 1.2, night_only: false, nbi_override: None },
    EnvInfo { visibility: 0.5, delay_minutes: 30, disease_multiplier: 1.0, night_only: false, nbi_override: None },
    EnvInfo { visibility: 0.3, delay_minutes: 90, disease_multiplier: 1.1, night_only: false, nbi_override: None },
    EnvInfo {
        visibility: 1.0,
        delay_minutes: 0,
        disease_multiplier: 1.4,
        night_only: false,
        nbi_override: Some((0.15, conditions::DEHYDRATION, None)),
    },
    EnvInfo {
        visibility: 0.9,
        delay_minutes: 10,
        disease_multiplier: 1.3,
        night_only: false,
        nbi_override: Some((0.10, conditions::HYPOTHERMIA, Some(conditions::FROSTBITE))),
    },
    EnvInfo { visibility: 0.4, delay_minutes: 45, disease_multiplier: 1.2, night_only: false, nbi_override: None },
    EnvInfo { visibility: 0.6, delay_minutes: 20, disease_multiplier: 1.0, night_only: true, nbi_override: None },
    EnvInfo {
        visibility: 0.9,
        delay_minutes: 60,
        disease_multiplier: 1.1,
        night_only: false,
        nbi_override: Some((0.20, conditions::FRACTURE_OF_ANKLE, Some(conditions::SPRAIN_OF_ANKLE))),
    },
    EnvInfo {
        visibility: 0.8,
        delay_minutes: 40,
        disease_multiplier: 1.3,
        night_only: false,
        nbi_override: Some((0.10, conditions::CRUSHING_INJURY, None)),
    },
];

impl EnvCondition {
    /// The table row.
    #[inline]
    pub fn info(self) -> &'static EnvInfo {
        &ENVIRONMENT[self.index()]
    }
}

/// Whether hour `h` (0–23) is a night hour (20:00–05:59).
#[inline]
pub fn is_night(h: u8) -> bool {
    !(6..20).contains(&h)
}

/// The active conditions at hour `h` of the configured ones (`enabled` by canonical index).
pub fn active_at(enabled: &[bool; 9], h: u8) -> EnvSet {
    let mut s = EnvSet::default();
    for c in EnvCondition::ALL {
        if enabled[c.index()] && (!c.info().night_only || is_night(h)) {
            s.insert(*c);
        }
    }
    s
}

impl EnvSet {
    /// Combined visibility `V = Π visibility` (1 when empty).
    pub fn visibility(self) -> f64 {
        self.iter().fold(1.0, |v, c| v * c.info().visibility)
    }
    /// Total evacuation delay `D = Σ delay` in minutes.
    pub fn delay_minutes(self) -> u32 {
        self.iter().map(|c| c.info().delay_minutes).sum()
    }
    /// Disease multiplier `M_dis = Π disease multiplier` (1 when empty).
    pub fn disease_multiplier(self) -> f64 {
        self.iter().fold(1.0, |v, c| v * c.info().disease_multiplier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_operations_only_at_night() {
        let mut en = [false; 9];
        en[EnvCondition::NightOperations.index()] = true;
        assert!(active_at(&en, 20).contains(EnvCondition::NightOperations));
        assert!(active_at(&en, 5).contains(EnvCondition::NightOperations));
        assert!(active_at(&en, 6).is_empty());
        assert!(active_at(&en, 19).is_empty());
        let s = active_at(&en, 23);
        assert_eq!(s.delay_minutes(), 20);
        assert_eq!(s.visibility(), 0.6);
        assert_eq!(EnvSet::default().visibility(), 1.0);
    }
}
