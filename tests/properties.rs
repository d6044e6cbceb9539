//! Properties over randomly generated *valid* configurations (DOMAIN.md §1.1, §3.3, §5.4, §9):
//! exact totals, exact per-day totals (against the plan's `day_totals()`), ordered timelines
//! with exactly one terminal event, shard invariance for random splits and chunk sizes, and
//! every record valid JSON.
//!
//! `PROPTEST_CASES` sets the number of configurations (default [`DEFAULT_CASES`], a few seconds
//! in the optimised test profile).

use patientgen::internals::plan::Plan;
use patientgen::{parse_scenario, Format, Job, JobOptions, Resolved};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

const DEFAULT_CASES: u32 = 40;

fn runner(default: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

const WARFARE: [&str; 8] =
    ["conventional", "artillery", "urban", "guerrilla", "drone", "naval", "cbrn", "peacekeeping"];
const EVENTS: [&str; 3] = ["mass_casualty", "ambush", "major_offensive"];
const CONDITIONS: [&str; 9] = [
    "rain",
    "fog",
    "storm",
    "extreme_heat",
    "extreme_cold",
    "dust_storm",
    "night_operations",
    "mountainous_terrain",
    "urban_debris",
];
const NATIONS: [&str; 12] = ["POL", "LTU", "NLD", "ESP", "EST", "GBR", "FIN", "USA", "DEU", "FRA", "NOR", "GRC"];
const INTENSITY: [&str; 4] = ["low", "medium", "high", "extreme"];
const TEMPO: [&str; 5] = ["sustained", "escalating", "surge", "declining", "intermittent"];

fn flags(names: &'static [&'static str], at_least_one: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(any::<bool>(), names.len()).prop_map(move |mut v| {
        if at_least_one && !v.contains(&true) {
            v[0] = true;
        }
        Value::Object(names.iter().zip(v).map(|(k, b)| (k.to_string(), Value::Bool(b))).collect())
    })
}

fn weights(n: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..100, n).prop_map(|mut w| {
        if w.iter().all(|&x| x == 0) {
            w[0] = 1;
        }
        w
    })
}

fn front() -> impl Strategy<Value = Value> {
    (prop::sample::subsequence(&NATIONS[..], 1..5), weights(4), 0u32..10, "[A-Za-zÀ-ž ,\"]{1,12}").prop_map(
        |(nations, w, rate, name)| {
            let mut w: Vec<u32> = w.into_iter().take(nations.len()).collect();
            if w.iter().all(|&x| x == 0) {
                w[0] = 1; // a positive sum over the nations actually listed
            }
            let nd: Vec<Value> =
                nations.iter().zip(w).map(|(n, p)| json!({"nationality_code": n, "percentage": p})).collect();
            json!({"name": name, "casualty_rate": rate, "nationality_distribution": nd})
        },
    )
}

/// A valid scenario: every key random within its rules, up to `max_patients` patients.
fn scenario(max_patients: u64) -> impl Strategy<Value = String> {
    let a = (1..=max_patients, 1u32..=21, 0u32..(365 * 80), flags(&WARFARE, true), 0usize..4, 0usize..5);
    let b = (flags(&EVENTS, false), flags(&CONDITIONS, false), weights(3), prop::collection::vec(front(), 1..4));
    let c = (any::<bool>(), any::<bool>(), any::<bool>(), 0u32..=100, any::<bool>(), any::<u64>());
    let d = (prop::option::of(weights(3)), prop::option::of((1u8..=4, 0u32..=100, 0u32..=100)));
    (a, b, c, d).prop_map(
        |((n, days, date, wt, i, t), (se, env, mix, fronts), (markov, mil, rel, fs, latin, seed), (triage, fac))| {
            let base = 719_162 + date as i64; // days since 0001-01-01 of 1970-01-01, plus up to 80 years
            let mut o = Map::new();
            o.insert("total_patients".into(), json!(n));
            o.insert("days_of_fighting".into(), json!(days));
            o.insert("base_date".into(), json!(civil_date(base)));
            o.insert("warfare_types".into(), wt);
            o.insert("intensity".into(), json!(INTENSITY[i]));
            o.insert("tempo".into(), json!(TEMPO[t]));
            o.insert("special_events".into(), se);
            o.insert("environmental_conditions".into(), env);
            o.insert(
                "injury_mix".into(),
                json!({"Battle Injury": mix[0], "Non-Battle Injury": mix[1], "Disease": mix[2]}),
            );
            let fronts: Vec<Value> = fronts
                .into_iter()
                .enumerate()
                .map(|(k, mut f)| {
                    // Unique names.
                    let name = format!("{} {k}", f["name"].as_str().unwrap_or("F"));
                    f["name"] = json!(name);
                    f
                })
                .collect();
            o.insert("front_configs".into(), Value::Array(fronts));
            if let Some((role, kia, rtd)) = fac {
                o.insert(
                    "facility_configs".into(),
                    json!([{"id": format!("Role{role}"), "kia_rate": kia as f64 / 100.0, "rtd_rate": rtd as f64 / 100.0}]),
                );
            }
            if let Some(w) = triage {
                o.insert("triage_override".into(), json!({"Battle Injury": {"T1": w[0], "T2": w[1], "T3": w[2]}}));
            }
            o.insert("flow_model".into(), json!(if markov { "markov" } else { "classic" }));
            o.insert(
                "demographics".into(),
                json!({"military": mil, "religion": rel, "female_share": fs as f64 / 100.0,
                       "script": if latin { "latin" } else { "native" }}),
            );
            o.insert("seed".into(), json!(seed.to_string()));
            Value::Object(o).to_string()
        },
    )
}

