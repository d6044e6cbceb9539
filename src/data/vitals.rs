//! Vital signs (docs/GENERATION.md#reference-model-tables): LOINC code, display and UCUM unit, in
//! observation order.

/// (LOINC code, display, UCUM unit) of the five vital signs of the reference models, in observation order, then the two
/// the clinical model adds: diastolic pressure and the Glasgow coma score.
pub const VITALS: [(&str, &str, &str); 7] = [
    ("8867-4", "Heart rate", "/min"),
    ("8480-6", "Systolic blood pressure", "mm[Hg]"),
    ("9279-1", "Respiratory rate", "/min"),
    ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    ("8310-5", "Body temperature", "Cel"),
    ("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    ("9269-2", "Glasgow coma score total", "{score}"),
];

/// Written order of the vital signs of a visit with `n` recorded (indices into [`VITALS`]): the
/// five of the reference models, or with the clinical model's seven the pressures side by side and GCS last.
#[inline]
pub fn order(n: u8) -> &'static [usize] {
    match n {
        7 => &[0, 1, 5, 2, 3, 4, 6],
        5 => &[0, 1, 2, 3, 4],
        _ => &[],
    }
}

/// Index of body temperature, the one vital held in tenths.
pub const BODY_TEMPERATURE: usize = 4;

/// Distribution of one vital sign: `truncnormal(μ, σ, lo, hi)` with
/// `μ = μ0 + Δ_T · (1 − 0.2 · L)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VitalSpec {
    /// Normal value μ0.
    pub mu0: f64,
    /// Δ per triage (T1, T2, T3); for body temperature the Battle / Non-Battle Injury values.
    pub delta: [f64; 3],
    /// σ per triage (T1, T2, T3).
    pub sigma: [f64; 3],
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// The five vital-sign distributions, in the order of [`VITALS`].
pub const VITAL_SPECS: [VitalSpec; 5] = [
    VitalSpec { mu0: 75.0, delta: [45.0, 20.0, 5.0], sigma: [15.0, 12.0, 10.0], lo: 30.0, hi: 200.0 },
    VitalSpec { mu0: 122.0, delta: [-37.0, -12.0, 0.0], sigma: [15.0, 12.0, 10.0], lo: 50.0, hi: 200.0 },
    VitalSpec { mu0: 15.0, delta: [13.0, 5.0, 1.0], sigma: [5.0, 3.0, 2.0], lo: 6.0, hi: 50.0 },
    VitalSpec { mu0: 98.0, delta: [-11.0, -4.0, -1.0], sigma: [4.0, 2.0, 1.0], lo: 60.0, hi: 100.0 },
    VitalSpec { mu0: 36.9, delta: [-0.8, -0.3, 0.0], sigma: [0.4, 0.4, 0.4], lo: 33.0, hi: 41.5 },
];

/// Body-temperature Δ per triage for Disease casualties.
pub const TEMPERATURE_DELTA_DISEASE: [f64; 3] = [1.6, 1.0, 0.4];

/// Body-temperature Δ when the primary condition is Hypothermia (any triage).
pub const TEMPERATURE_DELTA_HYPOTHERMIA: f64 = -3.0;

/// Per facility level, the factor `1 − 0.2 · L` (evaluated in binary64 in that order).
#[inline]
pub fn level_factor(level: usize) -> f64 {
    1.0 - 0.2 * level as f64
}

/// `μ = μ0 + Δ · (1 − 0.2 · L)`.
#[inline]
pub fn mean(mu0: f64, delta: f64, level: usize) -> f64 {
    mu0 + delta * level_factor(level)
}
