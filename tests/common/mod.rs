//! Shared helpers of the acceptance suites (DOMAIN.md §12): generate a run through the public API,
//! parse its NDJSON like a user would, restate the specification's tables, check every record
//! against the exact rules, and run chi-square / share / mean tests with collected failures.
//!
//! The tables below restate DOMAIN.md on purpose: the tests compare the generator with the
//! document, not with the generator's own data.
#![allow(dead_code)]
// `!(x <= tol)` on purpose: a NaN statistic must fail.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use std::collections::BTreeMap;

use patientgen::{Format, Job, JobOptions, Resolved};
use serde::Deserialize;

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// Parses a scenario; panics with the validation errors.
pub fn scenario(json: &str) -> (Resolved, u64) {
    let sc = match patientgen::parse_scenario(json) {
        Ok(s) => s,
        Err(e) => panic!("scenario {json} does not validate: {e}"),
    };
    let seed = sc.seed.unwrap_or(1);
    (sc.resolved, seed)
}

/// Generates a whole run (or the range of `opts`) into one buffer.
pub fn generate_bytes(res: &Resolved, seed: u64, opts: &JobOptions) -> Vec<u8> {
    let mut job = Job::new(res, seed, opts).expect("job builds");
    let mut out = Vec::new();
    while !job.next_chunk(&mut out).expect("chunk").done {}
    out
}

/// Generates the run of a scenario text with `seed` (the scenario's own seed is not used).
pub fn run(config: &str, seed: u64, opts: JobOptions) -> Vec<u8> {
    let s = patientgen::parse_scenario(config).expect("valid config");
    generate_bytes(&s.resolved, seed, &opts)
}

/// NDJSON options with a chunk size.
pub fn ndjson(chunk_size: u32) -> JobOptions {
    JobOptions { format: Format::Ndjson, chunk_size, ..Default::default() }
}

/// Streams a run chunk by chunk: every parsed record is passed to `f`. Returns the SHA-256 of
/// the bytes, the number of lines and the job's counters. Unparseable lines are reported to `rep`.
pub fn stream_records(
    res: &Resolved,
    seed: u64,
    rep: &mut Report,
    mut f: impl FnMut(&Record, &mut Report),
) -> ([u8; 32], u64, patientgen::Counters) {
    use sha2::Digest;
    let mut job = Job::new(res, seed, &ndjson(1000)).expect("job builds");
    let mut hasher = sha2::Sha256::new();
    let mut buf = Vec::with_capacity(8 << 20);
    let mut lines = 0u64;
    loop {
        buf.clear();
        let done = job.next_chunk(&mut buf).expect("chunk").done;
        hasher.update(&buf);
        for line in buf.split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            lines += 1;
            match serde_json::from_slice::<Record>(line) {
                Ok(r) => f(&r, rep),
                Err(e) => rep.fail(
                    "schema: record does not parse",
                    format!("line {lines}: {e}: {}", String::from_utf8_lossy(&line[..line.len().min(300)])),
                ),
            }
        }
        if done {
            break;
        }
    }
    let digest: [u8; 32] = hasher.finalize().into();
    (digest, lines, job.counters().clone())
}

// ---------------------------------------------------------------------------------------------
// Record schema (DOMAIN.md §8)
// ---------------------------------------------------------------------------------------------

/// A patient record (8.1). Unknown keys are schema errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: u64,
    pub nationality: String,
    pub gender: String,
    pub injury_type: String,
    pub triage_category: String,
    pub status: String,
    pub front: String,
    pub final_status: String,
    pub last_facility: String,
    pub demographics: Demo,
    pub conditions: Vec<Cond>,
    pub severity: i64,
    pub treatments: Vec<Visit>,
    pub movement_timeline: Vec<Ev>,
    pub injury_time: String,
    pub scenario: String,
    pub event_id: String,
    #[serde(default)]
    pub mass_casualty: Option<bool>,
    pub day: String,
    pub body_part: String,
    #[serde(default)]
    pub environmental_conditions: Option<Vec<String>>,
}

/// Demographics (8.2).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demo {
    pub family_name: String,
    pub given_name: String,
    pub gender: String,
    pub id_number: String,
    pub birthdate: String,
    pub nationality: String,
    #[serde(default)]
    pub religion: Option<String>,
    pub weight: f64,
    pub blood_type: String,
    #[serde(default)]
    pub rank: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
}

/// A condition.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cond {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub severity: Option<String>,
}

/// A visit (6.8).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub facility: String,
    pub date: String,
    pub treatments: Vec<Proc>,
    pub observations: Vec<Obs>,
}

/// A treatment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proc {
    pub code: String,
    pub display: String,
}

/// An observation (6.9).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obs {
    pub code: String,
    pub display: String,
    pub value: f64,
    pub unit: String,
}

/// A timeline event (5.6).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ev {
    pub event_type: String,
    pub facility: String,
    pub timestamp: String,
    pub hours_since_injury: f64,
    #[serde(default)]
    pub evacuation_duration_hours: Option<f64>,
    #[serde(default)]
    pub triage_category: Option<String>,
    #[serde(default)]
    pub next_facility: Option<String>,
    #[serde(default)]
    pub from_facility: Option<String>,
    #[serde(default)]
    pub to_facility: Option<String>,
    #[serde(default)]
    pub transit_duration_hours: Option<f64>,
    #[serde(default)]
    pub kia_timing: Option<String>,
    #[serde(default)]
    pub rtd_timing: Option<String>,
    #[serde(default)]
    pub evacuation_hours_completed: Option<f64>,
    #[serde(default)]
    pub transit_hours_completed: Option<f64>,
    #[serde(default)]
    pub destination_facility: Option<String>,
    #[serde(default)]
    pub facilities_visited: Option<u64>,
}

// ---------------------------------------------------------------------------------------------
// Small parsers
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD` strictly (valid calendar date).
pub fn parse_date(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&s[0..4])?, num(&s[5..7])?, num(&s[8..10])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > dim[(m - 1) as usize] {
        return None;
    }
    Some((y, m, d))
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` into seconds since the epoch.
pub fn parse_ts(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let (y, m, d) = parse_date(&s[0..10])?;
    let (hh, mm, ss) = (num(&s[11..13])?, num(&s[14..16])?, num(&s[17..19])?);
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// A one-decimal JSON number as integer tenths (`None` if not a multiple of 0.1 or negative).
pub fn tenths(x: f64) -> Option<i64> {
    let v = (x * 10.0).round();
    if (x * 10.0 - v).abs() > 1e-6 || v < 0.0 {
        return None;
    }
    Some(v as i64)
}

/// `hrs(s)` of 5.2: seconds to tenths of an hour, half up.
pub fn hrs(s: i64) -> i64 {
    (10 * s + 1800).div_euclid(3600)
}

/// Age in whole years at `base` of someone born `b`.
pub fn age_at(b: (i64, i64, i64), base: (i64, i64, i64)) -> i64 {
    let mut a = base.0 - b.0;
    if (base.1, base.2) < (b.1, b.2) {
        a -= 1;
    }
    a
}

/// A parsed event id (3.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventIdParts {
    pub prefix: &'static str,
    pub label: String,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub seq: u64,
}

/// Parses `<MC|IND|SE>_<label>_<d>_<hhmm>_<seq>`.
pub fn parse_event_id(s: &str) -> Option<EventIdParts> {
    let (prefix, rest) = if let Some(r) = s.strip_prefix("MC_") {
        ("MC", r)
    } else if let Some(r) = s.strip_prefix("IND_") {
        ("IND", r)
    } else if let Some(r) = s.strip_prefix("SE_") {
        ("SE", r)
    } else {
        return None;
    };
    let labels: &[&str] = if prefix == "SE" { &SPECIAL_KINDS } else { &WARFARE_NAMES };
    let label = labels.iter().find(|l| rest.starts_with(&format!("{l}_")))?;
    let rest = &rest[label.len() + 1..];
    let parts: Vec<&str> = rest.split('_').collect();
    if parts.len() != 3 || parts[1].len() != 4 {
        return None;
    }
    let day = num(parts[0])? as u32;
    if parts[0].starts_with('0') {
        return None;
    }
    let hour = num(&parts[1][0..2])? as u32;
    let minute = num(&parts[1][2..4])? as u32;
    let seq = num(parts[2])? as u64;
    if parts[2].len() > 1 && parts[2].starts_with('0') {
        return None;
    }
    Some(EventIdParts { prefix, label: label.to_string(), day, hour, minute, seq })
}

// ---------------------------------------------------------------------------------------------
// Specification tables (restated from DOMAIN.md)
// ---------------------------------------------------------------------------------------------

/// Warfare types in canonical order (3.1.1).
pub const WARFARE_NAMES: [&str; 8] =
    ["conventional", "artillery", "urban", "guerrilla", "drone", "naval", "cbrn", "peacekeeping"];
/// Special-event kinds in rank order.
pub const SPECIAL_KINDS: [&str; 3] = ["mass_casualty", "major_offensive", "ambush"];
/// Injury types in canonical order.
pub const INJURY_TYPES: [&str; 3] = ["Battle Injury", "Non-Battle Injury", "Disease"];
/// Triage categories.
pub const TRIAGES: [&str; 3] = ["T1", "T2", "T3"];
/// Facilities by level.
pub const FACILITIES: [&str; 5] = ["POI", "Role1", "Role2", "Role3", "Role4"];

/// Index of a name in a table.
pub fn idx(table: &[&str], s: &str) -> Option<usize> {
    table.iter().position(|t| *t == s)
}

/// Warfare weights (3.1.1).
pub const WARFARE_WEIGHT: [f64; 8] = [1.0, 1.2, 1.1, 0.8, 0.6, 0.9, 2.0, 0.4];
/// MASCAL cluster size ranges (3.1.1; drone and peacekeeping from 2).
pub const CLUSTER_RANGE: [(u64, u64); 8] = [(10, 30), (15, 50), (5, 20), (2, 8), (2, 5), (10, 25), (50, 200), (2, 5)];
/// Injury modifiers BI / NBI / Disease per warfare type, then `mixed`.
pub const INJURY_MOD: [[f64; 3]; 9] = [
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
/// Injury pattern index (conventional, artillery, urban, ied, mixed) per warfare type, then `mixed`.
pub const PATTERN_OF: [usize; 9] = [0, 1, 2, 3, 1, 4, 4, 4, 4];
/// Triage rows [BI, NBI, Disease] × [T1, T2, T3] per warfare type, then `mixed` (6.1).
pub const TRIAGE_ROWS: [[[f64; 3]; 3]; 9] = [
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
/// Hourly baseline B[h] (3.1.2).
pub const BASELINE: [f64; 24] = [
    0.3, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.5, 1.3, 1.0, 0.9, 1.0, 1.1, 1.0, 0.9, 1.0, 1.3, 1.5, 1.2, 0.8, 0.6, 0.5, 0.4,
    0.3,
];

/// sustained_combat hour weights (3.6), evaluated in the written order.
pub fn sustained_combat_weights() -> [f64; 24] {
    let mut w = [0.0; 24];
    for (h, wh) in w.iter_mut().enumerate() {
        let b = BASELINE[h];
        *wh = match h {
            6..=9 | 16..=19 => b * 2.5,
            0 => b * 0.5 * 0.3 * 0.5,
            1..=5 | 22 | 23 => b * 0.5 * 0.3 * 0.7,
            _ => b * 0.5,
        };
    }
    w
}

/// An environmental condition (3.1.5).
pub struct EnvDef {
    pub name: &'static str,
    pub visibility: f64,
    pub delay_min: i64,
    pub disease_mult: f64,
    pub night_only: bool,
    /// NBI override codes.
    pub nbi_override: &'static [&'static str],
}

/// The environment table in canonical order.
pub const ENV: [EnvDef; 9] = [
    EnvDef { name: "rain", visibility: 0.8, delay_min: 15, disease_mult: 1.2, night_only: false, nbi_override: &[] },
    EnvDef { name: "fog", visibility: 0.5, delay_min: 30, disease_mult: 1.0, night_only: false, nbi_override: &[] },
    EnvDef { name: "storm", visibility: 0.3, delay_min: 90, disease_mult: 1.1, night_only: false, nbi_override: &[] },
    EnvDef {
        name: "extreme_heat",
        visibility: 1.0,
        delay_min: 0,
        disease_mult: 1.4,
        night_only: false,
        nbi_override: &["34095006"],
    },
    EnvDef {
        name: "extreme_cold",
        visibility: 0.9,
        delay_min: 10,
        disease_mult: 1.3,
        night_only: false,
        nbi_override: &["386689009", "370977006"],
    },
    EnvDef {
        name: "dust_storm",
        visibility: 0.4,
        delay_min: 45,
        disease_mult: 1.2,
        night_only: false,
        nbi_override: &[],
    },
    EnvDef {
        name: "night_operations",
        visibility: 0.6,
        delay_min: 20,
        disease_mult: 1.0,
        night_only: true,
        nbi_override: &[],
    },
    EnvDef {
        name: "mountainous_terrain",
        visibility: 0.9,
        delay_min: 60,
        disease_mult: 1.1,
        night_only: false,
        nbi_override: &["16114001", "44465007"],
    },
    EnvDef {
        name: "urban_debris",
        visibility: 0.8,
        delay_min: 40,
        disease_mult: 1.3,
        night_only: false,
        nbi_override: &["125665001"],
    },
];

/// Whether hour `h` is a night hour (20:00–05:59).
pub fn is_night(h: u32) -> bool {
    !(6..20).contains(&h)
}

/// Body-part site of a condition (6.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    Any,
    Limb,
    Head,
    Torso,
    Arm,
    Leg,
}

