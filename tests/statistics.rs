//! Statistical acceptance checks of the reference models on the default scenario with 100,000
//! patients, seeds 1, 2 and 3: the exact per-record and per-run checks, the statistical checks
//! S1–S16 (each stated where it is tested below), the Markov check and the presets check.
//!
//! Each seed's run is generated once, streamed chunk by chunk and parsed like a user would; all
//! checks of a run report their failures together. `cargo test --test statistics -- --nocapture`
//! prints every test statistic.

mod common;

use std::collections::BTreeMap;

use common::*;
use patientgen::{Format, JobOptions};

const N: u64 = 100_000;

fn default_json(seed: u64) -> String {
    format!(r#"{{"total_patients": {N}, "seed": {seed}, "flow_model": "classic"}}"#)
}

fn verbose() -> bool {
    std::env::var("PATIENTGEN_STATS_VERBOSE").is_ok_and(|v| v != "0")
}

// ---------------------------------------------------------------------------------------------
// Self-checks of the test machinery (restated figures of the reference tables)
// ---------------------------------------------------------------------------------------------

#[test]
fn chi_square_critical_values_match_section_12() {
    let table = [23.93, 27.63, 30.66, 33.38, 35.89, 38.26, 40.52];
    for (k, want) in table.iter().enumerate() {
        let got = chi2_critical((k + 1) as f64);
        assert!((got - want).abs() < 0.01, "df {}: {got} vs {want}", k + 1);
    }
}

#[test]
fn cell_merging_follows_section_12() {
    // Expected counts 2, 3, 10, 100: merge 2 into 3 (its only neighbour), then 5 stands → 3 cells.
    let mut rep = Report::default();
    let cells = vec![
        ("a".to_string(), 0.02, 2),
        ("b".to_string(), 0.03, 3),
        ("c".to_string(), 0.10, 10),
        ("d".to_string(), 0.85, 85),
    ];
    rep.chi_square("merge", &cells);
    assert_eq!(rep.tests, 1);
    assert!(rep.log[0].contains("df 2"), "{}", rep.log[0]);
    // An observation in a zero-probability cell is an exact failure.
    let mut rep = Report::default();
    rep.chi_square("zero", &[("a".to_string(), 0.0, 1), ("b".to_string(), 1.0, 99)]);
    assert_eq!(rep.failures.len(), 1);
}

#[test]
fn statistical_tests_reject_wrong_distributions() {
    let mut rep = Report::default();
    rep.chi_square("biased coin", &[("h".to_string(), 0.5, 5_300), ("t".to_string(), 0.5, 4_700)]);
    rep.share("biased share", 0.12, 1_400, 10_000);
    rep.mean("shifted mean", 10.0, 1.0, 10.1 * 10_000.0, 10_000, 0.0);
    assert_eq!(rep.failures.len(), 3, "{:?}", rep.failures.keys());
    let mut rep = Report::default();
    rep.chi_square("fair coin", &[("h".to_string(), 0.5, 5_010), ("t".to_string(), 0.5, 4_990)]);
    rep.share("fair share", 0.12, 1_210, 10_000);
    rep.mean("mean", 10.0, 1.0, 10.01 * 10_000.0, 10_000, 0.0);
    assert!(rep.failures.is_empty(), "{:?}", rep.failures.keys());
}

#[test]
fn largest_remainder_examples() {
    assert_eq!(lr(100_000, &[1.0; 8]), vec![12_500; 8]);
    assert_eq!(lr(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
    assert_eq!(lr(7, &[0.0, 1.0, 1.0]), vec![0, 4, 3]);
    // Ties on the fraction go to the larger weight.
    assert_eq!(lr(1, &[1.0, 2.0, 1.0]), vec![0, 1, 0]);
    assert_eq!(lr(0, &[1.0, 2.0]), vec![0, 0]);
    let v = lr(9_900, &[1.0, 1.2, 0.6]);
    assert_eq!(v.iter().sum::<u64>(), 9_900);
}

#[test]
fn analytic_tables_match_sections_5_3_and_5_5() {
    let table = [
        ([0.3479, 0.1243, 0.5278], [0.5159, 0.1556, 0.1191, 0.0857, 0.1237]),
        ([0.2336, 0.0881, 0.6783], [0.4736, 0.1719, 0.1418, 0.1017, 0.1110]),
        ([0.1173, 0.0455, 0.8372], [0.4413, 0.1878, 0.1641, 0.1141, 0.0927]),
    ];
    for (t, (o, l)) in table.iter().enumerate() {
        let (eo, el) = classic_expected(t);
        for k in 0..3 {
            assert!((eo[k] - o[k]).abs() < 6e-5, "T{} outcome {k}: {} vs {}", t + 1, eo[k], o[k]);
        }
        for k in 0..5 {
            assert!((el[k] - l[k]).abs() < 6e-5, "T{} last {k}: {} vs {}", t + 1, el[k], l[k]);
        }
    }
    let m2 = markov_expected(1);
    let m3 = markov_expected(2);
    for (got, want) in m2.iter().zip([0.0500, 0.0683, 0.8817]).chain(m3.iter().zip([0.0200, 0.0231, 0.9569])) {
        assert!((got - want).abs() < 6e-5, "{got} vs {want}");
    }
}

/// Default injury mix BI / NBI / Disease.
const MIX: [f64; 3] = [0.15, 0.33, 0.52];

/// S5's expected injury shares of individual events' casualties: the configured mix, whatever
/// the warfare type (generator 0.2).
fn injury_shares(_scenario: usize, _m_dis: f64) -> [f64; 3] {
    MIX
}

// ---------------------------------------------------------------------------------------------
// The default scenario, one run per seed
// ---------------------------------------------------------------------------------------------

#[test]
fn default_scenario_seed_1() {
    default_scenario(1);
}

#[test]
fn default_scenario_seed_2() {
    default_scenario(2);
}

#[test]
fn default_scenario_seed_3() {
    default_scenario(3);
}

/// S16 stratum: (group, level, entry, triage class, body class).
type TreatKey = (&'static str, usize, usize, &'static str, &'static str);

/// Accumulators of S1–S16.
#[derive(Default)]
struct Stats {
    outcome: [[u64; 3]; 3],
    last_facility: [[u64; 5]; 3],
    front: BTreeMap<String, u64>,
    nation: BTreeMap<(String, String), u64>,
    injury: [[u64; 3]; 9],
    mass_casualty_injury: [u64; 3],
    triage: [[[u64; 3]; 3]; 9],
    /// (stratum, code) → count; strata "BI <scenario>", "NBI", "Disease".
    primary: BTreeMap<(String, String), u64>,
    /// scenario → (BI patients, polytrauma patients).
    poly: [[u64; 2]; 9],
    secondaries: [u64; 3],
    female: u64,
    patients: u64,
    age_band: [u64; 7],
    blood: BTreeMap<String, u64>,
    religion: [[u64; 13]; 6],
    body_any: BTreeMap<String, u64>,
    /// (level, triage, night) → (sum tenths, n).
    stay: BTreeMap<(usize, usize, bool), (f64, u64)>,
    /// (from level, triage) → (sum tenths, n).
    transit: BTreeMap<(usize, usize), (f64, u64)>,
    /// (vital, level, triage, temp class) → (sum, n).
    vitals: BTreeMap<(usize, usize, usize, usize), (f64, u64)>,
    /// (group, level, entry, triage class, body class) → (p, n, hits).
    treat: BTreeMap<TreatKey, (f64, u64, u64)>,
}

fn default_scenario(seed: u64) {
    let (res, seed) = scenario(&default_json(seed));
    let ctx = Ctx::new(&res);
    let mut rep = Report { verbose: verbose(), ..Default::default() };
    let mut tracker = Tracker::default();
    let mut st = Stats::default();
    let protos = protocols();
    let (_, lines, counters) = stream_records(&res, seed, &mut rep, |r, rep| {
        let Some(fx) = check_record(r, &ctx, rep) else { return };
        tracker.add(r, &fx, rep);
        accumulate(&mut st, r, &fx, &protos);
    });
    rep.check(lines == N, "records: line count", || format!("{lines}"));
    tracker.finish(&res, &mut rep);
    // Counters agree with the records.
    rep.check(counters.patients_generated == N, "counters: patients_generated", || {
        format!("{}", counters.patients_generated)
    });
    let mut outcomes = [0u64; 5];
    for t in 0..3 {
        outcomes[0] += st.outcome[t][0];
        outcomes[1] += st.outcome[t][1];
        outcomes[2] += st.outcome[t][2];
    }
    rep.check(counters.outcomes == outcomes, "counters: outcomes differ from the records", || {
        format!("{:?} vs {outcomes:?}", counters.outcomes)
    });
    let triage: Vec<u64> = (0..3).map(|t| st.outcome[t].iter().sum()).collect();
    rep.check(counters.triage.to_vec() == triage, "counters: triage differs from the records", || {
        format!("{:?} vs {triage:?}", counters.triage)
    });
    rep.check(counters.per_day == vec![12_500; 8], "counters: per_day", || format!("{:?}", counters.per_day));
    default_exact_specifics(&tracker, &mut rep);
    statistical_checks(&st, &protos, &mut rep);
    rep.finish(&format!("default scenario, seed {seed}"));
}

/// Run-level exact checks (day totals, special events, warfare types, hours) with the expected
/// figures for the default scenario.
fn default_exact_specifics(tr: &Tracker, rep: &mut Report) {
    for d in 1..=8u32 {
        let n = tr.per_day.get(&d).copied().unwrap_or(0);
        rep.check(n == 12_500, "item 2: day total is not 12,500", || format!("day {d}: {n}"));
    }
    let mut ambush_days = Vec::new();
    let mut mc_per_day: BTreeMap<u32, u64> = BTreeMap::new();
    let mut special_per_day: BTreeMap<u32, u64> = BTreeMap::new();
    for (name, e) in &tr.events {
        if e.parts.prefix != "SE" {
            continue;
        }
        *special_per_day.entry(e.parts.day).or_default() += e.count;
        match e.parts.label.as_str() {
            "ambush" => {
                ambush_days.push(e.parts.day);
                rep.check(e.count == 2_500, "item 3: ambush event without exactly 2,500 patients", || {
                    format!("{name}: {}", e.count)
                });
            }
            "mass_casualty" => {
                *mc_per_day.entry(e.parts.day).or_default() += 1;
                rep.check(e.count == 100, "item 3: mass_casualty event without exactly 100 patients", || {
                    format!("{name}: {}", e.count)
                });
            }
            _ => rep.fail("item 3: unexpected special event (major_offensive is disabled)", name.clone()),
        }
    }
    ambush_days.sort();
    rep.check(ambush_days == vec![1, 4, 6], "item 3: ambush events not exactly on days 1, 4, 6", || {
        format!("{ambush_days:?}")
    });
    for (d, n) in &mc_per_day {
        rep.check(*n <= 1, "item 3: more than one mass_casualty event per day", || format!("day {d}: {n}"));
    }
    let sc = sustained_combat_weights();
    for d in 1..=8u32 {
        let sp = special_per_day.get(&d).copied().unwrap_or(0);
        rep.check(sp <= 7_500, "item 3: special patients above 7,500 per day", || format!("day {d}: {sp}"));
        let want = lr(12_500 - sp, &[1.0, 1.2, 0.6]);
        let got: Vec<u64> =
            [0usize, 1, 4].iter().map(|&t| tr.per_day_type.get(&(d, t)).copied().unwrap_or(0)).collect();
        rep.check(got == want, "item 4: conventional/artillery/drone counts differ from LR", || {
            format!("day {d}: {got:?} vs {want:?}")
        });
        let hours = lr(got[0], &sc);
        let got_h: Vec<u64> = (0..24).map(|h| tr.per_day_type_hour.get(&(d, 0, h)).copied().unwrap_or(0)).collect();
        rep.check(got_h == hours, "item 5: conventional per-hour counts differ from LR(sustained_combat)", || {
            format!("day {d}: {got_h:?} vs {hours:?}")
        });
    }
}

fn accumulate(st: &mut Stats, r: &Record, fx: &Facts, protos: &BTreeMap<&'static str, Vec<Vec<Entry>>>) {
    let t = fx.triage;
    st.patients += 1;
    // S1, S2.
    if let Some(k) = ["KIA", "DOW", "RTD"].iter().position(|s| *s == r.status) {
        st.outcome[t][k] += 1;
    }
    if let Some(l) = idx(&FACILITIES, &r.last_facility) {
        st.last_facility[t][l] += 1;
    }
    // S3, S4.
    *st.front.entry(r.front.clone()).or_default() += 1;
    *st.nation.entry((r.front.clone(), r.nationality.clone())).or_default() += 1;
    // S5 (generator 0.2): the casualties of individual events follow the mix exactly; those of
    // mass-casualty and special events are battle casualties (counted apart).
    if r.mass_casualty == Some(true) {
        st.mass_casualty_injury[fx.injury] += 1;
    } else {
        st.injury[fx.scenario][fx.injury] += 1;
    }
    // S6.
    st.triage[fx.scenario][fx.injury][t] += 1;
    // S7.
    let primary = r.conditions[0].code.clone();
    let stratum = match fx.injury {
        0 => format!("BI {}", r.scenario),
        1 => "NBI".to_string(),
        _ => "Disease".to_string(),
    };
    *st.primary.entry((stratum, primary.clone())).or_default() += 1;
    // S8.
    if fx.injury == 0 {
        st.poly[fx.scenario][0] += 1;
        let nsec = r.conditions.len() - 1;
        if nsec > 0 {
            st.poly[fx.scenario][1] += 1;
            if nsec <= 3 {
                st.secondaries[nsec - 1] += 1;
            }
        }
    }
    // S9–S12.
    if r.gender == "female" {
        st.female += 1;
    }
    if let Some(b) = parse_date(&r.demographics.birthdate) {
        let age = age_at(b, (2025, 6, 1));
        if let Some(k) = AGE_BANDS.iter().position(|a| age >= a.0 && age <= a.1) {
            st.age_band[k] += 1;
        }
    }
    *st.blood.entry(r.demographics.blood_type.clone()).or_default() += 1;
    if let Some(p) = profile_of(&r.nationality) {
        let code = r.demographics.religion.as_deref().unwrap_or("none");
        if let Some(k) = RELIGION_CODES.iter().position(|c| *c == code) {
            st.religion[p][k] += 1;
        }
    }
    // S13.
    if cond(&primary).is_some_and(|c| c.site == Site::Any) {
        *st.body_any.entry(r.body_part.clone()).or_default() += 1;
    }
    // S14.
    for e in &r.movement_timeline {
        let Some(l) = idx(&FACILITIES, &e.facility) else { continue };
        match e.event_type.as_str() {
            "evacuation_start" => {
                if let Some(v) = e.evacuation_duration_hours.and_then(tenths) {
                    let s = st.stay.entry((l, t, l == 0 && fx.night)).or_default();
                    s.0 += v as f64;
                    s.1 += 1;
                }
            }
            "transit_start" => {
                if let Some(v) = e.transit_duration_hours.and_then(tenths) {
                    let s = st.transit.entry((l, t)).or_default();
                    s.0 += v as f64;
                    s.1 += 1;
                }
            }
            _ => {}
        }
    }
    // S15.
    let temp_class = if primary == HYPOTHERMIA {
        2
    } else if fx.injury == 2 {
        1
    } else {
        0
    };
    for v in &r.treatments {
        let Some(l) = idx(&FACILITIES, &v.facility) else { continue };
        for (k, o) in v.observations.iter().enumerate().take(5) {
            let key = (k, l, t, if k == 4 { temp_class } else { 0 });
            let s = st.vitals.entry(key).or_default();
            s.0 += o.value;
            s.1 += 1;
        }
    }
    // S16: visits of patients without secondary conditions.
    if r.conditions.len() == 1 {
        let Some(group) = cond(&primary).map(|c| c.group) else { return };
        let Some(cells) = protos.get(group) else { return };
        let body_class = if is_limb(&r.body_part) {
            "limb"
        } else if r.body_part == "Torso" {
            "Torso"
        } else {
            "other"
        };
        for v in &r.treatments {
            let Some(l) = idx(&FACILITIES, &v.facility) else { continue };
            let cell = &cells[l];
            let has_qual = cell.iter().any(|e| e.qual != Qual::None);
            let first = cell.iter().position(|e| e.eligible(&r.body_part));
            for (j, e) in cell.iter().enumerate() {
                let p = if !e.eligible(&r.body_part) {
                    0.0
                } else if Some(j) == first {
                    1.0
                } else {
                    e.p(&r.triage_category)
                };
                let tcls = if e.by_t1 {
                    if t == 0 {
                        "T1"
                    } else {
                        "T2/T3"
                    }
                } else {
                    "all"
                };
                let bcls = if has_qual { body_class } else { "all" };
                let present = v.treatments.iter().any(|x| x.code == e.code());
                let s = st.treat.entry((group, l, j, tcls, bcls)).or_insert((p, 0, 0));
                s.1 += 1;
                s.2 += present as u64;
            }
        }
    }
}

fn cells<const K: usize>(labels: &[&str], p: &[f64], obs: &[u64; K]) -> Vec<(String, f64, u64)> {
    (0..K).map(|k| (labels[k].to_string(), p[k], obs[k])).collect()
}

fn statistical_checks(st: &Stats, protos: &BTreeMap<&'static str, Vec<Vec<Entry>>>, rep: &mut Report) {
    // S1, S2.
    for (t, tri) in TRIAGES.iter().enumerate() {
        let (o, l) = classic_expected(t);
        rep.chi_square(&format!("S1 outcome {tri}"), &cells(&["KIA", "DOW", "RTD"], &o, &st.outcome[t]));
        rep.chi_square(&format!("S2 last_facility {tri}"), &cells(&FACILITIES, &l, &st.last_facility[t]));
    }
    // S3.
    let fronts = [("Poland", 0.6), ("Estonia", 0.3), ("Finland", 0.1)];
    let mut c: Vec<(String, f64, u64)> =
        fronts.iter().map(|(f, p)| (f.to_string(), *p, st.front.get(*f).copied().unwrap_or(0))).collect();
    for (f, n) in &st.front {
        if !fronts.iter().any(|x| x.0 == f) {
            c.push((f.clone(), 0.0, *n));
        }
    }
    rep.chi_square("S3 front", &c);
    // S4.
    let nations: [(&str, &[(&str, f64)]); 3] = [
        ("Poland", &[("POL", 0.50), ("LTU", 0.25), ("NLD", 0.20), ("ESP", 0.05)]),
        ("Estonia", &[("EST", 0.5), ("GBR", 0.5)]),
        ("Finland", &[("FIN", 0.5), ("USA", 0.5)]),
    ];
    for (front, list) in nations {
        let mut c: Vec<(String, f64, u64)> = list
            .iter()
            .map(|(n, p)| (n.to_string(), *p, st.nation.get(&(front.to_string(), n.to_string())).copied().unwrap_or(0)))
            .collect();
        for ((f, n), k) in &st.nation {
            if f == front && !list.iter().any(|x| x.0 == n) {
                c.push((n.clone(), 0.0, *k));
            }
        }
        rep.chi_square(&format!("S4 nationality on {front}"), &c);
    }
    // S5, S6, S7, S8 per scenario of the default run.
    rep.check(
        st.mass_casualty_injury[1] == 0 && st.mass_casualty_injury[2] == 0 && st.mass_casualty_injury[0] > 0,
        "S5: a mass-casualty or special-event patient is not a battle casualty",
        || format!("{:?}", st.mass_casualty_injury),
    );
    for sc in [0usize, 1, 4, 8] {
        let name = if sc == 8 { "mixed" } else { WARFARE_NAMES[sc] };
        let shares = injury_shares(sc, 1.0);
        if st.injury[sc].iter().sum::<u64>() > 0 {
            rep.chi_square(&format!("S5 injury type {name}"), &cells(&INJURY_TYPES, &shares, &st.injury[sc]));
        }
        for it in (0..3).filter(|&it| st.triage[sc][it].iter().sum::<u64>() > 0) {
            rep.chi_square(
                &format!("S6 triage {name} / {}", INJURY_TYPES[it]),
                &cells(&TRIAGES, &TRIAGE_ROWS[sc][it], &st.triage[sc][it]),
            );
        }
        let pattern = PATTERN_OF[sc];
        let stratum = format!("BI {name}");
        let c = pool_cells(st, &stratum, &BI_PATTERNS.iter().map(|(c, w)| (*c, w[pattern])).collect::<Vec<_>>());
        rep.chi_square(&format!("S7 primary {stratum}"), &c);
        rep.share(&format!("S8 polytrauma {name}"), POLYTRAUMA[pattern], st.poly[sc][1], st.poly[sc][0]);
    }
    for sc in [2usize, 3, 5, 6, 7] {
        rep.check(st.injury[sc].iter().sum::<u64>() == 0, "scenario: disabled warfare type present", || {
            WARFARE_NAMES[sc].to_string()
        });
    }
    rep.chi_square("S7 primary NBI", &pool_cells(st, "NBI", &NBI_POOL));
    rep.chi_square("S7 primary Disease", &pool_cells(st, "Disease", &DISEASE_POOL));
    let l = 1.5f64;
    let e = (-l).exp();
    let p1 = e * (1.0 + l);
    let p2 = e * l * l / 2.0;
    rep.chi_square("S8 number of secondaries", &cells(&["1", "2", "3"], &[p1, p2, 1.0 - p1 - p2], &st.secondaries));
    // S9.
    rep.share("S9 female", 0.12, st.female, st.patients);
    // S10.
    let labels: Vec<String> = AGE_BANDS.iter().map(|a| format!("{}-{}", a.0, a.1)).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let p: Vec<f64> = AGE_BANDS.iter().map(|a| a.2).collect();
    rep.chi_square("S10 age band", &cells(&labels, &p, &st.age_band));
    // S11.
    let mut c: Vec<(String, f64, u64)> =
        BLOOD.iter().map(|(b, p)| (b.to_string(), *p, st.blood.get(*b).copied().unwrap_or(0))).collect();
    for (b, n) in &st.blood {
        if !BLOOD.iter().any(|x| x.0 == b) {
            c.push((b.clone(), 0.0, *n));
        }
    }
    rep.chi_square("S11 blood type", &c);
    // S12.
    for (p, name) in PROFILES.iter().enumerate() {
        if st.religion[p].iter().sum::<u64>() > 0 {
            rep.chi_square(
                &format!("S12 religion {name}"),
                &cells(&RELIGION_CODES, &RELIGION_WEIGHTS[p], &st.religion[p]),
            );
        }
    }
    // S13.
    let mut c: Vec<(String, f64, u64)> = BODY_PARTS
        .iter()
        .zip(ANY_WEIGHTS)
        .map(|(b, p)| (b.to_string(), p, st.body_any.get(*b).copied().unwrap_or(0)))
        .collect();
    for (b, n) in &st.body_any {
        if !BODY_PARTS.contains(&b.as_str()) {
            c.push((b.clone(), 0.0, *n));
        }
    }
    rep.chi_square("S13 body part (site Any)", &c);
    // S14: grid values are exact tenths, so no rounding allowance is added.
    let var_uniform = |k: i64| ((k * k - 1) as f64) / 12.0;
    for (&(l, t, night), &(sum, n)) in &st.stay {
        let (lo, hi) = STAY[l][t];
        let extra = if night { 3 } else { 0 };
        let mean = (lo + hi) as f64 / 2.0 + extra as f64 / 2.0;
        let sd = (var_uniform(hi - lo + 1) + var_uniform(extra + 1)).sqrt();
        let name = format!("S14 stay {} {}{} (tenths)", FACILITIES[l], TRIAGES[t], if night { " night" } else { "" });
        rep.mean(&name, mean, sd, sum, n, 0.0);
    }
    for (&(l, t), &(sum, n)) in &st.transit {
        if l >= 4 {
            rep.fail("S14 transit from Role4", format!("{n}"));
            continue;
        }
        let (lo, hi) = TRANSIT[l][t];
        let name = format!("S14 transit {}→{} {} (tenths)", FACILITIES[l], FACILITIES[l + 1], TRIAGES[t]);
        rep.mean(&name, (lo + hi) as f64 / 2.0, var_uniform(hi - lo + 1).sqrt(), sum, n, 0.0);
    }
    // S15.
    for (&(k, l, t, class), &(sum, n)) in &st.vitals {
        if n < 20 {
            continue;
        }
        let v = &VITALS[k];
        let delta = if k == 4 { temp_delta(class, t) } else { v.delta[t] };
        let mu = v.mu0 + delta * (1.0 - 0.2 * l as f64);
        let (m, sd_t) = truncnormal_moments(mu, v.sigma[t], v.lo, v.hi);
        let sd = (sd_t * sd_t + v.unit_round * v.unit_round / 12.0).sqrt();
        let cls = if k == 4 { ["BI/NBI", "Disease", "Hypothermia"][class] } else { "" };
        let name = format!("S15 {} {} {} {cls}", v.display, FACILITIES[l], TRIAGES[t]);
        rep.mean(&name, m, sd, sum, n, v.unit_round / 2.0);
    }
    // S16.
    for (&(group, l, j, tcls, bcls), &(p, n, hits)) in &st.treat {
        let e = &protos[group][l][j];
        let name = format!("S16 {group} {} {} ({}) {tcls} {bcls}", FACILITIES[l], j, e.code());
        if p == 0.0 || p == 1.0 {
            rep.check(
                hits == if p == 0.0 { 0 } else { n },
                "S16: an entry with probability 0 or 1 is not never/always applied",
                || format!("{name}: p {p}, {hits}/{n}"),
            );
        } else if n >= 200 {
            rep.share(&name, p, hits, n);
        }
    }
}

fn pool_cells(st: &Stats, stratum: &str, pool: &[(&str, f64)]) -> Vec<(String, f64, u64)> {
    let mut c: Vec<(String, f64, u64)> = pool
        .iter()
        .map(|(code, w)| {
            (code.to_string(), *w, st.primary.get(&(stratum.to_string(), code.to_string())).copied().unwrap_or(0))
        })
        .collect();
    for ((s, code), n) in &st.primary {
        if s == stratum && !pool.iter().any(|x| x.0 == code) {
            c.push((code.clone(), 0.0, *n));
        }
    }
    c
}

// ---------------------------------------------------------------------------------------------
// The Markov check
// ---------------------------------------------------------------------------------------------

#[test]
fn markov_seed_1() {
    markov(1);
}

#[test]
fn markov_seed_2() {
    markov(2);
}

#[test]
fn markov_seed_3() {
    markov(3);
}

fn markov(seed: u64) {
    let (res, seed) = scenario(&format!(r#"{{"total_patients": {N}, "seed": {seed}, "flow_model": "markov"}}"#));
    let ctx = Ctx::new(&res);
    let mut rep = Report { verbose: verbose(), ..Default::default() };
    let mut tracker = Tracker::default();
    let mut outcome = [[0u64; 3]; 3];
    let (_, lines, _) = stream_records(&res, seed, &mut rep, |r, rep| {
        let Some(fx) = check_record(r, &ctx, rep) else { return };
        tracker.add(r, &fx, rep);
        for e in &r.movement_timeline {
            rep.check(
                e.kia_timing.as_deref() != Some("during_transit"),
                "Markov: during_transit in a timeline",
                || format!("id {}", r.id),
            );
            rep.check(!(e.event_type == "rtd" && e.facility == "POI"), "Markov: RTD at the POI", || {
                format!("id {}", r.id)
            });
        }
        let routed = r.conditions.iter().any(|c| cond(&c.code).is_some_and(|d| !d.class.is_empty()));
        if fx.triage > 0 && r.mass_casualty.is_none() && !routed {
            if let Some(k) = ["KIA", "DOW", "RTD"].iter().position(|s| *s == r.status) {
                outcome[fx.triage][k] += 1;
            }
        }
    });
    rep.check(lines == N, "records: line count", || format!("{lines}"));
    tracker.finish(&res, &mut rep);
    for t in 1..3 {
        let p = markov_expected(t);
        rep.chi_square(&format!("Markov outcome {}", TRIAGES[t]), &cells(&["KIA", "DOW", "RTD"], &p, &outcome[t]));
    }
    rep.finish(&format!("markov, seed {seed}"));
}

// ---------------------------------------------------------------------------------------------
// The presets check
// ---------------------------------------------------------------------------------------------

#[test]
fn presets_generate_their_totals_types_and_days() {
    let presets = [
        ("nato_article_5", 2500, 8, "conventional"),
        ("peacekeeping", 500, 30, "peacekeeping"),
        ("urban_assault", 3000, 5, "urban"),
        ("cbrn_incident", 1500, 3, "cbrn"),
        ("training_exercise", 100, 2, "conventional"),
        ("mass_casualty", 800, 1, "conventional"),
        ("arctic_operation", 1200, 14, "conventional"),
        ("maritime_operation", 1800, 6, "naval"),
    ];
    let mut rep = Report { verbose: verbose(), ..Default::default() };
    for (id, n, days, wtype) in presets {
        let sc =
            match patientgen::parse_scenario(&format!(r#"{{"preset": "{id}", "seed": 1, "flow_model": "classic"}}"#)) {
                Ok(s) => s,
                Err(e) => {
                    rep.fail("presets: does not validate", format!("{id}: {e}"));
                    continue;
                }
            };
        let res = sc.resolved;
        rep.check(
            res.total_patients == n && res.days_of_fighting == days,
            "presets: total or days differ from 2.7",
            || format!("{id}: {} patients, {} days", res.total_patients, res.days_of_fighting),
        );
        let ctx = Ctx::new(&res);
        let mut tracker = Tracker::default();
        let mut scenarios = BTreeMap::new();
        let mut day_set = BTreeMap::new();
        let (_, lines, _) = stream_records(&res, 1, &mut rep, |r, rep| {
            *scenarios.entry(r.scenario.clone()).or_insert(0u64) += 1;
            *day_set.entry(r.day.clone()).or_insert(0u64) += 1;
            if let Some(fx) = check_record(r, &ctx, rep) {
                tracker.add(r, &fx, rep);
            }
        });
        tracker.finish(&res, &mut rep);
        rep.check(lines == n, "presets: record count differs from total_patients", || format!("{id}: {lines}"));
        rep.check(
            scenarios.contains_key(wtype) && scenarios.keys().all(|s| s == wtype || s == "mixed"),
            "presets: scenario values are not the preset's warfare type (plus mixed)",
            || format!("{id}: {scenarios:?}"),
        );
        let want: Vec<String> = (1..=days).map(|d| format!("Day {d}")).collect();
        let mut got: Vec<String> = day_set.keys().cloned().collect();
        got.sort_by_key(|s| s[4..].parse::<u32>().unwrap_or(0));
        rep.check(got == want, "presets: day values are not Day 1 … Day <days>", || format!("{id}: {got:?}"));
    }
    rep.finish("presets");
}

// ---------------------------------------------------------------------------------------------
// Determinism (docs/GENERATION.md#determinism)
// ---------------------------------------------------------------------------------------------

fn digest_of(res: &patientgen::Resolved, seed: u64, opts: &JobOptions, ranges: &[std::ops::Range<u64>]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut buf = Vec::new();
    let list: Vec<Option<std::ops::Range<u64>>> =
        if ranges.is_empty() { vec![None] } else { ranges.iter().cloned().map(Some).collect() };
    for range in list {
        let o = JobOptions { range, ..opts.clone() };
        let mut job = patientgen::Job::new(res, seed, &o).expect("job builds");
        loop {
            buf.clear();
            let done = job.next_chunk(&mut buf).expect("chunk").done;
            h.update(&buf);
            if done {
                break;
            }
        }
    }
    h.finalize().into()
}

#[test]
fn determinism_seed_1() {
    let (res, seed) = scenario(&default_json(1));
    let mut rep = Report::default();
    let big = patientgen::MAX_CHUNK_BYTES;
    let base = digest_of(&res, seed, &ndjson(1000), &[]);
    for size in [1u32, 7, 1000, 100_000] {
        let opts = JobOptions { chunk_size: size, chunk_bytes: big, ..ndjson(size) };
        let d = digest_of(&res, seed, &opts, &[]);
        rep.check(d == base, "item 12: output depends on the chunk size", || format!("chunk size {size}"));
    }
    let shards: Vec<_> = (0..3).map(|k| patientgen::shard_range(N, k, 3).unwrap()).collect();
    // Shards lie on the 1,000-patient compression grid (docs/OUTPUT.md).
    assert_eq!(shards, vec![0..33_000, 33_000..67_000, 67_000..100_000]);
    for format in [Format::Ndjson, Format::Json, Format::JsonWrapped] {
        let opts = JobOptions { format, ..Default::default() };
        let single = if format == Format::Ndjson { base } else { digest_of(&res, seed, &opts, &[]) };
        let split = digest_of(&res, seed, &opts, &shards);
        rep.check(split == single, "item 12: shards do not concatenate to the single run", || {
            format.as_str().to_string()
        });
    }
    rep.finish("determinism, seed 1");
}
