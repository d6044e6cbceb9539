//! Parsing, layering (defaults → preset → `configuration` → top level) and validation
//! (docs/SCENARIO.md).
//!
//! Each input object (the built-in defaults, the preset, the `configuration` object, the top level)
//! is read into a [`Layer`] of validated, normalised values; the layers are then merged key by key.
//! Errors carry the position of their value in the document (the child indices along the path,
//! which order like the input text because objects keep their input order) and are sorted by it.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::canonical::es_number;
use super::did_you_mean::suggest;
use super::facility::{match_facility, FacilityMatch};
use super::nfc::is_nfc;
use super::presets::{preset_json, PRESETS};
use super::*;
use crate::data::vocab::{EnvCondition, InjuryType, SpecialEventKind, Triage, Warfare};

/// The built-in default scenario (the defaults of docs/SCENARIO.md#keys) in the input shape.
pub(super) const DEFAULTS: &str = r#"{
  "total_patients": 1440,
  "days_of_fighting": 8,
  "base_date": "2025-06-01",
  "warfare_types": {"conventional": true, "artillery": true, "drone": true},
  "intensity": "high",
  "tempo": "sustained",
  "special_events": {"mass_casualty": true, "ambush": true, "major_offensive": false},
  "environmental_conditions": {"night_operations": true},
  "injury_mix": {"Disease": 52, "Non-Battle Injury": 33, "Battle Injury": 15},
  "front_configs": [
    {"id": "poland", "name": "Poland", "casualty_rate": 0.6, "nationality_distribution": [
      {"nationality_code": "POL", "percentage": 50}, {"nationality_code": "LTU", "percentage": 25},
      {"nationality_code": "NLD", "percentage": 20}, {"nationality_code": "ESP", "percentage": 5}]},
    {"id": "estonia", "name": "Estonia", "casualty_rate": 0.3, "nationality_distribution": [
      {"nationality_code": "EST", "percentage": 50}, {"nationality_code": "GBR", "percentage": 50}]},
    {"id": "finland", "name": "Finland", "casualty_rate": 0.1, "nationality_distribution": [
      {"nationality_code": "FIN", "percentage": 50}, {"nationality_code": "USA", "percentage": 50}]}
  ],
  "facility_configs": [],
  "triage_override": {},
  "flow_model": "clinical",
  "evacuation_capability": "modern",
  "demographics": {"military": false, "religion": true, "female_share": 0.12, "script": "native"}
}"#;

/// Scenario keys accepted at the top level and under `configuration`.
const SCENARIO_KEYS: [&str; 23] = [
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
    "evacuation_capability",
    "seed",
    "demographics",
    "preset",
];

/// Reference keys accepted and ignored at the top level and under `configuration` (docs/SCENARIO.md#keys).
pub(super) const IGNORED_KEYS: [&str; 15] = [
    "id",
    "name",
    "description",
    "version",
    "parent_config_id",
    "created_at",
    "updated_at",
    "category",
    "medical_simulation",
    "advanced_overrides",
    "output_formats",
    "use_compression",
    "use_encryption",
    "encryption_password",
    "priority",
];

/// Reference keys accepted and ignored inside fronts and facility entries.
const IGNORED_ITEM_KEYS: [&str; 3] = ["description", "capacity", "role"];

const FRONT_KEYS: [&str; 4] = ["id", "name", "nationality_distribution", "casualty_rate"];
const NATION_KEYS: [&str; 2] = ["nationality_code", "percentage"];
const FACILITY_KEYS: [&str; 5] = ["id", "name", "front_id", "kia_rate", "rtd_rate"];
const DEMOGRAPHICS_KEYS: [&str; 4] = ["military", "religion", "female_share", "script"];
const INJURY_KEYS: [&str; 7] = [
    "Battle Injury",
    "BATTLE_TRAUMA",
    "Non-Battle Injury",
    "NON_BATTLE",
    "NON_BATTLE_INJURY",
    "NON_BATTLE_TRAUMA",
    "Disease",
];

/// A JSON path: its text and its position in the document (child index per level).
#[derive(Clone, Debug)]
struct Path {
    text: String,
    order: Vec<u32>,
}

impl Path {
    fn root() -> Path {
        Path { text: String::new(), order: Vec::new() }
    }

    fn named(text: &str) -> Path {
        Path { text: text.to_string(), order: Vec::new() }
    }

    fn dotted(&self, key: &str) -> String {
        // Built by hand: a path is made for every key read, and `format!` costs several times more.
        let mut t = String::with_capacity(self.text.len() + 1 + key.len());
        t.push_str(&self.text);
        if !t.is_empty() {
            t.push('.');
        }
        t.push_str(key);
        t
    }

    /// The value of key `key`, the `pos`-th key of this object.
    fn key(&self, key: &str, pos: usize) -> Path {
        let mut order = Vec::with_capacity(self.order.len() + 1);
        order.extend_from_slice(&self.order);
        order.push(u32::try_from(pos).unwrap_or(u32::MAX));
        Path { text: self.dotted(key), order }
    }

    /// A key this object lacks: positioned at the object itself.
    fn missing(&self, key: &str) -> Path {
        Path { text: self.dotted(key), order: self.order.clone() }
    }

    fn index(&self, i: usize) -> Path {
        let mut order = Vec::with_capacity(self.order.len() + 1);
        order.extend_from_slice(&self.order);
        order.push(u32::try_from(i).unwrap_or(u32::MAX));
        let mut text = String::with_capacity(self.text.len() + 8);
        text.push_str(&self.text);
        text.push('[');
        text.push_str(itoa::Buffer::new().format(i));
        text.push(']');
        Path { text, order }
    }
}

/// Collected errors and ignored keys, each with its document position.
#[derive(Default)]
struct Ctx {
    errors: Vec<(Vec<u32>, ConfigError)>,
    ignored: Vec<(Vec<u32>, String)>,
}

