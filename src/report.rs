//! The calibration report (docs/REPORT.md): the figures a medical planner checks a casualty
//! dataset against — outcomes by injury type and triage, Holcomb's %KIA / %DOW / case fatality
//! rate, times from injury to each Role, T1 time to care and Role 1 bypass, and how well the first
//! vital signs predict death.
//!
//! One [`CaseSummary`] per patient feeds a [`Calibration`], whose state is plain counts (count
//! histograms at the data's resolution, so medians and 95th percentiles are exact) that
//! [`Calibration::merge`] adds, so shards, chunks and the page's workers combine exactly. A
//! summary comes from an in-memory record ([`CaseSummary::from_record`], allocation-free, cheap
//! enough to run per patient during generation: `JobOptions::calibration`) or from one NDJSON line
//! ([`CaseSummary::from_json_line`]); [`CalibrationReader`] reads NDJSON from byte chunks split
//! anywhere. [`Calibration::figures`] derives every figure once; [`Figures::to_markdown`] and
//! [`Figures::to_json`] render them, so no front end re-derives a figure.
//!
//! ```
//! use patientgen::report::{Calibration, CalibrationReader};
//! let line = concat!(
//!     r#"{"injury_type":"Battle Injury","triage_category":"T1","status":"KIA","#,
//!     r#""movement_timeline":[{"event_type":"kia","facility":"POI","hours_since_injury":0.2}]}"#,
//! );
//! let mut reader = CalibrationReader::new();
//! reader.push(line.as_bytes()).unwrap();
//! reader.push(b"\n").unwrap();
//! let calibration: &Calibration = reader.finish().unwrap();
//! let figures = calibration.figures();
//! assert_eq!(figures.patients, 1);
//! assert_eq!(figures.get("pct_kia").and_then(|f| f.value), Some(100.0));
//! ```

use std::borrow::Cow;

use serde::de::Error as _;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::data::vocab::{Facility, InjuryType, Status, Triage};
use crate::patient::record::{EventType, PatientRecord};

/// Times are counted in 0.1-h bins up to this many tenths (240 h); later times share one overflow
/// bin (a median or 95th percentile that falls there is reported as "> 240 h").
pub const HOURS_CAP_TENTHS: u32 = 2400;
/// Returned to duty within this many tenths of an hour of injury counts as RTD (Holcomb 2006: 72 h).
pub const RTD_WINDOW_TENTHS: u32 = 720;
/// Shock-index bins are 0.01 wide; indices at or above this (SI ≥ 5.00, or SBP 0) share the last bin.
pub const SHOCK_INDEX_BINS: usize = 500;
/// Systolic-pressure bins are 1 mmHg wide; pressures at or above this share the last bin.
pub const SYSTOLIC_BINS: usize = 300;
/// Longest accepted NDJSON line in bytes (bounded memory; a record is a few kilobytes).
pub const MAX_LINE_BYTES: usize = 4 << 20;

const TIME_BINS: usize = HOURS_CAP_TENTHS as usize + 1;

/// Injury type (`injury_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum InjuryKind {
    /// "Battle Injury".
    #[serde(rename = "Battle Injury")]
    Battle,
    /// "Non-Battle Injury".
    #[serde(rename = "Non-Battle Injury")]
    NonBattle,
    /// "Disease".
    #[serde(rename = "Disease")]
    Disease,
}

impl InjuryKind {
    /// In table order.
    pub const ALL: [InjuryKind; 3] = [InjuryKind::Battle, InjuryKind::NonBattle, InjuryKind::Disease];
    /// The record's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InjuryKind::Battle => "Battle Injury",
            InjuryKind::NonBattle => "Non-Battle Injury",
            InjuryKind::Disease => "Disease",
        }
    }
}

impl From<InjuryType> for InjuryKind {
    fn from(t: InjuryType) -> Self {
        match t {
            InjuryType::BattleInjury => InjuryKind::Battle,
            InjuryType::NonBattleInjury => InjuryKind::NonBattle,
            InjuryType::Disease => InjuryKind::Disease,
        }
    }
}

/// Triage category (`triage_category`), T4 (expectant) included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum TriageCategory {
    /// Immediate.
    T1,
    /// Delayed.
    T2,
    /// Minimal.
    T3,
    /// Expectant.
    T4,
}

impl TriageCategory {
    /// In table order.
    pub const ALL: [TriageCategory; 4] =
        [TriageCategory::T1, TriageCategory::T2, TriageCategory::T3, TriageCategory::T4];
    /// The record's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageCategory::T1 => "T1",
            TriageCategory::T2 => "T2",
            TriageCategory::T3 => "T3",
            TriageCategory::T4 => "T4",
        }
    }
}

impl From<Triage> for TriageCategory {
    fn from(t: Triage) -> Self {
        match t {
            Triage::T1 => TriageCategory::T1,
            Triage::T2 => TriageCategory::T2,
            Triage::T3 => TriageCategory::T3,
        }
    }
}

/// Outcome (`status`). KIA, DOW and NBD are deaths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Outcome {
    /// Killed in action: died before reaching a medical treatment facility.
    #[serde(rename = "KIA")]
    Kia,
    /// Died of wounds: died after reaching one.
    #[serde(rename = "DOW")]
    Dow,
    /// Non-battle death (disease or non-battle injury).
    #[serde(rename = "NBD")]
    Nbd,
    /// Returned to duty.
    #[serde(rename = "RTD")]
    Rtd,
    /// Still in care at Role 4.
    #[serde(rename = "Remains_Role4")]
    RemainsRole4,
}

