//! The JSON record (DOMAIN.md §8) and its three framings: `ndjson`, `json`, `json-wrapped` (§9).

use super::{RecordWriter, RunMeta, OUTPUT_VERSION};
use crate::config::Resolved;
use crate::data::conditions::CONDITIONS;
use crate::data::procedures::PROCEDURES;
use crate::data::vitals::{order, BODY_TEMPERATURE, VITALS};
use crate::data::vocab::{Facility, Mechanism};
use crate::patient::record::{EventType, PatientRecord, Timing};
use crate::text::{json_str, uint, write_date, write_tenths, Cursor, Out, TimestampWriter};

/// Whether a record is assembled in the scratch buffer through a [`Cursor`] and then appended to
/// the chunk in one copy (wasm), or appended to the chunk piece by piece (native). The bytes are the
/// same; the speed is not: in wasm every variable-length append to a `Vec` is a `memory.copy` that V8
/// runs as a call into C, and the cursor makes the writer ≈ 20 % faster there, while natively the
/// extra copy of each record costs more than the appends it saves (docs/PERFORMANCE.md).
const VIA_CURSOR: bool = cfg!(target_arch = "wasm32");

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
    /// The `json-wrapped` metadata object (empty for the other framings).
    metadata: Vec<u8>,
    frags: &'static Fragments,
    timestamps: TimestampWriter,
    /// Where a record is assembled (see [`crate::text`]); grown when a record does not fit.
    scratch: Vec<u8>,
    /// [`VIA_CURSOR`], a field so that the tests can compare both ways natively.
    via_cursor: bool,
}

/// The constant parts of a record, rendered once per writer so that a record is written with a
/// few appends of whole fragments instead of one per key, quote and word.
#[derive(Clone, Debug)]
struct Fragments {
    /// `{"code":"…","display":"…"}` per procedure.
    procedures: Vec<Vec<u8>>,
    /// `{"code":"…","name":"…"` per condition.
    conditions: Vec<Vec<u8>>,
    /// `{"code":"…","display":"…","value":` per vital sign.
    vital_heads: Vec<Vec<u8>>,
    /// `,"unit":"…"}` per vital sign.
    vital_tails: Vec<Vec<u8>>,
    /// `{"facility":"…","date":"` per facility.
    visit_heads: Vec<Vec<u8>>,
    /// `{"event_type":"…","facility":"…","timestamp":"` per (event type, facility).
    event_heads: Vec<Vec<u8>>,
}

const EVENT_TYPES: [EventType; 6] = [
    EventType::Arrival,
    EventType::EvacuationStart,
    EventType::TransitStart,
    EventType::Kia,
    EventType::Rtd,
    EventType::RemainsRole4,
];

impl Fragments {
    /// The fragments, rendered once per process (they depend on no configuration).
    fn shared() -> &'static Fragments {
        static SHARED: std::sync::OnceLock<Fragments> = std::sync::OnceLock::new();
        SHARED.get_or_init(Fragments::new)
    }

    fn new() -> Self {
        let render = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut v = Vec::new();
            f(&mut v);
            v
        };
        Fragments {
            procedures: PROCEDURES
                .iter()
                .map(|(code, display)| {
                    render(&|o| {
                        key(o, b"{\"code\":");
                        lit(o, code);
                        key(o, b",\"display\":");
                        lit(o, display);
                        o.push(b'}');
                    })
                })
                .collect(),
            conditions: CONDITIONS
                .iter()
                .map(|c| {
                    render(&|o| {
                        key(o, b"{\"code\":");
                        lit(o, c.code);
                        key(o, b",\"name\":");
                        lit(o, c.display);
                    })
                })
                .collect(),
            vital_heads: VITALS
                .iter()
                .map(|(code, display, _)| {
                    render(&|o| {
                        key(o, b"{\"code\":");
                        lit(o, code);
                        key(o, b",\"display\":");
                        lit(o, display);
                        key(o, b",\"value\":");
                    })
                })
                .collect(),
            vital_tails: VITALS
                .iter()
                .map(|(_, _, unit)| {
                    render(&|o| {
                        key(o, b",\"unit\":");
                        lit(o, unit);
                        o.push(b'}');
                    })
                })
                .collect(),
            visit_heads: Facility::ALL
                .iter()
                .map(|f| {
                    render(&|o| {
                        key(o, b"{\"facility\":");
                        lit(o, f.as_str());
                        key(o, b",\"date\":\"");
                    })
                })
                .collect(),
            event_heads: EVENT_TYPES
                .iter()
                .flat_map(|t| Facility::ALL.iter().map(move |f| (*t, *f)))
                .map(|(t, f)| {
                    render(&|o| {
                        key(o, b"{\"event_type\":");
                        lit(o, t.as_str());
                        key(o, b",\"facility\":");
                        lit(o, f.as_str());
                        key(o, b",\"timestamp\":\"");
                    })
                })
                .collect(),
        }
    }

    #[inline]
    fn event_head(&self, t: EventType, f: Facility) -> &[u8] {
        // EVENT_TYPES lists the variants in declaration order, so `t as usize` is the row.
        &self.event_heads[t as usize * Facility::COUNT + f.index()]
    }
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
        JsonWriter {
            framing,
            fronts,
            metadata: if framing == JsonFraming::Wrapped { metadata_json(meta) } else { Vec::new() },
            frags: Fragments::shared(),
            timestamps: TimestampWriter::default(),
            // Sized by the first record (written twice) on wasm; unused natively.
            scratch: Vec::new(),
            via_cursor: VIA_CURSOR,
        }
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
        // Natively only the tests choose: elsewhere the branch is decided at compile time.
        if !(if cfg!(test) { self.via_cursor } else { VIA_CURSOR }) {
            write_record(rec, front, self.frags, &mut self.timestamps, out);
        } else {
            // The record goes to the scratch buffer through a cursor, then to `out` in one copy; a
            // record larger than the scratch grows it and is written again.
            loop {
                let mut cur = Cursor::new(&mut self.scratch);
                write_record(rec, front, self.frags, &mut self.timestamps, &mut cur);
                match cur.finish() {
                    Ok(n) => {
                        out.extend_from_slice(&self.scratch[..n]);
                        break;
                    }
                    Err(need) => self.scratch.resize(need.next_power_of_two(), 0),
                }
            }
        }
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