/// `YYYY-MM-DD` of a day number counted from 0001-01-01 (proleptic Gregorian), kept within
/// the accepted 1970 … 2054 by the caller.
fn civil_date(days_from_0001: i64) -> String {
    // Shift to days since 1970-01-01 and use the days-to-civil algorithm.
    let z = days_from_0001 - 719_162 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse(doc: &str) -> Result<(Resolved, u64), TestCaseError> {
    let s = parse_scenario(doc).map_err(|e| TestCaseError::fail(format!("generated config invalid: {e}\n{doc}")))?;
    let seed = s.seed.ok_or_else(|| TestCaseError::fail("seed missing"))?;
    Ok((s.resolved, seed))
}

fn generate(r: &Resolved, seed: u64, opts: &JobOptions) -> Result<(Vec<u8>, patientgen::Counters), TestCaseError> {
    let mut job = Job::new(r, seed, opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut out = Vec::new();
    while !job.next_chunk(&mut out).map_err(|e| TestCaseError::fail(e.to_string()))?.done {}
    Ok((out, job.counters().clone()))
}

const TERMINAL: [&str; 3] = ["kia", "rtd", "remains_role4"];

/// One record: ids in order, a known day, an ordered timeline with exactly one terminal event, last.
fn check_record(v: &Value, index: u64, days: u32, per_day: &mut [u64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(v["id"].as_u64(), Some(index));
    let day: u32 = v["day"].as_str().and_then(|d| d.strip_prefix("Day ")).and_then(|d| d.parse().ok()).unwrap_or(0);
    prop_assert!((1..=days).contains(&day), "day {:?}", v["day"]);
    per_day[day as usize - 1] += 1;
    let timeline = v["movement_timeline"].as_array().ok_or_else(|| TestCaseError::fail("no timeline"))?;
    prop_assert!(!timeline.is_empty());
    prop_assert_eq!(&timeline[0]["event_type"], "arrival");
    prop_assert_eq!(&timeline[0]["facility"], "POI");
    prop_assert_eq!(&timeline[0]["timestamp"], &v["injury_time"]);
    let mut last = "";
    let mut terminals = 0;
    for (k, e) in timeline.iter().enumerate() {
        let ts = e["timestamp"].as_str().ok_or_else(|| TestCaseError::fail("timestamp"))?;
        // RFC 3339 UTC with whole seconds: lexical order is time order.
        prop_assert!(ts.len() == 20 && ts.ends_with('Z'), "{ts}");
        prop_assert!(ts >= last, "patient {index}: event {k} at {ts} before {last}");
        last = ts;
        if TERMINAL.contains(&e["event_type"].as_str().unwrap_or("")) {
            terminals += 1;
            prop_assert_eq!(k + 1, timeline.len(), "patient {}: terminal event not last", index);
        }
    }
    prop_assert_eq!(terminals, 1, "patient {}: {} terminal events", index, terminals);
    let end = &timeline[timeline.len() - 1];
    let want = match (end["event_type"].as_str(), end["facility"].as_str()) {
        (Some("kia"), Some("POI")) => "KIA",
        (Some("kia"), _) => "DOW",
        (Some("rtd"), _) => "RTD",
        _ => "Remains_Role4",
    };
    prop_assert_eq!(v["status"].as_str(), Some(want), "patient {}", index);
    Ok(())
}

#[test]
fn totals_days_timelines_and_records() {
    let result = runner(DEFAULT_CASES).run(&scenario(2500), |doc| {
        let (r, seed) = parse(&doc)?;
        let plan = Plan::new(&r, seed);
        prop_assert_eq!(plan.total(), r.total_patients);
        prop_assert_eq!(plan.day_totals().iter().sum::<u64>(), r.total_patients);
        prop_assert_eq!(plan.day_totals().len(), r.days_of_fighting as usize);

        let (bytes, counters) = generate(&r, seed, &JobOptions::default())?;
        prop_assert_eq!(counters.patients_generated, r.total_patients);
        prop_assert_eq!(&counters.per_day[..], plan.day_totals());
        prop_assert_eq!(counters.outcomes.iter().sum::<u64>(), r.total_patients);
        prop_assert_eq!(counters.triage.iter().sum::<u64>(), r.total_patients);

        let mut per_day = vec![0u64; r.days_of_fighting as usize];
        let mut n = 0u64;
        prop_assert!(bytes.ends_with(b"\n"));
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: Value = serde_json::from_slice(line).map_err(|e| TestCaseError::fail(format!("record {n}: {e}")))?;
            check_record(&v, n, r.days_of_fighting, &mut per_day)?;
            n += 1;
        }
        prop_assert_eq!(n, r.total_patients);
        prop_assert_eq!(&per_day[..], plan.day_totals(), "records per day");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn json_formats_are_valid_documents() {
    let result = runner(DEFAULT_CASES / 2).run(&scenario(600), |doc| {
        let (r, seed) = parse(&doc)?;
        for format in [Format::Json, Format::JsonWrapped, Format::FhirR4] {
            let opts = JobOptions { format, chunk_size: 97, ..JobOptions::default() };
            let (bytes, _) = generate(&r, seed, &opts)?;
            match format {
                Format::FhirR4 => {
                    let mut n = 0;
                    for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        let v: Value = serde_json::from_slice(line).map_err(|e| TestCaseError::fail(e.to_string()))?;
                        prop_assert_eq!(&v["resourceType"], "Bundle");
                        n += 1;
                    }
                    prop_assert_eq!(n, r.total_patients);
                }
                _ => {
                    let v: Value = serde_json::from_slice(&bytes)
                        .map_err(|e| TestCaseError::fail(format!("{format:?} is not one JSON document: {e}")))?;
                    let list = if format == Format::Json { &v } else { &v["patients"] };
                    prop_assert_eq!(list.as_array().map(Vec::len), Some(r.total_patients as usize));
                    if format == Format::JsonWrapped {
                        prop_assert_eq!(&v["metadata"]["seed"], &json!(seed.to_string()));
                        prop_assert_eq!(&v["metadata"]["config_sha256"], &json!(r.config_sha256()));
                    }
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A random split of `[0, n)` into consecutive ranges (some empty), each with its own chunk size.
fn splits() -> impl Strategy<Value = (Vec<f64>, Vec<u32>, u8)> {
    (prop::collection::vec(0.0f64..=1.0, 0..6), prop::collection::vec(1u32..400, 7), 0u8..6)
}

#[test]
fn random_shard_splits_concatenate_to_the_whole_run() {
    let result = runner(DEFAULT_CASES).run(&(scenario(1500), splits()), |(doc, (cuts, chunks, f))| {
        let (r, seed) = parse(&doc)?;
        let n = r.total_patients;
        let format =
            [Format::Ndjson, Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4][f as usize];
        let whole = generate(&r, seed, &JobOptions { format, ..JobOptions::default() })?.0;
        let mut bounds: Vec<u64> = cuts.iter().map(|c| (c * n as f64) as u64).map(|b| b.min(n)).collect();
        bounds.push(0);
        bounds.push(n);
        bounds.sort_unstable();
        let mut joined = Vec::with_capacity(whole.len());
        for (k, w) in bounds.windows(2).enumerate() {
            let opts = JobOptions {
                format,
                chunk_size: chunks[k % chunks.len()],
                range: Some(w[0]..w[1]),
                ..JobOptions::default()
            };
            joined.extend(generate(&r, seed, &opts)?.0);
        }
        prop_assert!(joined == whole, "{:?}: shards {:?} differ from the whole run", format, bounds);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn civil_dates_of_the_generator_are_valid() {
    assert_eq!(civil_date(719_162), "1970-01-01");
    assert_eq!(civil_date(719_162 + 365 * 80 + 19), "2049-12-31");
    assert_eq!(civil_date(719_162 + 11_016), "2000-02-29");
}
