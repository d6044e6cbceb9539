//! Exact per-record invariants (timeline order and terminal events, outcome fields, conditions,
//! demographics, and the key order of docs/FIELDS.md, at record and run level) over small runs of
//! many configurations: the default, the Markov model, every warfare type alone, an extreme
//! environment, military demographics and rate overrides — of the reference models (`classic`,
//! `markov`); tests/clinical.rs checks the clinical model. Fast, so that a failure points at one
//! rule.

mod common;

use common::*;

const N: u64 = 10_000;

/// Key order of the record, demographics, timeline events, visits and observations
/// (docs/FIELDS.md): the keys of an object must be a subsequence of `order`.
fn keys_in_order(v: &serde_json::Value, order: &[&str]) -> Result<(), String> {
    let Some(obj) = v.as_object() else { return Err("not an object".into()) };
    let mut pos = 0;
    for k in obj.keys() {
        match order[pos..].iter().position(|o| o == k) {
            Some(p) => pos += p + 1,
            None => return Err(format!("key {k:?} out of order or unknown in {:?}", obj.keys().collect::<Vec<_>>())),
        }
    }
    Ok(())
}

const TOP: [&str; 21] = [
    "id",
    "nationality",
    "gender",
    "injury_type",
    "triage_category",
    "status",
    "front",
    "final_status",
    "last_facility",
    "demographics",
    "conditions",
    "severity",
    "treatments",
    "movement_timeline",
    "injury_time",
    "scenario",
    "event_id",
    "mass_casualty",
    "day",
    "body_part",
    "environmental_conditions",
];
const DEMO: [&str; 11] = [
    "family_name",
    "given_name",
    "gender",
    "id_number",
    "birthdate",
    "nationality",
    "religion",
    "weight",
    "blood_type",
    "rank",
    "service",
];

fn event_order(t: &str) -> &'static [&'static str] {
    match t {
        "arrival" => &["event_type", "facility", "timestamp", "hours_since_injury"],
        "evacuation_start" => &[
            "event_type",
            "facility",
            "timestamp",
            "hours_since_injury",
            "evacuation_duration_hours",
            "triage_category",
            "next_facility",
        ],
        "transit_start" => &[
            "event_type",
            "facility",
            "timestamp",
            "hours_since_injury",
            "from_facility",
            "to_facility",
            "transit_duration_hours",
            "triage_category",
        ],
        "kia" => &[
            "event_type",
            "facility",
            "timestamp",
            "hours_since_injury",
            "kia_timing",
            "evacuation_hours_completed",
            "transit_hours_completed",
            "destination_facility",
            "facilities_visited",
        ],
        _ => &[
            "event_type",
            "facility",
            "timestamp",
            "hours_since_injury",
            "rtd_timing",
            "evacuation_hours_completed",
            "facilities_visited",
        ],
    }
}

fn check_key_order(line: &[u8], rep: &mut Report) {
    let v: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            rep.fail("schema: not JSON", e.to_string());
            return;
        }
    };
    let id = v["id"].as_u64().unwrap_or(u64::MAX);
    let mut check = |what: &str, r: Result<(), String>| {
        if let Err(e) = r {
            rep.fail(&format!("key order: {what}"), format!("id {id}: {e}"));
        }
    };
    check("record", keys_in_order(&v, &TOP));
    for k in ["id", "nationality", "gender", "injury_type", "triage_category", "status", "front", "final_status"] {
        if v.get(k).is_none() {
            check("record", Err(format!("missing {k}")));
        }
    }
    check("demographics", keys_in_order(&v["demographics"], &DEMO));
    for c in v["conditions"].as_array().into_iter().flatten() {
        check("condition", keys_in_order(c, &["code", "name", "severity"]));
    }
    for t in v["treatments"].as_array().into_iter().flatten() {
        check("visit", keys_in_order(t, &["facility", "date", "treatments", "observations"]));
        for p in t["treatments"].as_array().into_iter().flatten() {
            check("treatment", keys_in_order(p, &["code", "display"]));
        }
        for o in t["observations"].as_array().into_iter().flatten() {
            check("observation", keys_in_order(o, &["code", "display", "value", "unit"]));
        }
    }
    for e in v["movement_timeline"].as_array().into_iter().flatten() {
        let t = e["event_type"].as_str().unwrap_or("");
        check("timeline event", keys_in_order(e, event_order(t)));
    }
}

/// Generates `json` and runs every exact check; returns the report.
fn run(json: &str) -> Report {
    let (res, seed) = scenario(json);
    let ctx = Ctx::new(&res);
    let mut rep = Report::default();
    let mut tracker = Tracker::default();
    let bytes = generate_bytes(&res, seed, &ndjson(997));
    let mut lines = 0;
    for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        lines += 1;
        check_key_order(line, &mut rep);
        match serde_json::from_slice::<Record>(line) {
            Ok(r) => {
                if let Some(fx) = check_record(&r, &ctx, &mut rep) {
                    tracker.add(&r, &fx, &mut rep);
                }
            }
            Err(e) => rep.fail("schema: record does not parse", e.to_string()),
        }
    }
    rep.check(lines == res.total_patients, "records: line count", || format!("{lines}"));
    rep.check(bytes.last() == Some(&b'\n'), "ndjson: output does not end with a newline", String::new);
    tracker.finish(&res, &mut rep);
    rep
}

fn all_types_special(types: &str) -> String {
    format!(
        r#"{{"total_patients": {N}, "seed": 11, "flow_model": "classic", "warfare_types": {{{types}}},
            "special_events": {{"mass_casualty": true, "major_offensive": true, "ambush": true}}, "days_of_fighting": 10}}"#
    )
}

