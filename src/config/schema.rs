//! One description of the scenario document and of the JSON output record, from which the JSON
//! Schema (`patientgen schema`, `schema/scenario.schema.json`), the TypeScript types
//! (`js/scenario.d.ts`, `js/record.d.ts`) and the key table of docs/SCENARIO.md are generated, so
//! that none of them can drift from the parser.
//!
//! Every vocabulary (intensities, nations, presets, …) is read from the enums the parser and the
//! writers use; every default is read from the parser's built-in default scenario; every range is
//! the parser's constant.

use serde_json::{json, Map, Value};

use super::parse::DEFAULTS;
use super::{MAX_DAYS, MAX_FACILITIES, MAX_FRONTS, MAX_NAME_CHARS, MAX_NATIONS, MAX_PATIENTS, PRESETS};
use crate::data::vocab::{
    BodyPart, EnvCondition, EvacuationCapability, Facility, FlowModel, Gender, InjuryType, Intensity, IssRegion,
    Mechanism, Nation, Priority, Script, SeverityText, SpecialEventKind, Status, Tempo, Triage, Warfare,
};

/// The draft of JSON Schema the generated schemas use (understood by VS Code, JetBrains IDEs, ajv).
pub const JSON_SCHEMA_DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Largest seed given as a JSON number (2^53 − 1); larger seeds are given as strings.
const MAX_EXACT_SEED: u64 = (1 << 53) - 1;

/// Reference-UI keys accepted and ignored at the top level and under `configuration`: the
/// parser's list.
use super::parse::IGNORED_KEYS as IGNORED;

/// Injury-type keys of `injury_mix` and `triage_override` (the parser also accepts any letter case).
const INJURY_KEYS: [(&str, &str); 7] = [
    ("Battle Injury", "Battle injury (BI)."),
    ("BATTLE_TRAUMA", "Alias of \"Battle Injury\"."),
    ("Non-Battle Injury", "Non-battle injury (NBI)."),
    ("NON_BATTLE", "Alias of \"Non-Battle Injury\"."),
    ("NON_BATTLE_INJURY", "Alias of \"Non-Battle Injury\"."),
    ("NON_BATTLE_TRAUMA", "Alias of \"Non-Battle Injury\"."),
    ("Disease", "Disease (DNBI)."),
];

fn strs<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<Value> {
    all.iter().map(|&x| Value::from(name(x))).collect()
}

fn default_of(path: &[&str]) -> Option<Value> {
    let root: Value = serde_json::from_str(DEFAULTS).ok()?;
    path.iter().try_fold(&root, |v, p| v.get(p)).cloned()
}

/// `{type, description, …extra}` with the default of `default_path` (when the defaults give one).
fn key(schema: Value, description: &str, default_path: Option<&[&str]>) -> Value {
    let mut o = match schema {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    o.insert("description".into(), description.into());
    if let Some(d) = default_path.and_then(default_of) {
        o.insert("default".into(), d);
    }
    Value::Object(o)
}

fn flags(names: &[Value], what: &str) -> Value {
    let mut props = Map::new();
    for n in names {
        if let Some(s) = n.as_str() {
            props.insert(s.into(), json!({"type": "boolean", "description": format!("Enables {what} `{s}`.")}));
        }
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

fn injury_object(value: Value) -> Value {
    let mut props = Map::new();
    for (k, d) in INJURY_KEYS {
        let mut v = value.clone();
        if let Value::Object(o) = &mut v {
            o.insert("description".into(), d.into());
        }
        props.insert(k.into(), v);
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

fn ignored(description: &str) -> Value {
    json!({"description": format!("Accepted and ignored ({description}).")})
}

fn front_schema() -> Value {
    let nations = strs(Nation::ALL, Nation::as_str);
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS,
                   "description": "Unique front id (default `front_<n>`, n counted from 1); facility overrides name it in `front_id`."},
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS,
                     "description": "Unique front name, written in every record's `front`. NFC, no control characters."},
            "casualty_rate": {"type": "number", "minimum": 0,
                              "description": "Relative share of casualties on this front (normalised over the fronts; all 0 = equal shares)."},
            "nationality_distribution": {
                "type": "array", "minItems": 1, "maxItems": MAX_NATIONS,
                "description": "Nations of this front's casualties with relative weights (normalised; at least one weight above 0).",
                "items": {
                    "type": "object",
                    "properties": {
                        "nationality_code": {"type": "string", "enum": nations,
                                             "description": "ISO 3166-1 alpha-3 code of a supported nation (each at most once per front)."},
                        "percentage": {"type": "number", "minimum": 0, "description": "Relative weight of the nation."}
                    },
                    "required": ["nationality_code", "percentage"],
                    "additionalProperties": false
                }
            },
            "description": ignored("reference UI"),
            "capacity": ignored("reference UI"),
            "role": ignored("reference UI")
        },
        "required": ["name", "nationality_distribution"],
        "additionalProperties": false
    })
}

