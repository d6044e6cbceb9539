//! XML (DOMAIN.md §9.3): one document, one `<patient>` line per record.
//!
//! The prefix holds the declaration and the root start tag with the run metadata (9.1) as
//! attributes; the suffix closes the root. Element order follows the JSON key order of §8.

use super::{RecordWriter, RunMeta, OUTPUT_VERSION};
use crate::config::Resolved;
use crate::data::vitals::{order, BODY_TEMPERATURE, VITALS};
use crate::patient::record::{EventType, PatientRecord, Timing};
use crate::text::{int, uint, write_date, write_tenths, write_timestamp};

/// Namespace of the root element (`/1` is the schema version).
pub const NAMESPACE: &str = "https://patientgen.dev/ns/patients/1";

/// Writes patient records as XML.
#[derive(Clone, Debug)]
pub struct XmlWriter {
    /// Front names, already escaped as text.
    fronts: Vec<Vec<u8>>,
    prefix: Vec<u8>,
}

impl XmlWriter {
    /// A writer for `cfg` with run metadata `meta`.
    pub fn new(cfg: &Resolved, meta: &RunMeta) -> Self {
        let fronts = cfg
            .fronts
            .iter()
            .map(|f| {
                let mut v = Vec::new();
                text(&mut v, &f.name);
                v
            })
            .collect();
        XmlWriter { fronts, prefix: prefix_bytes(meta) }
    }
}

fn prefix_bytes(meta: &RunMeta) -> Vec<u8> {
    let mut o = Vec::with_capacity(400);
    o.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<patients xmlns=\"");
    o.extend_from_slice(NAMESPACE.as_bytes());
    o.extend_from_slice(b"\" generator=\"patientgen\" output_version=\"");
    attr_value(&mut o, OUTPUT_VERSION);
    o.extend_from_slice(b"\" seed=\"");
    uint(&mut o, meta.seed);
    o.extend_from_slice(b"\" total_patients=\"");
    uint(&mut o, meta.total_patients);
    o.extend_from_slice(b"\" config_sha256=\"");
    attr_value(&mut o, &meta.config_sha256);
    o.extend_from_slice(b"\" base_date=\"");
    attr_value(&mut o, &meta.base_date);
    o.extend_from_slice(b"\" days_of_fighting=\"");
    uint(&mut o, meta.days_of_fighting as u64);
    o.extend_from_slice(b"\" flow_model=\"");
    attr_value(&mut o, meta.flow_model);
    o.extend_from_slice(b"\">\n");
    o
}

impl RecordWriter for XmlWriter {
    fn prefix(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.prefix);
    }

    fn record(&mut self, rec: &PatientRecord, out: &mut Vec<u8>) {
        let front = self.fronts.get(rec.front as usize).map_or(&[][..], |f| &f[..]);
        write_record(rec, front, out);
        out.push(b'\n');
    }

    fn suffix(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"</patients>\n");
    }
}

fn escape(out: &mut Vec<u8>, s: &str, quot: bool) {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if quot => b"&quot;",
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
}

/// Appends `s` escaped as element text (`&amp; &lt; &gt;`).
#[inline]
pub fn text(out: &mut Vec<u8>, s: &str) {
    escape(out, s, false);
}

/// Appends `s` escaped as a double-quoted attribute value (also `&quot;`).
#[inline]
pub fn attr_value(out: &mut Vec<u8>, s: &str) {
    escape(out, s, true);
}

/// `<name>` + escaped text + `</name>`.
#[inline]
fn elem(out: &mut Vec<u8>, name: &str, value: &str) {
    open(out, name);
    text(out, value);
    close(out, name);
}

