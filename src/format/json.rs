//! The JSON record (DOMAIN.md §8) and its three framings: `ndjson`, `json`, `json-wrapped` (§9).

use super::text::{json_str, uint};
use super::{RecordWriter, RunMeta, OUTPUT_VERSION};
use crate::civil::{write_tenths, write_timestamp};
use crate::config::Resolved;
use crate::data::vitals::{BODY_TEMPERATURE, VITALS};
use crate::patient::record::{EventType, PatientRecord, Timing};

/// How records are framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonFraming {
    /// One record per line (`ndjson`).
    Lines,
    /// A compact array (`json`).
    Array,
    /// `{"metadata":…,"patients":[…]}` (`json-wrapped`).
    Wrapped,
}

/// Writes patient records as compact JSON.
#[derive(Clone, Debug)]
pub struct JsonWriter {
    framing: JsonFraming,
    /// Front names, already JSON-escaped and quoted.
    fronts: Vec<Vec<u8>>,
    metadata: Vec<u8>,
}

impl JsonWriter {
    /// A writer for `cfg` with run metadata `meta`.
    pub fn new(framing: JsonFraming, cfg: &Resolved, meta: &RunMeta) -> Self {
        let fronts = cfg
            .fronts
            .iter()
            .map(|f| {
                let mut v = Vec::new();
                json_str(&mut v, &f.name);
                v
            })
            .collect();
        JsonWriter { framing, fronts, metadata: metadata_json(meta) }
    }
}

/// The `json-wrapped` metadata object (9.1).
pub fn metadata_json(meta: &RunMeta) -> Vec<u8> {
    let mut o = Vec::with_capacity(256);
    o.extend_from_slice(b"{\"generator\":\"patientgen\",\"output_version\":");
    json_str(&mut o, OUTPUT_VERSION);
    o.extend_from_slice(b",\"seed\":\"");
    uint(&mut o, meta.seed);
    o.extend_from_slice(b"\",\"total_patients\":");
    uint(&mut o, meta.total_patients);
    o.extend_from_slice(b",\"config_sha256\":");
    json_str(&mut o, &meta.config_sha256);
    o.extend_from_slice(b",\"base_date\":");
    json_str(&mut o, &meta.base_date);
    o.extend_from_slice(b",\"days_of_fighting\":");
    uint(&mut o, meta.days_of_fighting as u64);
    o.extend_from_slice(b",\"flow_model\":");
    json_str(&mut o, meta.flow_model);
    o.extend_from_slice(b",\"schema_version\":1}");
    o
}

impl RecordWriter for JsonWriter {
    fn prefix(&mut self, out: &mut Vec<u8>) {
        match self.framing {
            JsonFraming::Lines => {}
            JsonFraming::Array => out.push(b'['),
            JsonFraming::Wrapped => {
                out.extend_from_slice(b"{\"metadata\":");
                out.extend_from_slice(&self.metadata);
                out.extend_from_slice(b",\"patients\":[");
            }
        }
    }

    fn record(&mut self, rec: &PatientRecord, out: &mut Vec<u8>) {
        if self.framing != JsonFraming::Lines && rec.id > 0 {
            out.push(b',');
        }
        let front = self.fronts.get(rec.front as usize).map_or(&b"\"\""[..], |f| &f[..]);
        write_record(rec, front, out);
        if self.framing == JsonFraming::Lines {
            out.push(b'\n');
        }
    }

    fn suffix(&mut self, out: &mut Vec<u8>) {
        match self.framing {
            JsonFraming::Lines => {}
            JsonFraming::Array => out.push(b']'),
            JsonFraming::Wrapped => out.extend_from_slice(b"]}"),
        }
    }
}

#[inline]
fn key(out: &mut Vec<u8>, k: &[u8]) {
    out.extend_from_slice(k);
}