impl Outcome {
    /// In table order.
    pub const ALL: [Outcome; 5] = [Outcome::Kia, Outcome::Dow, Outcome::Nbd, Outcome::Rtd, Outcome::RemainsRole4];
    /// The record's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Kia => "KIA",
            Outcome::Dow => "DOW",
            Outcome::Nbd => "NBD",
            Outcome::Rtd => "RTD",
            Outcome::RemainsRole4 => "Remains_Role4",
        }
    }
    /// KIA, DOW or NBD.
    pub fn is_death(self) -> bool {
        matches!(self, Outcome::Kia | Outcome::Dow | Outcome::Nbd)
    }
}

impl From<Status> for Outcome {
    fn from(s: Status) -> Self {
        match s {
            Status::Kia => Outcome::Kia,
            Status::Dow => Outcome::Dow,
            Status::Rtd => Outcome::Rtd,
            Status::RemainsRole4 => Outcome::RemainsRole4,
            Status::Nbd => Outcome::Nbd,
        }
    }
}

/// What the report needs of one patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseSummary {
    /// Injury type.
    pub injury: InjuryKind,
    /// Triage category.
    pub triage: TriageCategory,
    /// Outcome.
    pub outcome: Outcome,
    /// Part of a mass-casualty event.
    pub mass_casualty: bool,
    /// Tenths of an hour from injury to the first arrival at Role 1, 2, 3 and 4 (`None`: never).
    pub first_arrival: [Option<u32>; 4],
    /// Where and when (tenths of an hour after injury) the `rtd` event happened.
    pub rtd: Option<(Facility, u32)>,
    /// Heart rate (/min) and systolic pressure (mmHg) of the first visit's observations.
    pub first_vitals: Option<(u32, u32)>,
}

impl CaseSummary {
    /// The summary of an in-memory record (no allocation; a pass over the timeline).
    pub fn from_record(rec: &PatientRecord) -> CaseSummary {
        let mut first_arrival = [None; 4];
        let mut rtd = None;
        for e in &rec.timeline {
            match e.kind {
                EventType::Arrival => {
                    if let Some(slot) = e.facility.index().checked_sub(1).and_then(|k| first_arrival.get_mut(k)) {
                        slot.get_or_insert(e.hours_since_injury);
                    }
                }
                EventType::Rtd => rtd = Some((e.facility, e.hours_since_injury)),
                _ => {}
            }
        }
        let first_vitals = rec.visits.first().filter(|v| v.n_vitals > 0).and_then(|v| {
            let hr = u32::try_from(v.vitals[0]).ok()?;
            let sbp = u32::try_from(v.vitals[1]).ok()?;
            Some((hr, sbp))
        });
        CaseSummary {
            injury: rec.injury_type.into(),
            triage: rec.triage.into(),
            outcome: rec.status.into(),
            mass_casualty: rec.context.mass_casualty,
            first_arrival,
            rtd,
            first_vitals,
        }
    }

    /// The summary of one NDJSON record (unknown fields are ignored). An error names line 1 and
    /// the JSON path; [`ReportError::at_line`] sets the line of a longer input.
    pub fn from_json_line(line: &[u8]) -> Result<CaseSummary, ReportError> {
        let invalid = |path: String, message: String| ReportError::Invalid { line: 1, path, message };
        let rec: RecordFields<'_> = deserialize(&mut serde_json::Deserializer::from_slice(line))
            .map_err(|(path, message)| invalid(path, message))?;
        let mut first_arrival = [None; 4];
        let mut rtd = None;
        for (i, e) in rec.movement_timeline.iter().enumerate() {
            let arrival = e.event_type == "arrival";
            if !arrival && e.event_type != "rtd" {
                continue;
            }
            let facility = e.facility.as_deref().and_then(Facility::parse).ok_or_else(|| {
                invalid(format!("movement_timeline[{i}].facility"), "expected POI or Role1–Role4".into())
            })?;
            let h = e.hours_since_injury.filter(|h| h.is_finite() && *h >= 0.0).ok_or_else(|| {
                invalid(format!("movement_timeline[{i}].hours_since_injury"), "expected a non-negative number".into())
            })?;
            // Saturates beyond u32 (a far overflow bin); the data has one decimal.
            let tenths = (h * 10.0).round() as u32;
            if arrival {
                if let Some(slot) = facility.index().checked_sub(1).and_then(|k| first_arrival.get_mut(k)) {
                    slot.get_or_insert(tenths);
                }
            } else {
                rtd = Some((facility, tenths));
            }
        }
        let mut first_vitals = None;
        if let Some(visit) = rec.treatments.first() {
            let (mut hr, mut sbp) = (None, None);
            for (j, o) in visit.observations.iter().enumerate() {
                let slot = match o.code.as_deref() {
                    Some("8867-4") => &mut hr,
                    Some("8480-6") => &mut sbp,
                    _ => continue,
                };
                if slot.is_some() {
                    continue;
                }
                let v = o.value.as_ref().and_then(|v| v.as_f64()).filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(
                    || {
                        invalid(
                            format!("treatments[0].observations[{j}].value"),
                            "expected a non-negative number".into(),
                        )
                    },
                )?;
                *slot = Some(v.round() as u32);
            }
            first_vitals = hr.zip(sbp);
        }
        Ok(CaseSummary {
            injury: rec.injury_type,
            triage: rec.triage_category,
            outcome: rec.status,
            mass_casualty: rec.mass_casualty,
            first_arrival,
            rtd,
            first_vitals,
        })
    }

    /// Tenths of an hour to the first arrival at Role `from` or beyond (1-based Role numbers).
    fn first_arrival_from(&self, from: usize) -> Option<u32> {
        self.first_arrival.iter().skip(from - 1).flatten().min().copied()
    }
}

/// Deserialises one whole JSON document; an error gives the JSON path ("" for the root) and message.
fn deserialize<'de, T: Deserialize<'de>, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
) -> Result<T, (String, String)> {
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        (if path == "." || path == "?" { String::new() } else { path }, json_message(e.inner()))
    })?;
    de.end().map_err(|e| (String::new(), json_message(&e)))?;
    Ok(value)
}

