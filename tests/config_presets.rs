//! The default scenario's canonical JSON and digest (DOMAIN.md §2.6) and the eight presets (§2.7).

use patientgen::config::{canonical_json, parse_scenario, preset_json, presets, resolved_to_json, Resolved};
use patientgen::vocab::{EnvCondition, Intensity, Nation, SpecialEventKind, Tempo, Warfare};

const DEFAULT_CANONICAL: &str = concat!(
    r#"{"base_date":"2025-06-01","days_of_fighting":8,"demographics":{"female_share":0.12,"military":false,"#,
    r#""religion":true,"script":"native"},"environmental_conditions":{"dust_storm":false,"extreme_cold":false,"#,
    r#""extreme_heat":false,"fog":false,"mountainous_terrain":false,"night_operations":true,"rain":false,"#,
    r#""storm":false,"urban_debris":false},"evacuation_capability":"modern","facility_configs":[],"#,
    r#""flow_model":"clinical","front_configs":["#,
    r#"{"casualty_rate":0.6000000000000001,"id":"poland","name":"Poland","nationality_distribution":["#,
    r#"{"nationality_code":"POL","percentage":0.5},{"nationality_code":"LTU","percentage":0.25},"#,
    r#"{"nationality_code":"NLD","percentage":0.2},{"nationality_code":"ESP","percentage":0.05}]},"#,
    r#"{"casualty_rate":0.30000000000000004,"id":"estonia","name":"Estonia","nationality_distribution":["#,
    r#"{"nationality_code":"EST","percentage":0.5},{"nationality_code":"GBR","percentage":0.5}]},"#,
    r#"{"casualty_rate":0.10000000000000002,"id":"finland","name":"Finland","nationality_distribution":["#,
    r#"{"nationality_code":"FIN","percentage":0.5},{"nationality_code":"USA","percentage":0.5}]}],"#,
    r#""injury_mix":{"Battle Injury":0.15,"Disease":0.52,"Non-Battle Injury":0.33},"intensity":"high","#,
    r#""special_events":{"ambush":true,"major_offensive":false,"mass_casualty":true},"tempo":"sustained","#,
    r#""total_patients":1440,"triage_override":{},"warfare_types":{"artillery":true,"cbrn":false,"#,
    r#""conventional":true,"drone":true,"guerrilla":false,"naval":false,"peacekeeping":false,"urban":false}}"#,
);

const DEFAULT_SHA256: &str = "77028c62c621aa529859bdcbb59142e5b4001bcef1d317b0ab7bce377ddbe8c3";

#[test]
fn default_scenario_canonical_json_is_golden() {
    let r = parse_scenario("{}").unwrap().resolved;
    let text = canonical_json(&r);
    assert_eq!(text.len(), DEFAULT_CANONICAL.len());
    assert_eq!(text, DEFAULT_CANONICAL);
    assert_eq!(r.config_sha256(), DEFAULT_SHA256);
    assert_eq!(Resolved::default_scenario(), r);
}

#[test]
fn default_fronts_normalise_exactly() {
    let r = Resolved::default_scenario();
    let ids: Vec<&str> = r.fronts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["poland", "estonia", "finland"]);
    let w: Vec<f64> = r.fronts.iter().map(|f| f.weight).collect();
    assert_eq!(w, [0.6000000000000001, 0.30000000000000004, 0.10000000000000002]);
    assert_eq!(
        r.fronts[0].nations,
        vec![(Nation::Pol, 0.5), (Nation::Ltu, 0.25), (Nation::Nld, 0.2), (Nation::Esp, 0.05)]
    );
    assert_eq!(r.injury_mix, [0.15, 0.33, 0.52]);
    assert_eq!(r.total_patients, 1440);
    assert_eq!(r.days_of_fighting, 8);
}