/// A catalogue condition (6.2): code, display, site, group, routing class.
pub struct CondDef {
    pub code: &'static str,
    pub display: &'static str,
    pub site: Site,
    pub group: &'static str,
    pub class: &'static str,
}

macro_rules! c {
    ($code:literal, $d:literal, $s:ident, $g:literal, $c:literal) => {
        CondDef { code: $code, display: $d, site: Site::$s, group: $g, class: $c }
    };
}

/// The condition catalogue of 6.2.
pub const CONDITIONS: [CondDef; 50] = [
    c!("262574004", "Bullet wound", Any, "HEM", ""),
    c!("125643001", "Open wound", Any, "HEM", ""),
    c!("262560006", "Penetrating wound", Any, "HEM", ""),
    c!("131148009", "Bleeding", Any, "HEM", ""),
    c!("262595009", "Traumatic amputation", Limb, "AMP", "amputation"),
    c!("125666000", "Burn", Any, "BURN", "burn"),
    c!("127295002", "Traumatic brain injury", Head, "HEAD", "tbi"),
    c!("125605004", "Fracture of bone", Any, "ORTHO", ""),
    c!("397181002", "Open fracture", Any, "ORTHO", ""),
    c!("125665001", "Crushing injury", Any, "ORTHO", ""),
    c!("312608009", "Laceration - injury", Any, "SOFT", ""),
    c!("424863004", "Blunt injury of abdomen", Torso, "ABD", ""),
    c!("31892009", "Hemothorax", Torso, "CHEST", ""),
    c!("271825005", "Respiratory distress", Torso, "CHEST", ""),
    c!("73595000", "Stress", Head, "PSY", "psych"),
    c!("44465007", "Sprain of ankle", Leg, "ORTHO", ""),
    c!("70704007", "Sprain of wrist", Arm, "ORTHO", ""),
    c!("16114001", "Fracture of ankle", Leg, "ORTHO", ""),
    c!("65966004", "Fracture of forearm", Arm, "ORTHO", ""),
    c!("33737001", "Fracture of rib", Torso, "ORTHO", ""),
    c!("58150001", "Fracture of clavicle", Arm, "ORTHO", ""),
    c!("15724005", "Fracture of vertebral column without spinal cord injury", Torso, "ORTHO", ""),
    c!("39848009", "Whiplash injury to neck", Head, "ORTHO", ""),
    c!("284549007", "Laceration of hand", Arm, "SOFT", ""),
    c!("283385000", "Laceration of thigh", Leg, "SOFT", ""),
    c!("370247008", "Facial laceration", Head, "SOFT", ""),
    c!("125667009", "Contusion", Any, "SOFT", ""),
    c!("403190006", "First degree burn", Any, "BURN", "burn"),
    c!("403191005", "Partial thickness burn", Any, "BURN", "burn"),
    c!("62106007", "Concussion with no loss of consciousness", Head, "HEAD", "tbi"),
    c!("34095006", "Dehydration", Torso, "ENV", ""),
    c!("386689009", "Hypothermia", Torso, "ENV", ""),
    c!("370977006", "Frostbite", Limb, "ENV", ""),
    c!("21522001", "Abdominal pain", Torso, "GI", ""),
    c!("23924001", "Tight chest", Torso, "CARDIORESP", ""),
    c!("267036007", "Dyspnea", Torso, "CARDIORESP", ""),
    c!("195662009", "Acute viral pharyngitis", Head, "VIRAL", ""),
    c!("43878008", "Streptococcal sore throat", Head, "INF", ""),
    c!("6142004", "Influenza", Torso, "VIRAL", ""),
    c!("10509002", "Acute bronchitis", Torso, "VIRAL", ""),
    c!("49727002", "Cough", Torso, "VIRAL", ""),
    c!("386661006", "Fever", Torso, "VIRAL", ""),
    c!("25064002", "Headache", Head, "VIRAL", ""),
    c!("25374005", "Gastroenteritis", Torso, "GI", ""),
    c!("62315008", "Diarrhea", Torso, "GI", ""),
    c!("16932000", "Nausea and vomiting", Torso, "GI", ""),
    c!("422400008", "Vomiting", Torso, "GI", ""),
    c!("68566005", "Urinary tract infectious disease", Torso, "INF", ""),
    c!("9826008", "Conjunctivitis", Head, "INF", ""),
    c!("29857009", "Chest pain", Torso, "CARDIORESP", ""),
];

/// The catalogue entry of a code.
pub fn cond(code: &str) -> Option<&'static CondDef> {
    CONDITIONS.iter().find(|c| c.code == code)
}

/// Hypothermia's code.
pub const HYPOTHERMIA: &str = "386689009";
/// Stress's code.
pub const STRESS: &str = "73595000";

/// BI injury patterns (6.3): code and weights for conventional, artillery, urban, ied, mixed.
pub const BI_PATTERNS: [(&str, [f64; 5]); 13] = [
    ("262574004", [0.25, 0.0, 0.30, 0.0, 0.20]),
    ("125643001", [0.20, 0.35, 0.15, 0.20, 0.18]),
    ("262560006", [0.15, 0.20, 0.25, 0.15, 0.16]),
    ("125605004", [0.12, 0.05, 0.08, 0.10, 0.12]),
    ("312608009", [0.10, 0.0, 0.10, 0.0, 0.10]),
    ("424863004", [0.06, 0.05, 0.0, 0.08, 0.06]),
    ("127295002", [0.05, 0.08, 0.05, 0.07, 0.05]),
    ("125666000", [0.04, 0.15, 0.0, 0.12, 0.04]),
    ("262595009", [0.03, 0.10, 0.0, 0.25, 0.06]),
    ("271825005", [0.0, 0.02, 0.0, 0.0, 0.0]),
    ("125665001", [0.0, 0.0, 0.04, 0.0, 0.0]),
    ("73595000", [0.0, 0.0, 0.03, 0.0, 0.03]),
    ("397181002", [0.0, 0.0, 0.0, 0.03, 0.0]),
];
/// Polytrauma rate per pattern.
pub const POLYTRAUMA: [f64; 5] = [0.40, 0.65, 0.45, 0.70, 0.50];

/// NBI pool (6.3).
pub const NBI_POOL: [(&str, f64); 21] = [
    ("44465007", 0.18),
    ("284549007", 0.10),
    ("125667009", 0.08),
    ("34095006", 0.07),
    ("16114001", 0.06),
    ("70704007", 0.05),
    ("65966004", 0.05),
    ("62106007", 0.05),
    ("403190006", 0.04),
    ("39848009", 0.04),
    ("21522001", 0.04),
    ("33737001", 0.03),
    ("58150001", 0.03),
    ("283385000", 0.03),
    ("370247008", 0.03),
    ("267036007", 0.03),
    ("403191005", 0.02),
    ("386689009", 0.02),
    ("370977006", 0.02),
    ("23924001", 0.02),
    ("15724005", 0.01),
];
/// Disease pool (6.3).
pub const DISEASE_POOL: [(&str, f64); 13] = [
    ("195662009", 0.16),
    ("25374005", 0.15),
    ("62315008", 0.10),
    ("73595000", 0.10),
    ("6142004", 0.08),
    ("43878008", 0.06),
    ("10509002", 0.06),
    ("386661006", 0.06),
    ("68566005", 0.06),
    ("49727002", 0.05),
    ("16932000", 0.05),
    ("9826008", 0.05),
    ("29857009", 0.02),
];
/// CBRN pool (6.3).
pub const CBRN_POOL: [(&str, f64); 8] = [
    ("16932000", 0.20),
    ("271825005", 0.20),
    ("267036007", 0.15),
    ("9826008", 0.15),
    ("49727002", 0.10),
    ("386661006", 0.10),
    ("422400008", 0.05),
    ("25064002", 0.05),
];
/// Polytrauma correlation lists (6.4).
pub const CORRELATED: [(&str, &[&str]); 5] = [
    ("125643001", &["262560006", "125666000", "127295002", "271825005"]),
    ("262595009", &["125605004", "424863004", "397181002", "125666000"]),
    ("262560006", &["131148009", "125605004", "31892009"]),
    ("127295002", &["125605004", "370247008", "125665001"]),
    ("262574004", &["262560006", "125605004", "131148009"]),
];

/// Body parts in the order of 6.6's `Any` rule.
pub const BODY_PARTS: [&str; 6] = ["Torso", "Head", "Left Arm", "Right Arm", "Left Leg", "Right Leg"];
/// `Any` site weights in that order.
pub const ANY_WEIGHTS: [f64; 6] = [0.30, 0.15, 0.125, 0.125, 0.15, 0.15];

/// Whether a body part is an arm or a leg.
pub fn is_limb(bp: &str) -> bool {
    matches!(bp, "Left Arm" | "Right Arm" | "Left Leg" | "Right Leg")
}

/// Whether a body part is allowed for a site.
pub fn site_allows(site: Site, bp: &str) -> bool {
    match site {
        Site::Any => BODY_PARTS.contains(&bp),
        Site::Limb => is_limb(bp),
        Site::Head => bp == "Head",
        Site::Torso => bp == "Torso",
        Site::Arm => bp == "Left Arm" || bp == "Right Arm",
        Site::Leg => bp == "Left Leg" || bp == "Right Leg",
    }
}

