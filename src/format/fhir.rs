//! FHIR R4 (DOMAIN.md §9.4): one `collection` Bundle per patient per line.
//!
//! Entry order: Patient; Conditions (primary first); Encounters (one per visit); Procedures (visit
//! order, item order); Observations (five vital signs per visit, then blood group, then body
//! weight). Resource ids and `fullUrl`s are UUIDv8 derived from the run seed, the patient index,
//! the resource kind and its ordinal, so a bundle is a pure function of the record.

use super::{RecordWriter, RunMeta};
use crate::data::vitals::{order, BODY_TEMPERATURE, VITALS};
use crate::data::vocab::{Facility, Status, Triage};
use crate::patient::record::{EventType, PatientRecord, MAX_VISITS};
use crate::patient::record::{DIASTOLIC, GCS};
use crate::rng::{keyed, tag};
use crate::text::{int, json_str, uint, write_date, write_tenths, write_timestamp};

/// Resource kind κ of the UUID derivation (9.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum ResourceKind {
    /// The Bundle itself.
    Bundle = 0,
    /// Patient.
    Patient = 1,
    /// Condition.
    Condition = 2,
    /// Encounter.
    Encounter = 3,
    /// Procedure.
    Procedure = 4,
    /// Observation.
    Observation = 5,
}

/// A UUID in its 36-character text form.
pub type UuidText = [u8; 36];

/// The UUIDv8 of resource `kind` number `k` (0-based within its kind) in the bundle of patient
/// `index`: `H(6, i, κ, k) ‖ H(7, i, κ, k)`, version nibble 8, variant `10`, lower-case 8-4-4-4-12.
pub fn uuid(seed: u64, index: u64, kind: ResourceKind, k: u64) -> UuidText {
    let hi = keyed(seed, tag::UUID_HIGH, index, kind as u64, k);
    let lo = keyed(seed, tag::UUID_LOW, index, kind as u64, k);
    let hi = (hi & !(0xF << 12)) | (0x8 << 12);
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    let v = ((hi as u128) << 64) | lo as u128;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [b'-'; 36];
    let mut nibble = 0;
    for (pos, slot) in t.iter_mut().enumerate() {
        if matches!(pos, 8 | 13 | 18 | 23) {
            continue;
        }
        *slot = HEX[((v >> (124 - 4 * nibble)) & 0xF) as usize];
        nibble += 1;
    }
    t
}

/// Writes one FHIR R4 Bundle per patient per line.
#[derive(Clone, Debug)]
pub struct FhirWriter {
    seed: u64,
}

impl FhirWriter {
    /// A writer for a run with metadata `meta` (the seed keys the UUIDs).
    pub fn new(meta: &RunMeta) -> Self {
        FhirWriter { seed: meta.seed }
    }
}

impl RecordWriter for FhirWriter {
    fn prefix(&mut self, _out: &mut Vec<u8>) {}

    fn record(&mut self, rec: &PatientRecord, out: &mut Vec<u8>) {
        write_bundle(self.seed, rec, out);
        out.push(b'\n');
    }

    fn suffix(&mut self, _out: &mut Vec<u8>) {}
}

const SNOMED: &str = "http://snomed.info/sct";
const LOINC: &str = "http://loinc.org";
const UCUM: &str = "http://unitsofmeasure.org";