/// serde_json's message without its " at line 1 column N" (the caller names the line), with the
/// column kept for syntax errors.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(m) if e.is_syntax() || e.is_eof() => format!("{m} (column {})", e.column()),
        Some(m) => m.to_string(),
        None => full,
    }
}

#[derive(Deserialize)]
struct RecordFields<'a> {
    injury_type: InjuryKind,
    triage_category: TriageCategory,
    status: Outcome,
    #[serde(default)]
    mass_casualty: bool,
    #[serde(default, borrow)]
    movement_timeline: Vec<EventFields<'a>>,
    #[serde(default, borrow)]
    treatments: Vec<VisitFields<'a>>,
}

#[derive(Deserialize)]
struct EventFields<'a> {
    #[serde(borrow)]
    event_type: Cow<'a, str>,
    #[serde(default, borrow)]
    facility: Option<Cow<'a, str>>,
    #[serde(default)]
    hours_since_injury: Option<f64>,
}

#[derive(Deserialize)]
struct VisitFields<'a> {
    #[serde(default, borrow)]
    observations: Vec<ObservationFields<'a>>,
}

#[derive(Deserialize)]
struct ObservationFields<'a> {
    #[serde(default, borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

/// Why a line or a counts document could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A record is not valid JSON or a field has an unusable value.
    #[error("line {line}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    Invalid {
        /// 1-based line number.
        line: u64,
        /// JSON path of the field (empty for a syntax error).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A line is longer than [`MAX_LINE_BYTES`].
    #[error("line {line}: longer than {max} bytes")]
    LineTooLong {
        /// 1-based line number.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// A calibration counts document ([`Calibration::from_json`]) is invalid.
    #[error("calibration counts: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    Counts {
        /// JSON path of the field.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl ReportError {
    /// The same error for line `line` of a longer input.
    pub fn at_line(self, line: u64) -> ReportError {
        match self {
            ReportError::Invalid { path, message, .. } => ReportError::Invalid { line, path, message },
            ReportError::LineTooLong { max, .. } => ReportError::LineTooLong { line, max },
            other => other,
        }
    }

    /// The 1-based line of the error, if it is about a line.
    pub fn line(&self) -> Option<u64> {
        match self {
            ReportError::Invalid { line, .. } | ReportError::LineTooLong { line, .. } => Some(*line),
            ReportError::Counts { .. } => None,
        }
    }

    /// The JSON path of the error ("" when it has none).
    pub fn path(&self) -> &str {
        match self {
            ReportError::Invalid { path, .. } | ReportError::Counts { path, .. } => path,
            ReportError::LineTooLong { .. } => "",
        }
    }
}

/// A count histogram of `N` bins (the last one collects everything beyond); serialised sparsely as
/// `[[bin, count], …]` for the non-empty bins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram<const N: usize> {
    bins: Vec<u64>,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Histogram { bins: vec![0; N] }
    }
}

impl<const N: usize> Histogram<N> {
    /// Counts one value in bin `min(bin, N − 1)`.
    pub fn add(&mut self, bin: usize) {
        let b = &mut self.bins[bin.min(N - 1)];
        *b = b.saturating_add(1);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a = a.saturating_add(*b);
        }
    }

    /// The counts, bin by bin.
    pub fn bins(&self) -> &[u64] {
        &self.bins
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.bins.iter().fold(0u64, |a, b| a.saturating_add(*b))
    }

    /// Values in bins `0..=bin`.
    pub fn at_most(&self, bin: usize) -> u64 {
        self.bins.iter().take(bin.saturating_add(1)).fold(0u64, |a, b| a.saturating_add(*b))
    }

    /// The bin of the `rank`-th smallest value (1-based), if there is one.
    fn bin_of_rank(&self, rank: u64) -> Option<usize> {
        let mut seen = 0u64;
        for (i, c) in self.bins.iter().enumerate() {
            seen = seen.saturating_add(*c);
            if seen >= rank && rank > 0 {
                return Some(i);
            }
        }
        None
    }
}

impl<const N: usize> Serialize for Histogram<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.bins.iter().filter(|c| **c > 0).count()))?;
        for (i, c) in self.bins.iter().enumerate().filter(|(_, c)| **c > 0) {
            seq.serialize_element(&(i, c))?;
        }
        seq.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for Histogram<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(usize, u64)>::deserialize(d)?;
        let mut h = Histogram::default();
        for (i, c) in pairs {
            let slot = h.bins.get_mut(i).ok_or_else(|| D::Error::custom(format!("bin {i} is outside 0..{N}")))?;
            *slot = slot.saturating_add(c);
        }
        Ok(h)
    }
}

/// Hours from injury, in 0.1-h bins up to [`HOURS_CAP_TENTHS`] plus an overflow bin.
pub type TimeHistogram = Histogram<TIME_BINS>;

/// The report's state: counts only, mergeable ([`Calibration::merge`]) and serialisable
/// ([`Calibration::to_json`] / [`Calibration::from_json`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Patients by injury type × triage × outcome (the orders of `InjuryKind::ALL`,
    /// `TriageCategory::ALL`, `Outcome::ALL`).
    pub cases: [[[u64; 5]; 4]; 3],
    /// Status RTD with the `rtd` event at most 72 h after injury, by injury type × triage.
    pub rtd_72h: [[u64; 4]; 3],
    /// Mass-casualty patients by injury type.
    pub mass_casualty: [u64; 3],
    /// Hours from injury to the first arrival at Role 1, 2, 3, 4 (all patients who arrived).
    pub first_arrival: [TimeHistogram; 4],
    /// T1 battle casualties: hours to the first arrival at any treatment facility (Role 1+).
    pub t1_battle_first_mtf: TimeHistogram,
    /// T1 battle casualties alive at the first assessment (with first vitals).
    pub t1_battle_alive: u64,
    /// The same: hours to the first arrival at any treatment facility (Role 1+).
    pub t1_battle_alive_first_mtf: TimeHistogram,
    /// T1 battle casualties: hours to the first arrival at surgical care (Role 2+).
    pub t1_battle_surgical: TimeHistogram,
    /// T1 battle casualties who reached Role 2+ and never arrived at Role 1.
    pub t1_battle_bypass: u64,
    /// T1 patients (any injury type) whose `rtd` event is at the point of injury.
    pub t1_rtd_poi: u64,
    /// Battle casualties with first vitals: shock index (HR/SBP) in 0.01 bins, survivors then deaths.
    pub shock_index: [Histogram<{ SHOCK_INDEX_BINS + 1 }>; 2],
    /// Battle casualties with first vitals: systolic pressure in 1-mmHg bins, survivors then deaths.
    pub systolic: [Histogram<{ SYSTOLIC_BINS + 1 }>; 2],
    /// Battle casualties without first vitals, survivors then deaths.
    pub no_vitals: [u64; 2],
}