fn facility_schema() -> Value {
    json!({
        "type": "object",
        "description": "Overrides the KIA and RTD rates of one facility (all fronts, or one front with `front_id`). The facility is named by `id` or `name` (e.g. \"Role2\", \"R2\", \"POI\").",
        "properties": {
            "id": {"type": "string", "maxLength": MAX_NAME_CHARS, "description": "Facility id: POI, Role1…Role4 or an accepted spelling such as R2."},
            "name": {"type": "string", "maxLength": MAX_NAME_CHARS, "description": "Facility name, matched like `id`."},
            "front_id": {"type": "string", "maxLength": MAX_NAME_CHARS, "description": "Restricts the override to the front with this id."},
            "kia_rate": {"type": "number", "minimum": 0, "maximum": 1, "description": "Probability of death at this facility."},
            "rtd_rate": {"type": "number", "minimum": 0, "maximum": 1, "description": "Probability of return to duty at this facility."},
            "description": ignored("reference UI"),
            "capacity": ignored("reference UI"),
            "role": ignored("reference UI")
        },
        "additionalProperties": false
    })
}

/// The scenario keys (top level and `configuration`), each with its schema, in documentation order.
fn scenario_properties() -> Map<String, Value> {
    let warfare = strs(&Warfare::TYPES, Warfare::as_str);
    let mut single_warfare = warfare.clone();
    single_warfare.push("amphibious".into());
    let events = strs(
        &[SpecialEventKind::MassCasualty, SpecialEventKind::MajorOffensive, SpecialEventKind::Ambush],
        SpecialEventKind::as_str,
    );
    let mut env = flags(&strs(EnvCondition::ALL, EnvCondition::as_str), "environmental condition");
    if let Some(Value::Object(p)) = env.get_mut("properties") {
        p.insert(
            "extreme_weather".into(),
            json!({"enum": [false], "description": "Reference-UI key, accepted only as false (use storm, extreme_heat or extreme_cold)."}),
        );
        p.insert(
            "urban_environment".into(),
            json!({"enum": [false], "description": "Reference-UI key, accepted only as false (use urban_debris)."}),
        );
    }
    let presets: Vec<Value> = PRESETS.iter().map(|p| Value::from(p.id)).collect();
    let count = json!({"type": "integer", "minimum": 1, "maximum": MAX_PATIENTS});
    let days = json!({"type": "integer", "minimum": 1, "maximum": MAX_DAYS});
    let intensity = json!({"type": "string", "enum": strs(Intensity::ALL, Intensity::as_str)});
    let mix = injury_object(json!({"type": "number", "minimum": 0}));
    let triage_row = json!({
        "type": "object",
        "properties": {
            "T1": {"type": "number", "minimum": 0, "description": "Relative weight of T1 (immediate)."},
            "T2": {"type": "number", "minimum": 0, "description": "Relative weight of T2 (delayed)."},
            "T3": {"type": "number", "minimum": 0, "description": "Relative weight of T3 (minimal)."}
        },
        "additionalProperties": false
    });
    let fronts = json!({"type": "array", "maxItems": MAX_FRONTS, "items": front_schema()});

    let mut p = Map::new();
    let mut add = |name: &str, v: Value| {
        p.insert(name.into(), v);
    };
    add(
        "preset",
        key(
            json!({"type": "string", "enum": presets}),
            "Shipped preset applied between the built-in defaults and the document's own keys.",
            None,
        ),
    );
    add("total_patients", key(count.clone(), "Patients in the whole run.", Some(&["total_patients"])));
    add("count", key(count, "Alias of total_patients (must equal it when both are given).", None));
    add(
        "days_of_fighting",
        key(days.clone(), "Days of fighting; day 1 starts at midnight UTC of base_date.", Some(&["days_of_fighting"])),
    );
    add("duration_days", key(days, "Alias of days_of_fighting.", None));
    add(
        "base_date",
        key(
            json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
            "First day of fighting, YYYY-MM-DD, between 1970-01-01 and 2054-12-31.",
            Some(&["base_date"]),
        ),
    );
    add(
        "warfare_types",
        key(
            flags(&warfare, "warfare type"),
            "Active warfare types (at least one true; missing keys are false).",
            Some(&["warfare_types"]),
        ),
    );
    add(
        "warfare_type",
        key(
            json!({"type": "string", "enum": single_warfare}),
            "One warfare type (preset shape; amphibious = naval); replaces warfare_types.",
            None,
        ),
    );
    add("intensity", key(intensity.clone(), "Fighting intensity: scales how often events happen (low 0.6, medium 1.0, high 1.3, extreme 1.6) and mass-casualty events (0.5, 1.0, 1.2, 1.5).", Some(&["intensity"])));
    add("difficulty", key(intensity, "Alias of intensity.", None));
    add(
        "tempo",
        key(
            json!({"type": "string", "enum": strs(Tempo::ALL, Tempo::as_str)}),
            "How the patients split over the days (a weight per day for days 1–8; later days weigh as day 8).",
            Some(&["tempo"]),
        ),
    );
    add(
        "special_events",
        key(
            flags(&events, "special event"),
            "Enabled special events (missing keys are false).",
            Some(&["special_events"]),
        ),
    );
    add(
        "environmental_conditions",
        key(env, "Enabled environmental conditions (missing keys are false).", Some(&["environmental_conditions"])),
    );
    add(
        "injury_mix",
        key(
            mix.clone(),
            "Relative weights of the injury types (normalised; sum above 0; missing types weigh 0).",
            Some(&["injury_mix"]),
        ),
    );
    add("injury_distribution", key(mix, "Alias of injury_mix.", None));
    add(
        "front_configs",
        key(
            fronts.clone(),
            "Fronts with their casualty shares and nations (an empty list keeps the fronts of the layer below).",
            Some(&["front_configs"]),
        ),
    );
    add("fronts", key(fronts, "Alias of front_configs (preset shape).", None));
    add(
        "facility_configs",
        key(
            json!({"type": "array", "maxItems": MAX_FACILITIES, "items": facility_schema()}),
            "Facility KIA/RTD rate overrides (used by the classic model only).",
            Some(&["facility_configs"]),
        ),
    );
    add(
        "triage_override",
        key(injury_object(triage_row), "Triage weights per injury type (normalised per row), replacing the triage table of the classic and markov models; the clinical model triages from physiology.", Some(&["triage_override"])),
    );
    add(
        "flow_model",
        key(
            json!({"type": "string", "enum": strs(FlowModel::ALL, FlowModel::as_str)}),
            "Patient-flow model: clinical (injury first, docs/MODEL.md), classic (analytic rates) or markov.",
            Some(&["flow_model"]),
        ),
    );
    add(
        "evacuation_capability",
        key(
            json!({"type": "string", "enum": strs(EvacuationCapability::ALL, EvacuationCapability::as_str)}),
            "Evacuation capability of the clinical model: modern, contested or prolonged field care.",
            Some(&["evacuation_capability"]),
        ),
    );
    add(
        "seed",
        key(
            json!({"oneOf": [
                {"type": "integer", "minimum": 0, "maximum": MAX_EXACT_SEED},
                {"type": "string", "pattern": "^[0-9]{1,20}$"}
            ]}),
            "Random seed, 0 … 18446744073709551615 (above 2^53 − 1 as a string); command-line and API seeds override it; absent = random.",
            None,
        ),
    );
    let demo = |name: &str, schema: Value, d: &str| (name.to_string(), key(schema, d, Some(&["demographics", name])));
    let demographics: Map<String, Value> = [
        demo("military", json!({"type": "boolean"}), "Adds rank and service to every record."),
        demo("religion", json!({"type": "boolean"}), "Writes religion."),
        demo("female_share", json!({"type": "number", "minimum": 0, "maximum": 1}), "Share of women, 0…1."),
        demo(
            "script",
            json!({"type": "string", "enum": strs(Script::ALL, Script::as_str)}),
            "Names in their native script or romanised (latin).",
        ),
    ]
    .into_iter()
    .collect();
    add(
        "demographics",
        json!({"type": "object", "description": "Demographic options (each key optional).", "properties": demographics, "additionalProperties": false}),
    );
    for k in IGNORED {
        add(k, ignored("reference configuration metadata"));
    }
    p
}

