//! The clinical model (docs/MODEL.md): the acceptance figures of 100,000 patients of the default
//! scenario under each evacuation capability, and record-level invariants of the clinical model
//! over the default scenario and every preset.

use patientgen::internals::data::conditions as c;
use patientgen::internals::data::procedures::{ProcedureId, P09, P10, P23, P27};
use patientgen::internals::patient::record::{EventType, PatientRecord, Timing, DIASTOLIC, GCS};
use patientgen::internals::patient::PatientGenerator;
use patientgen::internals::plan::EventContext;
use patientgen::internals::plan::Plan;
use patientgen::report::{Calibration, CaseSummary, Figures};
use patientgen::vocab::{Facility, InjuryType, Mechanism, Priority, Status, Triage};

const N: u64 = 100_000;

/// Generates `n` patients of `config` (seed 1) and calls `f` on each record.
fn each(config: &str, n: u64, mut f: impl FnMut(&PatientRecord)) {
    let mut cfg = patientgen::parse_scenario(config).expect("valid scenario").resolved;
    cfg.total_patients = n;
    let plan = Plan::new(&cfg, 1);
    let generator = PatientGenerator::new(&cfg, 1);
    let mut cursor = plan.cursor(0);
    let (mut ctx, mut rec) = (EventContext::default(), PatientRecord::default());
    for _ in 0..n {
        cursor.next_into(&mut ctx);
        generator.generate(&ctx, &mut rec);
        f(&rec);
    }
}

fn figures(config: &str) -> Figures {
    let mut cal = Calibration::new();
    each(config, N, |r| cal.add(&CaseSummary::from_record(r)));
    cal.figures()
}

fn value(f: &Figures, id: &str) -> f64 {
    f.get(id).and_then(|x| x.value).unwrap_or_else(|| panic!("figure {id} undefined"))
}

#[test]
fn modern_default_scenario_meets_the_published_bands() {
    let f = figures("{}");
    let v = |id| value(&f, id);
    eprintln!("{}", f.to_markdown());
    // Holcomb 2006 / Kotwal 2016 bands (percent).
    assert!((8.0..=20.0).contains(&v("pct_kia")), "%KIA {}", v("pct_kia"));
    assert!((2.0..=7.0).contains(&v("pct_dow")), "%DOW {}", v("pct_dow"));
    assert!((5.0..=15.0).contains(&v("cfr")), "CFR {}", v("cfr"));
    assert!(v("mortality_dnbi") <= 0.5, "DNBI mortality {}", v("mortality_dnbi"));
    assert!(v("mortality_t3_all") <= 0.5, "T3 mortality {}", v("mortality_t3_all"));
    assert!(v("mortality_t1_battle") > v("mortality_t2_battle"));
    assert!(v("mortality_t2_battle") > v("mortality_t3_battle"));
    assert!(v("mortality_t1_all") > v("mortality_t2_all") && v("mortality_t2_all") > v("mortality_t3_all"));
    assert!((10.0..=35.0).contains(&v("t1_share_of_battle")), "T1 share {}", v("t1_share_of_battle"));
    assert!(v("t1_mtf_within_1h") >= 75.0, "T1 within 1 h {}", v("t1_mtf_within_1h"));
    assert!(v("t1_alive_mtf_within_1h") >= v("t1_mtf_within_1h"));
    assert!(v("t1_surgical_median") <= 2.0, "median to surgery {}", v("t1_surgical_median"));
    assert!(v("t1_bypass_role1") >= 40.0, "bypass {}", v("t1_bypass_role1"));
    assert_eq!(v("t1_rtd_poi"), 0.0);
    assert!(v("auc_shock_index") >= 0.75, "AUC {}", v("auc_shock_index"));
    assert!(v("mascal_battle_share") >= 80.0, "MASCAL battle share {}", v("mascal_battle_share"));
}