fn inc(c: &mut u64) {
    *c = c.saturating_add(1);
}

impl Calibration {
    /// An empty calibration.
    pub fn new() -> Calibration {
        Calibration::default()
    }

    /// Counts one patient.
    pub fn add(&mut self, s: &CaseSummary) {
        let (i, t) = (s.injury as usize, s.triage as usize);
        inc(&mut self.cases[i][t][s.outcome as usize]);
        if s.outcome == Outcome::Rtd && s.rtd.is_some_and(|(_, h)| h <= RTD_WINDOW_TENTHS) {
            inc(&mut self.rtd_72h[i][t]);
        }
        if s.mass_casualty {
            inc(&mut self.mass_casualty[i]);
        }
        for (h, a) in self.first_arrival.iter_mut().zip(s.first_arrival) {
            if let Some(a) = a {
                h.add(a as usize);
            }
        }
        let battle = s.injury == InjuryKind::Battle;
        if battle && s.triage == TriageCategory::T1 {
            if let Some(a) = s.first_arrival_from(1) {
                self.t1_battle_first_mtf.add(a as usize);
                if s.first_vitals.is_some() {
                    self.t1_battle_alive_first_mtf.add(a as usize);
                }
            }
            if s.first_vitals.is_some() {
                inc(&mut self.t1_battle_alive);
            }
            if let Some(a) = s.first_arrival_from(2) {
                self.t1_battle_surgical.add(a as usize);
                if s.first_arrival[0].is_none() {
                    inc(&mut self.t1_battle_bypass);
                }
            }
        }
        if s.triage == TriageCategory::T1 && matches!(s.rtd, Some((Facility::Poi, _))) {
            inc(&mut self.t1_rtd_poi);
        }
        if battle {
            let died = s.outcome.is_death() as usize;
            match s.first_vitals {
                Some((hr, sbp)) => {
                    let si = if sbp == 0 { SHOCK_INDEX_BINS } else { (100 * hr as u64 / sbp as u64) as usize };
                    self.shock_index[died].add(si);
                    self.systolic[died].add(sbp as usize);
                }
                None => inc(&mut self.no_vitals[died]),
            }
        }
    }

    /// Adds another calibration's counts (the result equals one pass over both inputs).
    pub fn merge(&mut self, other: &Calibration) {
        for (a, b) in self.cases.iter_mut().flatten().flatten().zip(other.cases.iter().flatten().flatten()) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.rtd_72h.iter_mut().flatten().zip(other.rtd_72h.iter().flatten()) {
            *a = a.saturating_add(*b);
        }
        let pairs = self
            .mass_casualty
            .iter_mut()
            .zip(&other.mass_casualty)
            .chain(self.no_vitals.iter_mut().zip(&other.no_vitals));
        for (a, b) in pairs {
            *a = a.saturating_add(*b);
        }
        self.t1_battle_bypass = self.t1_battle_bypass.saturating_add(other.t1_battle_bypass);
        self.t1_rtd_poi = self.t1_rtd_poi.saturating_add(other.t1_rtd_poi);
        for (a, b) in self.first_arrival.iter_mut().zip(&other.first_arrival) {
            a.merge(b);
        }
        self.t1_battle_first_mtf.merge(&other.t1_battle_first_mtf);
        self.t1_battle_alive = self.t1_battle_alive.saturating_add(other.t1_battle_alive);
        self.t1_battle_alive_first_mtf.merge(&other.t1_battle_alive_first_mtf);
        self.t1_battle_surgical.merge(&other.t1_battle_surgical);
        for (a, b) in self.shock_index.iter_mut().zip(&other.shock_index) {
            a.merge(b);
        }
        for (a, b) in self.systolic.iter_mut().zip(&other.systolic) {
            a.merge(b);
        }
    }

    /// The counts as compact JSON (what the page's workers exchange; [`Calibration::from_json`]
    /// reads it back).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads counts written by [`Calibration::to_json`]; errors name the JSON path.
    pub fn from_json(text: &str) -> Result<Calibration, ReportError> {
        deserialize(&mut serde_json::Deserializer::from_str(text))
            .map_err(|(path, message)| ReportError::Counts { path, message })
    }

    /// Patients counted.
    pub fn patients(&self) -> u64 {
        self.cases.iter().flatten().flatten().fold(0u64, |a, b| a.saturating_add(*b))
    }

    fn count(
        &self,
        injury: Option<InjuryKind>,
        triage: Option<TriageCategory>,
        outcome: impl Fn(Outcome) -> bool,
    ) -> u64 {
        let mut n = 0u64;
        for i in InjuryKind::ALL.iter().filter(|i| injury.is_none_or(|x| x == **i)) {
            for t in TriageCategory::ALL.iter().filter(|t| triage.is_none_or(|x| x == **t)) {
                for o in Outcome::ALL.iter().filter(|o| outcome(**o)) {
                    n = n.saturating_add(self.cases[*i as usize][*t as usize][*o as usize]);
                }
            }
        }
        n
    }