/// The JSON Schema (draft-07) of a scenario document.
pub fn scenario_schema() -> Value {
    let props = scenario_properties();
    let mut top = Map::new();
    top.insert("$schema".into(), json!({"type": "string", "description": "The JSON Schema this document follows (editors use it; the parser ignores it)."}));
    top.extend(props.clone());
    top.insert(
        "configuration".into(),
        json!({"type": "object", "description": "The same keys nested (reference shape); a key may not be given both here and at the top level.",
               "properties": props, "additionalProperties": false}),
    );
    json!({
        "$schema": JSON_SCHEMA_DRAFT,
        "title": "patientgen scenario",
        "description": "A patientgen scenario: every key is optional; missing keys take the built-in defaults, then the preset's values. docs/SCENARIO.md describes each key.",
        "type": "object",
        "properties": top,
        "additionalProperties": false
    })
}

/// [`scenario_schema`] as pretty-printed JSON with a final newline (the shipped file's bytes).
pub fn scenario_schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&scenario_schema()).unwrap_or_default();
    s.push('\n');
    s
}

// ---- the output record -------------------------------------------------------------------------

fn e<T: Copy>(all: &[T], name: fn(T) -> &'static str, d: &str) -> Value {
    json!({"type": "string", "enum": strs(all, name), "description": d})
}

