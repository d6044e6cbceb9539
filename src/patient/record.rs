//! The in-memory patient record (DOMAIN.md §8), reused from patient to patient.
//!
//! Every field is fixed-size or borrows `'static` tables, so generating a patient into an existing
//! record allocates nothing. Record writers (`format/`) read it; nothing else does.

use arrayvec::{ArrayString, ArrayVec};

use crate::civil::Date;
use crate::data::conditions::ConditionId;
use crate::data::demographics::{BloodType, Rank, Religion, Service};
use crate::data::procedures::ProcedureId;
use crate::data::vocab::{
    BodyPart, Facility, Gender, InjuryType, IssRegion, Mechanism, Nation, Priority, SeverityText, Status, Triage,
};
use crate::plan::EventContext;

/// Most conditions per patient: the primary and up to three secondaries (6.4).
pub const MAX_CONDITIONS: usize = 4;
/// Most visits per patient: POI and Role 1–4.
pub const MAX_VISITS: usize = 5;
/// Most treatments per visit (6.8).
pub const MAX_TREATMENTS: usize = 5;
/// Most timeline events per patient (three per location before Role 4, then three at Role 4).
pub const MAX_EVENTS: usize = 16;

/// A national id number, inline (the longest scheme is 21 characters).
pub type IdNumber = ArrayString<24>;

/// Demographics (8.2).
#[derive(Clone, Debug, Default)]
pub struct Demographics {
    /// Family name (female form where the nation inflects).
    pub family_name: &'static str,
    /// Given name.
    pub given_name: &'static str,
    /// National id number (7.8).
    pub id_number: IdNumber,
    /// Birthdate.
    pub birthdate: Date,
    /// Age in whole years at `base_date` (D1).
    pub age: u8,
    /// Religion, absent for "none" or when disabled.
    pub religion: Option<Religion>,
    /// Weight in tenths of a kilogram.
    pub weight_tenths: u32,
    /// Blood type.
    pub blood_type: BloodType,
    /// STANAG 2116 rank (military enrichment only).
    pub rank: Option<Rank>,
    /// Service (military enrichment only).
    pub service: Option<Service>,
}

/// One visit: a location with an `arrival` (6.8, 6.9).
#[derive(Clone, Debug)]
pub struct Visit {
    /// Where.
    pub facility: Facility,
    /// Arrival time (seconds since the epoch).
    pub date: i64,
    /// Procedures, in order.
    pub treatments: ArrayVec<ProcedureId, MAX_TREATMENTS>,
    /// Heart rate, systolic pressure, respiratory rate, SpO2 (integers) and body temperature
    /// (tenths of a degree), in the order of 6.9; then diastolic pressure and the Glasgow coma
    /// score when `n_vitals` is 7.
    pub vitals: [i32; 7],
    /// How many vital signs were recorded: 5 (classic and Markov models), 7 (the clinical model
    /// adds diastolic pressure and GCS) or 0 (dead before the observation).
    pub n_vitals: u8,
}

/// Index of diastolic pressure in [`Visit::vitals`].
pub const DIASTOLIC: usize = 5;
/// Index of the Glasgow coma score in [`Visit::vitals`].
pub const GCS: usize = 6;

/// What the clinical model adds to a record (docs/MODEL.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClinicalFields {
    /// Wounding mechanism.
    pub mechanism: Mechanism,
    /// Injury Severity Score (0–75) from the conditions' AIS.
    pub iss: u8,
    /// MEDEVAC precedence.
    pub priority: Priority,
    /// Abbreviated Injury Scale (1–6) per condition, index-aligned with `conditions` (for
    /// illness, poisoning and radiation the equivalent 1–6 scale of docs/MODEL.md).
    pub ais: [u8; MAX_CONDITIONS],
    /// ISS body region per condition, index-aligned with `conditions`.
    pub region: [IssRegion; MAX_CONDITIONS],
}

/// `kia_timing` / `rtd_timing` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// Died or returned during a stay.
    DuringEvacuation,
    /// Died in transit.
    DuringTransit,
    /// Automatic RTD at the end of the Role 4 stay.
    AutoRole4,
    /// A Markov decision.
    MarkovChainDecision,
}

impl Timing {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Timing::DuringEvacuation => "during_evacuation",
            Timing::DuringTransit => "during_transit",
            Timing::AutoRole4 => "auto_role4",
            Timing::MarkovChainDecision => "markov_chain_decision",
        }
    }
}