    /// Every figure of the report (docs/REPORT.md defines each).
    pub fn figures(&self) -> Figures {
        figures(self)
    }
}

/// One figure of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// Stable identifier (`pct_kia`, `time_role2_median`, …).
    pub id: &'static str,
    /// Section heading it belongs to.
    pub section: &'static str,
    /// Short label.
    pub label: &'static str,
    /// The value: a count, a percentage (0–100), hours, or an AUC (0–1); `None` when undefined
    /// (empty denominator) or beyond the time histograms' cap.
    pub value: Option<f64>,
    /// The value as the report prints it ("13.8 %", "1.4 h", "> 240 h", "—").
    pub text: String,
    /// What it was computed from ("293 / 2,120", "n = 1,204").
    pub basis: String,
    /// Definition.
    pub definition: &'static str,
}

/// The report: counts tables and every derived figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Patients counted.
    pub patients: u64,
    /// Patients by injury type (rows, then a total row) and triage (T1–T4, total).
    pub by_injury_triage: Vec<(&'static str, [u64; 5])>,
    /// Outcomes by injury type (rows, then a total row): KIA, DOW, NBD, RTD (any time), RTD within
    /// 72 h, Remains_Role4, deaths.
    pub outcomes_by_injury: Vec<(&'static str, [u64; 7])>,
    /// The figures, in report order.
    pub figures: Vec<Figure>,
}

impl Figures {
    /// The figure with this id.
    pub fn get(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }

    /// The report as JSON (`{patients, by_injury_triage, outcomes_by_injury, figures: [{id,
    /// section, label, value, text, basis, definition}]}`), ending in a newline.
    pub fn to_json(&self) -> String {
        let table = |rows: &[(&str, Vec<(&str, u64)>)]| {
            let mut m = serde_json::Map::new();
            for (name, cols) in rows {
                let c: serde_json::Map<String, serde_json::Value> =
                    cols.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
                m.insert(name.to_string(), c.into());
            }
            serde_json::Value::Object(m)
        };
        let tri: Vec<(&str, Vec<(&str, u64)>)> = self
            .by_injury_triage
            .iter()
            .map(|(n, v)| (*n, ["T1", "T2", "T3", "T4", "total"].into_iter().zip(v.iter().copied()).collect()))
            .collect();
        let out: Vec<(&str, Vec<(&str, u64)>)> = self
            .outcomes_by_injury
            .iter()
            .map(|(n, v)| (*n, OUTCOME_COLUMNS.into_iter().zip(v.iter().copied()).collect()))
            .collect();
        let v = serde_json::json!({
            "patients": self.patients,
            "by_injury_triage": table(&tri),
            "outcomes_by_injury": table(&out),
            "figures": self.figures,
        });
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The report as Markdown tables, each figure with its definition.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        s.push_str("# Calibration report\n\n");
        s.push_str(&format!("Patients: {}\n\n", thousands(self.patients)));
        s.push_str("## Patients by injury type and triage\n\n");
        s.push_str("| injury type | T1 | T2 | T3 | T4 | total |\n|---|---:|---:|---:|---:|---:|\n");
        for (name, v) in &self.by_injury_triage {
            s.push_str(&format!("| {name} |"));
            for c in v {
                s.push_str(&format!(" {} |", thousands(*c)));
            }
            s.push('\n');
        }
        s.push_str("\n## Outcomes by injury type\n\n");
        s.push_str("| injury type | KIA | DOW | NBD | RTD | RTD ≤ 72 h | Remains_Role4 | deaths |\n");
        s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (name, v) in &self.outcomes_by_injury {
            s.push_str(&format!("| {name} |"));
            for c in v {
                s.push_str(&format!(" {} |", thousands(*c)));
            }
            s.push('\n');
        }
        s.push_str(
            "\nDeaths = KIA + DOW + NBD. RTD ≤ 72 h: status RTD with the `rtd` event at most 72.0 h after injury.\n",
        );
        let mut section = "";
        for f in &self.figures {
            if f.section != section {
                section = f.section;
                s.push_str(&format!(
                    "\n## {section}\n\n| figure | value | basis | definition |\n|---|---:|---:|---|\n"
                ));
            }
            s.push_str(&format!("| {} | {} | {} | {} |\n", f.label, f.text, f.basis, f.definition));
        }
        s
    }
}

const OUTCOME_COLUMNS: [&str; 7] = ["KIA", "DOW", "NBD", "RTD", "RTD_72h", "Remains_Role4", "deaths"];

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            s.push(',');
        }
        s.push(ch);
    }
    s
}

/// Tenths of an hour × `scale` (1 or 2) as hours: exact decimal text and value.
fn hours(tenths_scaled: u64, scale: u64) -> (f64, String) {
    let hundredths = tenths_scaled * 10 / scale;
    let text = if hundredths % 10 == 0 {
        format!("{}.{} h", hundredths / 100, (hundredths / 10) % 10)
    } else {
        format!("{}.{:02} h", hundredths / 100, hundredths % 100)
    };
    (tenths_scaled as f64 / (10 * scale) as f64, text)
}

/// Median (mean of the two middle values for an even count) of a time histogram; `Err(())` when it
/// lies in the overflow bin, `Ok(None)` when empty.
fn median(h: &TimeHistogram) -> Result<Option<(f64, String)>, ()> {
    let n = h.total();
    if n == 0 {
        return Ok(None);
    }
    let (a, b) = if n % 2 == 1 { (n.div_ceil(2), n.div_ceil(2)) } else { (n / 2, n / 2 + 1) };
    let (a, b) = (h.bin_of_rank(a).ok_or(())?, h.bin_of_rank(b).ok_or(())?);
    if a >= TIME_BINS - 1 || b >= TIME_BINS - 1 {
        return Err(());
    }
    Ok(Some(hours((a + b) as u64, 2)))
}

