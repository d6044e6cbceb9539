//! Hostile configuration input (DOMAIN.md §2, DESIGN.md §6 "a fuzz target for config parsing
//! never panics"): property-driven fuzzing of parsing, validation and generation of the first
//! chunk from any configuration that validates, plus explicit tests of every cap.
//!
//! Inputs: arbitrary JSON (random values, deep nesting, numbers such as `1e400`, huge and
//! unicode strings, NaN-like strings, known and unknown keys) and structured mutations of a rich
//! valid configuration (values replaced, keys deleted or misspelt, types swapped, values out of
//! range, lists grown past their caps, keys moved under `configuration`). No input may panic,
//! take longer than [`CASE_TIME`] or allocate more than [`CASE_HEAP`] on the fuzzing thread.
//!
//! The case count defaults to [`DEFAULT_CASES`] per generator (a few seconds in the optimised
//! test profile); a longer run: `PROPTEST_CASES=100000 cargo test --release --test fuzz_config`.
//! The libFuzzer target over the same checks is `fuzz/fuzz_targets/config.rs`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use patientgen::config::{MAX_DAYS, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_FACILITIES, MAX_FRONTS, MAX_PATIENTS};
use patientgen::MAX_CHUNK_BYTES;
use patientgen::{parse_scenario, shard_range, Format, Job, JobError, JobOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Per-thread heap accounting
// ---------------------------------------------------------------------------------------------

/// The system allocator, counting the live and peak heap bytes of each thread (tests run on
/// several threads; each measures only its own allocations).
struct PerThread;

thread_local! {
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn account(delta: i64) {
    // `try_with`: no accounting while a thread's locals are being torn down.
    let _ = LIVE.try_with(|l| {
        let now = l.get() + delta;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

// SAFETY: every call is forwarded unchanged to `System`; accounting touches only thread-locals
// of `Copy` types (no allocation, no destructor).
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as i64);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        account(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(new_size as i64 - layout.size() as i64);
        }
        p
    }
}

#[global_allocator]
static ALLOC: PerThread = PerThread;

/// Runs `f` and returns its result with the peak heap growth of this thread while it ran.
fn measured<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    let peak = PEAK.with(Cell::get) - base;
    (r, peak.max(0) as u64)
}

// ---------------------------------------------------------------------------------------------
// The fuzz target
// ---------------------------------------------------------------------------------------------

/// Cases per generator in the default run.
const DEFAULT_CASES: u32 = 1024;
/// Longest time one input may take (parse, validate, plan, first chunk).
const CASE_TIME: Duration = Duration::from_secs(5);
/// Most heap one input may take on top of the input text.
const CASE_HEAP: u64 = 96 << 20;

static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
static VALID: AtomicU64 = AtomicU64::new(0);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

/// Records per first chunk in the fuzz target.
const FIRST_CHUNK: u32 = 12;

/// Parses, validates and (when valid) generates the first chunk in ndjson and one more format.
/// Returns whether the document validated.
fn exercise(doc: &str) -> Result<bool, TestCaseError> {
    EXECUTIONS.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let (result, heap) = measured(|| check(doc));
    let took = started.elapsed();
    prop_assert!(took < CASE_TIME, "took {took:?} for a {}-byte input", doc.len());
    prop_assert!(heap < CASE_HEAP, "allocated {heap} bytes for a {}-byte input", doc.len());
    if matches!(result, Ok(true)) {
        VALID.fetch_add(1, Ordering::Relaxed);
    }
    result
}

fn check(doc: &str) -> Result<bool, TestCaseError> {
    let scenario = match parse_scenario(doc) {
        Ok(s) => s,
        Err(errors) => {
            // A typed refusal: at least one error, each with a message; one line per error.
            prop_assert!(!errors.0.is_empty());
            for e in &errors.0 {
                prop_assert!(!e.message.is_empty(), "empty message at {:?}", e.path);
                prop_assert!(!e.message.contains("internal error"), "{e}");
            }
            prop_assert!(errors.to_string().lines().count() >= errors.0.len());
            return Ok(false);
        }
    };
    let r = &scenario.resolved;
    prop_assert!((1..=MAX_PATIENTS).contains(&r.total_patients));
    prop_assert!((1..=MAX_DAYS).contains(&r.days_of_fighting));
    prop_assert!(r.warfare_types.contains(&true));
    prop_assert!(!r.fronts.is_empty() && r.fronts.len() <= MAX_FRONTS);
    prop_assert!(r.facility_overrides.len() <= MAX_FACILITIES);
    let unit_sum = |w: &mut dyn Iterator<Item = f64>| -> Result<(), TestCaseError> {
        let mut sum = 0.0;
        for x in w {
            prop_assert!(x.is_finite() && (0.0..=1.0).contains(&x), "weight {x}");
            sum += x;
        }
        prop_assert!((sum - 1.0).abs() < 1e-9, "weights sum to {sum}");
        Ok(())
    };
    unit_sum(&mut r.fronts.iter().map(|f| f.weight))?;
    for f in &r.fronts {
        prop_assert!(!f.nations.is_empty());
        unit_sum(&mut f.nations.iter().map(|n| n.1))?;
    }
    unit_sum(&mut r.injury_mix.iter().copied())?;
    for row in r.triage_override.iter().flatten() {
        unit_sum(&mut row.iter().copied())?;
    }
    prop_assert!((0.0..=1.0).contains(&r.demographics.female_share));
    // The canonical form is JSON and its digest hex.
    prop_assert!(serde_json::from_str::<Value>(&r.canonical_json()).is_ok());
    prop_assert_eq!(r.config_sha256().len(), 64);

    let seed = scenario.seed.unwrap_or(doc.len() as u64);
    let expect = r.total_patients.min(u64::from(FIRST_CHUNK));
    // ndjson: every record of the first chunk is a JSON object with the right id.
    let chunk = first_chunk(r, seed, Format::Ndjson)?;
    let lines: Vec<&[u8]> = chunk.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    // A chunk ends at the record count or after the record that reaches the byte budget.
    let n = lines.len() as u64;
    prop_assert!(n == expect || (n >= 1 && n < expect && chunk.len() >= patientgen::DEFAULT_CHUNK_BYTES));
    for (i, line) in lines.iter().enumerate() {
        let v: Value = serde_json::from_slice(line).map_err(|e| TestCaseError::fail(format!("record {i}: {e}")))?;
        prop_assert_eq!(v.get("id").and_then(Value::as_u64), Some(i as u64));
    }
    // One more format, chosen by the input.
    let other = [Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4][doc.len() % 5];
    prop_assert!(!first_chunk(r, seed, other)?.is_empty());
    Ok(true)
}

fn first_chunk(r: &patientgen::Resolved, seed: u64, format: Format) -> Result<Vec<u8>, TestCaseError> {
    let opts = JobOptions { format, chunk_size: FIRST_CHUNK, ..JobOptions::default() };
    let mut job = Job::new(r, seed, &opts).map_err(|e| TestCaseError::fail(format!("{format:?}: {e}")))?;
    let mut out = Vec::new();
    job.next_chunk(&mut out).map_err(|e| TestCaseError::fail(format!("{format:?}: {e}")))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON text
// ---------------------------------------------------------------------------------------------

/// A JSON document as text pieces, so that numbers can be any literal (`1e400`, 40 digits).
#[derive(Clone, Debug)]
enum Doc {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Doc>),
    Obj(Vec<(String, Doc)>),
}

impl Doc {
    fn render(&self, out: &mut String) {
        match self {
            Doc::Null => out.push_str("null"),
            Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Doc::Num(n) => out.push_str(n),
            Doc::Str(s) => out.push_str(&Value::String(s.clone()).to_string()),
            Doc::Arr(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.render(out);
                }
                out.push(']');
            }
            Doc::Obj(o) => {
                out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    x.render(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.render(&mut s);
        s
    }
}

/// Every key of the schema (2.2), the preset shape, the ignored keys and a few near misses.
const KEYS: &[&str] = &[
    "total_patients",
    "count",
    "days_of_fighting",
    "duration_days",
    "base_date",
    "warfare_types",
    "warfare_type",
    "intensity",
    "difficulty",
    "tempo",
    "special_events",
    "environmental_conditions",
    "injury_mix",
    "injury_distribution",
    "front_configs",
    "fronts",
    "facility_configs",
    "triage_override",
    "flow_model",
    "seed",
    "demographics",
    "preset",
    "configuration",
    "configuration_id",
    "id",
    "name",
    "description",
    "nationality_distribution",
    "nationality_code",
    "percentage",
    "casualty_rate",
    "front_id",
    "kia_rate",
    "rtd_rate",
    "military",
    "religion",
    "female_share",
    "script",
    "T1",
    "T2",
    "T3",
    "Battle Injury",
    "NON_BATTLE",
    "Disease",
    "conventional",
    "artillery",
    "naval",
    "amphibious",
    "mass_casualty",
    "ambush",
    "night_operations",
    "extreme_weather",
    "urban_environment",
    "capacity",
    "role",
    "artilery",
    "totalpatients",
    "",
];

/// Strings that mean something somewhere, and strings that mean trouble.
const WORDS: &[&str] = &[
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e400",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "00000000000000000001",
    "high",
    "extreme",
    "sustained",
    "surge",
    "classic",
    "markov",
    "health",
    "native",
    "latin",
    "conventional",
    "amphibious",
    "cbrn",
    "nato_article_5",
    "mass_casualty",
    "peacekeeping",
    "POL",
    "USA",
    "pol",
    "XYZ",
    "Role2",
    "R1",
    "role 3",
    "POI",
    "Role 2 - Forward Surgical Team",
    "poland",
    "front_1",
    "2025-06-01",
    "2024-02-29",
    "2025-02-29",
    "1970-01-01",
    "1969-12-31",
    "2054-12-31",
    "2055-01-01",
    "0000-00-00",
    "2025-6-1",
    "e\u{301}",
    "\u{0}",
    "\u{85}",
    "\u{7f}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{202e}rtl",
    "\u{1F600}",
    "名前",
    "\"quoted\", comma",
];

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1.5",
    "365",
    "366",
    "1440",
    "1099511627776",
    "1099511627777",
    "9007199254740991",
    "9007199254740992",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890123456789",
    "1e400",
    "-1e400",
    "1e-400",
    "1E+308",
    "1.7976931348623157e308",
    "5e-324",
    "1e21",
    "0.1e1",
    "2.0",
    "100",
    "1e2",
];

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "\\PC{0,10}",
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        3 => "\\PC{0,16}",
        1 => "[\\u{0}-\\u{ff}]{0,8}",
        1 => (0usize..4000, prop::sample::select(&["x", "é", "\u{1F600}", "\\", "\""][..])).prop_map(|(n, s)| s.repeat(n)),
    ]
}