fn t(ty: &str, d: &str) -> Value {
    json!({"type": ty, "description": d})
}

/// An object schema: `fields` are `(name, schema, required)`.
fn obj(d: &str, fields: Vec<(&str, Value, bool)>) -> Value {
    let required: Vec<&str> = fields.iter().filter(|f| f.2).map(|f| f.0).collect();
    let props: Map<String, Value> = fields.into_iter().map(|(n, v, _)| (n.to_string(), v)).collect();
    json!({"type": "object", "description": d, "properties": props, "required": required, "additionalProperties": false})
}

fn arr(d: &str, items: Value) -> Value {
    json!({"type": "array", "description": d, "items": items})
}

/// The JSON Schema of one output record (`ndjson` line, element of `json`, `patients` of
/// `json-wrapped`), in the key order src/format/json.rs writes.
pub fn record_schema() -> Value {
    let facility = |d: &str| e(Facility::ALL, Facility::as_str, d);
    let triage = |d: &str| e(Triage::ALL, Triage::as_str, d);
    let nation = |d: &str| e(Nation::ALL, Nation::as_str, d);
    let gender = |d: &str| e(Gender::ALL, Gender::as_str, d);
    let final_status: Vec<Value> =
        Status::ALL.iter().filter(|s| **s != Status::Dow).map(|s| Value::from(s.as_str())).collect();
    let timestamp = |d: &str| json!({"type": "string", "format": "date-time", "description": d});
    let hours = |d: &str| json!({"type": "number", "minimum": 0, "description": d});
    let event_types: Vec<Value> =
        ["arrival", "evacuation_start", "transit_start", "kia", "rtd", "remains_role4"].map(Value::from).to_vec();
    let timing = |d: &str| json!({"type": "string", "enum": ["during_evacuation", "during_transit", "auto_role4", "markov_chain_decision"], "description": d});
    let demographics = obj(
        "Identity of the casualty.",
        vec![
            ("family_name", t("string", "Family name in the nation's script (or romanised with script latin)."), true),
            ("given_name", t("string", "Given name."), true),
            ("gender", gender("Same as the record's gender."), true),
            (
                "id_number",
                t(
                    "string",
                    "National identity number in the nation's format (digits may start with 0: read it as text).",
                ),
                true,
            ),
            (
                "birthdate",
                json!({"type": "string", "format": "date", "description": "Date of birth, YYYY-MM-DD."}),
                true,
            ),
            ("nationality", nation("Same as the record's nationality."), true),
            ("religion", t("string", "Religion code (only with demographics.religion)."), false),
            ("weight", json!({"type": "number", "minimum": 0, "description": "Body weight in kg, one decimal."}), true),
            ("blood_type", t("string", "ABO and Rh blood group, e.g. A+ or O-."), true),
            ("rank", t("string", "NATO rank code, e.g. OR-2 or OF-1 (only with demographics.military)."), false),
            ("service", t("string", "Service branch (only with demographics.military)."), false),
        ],
    );
    let condition = obj(
        "A diagnosed condition (SNOMED CT).",
        vec![
            ("code", t("string", "SNOMED CT concept id."), true),
            ("name", t("string", "SNOMED CT display name."), true),
            (
                "severity",
                e(SeverityText::ALL, SeverityText::as_str, "Severity of the primary (first) condition only."),
                false,
            ),
            (
                "ais",
                json!({"type": "integer", "minimum": 1, "maximum": 6, "description": "Abbreviated Injury Scale 1–6 (clinical model)."}),
                false,
            ),
            ("body_region", e(IssRegion::ALL, IssRegion::as_str, "ISS body region (clinical model)."), false),
        ],
    );
    let observation = obj(
        "A vital sign (LOINC).",
        vec![
            ("code", t("string", "LOINC code."), true),
            ("display", t("string", "LOINC display name."), true),
            ("value", t("number", "Measured value (body temperature with one decimal, others whole)."), true),
            ("unit", t("string", "UCUM unit."), true),
        ],
    );
    let procedure = obj(
        "A procedure (SNOMED CT).",
        vec![
            ("code", t("string", "SNOMED CT concept id."), true),
            ("display", t("string", "SNOMED CT display name."), true),
        ],
    );
    let visit = obj(
        "Care at one facility.",
        vec![
            ("facility", facility("Facility of the visit.")),
            ("date", timestamp("Arrival time, UTC.")),
            ("treatments", arr("Procedures performed.", procedure)),
            ("observations", arr("Vital signs taken.", observation)),
        ]
        .into_iter()
        .map(|(n, v)| (n, v, true))
        .collect(),
    );
    let event = obj(
        "A movement event; the last one is terminal (kia, rtd or remains_role4).",
        vec![
            ("event_type", json!({"type": "string", "enum": event_types, "description": "What happened."}), true),
            ("facility", facility("Where it happened (the facility left, for transit_start)."), true),
            ("timestamp", timestamp("When, UTC."), true),
            ("hours_since_injury", hours("Hours from injury_time, one decimal."), true),
            ("evacuation_duration_hours", hours("evacuation_start: hours until the next leg or the outcome."), false),
            ("triage_category", triage("evacuation_start, transit_start: the record's triage."), false),
            ("next_facility", facility("evacuation_start: the facility the casualty goes to next."), false),
            ("from_facility", facility("transit_start: facility left."), false),
            ("to_facility", facility("transit_start: destination."), false),
            ("transit_duration_hours", hours("transit_start: length of the leg."), false),
            ("kia_timing", timing("kia: when the death happened."), false),
            ("rtd_timing", timing("rtd: when the return to duty happened."), false),
            ("transit_hours_completed", hours("kia/rtd during transit: hours of the leg completed."), false),
            ("destination_facility", facility("kia during transit: where the leg was going."), false),
            ("evacuation_hours_completed", hours("kia/rtd during a stay: hours of the stay completed."), false),
            (
                "facilities_visited",
                json!({"type": "integer", "minimum": 0, "description": "kia/rtd (markov model): facilities visited."}),
                false,
            ),
        ],
    );
    let mut schema = obj(
        "One synthetic casualty.",
        vec![
            (
                "id",
                json!({"type": "integer", "minimum": 0, "description": "Index of the patient in the run, from 0."}),
                true,
            ),
            ("nationality", nation("ISO 3166-1 alpha-3 code."), true),
            ("gender", gender("Sex."), true),
            (
                "injury_type",
                e(InjuryType::ALL, InjuryType::as_str, "Battle injury, non-battle injury or disease."),
                true,
            ),
            ("triage_category", triage("NATO triage category: T1 immediate, T2 delayed, T3 minimal."), true),
            (
                "status",
                e(
                    Status::ALL,
                    Status::as_str,
                    "Outcome: KIA, DOW (died of wounds), RTD, Remains_Role4 or NBD (non-battle death).",
                ),
                true,
            ),
            ("front", t("string", "Name of the front (from the scenario)."), true),
            (
                "final_status",
                json!({"type": "string", "enum": final_status, "description": "Outcome with DOW counted as KIA."}),
                true,
            ),
            ("last_facility", facility("Last facility reached."), true),
            ("demographics", demographics, true),
            ("conditions", arr("Conditions, the primary first.", condition), true),
            (
                "severity",
                json!({"type": "integer", "minimum": 0, "description": "Severity score of the primary condition."}),
                true,
            ),
            ("mechanism", e(Mechanism::ALL, Mechanism::as_str, "Mechanism of injury (clinical model)."), false),
            (
                "iss",
                json!({"type": "integer", "minimum": 0, "maximum": 75, "description": "Injury Severity Score (clinical model)."}),
                false,
            ),
            (
                "evacuation_priority",
                e(Priority::ALL, Priority::as_str, "NATO evacuation priority (clinical model)."),
                false,
            ),
            (
                "decontaminated",
                json!({"enum": [true], "description": "Present (true) for a CBRN casualty (clinical model)."}),
                false,
            ),
            ("treatments", arr("Visits in order, with procedures and vital signs.", visit), true),
            ("movement_timeline", arr("Movement events in time order.", event), true),
            ("injury_time", timestamp("Time of injury, UTC."), true),
            ("scenario", e(Warfare::ALL, Warfare::as_str, "Warfare type of the event that caused the casualty."), true),
            ("event_id", t("string", "Id of the event: <MC|IND|SE>_<label>_<day>_<hhmm>_<seq>."), true),
            (
                "mass_casualty",
                json!({"enum": [true], "description": "Present (true) when the event was a mass-casualty event."}),
                false,
            ),
            (
                "day",
                json!({"type": "string", "pattern": "^Day [0-9]+$", "description": "Day of fighting, \"Day 1\" first."}),
                true,
            ),
            ("body_part", e(BodyPart::ALL, BodyPart::as_str, "Body part of the primary injury."), true),
            (
                "environmental_conditions",
                arr(
                    "Conditions in effect at the injury (absent when none).",
                    e(EnvCondition::ALL, EnvCondition::as_str, "A condition."),
                ),
                false,
            ),
        ],
    );
    if let Value::Object(o) = &mut schema {
        o.insert("$schema".into(), JSON_SCHEMA_DRAFT.into());
        o.insert("title".into(), "patientgen record".into());
    }
    schema
}