#[test]
fn resolved_json_is_valid_input() {
    // The printed resolved configuration is itself a valid scenario. Weights are normalised again
    // (0.6000000000000001 + 0.30000000000000004 + 0.10000000000000002 is not exactly 1), so only
    // approximately the same; everything else is identical.
    for text in ["{}", r#"{"preset":"maritime_operation"}"#, r#"{"preset":"cbrn_incident"}"#] {
        let r = parse_scenario(text).unwrap().resolved;
        let printed = serde_json::to_string_pretty(&resolved_to_json(&r)).unwrap();
        let again = parse_scenario(&printed).unwrap().resolved;
        for (a, b) in again.fronts.iter().zip(&r.fronts) {
            assert!((a.weight - b.weight).abs() < 1e-15, "{text}");
            assert_eq!((&a.id, &a.name), (&b.id, &b.name));
        }
        assert_eq!(again.triage_override.map(|t| t.is_some()), r.triage_override.map(|t| t.is_some()));
        assert_eq!(
            (again.total_patients, again.base_date, again.warfare_types, again.environmental_conditions),
            (r.total_patients, r.base_date, r.warfare_types, r.environmental_conditions)
        );
        assert_eq!((again.demographics, again.flow_model, again.tempo), (r.demographics, r.flow_model, r.tempo));
    }
}

/// (id, N, days, warfare type, intensity, special events, environment, mix, triage override,
/// fronts as (name, rate, nations)).
type Row = (
    &'static str,
    u64,
    u32,
    Warfare,
    Intensity,
    &'static [SpecialEventKind],
    &'static [EnvCondition],
    [f64; 3],
    Option<(usize, [f64; 3])>,
    &'static [(&'static str, f64, &'static [(Nation, f64)])],
);

use EnvCondition as E;
use Nation::*;
use SpecialEventKind as S;