/// The procedure catalogue (6.7), P01 … P33.
pub const PROCEDURES: [(&str, &str); 33] = [
    ("20655006", "Application of tourniquet"),
    ("26906007", "Application of dressing, pressure"),
    ("3895009", "Application of dressing"),
    ("278414003", "Pain management"),
    ("79321009", "Application of splint"),
    ("274474001", "Bone immobilization"),
    ("281800008", "Intravenous fluid replacement"),
    ("116859006", "Transfusion of blood product"),
    ("387713003", "Surgical procedure"),
    ("74770008", "Exploratory laparotomy"),
    ("36777000", "Debridement"),
    ("264957007", "Insertion of pleural tube drain"),
    ("112798008", "Insertion of endotracheal tube"),
    ("40617009", "Artificial respiration"),
    ("57485005", "Oxygen therapy"),
    ("281789004", "Antibiotic therapy"),
    ("281790008", "Intravenous antibiotic therapy"),
    ("18629005", "Administration of drug or medicament"),
    ("288086009", "Suture open wound"),
    ("384700001", "Injection of tetanus antitoxin"),
    ("225358003", "Wound care"),
    ("133901003", "Burn care"),
    ("183450002", "Admission to burn unit"),
    ("305351004", "Admission to intensive care unit"),
    ("305425002", "Admission to neurosurgical department"),
    ("305428000", "Admission to orthopedic department"),
    ("25353009", "Craniotomy"),
    ("385691007", "Fracture care"),
    ("91251008", "Physical therapy procedure"),
    ("52052004", "Rehabilitation therapy"),
    ("47387005", "Head injury rehabilitation"),
    ("409063005", "Counseling"),
    ("183051005", "Recommendation to rest"),
];

/// Treatment protocols (6.8), restated: group, then the POI, Role1 … Role4 cells. Entry syntax:
/// `Pnn[L|To] [p | T1 a/b]`; the first entry of a cell has no probability; an entry without one
/// later in a cell is always applied (p = 1).
const PROTOCOL_TEXT: &str = "
HEM | P02 · P01L .7 · P04 .5 | P07 · P16 .6 · P03 .4 | P09 · P08 T1 1/.4 · P10To .5 | P11 · P17 .7 · P24 T1 .9/.2 | P21 · P30 .6
AMP | P01 · P02 · P04 .7 | P07 · P16 .8 | P08 · P11 · P09 .7 | P09 · P17 .7 · P24 T1 .8/.3 | P30 · P29 .8
BURN | P03 · P04 .6 | P07 · P22 .8 | P22 · P07 .8 · P11 .4 | P23 · P17 .5 · P24 T1 .8/.1 | P22 · P30 .5
HEAD | P03 · P15 .3 | P15 · P13 T1 .5/0 | P18 · P15 .5 · P13 T1 .3/0 | P25 · P27 T1 .5/.1 · P24 T1 .9/.3 | P31
ORTHO | P05L · P04 .7 · P03 .3 | P06 · P04 .5 | P28 · P09 .4 · P11 .2 | P26 · P09 .5 | P29 · P30 .4
CHEST | P03 · P15 .3 | P15 · P12 .6 | P12 · P08 T1 .6/.2 · P09 .3 | P24 · P14 T1 .6/.1 | P30
ABD | P04 · P03 .3 | P07 · P04 .5 | P10 · P08 T1 .8/.3 | P09 · P24 T1 .8/.2 · P17 .5 | P30
SOFT | P03 · P04 .3 | P19 · P20 .3 | P21 · P16 .3 | P21 · P11 .3 | P21
ENV | P33 | P07 · P18 .4 | P07 · P18 .5 | P18 · P24 T1 .8/.2 | P30
INF | P33 | P16 · P18 .5 | P17 | P17 · P24 T1 .5/0 | P33
VIRAL | P33 | P18 | P18 · P15 .4 · P07 .3 | P15 · P24 T1 .6/.05 · P14 T1 .3/0 | P33
GI | P33 | P07 · P18 .6 | P07 · P18 .5 | P07 · P24 T1 .5/0 | P33
CARDIORESP | P33 · P15 .4 | P15 · P18 .6 | P15 · P18 .5 | P15 · P24 T1 .7/.1 · P14 T1 .3/0 | P33
PSY | P32 | P32 · P33 .6 | P32 · P18 .3 | P32 · P18 .5 | P32 · P30 .3
";

/// Entry qualifier (6.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qual {
    None,
    Limb,
    Torso,
}

/// One protocol entry.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Index into [`PROCEDURES`].
    pub proc_index: usize,
    pub qual: Qual,
    /// Probability for T1 and for T2/T3 (equal unless the cell reads `T1 a / b`).
    pub p_t1: f64,
    pub p_other: f64,
    /// Whether the cell reads `T1 a / b`.
    pub by_t1: bool,
}

impl Entry {
    /// The procedure code.
    pub fn code(&self) -> &'static str {
        PROCEDURES[self.proc_index].0
    }
    /// Whether the entry is eligible for a body part.
    pub fn eligible(&self, body_part: &str) -> bool {
        match self.qual {
            Qual::None => true,
            Qual::Limb => is_limb(body_part),
            Qual::Torso => body_part == "Torso",
        }
    }
    /// The probability for a triage.
    pub fn p(&self, triage: &str) -> f64 {
        if triage == "T1" {
            self.p_t1
        } else {
            self.p_other
        }
    }
}

/// The parsed protocol table: group → 5 cells of entries.
pub fn protocols() -> BTreeMap<&'static str, Vec<Vec<Entry>>> {
    let mut out = BTreeMap::new();
    for line in PROTOCOL_TEXT.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut cols = line.split('|').map(str::trim);
        let group = cols.next().unwrap();
        let mut cells = Vec::new();
        for cell in cols {
            let mut entries = Vec::new();
            for e in cell.split('·').map(str::trim) {
                let toks: Vec<&str> = e.split_whitespace().collect();
                let t0 = toks[0];
                let (qual, pref) = if let Some(p) = t0.strip_suffix("To") {
                    (Qual::Torso, p)
                } else if let Some(p) = t0.strip_suffix('L') {
                    (Qual::Limb, p)
                } else {
                    (Qual::None, t0)
                };
                let proc_index: usize = pref[1..].parse::<usize>().unwrap() - 1;
                let (p_t1, p_other, by_t1) = match toks.len() {
                    1 => (1.0, 1.0, false),
                    2 => {
                        let p: f64 = toks[1].parse().unwrap();
                        (p, p, false)
                    }
                    3 => {
                        assert_eq!(toks[1], "T1");
                        let (a, b) = toks[2].split_once('/').unwrap();
                        (a.parse().unwrap(), b.parse().unwrap(), true)
                    }
                    _ => panic!("bad protocol entry {e}"),
                };
                entries.push(Entry { proc_index, qual, p_t1, p_other, by_t1 });
            }
            cells.push(entries);
        }
        assert_eq!(cells.len(), 5, "{group}");
        out.insert(group, cells);
    }
    assert_eq!(out.len(), 14);
    out
}

/// A vital sign (6.9).
pub struct Vital {
    pub code: &'static str,
    pub display: &'static str,
    pub unit: &'static str,
    pub mu0: f64,
    pub delta: [f64; 3],
    pub sigma: [f64; 3],
    pub lo: f64,
    pub hi: f64,
    /// Rounding unit (1 or 0.1).
    pub unit_round: f64,
}

/// The vital signs in output order. Body temperature's Δ is per injury class (see [`temp_delta`]).
pub const VITALS: [Vital; 5] = [
    Vital {
        code: "8867-4",
        display: "Heart rate",
        unit: "/min",
        mu0: 75.0,
        delta: [45.0, 20.0, 5.0],
        sigma: [15.0, 12.0, 10.0],
        lo: 30.0,
        hi: 200.0,
        unit_round: 1.0,
    },
    Vital {
        code: "8480-6",
        display: "Systolic blood pressure",
        unit: "mm[Hg]",
        mu0: 122.0,
        delta: [-37.0, -12.0, 0.0],
        sigma: [15.0, 12.0, 10.0],
        lo: 50.0,
        hi: 200.0,
        unit_round: 1.0,
    },
    Vital {
        code: "9279-1",
        display: "Respiratory rate",
        unit: "/min",
        mu0: 15.0,
        delta: [13.0, 5.0, 1.0],
        sigma: [5.0, 3.0, 2.0],
        lo: 6.0,
        hi: 50.0,
        unit_round: 1.0,
    },
    Vital {
        code: "59408-5",
        display: "Oxygen saturation in Arterial blood by Pulse oximetry",
        unit: "%",
        mu0: 98.0,
        delta: [-11.0, -4.0, -1.0],
        sigma: [4.0, 2.0, 1.0],
        lo: 60.0,
        hi: 100.0,
        unit_round: 1.0,
    },
    Vital {
        code: "8310-5",
        display: "Body temperature",
        unit: "Cel",
        mu0: 36.9,
        delta: [0.0, 0.0, 0.0],
        sigma: [0.4, 0.4, 0.4],
        lo: 33.0,
        hi: 41.5,
        unit_round: 0.1,
    },
];

/// Body temperature Δ: class 0 = BI/NBI, 1 = Disease, 2 = primary Hypothermia.
pub fn temp_delta(class: usize, triage: usize) -> f64 {
    match class {
        0 => [-0.8, -0.3, 0.0][triage],
        1 => [1.6, 1.0, 0.4][triage],
        _ => -3.0,
    }
}

/// Stay ranges in tenths per facility level and triage (5.1).
pub const STAY: [[(i64, i64); 3]; 5] = [
    [(5, 15), (20, 50), (30, 80)],
    [(10, 30), (80, 160), (120, 160)],
    [(10, 30), (50, 120), (80, 120)],
    [(20, 60), (40, 120), (60, 120)],
    [(60, 120), (120, 240), (120, 240)],
];
/// Classic transit ranges in tenths from level L to L+1 (5.1).
pub const TRANSIT: [[(i64, i64); 3]; 4] = [
    [(5, 20), (10, 30), (15, 30)],
    [(10, 30), (20, 40), (30, 50)],
    [(20, 40), (30, 50), (40, 60)],
    [(10, 30), (20, 40), (30, 50)],
];
/// Classic base rates KIA / RTD per level (5.2).
pub const CLASSIC_KIA: [f64; 5] = [0.20, 0.08, 0.06, 0.04, 0.02];
pub const CLASSIC_RTD: [f64; 5] = [0.30, 0.25, 0.35, 0.45, 0.0];
pub const KIA_MOD: [f64; 3] = [1.5, 1.0, 0.5];
pub const RTD_MOD: [f64; 3] = [0.8, 1.0, 1.2];

/// Analytic classic outcome shares for a triage (5.3): ([KIA, DOW, RTD], last facility shares).
pub fn classic_expected(t: usize) -> ([f64; 3], [f64; 5]) {
    let mut out = [0.0; 3];
    let mut last = [0.0; 5];
    let mut alive = 1.0;
    for l in 0..5 {
        let k = (CLASSIC_KIA[l] * KIA_MOD[t]).min(1.0);
        let r = (CLASSIC_RTD[l] * RTD_MOD[t]).min(1.0);
        let death = if l == 0 { 0 } else { 1 };
        out[death] += alive * k;
        last[l] += alive * k;
        alive *= 1.0 - k;
        if l == 4 {
            out[2] += alive;
            last[l] += alive;
            break;
        }
        out[2] += alive * r;
        last[l] += alive * r;
        alive *= 1.0 - r;
        let kt = 0.3 * k;
        out[death] += alive * kt;
        last[l] += alive * kt;
        alive *= 1.0 - kt;
    }
    (out, last)
}