/// 95th percentile by nearest rank (the ⌈0.95 n⌉-th smallest value).
fn p95(h: &TimeHistogram) -> Result<Option<(f64, String)>, ()> {
    let n = h.total();
    if n == 0 {
        return Ok(None);
    }
    let rank = (n as u128 * 95).div_ceil(100) as u64;
    let b = h.bin_of_rank(rank).ok_or(())?;
    if b >= TIME_BINS - 1 {
        return Err(());
    }
    Ok(Some(hours(b as u64, 1)))
}

/// Mann–Whitney AUC over binned scores: P(score of a death > score of a survivor) + ½ P(tie), or
/// with `higher_is_worse = false` P(death's score < survivor's). Exact integer sums.
fn auc<const N: usize>(survived: &Histogram<N>, died: &Histogram<N>, higher_is_worse: bool) -> Option<f64> {
    let (s_total, d_total) = (survived.total() as u128, died.total() as u128);
    if s_total == 0 || d_total == 0 {
        return None;
    }
    // Twice the U statistic: 2 · Σ d_i · (survivors strictly better) + d_i · s_i.
    let mut twice_u = 0u128;
    let mut below = 0u128;
    let (s, d) = (survived.bins(), died.bins());
    let order: Box<dyn Iterator<Item = usize>> = if higher_is_worse { Box::new(0..N) } else { Box::new((0..N).rev()) };
    for i in order {
        let (si, di) = (s[i] as u128, d[i] as u128);
        twice_u += 2 * di * below + di * si;
        below += si;
    }
    Some(twice_u as f64 / (2 * s_total * d_total) as f64)
}

struct Builder<'a> {
    out: &'a mut Vec<Figure>,
    section: &'static str,
}

impl Builder<'_> {
    fn count(&mut self, id: &'static str, label: &'static str, n: u64, definition: &'static str) {
        self.out.push(Figure {
            id,
            section: self.section,
            label,
            value: Some(n as f64),
            text: thousands(n),
            basis: String::new(),
            definition,
        });
    }

    fn share(&mut self, id: &'static str, label: &'static str, num: u64, den: u64, definition: &'static str) {
        let value = (den > 0).then(|| 100.0 * num as f64 / den as f64);
        self.out.push(Figure {
            id,
            section: self.section,
            label,
            value,
            text: value.map_or("—".into(), |v| format!("{v:.1} %")),
            basis: format!("{} / {}", thousands(num), thousands(den)),
            definition,
        });
    }

    fn time(
        &mut self,
        id: &'static str,
        label: &'static str,
        q: Result<Option<(f64, String)>, ()>,
        n: u64,
        definition: &'static str,
    ) {
        let (value, text) = match q {
            Ok(Some((v, t))) => (Some(v), t),
            Ok(None) => (None, "—".to_string()),
            Err(()) => (None, format!("> {} h", HOURS_CAP_TENTHS / 10)),
        };
        self.out.push(Figure {
            id,
            section: self.section,
            label,
            value,
            text,
            basis: format!("n = {}", thousands(n)),
            definition,
        });
    }

    fn auc(
        &mut self,
        id: &'static str,
        label: &'static str,
        v: Option<f64>,
        died: u64,
        survived: u64,
        definition: &'static str,
    ) {
        self.out.push(Figure {
            id,
            section: self.section,
            label,
            value: v,
            text: v.map_or("—".into(), |v| format!("{v:.3}")),
            basis: format!("{} died, {} survived", thousands(died), thousands(survived)),
            definition,
        });
    }
}