#[inline]
fn lit(out: &mut Vec<u8>, s: &str) {
    // Vocabulary strings never need escaping.
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

#[inline]
fn ts(out: &mut Vec<u8>, t: i64) {
    out.push(b'"');
    write_timestamp(out, t);
    out.push(b'"');
}

/// Writes one record as compact JSON, keys in the order of DOMAIN.md §8.1.
/// `front` is the front name, already quoted and escaped.
pub fn write_record(rec: &PatientRecord, front: &[u8], out: &mut Vec<u8>) {
    let ctx = &rec.context;
    key(out, b"{\"id\":");
    uint(out, rec.id);
    key(out, b",\"nationality\":");
    lit(out, rec.nationality.as_str());
    key(out, b",\"gender\":");
    lit(out, rec.gender.as_str());
    key(out, b",\"injury_type\":");
    lit(out, rec.injury_type.as_str());
    key(out, b",\"triage_category\":");
    lit(out, rec.triage.as_str());
    key(out, b",\"status\":");
    lit(out, rec.status.as_str());
    key(out, b",\"front\":");
    out.extend_from_slice(front);
    key(out, b",\"final_status\":");
    lit(out, rec.status.final_status());
    key(out, b",\"last_facility\":");
    lit(out, rec.last_facility.as_str());

    let d = &rec.demographics;
    key(out, b",\"demographics\":{\"family_name\":");
    json_str(out, d.family_name);
    key(out, b",\"given_name\":");
    json_str(out, d.given_name);
    key(out, b",\"gender\":");
    lit(out, rec.gender.as_str());
    key(out, b",\"id_number\":");
    json_str(out, &d.id_number);
    key(out, b",\"birthdate\":\"");
    d.birthdate.write(out);
    key(out, b"\",\"nationality\":");
    lit(out, rec.nationality.as_str());
    if let Some(r) = d.religion {
        key(out, b",\"religion\":");
        lit(out, r.code());
    }
    key(out, b",\"weight\":");
    write_tenths(out, d.weight_tenths);
    key(out, b",\"blood_type\":");
    lit(out, d.blood_type.as_str());
    if let Some(r) = d.rank {
        key(out, b",\"rank\":");
        lit(out, r.as_str());
    }
    if let Some(s) = d.service {
        key(out, b",\"service\":");
        lit(out, s.as_str());
    }

    key(out, b"},\"conditions\":[");
    for (k, c) in rec.conditions.iter().enumerate() {
        let info = c.info();
        key(out, if k == 0 { b"{\"code\":" } else { b",{\"code\":" });
        lit(out, info.code);
        key(out, b",\"name\":");
        lit(out, info.display);
        if k == 0 {
            key(out, b",\"severity\":");
            lit(out, rec.primary_severity.as_str());
        }
        out.push(b'}');
    }
    key(out, b"],\"severity\":");
    uint(out, rec.severity as u64);

    key(out, b",\"treatments\":[");
    for (k, v) in rec.visits.iter().enumerate() {
        key(out, if k == 0 { b"{\"facility\":" } else { b",{\"facility\":" });
        lit(out, v.facility.as_str());
        key(out, b",\"date\":");
        ts(out, v.date);
        key(out, b",\"treatments\":[");
        for (j, p) in v.treatments.iter().enumerate() {
            key(out, if j == 0 { b"{\"code\":" } else { b",{\"code\":" });
            lit(out, p.code());
            key(out, b",\"display\":");
            lit(out, p.display());
            out.push(b'}');
        }
        key(out, b"],\"observations\":[");
        for (j, (code, display, unit)) in VITALS.iter().enumerate() {
            key(out, if j == 0 { b"{\"code\":" } else { b",{\"code\":" });
            lit(out, code);
            key(out, b",\"display\":");
            lit(out, display);
            key(out, b",\"value\":");
            if j == BODY_TEMPERATURE {
                write_tenths(out, v.vitals[j] as u32);
            } else {
                super::text::int(out, v.vitals[j] as i64);
            }
            key(out, b",\"unit\":");
            lit(out, unit);
            out.push(b'}');
        }
        key(out, b"]}");
    }

    key(out, b"],\"movement_timeline\":[");
    let triage = rec.triage.as_str();
    for (k, e) in rec.timeline.iter().enumerate() {
        key(out, if k == 0 { b"{\"event_type\":" } else { b",{\"event_type\":" });
        lit(out, e.kind.as_str());
        key(out, b",\"facility\":");
        lit(out, e.facility.as_str());
        key(out, b",\"timestamp\":");
        ts(out, e.time);
        key(out, b",\"hours_since_injury\":");
        write_tenths(out, e.hours_since_injury);
        match e.kind {
            EventType::Arrival | EventType::RemainsRole4 => {}
            EventType::EvacuationStart => {
                key(out, b",\"evacuation_duration_hours\":");
                write_tenths(out, e.duration);
                key(out, b",\"triage_category\":");
                lit(out, triage);
                if let Some(n) = e.next_facility {
                    key(out, b",\"next_facility\":");
                    lit(out, n.as_str());
                }
            }
            EventType::TransitStart => {
                key(out, b",\"from_facility\":");
                lit(out, e.facility.as_str());
                if let Some(t) = e.to_facility {
                    key(out, b",\"to_facility\":");
                    lit(out, t.as_str());
                }
                key(out, b",\"transit_duration_hours\":");
                write_tenths(out, e.duration);
                key(out, b",\"triage_category\":");
                lit(out, triage);
            }
            EventType::Kia | EventType::Rtd => {
                if let Some(t) = e.timing {
                    key(out, if e.kind == EventType::Kia { b",\"kia_timing\":" } else { b",\"rtd_timing\":" });
                    lit(out, t.as_str());
                }
                if let Some(c) = e.completed {
                    if e.timing == Some(Timing::DuringTransit) {
                        key(out, b",\"transit_hours_completed\":");
                        write_tenths(out, c);
                        if let Some(t) = e.to_facility {
                            key(out, b",\"destination_facility\":");
                            lit(out, t.as_str());
                        }
                    } else {
                        key(out, b",\"evacuation_hours_completed\":");
                        write_tenths(out, c);
                    }
                }
                if let Some(n) = e.facilities_visited {
                    key(out, b",\"facilities_visited\":");
                    uint(out, n as u64);
                }
            }
        }
        out.push(b'}');
    }

    key(out, b"],\"injury_time\":");
    ts(out, ctx.injury_time);
    key(out, b",\"scenario\":");
    lit(out, ctx.scenario.as_str());
    key(out, b",\"event_id\":\"");
    ctx.event_id.write(out);
    out.push(b'"');
    if ctx.mass_casualty {
        key(out, b",\"mass_casualty\":true");
    }
    key(out, b",\"day\":\"Day ");
    uint(out, ctx.day as u64);
    key(out, b"\",\"body_part\":");
    lit(out, rec.body_part.as_str());
    if !ctx.environment.is_empty() {
        key(out, b",\"environmental_conditions\":[");
        for (k, c) in ctx.environment.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            lit(out, c.as_str());
        }
        out.push(b']');
    }
    out.push(b'}');
}