/// Markov base rows (5.5): per level, per triage, (target, weight); targets are facility names,
/// `KIA` or `RTD`.
pub fn markov_row(level: usize, t: usize) -> &'static [(&'static str, f64)] {
    const R: [[&[(&str, f64)]; 3]; 5] = [
        [
            &[("Role1", 0.85), ("Role2", 0.03), ("Role3", 0.02), ("KIA", 0.10)],
            &[("Role1", 0.92), ("Role2", 0.02), ("Role3", 0.01), ("KIA", 0.05)],
            &[("Role1", 0.96), ("Role2", 0.01), ("Role3", 0.01), ("KIA", 0.02)],
        ],
        [
            &[("Role2", 0.75), ("Role3", 0.15), ("KIA", 0.08), ("RTD", 0.02)],
            &[("Role2", 0.50), ("Role3", 0.20), ("RTD", 0.25), ("KIA", 0.05)],
            &[("Role2", 0.20), ("Role3", 0.10), ("RTD", 0.68), ("KIA", 0.02)],
        ],
        [
            &[("Role3", 0.60), ("Role4", 0.20), ("KIA", 0.05), ("RTD", 0.15)],
            &[("Role3", 0.40), ("Role4", 0.20), ("RTD", 0.38), ("KIA", 0.02)],
            &[("Role3", 0.20), ("Role4", 0.10), ("RTD", 0.69), ("KIA", 0.01)],
        ],
        [
            &[("Role4", 0.70), ("RTD", 0.25), ("KIA", 0.05)],
            &[("Role4", 0.40), ("RTD", 0.58), ("KIA", 0.02)],
            &[("Role4", 0.15), ("RTD", 0.84), ("KIA", 0.01)],
        ],
        [&[("RTD", 0.95), ("KIA", 0.05)], &[("RTD", 0.98), ("KIA", 0.02)], &[("RTD", 0.99), ("KIA", 0.01)]],
    ];
    R[level][t]
}

/// Expected Markov outcomes [KIA, DOW, RTD] without adjustments (5.5).
pub fn markov_expected(t: usize) -> [f64; 3] {
    fn walk(level: usize, t: usize, mass: f64, out: &mut [f64; 3]) {
        let row = markov_row(level, t);
        let sum: f64 = row.iter().map(|r| r.1).sum();
        for &(target, w) in row {
            let p = mass * w / sum;
            match target {
                "KIA" => out[if level == 0 { 0 } else { 1 }] += p,
                "RTD" => out[2] += p,
                f => walk(idx(&FACILITIES, f).unwrap(), t, p, out),
            }
        }
    }
    let mut out = [0.0; 3];
    walk(0, t, 1.0, &mut out);
    out
}

/// Nations (7.1) with religion profile index (CATH, LUTH, SECU, ORTH, ISLM, ANGLO).
pub const NATIONS: [(&str, usize); 34] = [
    ("ALB", 4),
    ("BEL", 0),
    ("BGR", 3),
    ("CAN", 5),
    ("HRV", 0),
    ("CZE", 2),
    ("DNK", 1),
    ("EST", 2),
    ("FIN", 1),
    ("FRA", 0),
    ("DEU", 5),
    ("GRC", 3),
    ("HUN", 0),
    ("ISL", 1),
    ("ITA", 0),
    ("LVA", 2),
    ("LTU", 0),
    ("LUX", 0),
    ("MNE", 3),
    ("NLD", 2),
    ("MKD", 3),
    ("NOR", 1),
    ("POL", 0),
    ("PRT", 0),
    ("ROU", 3),
    ("SVK", 0),
    ("SVN", 0),
    ("ESP", 0),
    ("SWE", 1),
    ("TUR", 4),
    ("GBR", 5),
    ("USA", 5),
    ("AUS", 5),
    ("NZL", 5),
];
/// Profile names.
pub const PROFILES: [&str; 6] = ["CATH", "LUTH", "SECU", "ORTH", "ISLM", "ANGLO"];
/// Religion codes in table order (7.6), then "none".
pub const RELIGION_CODES: [&str; 13] =
    ["1041", "1028", "1068", "1077", "1005", "1009", "1073", "1013", "1023", "1026", "1004", "1007", "none"];
/// Religion profile weights, per profile, in [`RELIGION_CODES`] order.
pub const RELIGION_WEIGHTS: [[f64; 13]; 6] = [
    [0.62, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.06, 0.0, 0.0, 0.05, 0.07, 0.20],
    [0.0, 0.50, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.0, 0.08, 0.12, 0.25],
    [0.12, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.0, 0.15, 0.28, 0.35],
    [0.03, 0.0, 0.72, 0.0, 0.0, 0.0, 0.0, 0.0, 0.06, 0.0, 0.0, 0.04, 0.15],
    [0.04, 0.0, 0.03, 0.0, 0.0, 0.0, 0.0, 0.0, 0.75, 0.0, 0.0, 0.04, 0.14],
    [0.22, 0.0, 0.0, 0.18, 0.06, 0.05, 0.03, 0.12, 0.02, 0.01, 0.08, 0.08, 0.15],
];
/// Religion profile of a nation.
pub fn profile_of(nation: &str) -> Option<usize> {
    NATIONS.iter().find(|n| n.0 == nation).map(|n| n.1)
}

/// Age bands (7.3): (lo, hi, share).
pub const AGE_BANDS: [(i64, i64, f64); 7] =
    [(18, 19, 0.08), (20, 24, 0.30), (25, 29, 0.24), (30, 34, 0.15), (35, 39, 0.10), (40, 44, 0.08), (45, 50, 0.05)];
/// Blood types (7.5).
pub const BLOOD: [(&str, f64); 8] = [
    ("O+", 0.374),
    ("A+", 0.357),
    ("B+", 0.085),
    ("AB+", 0.034),
    ("O-", 0.066),
    ("A-", 0.063),
    ("B-", 0.015),
    ("AB-", 0.006),
];
/// STANAG ranks (7.7).
pub const RANKS: [&str; 14] =
    ["OR-1", "OR-2", "OR-3", "OR-4", "OR-5", "OR-6", "OR-7", "OR-8", "OR-9", "OF-1", "OF-2", "OF-3", "OF-4", "OF-5"];
/// Minimum ages per rank.
pub const RANK_MIN_AGE: [i64; 14] = [18, 18, 18, 20, 22, 26, 30, 34, 38, 21, 24, 30, 36, 40];
/// Services (7.7).
pub const SERVICES: [&str; 4] = ["Army", "Navy", "Air Force", "Marines"];

/// Largest-remainder allocation `LR(n, w)` (3.2).
pub fn lr(n: u64, w: &[f64]) -> Vec<u64> {
    let mut total = 0.0;
    for x in w {
        total += *x;
    }
    let q: Vec<f64> = w.iter().map(|x| n as f64 * (x / total)).collect();
    let mut b: Vec<u64> = q.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = b.iter().sum();
    let rest = n - assigned;
    let mut order: Vec<usize> = (0..w.len()).filter(|&j| w[j] > 0.0).collect();
    order.sort_by(|&i, &j| {
        let fi = q[i] - b[i] as f64;
        let fj = q[j] - b[j] as f64;
        fj.partial_cmp(&fi).unwrap().then(w[j].partial_cmp(&w[i]).unwrap()).then(i.cmp(&j))
    });
    for &j in order.iter().take(rest as usize) {
        b[j] += 1;
    }
    b
}

// ---------------------------------------------------------------------------------------------
// Failure collection and statistics
// ---------------------------------------------------------------------------------------------

/// Collects failures by kind (a few examples each) and the statistical tests run.
#[derive(Default)]
pub struct Report {
    pub failures: BTreeMap<String, (u64, Vec<String>)>,
    pub tests: u64,
    pub log: Vec<String>,
    pub verbose: bool,
}

impl Report {
    /// Records a failure of kind `kind`.
    pub fn fail(&mut self, kind: &str, msg: String) {
        let e = self.failures.entry(kind.to_string()).or_default();
        e.0 += 1;
        if e.1.len() < 3 {
            e.1.push(msg);
        }
    }

    /// Records an exact check.
    pub fn check(&mut self, ok: bool, kind: &str, msg: impl FnOnce() -> String) {
        if !ok {
            self.fail(kind, msg());
        }
    }

    /// Prints a summary and panics when anything failed.
    pub fn finish(self, title: &str) {
        if self.verbose {
            for l in &self.log {
                println!("{title}: {l}");
            }
        }
        let total: u64 = self.failures.values().map(|v| v.0).sum();
        println!(
            "{title}: {} statistical tests, {} failure kinds, {} failures",
            self.tests,
            self.failures.len(),
            total
        );
        let mut text = String::new();
        for (k, (n, ex)) in &self.failures {
            text.push_str(&format!("  [{n}x] {k}\n"));
            for e in ex {
                text.push_str(&format!("      e.g. {e}\n"));
            }
        }
        if !self.failures.is_empty() {
            println!("{text}");
            panic!("{title}: {} kinds of failure:\n{text}", self.failures.len());
        }
    }

    /// Chi-square goodness of fit at α = 1e-6 with the cell merging of §12. `cells` = (label,
    /// probability weight, observed). Observations in a zero-probability cell fail exactly.
    pub fn chi_square(&mut self, name: &str, cells: &[(String, f64, u64)]) {
        let n: u64 = cells.iter().map(|c| c.2).sum();
        let wsum: f64 = cells.iter().map(|c| c.1).sum();
        for c in cells {
            if c.1 == 0.0 && c.2 > 0 {
                self.fail(&format!("{name}: impossible category"), format!("{}: {} observed", c.0, c.2));
            }
        }
        let mut merged: Vec<(String, f64, f64)> =
            cells.iter().filter(|c| c.1 > 0.0).map(|c| (c.0.clone(), n as f64 * c.1 / wsum, c.2 as f64)).collect();
        if n == 0 {
            return;
        }
        loop {
            if merged.len() <= 1 {
                break;
            }
            let (mut mi, mut me) = (0, f64::INFINITY);
            for (i, c) in merged.iter().enumerate() {
                if c.1 < me {
                    me = c.1;
                    mi = i;
                }
            }
            if me >= 5.0 {
                break;
            }
            let target = if mi == 0 {
                1
            } else if mi == merged.len() - 1 || merged[mi - 1].1 <= merged[mi + 1].1 {
                mi - 1
            } else {
                mi + 1
            };
            let c = merged.remove(mi);
            let t = if target > mi { target - 1 } else { target };
            merged[t].0 = format!("{}+{}", merged[t].0, c.0);
            merged[t].1 += c.1;
            merged[t].2 += c.2;
        }
        if merged.len() <= 1 {
            self.log.push(format!("{name}: skipped (one cell after merging, n = {n})"));
            return;
        }
        let df = merged.len() - 1;
        let stat: f64 = merged.iter().map(|c| (c.2 - c.1) * (c.2 - c.1) / c.1).sum();
        let crit = chi2_critical(df as f64);
        self.tests += 1;
        self.log.push(format!("{name}: chi2 = {stat:.2} df {df} crit {crit:.2} n = {n}"));
        if !(stat <= crit) {
            let detail: Vec<String> = merged.iter().map(|c| format!("{} obs {} exp {:.1}", c.0, c.2, c.1)).collect();
            self.fail(
                &format!("{name}: chi-square"),
                format!("chi2 = {stat:.2} > {crit:.2} (df {df}, n = {n}): {}", detail.join("; ")),
            );
        }
    }

    /// A share within 4.9σ.
    pub fn share(&mut self, name: &str, p: f64, hits: u64, n: u64) {
        if n == 0 {
            return;
        }
        self.tests += 1;
        let obs = hits as f64 / n as f64;
        let tol = 4.9 * (p * (1.0 - p) / n as f64).sqrt();
        self.log.push(format!("{name}: {obs:.4} vs {p:.4} ± {tol:.4} (n = {n})"));
        if !((obs - p).abs() <= tol) {
            self.fail(&format!("{name}: share"), format!("observed {obs:.5} ({hits}/{n}), expected {p:.5} ± {tol:.5}"));
        }
    }