fn figures(c: &Calibration) -> Figures {
    use InjuryKind::*;
    let any = |_: Outcome| true;
    let death = |o: Outcome| o.is_death();
    let mut by_injury_triage = Vec::new();
    let mut outcomes_by_injury = Vec::new();
    for i in InjuryKind::ALL.map(Some).into_iter().chain([None]) {
        let name = i.map_or("total", |i| i.as_str());
        let mut row = [0u64; 5];
        for (k, t) in TriageCategory::ALL.iter().enumerate() {
            row[k] = c.count(i, Some(*t), any);
        }
        row[4] = c.count(i, None, any);
        by_injury_triage.push((name, row));
        let mut out = [0u64; 7];
        for (k, o) in Outcome::ALL.iter().enumerate() {
            let col = [0, 1, 2, 3, 5][k];
            out[col] = c.count(i, None, |x| x == *o);
        }
        out[4] = InjuryKind::ALL
            .iter()
            .filter(|x| i.is_none_or(|i| i == **x))
            .flat_map(|x| c.rtd_72h[*x as usize].iter())
            .fold(0u64, |a, b| a.saturating_add(*b));
        out[6] = c.count(i, None, death);
        outcomes_by_injury.push((name, out));
    }

    let mut figs = Vec::new();
    let battle = c.count(Some(Battle), None, any);
    let kia = c.count(Some(Battle), None, |o| o == Outcome::Kia);
    let dow = c.count(Some(Battle), None, |o| o == Outcome::Dow);
    let wia = battle.saturating_sub(kia);
    let rtd = c.rtd_72h[Battle as usize].iter().fold(0u64, |a, b| a.saturating_add(*b));
    let mut b = Builder { out: &mut figs, section: "Battle casualties (Holcomb et al., J Trauma 2006)" };
    b.count("battle_casualties", "battle casualties", battle, "patients with injury_type \"Battle Injury\"");
    b.count(
        "kia",
        "KIA",
        kia,
        "battle casualties with status KIA: killed before reaching a medical treatment facility",
    );
    b.count(
        "dow",
        "DOW",
        dow,
        "battle casualties with status DOW: died of wounds after reaching a medical treatment facility",
    );
    b.count(
        "wia",
        "WIA",
        wia,
        "wounded in action: battle casualties not killed before reaching a facility (battle casualties − KIA)",
    );
    b.count("rtd", "RTD", rtd, "battle casualties with status RTD whose rtd event is at most 72 h after injury");
    b.share("pct_kia", "%KIA", kia, kia.saturating_add(wia).saturating_sub(rtd), "KIA / (KIA + WIA − RTD)");
    b.share("pct_dow", "%DOW", dow, wia.saturating_sub(rtd), "DOW / (WIA − RTD)");
    b.share("cfr", "case fatality rate", kia.saturating_add(dow), kia.saturating_add(wia), "(KIA + DOW) / (KIA + WIA)");

    b.section = "Mortality";
    let labels_battle = ["T1 battle", "T2 battle", "T3 battle", "T4 battle"];
    let labels_all = ["T1 all", "T2 all", "T3 all", "T4 all"];
    let ids_battle = ["mortality_t1_battle", "mortality_t2_battle", "mortality_t3_battle", "mortality_t4_battle"];
    let ids_all = ["mortality_t1_all", "mortality_t2_all", "mortality_t3_all", "mortality_t4_all"];
    for (k, t) in TriageCategory::ALL.iter().enumerate() {
        let (d, n) = (c.count(Some(Battle), Some(*t), death), c.count(Some(Battle), Some(*t), any));
        b.share(
            ids_battle[k],
            labels_battle[k],
            d,
            n,
            "deaths (KIA + DOW + NBD) / battle casualties of this triage category",
        );
    }
    for (k, t) in TriageCategory::ALL.iter().enumerate() {
        let (d, n) = (c.count(None, Some(*t), death), c.count(None, Some(*t), any));
        b.share(ids_all[k], labels_all[k], d, n, "deaths (KIA + DOW + NBD) / patients of this triage category");
    }
    let dnbi = c.count(Some(NonBattle), None, any).saturating_add(c.count(Some(Disease), None, any));
    let dnbi_deaths = c.count(Some(NonBattle), None, death).saturating_add(c.count(Some(Disease), None, death));
    b.share(
        "mortality_dnbi",
        "disease + non-battle injury",
        dnbi_deaths,
        dnbi,
        "deaths (KIA + DOW + NBD) / patients with injury_type \"Disease\" or \"Non-Battle Injury\"",
    );
    b.share(
        "mortality_all",
        "all patients",
        c.count(None, None, death),
        c.patients(),
        "deaths (KIA + DOW + NBD) / all patients",
    );

    b.section = "Times from injury to first arrival (all patients)";
    let ids = [
        ("time_role1_median", "time_role1_p95", "Role 1 median", "Role 1 p95"),
        ("time_role2_median", "time_role2_p95", "Role 2 median", "Role 2 p95"),
        ("time_role3_median", "time_role3_p95", "Role 3 median", "Role 3 p95"),
        ("time_role4_median", "time_role4_p95", "Role 4 median", "Role 4 p95"),
    ];
    for (h, (mid, pid, ml, pl)) in c.first_arrival.iter().zip(ids) {
        let n = h.total();
        b.time(mid, ml, median(h), n, "median hours_since_injury of the first arrival there, over patients who arrived (mean of the two middle values for an even n)");
        b.time(pid, pl, p95(h), n, "95th percentile (nearest rank: the ⌈0.95 n⌉-th smallest) of the same times");
    }

    b.section = "T1 battle casualties: time to care";
    let t1 = c.count(Some(Battle), Some(TriageCategory::T1), any);
    b.share(
        "t1_share_of_battle",
        "T1 share of battle casualties",
        t1,
        battle,
        "T1 battle casualties / battle casualties",
    );
    let mtf = &c.t1_battle_first_mtf;
    b.share("t1_mtf_within_1h", "reached Role 1+ within 1 h", mtf.at_most(10), t1, "T1 battle casualties whose first arrival at any Role 1–4 facility is at most 1.0 h after injury / all T1 battle casualties");
    b.share("t1_mtf_within_2h", "reached Role 1+ within 2 h", mtf.at_most(20), t1, "as above, within 2.0 h");
    let alive = &c.t1_battle_alive_first_mtf;
    b.share("t1_alive_mtf_within_1h", "alive at first assessment: reached Role 1+ within 1 h", alive.at_most(10), c.t1_battle_alive, "T1 battle casualties with first vital signs (alive when first assessed) whose first arrival at any Role 1–4 facility is at most 1.0 h after injury / T1 battle casualties with first vital signs: the evacuation standard, which casualties killed outright never enter");
    b.share(
        "t1_alive_mtf_within_2h",
        "alive at first assessment: reached Role 1+ within 2 h",
        alive.at_most(20),
        c.t1_battle_alive,
        "as above, within 2.0 h",
    );
    let surg = &c.t1_battle_surgical;
    b.time(
        "t1_surgical_median",
        "time to surgical care, median",
        median(surg),
        surg.total(),
        "median hours from injury to the first arrival at Role 2, 3 or 4, over T1 battle casualties who arrived there",
    );
    b.share(
        "t1_surgical_within_2h",
        "surgical care within 2 h",
        surg.at_most(20),
        t1,
        "T1 battle casualties first arriving at Role 2+ at most 2.0 h after injury / all T1 battle casualties",
    );
    b.share("t1_bypass_role1", "bypassed Role 1", c.t1_battle_bypass, surg.total(), "T1 battle casualties who reached Role 2+ without any arrival at Role 1 / T1 battle casualties who reached Role 2+");
    b.count(
        "t1_rtd_poi",
        "T1 returned to duty at POI",
        c.t1_rtd_poi,
        "T1 patients (any injury type) whose rtd event is at the point of injury",
    );

    b.section = "Mass-casualty events";
    let mc: u64 = c.mass_casualty.iter().fold(0u64, |a, b| a.saturating_add(*b));
    b.share(
        "mascal_battle_share",
        "battle injuries among mass-casualty patients",
        c.mass_casualty[Battle as usize],
        mc,
        "patients with mass_casualty true and injury_type \"Battle Injury\" / patients with mass_casualty true",
    );

    b.section = "First vital signs as predictors of death (battle casualties)";
    let (s_n, d_n) = (c.shock_index[0].total(), c.shock_index[1].total());
    b.auc("auc_shock_index", "ROC AUC, shock index", auc(&c.shock_index[0], &c.shock_index[1], true), d_n, s_n, "Mann–Whitney AUC of heart rate / systolic pressure (8867-4 / 8480-6) of the first visit's observations, in 0.01 bins, for death (KIA, DOW, NBD): P(SI of a death > SI of a survivor) + ½ P(same bin)");
    b.auc("auc_systolic", "ROC AUC, systolic pressure", auc(&c.systolic[0], &c.systolic[1], false), d_n, s_n, "the same with systolic pressure in 1-mmHg bins, lower = worse: P(SBP of a death < SBP of a survivor) + ½ P(tie)");
    b.count(
        "no_first_vitals",
        "battle casualties without first vitals",
        c.no_vitals[0].saturating_add(c.no_vitals[1]),
        "battle casualties whose first visit has no heart rate or systolic pressure (left out of both AUCs)",
    );

    Figures { patients: c.patients(), by_injury_triage, outcomes_by_injury, figures: figs }
}

