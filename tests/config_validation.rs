//! Scenario validation (DOMAIN.md §2.1–2.5): every rule with its exact path and message, layering,
//! the reference input shapes, facility matching and normalisation.

use patientgen::config::{parse_scenario, ConfigErrors, Resolved, Scenario};
use patientgen::vocab::{EvacuationCapability, Facility, FlowModel, Intensity, Nation, Script, Warfare};

/// Every error of `json` as `path: message` lines, in reported order.
fn errors(json: &str) -> Vec<String> {
    match parse_scenario(json) {
        Ok(_) => panic!("expected errors for {json}"),
        Err(ConfigErrors(list)) => list.iter().map(|e| e.to_string()).collect(),
    }
}

/// The single error of `json`.
fn error(json: &str) -> String {
    let e = errors(json);
    assert_eq!(e.len(), 1, "{e:?}");
    e.into_iter().next().unwrap()
}

fn ok(json: &str) -> Scenario {
    match parse_scenario(json) {
        Ok(s) => s,
        Err(e) => panic!("{json}: {e}"),
    }
}

fn resolved(json: &str) -> Resolved {
    ok(json).resolved
}

// ---- integers, numbers, dates ---------------------------------------------------------------

#[test]
fn days_out_of_range() {
    assert_eq!(error(r#"{"days_of_fighting": 400}"#), "days_of_fighting: must be between 1 and 365, got 400");
    assert_eq!(error(r#"{"days_of_fighting": 0}"#), "days_of_fighting: must be between 1 and 365, got 0");
    assert_eq!(resolved(r#"{"days_of_fighting": 365}"#).days_of_fighting, 365);
}

#[test]
fn days_wrong_type_and_fraction() {
    assert_eq!(error(r#"{"days_of_fighting": "8"}"#), "days_of_fighting: expected an integer, got a string");
    assert_eq!(error(r#"{"days_of_fighting": 2.5}"#), "days_of_fighting: must be an integer, got 2.5");
    assert_eq!(error(r#"{"days_of_fighting": null}"#), "days_of_fighting: expected an integer, got null");
    // An integral value written with an exponent is an integer.
    assert_eq!(resolved(r#"{"days_of_fighting": 1e1}"#).days_of_fighting, 10);
}

#[test]
fn total_patients_limits() {
    assert_eq!(error(r#"{"total_patients": 0}"#), "total_patients: must be between 1 and 1099511627776, got 0");
    assert_eq!(error(r#"{"total_patients": -5}"#), "total_patients: must be between 1 and 1099511627776, got -5");
    assert_eq!(
        error(r#"{"total_patients": 1099511627777}"#),
        "total_patients: must be between 1 and 1099511627776, got 1099511627777"
    );
    assert_eq!(
        error(r#"{"total_patients": 1e300}"#),
        "total_patients: must be between 1 and 1099511627776, got 1e+300"
    );
    assert_eq!(error(r#"{"total_patients": [1]}"#), "total_patients: expected an integer, got a list");
    assert_eq!(resolved(r#"{"total_patients": 1099511627776}"#).total_patients, 1 << 40);
}

#[test]
fn huge_number_is_an_error_not_a_panic() {
    assert_eq!(error(r#"{"total_patients": 1e400}"#), "invalid JSON: number out of range at line 1 column 24");
    assert_eq!(error("{\"seed\": 1"), "invalid JSON: EOF while parsing an object at line 1 column 10");
}

#[test]
fn count_alias_and_same_level_rule() {
    assert_eq!(resolved(r#"{"count": 10}"#).total_patients, 10);
    assert_eq!(resolved(r#"{"count": 10, "total_patients": 10}"#).total_patients, 10);
    assert_eq!(
        error(r#"{"total_patients": 100, "count": 50}"#),
        "count: must equal total_patients (100) when both are given, got 50"
    );
    // Across levels the top-level value overrides the nested one (no error).
    assert_eq!(resolved(r#"{"configuration": {"total_patients": 100}, "count": 50}"#).total_patients, 50);
    assert_eq!(resolved(r#"{"configuration": {"count": 100}, "total_patients": 7}"#).total_patients, 7);
}

#[test]
fn base_date_rules() {
    assert_eq!(
        error(r#"{"base_date": "2025-02-30"}"#),
        r#"base_date: must be a valid date YYYY-MM-DD, got "2025-02-30""#
    );
    assert_eq!(
        error(r#"{"base_date": "1 June 2025"}"#),
        r#"base_date: must be a valid date YYYY-MM-DD, got "1 June 2025""#
    );
    assert_eq!(
        error(r#"{"base_date": "1969-12-31"}"#),
        r#"base_date: must be between 1970-01-01 and 2054-12-31, got "1969-12-31""#
    );
    assert_eq!(
        error(r#"{"base_date": "2055-01-01"}"#),
        r#"base_date: must be between 1970-01-01 and 2054-12-31, got "2055-01-01""#
    );
    assert_eq!(error(r#"{"base_date": 20250601}"#), "base_date: expected a string, got a number");
    let r = resolved(r#"{"base_date": "2054-12-31"}"#);
    assert_eq!(r.base_date.ymd(), (2054, 12, 31));
    assert_eq!(resolved(r#"{"base_date": "1970-01-01"}"#).base_date.0, 0);
}

#[test]
fn seed_rules() {
    const MSG: &str = "seed: must be an integer 0 … 18446744073709551615 (give values above 2^53 − 1 as a string)";
    assert_eq!(ok(r#"{"seed": 9007199254740991}"#).seed, Some((1 << 53) - 1));
    assert_eq!(ok(r#"{"seed": 0}"#).seed, Some(0));
    assert_eq!(ok(r#"{"seed": "18446744073709551615"}"#).seed, Some(u64::MAX));
    assert_eq!(ok(r#"{"seed": "42"}"#).seed, Some(42));
    assert_eq!(ok("{}").seed, None);
    assert_eq!(error(r#"{"seed": 9007199254740992}"#), MSG);
    assert_eq!(error(r#"{"seed": 18446744073709551615}"#), MSG);
    assert_eq!(error(r#"{"seed": "18446744073709551616"}"#), MSG);
    assert_eq!(error(r#"{"seed": -1}"#), MSG);
    assert_eq!(error(r#"{"seed": 1.5}"#), MSG);
    assert_eq!(error(r#"{"seed": " 42"}"#), MSG);
    assert_eq!(error(r#"{"seed": true}"#), MSG);
}

// ---- enums and maps --------------------------------------------------------------------------

#[test]
fn enum_values() {
    assert_eq!(
        error(r#"{"intensity": "hgh"}"#),
        r#"intensity: must be low, medium, high or extreme, got "hgh"; did you mean "high"?"#
    );
    assert_eq!(
        error(r#"{"tempo": "fast"}"#),
        r#"tempo: must be sustained, escalating, surge, declining or intermittent, got "fast""#
    );
    assert_eq!(error(r#"{"tempo": 3}"#), "tempo: expected a string, got a number");
    assert_eq!(error(r#"{"flow_model": "health"}"#), "flow_model: not implemented; use clinical, classic or markov");
    assert_eq!(
        error(r#"{"flow_model": "clasic"}"#),
        r#"flow_model: must be classic, markov or clinical, got "clasic"; did you mean "classic"?"#
    );
    assert_eq!(resolved(r#"{"flow_model": "markov"}"#).flow_model, FlowModel::Markov);
    assert_eq!(resolved("{}").flow_model, FlowModel::Clinical);
    assert_eq!(resolved("{}").evacuation_capability, EvacuationCapability::Modern);
    assert_eq!(
        resolved(r#"{"evacuation_capability": "prolonged"}"#).evacuation_capability,
        EvacuationCapability::Prolonged
    );
    assert_eq!(
        error(r#"{"evacuation_capability": "modrn"}"#),
        r#"evacuation_capability: must be modern, contested or prolonged, got "modrn"; did you mean "modern"?"#
    );
}

#[test]
fn warfare_types_map() {
    assert_eq!(
        error(r#"{"warfare_types": {"artilery": true}}"#),
        r#"warfare_types.artilery: unknown warfare type; did you mean "artillery"?"#
    );
    assert_eq!(
        error(r#"{"warfare_types": {"conventional": false}}"#),
        "warfare_types: at least one warfare type must be true"
    );
    assert_eq!(
        error(r#"{"warfare_types": {"naval": "yes"}}"#),
        "warfare_types.naval: expected a boolean, got a string"
    );
    assert_eq!(error(r#"{"warfare_types": ["naval"]}"#), "warfare_types: expected an object, got a list");
    // Replaced wholesale: keys not given are false.
    let r = resolved(r#"{"warfare_types": {"urban": true, "cbrn": false}}"#);
    assert_eq!(r.warfare_types, [false, false, true, false, false, false, false, false]);
}

#[test]
fn special_events_map() {
    assert_eq!(
        error(r#"{"special_events": {"ambsh": true}}"#),
        r#"special_events.ambsh: unknown special event; did you mean "ambush"?"#
    );
    // Order of `special_events` is mass_casualty, major_offensive, ambush.
    assert_eq!(resolved(r#"{"special_events": {"major_offensive": true}}"#).special_events, [false, true, false]);
    assert_eq!(resolved(r#"{"special_events": {}}"#).special_events, [false; 3]);
}

#[test]
fn environmental_conditions_map() {
    assert_eq!(
        error(r#"{"environmental_conditions": {"extreme_weather": true}}"#),
        "environmental_conditions.extreme_weather: not a defined condition; use storm, extreme_heat or extreme_cold"
    );
    assert_eq!(
        error(r#"{"environmental_conditions": {"urban_environment": true}}"#),
        "environmental_conditions.urban_environment: not a defined condition; use urban_debris"
    );
    assert_eq!(
        error(r#"{"environmental_conditions": {"fgo": true}}"#),
        r#"environmental_conditions.fgo: unknown environmental condition; did you mean "fog"?"#
    );
    let r = resolved(
        r#"{"environmental_conditions": {"extreme_weather": false, "urban_environment": false, "rain": true}}"#,
    );
    assert_eq!(r.environmental_conditions, [true, false, false, false, false, false, false, false, false]);
}

// ---- injury mix and triage override -----------------------------------------------------------

#[test]
fn injury_mix_sum_zero_under_configuration() {
    assert_eq!(
        error(r#"{"configuration": {"injury_mix": {"Disease": 0, "Battle Injury": 0}}}"#),
        "configuration.injury_mix: values must sum to more than 0"
    );
    assert_eq!(error(r#"{"injury_mix": {}}"#), "injury_mix: values must sum to more than 0");
}

#[test]
fn injury_mix_negative_and_unknown() {
    assert_eq!(
        error(r#"{"injury_mix": {"Disease": -1, "Battle Injury": 2}}"#),
        "injury_mix.Disease: must be at least 0, got -1"
    );
    assert_eq!(
        error(r#"{"injury_mix": {"Disese": 1}}"#),
        r#"injury_mix.Disese: unknown injury type; did you mean "Disease"?"#
    );
    assert_eq!(error(r#"{"injury_mix": {"Disease": "1"}}"#), "injury_mix.Disease: expected a number, got a string");
}

#[test]
fn injury_mix_key_families() {
    assert_eq!(
        error(r#"{"injury_mix": {"BATTLE_TRAUMA": 1, "Battle Injury": 2, "Disease": 1}}"#),
        r#"injury_mix.Battle Injury: same injury type as "BATTLE_TRAUMA""#
    );
    assert_eq!(
        error(r#"{"injury_mix": {"NON_BATTLE": 1, "non-battle injury": 2}}"#),
        r#"injury_mix.non-battle injury: same injury type as "NON_BATTLE""#
    );
}

#[test]
fn injury_mix_keys_are_case_insensitive_and_normalised() {
    let r = resolved(r#"{"injury_mix": {"battle injury": 1, "non_battle_trauma": 1, "DISEASE": 2}}"#);
    assert_eq!(r.injury_mix, [0.25, 0.25, 0.5]);
    // Fractions or percentages; a missing key is 0.
    assert_eq!(resolved(r#"{"injury_mix": {"Battle_Trauma": 30, "Disease": 70}}"#).injury_mix, [0.3, 0.0, 0.7]);
    // `injury_mix` wins over `injury_distribution` at the same level.
    let r = resolved(r#"{"injury_distribution": {"Disease": 1}, "injury_mix": {"Battle Injury": 1}}"#);
    assert_eq!(r.injury_mix, [1.0, 0.0, 0.0]);
}

#[test]
fn triage_override_rules() {
    assert_eq!(
        error(r#"{"triage_override": {"Disease": {"T1": 1, "T4": 2}}}"#),
        r#"triage_override.Disease.T4: unknown triage category; did you mean "T1"?"#
    );
    assert_eq!(
        error(r#"{"triage_override": {"Disease": {"T1": 0}}}"#),
        "triage_override.Disease: values must sum to more than 0"
    );
    assert_eq!(
        error(r#"{"triage_override": {"Disease": {"T1": 1}, "disease": {"T2": 1}}}"#),
        r#"triage_override.disease: same injury type as "Disease""#
    );
    assert_eq!(
        error(r#"{"triage_override": {"Disease": [1, 2, 3]}}"#),
        "triage_override.Disease: expected an object, got a list"
    );
    let r = resolved(r#"{"triage_override": {"NON_BATTLE": {"T1": 1, "T3": 3}}}"#);
    assert_eq!(r.triage_override, [None, Some([0.25, 0.0, 0.75]), None]);
    assert_eq!(resolved(r#"{"triage_override": {}}"#).triage_override, [None; 3]);
}

// ---- fronts -------------------------------------------------------------------------------------

const TWO_FRONTS: &str = r#"{"front_configs": [
  {"id": "a", "name": "Alpha", "nationality_distribution": [{"nationality_code": "POL", "percentage": 1}]},
  {"id": "b", "name": "Bravo", "nationality_distribution": [{"nationality_code": "XYZ", "percentage": 1}]}
]}"#;

#[test]
fn unknown_nation() {
    assert_eq!(
        error(TWO_FRONTS),
        r#"front_configs[1].nationality_distribution[0].nationality_code: unknown nation "XYZ""#
    );
    let lower = TWO_FRONTS.replace("XYZ", "pol");
    assert_eq!(
        error(&lower),
        r#"front_configs[1].nationality_distribution[0].nationality_code: unknown nation "pol"; did you mean "POL"?"#
    );
}

#[test]
fn duplicate_nation_and_zero_percentages() {
    let dup = r#"{"front_configs": [{"name": "A", "nationality_distribution": [
        {"nationality_code": "POL", "percentage": 1}, {"nationality_code": "POL", "percentage": 2}]}]}"#;
    assert_eq!(error(dup), r#"front_configs[0].nationality_distribution[1].nationality_code: duplicate nation "POL""#);
    let zero = r#"{"front_configs": [{"name": "A", "nationality_distribution": [
        {"nationality_code": "POL", "percentage": 0}, {"nationality_code": "USA", "percentage": 0}]}]}"#;
    assert_eq!(error(zero), "front_configs[0].nationality_distribution: values must sum to more than 0");
    let huge = r#"{"front_configs": [{"name": "A", "nationality_distribution": [
        {"nationality_code": "POL", "percentage": 1e308}, {"nationality_code": "USA", "percentage": 1.7e308}]}]}"#;
    assert_eq!(error(huge), "front_configs[0].nationality_distribution: values are too large (their sum overflows)");
    assert_eq!(
        error(r#"{"injury_mix": {"Disease": 1.7e308, "Battle Injury": 1.7e308}}"#),
        "injury_mix: values are too large (their sum overflows)"
    );
    let empty = r#"{"front_configs": [{"name": "A", "nationality_distribution": []}]}"#;
    assert_eq!(error(empty), "front_configs[0].nationality_distribution: must have at least one nation");
    let missing = r#"{"front_configs": [{"name": "A", "nationality_distribution": [{"nationality_code": "POL"}]}]}"#;
    assert_eq!(error(missing), "front_configs[0].nationality_distribution[0].percentage: required");
}

#[test]
fn duplicate_front_ids_and_names() {
    let nat = r#""nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]"#;
    let dup_id =
        format!(r#"{{"front_configs": [{{"id": "x", "name": "A", {nat}}}, {{"id": "x", "name": "B", {nat}}}]}}"#);
    assert_eq!(error(&dup_id), r#"front_configs[1].id: duplicate front id "x""#);
    let dup_name = format!(r#"{{"front_configs": [{{"name": "A", {nat}}}, {{"name": "A", {nat}}}]}}"#);
    assert_eq!(error(&dup_name), r#"front_configs[1].name: duplicate front name "A""#);
    // A default id (front_<k+1>) collides with an explicit one.
    let dup_default =
        format!(r#"{{"front_configs": [{{"id": "front_2", "name": "A", {nat}}}, {{"name": "B", {nat}}}]}}"#);
    assert_eq!(error(&dup_default), r#"front_configs[1].id: duplicate front id "front_2""#);
}

#[test]
fn front_name_required_and_non_empty() {
    let nat = r#""nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]"#;
    assert_eq!(error(&format!(r#"{{"front_configs": [{{{nat}}}]}}"#)), "front_configs[0].name: required");
    assert_eq!(
        error(&format!(r#"{{"front_configs": [{{"name": "", {nat}}}]}}"#)),
        "front_configs[0].name: must not be empty"
    );
    assert_eq!(
        error(&format!(r#"{{"front_configs": [{{"name": 5, {nat}}}]}}"#)),
        "front_configs[0].name: expected a string, got a number"
    );
    assert_eq!(error(r#"{"front_configs": [{"name": "A"}]}"#), "front_configs[0].nationality_distribution: required");
    assert_eq!(error(r#"{"front_configs": {"name": "A"}}"#), "front_configs: expected a list, got an object");
    assert_eq!(error(r#"{"front_configs": ["A"]}"#), "front_configs[0]: expected an object, got a string");
}

#[test]
fn front_strings_nfc_and_control_characters() {
    let nat = r#""nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]"#;
    let f = |name: &str| format!(r#"{{"front_configs": [{{"name": "{name}", {nat}}}]}}"#);
    const NFC: &str = "must be in Unicode composed form NFC (accented letters precomposed; a combining mark that \
                       could compose with the character before it is refused)";
    assert_eq!(error(&f("Cafe\u{301}")), format!("front_configs[0].name: {NFC}"));
    assert_eq!(error(&f(r"Bell\u0007")), "front_configs[0].name: contains a control character (U+0007)");
    assert_eq!(error(&f(r"Next\u0085line")), "front_configs[0].name: contains a control character (U+0085)");
    assert_eq!(error(&f(r"DEL\u007f")), "front_configs[0].name: contains a control character (U+007F)");
    assert_eq!(error(&f(r"x\uffff")), "front_configs[0].name: contains a noncharacter (U+FFFF)");
    let id = format!(r#"{{"front_configs": [{{"id": "a\u030a", "name": "A", {nat}}}]}}"#);
    assert_eq!(error(&id), format!("front_configs[0].id: {NFC}"));
    // An NFC string with a combining mark that might compose with the letter before it (quick
    // check Maybe) is refused too: the check has no composition tables.
    assert_eq!(error(&f("q\u{301}")), format!("front_configs[0].name: {NFC}"));
    // Precomposed text is kept as given, in any script.
    assert_eq!(resolved(&f("Ελλάδα Łódź 한국")).fronts[0].name, "Ελλάδα Łódź 한국");
    assert_eq!(resolved(&f("Café Nørd")).fronts[0].name, "Café Nørd");
    // Names are repeated in every record: at most 200 characters (not bytes).
    assert_eq!(resolved(&f(&"Ø".repeat(200))).fronts[0].name.chars().count(), 200);
    assert_eq!(error(&f(&"Ø".repeat(201))), "front_configs[0].name: must have at most 200 characters, got 201");
}

#[test]
fn casualty_rate_weights() {
    let nat = r#""nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]"#;
    assert_eq!(
        error(&format!(r#"{{"front_configs": [{{"name": "A", "casualty_rate": -1, {nat}}}]}}"#)),
        "front_configs[0].casualty_rate: must be at least 0, got -1"
    );
    // No positive rate: equal weights 1/k.
    let three =
        format!(r#"{{"front_configs": [{{"name": "A", {nat}}}, {{"name": "B", {nat}}}, {{"name": "C", {nat}}}]}}"#);
    let r = resolved(&three);
    assert_eq!(r.fronts.iter().map(|f| f.weight).collect::<Vec<_>>(), [1.0 / 3.0; 3]);
    assert_eq!(r.fronts.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["front_1", "front_2", "front_3"]);
    // Rates normalised over fronts; a front with rate 0 gets weight 0.
    let rated = format!(
        r#"{{"front_configs": [{{"name": "A", "casualty_rate": 3, {nat}}}, {{"name": "B", {nat}}}, {{"name": "C", "casualty_rate": 1, {nat}}}]}}"#
    );
    assert_eq!(resolved(&rated).fronts.iter().map(|f| f.weight).collect::<Vec<_>>(), [0.75, 0.0, 0.25]);
    // An empty list means the defaults.
    assert_eq!(resolved(r#"{"front_configs": []}"#).fronts.len(), 3);
}

// ---- facility overrides --------------------------------------------------------------------------

/// (facility, front id, front index, KIA rate, RTD rate).
type Override<'a> = (Facility, Option<&'a str>, Option<usize>, Option<f64>, Option<f64>);

#[test]
fn facility_matching_examples() {
    let r = resolved(
        r#"{"facility_configs": [
            {"id": "role2_front_1", "front_id": "estonia", "kia_rate": 0.2},
            {"name": "Role 2 - Forward Surgical Team", "front_id": "poland", "rtd_rate": 0.5},
            {"id": "R3", "rtd_rate": 0.9},
            {"id": "Role2", "kia_rate": 0.1},
            {"id": "poi", "kia_rate": 0.05},
            {"id": "r1", "name": "Role 1 aid station", "kia_rate": 0.01}
        ]}"#,
    );
    let o: Vec<Override> = r
        .facility_overrides
        .iter()
        .map(|f| (f.facility, f.front_id.as_deref(), f.front_index, f.kia_rate, f.rtd_rate))
        .collect();
    // Facility level, then the global entry, then front-specific ones in front order.
    assert_eq!(
        o,
        [
            (Facility::Poi, None, None, Some(0.05), None),
            (Facility::Role1, None, None, Some(0.01), None),
            (Facility::Role2, None, None, Some(0.1), None),
            (Facility::Role2, Some("poland"), Some(0), None, Some(0.5)),
            (Facility::Role2, Some("estonia"), Some(1), Some(0.2), None),
            (Facility::Role3, None, None, None, Some(0.9)),
        ]
    );
    let json = patientgen::config::canonical_json(&r);
    assert!(
        json.contains(
            r#""facility_configs":[{"facility":"POI","kia_rate":0.05},{"facility":"Role1","kia_rate":0.01},"#
        ),
        "{json}"
    );
    assert!(json.contains(r#"{"facility":"Role2","front_id":"poland","rtd_rate":0.5}"#), "{json}");
}

#[test]
fn facility_naming_errors() {
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "hospital"}]}"#),
        r#"facility_configs[0]: names no facility; give an id or name such as "Role2", "R2" or "POI""#
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R1", "name": "Role 3"}]}"#),
        "facility_configs[0]: names two facilities (Role1 and Role3)"
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "front_id": "polnd"}]}"#),
        r#"facility_configs[0].front_id: unknown front id "polnd"; did you mean "poland"?"#
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "kia_rate": 0.1}, {"name": "Role 2", "rtd_rate": 0.2}]}"#),
        "facility_configs[1]: duplicate override for Role2 and global scope (also facility_configs[0])"
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "front_id": "poland"}, {"id": "Role2", "front_id": "poland"}]}"#),
        r#"facility_configs[1]: duplicate override for Role2 and front "poland" (also facility_configs[0])"#
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "kia_rate": 1.5}]}"#),
        "facility_configs[0].kia_rate: must be between 0 and 1, got 1.5"
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "rtd_rate": -0.1}]}"#),
        "facility_configs[0].rtd_rate: must be between 0 and 1, got -0.1"
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2", "kia": 0.1}]}"#),
        r#"facility_configs[0].kia: unknown key; did you mean "id"?"#
    );
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R2\u0000"}]}"#),
        "facility_configs[0].id: contains a control character (U+0000)"
    );
}

#[test]
fn facility_front_id_checked_against_the_final_fronts() {
    // The fronts come from the top level, the facility entries from `configuration`.
    let doc = r#"{"configuration": {"facility_configs": [{"id": "R1", "front_id": "north"}]},
        "front_configs": [{"id": "north", "name": "North", "nationality_distribution": [{"nationality_code": "NOR", "percentage": 1}]}]}"#;
    let r = resolved(doc);
    assert_eq!(r.facility_overrides[0].front_index, Some(0));
    // With the default fronts, "north" is unknown.
    assert_eq!(
        error(r#"{"facility_configs": [{"id": "R1", "front_id": "north"}]}"#),
        r#"facility_configs[0].front_id: unknown front id "north""#
    );
}

// ---- keys ------------------------------------------------------------------------------------------

#[test]
fn unknown_keys_with_suggestions() {
    assert_eq!(error(r#"{"days_of_fightin": 3}"#), r#"days_of_fightin: unknown key; did you mean "days_of_fighting"?"#);
    assert_eq!(error(r#"{"sede": 3}"#), r#"sede: unknown key; did you mean "seed"?"#);
    assert_eq!(error(r#"{"zzzzzzzz": 3}"#), "zzzzzzzz: unknown key");
    assert_eq!(
        error(r#"{"configuration": {"tmepo": "surge"}}"#),
        r#"configuration.tmepo: unknown key; did you mean "tempo"?"#
    );
    assert_eq!(error(r#"{"configuration": {"configuration": {}}}"#), "configuration.configuration: unknown key");
    assert_eq!(
        error(r#"{"demographics": {"millitary": true}}"#),
        r#"demographics.millitary: unknown key; did you mean "military"?"#
    );
    assert_eq!(
        errors(
            r#"{"front_configs": [{"name": "A", "nationality_distribution": [{"nationality_code": "USA", "percentag": 1}]}]}"#
        ),
        [
            "front_configs[0].nationality_distribution[0].percentage: required",
            r#"front_configs[0].nationality_distribution[0].percentag: unknown key; did you mean "percentage"?"#,
        ]
    );
}

#[test]
fn configuration_and_top_level_conflict() {
    assert_eq!(
        error(r#"{"configuration": {"days_of_fighting": 3}, "days_of_fighting": 4}"#),
        "configuration.days_of_fighting: also given at top level"
    );
    // Aliases are the same key.
    assert_eq!(
        error(r#"{"configuration": {"duration_days": 3}, "days_of_fighting": 4}"#),
        "configuration.duration_days: also given at top level"
    );
    assert_eq!(
        error(r#"{"configuration": {"demographics": {"military": true}}, "demographics": {"military": false}}"#),
        "configuration.demographics.military: also given at top level"
    );
    // Different keys merge: configuration first, then top level.
    let r = resolved(r#"{"configuration": {"days_of_fighting": 3, "tempo": "surge"}, "intensity": "low"}"#);
    assert_eq!((r.days_of_fighting, r.intensity), (3, Intensity::Low));
}

#[test]
fn configuration_id_is_refused() {
    assert_eq!(
        error(r#"{"configuration_id": "abc"}"#),
        "configuration_id: not supported: patientgen has no configuration store; inline the configuration or use preset"
    );
}

#[test]
fn ignored_reference_keys_are_accepted_and_listed() {
    let s = ok(
        r#"{"id": "x", "name": "My run", "priority": "high", "output_formats": ["json"], "use_encryption": true,
        "encryption_password": "secret", "configuration": {"version": 3, "created_at": "now", "advanced_overrides": {"a": [1]}},
        "front_configs": [{"name": "A", "description": "d", "capacity": 10, "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]}],
        "facility_configs": [{"id": "R2", "role": "Role2", "capacity": 3}]}"#,
    );
    assert_eq!(
        s.ignored_keys,
        [
            "id",
            "name",
            "priority",
            "output_formats",
            "use_encryption",
            "encryption_password",
            "configuration.version",
            "configuration.created_at",
            "configuration.advanced_overrides",
            "front_configs[0].description",
            "front_configs[0].capacity",
            "facility_configs[0].role",
            "facility_configs[0].capacity",
        ]
    );
    // The ignored keys do not change the resolved configuration.
    assert_eq!(resolved(r#"{"description": "x", "medical_simulation": {"on": true}}"#), Resolved::default_scenario());
}

#[test]
fn demographics_merge_per_key() {
    let r = resolved(r#"{"configuration": {"demographics": {"military": true}}, "demographics": {"script": "latin"}}"#);
    assert!(r.demographics.military && r.demographics.religion);
    assert_eq!((r.demographics.script, r.demographics.female_share), (Script::Latin, 0.12));
    assert_eq!(
        error(r#"{"demographics": {"female_share": 1.5}}"#),
        "demographics.female_share: must be between 0 and 1, got 1.5"
    );
    assert_eq!(
        error(r#"{"demographics": {"script": "cyrillic"}}"#),
        r#"demographics.script: must be native or latin, got "cyrillic""#
    );
    assert_eq!(
        error(r#"{"demographics": {"religion": 0}}"#),
        "demographics.religion: expected a boolean, got a number"
    );
}

#[test]
fn preset_names() {
    assert_eq!(
        error(r#"{"preset": "peacekeepng"}"#),
        r#"preset: unknown preset "peacekeepng"; did you mean "peacekeeping"?"#
    );
    assert_eq!(
        error(r#"{"preset": "x"}"#),
        r#"preset: unknown preset "x"; use nato_article_5, peacekeeping, urban_assault, cbrn_incident, training_exercise, mass_casualty, arctic_operation or maritime_operation"#
    );
    assert_eq!(ok(r#"{"preset": "urban_assault"}"#).preset.as_deref(), Some("urban_assault"));
}

// ---- shapes ------------------------------------------------------------------------------------------

#[test]
fn reference_request_shape() {
    let s = ok(r#"{
      "configuration": {
        "name": "Exercise", "description": "d", "total_patients": 200, "days_of_fighting": 4, "base_date": "2026-03-01",
        "warfare_types": {"conventional": true, "artillery": false, "urban": true},
        "intensity": "medium", "tempo": "escalating",
        "special_events": {"mass_casualty": false, "ambush": true},
        "environmental_conditions": {"rain": true, "extreme_weather": false},
        "injury_distribution": {"BATTLE_TRAUMA": 0.5, "NON_BATTLE": 0.3, "Disease": 0.2},
        "front_configs": [{"id": "east", "name": "East", "casualty_rate": 1,
                            "nationality_distribution": [{"nationality_code": "DEU", "percentage": 100}]}],
        "facility_configs": [{"id": "role1", "name": "Role 1", "kia_rate": 0.02}]
      },
      "output_formats": ["json", "csv"], "use_compression": false, "use_encryption": false, "priority": "normal",
      "seed": "12345678901234567890"
    }"#);
    let r = &s.resolved;
    assert_eq!((r.total_patients, r.days_of_fighting, r.base_date.ymd()), (200, 4, (2026, 3, 1)));
    assert_eq!(r.warfare_types, [true, false, true, false, false, false, false, false]);
    assert_eq!(r.special_events, [false, false, true]);
    assert!(r.environmental_conditions[0]);
    assert_eq!(r.injury_mix, [0.5, 0.3, 0.2]);
    assert_eq!(r.fronts[0].nations, vec![(Nation::Deu, 1.0)]);
    assert_eq!(r.facility_overrides[0].facility, Facility::Role1);
    assert_eq!(s.seed, Some(12345678901234567890));
    assert_eq!(
        s.ignored_keys,
        [
            "configuration.name",
            "configuration.description",
            "output_formats",
            "use_compression",
            "use_encryption",
            "priority"
        ]
    );
}

#[test]
fn reference_preset_shape() {
    let r = resolved(
        r#"{"name": "Maritime", "description": "x", "category": "maritime", "difficulty": "extreme", "total_patients": 1800,
        "fronts": [
          {"name": "Naval Task Force", "casualty_rate": 0.35, "nationality_distribution": [{"nationality_code": "USA", "percentage": 45}, {"nationality_code": "GBR", "percentage": 55}]},
          {"name": "Beach", "casualty_rate": 0.65, "description": "landing", "nationality_distribution": [{"nationality_code": "AUS", "percentage": 1}]}
        ],
        "injury_distribution": {"Battle Injury": 0.55, "Non-Battle Injury": 0.30, "Disease": 0.15},
        "warfare_type": "amphibious", "duration_days": 6,
        "triage_override": {"Battle Injury": {"T1": 0.5, "T2": 0.35, "T3": 0.15}}}"#,
    );
    assert_eq!(r.total_patients, 1800);
    assert_eq!(r.days_of_fighting, 6);
    assert_eq!(r.intensity, Intensity::Extreme);
    let types: Vec<Warfare> = Warfare::TYPES.iter().copied().filter(|w| r.warfare_types[w.index()]).collect();
    assert_eq!(types, [Warfare::Naval]);
    assert_eq!(r.fronts.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["front_1", "front_2"]);
    assert_eq!(r.fronts[0].weight, 0.35);
    assert_eq!(r.fronts[0].nations, vec![(Nation::Usa, 0.45), (Nation::Gbr, 0.55)]);
    assert!(r.triage_override[0].is_some());
    // Everything the preset shape does not name keeps its default.
    assert_eq!(r.special_events, Resolved::default_scenario().special_events);
}

#[test]
fn difficulty_only_when_intensity_absent() {
    assert_eq!(resolved(r#"{"difficulty": "low"}"#).intensity, Intensity::Low);
    assert_eq!(resolved(r#"{"difficulty": "low", "intensity": "medium"}"#).intensity, Intensity::Medium);
    assert_eq!(resolved(r#"{"intensity": "medium", "difficulty": "low"}"#).intensity, Intensity::Medium);
    assert_eq!(error(r#"{"difficulty": "hard"}"#), r#"difficulty: must be low, medium, high or extreme, got "hard""#);
    assert_eq!(
        error(r#"{"warfare_type": "sea"}"#),
        r#"warfare_type: must be conventional, artillery, urban, guerrilla, drone, naval, cbrn, peacekeeping or amphibious, got "sea""#
    );
}

// ---- document-level limits ------------------------------------------------------------------------

#[test]
fn document_shape_and_size() {
    assert_eq!(error("[1, 2]"), "expected an object, got a list");
    assert_eq!(error("nope"), "invalid JSON: expected ident at line 1 column 2");
    let big = format!(r#"{{"description": "{}"}}"#, "x".repeat(1 << 20));
    assert_eq!(error(&big), "document larger than 1 MiB (1048595 bytes)");
}

#[test]
fn nesting_depth() {
    // 32 levels (the document is level 1) are accepted inside an ignored key ...
    let ok_doc = format!(r#"{{"advanced_overrides": {}{}}}"#, "[".repeat(31), "]".repeat(31));
    assert!(parse_scenario(&ok_doc).is_ok());
    // ... 33 are not; the error names the first container too deep.
    let deep = format!(r#"{{"advanced_overrides": {}{}}}"#, "[".repeat(32), "]".repeat(32));
    let path = format!("advanced_overrides{}", "[0]".repeat(31));
    assert_eq!(error(&deep), format!("{path}: JSON nesting deeper than 32 levels"));
    // Beyond the parser's own limit the error is at the document.
    let very = format!(r#"{{"a": {}{}}}"#, "[".repeat(200), "]".repeat(200));
    assert_eq!(error(&very), "JSON nesting deeper than 32 levels");
}

#[test]
fn list_caps() {
    let nat = r#"{"name": "F", "nationality_distribution": [{"nationality_code": "USA", "percentage": 1}]}"#;
    let fronts = format!(r#"{{"front_configs": [{}]}}"#, vec![nat; 65].join(","));
    assert_eq!(error(&fronts), "front_configs: more than 64 fronts (got 65)");
    let n = r#"{"nationality_code": "USA", "percentage": 1}"#;
    let nations =
        format!(r#"{{"front_configs": [{{"name": "A", "nationality_distribution": [{}]}}]}}"#, vec![n; 65].join(","));
    assert_eq!(error(&nations), "front_configs[0].nationality_distribution: more than 64 nations (got 65)");
    let f = r#"{"id": "R2"}"#;
    let facilities = format!(r#"{{"facility_configs": [{}]}}"#, vec![f; 65].join(","));
    assert_eq!(error(&facilities), "facility_configs: more than 64 entries (got 65)");
}

// ---- reporting -------------------------------------------------------------------------------------------

#[test]
fn all_errors_reported_in_document_order() {
    let e = errors(
        r#"{
        "tempo": 1,
        "configuration": {"intensity": "x", "days_of_fighting": 0, "base_date": "2025-06-01"},
        "front_configs": [{"name": "A", "casualty_rate": "high", "nationality_distribution": [{"nationality_code": "ZZZ", "percentage": 1}]}],
        "seed": -3,
        "days_of_fighting": 900,
        "base_date": "x"
    }"#,
    );
    assert_eq!(
        e,
        [
            "tempo: expected a string, got a number",
            r#"configuration.intensity: must be low, medium, high or extreme, got "x""#,
            "configuration.days_of_fighting: must be between 1 and 365, got 0",
            "configuration.days_of_fighting: also given at top level",
            "configuration.base_date: also given at top level",
            "front_configs[0].casualty_rate: expected a number, got a string",
            r#"front_configs[0].nationality_distribution[0].nationality_code: unknown nation "ZZZ""#,
            "seed: must be an integer 0 … 18446744073709551615 (give values above 2^53 − 1 as a string)",
            "days_of_fighting: must be between 1 and 365, got 900",
            r#"base_date: must be a valid date YYYY-MM-DD, got "x""#,
        ]
    );
}

#[test]
fn missing_keys_sort_at_their_object() {
    // A missing `name` is reported at the position of its front, before the front's own keys' errors.
    let e = errors(
        r#"{"front_configs": [{"casualty_rate": -1, "nationality_distribution": [{"nationality_code": "QQQ", "percentage": 1}]}]}"#,
    );
    assert_eq!(
        e,
        [
            "front_configs[0].name: required",
            "front_configs[0].casualty_rate: must be at least 0, got -1",
            r#"front_configs[0].nationality_distribution[0].nationality_code: unknown nation "QQQ""#,
        ]
    );
}

#[test]
fn error_display_joins_lines() {
    let Err(e) = parse_scenario(r#"{"tempo": 1, "intensity": 2}"#) else { panic!() };
    assert_eq!(e.to_string(), "tempo: expected a string, got a number\nintensity: expected a string, got a number");
    assert_eq!(e.0[0].path, "tempo");
    assert_eq!(e.0[1].message, "expected a string, got a number");
}

// ---- robustness -------------------------------------------------------------------------------------------

/// Mutated documents (byte flips, cuts, splices) never panic: they parse or report errors.
#[test]
fn mutated_documents_never_panic() {
    let corpus = [
        r#"{"configuration": {"total_patients": 200, "front_configs": [{"id": "e", "name": "E", "casualty_rate": 1,
            "nationality_distribution": [{"nationality_code": "DEU", "percentage": 100}]}]}, "seed": "123"}"#,
        r#"{"facility_configs": [{"id": "role2_front_1", "front_id": "poland", "kia_rate": 0.2}], "injury_mix": {"BATTLE_TRAUMA": 1}}"#,
        r#"{"triage_override": {"Disease": {"T1": 1, "T2": 2}}, "warfare_type": "amphibious", "difficulty": "low", "fronts": []}"#,
        r#"{"preset": "cbrn_incident", "demographics": {"female_share": 0.5, "script": "latin"}, "environmental_conditions": {"fog": true}}"#,
    ];
    let tokens: [&[u8]; 12] =
        [b"{", b"}", b"[", b"]", b"\"", b",", b":", b"1e400", b"-0", b"\"\\u0000\"", b"null", b"\"front_1\""];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut accepted = 0;
    for _ in 0..4000 {
        let base = corpus[(next() % corpus.len() as u64) as usize].as_bytes();
        let mut doc = base.to_vec();
        for _ in 0..1 + next() % 3 {
            let at = (next() % (doc.len() as u64 + 1)) as usize;
            match next() % 3 {
                0 if at < doc.len() => doc[at] = b" 0aZ_.,:{}[]\"-"[(next() % 14) as usize],
                1 => doc.splice(at..at, tokens[(next() % tokens.len() as u64) as usize].iter().copied()).for_each(drop),
                _ => doc.truncate(at.max(1)),
            }
        }
        let text = String::from_utf8_lossy(&doc);
        match parse_scenario(&text) {
            Ok(s) => {
                accepted += 1;
                assert_eq!(s.resolved.config_sha256().len(), 64);
            }
            Err(e) => assert!(!e.0.is_empty()),
        }
    }
    assert!(accepted > 0);
}

#[test]
fn many_unknown_keys_are_all_reported() {
    let body: Vec<String> = (0..20_000).map(|i| format!(r#""k{i}": {i}"#)).collect();
    let doc = format!("{{{}}}", body.join(","));
    let e = errors(&doc);
    assert_eq!(e.len(), 20_000);
    assert_eq!(e[0], "k0: unknown key; did you mean \"id\"?");
    assert_eq!(e[19_999], "k19999: unknown key");
}