    /// A mean within 4.9σ/√n + `slack`.
    pub fn mean(&mut self, name: &str, expected: f64, sd: f64, sum: f64, n: u64, slack: f64) {
        if n == 0 {
            return;
        }
        self.tests += 1;
        let obs = sum / n as f64;
        let tol = 4.9 * sd / (n as f64).sqrt() + slack;
        self.log.push(format!("{name}: mean {obs:.4} vs {expected:.4} ± {tol:.4} (n = {n})"));
        if !((obs - expected).abs() <= tol) {
            self.fail(
                &format!("{name}: mean"),
                format!("observed {obs:.5}, expected {expected:.5} ± {tol:.5} (n = {n})"),
            );
        }
    }
}

/// ln Γ(x) for x > 0.
fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// Regularised upper incomplete gamma Q(a, x).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let lnpre = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x).
        let mut sum = 1.0 / a;
        let mut term = sum;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * lnpre.exp()
    } else {
        // Continued fraction (modified Lentz) for Q(a, x).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        lnpre.exp() * h
    }
}

/// The chi-square critical value at α = 1e-6 for `df` degrees of freedom.
pub fn chi2_critical(df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 10_000.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if gamma_q(df / 2.0, mid / 2.0) > 1e-6 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Standard normal density and distribution function.
pub fn phi(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}
pub fn big_phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Mean and standard deviation of N(μ, σ) truncated to [lo, hi].
pub fn truncnormal_moments(mu: f64, sigma: f64, lo: f64, hi: f64) -> (f64, f64) {
    let a = (lo - mu) / sigma;
    let b = (hi - mu) / sigma;
    let z = big_phi(b) - big_phi(a);
    let m = mu + sigma * (phi(a) - phi(b)) / z;
    let var = sigma * sigma * (1.0 + (a * phi(a) - b * phi(b)) / z - ((phi(a) - phi(b)) / z).powi(2));
    (m, var.max(0.0).sqrt())
}

// ---------------------------------------------------------------------------------------------
// Exact per-record checks (12.1 items 6–10 at record level, 5.4, 5.7, 6, 7)
// ---------------------------------------------------------------------------------------------

/// What the per-record checks need to know about the configuration.
pub struct Ctx {
    pub base: (i64, i64, i64),
    pub base_day: i64,
    pub days: u32,
    pub markov: bool,
    pub env: [bool; 9],
    pub types: [bool; 8],
    pub special: [bool; 3],
    /// Front name → nation codes.
    pub fronts: Vec<(String, Vec<String>)>,
    pub religion: bool,
    pub military: bool,
    pub protocols: BTreeMap<&'static str, Vec<Vec<Entry>>>,
}

impl Ctx {
    /// From a resolved configuration.
    pub fn new(res: &Resolved) -> Ctx {
        let (y, m, d) = res.base_date.ymd();
        let base = (y as i64, m as i64, d as i64);
        Ctx {
            base,
            base_day: days_from_civil(base.0, base.1, base.2),
            days: res.days_of_fighting,
            markov: res.flow_model == patientgen::vocab::FlowModel::Markov,
            env: res.environmental_conditions,
            types: res.warfare_types,
            special: res.special_events,
            fronts: res
                .fronts
                .iter()
                .map(|f| (f.name.clone(), f.nations.iter().map(|n| n.0.as_str().to_string()).collect()))
                .collect(),
            religion: res.demographics.religion,
            military: res.demographics.military,
            protocols: protocols(),
        }
    }

    /// Active conditions at hour `h` (canonical order).
    pub fn active_env(&self, h: u32) -> Vec<usize> {
        (0..9).filter(|&c| self.env[c] && (!ENV[c].night_only || is_night(h))).collect()
    }
}

/// Derived facts of a record that the statistics reuse.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub injury_ts: i64,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub triage: usize,
    pub injury: usize,
    /// Scenario index into WARFARE_NAMES, 8 = mixed.
    pub scenario: usize,
    pub night: bool,
    pub poi_extra_max: i64,
    pub event: Option<EventIdParts>,
}

/// Runs every exact per-record check; returns derived facts (None when the record is unusable).
pub fn check_record(r: &Record, ctx: &Ctx, rep: &mut Report) -> Option<Facts> {
    let id = r.id;
    let mut fx = Facts::default();
    let Some(inj) = parse_ts(&r.injury_time) else {
        rep.fail("injury_time: not an RFC 3339 UTC timestamp", format!("id {id}: {}", r.injury_time));
        return None;
    };
    fx.injury_ts = inj;
    let sod = inj.rem_euclid(86_400);
    fx.hour = (sod / 3600) as u32;
    fx.minute = ((sod % 3600) / 60) as u32;
    fx.second = (sod % 60) as u32;
    fx.night = is_night(fx.hour);

    // Day.
    match r.day.strip_prefix("Day ").and_then(num) {
        Some(d) if d >= 1 && d <= ctx.days as i64 => {
            fx.day = d as u32;
            rep.check(inj.div_euclid(86_400) == ctx.base_day + d - 1, "day: does not match injury_time date", || {
                format!("id {id}: {} vs {}", r.day, r.injury_time)
            });
        }
        _ => rep.fail("day: not `Day <d>` within the scenario", format!("id {id}: {}", r.day)),
    }

    // Triage / injury type / scenario vocabularies.
    let Some(t) = idx(&TRIAGES, &r.triage_category) else {
        rep.fail("triage_category: invalid", format!("id {id}: {}", r.triage_category));
        return None;
    };
    fx.triage = t;
    let Some(it) = idx(&INJURY_TYPES, &r.injury_type) else {
        rep.fail("injury_type: invalid", format!("id {id}: {}", r.injury_type));
        return None;
    };
    fx.injury = it;
    let scen = if r.scenario == "mixed" { Some(8) } else { idx(&WARFARE_NAMES, &r.scenario) };
    let Some(sc) = scen else {
        rep.fail("scenario: invalid", format!("id {id}: {}", r.scenario));
        return None;
    };
    fx.scenario = sc;
    if sc < 8 {
        rep.check(ctx.types[sc], "scenario: warfare type not enabled", || format!("id {id}: {}", r.scenario));
    }

    // Event id (12.1 item 7, record level).
    match parse_event_id(&r.event_id) {
        None => rep.fail("event_id: does not parse", format!("id {id}: {}", r.event_id)),
        Some(e) => {
            let label_ok = match e.prefix {
                "SE" => sc == 8 && ctx.special[idx(&SPECIAL_KINDS, &e.label).unwrap()],
                _ => e.label == r.scenario,
            };
            rep.check(label_ok, "event_id: label does not match scenario / enabled special events", || {
                format!("id {id}: {} scenario {}", r.event_id, r.scenario)
            });
            rep.check(e.day == fx.day, "event_id: day differs from record day", || {
                format!("id {id}: {} {}", r.event_id, r.day)
            });
            rep.check(e.hour == fx.hour && e.minute == fx.minute, "event_id: hhmm differs from injury_time", || {
                format!("id {id}: {} {}", r.event_id, r.injury_time)
            });
            if e.prefix != "IND" {
                rep.check(fx.second == 0 && e.seq == 0, "event_id: MC/SE event not at hh:mm:00 or seq != 0", || {
                    format!("id {id}: {} {}", r.event_id, r.injury_time)
                });
            }
            let mc = e.prefix != "IND";
            rep.check(r.mass_casualty == if mc { Some(true) } else { None }, "mass_casualty: wrong presence", || {
                format!("id {id}: {} mass_casualty {:?}", r.event_id, r.mass_casualty)
            });
            fx.event = Some(e);
        }
    }

    // Environment (12.1 item 8, last clause).
    let active = ctx.active_env(fx.hour);
    let expected_env: Vec<&str> = active.iter().map(|&c| ENV[c].name).collect();
    let got: Vec<&str> = r.environmental_conditions.iter().flatten().map(String::as_str).collect();
    rep.check(
        r.environmental_conditions.as_ref().is_none_or(|v| !v.is_empty()),
        "environmental_conditions: empty list written",
        || format!("id {id}"),
    );
    rep.check(got == expected_env, "environmental_conditions: not the conditions active at the injury hour", || {
        format!("id {id} at {}: {:?}, expected {:?}", r.injury_time, got, expected_env)
    });
    let delay: i64 = active.iter().map(|&c| ENV[c].delay_min).sum();
    fx.poi_extra_max = delay / 6;

    // Front, nationality, gender, demographics.
    match ctx.fronts.iter().find(|f| f.0 == r.front) {
        None => rep.fail("front: unknown front name", format!("id {id}: {}", r.front)),
        Some(f) => rep.check(f.1.contains(&r.nationality), "nationality: not a nation of the front", || {
            format!("id {id}: {} on {}", r.nationality, r.front)
        }),
    }
    check_demographics(r, ctx, rep);

    check_conditions(r, &fx, rep);
    check_timeline(r, ctx, &fx, rep);
    check_treatments(r, ctx, &fx, rep);
    Some(fx)
}

fn check_demographics(r: &Record, ctx: &Ctx, rep: &mut Report) {
    let id = r.id;
    let d = &r.demographics;
    rep.check(r.gender == "male" || r.gender == "female", "gender: invalid", || format!("id {id}: {}", r.gender));
    rep.check(d.gender == r.gender, "demographics.gender differs from gender", || format!("id {id}"));
    rep.check(d.nationality == r.nationality, "demographics.nationality differs from nationality", || {
        format!("id {id}")
    });
    rep.check(!d.family_name.trim().is_empty() && !d.given_name.trim().is_empty(), "names: empty", || {
        format!("id {id}: {:?} {:?}", d.given_name, d.family_name)
    });
    rep.check(!d.id_number.is_empty(), "id_number: empty", || format!("id {id}"));
    match parse_date(&d.birthdate) {
        None => rep.fail("birthdate: not a valid YYYY-MM-DD date", format!("id {id}: {}", d.birthdate)),
        Some(b) => {
            let age = age_at(b, ctx.base);
            rep.check((18..=50).contains(&age), "age at base_date: outside 18–50", || {
                format!("id {id}: born {} → {age}", d.birthdate)
            });
            if let Some(rank) = &d.rank {
                if let Some(k) = idx(&RANKS, rank) {
                    rep.check(age >= RANK_MIN_AGE[k], "rank: below its minimum age", || {
                        format!("id {id}: {rank} at {age}")
                    });
                }
            }
        }
    }
    let (lo, hi) = if r.gender == "female" { (45.0, 110.0) } else { (55.0, 130.0) };
    rep.check(d.weight >= lo && d.weight <= hi, "weight: outside the gender's bounds", || {
        format!("id {id}: {} {}", r.gender, d.weight)
    });
    rep.check(tenths(d.weight).is_some(), "weight: not a multiple of 0.1", || format!("id {id}: {}", d.weight));
    rep.check(BLOOD.iter().any(|b| b.0 == d.blood_type), "blood_type: invalid", || {
        format!("id {id}: {}", d.blood_type)
    });
    match (&d.religion, ctx.religion) {
        (Some(code), true) => {
            let ok = profile_of(&r.nationality).is_some_and(|p| {
                RELIGION_CODES.iter().position(|c| c == code).is_some_and(|k| k < 12 && RELIGION_WEIGHTS[p][k] > 0.0)
            });
            rep.check(ok, "religion: code not in the nation's profile (7.6)", || {
                format!("id {id}: {} {code}", r.nationality)
            });
        }
        (Some(code), false) => rep.fail("religion: present although disabled", format!("id {id}: {code}")),
        _ => {}
    }
    rep.check(profile_of(&r.nationality).is_some(), "nationality: not one of the 34 nations", || {
        format!("id {id}: {}", r.nationality)
    });
    if ctx.military {
        rep.check(d.rank.as_deref().is_some_and(|x| RANKS.contains(&x)), "rank: missing or invalid", || {
            format!("id {id}: {:?}", d.rank)
        });
        rep.check(d.service.as_deref().is_some_and(|x| SERVICES.contains(&x)), "service: missing or invalid", || {
            format!("id {id}: {:?}", d.service)
        });
    } else {
        rep.check(d.rank.is_none() && d.service.is_none(), "rank/service: present without military", || {
            format!("id {id}")
        });
    }
}

