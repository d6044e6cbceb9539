//! Scenario configuration (DOMAIN.md §2): schema, defaults, presets, validation with JSON paths,
//! normalisation and the canonical digest.
//!
//! [`parse_scenario`] turns one JSON document into a [`Scenario`] (the resolved configuration plus
//! the seed and run information) or a [`ConfigErrors`] listing every problem with its JSON path.

use crate::civil::Date;
use crate::data::vocab::{EvacuationCapability, Facility, FlowModel, Intensity, Nation, Script, Tempo};

mod canonical;
mod did_you_mean;
mod errors;
mod facility;
mod nfc;
#[rustfmt::skip]
mod nfc_tables;
mod parse;
pub mod presets;
pub mod schema;

pub use canonical::{canonical_json, es_number, jcs, resolved_to_json};
pub use did_you_mean::{damerau_levenshtein, suggest};
pub use errors::{ConfigError, ConfigErrors};
pub use facility::{match_facility, FacilityMatch};
pub use parse::parse_scenario;
pub use presets::{preset_json, presets, PresetInfo, PRESETS};

/// Largest `total_patients` (2^40).
pub const MAX_PATIENTS: u64 = 1 << 40;
/// Largest `days_of_fighting`.
pub const MAX_DAYS: u32 = 365;
/// Largest accepted input document, in bytes (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Deepest accepted JSON nesting (objects and lists; the document itself is level 1).
pub const MAX_DEPTH: usize = 32;
/// Most fronts in `front_configs`.
pub const MAX_FRONTS: usize = 64;
/// Most nations in one front's `nationality_distribution`.
pub const MAX_NATIONS: usize = 64;
/// Most entries in `facility_configs`.
pub const MAX_FACILITIES: usize = 64;
/// Longest front or facility id/name, in characters (front names are repeated in every record).
pub const MAX_NAME_CHARS: usize = 200;

/// A front of the resolved configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Front {
    /// Front id (unique).
    pub id: String,
    /// Front name (the record's `front`).
    pub name: String,
    /// Normalised front weight (`casualty_rate` of the resolved configuration).
    pub weight: f64,
    /// Nations with their normalised weights, in input order.
    pub nations: Vec<(Nation, f64)>,
}

/// A facility override reduced to the facility it names (2.4 item 3).
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityOverride {
    /// The matched facility.
    pub facility: Facility,
    /// Front id the override is restricted to (`None` = global).
    pub front_id: Option<String>,
    /// Index of that front in [`Resolved::fronts`].
    pub front_index: Option<usize>,
    /// KIA rate override.
    pub kia_rate: Option<f64>,
    /// RTD rate override.
    pub rtd_rate: Option<f64>,
}

/// Demographic options (2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct DemographicsConfig {
    /// Adds `rank` and `service`.
    pub military: bool,
    /// Writes `religion`.
    pub religion: bool,
    /// Share of women, 0…1.
    pub female_share: f64,
    /// Native or latin names.
    pub script: Script,
}

/// The fully defaulted and normalised configuration (2.6): exactly what generation reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Patients in the whole run.
    pub total_patients: u64,
    /// Days of fighting, 1…365.
    pub days_of_fighting: u32,
    /// Day 1 starts at midnight UTC of this date.
    pub base_date: Date,
    /// Active warfare types by canonical index (`Warfare::TYPES`).
    pub warfare_types: [bool; 8],
    /// Intensity.
    pub intensity: Intensity,
    /// Tempo.
    pub tempo: Tempo,
    /// Enabled special events by `SpecialEventKind` index.
    pub special_events: [bool; 3],
    /// Enabled environmental conditions by `EnvCondition` index.
    pub environmental_conditions: [bool; 9],
    /// Normalised injury mix (BI, NBI, Disease).
    pub injury_mix: [f64; 3],
    /// Fronts in input order.
    pub fronts: Vec<Front>,
    /// Facility overrides, ordered as in 2.6.
    pub facility_overrides: Vec<FacilityOverride>,
    /// Normalised triage rows (T1, T2, T3) per injury type, `None` when not overridden.
    pub triage_override: [Option<[f64; 3]>; 3],
    /// Flow model.
    pub flow_model: FlowModel,
    /// Evacuation capability (clinical model only; docs/MODEL.md §5).
    pub evacuation_capability: EvacuationCapability,
    /// Demographic options.
    pub demographics: DemographicsConfig,
}

/// A parsed scenario: the resolved configuration plus what is not part of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The resolved configuration.
    pub resolved: Resolved,
    /// The seed, when the input gave one (1.6).
    pub seed: Option<u64>,
    /// The preset the input named.
    pub preset: Option<String>,
    /// Reference keys that were accepted and ignored (2.5), as JSON paths.
    pub ignored_keys: Vec<String>,
}

impl Resolved {
    /// The built-in default scenario (2.3).
    pub fn default_scenario() -> Resolved {
        parse_scenario("{}").expect("the default scenario is valid").resolved
    }

    /// RFC 8785 serialisation of the resolved configuration (2.6).
    pub fn canonical_json(&self) -> String {
        canonical_json(self)
    }

    /// `config_sha256`: lower-case hex SHA-256 of [`Resolved::canonical_json`].
    pub fn config_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(self.canonical_json().as_bytes());
        let mut s = String::with_capacity(64);
        for b in d {
            s.push(char::from_digit((b >> 4) as u32, 16).unwrap());
            s.push(char::from_digit((b & 15) as u32, 16).unwrap());
        }
        s
    }
}