#[test]
fn slower_evacuation_costs_lives_through_the_time_to_care() {
    let m = figures(r#"{"evacuation_capability": "modern"}"#);
    let c = figures(r#"{"evacuation_capability": "contested"}"#);
    let p = figures(r#"{"evacuation_capability": "prolonged"}"#);
    for (id, what) in [("cfr", "CFR"), ("pct_dow", "%DOW"), ("t1_surgical_median", "T1 time to surgery")] {
        let (a, b, d) = (value(&m, id), value(&c, id), value(&p, id));
        assert!(a < b && b < d, "{what}: modern {a} < contested {b} < prolonged {d}");
    }
    // The capabilities differ in time to care, not in the casualties.
    assert_eq!(value(&m, "battle_casualties"), value(&p, "battle_casualties"));
    assert_eq!(value(&m, "t1_share_of_battle"), value(&c, "t1_share_of_battle"));
    assert!(value(&m, "t1_alive_mtf_within_1h") > value(&c, "t1_alive_mtf_within_1h"));
    assert!(value(&c, "time_role1_median") < value(&p, "time_role1_median"));
}

fn is_surgery(p: ProcedureId) -> bool {
    [P09, P10, P27].contains(&p)
}

/// Record-level rules of the clinical model.
fn check(r: &PatientRecord) {
    let id = r.id;
    let cf = r.clinical.expect("clinical fields");
    let tl = &r.timeline;
    let term = tl.last().expect("timeline");
    assert!(term.kind.is_terminal() && tl[..tl.len() - 1].iter().all(|e| !e.kind.is_terminal()), "{id}");
    // Arithmetic: stays and transits add up; times never go back.
    for w in tl.windows(2) {
        assert!(w[1].time >= w[0].time, "{id}: time goes back");
    }
    for (k, e) in tl.iter().enumerate() {
        assert_eq!(e.hours_since_injury, patientgen::internals::civil::hrs(e.time - r.context.injury_time), "{id}");
        match e.kind {
            EventType::Arrival => {
                assert_eq!(tl[k + 1].kind, EventType::EvacuationStart, "{id}");
                assert_eq!(tl[k + 1].time, e.time, "{id}");
            }
            EventType::TransitStart => {
                assert_eq!(tl[k - 1].kind, EventType::EvacuationStart);
                assert_eq!(e.time, tl[k - 1].time + tl[k - 1].duration as i64 * 360, "{id}");
                let n = &tl[k + 1];
                if n.kind == EventType::Arrival {
                    assert_eq!(n.time, e.time + e.duration as i64 * 360, "{id}");
                    assert_eq!(Some(n.facility), e.to_facility);
                    assert!(n.facility > e.facility, "{id}: evacuation goes forward");
                } else {
                    assert_eq!((n.kind, n.timing), (EventType::Kia, Some(Timing::DuringTransit)), "{id}");
                }
            }
            _ => {}
        }
    }
    let first_mtf = tl.iter().find(|e| e.kind == EventType::Arrival && e.facility != Facility::Poi).map(|e| e.time);
    // Status and terminal event agree; KIA before, DOW after the first facility.
    match r.status {
        Status::Kia => {
            assert_eq!(term.kind, EventType::Kia);
            assert_eq!(r.injury_type, InjuryType::BattleInjury);
            assert!(first_mtf.is_none_or(|t| term.time < t), "{id}: KIA after reaching a facility");
        }
        Status::Dow => {
            assert_eq!(term.kind, EventType::Kia);
            assert_eq!(r.injury_type, InjuryType::BattleInjury);
            assert!(first_mtf.is_some_and(|t| term.time >= t), "{id}: DOW before reaching a facility");
        }
        Status::Nbd => {
            assert_eq!(term.kind, EventType::Kia);
            assert_ne!(r.injury_type, InjuryType::BattleInjury, "{id}: a battle death is KIA or DOW");
        }
        Status::Rtd => {
            assert_eq!(term.kind, EventType::Rtd);
            assert!(!(r.triage == Triage::T1 && term.facility == Facility::Poi), "{id}: T1 returned to duty at POI");
            assert!(!r.conditions.contains(&c::TRAUMATIC_AMPUTATION), "{id}: an amputee returned to duty");
        }
        Status::RemainsRole4 => {
            assert_eq!((term.kind, term.facility), (EventType::RemainsRole4, Facility::Role4));
        }
    }
    assert_eq!(r.last_facility, term.facility);
    // Illness presents at Role 1; injuries at the point of injury.
    let first = tl[0].facility;
    assert_eq!(first, if r.injury_type == InjuryType::Disease { Facility::Role1 } else { Facility::Poi }, "{id}");
    assert_eq!(cf.mechanism == Mechanism::Disease, r.injury_type == InjuryType::Disease);
    assert_eq!(cf.mechanism == Mechanism::NonBattleInjury, r.injury_type == InjuryType::NonBattleInjury);
    if r.context.mass_casualty {
        assert_eq!(r.injury_type, InjuryType::BattleInjury, "{id}: MASCAL patient");
    }
    // Precedence follows triage.
    let p = match r.triage {
        Triage::T1 => matches!(cf.priority, Priority::Urgent | Priority::UrgentSurgical),
        Triage::T2 => cf.priority == Priority::Priority,
        Triage::T3 => cf.priority == Priority::Routine,
    };
    assert!(p, "{id}: precedence {:?} for {:?}", cf.priority, r.triage);
    // AIS 1–6, ISS from the AIS (at least the square of the worst, at most 75).
    let n = r.conditions.len();
    let max = *cf.ais[..n].iter().max().unwrap();
    assert!(cf.ais[..n].iter().all(|a| (1..=6).contains(a)), "{id}");
    assert!(cf.iss as u32 >= (max as u32).pow(2).min(75), "{id}: ISS {} below the worst AIS squared", cf.iss);
    assert!(cf.iss <= 75);
    // Visits: one per arrival; no vital signs after death; the living have seven.
    let arrivals: Vec<_> = tl.iter().filter(|e| e.kind == EventType::Arrival).collect();
    assert_eq!(r.visits.len(), arrivals.len());
    for (v, a) in r.visits.iter().zip(&arrivals) {
        assert_eq!((v.facility, v.date), (a.facility, a.time));
        assert!(v.n_vitals == 7 || v.n_vitals == 0, "{id}");
        if v.n_vitals == 0 {
            // Dead before the first assessment, or on arrival (within the 5 minutes before the
            // vital signs are taken).
            let on_arrival = term.time - v.date <= 300 || v.facility == Facility::Poi;
            assert!(r.status.is_death() && on_arrival, "{id}: no vitals at {:?}", v.facility);
            assert!(v.treatments.is_empty());
        } else {
            let x = v.vitals;
            assert!((30..=220).contains(&x[0]) && (40..=200).contains(&x[1]) && (4..=60).contains(&x[2]), "{id} {x:?}");
            assert!((50..=100).contains(&x[3]) && (300..=420).contains(&x[4]), "{id} {x:?}");
            assert!(x[DIASTOLIC] < x[1] && x[DIASTOLIC] >= 10, "{id} {x:?}");
            assert!((3..=15).contains(&x[GCS]), "{id} {x:?}");
            assert!(!v.treatments.is_empty(), "{id}: a visit without treatment");
        }
        // Capability: no surgery before Role 2; burn unit only for significant burns at Role 4.
        if v.facility <= Facility::Role1 {
            assert!(!v.treatments.iter().any(|&p| is_surgery(p)), "{id}: surgery at {:?}", v.facility);
        }
        if v.treatments.contains(&P23) {
            assert_eq!(v.facility, Facility::Role4);
            let burn = r
                .conditions
                .iter()
                .zip(&cf.ais)
                .any(|(c, &a)| matches!(*c, c::BURN | c::PARTIAL_THICKNESS_BURN | c::CHEMICAL_BURN) && a >= 3);
            assert!(burn, "{id}: burn unit without a significant burn");
        }
    }
    // Minor illness does not kill; sprains and sore throats do not kill.
    let minor = r.conditions.iter().all(|c| {
        matches!(
            *c,
            c::SPRAIN_OF_ANKLE
                | c::SPRAIN_OF_WRIST
                | c::ACUTE_VIRAL_PHARYNGITIS
                | c::STREPTOCOCCAL_SORE_THROAT
                | c::CONTUSION
                | c::WHIPLASH_INJURY_TO_NECK
        )
    });
    if minor && max <= 2 {
        assert!(!r.status.is_death(), "{id}: died of {:?}", r.conditions);
    }
}

#[test]
fn records_keep_the_clinical_rules_in_every_preset() {
    let mut configs = vec!["{}".to_string(), r#"{"evacuation_capability": "prolonged"}"#.to_string()];
    for p in patientgen::config::presets::PRESETS {
        configs.push(format!(r#"{{"preset": "{}"}}"#, p.id));
    }
    for config in &configs {
        let mut deaths = 0u64;
        let mut n = 0u64;
        each(config, 20_000, |r| {
            check(r);
            n += 1;
            deaths += r.status.is_death() as u64;
        });
        assert!(deaths > 0 && deaths < n / 4, "{config}: {deaths} deaths of {n}");
    }
}

#[test]
fn cbrn_casualties_have_agent_conditions_decontamination_and_antidotes() {
    let (mut agents, mut cbrn, mut antidote) = (0u64, 0u64, 0u64);
    each(r#"{"preset": "cbrn_incident"}"#, 20_000, |r| {
        let cf = r.clinical.unwrap();
        if cf.mechanism == Mechanism::Cbrn {
            cbrn += 1;
            let agent = r.conditions.iter().any(|c| {
                matches!(
                    *c,
                    c::NERVE_AGENT_POISONING | c::CHEMICAL_BURN | c::ACUTE_PULMONARY_EDEMA | c::ACUTE_RADIATION_DISEASE
                )
            });
            agents += agent as u64;
            if r.conditions[0] == c::NERVE_AGENT_POISONING && cf.ais[0] >= 2 && r.visits[0].n_vitals > 0 {
                antidote += r.visits[0].treatments.contains(&patientgen::internals::data::procedures::P18) as u64;
            }
        }
    });
    assert!(cbrn > 1000, "{cbrn} CBRN casualties");
    assert_eq!(agents, cbrn, "every CBRN casualty has an agent condition");
    assert!(antidote > 100, "{antidote} antidotes at the point of injury");
    let ndjson = String::from_utf8(patientgen_bytes(
        r#"{"preset": "cbrn_incident", "total_patients": 300}"#,
        patientgen::Format::Ndjson,
    ))
    .unwrap();
    assert!(ndjson.contains(r#""mechanism":"cbrn","iss":"#) && ndjson.contains(r#""decontaminated":true"#));
}

fn patientgen_bytes(config: &str, format: patientgen::Format) -> Vec<u8> {
    let r = patientgen::parse_scenario(config).unwrap().resolved;
    let mut job = patientgen::Job::new(&r, 1, &patientgen::JobOptions { format, ..Default::default() }).expect("job");
    let mut out = Vec::new();
    while !job.next_chunk(&mut out).expect("chunk").done {}
    out
}

#[test]
fn haemorrhage_shows_in_the_vital_signs_until_treated() {
    // Casualties who die of wounds after reaching a facility: shock at the first observation.
    let (mut hr_dead, mut sbp_dead, mut n_dead) = (0i64, 0i64, 0i64);
    let (mut hr_ok, mut sbp_ok, mut n_ok) = (0i64, 0i64, 0i64);
    let mut improved = 0u64;
    let mut shocked = 0u64;
    each("{}", 50_000, |r| {
        if r.injury_type != InjuryType::BattleInjury {
            return;
        }
        let Some(v) = r.visits.iter().find(|v| v.n_vitals == 7) else { return };
        if r.status.is_death() {
            hr_dead += v.vitals[0] as i64;
            sbp_dead += v.vitals[1] as i64;
            n_dead += 1;
        } else {
            hr_ok += v.vitals[0] as i64;
            sbp_ok += v.vitals[1] as i64;
            n_ok += 1;
        }
        // A survivor in shock at the first observation is better at the last one.
        if !r.status.is_death() && v.vitals[1] < 90 {
            shocked += 1;
            let last = r.visits.iter().rev().find(|v| v.n_vitals == 7).unwrap();
            improved += (last.vitals[1] > v.vitals[1] && last.vitals[0] < v.vitals[0]) as u64;
        }
    });
    assert!(n_dead > 100 && n_ok > 1000);
    assert!(hr_dead / n_dead > hr_ok / n_ok + 20, "HR {} vs {}", hr_dead / n_dead, hr_ok / n_ok);
    assert!(sbp_dead / n_dead < sbp_ok / n_ok - 10, "SBP {} vs {}", sbp_dead / n_dead, sbp_ok / n_ok);
    assert!(shocked > 10 && improved * 10 >= shocked * 8, "{improved} of {shocked} shocked survivors improved");
}

#[test]
fn fhir_records_the_blood_pressure_panel_and_gcs() {
    let bytes = patientgen_bytes(r#"{"total_patients": 50}"#, patientgen::Format::FhirR4);
    let text = String::from_utf8(bytes).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let entries = first["entry"].as_array().unwrap();
    let obs: Vec<&serde_json::Value> = entries
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "85354-9")
        .collect();
    assert!(!obs.is_empty(), "a blood pressure panel");
    let comp = obs[0]["component"].as_array().unwrap();
    assert_eq!(comp[0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(comp[1]["code"]["coding"][0]["code"], "8462-4");
    assert!(comp[0]["valueQuantity"]["value"].as_i64() > comp[1]["valueQuantity"]["value"].as_i64());
    assert!(text.contains(r#""code":"9269-2","display":"Glasgow coma score total""#));
    assert!(
        !text.contains(r#""code":"8462-4","display":"Diastolic blood pressure"},"subject""#),
        "no separate diastolic"
    );
}