const TABLE: [Row; 8] = [
    (
        "nato_article_5",
        2500,
        8,
        Warfare::Conventional,
        Intensity::High,
        &[S::MassCasualty, S::Ambush],
        &[E::NightOperations],
        [0.55, 0.25, 0.20],
        None,
        &[
            ("Northern Front", 0.45, &[(Est, 35.0), (Fin, 30.0), (Swe, 20.0), (Usa, 15.0)]),
            ("Central Front", 0.35, &[(Pol, 40.0), (Deu, 25.0), (Usa, 20.0), (Gbr, 15.0)]),
            ("Southern Front", 0.20, &[(Lva, 30.0), (Ltu, 30.0), (Pol, 25.0), (Can, 15.0)]),
        ],
    ),
    (
        "peacekeeping",
        500,
        30,
        Warfare::Peacekeeping,
        Intensity::Low,
        &[],
        &[E::ExtremeHeat],
        [0.10, 0.35, 0.55],
        None,
        &[
            (
                "Main Operating Base",
                0.60,
                &[(Usa, 20.0), (Gbr, 15.0), (Fra, 15.0), (Ita, 15.0), (Esp, 10.0), (Deu, 10.0), (Can, 15.0)],
            ),
            ("Forward Operating Base", 0.40, &[(Nor, 25.0), (Dnk, 25.0), (Nld, 25.0), (Bel, 25.0)]),
        ],
    ),
    (
        "urban_assault",
        3000,
        5,
        Warfare::Urban,
        Intensity::Extreme,
        &[S::MassCasualty, S::Ambush],
        &[E::UrbanDebris],
        [0.70, 0.20, 0.10],
        None,
        &[
            ("City Center", 0.50, &[(Usa, 50.0), (Gbr, 30.0), (Aus, 20.0)]),
            ("Industrial Zone", 0.30, &[(Fra, 40.0), (Deu, 35.0), (Ita, 25.0)]),
            ("Harbor District", 0.20, &[(Nld, 35.0), (Nor, 35.0), (Dnk, 30.0)]),
        ],
    ),
    (
        "cbrn_incident",
        1500,
        3,
        Warfare::Cbrn,
        Intensity::Extreme,
        &[S::MassCasualty],
        &[],
        [0.05, 0.15, 0.80],
        Some((2, [0.50, 0.35, 0.15])),
        &[
            ("Primary Impact Zone", 0.70, &[(Usa, 60.0), (Gbr, 25.0), (Can, 15.0)]),
            ("Secondary Exposure Zone", 0.30, &[(Deu, 40.0), (Fra, 35.0), (Nld, 25.0)]),
        ],
    ),
    (
        "training_exercise",
        100,
        2,
        Warfare::Conventional,
        Intensity::Low,
        &[],
        &[],
        [0.40, 0.35, 0.25],
        None,
        &[("Training Area Alpha", 1.0, &[(Usa, 100.0)])],
    ),
    (
        "mass_casualty",
        800,
        1,
        Warfare::Conventional,
        Intensity::Extreme,
        &[S::MassCasualty, S::Ambush],
        &[],
        [0.60, 0.30, 0.10],
        Some((0, [0.50, 0.35, 0.15])),
        &[("Incident Site", 1.0, &[(Usa, 40.0), (Gbr, 30.0), (Deu, 20.0), (Fra, 10.0)])],
    ),
    (
        "arctic_operation",
        1200,
        14,
        Warfare::Conventional,
        Intensity::High,
        &[S::MassCasualty],
        &[E::ExtremeCold],
        [0.30, 0.45, 0.25],
        None,
        &[
            ("Arctic Forward Base", 0.55, &[(Nor, 35.0), (Fin, 30.0), (Swe, 20.0), (Usa, 15.0)]),
            ("Mountain Sector", 0.45, &[(Can, 40.0), (Gbr, 30.0), (Usa, 30.0)]),
        ],
    ),
    (
        "maritime_operation",
        1800,
        6,
        Warfare::Naval,
        Intensity::High,
        &[S::MassCasualty],
        &[],
        [0.55, 0.30, 0.15],
        None,
        &[
            ("Naval Task Force", 0.35, &[(Usa, 45.0), (Gbr, 30.0), (Fra, 25.0)]),
            ("Beach Landing Zone", 0.45, &[(Usa, 50.0), (Aus, 25.0), (Nld, 25.0)]),
            ("Inland Objective", 0.20, &[(Gbr, 40.0), (Can, 35.0), (Nzl, 25.0)]),
        ],
    ),
];

/// `w` divided by its sum taken in order, as DOMAIN.md §2.4 specifies.
fn normalised(w: &[f64]) -> Vec<f64> {
    let sum = w.iter().fold(0.0, |s, x| s + x);
    w.iter().map(|x| x / sum).collect()
}

