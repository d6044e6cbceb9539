//! CSV (DOMAIN.md §9.2): `patients.csv` (one row per patient) and `events.csv` (one row per
//! timeline event, the second table of the zip container).
//!
//! RFC 4180 with CRLF line ends; a field is quoted only when it contains `,`, `"`, CR or LF. The
//! header row is the prefix, so only the shard holding index 0 writes it and shards concatenate.
//!
//! Text cells that a spreadsheet would read as a formula (CWE-1236: they start with `=`, `+`, `-`,
//! `@`, tab or CR — a front named `=HYPERLINK(…)`) are neutralised as the OWASP "CSV Injection"
//! page recommends: a single quote is prepended and the cell is quoted. Numeric cells are written
//! by the number writers and never pass through here, so a negative number stays a number.
//! [`CsvWriter::with_raw_text`] (CLI `--csv-raw`, JS `csvRaw`) keeps the text as it is.

use super::RecordWriter;
use crate::civil::{civil_from_days, DAY};
use crate::config::Resolved;
use crate::data::vocab::{EnvCondition, Facility};
use crate::patient::record::{EventType, PatientRecord, TimelineEvent, Timing};
use crate::text::{uint, write_date, write_tenths, write_timestamp};

/// Header of `patients.csv` (without the line end).
pub const PATIENTS_HEADER: &str = "id,injury_time,day,scenario,event_id,mass_casualty,environmental_conditions,front,\
nationality,gender,family_name,given_name,birthdate,age,id_number,religion,weight,blood_type,rank,service,\
injury_type,triage_category,severity,primary_condition_code,primary_condition_name,primary_condition_severity,\
secondary_condition_codes,secondary_condition_names,body_part,status,final_status,last_facility,\
facilities_visited,final_event_time,hours_to_final,treatment_count";

/// Columns the clinical model appends to `patients.csv` (docs/MODEL.md).
pub const CLINICAL_COLUMNS: &str = ",mechanism,iss,evacuation_priority,condition_ais,condition_body_regions";

/// Header of `events.csv` (without the line end).
pub const EVENTS_HEADER: &str = "patient_id,seq,event_type,facility,timestamp,hours_since_injury,duration_hours,\
from_facility,to_facility,next_facility,timing,hours_completed,triage_category,facilities_visited";

/// Which CSV table a writer produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvTable {
    /// `patients.csv`: one row per patient.
    Patients,
    /// `events.csv`: one row per timeline event.
    Events,
}

impl CsvTable {
    /// The entry name in the zip container (10.2).
    pub fn file_name(self) -> &'static str {
        match self {
            CsvTable::Patients => "patients.csv",
            CsvTable::Events => "events.csv",
        }
    }
}

/// Writes patient records as CSV rows.
#[derive(Clone, Debug)]
pub struct CsvWriter {
    table: CsvTable,
    /// Front names as CSV fields (quoted where needed, neutralised unless `raw`).
    fronts: Vec<Vec<u8>>,
    /// Whether `patients.csv` carries the clinical model's columns.
    clinical: bool,
    /// Keep formula-like text cells as they are.
    raw: bool,
}

impl CsvWriter {
    /// A writer of `table` for `cfg`, neutralising formula-like text cells.
    pub fn new(table: CsvTable, cfg: &Resolved) -> Self {
        let fronts = cfg
            .fronts
            .iter()
            .map(|f| {
                let mut v = Vec::new();
                field(&mut v, &f.name);
                v
            })
            .collect();
        CsvWriter { table, fronts, clinical: cfg.flow_model == crate::data::vocab::FlowModel::Clinical, raw: false }
    }

    /// A writer of `table` for `cfg`; `raw = true` writes formula-like text cells unchanged (only
    /// RFC 4180 quoting), `false` neutralises them (as [`CsvWriter::new`]).
    pub fn with_raw_text(table: CsvTable, cfg: &Resolved, raw: bool) -> Self {
        let mut w = Self::new(table, cfg);
        if raw {
            w.raw = true;
            for (f, front) in w.fronts.iter_mut().zip(&cfg.fronts) {
                f.clear();
                cell(f, &front.name, true);
            }
        }
        w
    }

    /// The table this writer produces.
    pub fn table(&self) -> CsvTable {
        self.table
    }
}