// ---- TypeScript --------------------------------------------------------------------------------

const GENERATED: &str =
    "// Generated by `patientgen schema <scenario.d.ts|record.d.ts>` from src/config/schema.rs: do not edit.\n";

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == '$')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')
}

fn doc(out: &mut String, indent: &str, v: &Value) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(d) = v.get("description").and_then(Value::as_str) {
        lines.push(d.replace("*/", "* /"));
    }
    if let Some(d) = v.get("default") {
        lines.push(format!("@default {}", serde_json::to_string(d).unwrap_or_default()));
    }
    if lines.is_empty() {
        return;
    }
    if lines.len() == 1 {
        out.push_str(&format!("{indent}/** {} */\n", lines[0]));
    } else {
        out.push_str(&format!("{indent}/**\n"));
        for l in lines {
            out.push_str(&format!("{indent} * {l}\n"));
        }
        out.push_str(&format!("{indent} */\n"));
    }
}

/// The TypeScript type of a schema (the subset the schemas above use).
fn ts_type(v: &Value, indent: &str) -> String {
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        return values.iter().map(|x| serde_json::to_string(x).unwrap_or_default()).collect::<Vec<_>>().join(" | ");
    }
    if let Some(alts) = v.get("oneOf").and_then(Value::as_array) {
        return alts.iter().map(|a| ts_type(a, indent)).collect::<Vec<_>>().join(" | ");
    }
    match v.get("type").and_then(Value::as_str) {
        Some("string") => "string".into(),
        Some("integer") | Some("number") => "number".into(),
        Some("boolean") => "boolean".into(),
        Some("array") => {
            let item = ts_type(v.get("items").unwrap_or(&Value::Null), indent);
            if item.contains(' ') && !item.starts_with('{') {
                format!("Array<{item}>")
            } else {
                format!("{item}[]")
            }
        }
        Some("object") => ts_object(v, indent),
        _ => "unknown".into(),
    }
}