impl Ctx {
    fn err(&mut self, p: &Path, message: impl Into<String>) {
        self.errors.push((p.order.clone(), ConfigError { path: p.text.clone(), message: message.into() }));
    }

    fn ignore(&mut self, p: &Path) {
        self.ignored.push((p.order.clone(), p.text.clone()));
    }

    fn count(&self) -> usize {
        self.errors.len()
    }

    fn unknown(&mut self, p: &Path, key: &str, what: &str, known: &[&str]) {
        match suggest(key, known.iter().copied()) {
            Some(s) => self.err(p, format!("unknown {what}; did you mean \"{s}\"?")),
            None => self.err(p, format!("unknown {what}")),
        }
    }
}

/// A validated front (weights normalised within the front list).
#[derive(Clone, Debug)]
struct RawFront {
    id: String,
    name: String,
    weight: f64,
    nations: Vec<(Nation, f64)>,
}

/// A validated facility entry, reduced to the facility it names.
#[derive(Clone, Debug)]
struct RawFacility {
    facility: Facility,
    front_id: Option<(String, Path)>,
    kia_rate: Option<f64>,
    rtd_rate: Option<f64>,
    path: Path,
}

/// The values one input object gives (aliases already resolved within the object).
#[derive(Default)]
struct Layer {
    total_patients: Option<u64>,
    days: Option<u32>,
    base_date: Option<Date>,
    warfare_types: Option<[bool; 8]>,
    intensity: Option<Intensity>,
    tempo: Option<Tempo>,
    special_events: Option<[bool; 3]>,
    environment: Option<[bool; 9]>,
    injury_mix: Option<[f64; 3]>,
    fronts: Option<Vec<RawFront>>,
    facilities: Option<Vec<RawFacility>>,
    triage: Option<[Option<[f64; 3]>; 3]>,
    flow_model: Option<FlowModel>,
    evacuation_capability: Option<EvacuationCapability>,
    seed: Option<u64>,
    preset: Option<usize>,
    military: Option<bool>,
    religion: Option<bool>,
    female_share: Option<f64>,
    script: Option<Script>,
    /// Key groups given by this object (aliases share a group), with the first key's path.
    given: Vec<(&'static str, Path)>,
    /// A front list of this object was invalid (front ids cannot be checked against it).
    fronts_failed: bool,
    /// The nested `configuration` object (top level only).
    configuration: Option<Box<Layer>>,
}

impl Layer {
    fn give(&mut self, group: &'static str, p: &Path) {
        if !self.given.iter().any(|(g, _)| *g == group) {
            self.given.push((group, p.clone()));
        }
    }
}

/// Parses and validates one scenario document.
pub fn parse_scenario(json: &str) -> Result<Scenario, ConfigErrors> {
    let fail = |message: String| Err(ConfigErrors(vec![ConfigError { path: String::new(), message }]));
    if json.len() > MAX_DOCUMENT_BYTES {
        return fail(format!("document larger than 1 MiB ({} bytes)", json.len()));
    }
    let root: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            return fail(format!("JSON nesting deeper than {MAX_DEPTH} levels"));
        }
        Err(e) => return fail(format!("invalid JSON: {e}")),
    };
    let Value::Object(obj) = &root else {
        return fail(format!("expected an object, got {}", kind(&root)));
    };
    let mut c = Ctx::default();
    if let Some(p) = too_deep(&root, &Path::root(), 1) {
        c.err(&p, format!("JSON nesting deeper than {MAX_DEPTH} levels"));
    }
    for p in duplicate_keys(json) {
        c.err(&p, "duplicate key: given more than once in this object (JSON parsers disagree on which one wins)");
    }
    let mut top = parse_layer(obj, &Path::root(), true, &mut c);
    let conf = top.configuration.take();

    if let Some(conf) = &conf {
        for (group, p) in &conf.given {
            if *group != "total_patients" && top.given.iter().any(|(g, _)| g == group) {
                c.err(p, "also given at top level");
            }
        }
    }

    let empty = Layer::default();
    let defaults = builtin_layer(Builtin::Defaults, &mut c).unwrap_or(&empty);
    let preset_index = top.preset.or(conf.as_ref().and_then(|l| l.preset));
    let preset_id = preset_index.and_then(|i| PRESETS.get(i)).map(|p| p.id);
    let preset = preset_index
        .filter(|&i| i < PRESETS.len())
        .map(|i| builtin_layer(Builtin::Preset(i), &mut c).unwrap_or(&empty));

    let layers: Vec<&Layer> = [Some(defaults), preset, conf.as_deref(), Some(&top)].into_iter().flatten().collect();
    let fronts_failed = layers.iter().any(|l| l.fronts_failed);
    let fronts: Vec<RawFront> =
        layers.iter().rev().find_map(|l| l.fronts.as_ref().filter(|f| !f.is_empty())).cloned().unwrap_or_default();
    let facilities = layers.iter().rev().find_map(|l| l.facilities.as_ref()).cloned().unwrap_or_default();
    let overrides = resolve_facilities(&facilities, &fronts, fronts_failed, &mut c);

    if !c.errors.is_empty() {
        let mut errors = c.errors;
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        return Err(ConfigErrors(errors.into_iter().map(|(_, e)| e).collect()));
    }
    let resolved = build(&layers, fronts, overrides).ok_or_else(|| {
        ConfigErrors(vec![ConfigError {
            path: String::new(),
            message: "internal error: the built-in defaults are incomplete".into(),
        }])
    })?;
    let mut ignored = c.ignored;
    ignored.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Scenario {
        resolved,
        seed: top.seed.or(conf.as_ref().and_then(|l| l.seed)),
        preset: preset_id.map(str::to_string),
        ignored_keys: ignored.into_iter().map(|(_, p)| p).collect(),
    })
}