fn arb_number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(NUMBERS).prop_map(str::to_string),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        2 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:?}")),
        1 => (any::<f64>().prop_filter("finite", |f| f.is_finite()), -400i32..400).prop_map(|(m, e)| format!("{m:?}e{e}")),
        2 => (0u64..2000).prop_map(|n| n.to_string()),
        1 => (0u32..1000).prop_map(|n| format!("0.{n:03}")),
    ]
}

fn arb_leaf() -> impl Strategy<Value = Doc> {
    prop_oneof![
        1 => Just(Doc::Null),
        2 => any::<bool>().prop_map(Doc::Bool),
        4 => arb_number().prop_map(Doc::Num),
        4 => arb_string().prop_map(Doc::Str),
    ]
}

fn arb_doc() -> impl Strategy<Value = Doc> {
    arb_leaf().prop_recursive(8, 256, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..10).prop_map(Doc::Arr),
            prop::collection::vec((arb_key(), inner), 0..10).prop_map(Doc::Obj),
        ]
    })
}

/// Mostly objects at the top level (the only accepted shape), sometimes anything.
fn arb_top() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec((arb_key(), arb_doc()), 0..14).prop_map(|o| Doc::Obj(o).text()),
        1 => arb_doc().prop_map(|d| d.text()),
        1 => "\\PC{0,64}",
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