fn ts_object(v: &Value, indent: &str) -> String {
    let empty = Map::new();
    let props = v.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let required: Vec<&str> = v
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inner = format!("{indent}  ");
    let mut s = String::from("{\n");
    for (k, p) in props {
        doc(&mut s, &inner, p);
        let name = if is_ident(k) { k.clone() } else { serde_json::to_string(k).unwrap_or_default() };
        let opt = if required.contains(&k.as_str()) { "" } else { "?" };
        s.push_str(&format!("{inner}{name}{opt}: {};\n", ts_type(p, &inner)));
    }
    s.push_str(indent);
    s.push('}');
    s
}

/// `js/scenario.d.ts`: the `Scenario` type (every key, enums as string unions).
pub fn typescript_scenario() -> String {
    let schema = scenario_schema();
    let mut s = String::from(GENERATED);
    s.push('\n');
    doc(&mut s, "", &schema);
    s.push_str(&format!("export interface Scenario {}\n", ts_object(&schema, "")));
    s.push_str("\n/** A preset id (the value of `preset`). */\n");
    s.push_str(&format!("export type PresetId = {};\n", ts_type(&schema["properties"]["preset"], "")));
    s
}

/// `js/record.d.ts`: the `PatientRecord` type of the JSON formats.
pub fn typescript_record() -> String {
    let schema = record_schema();
    let mut s = String::from(GENERATED);
    s.push('\n');
    doc(&mut s, "", &schema);
    s.push_str(&format!("export interface PatientRecord {}\n", ts_object(&schema, "")));
    s
}