/// Timeline event type (5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Arrival at a location.
    Arrival,
    /// Start of a stay.
    EvacuationStart,
    /// Departure towards the next location.
    TransitStart,
    /// Death (terminal).
    Kia,
    /// Return to duty (terminal).
    Rtd,
    /// Still in care (terminal, reserved).
    RemainsRole4,
}

impl EventType {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Arrival => "arrival",
            EventType::EvacuationStart => "evacuation_start",
            EventType::TransitStart => "transit_start",
            EventType::Kia => "kia",
            EventType::Rtd => "rtd",
            EventType::RemainsRole4 => "remains_role4",
        }
    }
    /// Whether the event ends the timeline.
    pub fn is_terminal(self) -> bool {
        matches!(self, EventType::Kia | EventType::Rtd | EventType::RemainsRole4)
    }
}

/// One timeline event. Which optional fields are written follows from `kind` and `timing`:
///
/// * `evacuation_start`: `duration` (evacuation_duration_hours), triage, `next_facility` (Markov);
/// * `transit_start`: from = `facility`, `to_facility`, `duration` (transit_duration_hours), triage;
/// * `kia`/`rtd`: `timing`, then `completed` as `evacuation_hours_completed`, or for
///   `during_transit` as `transit_hours_completed` followed by `to_facility` as
///   `destination_facility`; `facilities_visited` (Markov).
#[derive(Clone, Copy, Debug)]
pub struct TimelineEvent {
    /// Event type.
    pub kind: EventType,
    /// Where it happens (the origin for transits and transit deaths).
    pub facility: Facility,
    /// Seconds since the epoch.
    pub time: i64,
    /// `hours_since_injury` in tenths.
    pub hours_since_injury: u32,
    /// Stay or transit duration in tenths.
    pub duration: u32,
    /// `to_facility` of a transit, `destination_facility` of a transit death.
    pub to_facility: Option<Facility>,
    /// `next_facility` of a Markov `evacuation_start`.
    pub next_facility: Option<Facility>,
    /// Terminal timing.
    pub timing: Option<Timing>,
    /// `evacuation_hours_completed` / `transit_hours_completed` in tenths.
    pub completed: Option<u32>,
    /// `facilities_visited` (Markov terminal events).
    pub facilities_visited: Option<u8>,
}

impl TimelineEvent {
    /// An event with only the common fields set.
    pub fn new(kind: EventType, facility: Facility, time: i64, injury_time: i64) -> Self {
        TimelineEvent {
            kind,
            facility,
            time,
            hours_since_injury: crate::civil::hrs(time - injury_time),
            duration: 0,
            to_facility: None,
            next_facility: None,
            timing: None,
            completed: None,
            facilities_visited: None,
        }
    }
}

/// One patient (8.1). Field order here is not output order; the writers own that.
#[derive(Clone, Debug, Default)]
pub struct PatientRecord {
    /// Global chronological index.
    pub id: u64,
    /// Index into the resolved configuration's fronts.
    pub front: u16,
    /// Nationality.
    pub nationality: Nation,
    /// Gender.
    pub gender: Gender,
    /// Injury type.
    pub injury_type: InjuryType,
    /// Triage.
    pub triage: Triage,
    /// Outcome.
    pub status: Status,
    /// Facility of the terminal event.
    pub last_facility: Facility,
    /// Demographics.
    pub demographics: Demographics,
    /// Primary condition first, then secondaries in draw order.
    pub conditions: ArrayVec<ConditionId, MAX_CONDITIONS>,
    /// Text severity of the primary condition.
    pub primary_severity: SeverityText,
    /// Numeric severity 2…10.
    pub severity: u8,
    /// Visits in chronological order.
    pub visits: ArrayVec<Visit, MAX_VISITS>,
    /// The movement timeline.
    pub timeline: ArrayVec<TimelineEvent, MAX_EVENTS>,
    /// Event context (injury time, scenario, event id, MASCAL flag, day, environment).
    pub context: EventContext,
    /// Body part of the primary condition.
    pub body_part: BodyPart,
    /// Clinical-model fields; `None` under the classic and Markov models.
    pub clinical: Option<ClinicalFields>,
}

impl PatientRecord {
    /// The terminal event (the last one).
    pub fn terminal(&self) -> Option<&TimelineEvent> {
        self.timeline.last()
    }
}