#[test]
fn default_scenario() {
    run(&format!(r#"{{"total_patients": {N}, "seed": 5, "flow_model": "classic"}}"#)).finish("default");
}

#[test]
fn markov_default() {
    run(&format!(r#"{{"total_patients": {N}, "seed": 6, "flow_model": "markov"}}"#)).finish("markov");
}

#[test]
fn each_warfare_type_alone() {
    let mut failures = Vec::new();
    for t in WARFARE_NAMES {
        let rep = run(&all_types_special(&format!(r#""{t}": true"#)));
        if !rep.failures.is_empty() {
            failures.push(t);
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rep.finish(t)));
        if r.is_err() {
            // Already printed; keep going so every type reports.
        }
    }
    assert!(failures.is_empty(), "failing warfare types: {failures:?}");
}

#[test]
fn all_warfare_types_markov_military() {
    let types: Vec<String> = WARFARE_NAMES.iter().map(|t| format!(r#""{t}": true"#)).collect();
    run(&format!(
        r#"{{"total_patients": {N}, "seed": 12, "flow_model": "markov", "intensity": "extreme", "tempo": "surge",
            "warfare_types": {{{}}}, "demographics": {{"military": true, "female_share": 0.5}}}}"#,
        types.join(",")
    ))
    .finish("all types, markov, military");
}

const EXTREME_ENV: &str = r#"{"rain": true, "fog": true, "storm": true, "extreme_heat": true, "extreme_cold": true,
    "dust_storm": true, "night_operations": true, "mountainous_terrain": true, "urban_debris": true}"#;

#[test]
fn extreme_environment_classic() {
    run(&format!(
        r#"{{"total_patients": {N}, "seed": 13, "flow_model": "classic", "environmental_conditions": {EXTREME_ENV}, "intensity": "low",
            "tempo": "escalating", "warfare_types": {{"guerrilla": true, "cbrn": true, "naval": true}}}}"#
    ))
    .finish("extreme environment, classic");
}

#[test]
fn extreme_environment_markov() {
    run(&format!(
        r#"{{"total_patients": {N}, "seed": 14, "flow_model": "markov", "environmental_conditions": {EXTREME_ENV},
            "warfare_types": {{"urban": true, "peacekeeping": true}}, "demographics": {{"religion": false}}}}"#
    ))
    .finish("extreme environment, markov");
}

#[test]
fn facility_overrides_and_no_environment() {
    run(&format!(
        r#"{{"total_patients": {N}, "seed": 15, "flow_model": "classic", "environmental_conditions": {{}},
            "facility_configs": [{{"id": "POI", "kia_rate": 0, "rtd_rate": 0}}, {{"id": "Role2", "kia_rate": 1.0}}]}}"#
    ))
    .finish("facility overrides");
}

/// The checks can fail: each mutation of a valid record must be reported.
#[test]
fn checks_detect_mutated_records() {
    let (res, seed) = scenario(r#"{"total_patients": 300, "seed": 21, "flow_model": "classic"}"#);
    let ctx = Ctx::new(&res);
    let bytes = generate_bytes(&res, seed, &ndjson(100));
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let parse = |k: usize| serde_json::from_slice::<Record>(lines[k]).unwrap();
    // The unmutated records pass.
    let mut rep = Report::default();
    for k in 0..lines.len() {
        check_record(&parse(k), &ctx, &mut rep);
    }
    assert!(rep.failures.is_empty(), "{:?}", rep.failures);
    type Mutation = (&'static str, fn(&mut Record));
    let mutations: [Mutation; 12] = [
        ("status", |r| r.status = if r.status == "RTD" { "DOW".into() } else { "RTD".into() }),
        ("severity", |r| r.severity += 1),
        ("last timestamp", |r| {
            let e = r.movement_timeline.last_mut().unwrap();
            e.timestamp = "2030-01-01T00:00:00Z".into();
        }),
        ("observation dropped", |r| {
            r.treatments[0].observations.pop();
        }),
        ("environment", |r| r.environmental_conditions = Some(vec!["rain".into()])),
        ("weight", |r| r.demographics.weight = 200.0),
        ("condition code", |r| r.conditions[0].code = "999".into()),
        ("event id day", |r| r.event_id = r.event_id.replacen("_1_", "_2_", 1).replacen("_3_", "_4_", 1)),
        ("treatment code", |r| r.treatments[0].treatments[0].code = "25353009".into()),
        ("stay", |r| r.movement_timeline[1].evacuation_duration_hours = Some(99.0)),
        ("body part", |r| r.body_part = "Tail".into()),
        ("birthdate", |r| r.demographics.birthdate = "2015-01-01".into()),
    ];
    for (name, m) in mutations {
        let mut caught = 0;
        for k in 0..20 {
            let mut r = parse(k);
            m(&mut r);
            let mut rep = Report::default();
            check_record(&r, &ctx, &mut rep);
            caught += !rep.failures.is_empty() as usize;
        }
        assert!(caught >= 15, "mutation {name} caught in only {caught} of 20 records");
    }
    // Run-level checks: a missing record is reported.
    let mut rep = Report::default();
    let mut tracker = Tracker::default();
    for k in (0..lines.len()).filter(|&k| k != 150) {
        let r = parse(k);
        if let Some(fx) = check_record(&r, &ctx, &mut rep) {
            tracker.add(&r, &fx, &mut rep);
        }
    }
    tracker.finish(&res, &mut rep);
    assert!(rep.failures.keys().any(|k| k.starts_with("id:")), "{:?}", rep.failures.keys());
    assert!(rep.failures.keys().any(|k| k.starts_with("per-day totals")), "{:?}", rep.failures.keys());
}