/// A built-in document: the defaults or the preset with this index in [`PRESETS`].
#[derive(Clone, Copy)]
enum Builtin {
    Defaults,
    Preset(usize),
}

/// The layer of a built-in document, parsed once per process (the documents are constants, and
/// parsing them was most of the cost of reading a small scenario). A problem there is a bug,
/// reported as such.
fn builtin_layer(which: Builtin, c: &mut Ctx) -> Option<&'static Layer> {
    static DEFAULTS_LAYER: OnceLock<Option<Layer>> = OnceLock::new();
    static PRESET_LAYERS: OnceLock<Vec<Option<Layer>>> = OnceLock::new();
    let (layer, name) = match which {
        Builtin::Defaults => {
            (DEFAULTS_LAYER.get_or_init(|| read_builtin(serde_json::from_str(DEFAULTS).ok(), "defaults")), "defaults")
        }
        Builtin::Preset(i) => {
            let all = PRESET_LAYERS
                .get_or_init(|| PRESETS.iter().map(|p| read_builtin(preset_json(p.id), "preset")).collect());
            (all.get(i).unwrap_or(&None), "preset")
        }
    };
    if layer.is_none() {
        c.err(&Path::named(name), "internal error: invalid built-in scenario data");
    }
    layer.as_ref()
}

/// Reads a built-in document; `None` if it is missing or invalid.
fn read_builtin(doc: Option<Value>, name: &str) -> Option<Layer> {
    let mut scratch = Ctx::default();
    let layer = match &doc {
        Some(Value::Object(o)) => parse_layer(o, &Path::named(name), false, &mut scratch),
        _ => return None,
    };
    scratch.errors.is_empty().then_some(layer)
}