// ---- docs/SCENARIO.md ----------------------------------------------------------------------------

fn md_type(v: &Value) -> String {
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        let all: Vec<String> =
            values.iter().map(|x| format!("`{}`", serde_json::to_string(x).unwrap_or_default())).collect();
        return if all.len() > 10 { format!("one of {} codes", all.len()) } else { all.join(", ") };
    }
    if let Some(alts) = v.get("oneOf").and_then(Value::as_array) {
        return alts.iter().map(md_type).collect::<Vec<_>>().join(" or ");
    }
    let ty = v.get("type").and_then(Value::as_str).unwrap_or("any");
    let range = match (v.get("minimum"), v.get("maximum")) {
        (Some(a), Some(b)) => format!(" {a}…{b}"),
        (Some(a), None) => format!(" ≥ {a}"),
        _ => String::new(),
    };
    match ty {
        "array" => {
            let max = v.get("maxItems").map(|m| format!(", at most {m}")).unwrap_or_default();
            format!("list of objects{max}")
        }
        "object" => {
            let keys: Vec<String> = v
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            if keys.is_empty() {
                "object".into()
            } else if keys.len() > 12 {
                "object (the scenario keys above)".into()
            } else {
                format!("object: {}", keys.join(", "))
            }
        }
        "string" if v.get("format").and_then(Value::as_str) == Some("date") => "date string".into(),
        _ => format!("{ty}{range}"),
    }
}

