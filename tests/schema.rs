//! The generated scenario JSON Schema, TypeScript types and docs/SCENARIO.md key table are current;
//! the schema accepts the defaults, every preset and every example of docs/SCENARIO.md and rejects
//! typos, checked with a real validator (python `jsonschema`, Draft 7, formats checked); the parser
//! accepts `$schema`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use patientgen::config::schema;
use patientgen::config::{preset_json, PRESETS};
use patientgen::parse_scenario;
use patientgen::{schema_document as document, SCHEMA_DOCUMENTS as DOCUMENTS};
use serde_json::{json, Value};

fn repo(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn committed_generated_files_are_current() {
    for (name, path) in [
        ("scenario", "schema/scenario.schema.json"),
        ("record", "schema/record.schema.json"),
        ("datapackage.json", "schema/datapackage.json"),
        ("scenario.d.ts", "js/scenario.d.ts"),
        ("record.d.ts", "js/record.d.ts"),
    ] {
        assert_eq!(
            repo(path),
            document(name).unwrap(),
            "{path} is stale: regenerate it with `patientgen schema {name} > {path}`"
        );
    }
    for (file, marker, name) in [
        ("docs/SCENARIO.md", "keys", "keys.md"),
        ("docs/FIELDS.md", "record", "record.md"),
        ("docs/FIELDS.md", "csv", "csv.md"),
    ] {
        let md = repo(file);
        let (start, end) = (format!("<!-- {marker} -->\n"), format!("<!-- /{marker} -->"));
        let a = md.find(&start).unwrap_or_else(|| panic!("{file} has no {start}")) + start.len();
        let b = md.find(&end).unwrap_or_else(|| panic!("{file} has no {end}"));
        assert_eq!(
            &md[a..b],
            format!("{}\n", document(name).unwrap().trim_end_matches('\n')),
            "{file} {marker} table is stale: run scripts/schema.sh"
        );
    }
    assert!(DOCUMENTS.iter().all(|d| document(d).is_some()));
    assert_eq!(document("nope"), None);
}

#[test]
fn the_schema_covers_every_key_the_parser_knows() {
    let s = schema::scenario_schema();
    let props = s["properties"].as_object().unwrap();
    // Each documented key is accepted by the parser with the schema's default (or an example).
    for (k, v) in props {
        if let Some(d) = v.get("default") {
            let doc = json!({ k.as_str(): d });
            assert!(parse_scenario(&doc.to_string()).is_ok(), "default of {k} rejected: {doc}");
        }
    }
    // Every enum value of the simple keys parses.
    for k in ["intensity", "difficulty", "tempo", "flow_model", "evacuation_capability", "preset", "warfare_type"] {
        for v in props[k]["enum"].as_array().unwrap() {
            let doc = json!({ k: v });
            assert!(parse_scenario(&doc.to_string()).is_ok(), "{doc}");
        }
    }
    // A key the parser rejects as unknown is not in the schema.
    let e = parse_scenario(r#"{"days_of_figthing": 3}"#).unwrap_err();
    assert_eq!(e.0[0].path, "days_of_figthing");
    assert!(!props.contains_key("days_of_figthing"));
    assert!(!props.contains_key("configuration_id"));
    assert_eq!(PRESETS.len(), props["preset"]["enum"].as_array().unwrap().len());
}

#[test]
fn the_parser_accepts_dollar_schema_at_the_top_level_only() {
    let a = parse_scenario(r#"{"$schema": "./scenario.schema.json", "total_patients": 5}"#).unwrap();
    assert_eq!(a.resolved.total_patients, 5);
    assert!(a.ignored_keys.is_empty(), "{:?}", a.ignored_keys);
    // It changes nothing in the resolved configuration (nor its digest).
    let b = parse_scenario(r#"{"total_patients": 5}"#).unwrap();
    assert_eq!(a.resolved.config_sha256(), b.resolved.config_sha256());
    let e = parse_scenario(r#"{"$schema": 5}"#).unwrap_err();
    assert_eq!((e.0[0].path.as_str(), e.0[0].message.as_str()), ("$schema", "expected a string, got a number"));
    let e = parse_scenario(r#"{"configuration": {"$schema": "x"}}"#).unwrap_err();
    assert_eq!(e.0[0].path, "configuration.$schema");
}

/// The JSON blocks of docs/SCENARIO.md.
fn doc_examples() -> Vec<Value> {
    let md = repo("docs/SCENARIO.md");
    let mut out = Vec::new();
    let mut rest = md.as_str();
    while let Some(i) = rest.find("```json\n") {
        rest = &rest[i + 8..];
        let j = rest.find("```").unwrap();
        out.push(serde_json::from_str(&rest[..j]).unwrap_or_else(|e| panic!("{e}: {}", &rest[..j])));
        rest = &rest[j + 3..];
    }
    out
}

/// Validates each document with python `jsonschema` (Draft 7 with format checks): one error
/// message per document, empty when valid.
fn validate(docs: &[Value]) -> Vec<String> {
    let script = r#"
import json, sys
from jsonschema import Draft7Validator, FormatChecker
data = json.load(sys.stdin)
Draft7Validator.check_schema(data["schema"])
v = Draft7Validator(data["schema"], format_checker=FormatChecker())
print(json.dumps([("; ".join(sorted(e.message for e in v.iter_errors(d)))) for d in data["docs"]]))
"#;
    let input = json!({"schema": schema::scenario_schema(), "docs": docs}).to_string();
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (scripts/test.sh installs it)");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python jsonschema failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_real_validator_accepts_defaults_presets_and_examples_and_rejects_typos() {
    let mut good = vec![schema::default_document(), json!({})];
    for p in PRESETS {
        good.push(preset_json(p.id).unwrap());
        good.push(json!({"preset": p.id}));
    }
    let examples = doc_examples();
    assert!(examples.len() >= 6, "{} examples", examples.len());
    for e in &examples {
        assert!(parse_scenario(&e.to_string()).is_ok(), "parser rejects the docs example {e}");
    }
    good.extend(examples);
    for (doc, err) in good.iter().zip(validate(&good)) {
        assert_eq!(err, "", "{doc}");
    }
    let bad = [
        json!({"days_of_figthing": 3}),
        json!({"intensity": "hgh"}),
        json!({"total_patients": 0}),
        json!({"total_patients": 2.5}),
        json!({"configuration_id": "x"}),
        json!({"configuration": {"tempo": "fast"}}),
        json!({"demographics": {"female_share": 1.5}}),
        json!({"front_configs": [{"name": "A", "nationality_distribution": [{"nationality_code": "XYZ", "percentage": 1}]}]}),
        json!({"front_configs": [{"nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]}]}),
        json!({"environmental_conditions": {"extreme_weather": true}}),
        json!({"seed": -1}),
        json!({"base_date": "1 June 2025"}),
    ];
    for (doc, err) in bad.iter().zip(validate(&bad)) {
        assert_ne!(err, "", "the schema accepts {doc}");
        assert!(parse_scenario(&doc.to_string()).is_err(), "the parser accepts {doc}");
    }
    assert!(validate(&bad[..1])[0].contains("days_of_figthing"));
}