/// Every key given a second time in its object, in document order. `serde_json::Value` keeps only
/// one of them, so the document is walked once more with a visitor that sees every key.
fn duplicate_keys(json: &str) -> Vec<Path> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    struct Walk<'a> {
        path: Path,
        dups: &'a mut Vec<Path>,
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            while seq.next_element_seed(Walk { path: self.path.index(i), dups: &mut *self.dups })?.is_some() {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut pos = 0;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                let p = self.path.key(&key, pos);
                pos += 1;
                if seen.insert(key) {
                    map.next_value_seed(Walk { path: p, dups: &mut *self.dups })?;
                } else {
                    self.dups.push(p);
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    let mut dups = Vec::new();
    let mut de = serde_json::Deserializer::from_str(json);
    // The document already parsed as a `Value`; this walk cannot fail on syntax.
    let _ = Walk { path: Path::root(), dups: &mut dups }.deserialize(&mut de);
    dups
}

/// The first container nested deeper than [`MAX_DEPTH`], in document order.
fn too_deep(v: &Value, p: &Path, depth: usize) -> Option<Path> {
    match v {
        Value::Array(a) => {
            if depth > MAX_DEPTH {
                return Some(p.clone());
            }
            a.iter().enumerate().find_map(|(i, x)| too_deep(x, &p.index(i), depth + 1))
        }
        Value::Object(o) => {
            if depth > MAX_DEPTH {
                return Some(p.clone());
            }
            o.iter().enumerate().find_map(|(i, (k, x))| too_deep(x, &p.key(k, i), depth + 1))
        }
        _ => None,
    }
}

/// Merges the layers (later wins) into the resolved configuration.
fn build(layers: &[&Layer], fronts: Vec<RawFront>, facility_overrides: Vec<FacilityOverride>) -> Option<Resolved> {
    macro_rules! pick {
        ($f:ident) => {
            layers.iter().rev().find_map(|l| l.$f)?
        };
    }
    Some(Resolved {
        total_patients: pick!(total_patients),
        days_of_fighting: pick!(days),
        base_date: pick!(base_date),
        warfare_types: pick!(warfare_types),
        intensity: pick!(intensity),
        tempo: pick!(tempo),
        special_events: pick!(special_events),
        environmental_conditions: pick!(environment),
        injury_mix: pick!(injury_mix),
        fronts: fronts
            .into_iter()
            .map(|f| Front { id: f.id, name: f.name, weight: f.weight, nations: f.nations })
            .collect(),
        facility_overrides,
        triage_override: pick!(triage),
        flow_model: pick!(flow_model),
        evacuation_capability: pick!(evacuation_capability),
        demographics: DemographicsConfig {
            military: pick!(military),
            religion: pick!(religion),
            female_share: pick!(female_share),
            script: pick!(script),
        },
    })
}

/// Checks facility entries against the final fronts and orders them by facility, the global
/// entry before per-front entries in front order.
fn resolve_facilities(
    entries: &[RawFacility],
    fronts: &[RawFront],
    fronts_failed: bool,
    c: &mut Ctx,
) -> Vec<FacilityOverride> {
    let mut out: Vec<FacilityOverride> = Vec::with_capacity(entries.len());
    let mut seen: Vec<(Facility, Option<&str>, &Path)> = Vec::new();
    for e in entries {
        let mut front_index = None;
        if let Some((id, p)) = &e.front_id {
            front_index = fronts.iter().position(|f| f.id == *id);
            if front_index.is_none() && !fronts_failed {
                match suggest(id, fronts.iter().map(|f| f.id.as_str())) {
                    Some(s) => c.err(p, format!("unknown front id {}; did you mean \"{s}\"?", quoted(id))),
                    None => c.err(p, format!("unknown front id {}", quoted(id))),
                }
            }
        }
        let scope = e.front_id.as_ref().map(|(id, _)| id.as_str());
        if let Some((_, _, first)) = seen.iter().find(|(f, s, _)| *f == e.facility && *s == scope) {
            let what = match scope {
                Some(id) => format!("front {}", quoted(id)),
                None => "global scope".to_string(),
            };
            c.err(&e.path, format!("duplicate override for {} and {what} (also {})", e.facility.as_str(), first.text));
        } else {
            seen.push((e.facility, scope, &e.path));
        }
        out.push(FacilityOverride {
            facility: e.facility,
            front_id: e.front_id.as_ref().map(|(id, _)| id.clone()),
            front_index,
            kia_rate: e.kia_rate,
            rtd_rate: e.rtd_rate,
        });
    }
    out.sort_by_key(|o| (o.facility.index(), o.front_index.map_or(0, |i| i + 1)));
    out
}

/// Reads one input object (the top level, `configuration`, the defaults or a preset).
fn parse_layer(obj: &Map<String, Value>, base: &Path, is_top: bool, c: &mut Ctx) -> Layer {
    let mut l = Layer::default();
    let (mut total, mut count): (Option<u64>, Option<(u64, Path)>) = (None, None);
    let (mut days, mut duration_days) = (None, None);
    let (mut warfare_types, mut warfare_type) = (None, None);
    let (mut intensity, mut difficulty) = (None, None);
    let (mut injury_mix, mut injury_distribution) = (None, None);
    let (mut front_configs, mut fronts) = (None, None);
    for (pos, (k, v)) in obj.iter().enumerate() {
        let p = base.key(k, pos);
        match k.as_str() {
            "total_patients" => {
                l.give("total_patients", &p);
                total = int_in(v, &p, 1, MAX_PATIENTS, c);
            }
            "count" => {
                l.give("total_patients", &p);
                count = int_in(v, &p, 1, MAX_PATIENTS, c).map(|n| (n, p));
            }
            "days_of_fighting" | "duration_days" => {
                l.give("days_of_fighting", &p);
                let d = int_in(v, &p, 1, MAX_DAYS as u64, c).map(|d| d as u32);
                if k == "days_of_fighting" {
                    days = d;
                } else {
                    duration_days = d;
                }
            }
            "base_date" => {
                l.give("base_date", &p);
                l.base_date = date(v, &p, c);
            }
            "warfare_types" => {
                l.give("warfare_types", &p);
                let names = Warfare::TYPES.map(|w| w.as_str());
                warfare_types = flag_map(v, &p, &names, "warfare type", c, |_, _, _, _| false);
                if warfare_types.is_some_and(|w| !w.contains(&true)) {
                    c.err(&p, "at least one warfare type must be true");
                    warfare_types = None;
                }
            }
            "warfare_type" => {
                l.give("warfare_types", &p);
                warfare_type = single_warfare(v, &p, c);
            }
            "intensity" | "difficulty" => {
                l.give("intensity", &p);
                let i = enum_value(v, &p, Intensity::ALL, |i| i.as_str(), c);
                if k == "intensity" {
                    intensity = i;
                } else {
                    difficulty = i;
                }
            }
            "tempo" => {
                l.give("tempo", &p);
                l.tempo = enum_value(v, &p, Tempo::ALL, |t| t.as_str(), c);
            }
            "special_events" => {
                l.give("special_events", &p);
                let names = [
                    SpecialEventKind::MassCasualty.as_str(),
                    SpecialEventKind::MajorOffensive.as_str(),
                    SpecialEventKind::Ambush.as_str(),
                ];
                l.special_events = flag_map(v, &p, &names, "special event", c, |_, _, _, _| false);
            }
            "environmental_conditions" => {
                l.give("environmental_conditions", &p);
                let names: [&str; 9] = std::array::from_fn(|i| EnvCondition::ALL[i].as_str());
                l.environment = flag_map(v, &p, &names, "environmental condition", c, reference_condition);
            }
            "injury_mix" | "injury_distribution" => {
                l.give("injury_mix", &p);
                let m = parse_injury_mix(v, &p, c);
                if k == "injury_mix" {
                    injury_mix = m;
                } else {
                    injury_distribution = m;
                }
            }
            "front_configs" | "fronts" => {
                l.give("front_configs", &p);
                let before = c.count();
                let f = parse_fronts(v, &p, c);
                if c.count() > before {
                    l.fronts_failed = true;
                }
                if k == "front_configs" {
                    front_configs = f;
                } else {
                    fronts = f;
                }
            }
            "facility_configs" => {
                l.give("facility_configs", &p);
                l.facilities = parse_facilities(v, &p, c);
            }
            "triage_override" => {
                l.give("triage_override", &p);
                l.triage = parse_triage(v, &p, c);
            }
            "flow_model" => {
                l.give("flow_model", &p);
                l.flow_model = flow_model(v, &p, c);
            }
            "evacuation_capability" => {
                l.give("evacuation_capability", &p);
                l.evacuation_capability = enum_value(v, &p, EvacuationCapability::ALL, |f| f.as_str(), c);
            }
            "seed" => {
                l.give("seed", &p);
                l.seed = seed(v, &p, c);
            }
            "demographics" => parse_demographics(v, &p, &mut l, c),
            "preset" => {
                l.give("preset", &p);
                l.preset = preset_id(v, &p, c);
            }
            "configuration" if is_top => {
                if let Some(o) = object(v, &p, c) {
                    l.configuration = Some(Box::new(parse_layer(o, &p, false, c)));
                }
            }
            // The JSON Schema an editor validates the document against (schema/scenario.schema.json).
            "$schema" if is_top => {
                string(v, &p, c);
            }
            "configuration_id" => c.err(
                &p,
                "not supported: patientgen has no configuration store; inline the configuration or use preset",
            ),
            key if IGNORED_KEYS.contains(&key) => c.ignore(&p),
            key => {
                let mut known: Vec<&str> = SCENARIO_KEYS.iter().chain(&IGNORED_KEYS).copied().collect();
                if is_top {
                    known.push("configuration");
                }
                c.unknown(&p, key, "key", &known);
            }
        }
    }
    if let (Some(t), Some((n, p))) = (total, &count) {
        if t != *n {
            c.err(p, format!("must equal total_patients ({t}) when both are given, got {n}"));
        }
    }
    l.total_patients = total.or(count.map(|(n, _)| n));
    l.days = days.or(duration_days);
    l.warfare_types = warfare_types.or(warfare_type);
    l.intensity = intensity.or(difficulty);
    l.injury_mix = injury_mix.or(injury_distribution);
    l.fronts = front_configs.or(fronts);
    l
}

// ---- value readers ------------------------------------------------------------------------

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A string value for messages: JSON-quoted, shortened when long.
fn quoted(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        let head: String = s.chars().take(MAX).collect();
        let q = serde_json::to_string(&head).unwrap_or_default();
        format!("{}…\"", &q[..q.len() - 1])
    }
}

