//! Demographic tables (docs/GENERATION.md#reference-model-tables): age bands, blood types, religion profiles, ranks,
//! services.

use super::vocab::Nation;

/// Age bands (inclusive bounds) and their shares.
pub const AGE_BANDS: [(u8, u8); 7] = [(18, 19), (20, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 50)];
/// Shares of [`AGE_BANDS`].
pub const AGE_BAND_WEIGHTS: [f64; 7] = [0.08, 0.30, 0.24, 0.15, 0.10, 0.08, 0.05];

/// ABO/Rh blood type, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum BloodType {
    /// O+.
    #[default]
    OPos,
    /// A+.
    APos,
    /// B+.
    BPos,
    /// AB+.
    AbPos,
    /// O-.
    ONeg,
    /// A-.
    ANeg,
    /// B-.
    BNeg,
    /// AB-.
    AbNeg,
}

/// Blood types in table order.
pub const BLOOD_TYPES: [BloodType; 8] = [
    BloodType::OPos,
    BloodType::APos,
    BloodType::BPos,
    BloodType::AbPos,
    BloodType::ONeg,
    BloodType::ANeg,
    BloodType::BNeg,
    BloodType::AbNeg,
];
/// Shares of [`BLOOD_TYPES`].
pub const BLOOD_TYPE_WEIGHTS: [f64; 8] = [0.374, 0.357, 0.085, 0.034, 0.066, 0.063, 0.015, 0.006];

impl BloodType {
    /// Output value, e.g. `O+`.
    pub fn as_str(self) -> &'static str {
        ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"][self as usize]
    }
    /// SNOMED CT code (FHIR value).
    pub fn snomed(self) -> &'static str {
        ["278147001", "278149003", "278150003", "278151004", "278148006", "278152006", "278153001", "278154007"]
            [self as usize]
    }
    /// SNOMED CT display.
    pub fn display(self) -> &'static str {
        [
            "Blood group O Rh(D) positive",
            "Blood group A Rh(D) positive",
            "Blood group B Rh(D) positive",
            "Blood group AB Rh(D) positive",
            "Blood group O Rh(D) negative",
            "Blood group A Rh(D) negative",
            "Blood group B Rh(D) negative",
            "Blood group AB Rh(D) negative",
        ][self as usize]
    }
}

/// HL7 v3 ReligiousAffiliation code, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Religion {
    /// 1041 Roman Catholic Church.
    RomanCatholic,
    /// 1028 Lutheran.
    Lutheran,
    /// 1068 Eastern Orthodox.
    EasternOrthodox,
    /// 1077 Protestant.
    Protestant,
    /// 1005 Anglican.
    Anglican,
    /// 1009 Baptist.
    Baptist,
    /// 1073 Methodist.
    Methodist,
    /// 1013 Christian (non-Catholic, non-specific).
    Christian,
    /// 1023 Islam.
    Islam,
    /// 1026 Judaism.
    Judaism,
    /// 1004 Agnosticism.
    Agnosticism,
    /// 1007 Atheism.
    Atheism,
}

/// Religions in table order (index = row; row 12 is "none").
pub const RELIGIONS: [Religion; 12] = [
    Religion::RomanCatholic,
    Religion::Lutheran,
    Religion::EasternOrthodox,
    Religion::Protestant,
    Religion::Anglican,
    Religion::Baptist,
    Religion::Methodist,
    Religion::Christian,
    Religion::Islam,
    Religion::Judaism,
    Religion::Agnosticism,
    Religion::Atheism,
];

impl Religion {
    /// HL7 code.
    pub fn code(self) -> &'static str {
        ["1041", "1028", "1068", "1077", "1005", "1009", "1073", "1013", "1023", "1026", "1004", "1007"][self as usize]
    }
    /// HL7 display.
    pub fn display(self) -> &'static str {
        [
            "Roman Catholic Church",
            "Lutheran",
            "Eastern Orthodox",
            "Protestant",
            "Anglican",
            "Baptist",
            "Methodist",
            "Christian (non-Catholic, non-specific)",
            "Islam",
            "Judaism",
            "Agnosticism",
            "Atheism",
        ][self as usize]
    }
}