/// The key and preset tables of docs/SCENARIO.md (between its `<!-- keys -->` markers), generated
/// from [`scenario_schema`] and [`PRESETS`].
pub fn scenario_keys_markdown() -> String {
    let schema = scenario_schema();
    let mut s = String::from("| key | type and range | default | meaning |\n|---|---|---|---|\n");
    let empty = Map::new();
    let props = schema.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    for (k, v) in props {
        if v.get("description").and_then(Value::as_str).is_some_and(|d| d.starts_with("Accepted and ignored")) {
            continue;
        }
        let rows: Vec<(String, &Value)> = if k == "demographics" {
            v["properties"]
                .as_object()
                .map(|p| p.iter().map(|(n, x)| (format!("demographics.{n}"), x)).collect())
                .unwrap_or_default()
        } else {
            vec![(k.clone(), v)]
        };
        for (name, x) in rows {
            let default = x
                .get("default")
                .map(|d| {
                    let t = serde_json::to_string(d).unwrap_or_default();
                    if t.len() > 40 {
                        "see below".to_string()
                    } else {
                        format!("`{t}`")
                    }
                })
                .unwrap_or_else(|| "—".into());
            let desc = x.get("description").and_then(Value::as_str).unwrap_or("").replace('|', "\\|");
            s.push_str(&format!("| `{name}` | {} | {default} | {desc} |\n", md_type(x).replace('|', "\\|")));
        }
    }
    let ignored: Vec<String> = IGNORED.iter().map(|k| format!("`{k}`")).collect();
    s.push_str(&format!(
        "\nAccepted and ignored (reference configuration metadata): {}. The top level also takes \
         `$schema` (ignored) and `configuration` (the same keys nested).\n",
        ignored.join(", ")
    ));
    s.push_str(
        "\n| preset | name | patients | days | warfare type | intensity | category |\n|---|---|---|---|---|---|---|\n",
    );
    for p in PRESETS {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            p.id,
            p.name,
            p.total_patients,
            p.days,
            p.warfare_type.as_str(),
            p.difficulty.as_str(),
            p.category_label
        ));
    }
    s
}

/// The text of the generated document `name` of this module (`scenario`, `record`,
/// `scenario.d.ts`, `record.d.ts`, `keys.md`, `record.md`), ending in a newline; the CSV documents
/// are the format's (`crate::schema_document` answers for all).
pub fn document(name: &str) -> Option<String> {
    let pretty = |v: Value| serde_json::to_string_pretty(&v).ok().map(|s| s + "\n");
    match name {
        "scenario" => Some(scenario_schema_json()),
        "record" => pretty(record_schema()),
        "scenario.d.ts" => Some(typescript_scenario()),
        "record.d.ts" => Some(typescript_record()),
        "keys.md" => Some(scenario_keys_markdown()),
        "record.md" => Some(record_fields_markdown()),
        _ => None,
    }
}

/// The parser's built-in default scenario, as a document of the input shape (valid against
/// [`scenario_schema`]).
pub fn default_document() -> Value {
    serde_json::from_str(DEFAULTS).unwrap_or(Value::Null)
}

/// The record table of docs/FIELDS.md (between its `<!-- record -->` markers): every field of
/// [`record_schema`] by path, with its type, whether it is always present, and its meaning.
pub fn record_fields_markdown() -> String {
    fn walk(prefix: &str, v: &Value, out: &mut String) {
        let empty = Map::new();
        let props = v.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let required: Vec<&str> = v
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (k, p) in props {
            let path = format!("{prefix}{k}");
            let (ty, inner) = match p.get("type").and_then(Value::as_str) {
                Some("array") => {
                    let items = &p["items"];
                    let t = if items.get("properties").is_some() {
                        "list of objects".to_string()
                    } else {
                        format!("list of {}", md_type(items))
                    };
                    (t, items.get("properties").map(|_| items))
                }
                Some("object") => ("object".to_string(), Some(p)),
                _ => (md_type(p), None),
            };
            let presence = if required.contains(&k.as_str()) { "always" } else { "optional" };
            let desc = p.get("description").and_then(Value::as_str).unwrap_or("").replace('|', "\\|");
            out.push_str(&format!("| `{path}` | {} | {presence} | {desc} |\n", ty.replace('|', "\\|")));
            if let Some(inner) = inner {
                let sep = if p.get("type").and_then(Value::as_str) == Some("array") { "[]." } else { "." };
                walk(&format!("{path}{sep}"), inner, out);
            }
        }
    }
    let mut s = String::from("| field | type | present | meaning |\n|---|---|---|---|\n");
    walk("", &record_schema(), &mut s);
    s
}
