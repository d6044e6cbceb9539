//! FHIR R4 (DOMAIN.md §9.4, §12.1 item 11): the bundle of the §8.4 example in detail, and on
//! generated bundles: unique fullUrls, resolvable references, zoned dateTimes, FHIR key order,
//! UUIDv8 ids, agreement with the JSON records; shard/chunk invariance.
//! Validation against the official R4 JSON schema is `tests/fhir_schema_check.mjs` (Node).

mod common;

#[path = "support/example_record.rs"]
mod example;

use std::collections::HashSet;

use common::run;
use patientgen::format::fhir::{uuid, FhirWriter, ResourceKind};
use patientgen::format::{RecordWriter, RunMeta};
use patientgen::{shard_range, Format, JobOptions, Resolved};
use serde_json::{Map, Value};

fn fhir_opts() -> JobOptions {
    JobOptions { format: Format::FhirR4, ..JobOptions::default() }
}

fn lines(b: &[u8]) -> Vec<Value> {
    assert!(b.is_empty() || b.ends_with(b"\n"));
    b.split(|&c| c == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).expect("JSON")).collect()
}

fn keys(o: &Map<String, Value>) -> Vec<&str> {
    o.keys().map(|k| k.as_str()).collect()
}

/// Whether `got` lists keys in the order of `order` (each at most once, none unknown).
fn in_order(got: &[&str], order: &[&str]) -> bool {
    let mut pos = 0;
    for k in got {
        match order[pos..].iter().position(|o| o == k) {
            Some(p) => pos += p + 1,
            None => return false,
        }
    }
    true
}

fn resource_order(t: &str) -> &'static [&'static str] {
    match t {
        "Bundle" => &["resourceType", "id", "identifier", "type", "entry"],
        "Patient" => {
            &["resourceType", "id", "extension", "identifier", "name", "gender", "birthDate", "deceasedDateTime"]
        }
        "Condition" => &[
            "resourceType",
            "id",
            "clinicalStatus",
            "verificationStatus",
            "category",
            "severity",
            "code",
            "bodySite",
            "subject",
            "encounter",
            "onsetDateTime",
            "recordedDate",
        ],
        "Encounter" => &[
            "resourceType",
            "id",
            "status",
            "class",
            "type",
            "priority",
            "subject",
            "period",
            "reasonReference",
            "hospitalization",
        ],
        "Procedure" => &["resourceType", "id", "status", "code", "subject", "encounter", "performedDateTime"],
        "Observation" => &[
            "resourceType",
            "id",
            "status",
            "category",
            "code",
            "subject",
            "encounter",
            "effectiveDateTime",
            "valueQuantity",
            "valueCodeableConcept",
            "component",
        ],
        other => panic!("unexpected resource type {other}"),
    }
}

fn is_zoned_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn is_uuid_v8(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
            }
        })
        && b[14] == b'8'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// Checks key order of every object, zoned dateTimes and collects references.
fn walk(v: &Value, key: &str, refs: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            let k = keys(o);
            let ok = if o.contains_key("resourceType") {
                in_order(&k, resource_order(o["resourceType"].as_str().unwrap()))
            } else if o.contains_key("fullUrl") {
                k == ["fullUrl", "resource"]
            } else if o.contains_key("reference") {
                refs.push(o["reference"].as_str().unwrap().to_owned());
                k == ["reference"]
            } else if o.contains_key("url") {
                k.len() == 2 && k[0] == "url" && k[1].starts_with("value")
            } else if o.contains_key("coding") {
                in_order(&k, &["coding", "text"])
            } else if o.contains_key("family") {
                k == ["use", "family", "given"]
            } else if o.contains_key("unit") {
                k == ["value", "unit", "system", "code"]
            } else if o.contains_key("display") {
                k == ["system", "code", "display"]
            } else if o.contains_key("start") {
                in_order(&k, &["start", "end"])
            } else if o.contains_key("use") {
                k == ["use", "type", "system", "value"]
            } else if key == "identifier" {
                k == ["system", "value"]
            } else if key == "component" {
                k == ["code", "valueQuantity"]
            } else {
                k == ["dischargeDisposition"] || k == ["text"]
            };
            assert!(ok, "key order {k:?} under {key:?}");
            for (kk, vv) in o {
                walk(vv, kk, refs);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, key, refs)),
        Value::String(s) => {
            if key.ends_with("DateTime") || matches!(key, "recordedDate" | "start" | "end") {
                assert!(is_zoned_date_time(s), "{key}: {s}");
            }
            assert!(!s.is_empty(), "empty string under {key}");
            assert!(!s.contains("example.org"));
        }
        _ => {}
    }
}