fn check_conditions(r: &Record, fx: &Facts, rep: &mut Report) {
    let id = r.id;
    if r.conditions.is_empty() || r.conditions.len() > 4 {
        rep.fail("conditions: count not 1–4", format!("id {id}: {}", r.conditions.len()));
        return;
    }
    for c in &r.conditions {
        match cond(&c.code) {
            None => rep.fail("conditions: code not in the catalogue of 6.2", format!("id {id}: {}", c.code)),
            Some(d) => rep.check(d.display == c.name, "conditions: name differs from the catalogue display", || {
                format!("id {id}: {} {:?}", c.code, c.name)
            }),
        }
    }
    let primary = &r.conditions[0];
    let expected_sev: &[&str] = match fx.triage {
        0 => &["Severe"],
        1 => &["Moderate", "Moderate to severe"],
        _ => &["Mild to moderate"],
    };
    let sev_ok = primary.severity.as_deref().is_some_and(|s| expected_sev.contains(&s));
    rep.check(sev_ok, "conditions: primary severity text does not follow triage (A9)", || {
        format!("id {id}: {} {:?}", r.triage_category, primary.severity)
    });
    rep.check(r.conditions[1..].iter().all(|c| c.severity.is_none()), "conditions: severity on a secondary", || {
        format!("id {id}")
    });
    let base = match primary.severity.as_deref() {
        Some("Mild") => 1,
        Some("Mild to moderate") => 2,
        Some("Moderate") => 4,
        Some("Moderate to severe") => 6,
        Some("Severe") => 8,
        _ => 0,
    };
    let nsec = r.conditions.len() as i64 - 1;
    rep.check(r.severity == base + nsec.min(2), "severity: not base + min(2, secondaries) (6.5)", || {
        format!("id {id}: {} with {:?} and {nsec} secondaries", r.severity, primary.severity)
    });
    // Primary pool.
    let pattern = PATTERN_OF[fx.scenario];
    let pool_ok = match fx.injury {
        0 => BI_PATTERNS.iter().any(|(c, w)| *c == primary.code && w[pattern] > 0.0),
        1 => {
            NBI_POOL.iter().any(|(c, _)| *c == primary.code)
                || r.environmental_conditions
                    .iter()
                    .flatten()
                    .any(|e| ENV.iter().any(|d| d.name == e && d.nbi_override.contains(&primary.code.as_str())))
        }
        _ => {
            if fx.scenario == 6 {
                CBRN_POOL.iter().any(|(c, _)| *c == primary.code)
            } else {
                DISEASE_POOL.iter().any(|(c, _)| *c == primary.code)
            }
        }
    };
    rep.check(pool_ok, "conditions: primary not in the pool of its injury type / scenario (6.3)", || {
        format!("id {id}: {} {} {}", r.injury_type, r.scenario, primary.code)
    });
    // Secondaries.
    if nsec > 0 {
        if fx.injury != 0 {
            rep.fail("conditions: secondaries for a non-BI patient", format!("id {id}: {}", r.injury_type));
        } else {
            let list = CORRELATED.iter().find(|c| c.0 == primary.code).map(|c| c.1);
            for (k, s) in r.conditions[1..].iter().enumerate() {
                let allowed = match list {
                    Some(l) => l.contains(&s.code.as_str()),
                    None => {
                        s.code != primary.code
                            && s.code != STRESS
                            && BI_PATTERNS.iter().any(|(c, w)| *c == s.code && w[pattern] > 0.0)
                    }
                };
                rep.check(allowed, "conditions: secondary not allowed for the primary (6.4)", || {
                    format!("id {id}: primary {} secondary {}", primary.code, s.code)
                });
                rep.check(
                    !r.conditions[..k + 1].iter().any(|p| p.code == s.code),
                    "conditions: duplicate condition",
                    || format!("id {id}: {}", s.code),
                );
            }
        }
    }
    // Body part.
    if let Some(d) = cond(&primary.code) {
        rep.check(site_allows(d.site, &r.body_part), "body_part: not allowed by the primary's site (6.6)", || {
            format!("id {id}: {} {:?} {}", primary.code, d.site, r.body_part)
        });
    }
}

fn fac(s: &str) -> Option<usize> {
    idx(&FACILITIES, s)
}

fn check_timeline(r: &Record, ctx: &Ctx, fx: &Facts, rep: &mut Report) {
    let id = r.id;
    let tl = &r.movement_timeline;
    let t = fx.triage;
    let inj = fx.injury_ts;
    let mut ts = Vec::with_capacity(tl.len());
    for e in tl {
        match parse_ts(&e.timestamp) {
            Some(x) => ts.push(x),
            None => {
                rep.fail("timeline: bad timestamp", format!("id {id}: {}", e.timestamp));
                return;
            }
        }
        if fac(&e.facility).is_none() {
            rep.fail("timeline: bad facility", format!("id {id}: {}", e.facility));
            return;
        }
        let ok = tenths(e.hours_since_injury).is_some_and(|h| h == hrs(ts[ts.len() - 1] - inj));
        rep.check(ok, "timeline: hours_since_injury != hrs(timestamp − injury_time)", || {
            format!("id {id}: {} at {}", e.hours_since_injury, e.timestamp)
        });
        if let Some(tc) = &e.triage_category {
            rep.check(*tc == r.triage_category, "timeline: triage_category differs from the record", || {
                format!("id {id}")
            });
        }
    }
    if tl.is_empty() {
        rep.fail("timeline: empty", format!("id {id}"));
        return;
    }
    // Monotone; equal timestamps only for arrival → evacuation_start.
    for k in 1..tl.len() {
        rep.check(ts[k] >= ts[k - 1], "timeline: timestamps decrease", || format!("id {id} at event {k}"));
        if ts[k] == ts[k - 1] {
            rep.check(
                tl[k - 1].event_type == "arrival" && tl[k].event_type == "evacuation_start",
                "timeline: equal timestamps other than arrival → evacuation_start",
                || format!("id {id}: {} → {} at {}", tl[k - 1].event_type, tl[k].event_type, tl[k].timestamp),
            );
        }
    }
    let terminals = tl.iter().filter(|e| matches!(e.event_type.as_str(), "kia" | "rtd" | "remains_role4")).count();
    let last = &tl[tl.len() - 1];
    rep.check(
        terminals == 1 && matches!(last.event_type.as_str(), "kia" | "rtd"),
        "timeline: not exactly one terminal event (kia/rtd) at the end",
        || format!("id {id}: {terminals} terminals, last {}", last.event_type),
    );
    rep.check(
        tl[0].event_type == "arrival" && tl[0].facility == "POI" && ts[0] == inj && tl[0].hours_since_injury == 0.0,
        "timeline: first event is not arrival at POI at injury_time",
        || format!("id {id}: {} {} {}", tl[0].event_type, tl[0].facility, tl[0].timestamp),
    );

    // Walk the structure.
    let mut k = 0;
    let mut prev_level: i64 = -1;
    let mut arrivals = 0u64;
    let mut pending_transit: Option<(usize, i64, i64)> = None; // (to level, start ts, duration tenths)
    let walk_err = |rep: &mut Report, what: &str, k: usize| {
        let seq: Vec<String> = tl.iter().map(|e| format!("{}@{}", e.event_type, e.facility)).collect();
        rep.fail(&format!("timeline: {what}"), format!("id {id} at event {k}: {}", seq.join(" ")));
    };
    loop {
        if k >= tl.len() {
            walk_err(rep, "ends without a terminal event", k);
            return;
        }
        // Arrival.
        let e = &tl[k];
        if e.event_type != "arrival" {
            walk_err(rep, "expected an arrival", k);
            return;
        }
        let l = fac(&e.facility).unwrap();
        if l as i64 <= prev_level {
            walk_err(rep, "facilities not visited in increasing level", k);
            return;
        }
        if let Some((to, start, dur)) = pending_transit {
            rep.check(to == l, "timeline: arrival not at the transit's to_facility", || format!("id {id}"));
            rep.check(ts[k] == start + 360 * dur, "timeline: arrival not at transit start + duration", || {
                format!("id {id}: {} vs {} + {dur} tenths", tl[k].timestamp, start)
            });
        }
        prev_level = l as i64;
        arrivals += 1;
        let t_arr = ts[k];
        k += 1;
        if k >= tl.len() {
            walk_err(rep, "ends after an arrival", k);
            return;
        }
        let e = &tl[k];
        // Markov decisions may end the walk directly at a location.
        if ctx.markov && (e.event_type == "kia" || e.event_type == "rtd") {
            check_markov_terminal(r, e, l, ts[k] - t_arr, arrivals, rep);
            if k != tl.len() - 1 {
                walk_err(rep, "events after the terminal event", k);
            }
            break;
        }
        if e.event_type != "evacuation_start" || e.facility != FACILITIES[l] || ts[k] != t_arr {
            walk_err(rep, "arrival not followed by evacuation_start at the same place and time", k);
            return;
        }
        let Some(stay) = e.evacuation_duration_hours.and_then(tenths) else {
            walk_err(rep, "evacuation_duration_hours missing or not a multiple of 0.1", k);
            return;
        };
        let (lo, hi) = STAY[l][t];
        let extra = if l == 0 { fx.poi_extra_max } else { 0 };
        rep.check(stay >= lo && stay <= hi + extra, "timeline: stay outside its range (5.1)", || {
            format!("id {id}: {} {} stay {stay} tenths, range {lo}–{hi} + {extra}", FACILITIES[l], TRIAGES[t])
        });
        rep.check(e.triage_category.is_some(), "timeline: evacuation_start without triage_category", || {
            format!("id {id}")
        });
        let next_fac = e.next_facility.as_deref().and_then(fac);
        if ctx.markov {
            rep.check(next_fac.is_some(), "timeline: Markov evacuation_start without next_facility", || {
                format!("id {id}")
            });
        } else {
            rep.check(e.next_facility.is_none(), "timeline: next_facility in the classic model", || format!("id {id}"));
        }
        let stay_end = t_arr + 360 * stay;
        k += 1;
        if k >= tl.len() {
            walk_err(rep, "ends after evacuation_start", k);
            return;
        }
        let e = &tl[k];
        let dt = ts[k] - t_arr;
        match e.event_type.as_str() {
            "kia" | "rtd" if !ctx.markov => {
                let is_kia = e.event_type == "kia";
                let timing = if is_kia { &e.kia_timing } else { &e.rtd_timing };
                if !is_kia && l == 4 {
                    rep.check(
                        timing.as_deref() == Some("auto_role4") && ts[k] == stay_end,
                        "timeline: Role4 rtd not auto_role4 at the end of the stay",
                        || format!("id {id}: {timing:?}"),
                    );
                    rep.check(
                        e.evacuation_hours_completed.and_then(tenths) == Some(stay),
                        "timeline: auto_role4 evacuation_hours_completed != stay",
                        || format!("id {id}"),
                    );
                } else {
                    rep.check(
                        timing.as_deref() == Some("during_evacuation") && dt >= 1 && ts[k] <= stay_end,
                        "timeline: death/RTD during a stay not in (arrival, arrival + stay]",
                        || format!("id {id}: {timing:?} dt {dt} s, stay {stay} tenths"),
                    );
                    rep.check(
                        e.evacuation_hours_completed.and_then(tenths) == Some(hrs(dt)),
                        "timeline: evacuation_hours_completed != hrs(elapsed)",
                        || format!("id {id}: {:?} vs {}", e.evacuation_hours_completed, hrs(dt)),
                    );
                }
                rep.check(
                    e.facility == FACILITIES[l]
                        && e.transit_hours_completed.is_none()
                        && e.facilities_visited.is_none(),
                    "timeline: classic stay terminal has wrong facility or extra fields",
                    || format!("id {id}"),
                );
                if k != tl.len() - 1 {
                    walk_err(rep, "events after the terminal event", k);
                }
                break;
            }
            "transit_start" => {
                if ts[k] != stay_end || e.facility != FACILITIES[l] || e.from_facility.as_deref() != Some(FACILITIES[l])
                {
                    walk_err(rep, "transit_start not at the end of the stay from this facility", k);
                    return;
                }
                let Some(to) = e.to_facility.as_deref().and_then(fac) else {
                    walk_err(rep, "transit_start without a valid to_facility", k);
                    return;
                };
                let Some(dur) = e.transit_duration_hours.and_then(tenths) else {
                    walk_err(rep, "transit_duration_hours missing or not a multiple of 0.1", k);
                    return;
                };
                rep.check(e.triage_category.is_some(), "timeline: transit_start without triage_category", || {
                    format!("id {id}")
                });
                if ctx.markov {
                    rep.check(Some(to) == next_fac, "timeline: Markov transit to_facility != next_facility", || {
                        format!("id {id}")
                    });
                    let allowed = markov_row(l, t).iter().any(|x| x.0 == FACILITIES[to]);
                    rep.check(allowed, "timeline: Markov transit to a facility the row does not allow", || {
                        format!("id {id}: {} → {}", FACILITIES[l], FACILITIES[to])
                    });
                    rep.check(dur >= 1, "timeline: Markov transit shorter than 0.1 h", || format!("id {id}"));
                } else {
                    if to != l + 1 {
                        walk_err(rep, "classic transit not to the next facility", k);
                        return;
                    }
                    let (lo, hi) = TRANSIT[l][t];
                    rep.check(dur >= lo && dur <= hi, "timeline: transit outside its range (5.1)", || {
                        format!("id {id}: {}→{} {} {dur} tenths", FACILITIES[l], FACILITIES[to], TRIAGES[t])
                    });
                }
                let t_start = ts[k];
                k += 1;
                if k < tl.len() && tl[k].event_type == "kia" {
                    let e = &tl[k];
                    let dt = ts[k] - t_start;
                    rep.check(!ctx.markov, "timeline: Markov death in transit", || format!("id {id}"));
                    rep.check(
                        e.kia_timing.as_deref() == Some("during_transit")
                            && e.facility == FACILITIES[l]
                            && e.destination_facility.as_deref() == Some(FACILITIES[to])
                            && dt >= 1
                            && dt <= 360 * dur,
                        "timeline: transit death not during_transit at the origin within the transit",
                        || format!("id {id}: {:?} at {} dt {dt} s of {dur} tenths", e.kia_timing, e.facility),
                    );
                    rep.check(
                        e.transit_hours_completed.and_then(tenths) == Some(hrs(dt))
                            && e.evacuation_hours_completed.is_none(),
                        "timeline: transit_hours_completed != hrs(elapsed)",
                        || format!("id {id}"),
                    );
                    if k != tl.len() - 1 {
                        walk_err(rep, "events after the terminal event", k);
                    }
                    break;
                }
                pending_transit = Some((to, t_start, dur));
            }
            _ => {
                walk_err(rep, "unexpected event after evacuation_start", k);
                return;
            }
        }
    }
    // Outcome fields (5.7).
    let last = &tl[tl.len() - 1];
    let status = match (last.event_type.as_str(), last.facility.as_str()) {
        ("kia", "POI") => "KIA",
        ("kia", _) => "DOW",
        ("rtd", _) => "RTD",
        _ => "Remains_Role4",
    };
    let final_status = if status == "DOW" { "KIA" } else { status };
    rep.check(r.status == status, "status: does not follow the terminal event (5.7)", || {
        format!("id {id}: {} vs {status}", r.status)
    });
    rep.check(r.final_status == final_status, "final_status: does not follow 5.7", || {
        format!("id {id}: {} vs {final_status}", r.final_status)
    });
    rep.check(r.last_facility == last.facility, "last_facility: not the terminal event's facility", || {
        format!("id {id}: {} vs {}", r.last_facility, last.facility)
    });
    if !ctx.markov {
        rep.check(
            tl.iter()
                .all(|e| e.kia_timing.as_deref() != Some("markov_chain_decision") && e.facilities_visited.is_none()),
            "timeline: Markov fields in the classic model",
            || format!("id {id}"),
        );
    }
}

