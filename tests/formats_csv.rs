//! CSV (DOMAIN.md §9.2): exact rows for the §8.4 example, a real CSV reader on generated output
//! (tricky front names included), agreement with the JSON records, shard/chunk invariance.

mod common;

#[path = "support/example_record.rs"]
mod example;

use common::run;
use patientgen::format::csv::{CsvTable, CsvWriter, CLINICAL_COLUMNS, EVENTS_HEADER, PATIENTS_HEADER};
use patientgen::format::RecordWriter;
use patientgen::{shard_range, Format, JobOptions, Resolved};
use serde_json::Value;

fn csv_opts() -> JobOptions {
    JobOptions { format: Format::Csv, ..JobOptions::default() }
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes)
}

#[test]
fn example_patient_row_is_exact() {
    // The §8.4 example record is a reference-model record (no clinical fields).
    let mut cfg = Resolved::default_scenario();
    cfg.flow_model = patientgen::vocab::FlowModel::Classic;
    assert_eq!(cfg.fronts[0].name, "Poland");
    let mut w = CsvWriter::new(CsvTable::Patients, &cfg);
    let mut out = Vec::new();
    w.prefix(&mut out);
    w.record(&example::example_record(), &mut out);
    w.suffix(&mut out);
    let expected = format!(
        "{PATIENTS_HEADER}\r\n377,2025-06-03T05:42:00Z,Day 3,artillery,MC_artillery_3_0542_0,true,night_operations,\
Poland,LTU,male,Rimkus,Karolis,1998-03-14,27,39803142153,1041,78.4,A+,,,Battle Injury,T2,7,262560006,\
Penetrating wound,Moderate to severe,125605004,Fracture of bone,Left Leg,DOW,KIA,Role2,POI>Role1>Role2,\
2025-06-04T03:47:05Z,22.1,9\r\n"
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn example_event_rows_are_exact() {
    let cfg = Resolved::default_scenario();
    let mut w = CsvWriter::new(CsvTable::Events, &cfg);
    let mut out = Vec::new();
    w.prefix(&mut out);
    let mut rec = example::example_record();
    w.record(&rec, &mut out);
    // A death in transit carries the destination in `to_facility`; Markov extras fill
    // `next_facility` and `facilities_visited`.
    rec.id = 5;
    rec.timeline.truncate(3);
    rec.timeline[1].next_facility = Some(patientgen::vocab::Facility::Role1);
    let mut kia = rec.timeline[2];
    kia.kind = patientgen::internals::patient::record::EventType::Kia;
    kia.time += 1800;
    kia.hours_since_injury += 5;
    kia.timing = Some(patientgen::internals::patient::record::Timing::DuringTransit);
    kia.completed = Some(5);
    kia.facilities_visited = Some(1);
    rec.timeline.push(kia);
    w.record(&rec, &mut out);
    let expected = [
        EVENTS_HEADER,
        "377,0,arrival,POI,2025-06-03T05:42:00Z,0.0,,,,,,,,",
        "377,1,evacuation_start,POI,2025-06-03T05:42:00Z,0.0,3.6,,,,,,T2,",
        "377,2,transit_start,POI,2025-06-03T09:18:00Z,3.6,1.7,POI,Role1,,,,T2,",
        "377,3,arrival,Role1,2025-06-03T11:00:00Z,5.3,,,,,,,,",
        "377,4,evacuation_start,Role1,2025-06-03T11:00:00Z,5.3,11.2,,,,,,T2,",
        "377,5,transit_start,Role1,2025-06-03T22:12:00Z,16.5,2.9,Role1,Role2,,,,T2,",
        "377,6,arrival,Role2,2025-06-04T01:06:00Z,19.4,,,,,,,,",
        "377,7,evacuation_start,Role2,2025-06-04T01:06:00Z,19.4,7.5,,,,,,T2,",
        "377,8,kia,Role2,2025-06-04T03:47:05Z,22.1,,,,,during_evacuation,2.7,,",
        "5,0,arrival,POI,2025-06-03T05:42:00Z,0.0,,,,,,,,",
        "5,1,evacuation_start,POI,2025-06-03T05:42:00Z,0.0,3.6,,,Role1,,,T2,",
        "5,2,transit_start,POI,2025-06-03T09:18:00Z,3.6,1.7,POI,Role1,,,,T2,",
        "5,3,kia,POI,2025-06-03T09:48:00Z,4.1,,,Role1,,during_transit,0.5,,1",
    ]
    .map(|l| format!("{l}\r\n"))
    .concat();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn names_with_commas_quotes_newlines_and_non_ascii_survive_a_real_reader() {
    let mut cfg = Resolved::default_scenario();
    cfg.flow_model = patientgen::vocab::FlowModel::Classic;
    cfg.fronts[0].name = "Front \"A\", Nord – Ø".into();
    let mut rec = example::example_record();
    rec.demographics.family_name = "O'Brien, \"Jr.\"\r\nSecond line";
    rec.demographics.given_name = "Łukasz Żółć";
    let mut w = CsvWriter::new(CsvTable::Patients, &cfg);
    let mut out = Vec::new();
    w.prefix(&mut out);
    w.record(&rec, &mut out);
    let mut r = reader(&out);
    let headers = r.headers().unwrap().clone();
    assert_eq!(headers.len(), 36);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let get = |name: &str| rows[0].get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_owned();
    assert_eq!(get("front"), "Front \"A\", Nord – Ø");
    assert_eq!(get("family_name"), "O'Brien, \"Jr.\"\r\nSecond line");
    assert_eq!(get("given_name"), "Łukasz Żółć");
    assert_eq!(get("treatment_count"), "9");
    // Quoting only when needed: the plain given name is not quoted.
    assert!(String::from_utf8(out).unwrap().contains(",\"Front \"\"A\"\", Nord – Ø\",LTU,male,\"O'Brien"));
}

fn date_tuple(s: &str) -> (i64, i64, i64) {
    let p: Vec<i64> = s[..10].split('-').map(|x| x.parse().unwrap()).collect();
    (p[0], p[1], p[2])
}

#[test]
fn generated_rows_agree_with_the_json_records() {
    let cfg = r#"{"total_patients": 3000, "demographics": {"military": true},
        "front_configs":[{"name":"Front \"A\", Nord – Ø","nationality_distribution":[{"nationality_code":"POL","percentage":1}]}]}"#;
    let csv_bytes = run(cfg, 21, csv_opts());
    let json = run(cfg, 21, JobOptions { format: Format::Ndjson, ..JobOptions::default() });
    let records: Vec<Value> =
        json.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    // The clinical model (the default) appends its columns.
    assert!(csv_bytes.starts_with(format!("{PATIENTS_HEADER}{CLINICAL_COLUMNS}\r\n").as_bytes()));
    // Every line ends with CRLF (no bare LF outside quoted fields here).
    assert_eq!(
        csv_bytes.iter().filter(|&&b| b == b'\n').count(),
        csv_bytes.windows(2).filter(|w| w == b"\r\n").count()
    );

    let mut r = reader(&csv_bytes);
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers.join(","), format!("{PATIENTS_HEADER}{CLINICAL_COLUMNS}"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut n = 0;
    for (row, rec) in r.records().zip(&records) {
        let row = row.unwrap();
        assert_eq!(row.len(), 41);
        let f = |name: &str| row.get(col(name)).unwrap();
        let s = |v: &Value| v.as_str().unwrap().to_owned();
        assert_eq!(f("id"), rec["id"].to_string());
        assert_eq!(f("front"), "Front \"A\", Nord – Ø");
        assert_eq!(f("injury_time"), s(&rec["injury_time"]));
        assert_eq!(f("day"), s(&rec["day"]));
        assert_eq!(f("event_id"), s(&rec["event_id"]));
        assert_eq!(f("mass_casualty"), if rec.get("mass_casualty").is_some() { "true" } else { "false" });
        let env: Vec<String> =
            rec.get("environmental_conditions").map_or(vec![], |v| v.as_array().unwrap().iter().map(s).collect());
        assert_eq!(f("environmental_conditions"), env.join(";"));
        let d = &rec["demographics"];
        assert_eq!(f("family_name"), s(&d["family_name"]));
        assert_eq!(f("id_number"), s(&d["id_number"]));
        assert_eq!(f("religion"), d.get("religion").map_or(String::new(), s));
        assert_eq!(f("rank"), s(&d["rank"]));
        assert_eq!(f("service"), s(&d["service"]));
        assert_eq!(f("weight").parse::<f64>().unwrap(), d["weight"].as_f64().unwrap());
        assert_eq!(f("weight").split('.').nth(1).map(str::len), Some(1));
        let (by, bm, bd) = date_tuple(&s(&d["birthdate"]));
        let (iy, im, id) = date_tuple(&s(&rec["injury_time"]));
        let age = iy - by - if (im, id) < (bm, bd) { 1 } else { 0 };
        assert_eq!(f("age"), age.to_string());
        let conds = rec["conditions"].as_array().unwrap();
        assert_eq!(f("primary_condition_code"), s(&conds[0]["code"]));
        assert_eq!(f("primary_condition_severity"), s(&conds[0]["severity"]));
        let sec: Vec<String> = conds[1..].iter().map(|c| s(&c["name"])).collect();
        assert_eq!(f("secondary_condition_names"), sec.join(";"));
        let tl = rec["movement_timeline"].as_array().unwrap();
        let visited: Vec<String> =
            tl.iter().filter(|e| e["event_type"] == "arrival").map(|e| s(&e["facility"])).collect();
        assert_eq!(f("facilities_visited"), visited.join(">"));
        let last = tl.last().unwrap();
        assert_eq!(f("final_event_time"), s(&last["timestamp"]));
        assert_eq!(f("hours_to_final").parse::<f64>().unwrap(), last["hours_since_injury"].as_f64().unwrap());
        let treatments: usize =
            rec["treatments"].as_array().unwrap().iter().map(|v| v["treatments"].as_array().unwrap().len()).sum();
        assert_eq!(f("treatment_count"), treatments.to_string());
        assert_eq!(f("status"), s(&rec["status"]));
        assert_eq!(f("last_facility"), s(&rec["last_facility"]));
        assert_eq!(f("mechanism"), s(&rec["mechanism"]));
        assert_eq!(f("iss"), rec["iss"].to_string());
        assert_eq!(f("evacuation_priority"), s(&rec["evacuation_priority"]));
        let ais: Vec<String> = conds.iter().map(|c| c["ais"].to_string()).collect();
        assert_eq!(f("condition_ais"), ais.join(";"));
        let regions: Vec<String> = conds.iter().map(|c| s(&c["body_region"])).collect();
        assert_eq!(f("condition_body_regions"), regions.join(";"));
        n += 1;
    }
    assert_eq!(n, 3000);
}

#[test]
fn shards_and_chunk_sizes_concatenate_byte_identically() {
    let cfg = r#"{"total_patients": 2000}"#;
    let whole = run(cfg, 4, csv_opts());
    for chunk_size in [1, 7, 1000] {
        assert!(run(cfg, 4, JobOptions { chunk_size, ..csv_opts() }) == whole, "chunk size {chunk_size}");
    }
    assert!(run(cfg, 4, JobOptions { chunk_bytes: 1, ..csv_opts() }) == whole);
    for count in [2u64, 3, 7] {
        let mut cat = Vec::new();
        for k in 0..count {
            let range = shard_range(2000, k, count).unwrap();
            cat.extend(run(cfg, 4, JobOptions { range: Some(range), chunk_size: 333, ..csv_opts() }));
        }
        assert!(cat == whole, "{count} shards");
    }
    // Only the shard holding index 0 writes the header.
    let tail = run(cfg, 4, JobOptions { range: Some(1000..2000), ..csv_opts() });
    assert!(!tail.starts_with(b"id,"));
    assert!(run(cfg, 4, JobOptions { range: Some(0..0), ..csv_opts() }).is_empty());
}

mod allocations {
    //! The per-record path of every writer of this issue allocates nothing (DESIGN.md §5).

    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    use super::example;
    use patientgen::format::csv::{CsvTable, CsvWriter};
    use patientgen::format::fhir::FhirWriter;
    use patientgen::format::xml::XmlWriter;
    use patientgen::format::{RecordWriter, RunMeta};
    use patientgen::Resolved;

    struct Counting;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
        static COUNT: Cell<u64> = const { Cell::new(0) };
    }

    fn note() {
        if ON.try_with(Cell::get).unwrap_or(false) {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    }

    // SAFETY: forwards every call unchanged to the system allocator; only counts.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note();
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            note();
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note();
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;

    #[test]
    fn writers_allocate_nothing_per_record() {
        let mut cfg = Resolved::default_scenario();
        cfg.fronts[0].name = "Front \"A\", <Nord> & Ø".into();
        let meta = RunMeta::new(&cfg, 5);
        let mut writers: Vec<Box<dyn RecordWriter>> = vec![
            Box::new(CsvWriter::new(CsvTable::Patients, &cfg)),
            Box::new(CsvWriter::new(CsvTable::Events, &cfg)),
            Box::new(XmlWriter::new(&cfg, &meta)),
            Box::new(FhirWriter::new(&meta)),
        ];
        let mut rec = example::example_record();
        rec.demographics.family_name = "O'Brien, \"Jr.\"";
        let mut out = Vec::with_capacity(1 << 24);
        for w in &mut writers {
            w.record(&rec, &mut out);
        }
        out.clear();
        ON.with(|o| o.set(true));
        for i in 0..200 {
            rec.id = i;
            for w in &mut writers {
                w.record(&rec, &mut out);
            }
        }
        ON.with(|o| o.set(false));
        assert!(out.len() > 200 * 1000);
        assert_eq!(COUNT.with(Cell::get), 0, "allocations on the per-record path");
        // The counter does see allocations on this thread.
        ON.with(|o| o.set(true));
        let v: Vec<u8> = Vec::with_capacity(std::hint::black_box(64));
        ON.with(|o| o.set(false));
        drop(v);
        assert_eq!(COUNT.with(Cell::get), 1);
    }
}