/// Reads NDJSON records from byte chunks split anywhere (also inside a line or a UTF-8 sequence)
/// into a [`Calibration`]; memory is bounded by [`MAX_LINE_BYTES`]. Blank lines are skipped. After
/// an error every call returns that error.
#[derive(Debug, Default)]
pub struct CalibrationReader {
    calibration: Calibration,
    pending: Vec<u8>,
    /// Lines completed so far.
    lines: u64,
    error: Option<ReportError>,
    finished: bool,
}

impl CalibrationReader {
    /// An empty reader.
    pub fn new() -> CalibrationReader {
        CalibrationReader::default()
    }

    fn line(&mut self, bytes: &[u8]) -> Result<(), ReportError> {
        self.lines += 1;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(());
        }
        let s = CaseSummary::from_json_line(bytes).map_err(|e| e.at_line(self.lines))?;
        self.calibration.add(&s);
        Ok(())
    }

    fn fail(&mut self, e: ReportError) -> ReportError {
        self.error = Some(e.clone());
        self.pending = Vec::new();
        e
    }

    /// Reads a chunk.
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<(), ReportError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        while let Some(nl) = bytes.iter().position(|b| *b == b'\n') {
            let (head, rest) = bytes.split_at(nl);
            let r = if self.pending.is_empty() {
                self.line(head)
            } else if self.pending.len() + head.len() > MAX_LINE_BYTES {
                Err(ReportError::LineTooLong { line: self.lines + 1, max: MAX_LINE_BYTES })
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.extend_from_slice(head);
                let r = self.line(&line);
                line.clear();
                self.pending = line;
                r
            };
            if let Err(e) = r {
                return Err(self.fail(e));
            }
            bytes = &rest[1..];
        }
        if self.pending.len() + bytes.len() > MAX_LINE_BYTES {
            let e = ReportError::LineTooLong { line: self.lines + 1, max: MAX_LINE_BYTES };
            return Err(self.fail(e));
        }
        self.pending.extend_from_slice(bytes);
        Ok(())
    }

    /// Reads the last line (one without a final newline) and returns the calibration.
    pub fn finish(&mut self) -> Result<&Calibration, ReportError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.finished {
            self.finished = true;
            let last = std::mem::take(&mut self.pending);
            if !last.is_empty() {
                if let Err(e) = self.line(&last) {
                    return Err(self.fail(e));
                }
            }
        }
        Ok(&self.calibration)
    }

    /// The calibration of the lines read so far.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[usize]) -> TimeHistogram {
        let mut h = TimeHistogram::default();
        values.iter().for_each(|v| h.add(*v));
        h
    }

    #[test]
    fn quantiles_are_exact_on_tenths() {
        assert_eq!(median(&hist(&[3, 1, 2])).unwrap().unwrap().1, "0.2 h");
        assert_eq!(median(&hist(&[1, 2])).unwrap().unwrap(), (0.15, "0.15 h".to_string()));
        assert_eq!(median(&hist(&[10, 30])).unwrap().unwrap().1, "2.0 h");
        // Nearest rank: ⌈0.95 · 20⌉ = 19th smallest of 1..=20.
        assert_eq!(p95(&hist(&(1..=20).collect::<Vec<_>>())).unwrap().unwrap().1, "1.9 h");
        assert_eq!(p95(&hist(&[5])).unwrap().unwrap().1, "0.5 h");
        assert_eq!(median(&TimeHistogram::default()), Ok(None));
        assert_eq!(median(&hist(&[1, 5000, 6000])), Err(()));
        assert_eq!(p95(&hist(&[1, 2, 9999])), Err(()));
    }

    #[test]
    fn auc_counts_pairs_and_ties() {
        let mut s = Histogram::<10>::default();
        let mut d = Histogram::<10>::default();
        // Survivors 1, 2; deaths 2, 3: pairs (d>s) = (2>1), (3>1), (3>2) = 3, ties (2,2) = 1 → 3.5 / 4.
        [1, 2].iter().for_each(|v| s.add(*v));
        [2, 3].iter().for_each(|v| d.add(*v));
        assert_eq!(auc(&s, &d, true), Some(0.875));
        assert_eq!(auc(&s, &d, false), Some(0.125));
        assert_eq!(auc(&s, &Histogram::default(), true), None);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn histogram_rejects_bins_out_of_range() {
        assert!(serde_json::from_str::<Histogram<3>>("[[2,5]]").is_ok());
        assert!(serde_json::from_str::<Histogram<3>>("[[3,5]]").is_err());
    }
}