/// All §12.1-11 checks on one bundle; returns its fullUrls.
fn check_bundle(b: &Value, seed: u64) -> Vec<String> {
    let id = b["identifier"]["value"].as_str().unwrap().parse::<u64>().unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    assert_eq!(b["id"].as_str().unwrap().as_bytes(), uuid(seed, id, ResourceKind::Bundle, 0));
    assert!(b.get("meta").is_none() && b.get("timestamp").is_none());
    let mut refs = Vec::new();
    walk(b, "", &mut refs);
    let entries = b["entry"].as_array().unwrap();
    let urls: Vec<String> = entries.iter().map(|e| e["fullUrl"].as_str().unwrap().to_owned()).collect();
    let set: HashSet<&String> = urls.iter().collect();
    assert_eq!(set.len(), urls.len(), "duplicate fullUrl");
    for r in &refs {
        assert!(set.contains(r), "unresolved reference {r}");
    }
    // Entry order and the UUID rule: kind κ, ordinal k within the kind.
    let kinds = ["Patient", "Condition", "Encounter", "Procedure", "Observation"];
    let mut last_kind = 0;
    let mut ordinal = [0u64; 6];
    for e in entries {
        let r = &e["resource"];
        let t = r["resourceType"].as_str().unwrap();
        let kind = kinds.iter().position(|k| *k == t).unwrap() + 1;
        assert!(kind >= last_kind, "entry order");
        last_kind = kind;
        let rid = r["id"].as_str().unwrap();
        assert!(is_uuid_v8(rid), "{rid}");
        assert_eq!(e["fullUrl"].as_str().unwrap(), format!("urn:uuid:{rid}"));
        let rk = [
            ResourceKind::Bundle,
            ResourceKind::Patient,
            ResourceKind::Condition,
            ResourceKind::Encounter,
            ResourceKind::Procedure,
            ResourceKind::Observation,
        ][kind];
        assert_eq!(rid.as_bytes(), uuid(seed, id, rk, ordinal[kind]));
        ordinal[kind] += 1;
    }
    assert_eq!(ordinal[1], 1, "one Patient");
    urls
}

fn example_bundle() -> Value {
    let cfg = Resolved::default_scenario();
    let mut w = FhirWriter::new(&RunMeta::new(&cfg, 42));
    let mut out = Vec::new();
    w.prefix(&mut out);
    w.record(&example::example_record(), &mut out);
    w.suffix(&mut out);
    assert_eq!(out.iter().filter(|&&c| c == b'\n').count(), 1);
    lines(&out).remove(0)
}