#[inline]
fn raw(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

/// `{"system":…,"code":…,"display":…}`.
fn coding(out: &mut Vec<u8>, system: &str, code: &str, display: &str) {
    raw(out, "{\"system\":");
    json_str(out, system);
    raw(out, ",\"code\":");
    json_str(out, code);
    raw(out, ",\"display\":");
    json_str(out, display);
    out.push(b'}');
}

/// `{"coding":[coding]}`.
fn concept(out: &mut Vec<u8>, system: &str, code: &str, display: &str) {
    raw(out, "{\"coding\":[");
    coding(out, system, code, display);
    raw(out, "]}");
}

#[inline]
fn uuid_str(out: &mut Vec<u8>, u: &UuidText) {
    raw(out, "\"urn:uuid:");
    out.extend_from_slice(u);
    out.push(b'"');
}

/// `{"reference":"urn:uuid:…"}`.
#[inline]
fn reference(out: &mut Vec<u8>, u: &UuidText) {
    raw(out, "{\"reference\":");
    uuid_str(out, u);
    out.push(b'}');
}

#[inline]
fn date_time(out: &mut Vec<u8>, t: i64) {
    out.push(b'"');
    write_timestamp(out, t);
    out.push(b'"');
}

/// `,{"fullUrl":"urn:uuid:U","resource":{"resourceType":"T","id":"U"` (the caller closes `}}`).
fn entry_start(out: &mut Vec<u8>, first: bool, resource_type: &str, u: &UuidText) {
    raw(out, if first { "{\"fullUrl\":" } else { ",{\"fullUrl\":" });
    uuid_str(out, u);
    raw(out, ",\"resource\":{\"resourceType\":\"");
    raw(out, resource_type);
    raw(out, "\",\"id\":\"");
    out.extend_from_slice(u);
    out.push(b'"');
}

fn class_of(f: Facility) -> (&'static str, &'static str) {
    match f {
        Facility::Poi => ("FLD", "field"),
        Facility::Role1 => ("EMER", "emergency"),
        _ => ("IMP", "inpatient encounter"),
    }
}

fn role_display(f: Facility) -> &'static str {
    match f {
        Facility::Poi => "Point of injury",
        Facility::Role1 => "Role 1",
        Facility::Role2 => "Role 2",
        Facility::Role3 => "Role 3",
        Facility::Role4 => "Role 4",
    }
}

fn priority_of(t: Triage) -> (&'static str, &'static str) {
    match t {
        Triage::T1 => ("EM", "emergency"),
        Triage::T2 => ("UR", "urgent"),
        Triage::T3 => ("R", "routine"),
    }
}

/// `"category":[vital-signs | laboratory]`.
/// `,"valueQuantity":{…}` of an integer value in a UCUM unit.
fn quantity(out: &mut Vec<u8>, value: i64, unit: &str) {
    quantity_with(out, |o| int(o, value), unit);
}

/// `,"valueQuantity":{…}` whose value `write_value` writes, in a UCUM unit.
fn quantity_with(out: &mut Vec<u8>, write_value: impl FnOnce(&mut Vec<u8>), unit: &str) {
    raw(out, ",\"valueQuantity\":{\"value\":");
    write_value(out);
    raw(out, ",\"unit\":");
    json_str(out, unit);
    raw(out, ",\"system\":\"");
    raw(out, UCUM);
    raw(out, "\",\"code\":");
    json_str(out, unit);
    out.push(b'}');
}

fn observation_category(out: &mut Vec<u8>, laboratory: bool) {
    raw(out, ",\"category\":[");
    let (code, display) = if laboratory { ("laboratory", "Laboratory") } else { ("vital-signs", "Vital Signs") };
    concept(out, "http://terminology.hl7.org/CodeSystem/observation-category", code, display);
    out.push(b']');
}

