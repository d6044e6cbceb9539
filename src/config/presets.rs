//! The eight shipped presets (docs/SCENARIO.md#keys): their scenario data and the metadata UIs show.
//!
//! A preset is applied as a layer in the input shape ([`preset_json`]), between the built-in
//! defaults and the keys of the input document.

use serde_json::{json, Map, Value};

use crate::data::vocab::{InjuryType, Intensity, Warfare};

/// A preset as user interfaces list it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetInfo {
    /// Preset id (the value of `preset`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// One-sentence description.
    pub description: &'static str,
    /// Category id.
    pub category: &'static str,
    /// Category display label.
    pub category_label: &'static str,
    /// Difficulty (equal to the preset's intensity; colours: low green, high orange, extreme red).
    pub difficulty: Intensity,
    /// Patients.
    pub total_patients: u64,
    /// Days of fighting.
    pub days: u32,
    /// The single warfare type.
    pub warfare_type: Warfare,
}

/// The shipped presets, in the order of the preset table of docs/SCENARIO.md#keys.
pub const PRESETS: [PresetInfo; 8] = [
    PresetInfo {
        id: "nato_article_5",
        name: "NATO Article 5 – Baltic Defense",
        description: "Eight days of high-intensity conventional combat on three Baltic fronts held by NATO allies.",
        category: "conventional_warfare",
        category_label: "Conventional Warfare",
        difficulty: Intensity::High,
        total_patients: 2500,
        days: 8,
        warfare_type: Warfare::Conventional,
    },
    PresetInfo {
        id: "peacekeeping",
        name: "UN Peacekeeping Mission",
        description:
            "A month-long, low-intensity mission in a hot climate where disease and non-battle injuries dominate.",
        category: "peacekeeping",
        category_label: "Peacekeeping",
        difficulty: Intensity::Low,
        total_patients: 500,
        days: 30,
        warfare_type: Warfare::Peacekeeping,
    },
    PresetInfo {
        id: "urban_assault",
        name: "Urban Assault Operation",
        description:
            "Five days of extreme-intensity fighting through a city, with rubble and frequent mass casualties.",
        category: "urban_warfare",
        category_label: "Urban Operations",
        difficulty: Intensity::Extreme,
        total_patients: 3000,
        days: 5,
        warfare_type: Warfare::Urban,
    },
    PresetInfo {
        id: "cbrn_incident",
        name: "CBRN Incident Response",
        description:
            "A three-day chemical or biological release where most casualties are exposure cases needing urgent care.",
        category: "cbrn",
        category_label: "CBRN",
        difficulty: Intensity::Extreme,
        total_patients: 1500,
        days: 3,
        warfare_type: Warfare::Cbrn,
    },
    PresetInfo {
        id: "training_exercise",
        name: "Training Exercise – Small Scale",
        description: "A two-day, single-nation exercise with a hundred casualties for rehearsing a medical unit.",
        category: "training",
        category_label: "Training Exercise",
        difficulty: Intensity::Low,
        total_patients: 100,
        days: 2,
        warfare_type: Warfare::Conventional,
    },
    PresetInfo {
        id: "mass_casualty",
        name: "Mass Casualty Event",
        description: "One day, one incident site and hundreds of casualties to test surge capacity and triage.",
        category: "mass_casualty",
        category_label: "Mass Casualty",
        difficulty: Intensity::Extreme,
        total_patients: 800,
        days: 1,
        warfare_type: Warfare::Conventional,
    },
    PresetInfo {
        id: "arctic_operation",
        name: "Arctic Winter Operation",
        description: "Two weeks of winter operations in the far north, where cold injuries add to combat casualties.",
        category: "cold_weather",
        category_label: "Cold Weather",
        difficulty: Intensity::High,
        total_patients: 1200,
        days: 14,
        warfare_type: Warfare::Conventional,
    },
    PresetInfo {
        id: "maritime_operation",
        name: "Maritime/Amphibious Operation",
        description: "A six-day naval task force operation with a beach landing and a push inland.",
        category: "maritime",
        category_label: "Maritime/Amphibious",
        difficulty: Intensity::High,
        total_patients: 1800,
        days: 6,
        warfare_type: Warfare::Naval,
    },
];

/// The shipped presets, in the order of the preset table of docs/SCENARIO.md#keys.
pub fn presets() -> &'static [PresetInfo] {
    &PRESETS
}

/// The preset with id `id`.
pub fn preset(id: &str) -> Option<&'static PresetInfo> {
    PRESETS.iter().find(|p| p.id == id)
}