#[inline(always)]
fn key<O: Out + ?Sized>(out: &mut O, k: &[u8]) {
    out.put(k);
}

/// Appends a vocabulary word already in quotes ([`crate::data::vocab`]'s `quoted`).
#[inline(always)]
fn q<O: Out + ?Sized>(out: &mut O, quoted: &str) {
    out.put(quoted.as_bytes());
}

#[inline(always)]
fn lit<O: Out + ?Sized>(out: &mut O, s: &str) {
    // Vocabulary words, names and ids never need escaping.
    out.byte(b'"');
    out.put(s.as_bytes());
    out.byte(b'"');
}

/// Writes one record as compact JSON, keys in the order of DOMAIN.md §8.1.
/// `front` is the front name, already quoted and escaped.
fn write_record<O: Out>(rec: &PatientRecord, front: &[u8], frags: &Fragments, ts: &mut TimestampWriter, out: &mut O) {
    let ctx = &rec.context;
    key(out, b"{\"id\":");
    uint(out, rec.id);
    key(out, b",\"nationality\":");
    q(out, rec.nationality.quoted());
    key(out, b",\"gender\":");
    q(out, rec.gender.quoted());
    key(out, b",\"injury_type\":");
    q(out, rec.injury_type.quoted());
    key(out, b",\"triage_category\":");
    q(out, rec.triage.quoted());
    key(out, b",\"status\":");
    q(out, rec.status.quoted());
    key(out, b",\"front\":");
    out.put(front);
    key(out, b",\"final_status\":");
    lit(out, rec.status.final_status());
    key(out, b",\"last_facility\":");
    q(out, rec.last_facility.quoted());

    let d = &rec.demographics;
    key(out, b",\"demographics\":{\"family_name\":");
    // Names (checked by build.rs) and ids (tested in national_id) never need escaping.
    lit(out, d.family_name);
    key(out, b",\"given_name\":");
    lit(out, d.given_name);
    key(out, b",\"gender\":");
    q(out, rec.gender.quoted());
    key(out, b",\"id_number\":");
    lit(out, &d.id_number);
    key(out, b",\"birthdate\":\"");
    write_date(out, d.birthdate);
    key(out, b"\",\"nationality\":");
    q(out, rec.nationality.quoted());
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
        if k > 0 {
            out.byte(b',');
        }
        key(out, &frags.conditions[c.0 as usize]);
        if k == 0 {
            key(out, b",\"severity\":");
            q(out, rec.primary_severity.quoted());
        }
        if let Some(cf) = &rec.clinical {
            key(out, b",\"ais\":");
            uint(out, cf.ais[k] as u64);
            key(out, b",\"body_region\":");
            q(out, cf.region[k].quoted());
        }
        out.byte(b'}');
    }
    key(out, b"],\"severity\":");
    uint(out, rec.severity as u64);
    if let Some(cf) = &rec.clinical {
        key(out, b",\"mechanism\":");
        q(out, cf.mechanism.quoted());
        key(out, b",\"iss\":");
        uint(out, cf.iss as u64);
        key(out, b",\"evacuation_priority\":");
        q(out, cf.priority.quoted());
        if cf.mechanism == Mechanism::Cbrn {
            key(out, b",\"decontaminated\":true");
        }
    }

    key(out, b",\"treatments\":[");
    for (k, v) in rec.visits.iter().enumerate() {
        if k > 0 {
            out.byte(b',');
        }
        key(out, &frags.visit_heads[v.facility.index()]);
        ts.write(out, v.date);
        key(out, b"\",\"treatments\":[");
        for (j, p) in v.treatments.iter().enumerate() {
            if j > 0 {
                out.byte(b',');
            }
            key(out, &frags.procedures[p.0 as usize]);
        }
        key(out, b"],\"observations\":[");
        for (n, &j) in order(v.n_vitals).iter().enumerate() {
            if n > 0 {
                out.byte(b',');
            }
            key(out, &frags.vital_heads[j]);
            if j == BODY_TEMPERATURE {
                write_tenths(out, v.vitals[j] as u32);
            } else {
                crate::text::int(out, v.vitals[j] as i64);
            }
            key(out, &frags.vital_tails[j]);
        }
        key(out, b"]}");
    }

    key(out, b"],\"movement_timeline\":[");
    let triage = rec.triage.quoted();
    for (k, e) in rec.timeline.iter().enumerate() {
        if k > 0 {
            out.byte(b',');
        }
        key(out, frags.event_head(e.kind, e.facility));
        ts.write(out, e.time);
        key(out, b"\",\"hours_since_injury\":");
        write_tenths(out, e.hours_since_injury);
        match e.kind {
            EventType::Arrival | EventType::RemainsRole4 => {}
            EventType::EvacuationStart => {
                key(out, b",\"evacuation_duration_hours\":");
                write_tenths(out, e.duration);
                key(out, b",\"triage_category\":");
                q(out, triage);
                if let Some(n) = e.next_facility {
                    key(out, b",\"next_facility\":");
                    q(out, n.quoted());
                }
            }
            EventType::TransitStart => {
                key(out, b",\"from_facility\":");
                q(out, e.facility.quoted());
                if let Some(t) = e.to_facility {
                    key(out, b",\"to_facility\":");
                    q(out, t.quoted());
                }
                key(out, b",\"transit_duration_hours\":");
                write_tenths(out, e.duration);
                key(out, b",\"triage_category\":");
                q(out, triage);
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
                            q(out, t.quoted());
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
        out.byte(b'}');
    }

    key(out, b"],\"injury_time\":\"");
    ts.write(out, ctx.injury_time);
    key(out, b"\",\"scenario\":");
    q(out, ctx.scenario.quoted());
    key(out, b",\"event_id\":\"");
    ctx.event_id.write(out);
    out.byte(b'"');
    if ctx.mass_casualty {
        key(out, b",\"mass_casualty\":true");
    }
    key(out, b",\"day\":\"Day ");
    uint(out, ctx.day as u64);
    key(out, b"\",\"body_part\":");
    q(out, rec.body_part.quoted());
    if !ctx.environment.is_empty() {
        key(out, b",\"environmental_conditions\":[");
        for (k, c) in ctx.environment.iter().enumerate() {
            if k > 0 {
                out.byte(b',');
            }
            q(out, c.quoted());
        }
        out.byte(b']');
    }
    out.byte(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patient::PatientGenerator;
    use crate::plan::EventContext;
    use crate::plan::Plan;

    /// Writes `n` records of `cfg` with `w`, the way the job does.
    fn write_all(w: &mut JsonWriter, cfg: &Resolved, n: u64) -> Vec<u8> {
        let plan = Plan::new(cfg, 9);
        let generator = PatientGenerator::new(cfg, 9);
        let mut cursor = plan.cursor(0);
        let (mut ctx, mut rec) = (EventContext::default(), PatientRecord::default());
        let mut out = Vec::new();
        w.prefix(&mut out);
        for _ in 0..n {
            cursor.next_into(&mut ctx);
            generator.generate(&ctx, &mut rec);
            w.record(&rec, &mut out);
        }
        w.suffix(&mut out);
        out
    }

    #[test]
    fn cursor_and_direct_writing_give_the_same_bytes() {
        let mut cfg = crate::parse_scenario(r#"{"preset":"nato_article_5"}"#).unwrap().resolved;
        cfg.total_patients = 3000;
        // A front whose name needs escaping and is longer than a tiny scratch buffer.
        cfg.fronts[0].name = "Front \"Ω\"\n\u{1}\t".repeat(12);
        for framing in [JsonFraming::Lines, JsonFraming::Array, JsonFraming::Wrapped] {
            let meta = RunMeta::new(&cfg, 9);
            let mut direct = JsonWriter::new(framing, &cfg, &meta);
            direct.via_cursor = false;
            let want = write_all(&mut direct, &cfg, 3000);
            let mut via = JsonWriter::new(framing, &cfg, &meta);
            via.via_cursor = true;
            assert_eq!(write_all(&mut via, &cfg, 3000), want, "{framing:?}");
            // A scratch buffer too small for any record: every record is written again, larger.
            let mut small = JsonWriter::new(framing, &cfg, &meta);
            small.via_cursor = true;
            small.scratch = vec![0; 16];
            assert_eq!(write_all(&mut small, &cfg, 3000), want, "{framing:?}, small scratch");
            assert!(small.scratch.len() >= 1024, "the scratch grew to {}", small.scratch.len());
            assert!(String::from_utf8(want).unwrap().contains(r#""front":"Front \"Ω\"\n\u0001\t"#));
        }
    }

    #[test]
    fn event_type_rows_follow_declaration_order() {
        for (i, t) in EVENT_TYPES.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
        let f = Fragments::new();
        assert_eq!(
            f.event_head(EventType::Rtd, Facility::Role3),
            b"{\"event_type\":\"rtd\",\"facility\":\"Role3\",\"timestamp\":\""
        );
    }
}
