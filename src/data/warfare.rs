//! Temporal-model tables (docs/GENERATION.md#the-event-plan): per warfare type its weight, hourly pattern,
//! MASCAL probability and cluster size; the hourly baseline; intensity and tempo factors.
//!
//! Injury-type modifiers, injury patterns and triage weights of the same table live in
//! `data/injuries.rs`.

use super::vocab::{Intensity, Tempo, Warfare};

/// The hourly pattern of a warfare type (docs/GENERATION.md#hourly-patterns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemporalPattern {
    /// Conventional: day peaks, quiet nights, no draws.
    SustainedCombat,
    /// Artillery: a few two-hour surges.
    Surge,
    /// Urban: morning and afternoon assault phases.
    PhasedAssault,
    /// Guerrilla: a few incidents drawn by weight.
    Sporadic,
    /// Drone: a few strikes at random hours.
    PrecisionStrike,
    /// Naval: fixed assault waves.
    WaveAssault,
    /// CBRN: a release hour and delayed presentation spikes.
    ContaminationSpread,
    /// Peacekeeping: random active incident hours.
    LowIntensity,
}

/// One row of the warfare-type table (the columns the event plan reads).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WarfareInfo {
    /// Share weight of the type within a day (docs/GENERATION.md#warfare-types-of-a-day).
    pub weight: f64,
    /// Hourly pattern.
    pub pattern: TemporalPattern,
    /// Probability of a MASCAL cluster in an hour with more than 5 casualties, before `mm`
    /// (docs/GENERATION.md#streams-of-an-hour).
    pub mascal_p: f64,
    /// Cluster size range, inclusive (the lower bound is at least 2).
    pub cluster: (u32, u32),
}

/// The warfare-type table by `t_index` (canonical order of [`Warfare::TYPES`]).
pub const WARFARE: [WarfareInfo; 8] = [
    WarfareInfo { weight: 1.0, pattern: TemporalPattern::SustainedCombat, mascal_p: 0.30, cluster: (10, 30) },
    WarfareInfo { weight: 1.2, pattern: TemporalPattern::Surge, mascal_p: 0.80, cluster: (15, 50) },
    WarfareInfo { weight: 1.1, pattern: TemporalPattern::PhasedAssault, mascal_p: 0.40, cluster: (5, 20) },
    WarfareInfo { weight: 0.8, pattern: TemporalPattern::Sporadic, mascal_p: 0.15, cluster: (2, 8) },
    WarfareInfo { weight: 0.6, pattern: TemporalPattern::PrecisionStrike, mascal_p: 0.10, cluster: (2, 5) },
    WarfareInfo { weight: 0.9, pattern: TemporalPattern::WaveAssault, mascal_p: 0.40, cluster: (10, 25) },
    WarfareInfo { weight: 2.0, pattern: TemporalPattern::ContaminationSpread, mascal_p: 0.95, cluster: (50, 200) },
    WarfareInfo { weight: 0.4, pattern: TemporalPattern::LowIntensity, mascal_p: 0.05, cluster: (2, 5) },
];

/// Hourly activity baseline `B[h]`, h = 0…23 (docs/GENERATION.md#hourly-patterns).
pub const BASELINE: [f64; 24] = [
    0.3, 0.2, 0.2, 0.3, 0.5, 0.8, //
    1.2, 1.5, 1.3, 1.0, 0.9, 1.0, //
    1.1, 1.0, 0.9, 1.0, 1.3, 1.5, //
    1.2, 0.8, 0.6, 0.5, 0.4, 0.3,
];

/// Daily tempo weights of days 1…8 by `Tempo` index (docs/GENERATION.md#days-and-tempo).
pub const TEMPO_WEIGHTS: [[f64; 8]; 5] = [
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8],
    [0.5, 1.5, 2.0, 1.5, 0.5, 0.8, 1.2, 0.6],
    [1.8, 1.6, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4],
    [1.0, 0.3, 1.5, 0.4, 1.2, 0.2, 1.0, 0.5],
];

impl Warfare {
    /// The temporal-model row of a configurable type; `None` for `Mixed`.
    #[inline]
    pub fn info(self) -> Option<&'static WarfareInfo> {
        WARFARE.get(self.index())
    }
}

impl Intensity {
    /// MASCAL multiplier `mm` (multiplies every cluster probability).
    #[inline]
    pub fn mascal_multiplier(self) -> f64 {
        match self {
            Intensity::Low => 0.5,
            Intensity::Medium => 1.0,
            Intensity::High => 1.2,
            Intensity::Extreme => 1.5,
        }
    }

    /// Event frequency `ef` (scales discrete incidents and special events; docs/GENERATION.md#hourly-patterns).
    #[inline]
    pub fn event_frequency(self) -> f64 {
        match self {
            Intensity::Low => 0.6,
            Intensity::Medium => 1.0,
            Intensity::High => 1.3,
            Intensity::Extreme => 1.6,
        }
    }
}

impl Tempo {
    /// Weight of 1-based day `d` (day 0 is treated as day 1; days after 8 use the day-8 value).
    #[inline]
    pub fn day_weight(self, d: u32) -> f64 {
        let i = (d.clamp(1, 8) - 1) as usize;
        TEMPO_WEIGHTS[self.index()][i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_table() {
        assert_eq!(Warfare::Artillery.info().map(|i| i.cluster), Some((15, 50)));
        assert_eq!(Warfare::Cbrn.info().map(|i| i.weight), Some(2.0));
        assert_eq!(Warfare::Peacekeeping.info().map(|i| i.pattern), Some(TemporalPattern::LowIntensity));
        assert!(Warfare::Mixed.info().is_none());
        assert_eq!(BASELINE.iter().sum::<f64>(), 19.8);
        assert_eq!((BASELINE[7], BASELINE[17], BASELINE[23]), (1.5, 1.5, 0.3));
    }

    #[test]
    fn tempo_day_weights_repeat_day_eight() {
        assert_eq!(Tempo::Escalating.day_weight(1), 0.4);
        assert_eq!(Tempo::Escalating.day_weight(8), 1.8);
        assert_eq!(Tempo::Escalating.day_weight(300), 1.8);
        assert_eq!(Tempo::Intermittent.day_weight(6), 0.2);
        assert_eq!(Intensity::Extreme.event_frequency(), 1.6);
        assert_eq!(Intensity::Low.mascal_multiplier(), 0.5);
    }
}