/// A front of a preset: name, casualty rate and nations with their percentages.
type FrontData = (&'static str, f64, &'static [(&'static str, f64)]);

/// The scenario data of a preset beyond [`PresetInfo`].
struct Detail {
    special_events: &'static [&'static str],
    environment: &'static [&'static str],
    /// Battle Injury, Non-Battle Injury, Disease (the reference's fractions).
    injury_mix: [f64; 3],
    triage_override: Option<(InjuryType, [f64; 3])>,
    fronts: &'static [FrontData],
}

/// Aligned with [`PRESETS`].
const DETAILS: [Detail; 8] = [
    Detail {
        special_events: &["mass_casualty", "ambush"],
        environment: &["night_operations"],
        injury_mix: [0.55, 0.25, 0.20],
        triage_override: None,
        fronts: &[
            ("Northern Front", 0.45, &[("EST", 35.0), ("FIN", 30.0), ("SWE", 20.0), ("USA", 15.0)]),
            ("Central Front", 0.35, &[("POL", 40.0), ("DEU", 25.0), ("USA", 20.0), ("GBR", 15.0)]),
            ("Southern Front", 0.20, &[("LVA", 30.0), ("LTU", 30.0), ("POL", 25.0), ("CAN", 15.0)]),
        ],
    },
    Detail {
        special_events: &[],
        environment: &["extreme_heat"],
        injury_mix: [0.10, 0.35, 0.55],
        triage_override: None,
        fronts: &[
            (
                "Main Operating Base",
                0.60,
                &[
                    ("USA", 20.0),
                    ("GBR", 15.0),
                    ("FRA", 15.0),
                    ("ITA", 15.0),
                    ("ESP", 10.0),
                    ("DEU", 10.0),
                    ("CAN", 15.0),
                ],
            ),
            ("Forward Operating Base", 0.40, &[("NOR", 25.0), ("DNK", 25.0), ("NLD", 25.0), ("BEL", 25.0)]),
        ],
    },
    Detail {
        special_events: &["mass_casualty", "ambush"],
        environment: &["urban_debris"],
        injury_mix: [0.70, 0.20, 0.10],
        triage_override: None,
        fronts: &[
            ("City Center", 0.50, &[("USA", 50.0), ("GBR", 30.0), ("AUS", 20.0)]),
            ("Industrial Zone", 0.30, &[("FRA", 40.0), ("DEU", 35.0), ("ITA", 25.0)]),
            ("Harbor District", 0.20, &[("NLD", 35.0), ("NOR", 35.0), ("DNK", 30.0)]),
        ],
    },
    Detail {
        special_events: &["mass_casualty"],
        environment: &[],
        injury_mix: [0.05, 0.15, 0.80],
        triage_override: Some((InjuryType::Disease, [0.50, 0.35, 0.15])),
        fronts: &[
            ("Primary Impact Zone", 0.70, &[("USA", 60.0), ("GBR", 25.0), ("CAN", 15.0)]),
            ("Secondary Exposure Zone", 0.30, &[("DEU", 40.0), ("FRA", 35.0), ("NLD", 25.0)]),
        ],
    },
    Detail {
        special_events: &[],
        environment: &[],
        injury_mix: [0.40, 0.35, 0.25],
        triage_override: None,
        fronts: &[("Training Area Alpha", 1.0, &[("USA", 100.0)])],
    },
    Detail {
        special_events: &["mass_casualty", "ambush"],
        environment: &[],
        injury_mix: [0.60, 0.30, 0.10],
        triage_override: Some((InjuryType::BattleInjury, [0.50, 0.35, 0.15])),
        fronts: &[("Incident Site", 1.0, &[("USA", 40.0), ("GBR", 30.0), ("DEU", 20.0), ("FRA", 10.0)])],
    },
    Detail {
        special_events: &["mass_casualty"],
        environment: &["extreme_cold"],
        injury_mix: [0.30, 0.45, 0.25],
        triage_override: None,
        fronts: &[
            ("Arctic Forward Base", 0.55, &[("NOR", 35.0), ("FIN", 30.0), ("SWE", 20.0), ("USA", 15.0)]),
            ("Mountain Sector", 0.45, &[("CAN", 40.0), ("GBR", 30.0), ("USA", 30.0)]),
        ],
    },
    Detail {
        special_events: &["mass_casualty"],
        environment: &[],
        injury_mix: [0.55, 0.30, 0.15],
        triage_override: None,
        fronts: &[
            ("Naval Task Force", 0.35, &[("USA", 45.0), ("GBR", 30.0), ("FRA", 25.0)]),
            ("Beach Landing Zone", 0.45, &[("USA", 50.0), ("AUS", 25.0), ("NLD", 25.0)]),
            ("Inland Objective", 0.20, &[("GBR", 40.0), ("CAN", 35.0), ("NZL", 25.0)]),
        ],
    },
];

/// The preset `id` as a scenario document in the input shape (the key names of docs/SCENARIO.md#keys), setting every
/// scenario key except `flow_model`, `demographics` and `seed`; `None` for an unknown id.
pub fn preset_json(id: &str) -> Option<Value> {
    let i = PRESETS.iter().position(|p| p.id == id)?;
    let (p, d) = (&PRESETS[i], &DETAILS[i]);
    let on = |keys: &[&str]| Value::Object(keys.iter().map(|k| (k.to_string(), Value::Bool(true))).collect());
    let fronts: Vec<Value> = d
        .fronts
        .iter()
        .map(|(name, rate, nations)| {
            let nd: Vec<Value> =
                nations.iter().map(|(c, pct)| json!({"nationality_code": c, "percentage": pct})).collect();
            json!({"name": name, "casualty_rate": rate, "nationality_distribution": nd})
        })
        .collect();
    let mut triage = Map::new();
    if let Some((t, [t1, t2, t3])) = d.triage_override {
        triage.insert(t.as_str().into(), json!({"T1": t1, "T2": t2, "T3": t3}));
    }
    let [bi, nbi, dis] = d.injury_mix;
    Some(json!({
        "total_patients": p.total_patients,
        "days_of_fighting": p.days,
        "base_date": "2025-06-01",
        "warfare_types": on(&[p.warfare_type.as_str()]),
        "intensity": p.difficulty.as_str(),
        "tempo": "sustained",
        "special_events": on(d.special_events),
        "environmental_conditions": on(d.environment),
        "injury_mix": {"Battle Injury": bi, "Non-Battle Injury": nbi, "Disease": dis},
        "front_configs": fronts,
        "facility_configs": [],
        "triage_override": triage,
    }))
}