/// "a, b or c".
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn object<'a>(v: &'a Value, p: &Path, c: &mut Ctx) -> Option<&'a Map<String, Value>> {
    match v {
        Value::Object(o) => Some(o),
        _ => {
            c.err(p, format!("expected an object, got {}", kind(v)));
            None
        }
    }
}

fn list<'a>(v: &'a Value, p: &Path, c: &mut Ctx) -> Option<&'a Vec<Value>> {
    match v {
        Value::Array(a) => Some(a),
        _ => {
            c.err(p, format!("expected a list, got {}", kind(v)));
            None
        }
    }
}

fn string<'a>(v: &'a Value, p: &Path, c: &mut Ctx) -> Option<&'a str> {
    match v {
        Value::String(s) => Some(s),
        _ => {
            c.err(p, format!("expected a string, got {}", kind(v)));
            None
        }
    }
}

fn boolean(v: &Value, p: &Path, c: &mut Ctx) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => {
            c.err(p, format!("expected a boolean, got {}", kind(v)));
            None
        }
    }
}

fn number(v: &Value, p: &Path, c: &mut Ctx) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => {
            c.err(p, format!("expected a number, got {}", kind(v)));
            None
        }
    }
}

/// An integer in `lo..=hi` (an integral value written with a fraction or exponent is accepted).
fn int_in(v: &Value, p: &Path, lo: u64, hi: u64, c: &mut Ctx) -> Option<u64> {
    let Value::Number(n) = v else {
        c.err(p, format!("expected an integer, got {}", kind(v)));
        return None;
    };
    let range = |got: String| format!("must be between {lo} and {hi}, got {got}");
    if let Some(u) = n.as_u64() {
        if (lo..=hi).contains(&u) {
            return Some(u);
        }
        c.err(p, range(u.to_string()));
    } else if let Some(i) = n.as_i64() {
        c.err(p, range(i.to_string()));
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if f.fract() != 0.0 {
            c.err(p, format!("must be an integer, got {}", es_number(f)));
        } else if f < lo as f64 || f > hi as f64 {
            c.err(p, range(es_number(f)));
        } else {
            return Some(f as u64);
        }
    }
    None
}

/// A number ≥ 0 (negative zero is read as zero).
fn non_negative(v: &Value, p: &Path, c: &mut Ctx) -> Option<f64> {
    let x = number(v, p, c)?;
    if x < 0.0 {
        c.err(p, format!("must be at least 0, got {}", es_number(x)));
        return None;
    }
    Some(x + 0.0)
}

/// A number in 0…1.
fn unit(v: &Value, p: &Path, c: &mut Ctx) -> Option<f64> {
    let x = number(v, p, c)?;
    if !(0.0..=1.0).contains(&x) {
        c.err(p, format!("must be between 0 and 1, got {}", es_number(x)));
        return None;
    }
    Some(x + 0.0)
}

/// A string the resolved configuration keeps: no control characters or U+FFFE/U+FFFF, NFC (by the
/// UAX #15 quick check, which also refuses an NFC string with a combining mark that might compose).
fn kept_string(v: &Value, p: &Path, c: &mut Ctx) -> Option<String> {
    let s = string(v, p, c)?;
    let chars = s.chars().count();
    if chars > MAX_NAME_CHARS {
        c.err(p, format!("must have at most {MAX_NAME_CHARS} characters, got {chars}"));
        return None;
    }
    let bad = |ch: &char| matches!(*ch as u32, 0..=0x1f | 0x7f..=0x9f);
    if let Some(ch) = s.chars().find(bad) {
        c.err(p, format!("contains a control character (U+{:04X})", ch as u32));
        return None;
    }
    if let Some(ch) = s.chars().find(|ch| matches!(*ch, '\u{fffe}' | '\u{ffff}')) {
        c.err(p, format!("contains a noncharacter (U+{:04X})", ch as u32));
        return None;
    }
    // The quick check refuses every non-NFC string and the rare NFC one holding a combining mark
    // of NFC_Quick_Check Maybe (e.g. "q\u{301}"): see `super::nfc`.
    if !is_nfc(s) {
        c.err(
            p,
            "must be in Unicode composed form NFC (accented letters precomposed; a combining mark that \
             could compose with the character before it is refused)",
        );
        return None;
    }
    Some(s.to_string())
}

fn enum_value<T: Copy>(v: &Value, p: &Path, all: &[T], name: fn(T) -> &'static str, c: &mut Ctx) -> Option<T> {
    let s = string(v, p, c)?;
    if let Some(x) = all.iter().copied().find(|&x| name(x) == s) {
        return Some(x);
    }
    let names: Vec<&str> = all.iter().map(|&x| name(x)).collect();
    let mut msg = format!("must be {}, got {}", one_of(&names), quoted(s));
    if let Some(sug) = suggest(s, names.iter().copied()) {
        msg.push_str(&format!("; did you mean \"{sug}\"?"));
    }
    c.err(p, msg);
    None
}