impl RecordWriter for CsvWriter {
    fn prefix(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(match self.table {
            CsvTable::Patients => PATIENTS_HEADER.as_bytes(),
            CsvTable::Events => EVENTS_HEADER.as_bytes(),
        });
        if self.clinical && self.table == CsvTable::Patients {
            out.extend_from_slice(CLINICAL_COLUMNS.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }

    fn record(&mut self, rec: &PatientRecord, out: &mut Vec<u8>) {
        let front = self.fronts.get(rec.front as usize).map_or(&[][..], |f| &f[..]);
        match self.table {
            CsvTable::Patients => write_patient_row(rec, front, self.raw, out),
            CsvTable::Events => write_event_rows(rec, out),
        }
    }

    fn suffix(&mut self, _out: &mut Vec<u8>) {}
}

#[inline]
fn needs_quotes(b: &[u8]) -> bool {
    b.iter().any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n'))
}

#[inline]
fn quoted_body(out: &mut Vec<u8>, b: &[u8]) {
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            out.extend_from_slice(&b[start..=i]);
            out.push(b'"');
            start = i + 1;
        }
    }
    out.extend_from_slice(&b[start..]);
}

/// Whether a spreadsheet would read a text cell as a formula (OWASP "CSV Injection"): it starts
/// with `=`, `+`, `-`, `@`, tab or carriage return.
#[inline]
pub fn is_formula_like(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Appends the text `s` as one CSV field: neutralised when formula-like (a `'` prepended, the
/// cell quoted), else quoted only when it contains `,`, `"`, CR or LF.
#[inline]
pub fn field(out: &mut Vec<u8>, s: &str) {
    cell(out, s, false)
}

/// Appends the text `s` as one CSV field, neutralised when formula-like unless `raw`.
#[inline]
fn cell(out: &mut Vec<u8>, s: &str, raw: bool) {
    let b = s.as_bytes();
    if !raw && is_formula_like(s) {
        out.extend_from_slice(b"\"'");
        quoted_body(out, b);
        out.push(b'"');
    } else if needs_quotes(b) {
        out.push(b'"');
        quoted_body(out, b);
        out.push(b'"');
    } else {
        out.extend_from_slice(b);
    }
}

/// Appends the items joined by `sep` as one CSV field (quoted when the joined text needs it;
/// neutralised, unless `raw`, when the first item is formula-like).
fn joined_field<'a, I>(out: &mut Vec<u8>, items: I, sep: u8, raw: bool)
where
    I: Iterator<Item = &'a str> + Clone,
{
    let neutralise = !raw && items.clone().next().is_some_and(is_formula_like);
    // The separators used (`;`, `>`) never need quoting themselves.
    let quote = neutralise || items.clone().any(|s| needs_quotes(s.as_bytes()));
    if quote {
        out.push(b'"');
    }
    if neutralise {
        out.push(b'\'');
    }
    for (k, s) in items.enumerate() {
        if k > 0 {
            out.push(sep);
        }
        if quote {
            quoted_body(out, s.as_bytes());
        } else {
            out.extend_from_slice(s.as_bytes());
        }
    }
    if quote {
        out.push(b'"');
    }
}

/// Completed years between `birth` (days since the epoch) and the date of `t` (seconds).
fn completed_years(birth_days: i32, t: i64) -> i64 {
    let (by, bm, bd) = civil_from_days(birth_days);
    let (y, m, d) = civil_from_days(t.div_euclid(DAY) as i32);
    let mut age = (y - by) as i64;
    if (m, d) < (bm, bd) {
        age -= 1;
    }
    age
}

fn arrivals(rec: &PatientRecord) -> impl Iterator<Item = &'static str> + Clone + '_ {
    rec.timeline.iter().filter(|e| e.kind == EventType::Arrival).map(|e| e.facility.as_str())
}

/// Writes one `patients.csv` row; `front` is the front name as a CSV field; `raw` keeps
/// formula-like text cells unchanged.
pub fn write_patient_row(rec: &PatientRecord, front: &[u8], raw: bool, out: &mut Vec<u8>) {
    let ctx = &rec.context;
    let d = &rec.demographics;
    uint(out, rec.id);
    out.push(b',');
    write_timestamp(out, ctx.injury_time);
    out.extend_from_slice(b",Day ");
    uint(out, ctx.day as u64);
    out.push(b',');
    out.extend_from_slice(ctx.scenario.as_str().as_bytes());
    out.push(b',');
    ctx.event_id.write(out);
    out.extend_from_slice(if ctx.mass_casualty { b",true," } else { b",false," });
    let env = ctx.environment;
    joined_field(out, EnvCondition::ALL.iter().filter(|c| env.contains(**c)).map(|c| c.as_str()), b';', raw);
    out.push(b',');
    out.extend_from_slice(front);
    out.push(b',');
    out.extend_from_slice(rec.nationality.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(rec.gender.as_str().as_bytes());
    out.push(b',');
    cell(out, d.family_name, raw);
    out.push(b',');
    cell(out, d.given_name, raw);
    out.push(b',');
    write_date(out, d.birthdate);
    out.push(b',');
    crate::text::int(out, completed_years(d.birthdate.0, ctx.injury_time));
    out.push(b',');
    cell(out, &d.id_number, raw);
    out.push(b',');
    if let Some(r) = d.religion {
        out.extend_from_slice(r.code().as_bytes());
    }
    out.push(b',');
    write_tenths(out, d.weight_tenths);
    out.push(b',');
    out.extend_from_slice(d.blood_type.as_str().as_bytes());
    out.push(b',');
    if let Some(r) = d.rank {
        out.extend_from_slice(r.as_str().as_bytes());
    }
    out.push(b',');
    if let Some(s) = d.service {
        out.extend_from_slice(s.as_str().as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(rec.injury_type.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(rec.triage.as_str().as_bytes());
    out.push(b',');
    uint(out, rec.severity as u64);
    out.push(b',');
    if let Some(p) = rec.conditions.first() {
        let info = p.info();
        cell(out, info.code, raw);
        out.push(b',');
        cell(out, info.display, raw);
        out.push(b',');
        out.extend_from_slice(rec.primary_severity.as_str().as_bytes());
    } else {
        out.extend_from_slice(b",,");
    }
    out.push(b',');
    let secondaries = rec.conditions.get(1..).unwrap_or(&[]);
    joined_field(out, secondaries.iter().map(|c| c.info().code), b';', raw);
    out.push(b',');
    joined_field(out, secondaries.iter().map(|c| c.info().display), b';', raw);
    out.push(b',');
    out.extend_from_slice(rec.body_part.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(rec.status.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(rec.status.final_status().as_bytes());
    out.push(b',');
    out.extend_from_slice(rec.last_facility.as_str().as_bytes());
    out.push(b',');
    joined_field(out, arrivals(rec), b'>', raw);
    out.push(b',');
    if let Some(t) = rec.terminal() {
        write_timestamp(out, t.time);
        out.push(b',');
        write_tenths(out, t.hours_since_injury);
    } else {
        out.push(b',');
    }
    out.push(b',');
    uint(out, rec.visits.iter().map(|v| v.treatments.len() as u64).sum());
    if let Some(cf) = &rec.clinical {
        out.push(b',');
        out.extend_from_slice(cf.mechanism.as_str().as_bytes());
        out.push(b',');
        uint(out, cf.iss as u64);
        out.push(b',');
        out.extend_from_slice(cf.priority.as_str().as_bytes());
        out.push(b',');
        let n = rec.conditions.len();
        for (k, a) in cf.ais[..n].iter().enumerate() {
            if k > 0 {
                out.push(b';');
            }
            uint(out, *a as u64);
        }
        out.push(b',');
        for (k, r) in cf.region[..n].iter().enumerate() {
            if k > 0 {
                out.push(b';');
            }
            out.extend_from_slice(r.as_str().as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[inline]
fn opt_facility(out: &mut Vec<u8>, f: Option<Facility>) {
    if let Some(f) = f {
        out.extend_from_slice(f.as_str().as_bytes());
    }
    out.push(b',');
}

/// Writes the `events.csv` rows of one patient (one per timeline event).
pub fn write_event_rows(rec: &PatientRecord, out: &mut Vec<u8>) {
    let triage = rec.triage.as_str().as_bytes();
    for (seq, e) in rec.timeline.iter().enumerate() {
        write_event_row(rec.id, seq as u64, e, triage, out);
    }
}

fn write_event_row(id: u64, seq: u64, e: &TimelineEvent, triage: &[u8], out: &mut Vec<u8>) {
    uint(out, id);
    out.push(b',');
    uint(out, seq);
    out.push(b',');
    out.extend_from_slice(e.kind.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(e.facility.as_str().as_bytes());
    out.push(b',');
    write_timestamp(out, e.time);
    out.push(b',');
    write_tenths(out, e.hours_since_injury);
    out.push(b',');
    // duration_hours, from_facility, to_facility, next_facility, timing, hours_completed,
    // triage_category, facilities_visited: the JSON fields of 5.6 mapped to shared columns.
    match e.kind {
        EventType::Arrival | EventType::RemainsRole4 => out.extend_from_slice(b",,,,,,,"),
        EventType::EvacuationStart => {
            write_tenths(out, e.duration);
            out.extend_from_slice(b",,,");
            opt_facility(out, e.next_facility);
            out.extend_from_slice(b",,");
            out.extend_from_slice(triage);
            out.push(b',');
        }
        EventType::TransitStart => {
            write_tenths(out, e.duration);
            out.push(b',');
            out.extend_from_slice(e.facility.as_str().as_bytes());
            out.push(b',');
            opt_facility(out, e.to_facility);
            out.extend_from_slice(b",,,");
            out.extend_from_slice(triage);
            out.push(b',');
        }
        EventType::Kia | EventType::Rtd => {
            out.extend_from_slice(b",,");
            let in_transit = e.timing == Some(Timing::DuringTransit) && e.completed.is_some();
            opt_facility(out, if in_transit { e.to_facility } else { None });
            out.push(b',');
            if let Some(t) = e.timing {
                out.extend_from_slice(t.as_str().as_bytes());
            }
            out.push(b',');
            if let Some(c) = e.completed {
                write_tenths(out, c);
            }
            out.extend_from_slice(b",,");
            if let Some(n) = e.facilities_visited {
                uint(out, n as u64);
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[u8]) -> &str {
        std::str::from_utf8(v).unwrap()
    }

    #[test]
    fn quotes_only_when_needed() {
        let mut v = Vec::new();
        field(&mut v, "plain é");
        v.push(b'|');
        field(&mut v, "a,b");
        v.push(b'|');
        field(&mut v, "say \"hi\"");
        v.push(b'|');
        field(&mut v, "line\nbreak");
        v.push(b'|');
        field(&mut v, "");
        assert_eq!(s(&v), "plain é|\"a,b\"|\"say \"\"hi\"\"\"|\"line\nbreak\"|");
    }

    #[test]
    fn joins_lists_and_quotes_the_whole_field() {
        let mut v = Vec::new();
        joined_field(&mut v, ["rain", "fog"].into_iter(), b';', false);
        v.push(b'|');
        joined_field(&mut v, ["Laceration, deep", "Burn"].into_iter(), b';', false);
        v.push(b'|');
        joined_field(&mut v, std::iter::empty(), b';', false);
        v.push(b'|');
        joined_field(&mut v, ["POI", "Role1", "Role2"].into_iter(), b'>', false);
        assert_eq!(s(&v), "rain;fog|\"Laceration, deep;Burn\"||POI>Role1>Role2");
    }

    #[test]
    fn formula_like_text_cells_are_neutralised_unless_raw() {
        // OWASP "CSV Injection": every trigger character, a quote inside, and safe look-alikes.
        let cases = [
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1:A9)", "\"'@SUM(A1:A9)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("North = 1", "North = 1"),
            ("'quoted", "'quoted"),
            ("", ""),
        ];
        for (text, want) in cases {
            let mut v = Vec::new();
            field(&mut v, text);
            assert_eq!(s(&v), want, "{text:?}");
            let mut raw = Vec::new();
            cell(&mut raw, text, true);
            let mut plain = Vec::new();
            if needs_quotes(text.as_bytes()) {
                plain.push(b'"');
                quoted_body(&mut plain, text.as_bytes());
                plain.push(b'"');
            } else {
                plain.extend_from_slice(text.as_bytes());
            }
            assert_eq!(raw, plain, "raw {text:?}");
        }
        let mut v = Vec::new();
        joined_field(&mut v, ["=A1", "b"].into_iter(), b';', false);
        v.push(b'|');
        joined_field(&mut v, ["=A1", "b"].into_iter(), b';', true);
        assert_eq!(s(&v), "\"'=A1;b\"|=A1;b");
    }

    #[test]
    fn header_column_counts() {
        assert_eq!(PATIENTS_HEADER.split(',').count(), 36);
        assert_eq!(EVENTS_HEADER.split(',').count(), 14);
        assert!(!PATIENTS_HEADER.contains(' '));
    }

    #[test]
    fn age_in_completed_years_at_the_injury_date() {
        let birth = crate::civil::Date::parse("1998-03-14").unwrap();
        let day = |s: &str| crate::civil::Date::parse(s).unwrap().midnight();
        assert_eq!(completed_years(birth.0, day("2025-03-13") + 86_399), 26);
        assert_eq!(completed_years(birth.0, day("2025-03-14")), 27);
        assert_eq!(completed_years(birth.0, day("2025-06-03") + 3600), 27);
    }
}