/// Writes one Bundle (without the line end).
pub fn write_bundle(seed: u64, rec: &PatientRecord, out: &mut Vec<u8>) {
    let i = rec.id;
    let id = |kind, k| uuid(seed, i, kind, k);
    let patient = id(ResourceKind::Patient, 0);
    let primary = id(ResourceKind::Condition, 0);
    let mut encounters = [[0u8; 36]; MAX_VISITS];
    for (k, e) in encounters.iter_mut().enumerate().take(rec.visits.len()) {
        *e = id(ResourceKind::Encounter, k as u64);
    }
    let injury_time = rec.context.injury_time;

    raw(out, "{\"resourceType\":\"Bundle\",\"id\":\"");
    out.extend_from_slice(&id(ResourceKind::Bundle, 0));
    raw(out, "\",\"identifier\":{\"system\":\"https://patientgen.dev/fhir/NamingSystem/patient\",\"value\":\"");
    uint(out, i);
    raw(out, "\"},\"type\":\"collection\",\"entry\":[");

    write_patient(rec, &patient, out);

    // Conditions.
    let poi_encounter = (!rec.visits.is_empty()).then_some(&encounters[0]);
    for (k, c) in rec.conditions.iter().enumerate() {
        let info = c.info();
        let u = if k == 0 { primary } else { id(ResourceKind::Condition, k as u64) };
        entry_start(out, false, "Condition", &u);
        raw(out, ",\"clinicalStatus\":");
        concept(out, "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active");
        raw(out, ",\"verificationStatus\":");
        concept(out, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed");
        raw(out, ",\"category\":[");
        concept(
            out,
            "http://terminology.hl7.org/CodeSystem/condition-category",
            "encounter-diagnosis",
            "Encounter Diagnosis",
        );
        out.push(b']');
        if k == 0 {
            raw(out, ",\"severity\":");
            concept(out, SNOMED, rec.primary_severity.snomed(), rec.primary_severity.as_str());
        }
        raw(out, ",\"code\":{\"coding\":[");
        coding(out, SNOMED, info.code, info.display);
        raw(out, "],\"text\":");
        json_str(out, info.display);
        out.push(b'}');
        if k == 0 {
            raw(out, ",\"bodySite\":[{\"text\":");
            json_str(out, rec.body_part.as_str());
            raw(out, "}]");
        }
        raw(out, ",\"subject\":");
        reference(out, &patient);
        if let Some(e) = poi_encounter {
            raw(out, ",\"encounter\":");
            reference(out, e);
        }
        raw(out, ",\"onsetDateTime\":");
        date_time(out, injury_time);
        raw(out, ",\"recordedDate\":");
        date_time(out, injury_time);
        raw(out, "}}");
    }

    // How each visit ends: the first `transit_start` or terminal event after its arrival.
    let mut ends: [Option<(EventType, i64)>; MAX_VISITS] = [None; MAX_VISITS];
    let mut visit: Option<usize> = None;
    for e in &rec.timeline {
        match e.kind {
            EventType::Arrival => visit = Some(visit.map_or(0, |v| v + 1)),
            EventType::EvacuationStart => {}
            kind => {
                if let Some(slot) = visit.and_then(|v| ends.get_mut(v)) {
                    if slot.is_none() {
                        *slot = Some((kind, e.time));
                    }
                }
            }
        }
    }

    // Encounters.
    let (prio_code, prio_display) = priority_of(rec.triage);
    let n_visits = rec.visits.len();
    for (k, v) in rec.visits.iter().enumerate() {
        let in_progress = k + 1 == n_visits && rec.status == Status::RemainsRole4;
        entry_start(out, false, "Encounter", &encounters[k]);
        raw(out, if in_progress { ",\"status\":\"in-progress\"" } else { ",\"status\":\"finished\"" });
        let (class_code, class_display) = class_of(v.facility);
        raw(out, ",\"class\":");
        coding(out, "http://terminology.hl7.org/CodeSystem/v3-ActCode", class_code, class_display);
        raw(out, ",\"type\":[");
        let role = if v.facility == Facility::Poi { "POI" } else { v.facility.as_str() };
        concept(out, "https://patientgen.dev/fhir/CodeSystem/nato-role", role, role_display(v.facility));
        raw(out, "],\"priority\":");
        concept(out, "http://terminology.hl7.org/CodeSystem/v3-ActPriority", prio_code, prio_display);
        raw(out, ",\"subject\":");
        reference(out, &patient);
        raw(out, ",\"period\":{\"start\":");
        date_time(out, v.date);
        let end = if in_progress { None } else { ends[k] };
        if let Some((_, t)) = end {
            raw(out, ",\"end\":");
            date_time(out, t);
        }
        out.push(b'}');
        if !rec.conditions.is_empty() {
            raw(out, ",\"reasonReference\":[");
            reference(out, &primary);
            out.push(b']');
        }
        const DISPOSITION: &str = "http://terminology.hl7.org/CodeSystem/discharge-disposition";
        match end.map(|(kind, _)| kind) {
            Some(EventType::TransitStart) => {
                raw(out, ",\"hospitalization\":{\"dischargeDisposition\":");
                concept(out, DISPOSITION, "other-hcf", "Other healthcare facility");
                out.push(b'}');
            }
            Some(EventType::Kia) => {
                raw(out, ",\"hospitalization\":{\"dischargeDisposition\":");
                concept(out, DISPOSITION, "exp", "Expired");
                out.push(b'}');
            }
            Some(EventType::Rtd) => {
                raw(out, ",\"hospitalization\":{\"dischargeDisposition\":{\"coding\":[");
                coding(out, DISPOSITION, "oth", "Other");
                raw(out, "],\"text\":\"Returned to duty\"}}");
            }
            _ => {}
        }
        raw(out, "}}");
    }

    // Procedures.
    let mut k = 0u64;
    for (vk, v) in rec.visits.iter().enumerate() {
        for p in &v.treatments {
            entry_start(out, false, "Procedure", &id(ResourceKind::Procedure, k));
            k += 1;
            raw(out, ",\"status\":\"completed\",\"code\":");
            concept(out, SNOMED, p.code(), p.display());
            raw(out, ",\"subject\":");
            reference(out, &patient);
            raw(out, ",\"encounter\":");
            reference(out, &encounters[vk]);
            raw(out, ",\"performedDateTime\":");
            date_time(out, v.date);
            raw(out, "}}");
        }
    }

    // Observations: vital signs per visit, then blood group, then body weight.
    let mut k = 0u64;
    for (vk, v) in rec.visits.iter().enumerate() {
        let panel = v.n_vitals == 7;
        for &j in order(v.n_vitals) {
            if panel && j == DIASTOLIC {
                // Written as a component of the blood-pressure panel.
                continue;
            }
            let (code, display, unit) = VITALS[j];
            entry_start(out, false, "Observation", &id(ResourceKind::Observation, k));
            k += 1;
            raw(out, ",\"status\":\"final\"");
            if j == GCS {
                raw(out, ",\"category\":[");
                concept(out, "http://terminology.hl7.org/CodeSystem/observation-category", "exam", "Exam");
                out.push(b']');
            } else {
                observation_category(out, false);
            }
            raw(out, ",\"code\":{\"coding\":[");
            if panel && j == 1 {
                coding(out, LOINC, "85354-9", "Blood pressure panel with all children optional");
            } else {
                coding(out, LOINC, code, display);
            }
            if code == "59408-5" {
                out.push(b',');
                coding(out, LOINC, "2708-6", "Oxygen saturation in Arterial blood");
            }
            raw(out, "]},\"subject\":");
            reference(out, &patient);
            raw(out, ",\"encounter\":");
            reference(out, &encounters[vk]);
            raw(out, ",\"effectiveDateTime\":");
            date_time(out, v.date);
            if panel && j == 1 {
                raw(out, ",\"component\":[");
                for (n, c) in [1, DIASTOLIC].into_iter().enumerate() {
                    let (code, display, unit) = VITALS[c];
                    if n > 0 {
                        out.push(b',');
                    }
                    raw(out, "{\"code\":");
                    concept(out, LOINC, code, display);
                    quantity(out, v.vitals[c] as i64, unit);
                    out.push(b'}');
                }
                raw(out, "]}}");
                continue;
            }
            if j == BODY_TEMPERATURE {
                quantity_with(out, |o| write_tenths(o, v.vitals[j].max(0) as u32), unit);
            } else {
                quantity(out, v.vitals[j] as i64, unit);
            }
            raw(out, "}}");
        }
    }
    let d = &rec.demographics;
    entry_start(out, false, "Observation", &id(ResourceKind::Observation, k));
    raw(out, ",\"status\":\"final\"");
    observation_category(out, true);
    raw(out, ",\"code\":");
    concept(out, LOINC, "882-1", "ABO and Rh group [Type] in Blood");
    raw(out, ",\"subject\":");
    reference(out, &patient);
    raw(out, ",\"effectiveDateTime\":");
    date_time(out, injury_time);
    raw(out, ",\"valueCodeableConcept\":");
    concept(out, SNOMED, d.blood_type.snomed(), d.blood_type.display());
    raw(out, "}}");

    entry_start(out, false, "Observation", &id(ResourceKind::Observation, k + 1));
    raw(out, ",\"status\":\"final\"");
    observation_category(out, false);
    raw(out, ",\"code\":");
    concept(out, LOINC, "29463-7", "Body weight");
    raw(out, ",\"subject\":");
    reference(out, &patient);
    raw(out, ",\"effectiveDateTime\":");
    date_time(out, injury_time);
    raw(out, ",\"valueQuantity\":{\"value\":");
    write_tenths(out, d.weight_tenths);
    raw(out, ",\"unit\":\"kg\",\"system\":\"");
    raw(out, UCUM);
    raw(out, "\",\"code\":\"kg\"}}}");

    raw(out, "]}");
}

fn write_patient(rec: &PatientRecord, patient: &UuidText, out: &mut Vec<u8>) {
    let d = &rec.demographics;
    entry_start(out, true, "Patient", patient);
    raw(out, ",\"extension\":[{\"url\":\"https://patientgen.dev/fhir/StructureDefinition/nationality\",");
    raw(out, "\"valueCodeableConcept\":");
    concept(out, "urn:iso:std:iso:3166", rec.nationality.as_str(), rec.nationality.name());
    out.push(b'}');
    if let Some(r) = d.religion {
        raw(out, ",{\"url\":\"http://hl7.org/fhir/StructureDefinition/patient-religion\",\"valueCodeableConcept\":");
        concept(out, "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation", r.code(), r.display());
        out.push(b'}');
    }
    if let Some(r) = d.rank {
        raw(out, ",{\"url\":\"https://patientgen.dev/fhir/StructureDefinition/military-rank\",\"valueCoding\":");
        coding(out, "https://patientgen.dev/fhir/CodeSystem/stanag-2116", r.as_str(), r.as_str());
        out.push(b'}');
    }
    if let Some(s) = d.service {
        raw(out, ",{\"url\":\"https://patientgen.dev/fhir/StructureDefinition/military-service\",\"valueString\":");
        json_str(out, s.as_str());
        out.push(b'}');
    }
    raw(out, "],\"identifier\":[{\"use\":\"official\",\"type\":");
    concept(out, "http://terminology.hl7.org/CodeSystem/v2-0203", "NI", "National unique individual identifier");
    raw(out, ",\"system\":\"https://patientgen.dev/fhir/NamingSystem/national-id/");
    raw(out, rec.nationality.as_str());
    raw(out, "\",\"value\":");
    json_str(out, &d.id_number);
    raw(out, "}],\"name\":[{\"use\":\"official\",\"family\":");
    json_str(out, d.family_name);
    raw(out, ",\"given\":[");
    json_str(out, d.given_name);
    raw(out, "]}],\"gender\":\"");
    raw(out, rec.gender.as_str());
    raw(out, "\",\"birthDate\":\"");
    write_date(out, d.birthdate);
    out.push(b'"');
    if let Some(t) = rec.terminal().filter(|t| t.kind == EventType::Kia) {
        raw(out, ",\"deceasedDateTime\":");
        date_time(out, t.time);
    }
    raw(out, "}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_8_and_variant_10() {
        for k in 0..64 {
            let u = uuid(42, 377, ResourceKind::Observation, k);
            let s = std::str::from_utf8(&u).unwrap();
            assert_eq!(s.len(), 36);
            assert_eq!(&s[14..15], "8", "{s}");
            assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
            assert!(s.bytes().all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
            assert_eq!([8, 13, 18, 23].map(|p| s.as_bytes()[p]), [b'-'; 4]);
        }
        assert_ne!(uuid(42, 377, ResourceKind::Observation, 0), uuid(42, 377, ResourceKind::Procedure, 0));
        assert_ne!(uuid(42, 377, ResourceKind::Observation, 0), uuid(43, 377, ResourceKind::Observation, 0));
    }

    #[test]
    fn uuid_halves_are_the_keyed_hashes() {
        let u = uuid(7, 3, ResourceKind::Condition, 1);
        let hex: String = std::str::from_utf8(&u).unwrap().chars().filter(|&c| c != '-').collect();
        let v = u128::from_str_radix(&hex, 16).unwrap();
        let hi = keyed(7, 6, 3, 2, 1);
        let lo = keyed(7, 7, 3, 2, 1);
        assert_eq!((v >> 64) as u64 & !(0xF << 12), hi & !(0xF << 12));
        assert_eq!(v as u64 & !(0b11 << 62), lo & !(0b11 << 62));
    }
}