fn date(v: &Value, p: &Path, c: &mut Ctx) -> Option<Date> {
    let s = string(v, p, c)?;
    let Some(d) = Date::parse(s) else {
        c.err(p, format!("must be a valid date YYYY-MM-DD, got {}", quoted(s)));
        return None;
    };
    let lo = Date::from_ymd(1970, 1, 1)?;
    let hi = Date::from_ymd(2054, 12, 31)?;
    if d < lo || d > hi {
        c.err(p, format!("must be between 1970-01-01 and 2054-12-31, got {}", quoted(s)));
        return None;
    }
    Some(d)
}

fn seed(v: &Value, p: &Path, c: &mut Ctx) -> Option<u64> {
    const MAX_EXACT: u64 = (1 << 53) - 1;
    let got = match v {
        Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => (u <= MAX_EXACT).then_some(u),
            (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f <= MAX_EXACT as f64 => Some(f as u64),
            _ => None,
        },
        Value::String(s) if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().ok()
        }
        _ => None,
    };
    if got.is_none() {
        c.err(p, "must be an integer 0 … 18446744073709551615 (give values above 2^53 − 1 as a string)");
    }
    got
}

fn flow_model(v: &Value, p: &Path, c: &mut Ctx) -> Option<FlowModel> {
    if v.as_str() == Some("health") {
        c.err(p, "not implemented; use clinical, classic or markov");
        return None;
    }
    enum_value(v, p, FlowModel::ALL, |f| f.as_str(), c)
}

fn preset_id(v: &Value, p: &Path, c: &mut Ctx) -> Option<usize> {
    let s = string(v, p, c)?;
    if let Some(i) = PRESETS.iter().position(|x| x.id == s) {
        return Some(i);
    }
    let ids: Vec<&str> = PRESETS.iter().map(|x| x.id).collect();
    match suggest(s, ids.iter().copied()) {
        Some(sug) => c.err(p, format!("unknown preset {}; did you mean \"{sug}\"?", quoted(s))),
        None => c.err(p, format!("unknown preset {}; use {}", quoted(s), one_of(&ids))),
    }
    None
}

fn single_warfare(v: &Value, p: &Path, c: &mut Ctx) -> Option<[bool; 8]> {
    let s = string(v, p, c)?;
    let w =
        if s == "amphibious" { Some(Warfare::Naval) } else { Warfare::TYPES.iter().copied().find(|w| w.as_str() == s) };
    match w {
        Some(w) => {
            let mut on = [false; 8];
            on[w.index()] = true;
            Some(on)
        }
        None => {
            let names: Vec<&str> = Warfare::TYPES.iter().map(|w| w.as_str()).chain(["amphibious"]).collect();
            let mut msg = format!("must be {}, got {}", one_of(&names), quoted(s));
            if let Some(sug) = suggest(s, names.iter().copied()) {
                msg.push_str(&format!("; did you mean \"{sug}\"?"));
            }
            c.err(p, msg);
            None
        }
    }
}

/// A map of `names` → bool; missing keys are false. `extra` handles further accepted keys
/// (returns true when it did).
fn flag_map<const N: usize>(
    v: &Value,
    p: &Path,
    names: &[&str; N],
    what: &str,
    c: &mut Ctx,
    extra: fn(&str, &Value, &Path, &mut Ctx) -> bool,
) -> Option<[bool; N]> {
    let o = object(v, p, c)?;
    let before = c.count();
    let mut out = [false; N];
    for (pos, (k, x)) in o.iter().enumerate() {
        let kp = p.key(k, pos);
        if let Some(i) = names.iter().position(|n| n == k) {
            if let Some(b) = boolean(x, &kp, c) {
                out[i] = b;
            }
        } else if !extra(k, x, &kp, c) {
            c.unknown(&kp, k, what, names);
        }
    }
    (c.count() == before).then_some(out)
}

/// The reference UI's `extreme_weather` and `urban_environment`: accepted only as `false`.
fn reference_condition(key: &str, v: &Value, p: &Path, c: &mut Ctx) -> bool {
    let alternatives = match key {
        "extreme_weather" => "storm, extreme_heat or extreme_cold",
        "urban_environment" => "urban_debris",
        _ => return false,
    };
    if boolean(v, p, c) == Some(true) {
        c.err(p, format!("not a defined condition; use {alternatives}"));
    }
    true
}

/// The canonical injury type of an injury-mix key (case-insensitive).
fn injury_type(key: &str) -> Option<InjuryType> {
    match key.to_lowercase().as_str() {
        "battle injury" | "battle_trauma" => Some(InjuryType::BattleInjury),
        "non-battle injury" | "non_battle" | "non_battle_injury" | "non_battle_trauma" => {
            Some(InjuryType::NonBattleInjury)
        }
        "disease" => Some(InjuryType::Disease),
        _ => None,
    }
}

/// A map keyed by injury type (aliases, any case, one key per type); `each` reads a value.
/// `None` when anything was wrong.
fn injury_map<T>(
    v: &Value,
    p: &Path,
    c: &mut Ctx,
    mut each: impl FnMut(&Value, &Path, &mut Ctx) -> Option<T>,
) -> Option<[Option<T>; 3]> {
    let o = object(v, p, c)?;
    let before = c.count();
    let mut out: [Option<T>; 3] = [None, None, None];
    let mut keys: [Option<&str>; 3] = [None; 3];
    for (pos, (k, x)) in o.iter().enumerate() {
        let kp = p.key(k, pos);
        let Some(t) = injury_type(k) else {
            c.unknown(&kp, k, "injury type", &INJURY_KEYS);
            continue;
        };
        if let Some(first) = keys[t.index()] {
            c.err(&kp, format!("same injury type as {}", quoted(first)));
            continue;
        }
        keys[t.index()] = Some(k);
        out[t.index()] = each(x, &kp, c);
    }
    (c.count() == before).then_some(out)
}