#[test]
fn every_preset_resolves_to_its_table_row() {
    assert_eq!(presets().len(), 8);
    for (row, info) in TABLE.iter().zip(presets()) {
        let (id, n, days, warfare, intensity, special, env, mix, triage, fronts) = *row;
        assert_eq!(info.id, id);
        assert_eq!((info.total_patients, info.days, info.warfare_type, info.difficulty), (n, days, warfare, intensity));
        let s = parse_scenario(&format!(r#"{{"preset": "{id}"}}"#)).unwrap();
        assert_eq!(s.preset.as_deref(), Some(id));
        let r = s.resolved;
        assert_eq!(r.total_patients, n, "{id}");
        assert_eq!(r.days_of_fighting, days, "{id}");
        assert_eq!(r.base_date, patientgen::internals::civil::Date::parse("2025-06-01").unwrap());
        assert_eq!(r.tempo, Tempo::Sustained);
        assert_eq!(r.intensity, intensity, "{id}");
        let wt: Vec<Warfare> = Warfare::TYPES.iter().copied().filter(|w| r.warfare_types[w.index()]).collect();
        assert_eq!(wt, [warfare], "{id}");
        let se: Vec<SpecialEventKind> =
            SpecialEventKind::ALL.iter().copied().filter(|k| r.special_events[k.index()]).collect();
        let mut want_se = special.to_vec();
        want_se.sort();
        assert_eq!(se, want_se, "{id}");
        let ec: Vec<EnvCondition> =
            EnvCondition::ALL.iter().copied().filter(|c| r.environmental_conditions[c.index()]).collect();
        assert_eq!(ec, env, "{id}");
        assert_eq!(r.injury_mix.to_vec(), normalised(&mix), "{id}");
        for (got, want) in r.injury_mix.iter().zip(mix) {
            assert!((got - want).abs() < 1e-12, "{id}");
        }
        let mut want_triage = [None; 3];
        if let Some((t, row)) = triage {
            let v = normalised(&row);
            want_triage[t] = Some([v[0], v[1], v[2]]);
        }
        assert_eq!(r.triage_override, want_triage, "{id}");
        assert!(r.facility_overrides.is_empty());
        assert_eq!(r.fronts.len(), fronts.len(), "{id}");
        let rates: Vec<f64> = fronts.iter().map(|f| f.1).collect();
        for (k, ((f, (name, rate, nations)), w)) in r.fronts.iter().zip(fronts).zip(normalised(&rates)).enumerate() {
            assert_eq!(f.id, format!("front_{}", k + 1));
            assert_eq!(f.name, *name);
            assert_eq!(f.weight, w, "{id} {name}");
            assert!((f.weight - rate).abs() < 1e-12);
            let pct: Vec<f64> = nations.iter().map(|n| n.1).collect();
            let want: Vec<(Nation, f64)> = nations.iter().map(|n| n.0).zip(normalised(&pct)).collect();
            assert_eq!(f.nations, want, "{id} {name}");
        }
        // Not preset keys: flow model and demographics keep their defaults.
        let d = Resolved::default_scenario();
        assert_eq!((r.flow_model, &r.demographics), (d.flow_model, &d.demographics));
    }
}

#[test]
fn preset_metadata() {
    let cats: Vec<(&str, &str, &str)> = presets().iter().map(|p| (p.id, p.category, p.category_label)).collect();
    assert_eq!(
        cats,
        [
            ("nato_article_5", "conventional_warfare", "Conventional Warfare"),
            ("peacekeeping", "peacekeeping", "Peacekeeping"),
            ("urban_assault", "urban_warfare", "Urban Operations"),
            ("cbrn_incident", "cbrn", "CBRN"),
            ("training_exercise", "training", "Training Exercise"),
            ("mass_casualty", "mass_casualty", "Mass Casualty"),
            ("arctic_operation", "cold_weather", "Cold Weather"),
            ("maritime_operation", "maritime", "Maritime/Amphibious"),
        ]
    );
    assert_eq!(presets()[0].name, "NATO Article 5 – Baltic Defense");
    assert_eq!(presets()[4].name, "Training Exercise – Small Scale");
    for p in presets() {
        assert!(p.description.ends_with('.') && p.description.len() > 20, "{}", p.id);
    }
    assert!(preset_json("nope").is_none());
}

#[test]
fn preset_is_a_layer_under_the_document() {
    let s = parse_scenario(
        r#"{"preset": "peacekeeping", "total_patients": 77, "flow_model": "markov", "special_events": {"ambush": true}}"#,
    )
    .unwrap();
    let r = s.resolved;
    assert_eq!(r.total_patients, 77);
    assert_eq!(r.days_of_fighting, 30);
    assert_eq!(r.flow_model, patientgen::vocab::FlowModel::Markov);
    assert_eq!(r.special_events, [false, false, true]);
    assert_eq!(r.fronts[1].name, "Forward Operating Base");
    // Under `configuration`, the preset is still the lowest user layer.
    let r =
        parse_scenario(r#"{"configuration": {"preset": "cbrn_incident", "days_of_fighting": 2}}"#).unwrap().resolved;
    assert_eq!((r.total_patients, r.days_of_fighting), (1500, 2));
}