/// Religion profile of a nation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReligionProfile {
    /// Catholic.
    Cath,
    /// Lutheran.
    Luth,
    /// Secular.
    Secu,
    /// Orthodox.
    Orth,
    /// Muslim.
    Islm,
    /// Anglophone.
    Anglo,
}

/// Profile weights: the 12 religions of [`RELIGIONS`] then "none" (13 rows), per profile.
pub fn religion_weights(p: ReligionProfile) -> &'static [f64; 13] {
    const CATH: [f64; 13] = [0.62, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.06, 0.0, 0.0, 0.05, 0.07, 0.20];
    const LUTH: [f64; 13] = [0.0, 0.50, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.0, 0.08, 0.12, 0.25];
    const SECU: [f64; 13] = [0.12, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.0, 0.15, 0.28, 0.35];
    const ORTH: [f64; 13] = [0.03, 0.0, 0.72, 0.0, 0.0, 0.0, 0.0, 0.0, 0.06, 0.0, 0.0, 0.04, 0.15];
    const ISLM: [f64; 13] = [0.04, 0.0, 0.03, 0.0, 0.0, 0.0, 0.0, 0.0, 0.75, 0.0, 0.0, 0.04, 0.14];
    const ANGLO: [f64; 13] = [0.22, 0.0, 0.0, 0.18, 0.06, 0.05, 0.03, 0.12, 0.02, 0.01, 0.08, 0.08, 0.15];
    match p {
        ReligionProfile::Cath => &CATH,
        ReligionProfile::Luth => &LUTH,
        ReligionProfile::Secu => &SECU,
        ReligionProfile::Orth => &ORTH,
        ReligionProfile::Islm => &ISLM,
        ReligionProfile::Anglo => &ANGLO,
    }
}

/// The religion profile of a nation.
pub fn religion_profile(n: Nation) -> ReligionProfile {
    use Nation::*;
    use ReligionProfile::*;
    match n {
        Alb | Tur => Islm,
        Bel | Hrv | Fra | Hun | Ita | Ltu | Lux | Pol | Prt | Svk | Svn | Esp => Cath,
        Can | Deu | Gbr | Usa | Aus | Nzl => Anglo,
        Cze | Est | Lva | Nld => Secu,
        Dnk | Fin | Isl | Nor | Swe => Luth,
        Bgr | Grc | Mne | Mkd | Rou => Orth,
    }
}

/// NATO STANAG 2116 ranks, in table order.
pub const RANKS: [&str; 14] =
    ["OR-1", "OR-2", "OR-3", "OR-4", "OR-5", "OR-6", "OR-7", "OR-8", "OR-9", "OF-1", "OF-2", "OF-3", "OF-4", "OF-5"];
/// Shares of [`RANKS`].
pub const RANK_WEIGHTS: [f64; 14] =
    [0.04, 0.10, 0.14, 0.18, 0.13, 0.09, 0.06, 0.03, 0.015, 0.07, 0.06, 0.04, 0.025, 0.02];
/// Minimum age of [`RANKS`].
pub const RANK_MIN_AGE: [u8; 14] = [18, 18, 18, 20, 22, 26, 30, 34, 38, 21, 24, 30, 36, 40];

/// A rank, as an index into [`RANKS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rank(pub u8);

impl Rank {
    /// The STANAG code, e.g. `OR-4`.
    pub fn as_str(self) -> &'static str {
        RANKS[self.0 as usize]
    }
}

/// Service branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Service {
    /// Army.
    Army,
    /// Navy.
    Navy,
    /// Air Force.
    AirForce,
    /// Marines.
    Marines,
}

/// Services in table order.
pub const SERVICES: [Service; 4] = [Service::Army, Service::Navy, Service::AirForce, Service::Marines];
/// Service shares, default.
pub const SERVICE_WEIGHTS: [f64; 4] = [0.65, 0.15, 0.15, 0.05];
/// Service shares for `scenario = naval`.
pub const SERVICE_WEIGHTS_NAVAL: [f64; 4] = [0.35, 0.35, 0.10, 0.20];

impl Service {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        ["Army", "Navy", "Air Force", "Marines"][self as usize]
    }
}