/// Divides each value by their sum (taken in the given order); the sum must be positive and
/// finite.
fn normalise<const N: usize>(w: [f64; N], p: &Path, c: &mut Ctx) -> Option<[f64; N]> {
    let sum = w.iter().fold(0.0, |s, x| s + x);
    if sum <= 0.0 {
        c.err(p, "values must sum to more than 0");
        return None;
    }
    if !sum.is_finite() {
        c.err(p, "values are too large (their sum overflows)");
        return None;
    }
    Some(w.map(|x| x / sum))
}

fn parse_injury_mix(v: &Value, p: &Path, c: &mut Ctx) -> Option<[f64; 3]> {
    let m = injury_map(v, p, c, non_negative)?;
    normalise(m.map(|x| x.unwrap_or(0.0)), p, c)
}

fn parse_triage(v: &Value, p: &Path, c: &mut Ctx) -> Option<[Option<[f64; 3]>; 3]> {
    let m = injury_map(v, p, c, |x, xp, c| {
        let o = object(x, xp, c)?;
        let before = c.count();
        let mut row = [0.0; 3];
        for (pos, (k, y)) in o.iter().enumerate() {
            let kp = xp.key(k, pos);
            match Triage::parse(k) {
                Some(t) => row[t.index()] = non_negative(y, &kp, c).unwrap_or(0.0),
                None => c.unknown(&kp, k, "triage category", &["T1", "T2", "T3"]),
            }
        }
        if c.count() > before {
            return None;
        }
        normalise(row, xp, c)
    })?;
    Some(m)
}

fn parse_demographics(v: &Value, p: &Path, l: &mut Layer, c: &mut Ctx) {
    let Some(o) = object(v, p, c) else { return };
    for (pos, (k, x)) in o.iter().enumerate() {
        let kp = p.key(k, pos);
        match k.as_str() {
            "military" => {
                l.give("demographics.military", &kp);
                l.military = boolean(x, &kp, c);
            }
            "religion" => {
                l.give("demographics.religion", &kp);
                l.religion = boolean(x, &kp, c);
            }
            "female_share" => {
                l.give("demographics.female_share", &kp);
                l.female_share = unit(x, &kp, c);
            }
            "script" => {
                l.give("demographics.script", &kp);
                l.script = enum_value(x, &kp, Script::ALL, |s| s.as_str(), c);
            }
            _ => c.unknown(&kp, k, "key", &DEMOGRAPHICS_KEYS),
        }
    }
}

/// A front's id or name with its path (`None` when invalid).
type Named = Option<(String, Path)>;

/// `front_configs` or the preset shape's `fronts`. An empty list is `Some(vec![])`.
fn parse_fronts(v: &Value, p: &Path, c: &mut Ctx) -> Option<Vec<RawFront>> {
    let items = list(v, p, c)?;
    if items.len() > MAX_FRONTS {
        c.err(p, format!("more than {MAX_FRONTS} fronts (got {})", items.len()));
        return None;
    }
    let before = c.count();
    let mut fronts = Vec::with_capacity(items.len());
    let mut rates = Vec::with_capacity(items.len());
    // (id, name) with their paths, for the uniqueness checks.
    let mut seen: Vec<(Named, Named)> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let ip = p.index(k);
        let Some(o) = object(item, &ip, c) else { continue };
        let (mut id, mut name, mut nations, mut rate) = (None, None, None, 0.0);
        let (mut id_path, mut name_path) = (ip.missing("id"), ip.missing("name"));
        let mut has_nations = false;
        for (pos, (key, x)) in o.iter().enumerate() {
            let kp = ip.key(key, pos);
            match key.as_str() {
                "id" => {
                    id = kept_string(x, &kp, c);
                    if id.as_deref() == Some("") {
                        c.err(&kp, "must not be empty");
                        id = None;
                    }
                    id_path = kp;
                }
                "name" => {
                    name = kept_string(x, &kp, c);
                    if name.as_deref() == Some("") {
                        c.err(&kp, "must not be empty");
                        name = None;
                    }
                    name_path = kp;
                }
                "nationality_distribution" => {
                    has_nations = true;
                    nations = parse_nations(x, &kp, c);
                }
                "casualty_rate" => rate = non_negative(x, &kp, c).unwrap_or(0.0),
                key if IGNORED_ITEM_KEYS.contains(&key) => c.ignore(&kp),
                key => {
                    let known: Vec<&str> = FRONT_KEYS.iter().chain(&IGNORED_ITEM_KEYS).copied().collect();
                    c.unknown(&kp, key, "key", &known);
                }
            }
        }
        if !o.contains_key("name") {
            c.err(&name_path, "required");
        }
        if !has_nations {
            c.err(&ip.missing("nationality_distribution"), "required");
        }
        let given_id = o.contains_key("id");
        let id = if given_id { id } else { Some(format!("front_{}", k + 1)) };
        seen.push((id.clone().map(|i| (i, id_path)), name.clone().map(|n| (n, name_path))));
        if let (Some(id), Some(name), Some(nations)) = (id, name, nations) {
            fronts.push(RawFront { id, name, weight: 0.0, nations });
            rates.push(rate);
        }
    }
    for (j, (id, name)) in seen.iter().enumerate() {
        if let Some((id, ip)) = id {
            if seen[..j].iter().any(|(o, _)| o.as_ref().is_some_and(|(x, _)| x == id)) {
                c.err(ip, format!("duplicate front id {}", quoted(id)));
            }
        }
        if let Some((name, np)) = name {
            if seen[..j].iter().any(|(_, o)| o.as_ref().is_some_and(|(x, _)| x == name)) {
                c.err(np, format!("duplicate front name {}", quoted(name)));
            }
        }
    }
    if c.count() > before {
        return None;
    }
    let sum = rates.iter().fold(0.0, |s, x| s + x);
    if !sum.is_finite() {
        c.err(p, "casualty_rate values are too large (their sum overflows)");
        return None;
    }
    let k = fronts.len() as f64;
    for (f, r) in fronts.iter_mut().zip(&rates) {
        f.weight = if sum > 0.0 { r / sum } else { 1.0 / k };
    }
    Some(fronts)
}