fn check_markov_terminal(r: &Record, e: &Ev, l: usize, dt: i64, arrivals: u64, rep: &mut Report) {
    let id = r.id;
    let t = idx(&TRIAGES, &r.triage_category).unwrap_or(1);
    let is_kia = e.event_type == "kia";
    let timing = if is_kia { &e.kia_timing } else { &e.rtd_timing };
    rep.check(timing.as_deref() == Some("markov_chain_decision"), "timeline: Markov terminal timing", || {
        format!("id {id}: {timing:?}")
    });
    rep.check(e.facilities_visited == Some(arrivals), "timeline: facilities_visited != number of arrivals", || {
        format!("id {id}: {:?} vs {arrivals}", e.facilities_visited)
    });
    rep.check(e.facility == FACILITIES[l], "timeline: Markov terminal not at the current location", || {
        format!("id {id}")
    });
    rep.check(
        e.transit_hours_completed.is_none() && e.destination_facility.is_none(),
        "timeline: Markov terminal with transit fields",
        || format!("id {id}"),
    );
    if !is_kia {
        rep.check(
            e.evacuation_hours_completed.is_none(),
            "timeline: Markov rtd with evacuation_hours_completed",
            || format!("id {id}"),
        );
    }
    if l == 0 {
        rep.check(is_kia, "timeline: Markov RTD at the POI", || format!("id {id}"));
        rep.check((360..=3600).contains(&dt), "timeline: Markov POI terminal not 360–3600 s after arrival", || {
            format!("id {id}: {dt} s")
        });
    } else {
        let hi = STAY[l][t].1 * 360;
        rep.check(dt >= 1 && dt <= hi, "timeline: Markov MTF terminal not within a stay of the location", || {
            format!("id {id}: {} {dt} s", FACILITIES[l])
        });
    }
    if let Some(h) = e.evacuation_hours_completed {
        rep.check(tenths(h) == Some(hrs(dt)), "timeline: evacuation_hours_completed != hrs(elapsed)", || {
            format!("id {id}")
        });
    }
}

/// The treatment list expected for a visit given the chosen optional entries (6.8).
fn expected_list(
    cell: &[Entry],
    chosen: &[bool],
    secondaries: &[&str],
    facility: usize,
    body_part: &str,
    protos: &BTreeMap<&'static str, Vec<Vec<Entry>>>,
) -> Vec<&'static str> {
    let mut list: Vec<&'static str> = cell.iter().zip(chosen).filter(|(_, c)| **c).map(|(e, _)| e.code()).collect();
    for s in secondaries {
        let Some(d) = cond(s) else { continue };
        let Some(cells) = protos.get(d.group) else { continue };
        if let Some(first) = cells[facility].iter().find(|e| e.eligible(body_part)) {
            if !list.contains(&first.code()) && list.len() < 5 {
                list.push(first.code());
            }
        }
    }
    list
}

fn check_treatments(r: &Record, ctx: &Ctx, fx: &Facts, rep: &mut Report) {
    let id = r.id;
    let arrivals: Vec<&Ev> = r.movement_timeline.iter().filter(|e| e.event_type == "arrival").collect();
    rep.check(r.treatments.len() == arrivals.len(), "treatments: not one entry per arrival", || {
        format!("id {id}: {} visits, {} arrivals", r.treatments.len(), arrivals.len())
    });
    let primary_group = cond(&r.conditions[0].code).map(|c| c.group);
    let secondaries: Vec<&str> = r.conditions.iter().skip(1).map(|c| c.code.as_str()).collect();
    for (k, v) in r.treatments.iter().enumerate() {
        if let Some(a) = arrivals.get(k) {
            rep.check(
                v.facility == a.facility && v.date == a.timestamp,
                "treatments: facility/date differ from the arrival",
                || format!("id {id} visit {k}: {} {} vs {} {}", v.facility, v.date, a.facility, a.timestamp),
            );
        }
        let Some(l) = fac(&v.facility) else {
            rep.fail("treatments: bad facility", format!("id {id}: {}", v.facility));
            continue;
        };
        rep.check(!v.treatments.is_empty() && v.treatments.len() <= 5, "treatments: not 1–5 per visit", || {
            format!("id {id} visit {k}: {}", v.treatments.len())
        });
        for p in &v.treatments {
            rep.check(
                PROCEDURES.iter().any(|q| q.0 == p.code && q.1 == p.display),
                "treatments: code/display not in 6.7",
                || format!("id {id}: {} {:?}", p.code, p.display),
            );
        }
        // The list is the mandatory entry, a subset of the later eligible entries and the appended
        // first entries of the secondaries' groups.
        if let Some(cell) = primary_group.and_then(|g| ctx.protocols.get(g)).map(|c| &c[l]) {
            let got: Vec<&str> = v.treatments.iter().map(|p| p.code.as_str()).collect();
            let elig: Vec<bool> = cell.iter().map(|e| e.eligible(&r.body_part)).collect();
            let first = elig.iter().position(|&x| x);
            let optional: Vec<usize> = (0..cell.len()).filter(|&j| elig[j] && Some(j) != first).collect();
            let mut ok = false;
            for mask in 0..(1u32 << optional.len()) {
                let mut chosen = vec![false; cell.len()];
                if let Some(f) = first {
                    chosen[f] = true;
                }
                let mut possible = true;
                for (b, &j) in optional.iter().enumerate() {
                    let on = mask & (1 << b) != 0;
                    let p = cell[j].p(&r.triage_category);
                    if (on && p == 0.0) || (!on && p == 1.0) {
                        possible = false;
                    }
                    chosen[j] = on;
                }
                if possible && expected_list(cell, &chosen, &secondaries, l, &r.body_part, &ctx.protocols) == got {
                    ok = true;
                    break;
                }
            }
            rep.check(ok, "treatments: list does not follow the protocol table (6.8)", || {
                format!(
                    "id {id} {} group {:?} {} {} body {}: {:?}",
                    v.facility,
                    primary_group,
                    r.triage_category,
                    r.conditions.len(),
                    r.body_part,
                    got
                )
            });
        }
        // Observations.
        if v.observations.len() != 5 {
            rep.fail("observations: not five per visit", format!("id {id} visit {k}: {}", v.observations.len()));
            continue;
        }
        for (o, vd) in v.observations.iter().zip(VITALS.iter()) {
            rep.check(
                o.code == vd.code && o.display == vd.display && o.unit == vd.unit,
                "observations: code/display/unit/order differ from 6.9",
                || format!("id {id}: {} {:?} {:?}", o.code, o.display, o.unit),
            );
            rep.check(o.value >= vd.lo && o.value <= vd.hi, "observations: value outside the bounds of 6.9", || {
                format!("id {id}: {} = {}", vd.display, o.value)
            });
            let grid_ok = if vd.unit_round == 1.0 { o.value.fract() == 0.0 } else { tenths(o.value).is_some() };
            rep.check(grid_ok, "observations: value not rounded to its unit", || format!("id {id}: {}", o.value));
        }
    }
    let _ = fx;
}