#[test]
fn fuzz_arbitrary_json() {
    let mut r = runner();
    let result = r.run(&arb_top(), |doc| exercise(&doc).map(|_| ()));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Nesting: `depth` levels of arrays or objects, bare or under a schema key, closed or not.
#[test]
fn fuzz_deep_nesting() {
    let strategy = (0usize..400, 0u8..4, prop::sample::select(KEYS), any::<bool>());
    let result = runner().run(&strategy, |(depth, kind, key, closed)| {
        let (open, close) = match kind {
            0 => ("[".to_string(), "]"),
            1 => (format!("{{{}:", Value::String(key.to_string())), "}"),
            2 => ("[{\"a\":".to_string(), "}]"),
            _ => ("[1,".to_string(), "]"),
        };
        let mut doc = format!("{{{}:", Value::String(key.to_string()));
        doc.push_str(&open.repeat(depth));
        doc.push_str(if kind == 1 || kind == 2 { "0" } else { "" });
        if closed {
            doc.push_str(&close.repeat(depth));
            doc.push('}');
        }
        let valid = exercise(&doc)?;
        if depth + 1 > MAX_DEPTH {
            prop_assert!(!valid, "nesting {} was accepted", depth + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Structured mutations of a valid configuration
// ---------------------------------------------------------------------------------------------

/// A configuration that uses every part of the schema.
fn rich_config() -> Value {
    json!({
        "seed": "12345678901234567890",
        "total_patients": 5000,
        "days_of_fighting": 12,
        "base_date": "2026-01-15",
        "warfare_types": {"conventional": true, "urban": true, "drone": false, "cbrn": true},
        "intensity": "extreme",
        "tempo": "escalating",
        "special_events": {"mass_casualty": true, "ambush": true, "major_offensive": true},
        "environmental_conditions": {"night_operations": true, "fog": true, "extreme_weather": false},
        "injury_mix": {"Battle Injury": 50, "Non-Battle Injury": 30, "Disease": 20},
        "front_configs": [
            {"id": "north", "name": "Northern \"Ridge\", sector 1", "casualty_rate": 0.6,
             "nationality_distribution": [{"nationality_code": "NOR", "percentage": 60}, {"nationality_code": "DNK", "percentage": 40}]},
            {"id": "south", "name": "Южный фронт", "casualty_rate": 0.4, "description": "ignored",
             "nationality_distribution": [{"nationality_code": "GRC", "percentage": 1}, {"nationality_code": "BGR", "percentage": 1}]}
        ],
        "facility_configs": [
            {"id": "Role 2 - Forward Surgical Team", "kia_rate": 0.05, "rtd_rate": 0.2},
            {"name": "R1", "front_id": "north", "kia_rate": 0.02}
        ],
        "triage_override": {"Battle Injury": {"T1": 0.5, "T2": 0.3, "T3": 0.2}},
        "flow_model": "classic",
        "demographics": {"military": true, "religion": false, "female_share": 0.3, "script": "latin"},
        "name": "ignored",
        "configuration": {"preset": "urban_assault", "total_patients": 100}
    })
}

/// One mutation: where (a choice among all paths), what, and a random value.
type Mutation = (u64, u8, Doc);

/// A value to be spliced in as raw text after serialisation.
const RAW: &str = "\u{1}raw\u{1}";

/// All paths of `v` (object keys and array indexes), the root excluded.
fn paths(v: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                prefix.push(Value::String(k.clone()));
                out.push(prefix.clone());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                prefix.push(json!(i));
                out.push(prefix.clone());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// The container holding the last step of `path`.
fn parent<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in path.iter().take(path.len().saturating_sub(1)) {
        cur = match step {
            Value::String(k) => cur.get_mut(k.as_str())?,
            Value::Number(n) => cur.get_mut(n.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn typo(k: &str, how: u64) -> String {
    let mut c: Vec<char> = k.chars().collect();
    if c.is_empty() {
        return "x".into();
    }
    let i = (how / 4) as usize % c.len();
    match how % 4 {
        0 => {
            c.remove(i);
        }
        1 => c.insert(i, 'x'),
        2 if i + 1 < c.len() => c.swap(i, i + 1),
        _ => return k.to_uppercase(),
    }
    c.into_iter().collect()
}

/// Swaps a value's JSON type for another.
fn swap_type(v: &Value, how: u64) -> Value {
    match (v, how % 3) {
        (Value::Number(n), 0) => Value::String(n.to_string()),
        (Value::Number(_), 1) => Value::Bool(true),
        (Value::String(s), 0) => s.parse::<f64>().map_or(json!(1), |f| json!(f)),
        (Value::String(s), 1) => json!([s]),
        (Value::Bool(b), 0) => Value::String(b.to_string()),
        (Value::Bool(b), 1) => json!(u8::from(*b)),
        (Value::Object(o), 0) => Value::Array(o.values().cloned().collect()),
        (Value::Object(o), 1) => Value::String(format!("{} keys", o.len())),
        (Value::Array(a), 0) => Value::Object(a.iter().enumerate().map(|(i, x)| (i.to_string(), x.clone())).collect()),
        (Value::Array(a), 1) => a.first().cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Applies the mutations; returns the document text.
fn mutate(mutations: &[Mutation]) -> String {
    let mut v = rich_config();
    let mut raws = Vec::new();
    for (choice, op, doc) in mutations {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        if all.is_empty() {
            break;
        }
        let path = &all[(*choice % all.len() as u64) as usize];
        let Some(last) = path.last().cloned() else { continue };
        let Some(holder) = parent(&mut v, path) else { continue };
        let how = choice / all.len() as u64;
        let target = match (&mut *holder, &last) {
            (Value::Object(o), Value::String(k)) => o.get_mut(k.as_str()),
            (Value::Array(a), Value::Number(n)) => n.as_u64().and_then(|i| a.get_mut(i as usize)),
            _ => None,
        };
        let Some(target) = target else { continue };
        match op % 12 {
            // Replace with an arbitrary value (spliced in as raw text later).
            0 => {
                raws.push(doc.text());
                *target = Value::String(RAW.into());
            }
            1 => *target = swap_type(target, how),
            // Out of range.
            2 => {
                let bad = ["-1", "0", "366", "1.5", "1099511627777", "1e308", "-1e-9", "1e400", "2"];
                raws.push(bad[(how % bad.len() as u64) as usize].into());
                *target = Value::String(RAW.into());
            }
            // Grow a list past its cap, or an object with many unknown keys.
            3 => {
                let n = 60 + (how % 12) as usize;
                match target {
                    Value::Array(a) if !a.is_empty() => {
                        let first = a[0].clone();
                        a.resize(n, first);
                    }
                    Value::Object(o) => {
                        for i in 0..n {
                            o.insert(format!("k{i}"), json!(i));
                        }
                    }
                    other => *other = Value::Array(vec![other.clone(); n]),
                }
            }
            // A huge string.
            4 => *target = Value::String("W".repeat(1000 + (how % 300_000) as usize)),
            5 => *target = Value::Null,
            // Delete or rename the key / remove the element.
            6 | 7 => match (holder, &last) {
                (Value::Object(o), Value::String(k)) => {
                    if let Some(x) = o.shift_remove(k.as_str()) {
                        if op % 12 == 7 {
                            o.insert(typo(k, how), x);
                        }
                    }
                }
                (Value::Array(a), Value::Number(n)) => {
                    if let Some(i) = n.as_u64().map(|i| i as usize).filter(|&i| i < a.len()) {
                        a.remove(i);
                    }
                }
                _ => {}
            },
            // Benign: another in-range number, a flipped flag, a meaningful word.
            9..=11 => match target {
                Value::Number(_) => *target = json!((how % 997 + 1) as f64 / [1.0, 10.0, 1000.0][(how % 3) as usize]),
                Value::Bool(b) => *b = !*b,
                Value::String(_) => *target = json!(WORDS[(how % WORDS.len() as u64) as usize]),
                _ => {}
            },
            // Move a top-level key under `configuration` (shape mixing, 2.1).
            _ => {
                if path.len() == 1 {
                    if let (Some(o), Value::String(k)) = (v.as_object_mut(), &last) {
                        if let Some(x) = o.shift_remove(k.as_str()) {
                            let conf = o.entry("configuration").or_insert_with(|| json!({}));
                            if let Some(c) = conf.as_object_mut() {
                                c.insert(k.clone(), x);
                            }
                        }
                    }
                }
            }
        }
    }
    let mut text = v.to_string();
    let quoted = Value::String(RAW.into()).to_string();
    for raw in raws {
        if let Some(at) = text.find(&quoted) {
            text.replace_range(at..at + quoted.len(), &raw);
        }
    }
    text
}

#[test]
fn rich_config_is_valid() {
    let s = parse_scenario(&rich_config().to_string()).expect("the base of the mutations validates");
    assert_eq!(s.resolved.fronts.len(), 2);
    assert!(matches!(exercise(&rich_config().to_string()), Ok(true)));
}

#[test]
fn fuzz_mutated_configs() {
    let strategy = prop::collection::vec((any::<u64>(), any::<u8>(), arb_doc()), 1..5);
    let (before, valid_before) = (EXECUTIONS.load(Ordering::Relaxed), VALID.load(Ordering::Relaxed));
    let result = runner().run(&strategy, |m| exercise(&mutate(&m)).map(|_| ()));
    if let Err(e) = result {
        panic!("{e}");
    }
    // Other tests run concurrently: these counts are lower bounds for this generator's share.
    let (runs, valid) = (EXECUTIONS.load(Ordering::Relaxed) - before, VALID.load(Ordering::Relaxed) - valid_before);
    eprintln!("fuzz_mutated_configs: {runs} executions, {valid} valid configurations generated a first chunk");
    assert!(
        valid * 20 >= u64::from(cases()),
        "too few mutated configurations validate ({valid}) to exercise generation"
    );
}

// ---------------------------------------------------------------------------------------------
// Caps as typed errors
// ---------------------------------------------------------------------------------------------

fn errors_of(doc: &str) -> Vec<String> {
    match parse_scenario(doc) {
        Ok(_) => panic!("accepted: {}", &doc[..doc.len().min(200)]),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn document_size_is_capped_before_parsing() {
    // 100 MB: refused at once, without a parse (no allocation beyond the input).
    let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(100 << 20));
    let (errors, heap) = measured(|| errors_of(&huge));
    assert_eq!(errors, vec![format!("document larger than 1 MiB ({} bytes)", huge.len())]);
    assert!(heap < 1 << 16, "refusing a 100 MB document allocated {heap} bytes");
    // Exactly the cap is parsed; one byte more is refused.
    let mut at_cap = r#"{"total_patients": 10}"#.to_string();
    at_cap.push_str(&" ".repeat(MAX_DOCUMENT_BYTES - at_cap.len()));
    assert_eq!(parse_scenario(&at_cap).expect("1 MiB document").resolved.total_patients, 10);
    at_cap.push(' ');
    assert_eq!(errors_of(&at_cap), vec![format!("document larger than 1 MiB ({} bytes)", MAX_DOCUMENT_BYTES + 1)]);
}

#[test]
fn worst_case_documents_under_the_size_cap_stay_bounded() {
    // The densest documents of the size cap: many tiny values, many keys, deep lists.
    let n = MAX_DOCUMENT_BYTES / 2 - 64;
    let mut docs = vec![
        format!(r#"{{"front_configs": [{}0]}}"#, "0,".repeat(n - 2)),
        format!(r#"{{"name": [{}[]]}}"#, "[],".repeat(n / 2 - 4)),
        {
            let mut s = String::from(r#"{"demographics": {"#);
            let mut i = 0;
            while s.len() < MAX_DOCUMENT_BYTES - 32 {
                s.push_str(&format!(r#""k{i}":0,"#));
                i += 1;
            }
            s.push_str(r#""military": true}}"#);
            s
        },
        format!(r#"{{"front_configs": [{}]}}"#, vec![r#"{"name":"","x":[]}"#; n / 24].join(",")),
    ];
    docs.push(format!(r#"{{"warfare_types": {{{}"conventional": true}}}}"#, r#""a":{},"#.repeat(n / 8)));
    for doc in docs {
        assert!(doc.len() <= MAX_DOCUMENT_BYTES, "{}", doc.len());
        let started = Instant::now();
        let (r, heap) = measured(|| parse_scenario(&doc).map(|_| ()));
        // `name` is an ignored key (2.5): that document is valid; the others are not.
        assert_eq!(r.is_ok(), doc.starts_with(r#"{"name""#), "{}…", &doc[..40]);
        assert!(heap < CASE_HEAP, "{} bytes of heap for {}…", heap, &doc[..40]);
        assert!(started.elapsed() < CASE_TIME, "{:?} for {}…", started.elapsed(), &doc[..40]);
    }
}

#[test]
fn nesting_is_capped_without_stack_overflow() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
    // The document is level 1; `name` holds levels 2 … depth.
    let doc = |depth: usize| format!(r#"{{"name": {}}}"#, nested(depth));
    // `name` is accepted and ignored (2.5), whatever it holds, within the caps.
    assert!(parse_scenario(&doc(MAX_DEPTH)).is_ok(), "{MAX_DEPTH} levels are allowed");
    assert_eq!(errors_of(&doc(MAX_DEPTH + 1)).len(), 1);
    assert!(errors_of(&doc(MAX_DEPTH + 1))[0].ends_with(&format!("JSON nesting deeper than {MAX_DEPTH} levels")));
    for depth in [200, 10_000, 200_000] {
        let errors = errors_of(&doc(depth));
        assert_eq!(errors, vec![format!("JSON nesting deeper than {MAX_DEPTH} levels")], "depth {depth}");
        let open = format!(r#"{{"a":{}"#, r#"{"a":"#.repeat(depth));
        assert_eq!(
            errors_of(&open),
            vec![format!("JSON nesting deeper than {MAX_DEPTH} levels")],
            "open depth {depth}"
        );
    }
}

fn front(i: usize) -> Value {
    json!({"name": format!("F{i}"), "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]})
}

#[test]
fn list_caps_are_typed_errors() {
    let fronts = |n: usize| json!({"front_configs": (0..n).map(front).collect::<Vec<_>>()}).to_string();
    assert_eq!(parse_scenario(&fronts(MAX_FRONTS)).expect("64 fronts").resolved.fronts.len(), MAX_FRONTS);
    assert_eq!(errors_of(&fronts(MAX_FRONTS + 1)), vec![format!("front_configs: more than 64 fronts (got 65)")]);
    assert_eq!(errors_of(&fronts(5000)), vec![format!("front_configs: more than 64 fronts (got 5000)")]);
    let nations: Vec<Value> = (0..65).map(|i| json!({"nationality_code": "USA", "percentage": i})).collect();
    let doc = json!({"front_configs": [{"name": "A", "nationality_distribution": nations}]}).to_string();
    assert_eq!(
        errors_of(&doc),
        vec!["front_configs[0].nationality_distribution: more than 64 nations (got 65)".to_string()]
    );
    let facilities: Vec<Value> = (0..65).map(|_| json!({"id": "Role1"})).collect();
    let doc = json!({"facility_configs": facilities}).to_string();
    assert_eq!(errors_of(&doc), vec!["facility_configs: more than 64 entries (got 65)".to_string()]);
}

#[test]
fn extreme_values_are_typed_errors() {
    let cases: &[(&str, &str)] = &[
        (r#"{"total_patients": 1099511627777}"#, "total_patients: must be between 1 and 1099511627776"),
        (r#"{"total_patients": 1e400}"#, "invalid JSON"),
        (r#"{"total_patients": 0}"#, "total_patients: must be between 1 and 1099511627776"),
        (r#"{"total_patients": "NaN"}"#, "total_patients:"),
        (r#"{"total_patients": 12.5}"#, "total_patients:"),
        (r#"{"days_of_fighting": 366}"#, "days_of_fighting: must be between 1 and 365, got 366"),
        (r#"{"days_of_fighting": 18446744073709551616}"#, "days_of_fighting:"),
        (r#"{"demographics": {"female_share": 1e308}}"#, "demographics.female_share: must be between 0 and 1"),
        (r#"{"demographics": {"female_share": "NaN"}}"#, "demographics.female_share:"),
        (r#"{"injury_mix": {"Disease": 1e308, "Battle Injury": 1e308}}"#, "injury_mix: values are too large"),
        (r#"{"injury_mix": {"Disease": -1e-300}}"#, "injury_mix.Disease: must be at least 0"),
        (r#"{"facility_configs": [{"id": "Role1", "kia_rate": 1.0000001}]}"#, "facility_configs[0].kia_rate:"),
        (r#"{"seed": 18446744073709551616}"#, "seed:"),
        (r#"{"seed": "18446744073709551616"}"#, "seed:"),
        (r#"{"seed": -1}"#, "seed:"),
        (r#"{"base_date": "2055-01-01"}"#, "base_date:"),
        (r#"{"flow_model": "health"}"#, "flow_model:"),
        (r#"[1, 2]"#, "expected an object"),
        ("", "invalid JSON"),
        ("{\"a\": \"\u{0}\"", "invalid JSON"),
    ];
    for (doc, start) in cases {
        let errors = errors_of(doc);
        assert!(errors.iter().any(|e| e.starts_with(start)), "{doc}: expected {start:?}, got {errors:?}");
    }
    let doc = json!({"front_configs": [
        {"name": "A", "casualty_rate": 1e308, "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]},
        {"name": "B", "casualty_rate": 1e308, "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]}]})
    .to_string();
    assert!(errors_of(&doc).iter().any(|e| e.contains("too large")), "{:?}", errors_of(&doc));
}

#[test]
fn largest_run_plans_and_starts_quickly() {
    // 2^40 patients over 365 days with every warfare type and special event: the plan is
    // O(days × 24 × types) and the first chunk is immediate.
    let doc = json!({
        "total_patients": MAX_PATIENTS, "days_of_fighting": MAX_DAYS,
        "warfare_types": {"conventional": true, "artillery": true, "urban": true, "guerrilla": true,
                          "drone": true, "naval": true, "cbrn": true, "peacekeeping": true},
        "special_events": {"mass_casualty": true, "ambush": true, "major_offensive": true},
        "intensity": "extreme", "tempo": "surge", "flow_model": "markov", "seed": 1
    });
    let started = Instant::now();
    let (valid, heap) = measured(|| exercise(&doc.to_string()));
    assert!(matches!(valid, Ok(true)), "{valid:?}");
    assert!(started.elapsed() < CASE_TIME, "{:?}", started.elapsed());
    assert!(heap < 64 << 20, "{heap} bytes");
    // The last patient of the largest run is reachable by random access.
    let scenario = parse_scenario(&doc.to_string()).expect("valid");
    let opts = JobOptions { range: Some(MAX_PATIENTS - 1..MAX_PATIENTS), ..JobOptions::default() };
    let mut job = Job::new(&scenario.resolved, 1, &opts).expect("job");
    let mut out = Vec::new();
    assert!(job.next_chunk(&mut out).expect("chunk").done);
    let v: Value = serde_json::from_slice(&out).expect("one JSON record");
    assert_eq!(v["id"], json!(MAX_PATIENTS - 1));
    assert_eq!(v["day"], json!("Day 365"));
}

#[test]
fn huge_front_name_is_refused_and_the_longest_is_bounded_by_the_chunk_budget() {
    let doc = |name: String| {
        json!({"front_configs": [{"name": name, "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]}]})
            .to_string()
    };
    // A front name of almost 1 MiB is refused (it would be repeated in every record).
    let errors = parse_scenario(&doc("N".repeat(MAX_DOCUMENT_BYTES - 400))).expect_err("refused").0;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "front_configs[0].name");
    assert!(errors[0].message.starts_with("must have at most 200 characters"), "{}", errors[0].message);
    // The longest accepted name (200 four-byte characters) keeps chunks near the byte budget.
    let scenario = parse_scenario(&doc("𝔑".repeat(200))).expect("valid");
    let mut job =
        Job::new(&scenario.resolved, 1, &JobOptions { chunk_bytes: 1 << 16, ..JobOptions::default() }).expect("job");
    let mut out = Vec::new();
    let (report, heap) = measured(|| job.next_chunk(&mut out).expect("chunk"));
    assert!(report.patients >= 1 && out.len() < (1 << 16) + (16 << 10), "{report:?}, {} bytes", out.len());
    assert!(heap < 16 << 20, "{heap} bytes");
}

#[test]
fn job_limits_are_typed_errors() {
    let r = parse_scenario(r#"{"total_patients": 100}"#).expect("valid").resolved;
    let err = |opts: JobOptions| Job::new(&r, 1, &opts).expect_err("refused");
    assert!(matches!(err(JobOptions { chunk_size: 0, ..JobOptions::default() }), JobError::ChunkLimits(_)));
    assert!(matches!(err(JobOptions { chunk_bytes: 0, ..JobOptions::default() }), JobError::ChunkLimits(_)));
    let e = err(JobOptions { chunk_bytes: MAX_CHUNK_BYTES + 1, ..JobOptions::default() });
    assert!(matches!(e, JobError::ChunkLimits(_)));
    assert_eq!(
        e.to_string(),
        format!("chunk byte budget must be between 1 and {MAX_CHUNK_BYTES}, got {}", MAX_CHUNK_BYTES + 1)
    );
    assert!(Job::new(&r, 1, &JobOptions { chunk_bytes: MAX_CHUNK_BYTES, ..JobOptions::default() }).is_ok());
    assert!(matches!(
        err(JobOptions { range: Some(0..101), ..JobOptions::default() }),
        JobError::Range { end: 101, .. }
    ));
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = JobOptions { range: Some(50..40), ..JobOptions::default() };
    assert!(matches!(err(reversed), JobError::Range { start: 50, .. }));
    assert!(matches!(shard_range(100, 3, 3), Err(JobError::Shard { index: 3, count: 3 })));
    assert!(matches!(shard_range(100, 0, 0), Err(JobError::Shard { .. })));
    let zip_range =
        JobOptions { range: Some(0..50), compression: patientgen::Compression::Zip, ..JobOptions::default() };
    assert!(matches!(err(zip_range), JobError::Unsupported(_)));
}