#[test]
fn example_bundle_content() {
    let b = example_bundle();
    check_bundle(&b, 42);
    assert_eq!(b["identifier"]["system"], "https://patientgen.dev/fhir/NamingSystem/patient");
    assert_eq!(b["identifier"]["value"], "377");
    let res: Vec<&Value> = b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let types: Vec<&str> = res.iter().map(|r| r["resourceType"].as_str().unwrap()).collect();
    let count = |t: &str| types.iter().filter(|x| **x == t).count();
    assert_eq!(
        (count("Patient"), count("Condition"), count("Encounter"), count("Procedure"), count("Observation")),
        (1, 2, 3, 9, 17)
    );

    let p = res[0];
    let ext = p["extension"].as_array().unwrap();
    assert_eq!(ext.len(), 2);
    assert_eq!(ext[0]["url"], "https://patientgen.dev/fhir/StructureDefinition/nationality");
    assert_eq!(
        ext[0]["valueCodeableConcept"]["coding"][0],
        serde_json::json!({"system": "urn:iso:std:iso:3166", "code": "LTU", "display": "Lithuania"})
    );
    assert_eq!(ext[1]["url"], "http://hl7.org/fhir/StructureDefinition/patient-religion");
    assert_eq!(ext[1]["valueCodeableConcept"]["coding"][0]["code"], "1041");
    assert_eq!(ext[1]["valueCodeableConcept"]["coding"][0]["display"], "Roman Catholic Church");
    assert_eq!(p["identifier"][0]["system"], "https://patientgen.dev/fhir/NamingSystem/national-id/LTU");
    assert_eq!(p["identifier"][0]["value"], "39803142153");
    assert_eq!(p["identifier"][0]["type"]["coding"][0]["code"], "NI");
    assert_eq!(p["name"], serde_json::json!([{"use": "official", "family": "Rimkus", "given": ["Karolis"]}]));
    assert_eq!(p["gender"], "male");
    assert_eq!(p["birthDate"], "1998-03-14");
    assert_eq!(p["deceasedDateTime"], "2025-06-04T03:47:05Z");

    let primary = res[1];
    assert_eq!(primary["severity"]["coding"][0]["code"], "371924009");
    assert_eq!(primary["code"]["text"], "Penetrating wound");
    assert_eq!(primary["bodySite"], serde_json::json!([{"text": "Left Leg"}]));
    assert_eq!(primary["onsetDateTime"], "2025-06-03T05:42:00Z");
    assert_eq!(primary["recordedDate"], "2025-06-03T05:42:00Z");
    let poi_encounter = format!("urn:uuid:{}", res[3]["id"].as_str().unwrap());
    assert_eq!(primary["encounter"]["reference"], poi_encounter.as_str());
    assert!(res[2].get("severity").is_none() && res[2].get("bodySite").is_none());
    assert_eq!(res[2]["encounter"]["reference"], poi_encounter.as_str());

    let enc = &res[3..6];
    let class: Vec<&str> = enc.iter().map(|e| e["class"]["code"].as_str().unwrap()).collect();
    assert_eq!(class, ["FLD", "EMER", "IMP"]);
    assert_eq!(enc[2]["class"]["display"], "inpatient encounter");
    let roles: Vec<(&str, &str)> = enc
        .iter()
        .map(|e| {
            let c = &e["type"][0]["coding"][0];
            (c["code"].as_str().unwrap(), c["display"].as_str().unwrap())
        })
        .collect();
    assert_eq!(roles, [("POI", "Point of injury"), ("Role1", "Role 1"), ("Role2", "Role 2")]);
    let periods: Vec<(&str, &str)> =
        enc.iter().map(|e| (e["period"]["start"].as_str().unwrap(), e["period"]["end"].as_str().unwrap())).collect();
    assert_eq!(
        periods,
        [
            ("2025-06-03T05:42:00Z", "2025-06-03T09:18:00Z"),
            ("2025-06-03T11:00:00Z", "2025-06-03T22:12:00Z"),
            ("2025-06-04T01:06:00Z", "2025-06-04T03:47:05Z")
        ]
    );
    let disp: Vec<&str> = enc
        .iter()
        .map(|e| e["hospitalization"]["dischargeDisposition"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(disp, ["other-hcf", "other-hcf", "exp"]);
    for e in enc {
        assert_eq!(e["status"], "finished");
        assert_eq!(e["priority"]["coding"][0]["code"], "UR");
        assert_eq!(e["priority"]["coding"][0]["display"], "urgent");
        assert_eq!(e["reasonReference"][0]["reference"], format!("urn:uuid:{}", res[1]["id"].as_str().unwrap()));
    }

    let procs = &res[6..15];
    assert_eq!(procs[0]["code"]["coding"][0]["code"], "26906007");
    assert_eq!(procs[0]["performedDateTime"], "2025-06-03T05:42:00Z");
    assert_eq!(procs[8]["code"]["coding"][0]["display"], "Fracture care");
    assert_eq!(procs[8]["encounter"]["reference"], format!("urn:uuid:{}", res[5]["id"].as_str().unwrap()));

    let obs = &res[15..];
    let spo2 = obs[3];
    assert_eq!(
        spo2["code"]["coding"],
        serde_json::json!([
            {"system": "http://loinc.org", "code": "59408-5", "display": "Oxygen saturation in Arterial blood by Pulse oximetry"},
            {"system": "http://loinc.org", "code": "2708-6", "display": "Oxygen saturation in Arterial blood"}
        ])
    );
    assert_eq!(
        spo2["valueQuantity"],
        serde_json::json!({"value": 93, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"})
    );
    assert_eq!(spo2["category"][0]["coding"][0]["code"], "vital-signs");
    assert_eq!(obs[4]["valueQuantity"]["value"].as_f64(), Some(36.4));
    assert_eq!(obs[14]["effectiveDateTime"], "2025-06-04T01:06:00Z");
    let blood = obs[15];
    assert_eq!(blood["code"]["coding"][0]["code"], "882-1");
    assert_eq!(blood["category"][0]["coding"][0]["code"], "laboratory");
    assert_eq!(blood["valueCodeableConcept"]["coding"][0]["code"], "278149003");
    assert!(blood.get("encounter").is_none());
    let weight = obs[16];
    assert_eq!(weight["code"]["coding"][0]["code"], "29463-7");
    assert_eq!(
        weight["valueQuantity"],
        serde_json::json!({"value": 78.4, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"})
    );
    assert_eq!(weight["effectiveDateTime"], "2025-06-03T05:42:00Z");
    assert!(weight.get("encounter").is_none());
}

#[test]
fn rtd_and_military_variants() {
    let cfg = Resolved::default_scenario();
    let mut w = FhirWriter::new(&RunMeta::new(&cfg, 1));
    let mut rec = example::example_record();
    let kia = rec.timeline.last_mut().unwrap();
    kia.kind = patientgen::internals::patient::record::EventType::Rtd;
    rec.status = patientgen::vocab::Status::Rtd;
    rec.demographics.rank = Some(patientgen::internals::data::demographics::Rank(3));
    rec.demographics.service = Some(patientgen::internals::data::demographics::Service::Navy);
    let mut out = Vec::new();
    w.record(&rec, &mut out);
    let b = lines(&out).remove(0);
    check_bundle(&b, 1);
    let p = &b["entry"][0]["resource"];
    assert!(p.get("deceasedDateTime").is_none());
    let ext = p["extension"].as_array().unwrap();
    assert_eq!(ext[2]["valueCoding"]["code"], "OR-4");
    assert_eq!(ext[2]["valueCoding"]["display"], "OR-4");
    assert_eq!(ext[2]["valueCoding"]["system"], "https://patientgen.dev/fhir/CodeSystem/stanag-2116");
    assert_eq!(
        ext[3],
        serde_json::json!({"url": "https://patientgen.dev/fhir/StructureDefinition/military-service", "valueString": "Navy"})
    );
    let last_enc = &b["entry"][5]["resource"];
    assert_eq!(
        last_enc["hospitalization"]["dischargeDisposition"],
        serde_json::json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/discharge-disposition", "code": "oth", "display": "Other"}], "text": "Returned to duty"})
    );
}

#[test]
fn generated_bundles_pass_the_structural_checks() {
    let cfg = r#"{"total_patients": 3000, "demographics": {"military": true}}"#;
    let bundles = lines(&run(cfg, 12, fhir_opts()));
    let records = lines(&run(cfg, 12, JobOptions { format: Format::Ndjson, ..JobOptions::default() }));
    assert_eq!(bundles.len(), 3000);
    let mut all = HashSet::new();
    for (b, rec) in bundles.iter().zip(&records) {
        for u in check_bundle(b, 12) {
            assert!(all.insert(u), "fullUrl repeated across bundles");
        }
        assert_eq!(b["identifier"]["value"], rec["id"].to_string().as_str());
        let res: Vec<&Value> = b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
        let of = |t: &str| res.iter().filter(|r| r["resourceType"] == t).copied().collect::<Vec<_>>();
        let visits = rec["treatments"].as_array().unwrap();
        let encounters = of("Encounter");
        assert_eq!(encounters.len(), visits.len());
        assert_eq!(of("Condition").len(), rec["conditions"].as_array().unwrap().len());
        // One Observation per vital sign, the clinical model's two pressures as one panel
        // (85354-9), then blood group and weight.
        let vitals: usize = visits
            .iter()
            .map(|v| match v["observations"].as_array().unwrap().len() {
                7 => 6,
                n => n,
            })
            .sum();
        assert_eq!(of("Observation").len(), vitals + 2);
        let procs: usize = visits.iter().map(|v| v["treatments"].as_array().unwrap().len()).sum();
        assert_eq!(of("Procedure").len(), procs);
        let tl = rec["movement_timeline"].as_array().unwrap();
        let last = tl.last().unwrap();
        let dead = last["event_type"] == "kia";
        assert_eq!(res[0].get("deceasedDateTime"), dead.then(|| &last["timestamp"]));
        // The last encounter ends with the terminal event, or with the departure of a transit
        // death; earlier ones with a departure.
        let last_enc = encounters.last().unwrap();
        let before = &tl[tl.len() - 2];
        let transit_death = before["event_type"] == "transit_start";
        let end = if transit_death { &before["timestamp"] } else { &last["timestamp"] };
        if last["event_type"] == "remains_role4" {
            // Still in care at Role 4 (clinical model): the encounter is in progress, with no end.
            assert_eq!(last_enc["status"], "in-progress");
            assert!(last_enc["period"].get("end").is_none());
            assert!(last_enc.get("hospitalization").is_none());
            continue;
        }
        assert_eq!(&last_enc["period"]["end"], end);
        let disp = &last_enc["hospitalization"]["dischargeDisposition"]["coding"][0]["code"];
        let expected = match last["event_type"].as_str().unwrap() {
            "kia" if transit_death => "other-hcf",
            "kia" => "exp",
            _ => "oth",
        };
        assert_eq!(disp, expected, "{}", rec["id"]);
        for (e, v) in encounters.iter().zip(visits) {
            assert_eq!(e["period"]["start"], v["date"]);
        }
        let demo = &rec["demographics"];
        assert_eq!(res[0]["extension"].as_array().unwrap().len(), 3 + demo.get("religion").is_some() as usize);
    }
}

#[test]
fn transit_death_ends_the_origin_encounter_at_departure() {
    let cfg = Resolved::default_scenario();
    let mut w = FhirWriter::new(&RunMeta::new(&cfg, 3));
    let mut rec = example::example_record();
    // Die on the way from Role 1 to Role 2: the timeline ends with transit_start then kia.
    rec.timeline.truncate(6);
    let mut kia = rec.timeline[5];
    kia.kind = patientgen::internals::patient::record::EventType::Kia;
    kia.time += 600;
    kia.timing = Some(patientgen::internals::patient::record::Timing::DuringTransit);
    kia.completed = Some(2);
    rec.timeline.push(kia);
    rec.visits.truncate(2);
    rec.last_facility = patientgen::vocab::Facility::Role1;
    let mut out = Vec::new();
    w.record(&rec, &mut out);
    let b = lines(&out).remove(0);
    check_bundle(&b, 3);
    let enc = &b["entry"][4]["resource"];
    assert_eq!(enc["period"]["end"], "2025-06-03T22:12:00Z");
    assert_eq!(enc["hospitalization"]["dischargeDisposition"]["coding"][0]["code"], "other-hcf");
    assert_eq!(b["entry"][0]["resource"]["deceasedDateTime"], "2025-06-03T22:22:00Z");
}

#[test]
fn shards_and_chunks_concatenate_byte_identically() {
    let cfg = r#"{"total_patients": 1200}"#;
    let whole = run(cfg, 8, fhir_opts());
    assert!(run(cfg, 8, JobOptions { chunk_size: 1, ..fhir_opts() }) == whole);
    assert!(run(cfg, 8, JobOptions { chunk_bytes: 1, ..fhir_opts() }) == whole);
    for count in [2u64, 3, 7] {
        let mut cat = Vec::new();
        for k in 0..count {
            let range = shard_range(1200, k, count).unwrap();
            cat.extend(run(cfg, 8, JobOptions { range: Some(range), chunk_size: 50, ..fhir_opts() }));
        }
        assert!(cat == whole, "{count} shards");
    }
    // The seed keys the UUIDs.
    assert!(run(cfg, 9, fhir_opts()) != whole);
}