#[inline]
fn open(out: &mut Vec<u8>, name: &str) {
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

#[inline]
fn close(out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

/// ` name="value"` with an escaped value.
#[inline]
fn attr(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    attr_value(out, value);
    out.push(b'"');
}

/// ` name="` … the caller writes the value … then `"`.
#[inline]
fn attr_start(out: &mut Vec<u8>, name: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
}

#[inline]
fn ts_attr(out: &mut Vec<u8>, name: &str, t: i64) {
    attr_start(out, name);
    write_timestamp(out, t);
    out.push(b'"');
}

#[inline]
fn tenths_attr(out: &mut Vec<u8>, name: &str, v: u32) {
    attr_start(out, name);
    write_tenths(out, v);
    out.push(b'"');
}

/// Writes one `<patient>` element (without the line end); `front` is the escaped front name.
pub fn write_record(rec: &PatientRecord, front: &[u8], out: &mut Vec<u8>) {
    let ctx = &rec.context;
    out.extend_from_slice(b"<patient id=\"");
    uint(out, rec.id);
    out.extend_from_slice(b"\">");
    elem(out, "nationality", rec.nationality.as_str());
    elem(out, "gender", rec.gender.as_str());
    elem(out, "injury_type", rec.injury_type.as_str());
    elem(out, "triage_category", rec.triage.as_str());
    elem(out, "status", rec.status.as_str());
    out.extend_from_slice(b"<front>");
    out.extend_from_slice(front);
    out.extend_from_slice(b"</front>");
    elem(out, "final_status", rec.status.final_status());
    elem(out, "last_facility", rec.last_facility.as_str());

    let d = &rec.demographics;
    out.extend_from_slice(b"<demographics>");
    elem(out, "family_name", d.family_name);
    elem(out, "given_name", d.given_name);
    elem(out, "gender", rec.gender.as_str());
    elem(out, "id_number", &d.id_number);
    out.extend_from_slice(b"<birthdate>");
    write_date(out, d.birthdate);
    out.extend_from_slice(b"</birthdate>");
    elem(out, "nationality", rec.nationality.as_str());
    if let Some(r) = d.religion {
        elem(out, "religion", r.code());
    }
    out.extend_from_slice(b"<weight>");
    write_tenths(out, d.weight_tenths);
    out.extend_from_slice(b"</weight>");
    elem(out, "blood_type", d.blood_type.as_str());
    if let Some(r) = d.rank {
        elem(out, "rank", r.as_str());
    }
    if let Some(s) = d.service {
        elem(out, "service", s.as_str());
    }
    out.extend_from_slice(b"</demographics>");

    out.extend_from_slice(b"<conditions>");
    for (k, c) in rec.conditions.iter().enumerate() {
        let info = c.info();
        out.extend_from_slice(b"<condition");
        attr(out, "code", info.code);
        if k == 0 {
            attr(out, "severity", rec.primary_severity.as_str());
        }
        if let Some(cf) = &rec.clinical {
            attr_start(out, "ais");
            uint(out, cf.ais[k] as u64);
            out.push(b'"');
            attr(out, "body_region", cf.region[k].as_str());
        }
        out.push(b'>');
        text(out, info.display);
        out.extend_from_slice(b"</condition>");
    }
    out.extend_from_slice(b"</conditions><severity>");
    uint(out, rec.severity as u64);
    out.extend_from_slice(b"</severity>");
    if let Some(cf) = &rec.clinical {
        elem(out, "mechanism", cf.mechanism.as_str());
        out.extend_from_slice(b"<iss>");
        uint(out, cf.iss as u64);
        out.extend_from_slice(b"</iss>");
        elem(out, "evacuation_priority", cf.priority.as_str());
        if cf.mechanism == crate::data::vocab::Mechanism::Cbrn {
            elem(out, "decontaminated", "true");
        }
    }

    out.extend_from_slice(b"<treatments>");
    for v in &rec.visits {
        out.extend_from_slice(b"<visit");
        attr(out, "facility", v.facility.as_str());
        ts_attr(out, "date", v.date);
        out.push(b'>');
        for p in &v.treatments {
            out.extend_from_slice(b"<treatment");
            attr(out, "code", p.code());
            out.push(b'>');
            text(out, p.display());
            out.extend_from_slice(b"</treatment>");
        }
        for &j in order(v.n_vitals) {
            let (code, display, unit) = VITALS[j];
            out.extend_from_slice(b"<observation");
            attr(out, "code", code);
            attr_start(out, "value");
            if j == BODY_TEMPERATURE {
                write_tenths(out, v.vitals[j] as u32);
            } else {
                int(out, v.vitals[j] as i64);
            }
            out.push(b'"');
            attr(out, "unit", unit);
            out.push(b'>');
            text(out, display);
            out.extend_from_slice(b"</observation>");
        }
        out.extend_from_slice(b"</visit>");
    }
    out.extend_from_slice(b"</treatments>");

    out.extend_from_slice(b"<movement_timeline>");
    let triage = rec.triage.as_str();
    for e in &rec.timeline {
        out.extend_from_slice(b"<event");
        attr(out, "event_type", e.kind.as_str());
        attr(out, "facility", e.facility.as_str());
        ts_attr(out, "timestamp", e.time);
        tenths_attr(out, "hours_since_injury", e.hours_since_injury);
        match e.kind {
            EventType::Arrival | EventType::RemainsRole4 => {}
            EventType::EvacuationStart => {
                tenths_attr(out, "evacuation_duration_hours", e.duration);
                attr(out, "triage_category", triage);
                if let Some(n) = e.next_facility {
                    attr(out, "next_facility", n.as_str());
                }
            }
            EventType::TransitStart => {
                attr(out, "from_facility", e.facility.as_str());
                if let Some(t) = e.to_facility {
                    attr(out, "to_facility", t.as_str());
                }
                tenths_attr(out, "transit_duration_hours", e.duration);
                attr(out, "triage_category", triage);
            }
            EventType::Kia | EventType::Rtd => {
                if let Some(t) = e.timing {
                    attr(out, if e.kind == EventType::Kia { "kia_timing" } else { "rtd_timing" }, t.as_str());
                }
                if let Some(c) = e.completed {
                    if e.timing == Some(Timing::DuringTransit) {
                        tenths_attr(out, "transit_hours_completed", c);
                        if let Some(t) = e.to_facility {
                            attr(out, "destination_facility", t.as_str());
                        }
                    } else {
                        tenths_attr(out, "evacuation_hours_completed", c);
                    }
                }
                if let Some(n) = e.facilities_visited {
                    attr_start(out, "facilities_visited");
                    uint(out, n as u64);
                    out.push(b'"');
                }
            }
        }
        out.extend_from_slice(b"/>");
    }
    out.extend_from_slice(b"</movement_timeline><injury_time>");
    write_timestamp(out, ctx.injury_time);
    out.extend_from_slice(b"</injury_time>");
    elem(out, "scenario", ctx.scenario.as_str());
    out.extend_from_slice(b"<event_id>");
    ctx.event_id.write(out);
    out.extend_from_slice(b"</event_id>");
    if ctx.mass_casualty {
        out.extend_from_slice(b"<mass_casualty>true</mass_casualty>");
    }
    out.extend_from_slice(b"<day>Day ");
    uint(out, ctx.day as u64);
    out.extend_from_slice(b"</day>");
    elem(out, "body_part", rec.body_part.as_str());
    if !ctx.environment.is_empty() {
        out.extend_from_slice(b"<environmental_conditions>");
        for c in ctx.environment.iter() {
            elem(out, "environmental_condition", c.as_str());
        }
        out.extend_from_slice(b"</environmental_conditions>");
    }
    out.extend_from_slice(b"</patient>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut v = Vec::new();
        text(&mut v, "a<b>&\"c\" é");
        v.push(b'|');
        attr_value(&mut v, "a<b>&\"c\" é");
        assert_eq!(std::str::from_utf8(&v).unwrap(), "a&lt;b&gt;&amp;\"c\" é|a&lt;b&gt;&amp;&quot;c&quot; é");
    }
}