// ---------------------------------------------------------------------------------------------
// Run-level checks (12.1 items 1–7), generic over the configuration
// ---------------------------------------------------------------------------------------------

/// Tempo weights for days 1…8 (3.1.4).
pub fn tempo_weights(tempo: &str) -> [f64; 8] {
    match tempo {
        "sustained" => [1.0; 8],
        "escalating" => [0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8],
        "surge" => [0.5, 1.5, 2.0, 1.5, 0.5, 0.8, 1.2, 0.6],
        "declining" => [1.8, 1.6, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4],
        "intermittent" => [1.0, 0.3, 1.5, 0.4, 1.2, 0.2, 1.0, 0.5],
        _ => panic!("unknown tempo {tempo}"),
    }
}

/// Hour weights of the patterns without draws (3.6), by warfare index.
pub fn fixed_pattern(t: usize) -> Option<[f64; 24]> {
    let mut w = [0.0; 24];
    match t {
        0 => return Some(sustained_combat_weights()),
        2 => {
            for (h, x) in w.iter_mut().enumerate() {
                *x = match h {
                    6..=9 => BASELINE[h] * 3.0,
                    14..=16 => BASELINE[h] * 2.5,
                    _ => BASELINE[h] * 0.8,
                };
            }
        }
        5 => {
            for (h, x) in w.iter_mut().enumerate() {
                *x = if [4, 5, 6, 10, 11, 16, 17].contains(&h) { BASELINE[h] * 3.0 } else { BASELINE[h] * 0.3 };
            }
        }
        _ => return None,
    }
    Some(w)
}

/// An individual event of a stream: (first id, seq, size).
type IndEvent = (u64, u64, u64);

/// One event seen in a run.
#[derive(Clone, Debug)]
pub struct EventAcc {
    pub parts: EventIdParts,
    pub ts: i64,
    pub first_id: u64,
    pub count: u64,
}

/// Accumulates the run-level facts of items 1–7.
#[derive(Default)]
pub struct Tracker {
    pub events: BTreeMap<String, EventAcc>,
    current: Option<String>,
    pub next_id: u64,
    pub last_ts: i64,
    pub per_day: BTreeMap<u32, u64>,
    /// (day, scenario index with 8 = mixed) → patients.
    pub per_day_type: BTreeMap<(u32, usize), u64>,
    /// (day, type, hour) → patients.
    pub per_day_type_hour: BTreeMap<(u32, usize, u32), u64>,
}

impl Tracker {
    /// Adds a checked record.
    pub fn add(&mut self, r: &Record, fx: &Facts, rep: &mut Report) {
        rep.check(r.id == self.next_id, "id: not 0…N−1 in output order", || {
            format!("expected {}, got {}", self.next_id, r.id)
        });
        self.next_id = r.id + 1;
        rep.check(fx.injury_ts >= self.last_ts, "injury_time: decreases with id", || format!("id {}", r.id));
        self.last_ts = fx.injury_ts;
        *self.per_day.entry(fx.day).or_default() += 1;
        *self.per_day_type.entry((fx.day, fx.scenario)).or_default() += 1;
        *self.per_day_type_hour.entry((fx.day, fx.scenario, fx.hour)).or_default() += 1;
        let Some(parts) = fx.event.clone() else { return };
        if self.current.as_deref() == Some(r.event_id.as_str()) {
            let e = self.events.get_mut(&r.event_id).unwrap();
            e.count += 1;
            rep.check(e.ts == fx.injury_ts, "event: members with different injury times", || {
                format!("{} id {}", r.event_id, r.id)
            });
        } else if self.events.contains_key(&r.event_id) {
            rep.fail(
                "event: id reused by a non-adjacent group (ids not unique per event)",
                format!("{} at id {}", r.event_id, r.id),
            );
        } else {
            self.events.insert(r.event_id.clone(), EventAcc { parts, ts: fx.injury_ts, first_id: r.id, count: 1 });
            self.current = Some(r.event_id.clone());
        }
    }

    /// Items 1–7 over the whole run.
    pub fn finish(&self, res: &Resolved, rep: &mut Report) {
        let n = res.total_patients;
        rep.check(self.next_id == n, "records: count differs from total_patients", || {
            format!("{} records, expected {n}", self.next_id)
        });
        let days = res.days_of_fighting as usize;
        let tw = tempo_weights(res.tempo.as_str());
        let w: Vec<f64> = (0..days).map(|d| tw[d.min(7)]).collect();
        let n_d = lr(n, &w);
        let mut specials: BTreeMap<u32, Vec<(&str, u64, u32)>> = BTreeMap::new();
        for e in self.events.values() {
            if e.parts.prefix == "SE" {
                let kind = SPECIAL_KINDS.iter().find(|k| **k == e.parts.label).unwrap();
                specials.entry(e.parts.day).or_default().push((kind, e.count, e.parts.hour));
            }
        }
        let active: Vec<usize> = (0..8).filter(|&t| res.warfare_types[t]).collect();
        for d in 1..=days as u32 {
            let nd = n_d[d as usize - 1];
            let got = self.per_day.get(&d).copied().unwrap_or(0);
            rep.check(got == nd, "per-day totals differ from LR(N, tempo)", || format!("day {d}: {got} vs {nd}"));
            // Special events (3.4).
            let list = specials.get(&d).cloned().unwrap_or_default();
            let cyc = (d - 1) % 8;
            let mut sizes = [0u64; 3];
            for (kind, size, hour) in &list {
                let k = idx(&SPECIAL_KINDS, kind).unwrap();
                rep.check(sizes[k] == 0, "special events: more than one of a kind per day", || {
                    format!("day {d} {kind}")
                });
                sizes[k] += size;
                let eligible = match k {
                    0 => (6..=18).contains(hour),
                    1 => cyc == 1 && [5, 6, 7].contains(hour),
                    _ => [0, 3, 5].contains(&cyc) && [6, 7, 17, 18, 19].contains(hour),
                };
                rep.check(
                    eligible && res.special_events[k],
                    "special events: kind on an ineligible day/hour or disabled",
                    || format!("day {d} {kind} at {hour}h"),
                );
            }
            let cap = (0.6 * nd as f64).floor() as u64;
            let ndf = nd as f64;
            let amb =
                if res.special_events[2] && [0, 3, 5].contains(&cyc) { (ndf * 0.1 * 2.0).floor() as u64 } else { 0 };
            let maj = if res.special_events[1] && cyc == 1 { (ndf * 0.3 * 3.0).floor() as u64 } else { 0 };
            let mc = if sizes[0] == 0 {
                Some(0)
            } else if (ndf * 0.05 * 5.0).floor() >= 100.0 {
                Some(100)
            } else {
                None
            };
            let total_special: u64 = sizes.iter().sum();
            rep.check(total_special <= cap, "special events: more than ⌊0.6·n_d⌋ patients", || {
                format!("day {d}: {total_special} > {cap}")
            });
            if let Some(mc) = mc {
                let templ = [mc, maj, amb];
                let expected =
                    if templ.iter().sum::<u64>() > cap { lr(cap, &templ.map(|x| x as f64)) } else { templ.to_vec() };
                rep.check(
                    sizes.to_vec() == expected,
                    "special events: sizes differ from the templates / cap (3.1.6, 3.4)",
                    || format!("day {d} n_d {nd}: got {sizes:?}, expected {expected:?}"),
                );
            } else {
                rep.check((1..=100).contains(&sizes[0]), "special events: mass_casualty size outside 1–100", || {
                    format!("day {d}: {}", sizes[0])
                });
            }
            // Warfare types of the day (3.5).
            let r_d = nd - total_special.min(nd);
            let weights: Vec<f64> = active.iter().map(|&t| WARFARE_WEIGHT[t]).collect();
            let r_dt = lr(r_d, &weights);
            for (k, &t) in active.iter().enumerate() {
                let got = self.per_day_type.get(&(d, t)).copied().unwrap_or(0);
                rep.check(
                    got == r_dt[k],
                    "per-day warfare-type counts differ from LR(n_d − specials, weights) (3.5)",
                    || format!("day {d} {}: {got} vs {}", WARFARE_NAMES[t], r_dt[k]),
                );
                // Hours of the patterns without draws (3.6).
                if let Some(pw) = fixed_pattern(t) {
                    let exp = lr(r_dt[k], &pw);
                    let got: Vec<u64> =
                        (0..24).map(|h| self.per_day_type_hour.get(&(d, t, h)).copied().unwrap_or(0)).collect();
                    rep.check(
                        got == exp,
                        "per-hour counts differ from LR(type-day count, pattern weights) (3.6)",
                        || format!("day {d} {}: {got:?} vs {exp:?}", WARFARE_NAMES[t]),
                    );
                }
            }
            let mixed = self.per_day_type.get(&(d, 8)).copied().unwrap_or(0);
            rep.check(mixed == total_special, "mixed patients differ from special-event patients", || {
                format!("day {d}: {mixed} vs {total_special}")
            });
        }
        // Events (items 6, 7).
        let mut mc_hours: BTreeMap<(u32, String, u32), u64> = BTreeMap::new();
        let mut streams: BTreeMap<(u32, String, u32), Vec<IndEvent>> = BTreeMap::new();
        for (name, e) in &self.events {
            let p = &e.parts;
            match p.prefix {
                "MC" => {
                    let t = idx(&WARFARE_NAMES, &p.label).unwrap();
                    let hour_n = self.per_day_type_hour.get(&(p.day, t, p.hour)).copied().unwrap_or(0);
                    let (lo, hi) = CLUSTER_RANGE[t];
                    rep.check(e.count >= 2 && hour_n > 5, "MC event: size < 2 or hour type count ≤ 5", || {
                        format!("{name}: size {}, hour count {hour_n}", e.count)
                    });
                    rep.check(
                        (e.count >= lo.max(2) && e.count <= hi) || e.count == hour_n,
                        "MC event: size outside the cluster range and not the hour's count",
                        || format!("{name}: size {}, range {lo}–{hi}, hour count {hour_n}", e.count),
                    );
                    *mc_hours.entry((p.day, p.label.clone(), p.hour)).or_default() += 1;
                }
                "IND" => {
                    rep.check((1..=3).contains(&e.count), "IND event: not 1–3 patients", || {
                        format!("{name}: {}", e.count)
                    });
                    streams.entry((p.day, p.label.clone(), p.hour)).or_default().push((e.first_id, p.seq, e.count));
                }
                _ => {}
            }
        }
        for (k, n) in mc_hours {
            rep.check(n == 1, "MC event: more than one cluster per (day, type, hour)", || format!("{k:?}: {n}"));
        }
        for (k, mut evs) in streams {
            evs.sort();
            let mut slot = 0;
            for (first, seq, count) in evs {
                rep.check(seq == slot, "IND event: seq is not the event's first slot in its stream", || {
                    format!("{k:?}: id {first} seq {seq}, expected {slot}")
                });
                slot += count;
            }
        }
    }
}