fn parse_nations(v: &Value, p: &Path, c: &mut Ctx) -> Option<Vec<(Nation, f64)>> {
    let items = list(v, p, c)?;
    if items.is_empty() {
        c.err(p, "must have at least one nation");
        return None;
    }
    if items.len() > MAX_NATIONS {
        c.err(p, format!("more than {MAX_NATIONS} nations (got {})", items.len()));
        return None;
    }
    let before = c.count();
    let mut out: Vec<(Nation, f64)> = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let ip = p.index(k);
        let Some(o) = object(item, &ip, c) else { continue };
        let (mut nation, mut pct) = (None, None);
        for (pos, (key, x)) in o.iter().enumerate() {
            let kp = ip.key(key, pos);
            match key.as_str() {
                "nationality_code" => nation = nation_code(x, &kp, &out, c),
                "percentage" => pct = non_negative(x, &kp, c),
                key => c.unknown(&kp, key, "key", &NATION_KEYS),
            }
        }
        for key in NATION_KEYS {
            if !o.contains_key(key) {
                c.err(&ip.missing(key), "required");
            }
        }
        if let (Some(n), Some(w)) = (nation, pct) {
            out.push((n, w));
        }
    }
    if c.count() > before {
        return None;
    }
    let sum = out.iter().fold(0.0, |s, (_, w)| s + w);
    if sum <= 0.0 {
        c.err(p, "values must sum to more than 0");
        return None;
    }
    if !sum.is_finite() {
        c.err(p, "values are too large (their sum overflows)");
        return None;
    }
    Some(out.into_iter().map(|(n, w)| (n, w / sum)).collect())
}

fn nation_code(v: &Value, p: &Path, earlier: &[(Nation, f64)], c: &mut Ctx) -> Option<Nation> {
    let s = string(v, p, c)?;
    match Nation::parse(s) {
        Some(n) if earlier.iter().any(|(e, _)| *e == n) => {
            c.err(p, format!("duplicate nation {}", quoted(s)));
            None
        }
        Some(n) => Some(n),
        None => {
            match Nation::parse(&s.to_uppercase()) {
                Some(n) => c.err(p, format!("unknown nation {}; did you mean \"{}\"?", quoted(s), n.as_str())),
                None => c.err(p, format!("unknown nation {}", quoted(s))),
            }
            None
        }
    }
}

fn parse_facilities(v: &Value, p: &Path, c: &mut Ctx) -> Option<Vec<RawFacility>> {
    let items = list(v, p, c)?;
    if items.len() > MAX_FACILITIES {
        c.err(p, format!("more than {MAX_FACILITIES} entries (got {})", items.len()));
        return None;
    }
    let before = c.count();
    let mut out = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let ip = p.index(k);
        let Some(o) = object(item, &ip, c) else { continue };
        let entry_before = c.count();
        let (mut id, mut name, mut front_id, mut kia_rate, mut rtd_rate) = (None, None, None, None, None);
        for (pos, (key, x)) in o.iter().enumerate() {
            let kp = ip.key(key, pos);
            match key.as_str() {
                "id" => id = kept_string(x, &kp, c),
                "name" => name = kept_string(x, &kp, c),
                "front_id" => front_id = kept_string(x, &kp, c).map(|s| (s, kp)),
                "kia_rate" => kia_rate = unit(x, &kp, c),
                "rtd_rate" => rtd_rate = unit(x, &kp, c),
                key if IGNORED_ITEM_KEYS.contains(&key) => c.ignore(&kp),
                key => {
                    let known: Vec<&str> = FACILITY_KEYS.iter().chain(&IGNORED_ITEM_KEYS).copied().collect();
                    c.unknown(&kp, key, "key", &known);
                }
            }
        }
        if c.count() > entry_before {
            continue;
        }
        match match_facility(id.as_deref(), name.as_deref()) {
            FacilityMatch::One(facility) => out.push(RawFacility { facility, front_id, kia_rate, rtd_rate, path: ip }),
            FacilityMatch::None => {
                c.err(&ip, "names no facility; give an id or name such as \"Role2\", \"R2\" or \"POI\"")
            }
            FacilityMatch::Two(a, b) => c.err(&ip, format!("names two facilities ({} and {})", a.as_str(), b.as_str())),
        }
    }
    (c.count() == before).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_scenario;

    fn errors(json: &str) -> Vec<(String, String)> {
        match parse_scenario(json) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.into_iter().map(|e| (e.path, e.message)).collect(),
        }
    }

    #[test]
    fn duplicate_keys_are_errors_naming_the_path() {
        let e = errors(r#"{"total_patients": 10, "total_patients": 20}"#);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "total_patients");
        assert!(e[0].1.starts_with("duplicate key"), "{e:?}");
        let e = errors(
            r#"{"front_configs": [{"name": "A", "name": "B", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]}]}"#,
        );
        assert_eq!(e.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["front_configs[0].name"], "{e:?}");
        // Equal keys written differently (an escape) are the same key.
        let e = errors(r#"{"seed": 1, "se\u0065d": 2}"#);
        assert_eq!(e.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["seed"], "{e:?}");
        // The same key in different objects is fine.
        let two = r#"{"front_configs": [
            {"name": "A", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
            {"name": "B", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]}]}"#;
        assert!(errors(two).is_empty(), "{:?}", errors(two));
        assert!(errors(r#"{"total_patients": 10, "seed": 3}"#).is_empty());
    }
}
