//! Flow models (DOMAIN.md §5) and per-visit treatments and vital signs (§6.8, §6.9), through the
//! public API. Expected figures are restated from DOMAIN.md on purpose.

use patientgen::config::{FacilityOverride, Front, Resolved};
use patientgen::internals::civil::hrs;
use patientgen::internals::data::conditions::{self, ConditionId, CONDITIONS};
use patientgen::internals::data::procedures::*;
use patientgen::internals::patient::flow::markov::{adjusted_row, Decision};
use patientgen::internals::patient::flow::Flow;
use patientgen::internals::patient::medical::{draw_vitals, fill_visits, select_treatments};
use patientgen::internals::patient::record::{EventType, PatientRecord, TimelineEvent, Timing};
use patientgen::internals::plan::EventContext;
use patientgen::internals::rng::{patient_stream, PatientStream, Xo};
use patientgen::vocab::{BodyPart, EnvCondition, EnvSet, Facility, FlowModel, InjuryType, Nation, Status, Triage};

const T0: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
const TENTH: i64 = 360;

// ---------------------------------------------------------------- fixtures

fn cfg(model: FlowModel) -> Resolved {
    let mut c = Resolved::default_scenario();
    c.flow_model = model;
    c.fronts = vec![
        Front { id: "a".into(), name: "A".into(), weight: 0.5, nations: vec![(Nation::Pol, 1.0)] },
        Front { id: "b".into(), name: "B".into(), weight: 0.5, nations: vec![(Nation::Est, 1.0)] },
    ];
    c.facility_overrides = vec![];
    c
}

fn ctx(injury_time: i64, mass_casualty: bool, environment: EnvSet) -> EventContext {
    EventContext { injury_time, mass_casualty, environment, ..EventContext::default() }
}

fn record(triage: Triage, conds: &[ConditionId], injury_type: InjuryType, body_part: BodyPart) -> PatientRecord {
    let mut rec = PatientRecord { triage, injury_type, body_part, ..PatientRecord::default() };
    rec.conditions.extend(conds.iter().copied());
    rec
}

fn env(conds: &[EnvCondition]) -> EnvSet {
    let mut s = EnvSet::default();
    for &c in conds {
        s.insert(c);
    }
    s
}

const STAY: [[(u32, u32); 3]; 5] = [
    [(5, 15), (20, 50), (30, 80)],
    [(10, 30), (80, 160), (120, 160)],
    [(10, 30), (50, 120), (80, 120)],
    [(20, 60), (40, 120), (60, 120)],
    [(60, 120), (120, 240), (120, 240)],
];
const TRANSIT: [[(u32, u32); 3]; 4] = [
    [(5, 20), (10, 30), (15, 30)],
    [(10, 30), (20, 40), (30, 50)],
    [(20, 40), (30, 50), (40, 60)],
    [(10, 30), (20, 40), (30, 50)],
];

// ---------------------------------------------------------------- invariants (5.4, 5.7)

fn check_timeline(rec: &PatientRecord, c: &EventContext, model: FlowModel) {
    let tl = &rec.timeline;
    let tri = rec.triage.index();
    let first = tl.first().expect("non-empty timeline");
    assert_eq!(
        (first.kind, first.facility, first.time, first.hours_since_injury),
        (EventType::Arrival, Facility::Poi, c.injury_time, 0)
    );
    assert_eq!(tl.iter().filter(|e| e.kind == EventType::Arrival && e.facility == Facility::Poi).count(), 1);
    assert_eq!(tl.iter().filter(|e| e.kind.is_terminal()).count(), 1);
    let term = tl.last().unwrap();
    assert!(term.kind.is_terminal());
    let delay_max = c.environment.delay_minutes() / 6;
    let mut arrived: Option<Facility> = None;
    for (i, e) in tl.iter().enumerate() {
        assert_eq!(e.hours_since_injury, hrs(e.time - c.injury_time));
        if i > 0 {
            let p = &tl[i - 1];
            assert!(e.time >= p.time);
            if e.time == p.time {
                assert!(p.kind == EventType::Arrival && e.kind == EventType::EvacuationStart, "{tl:?}");
            }
        }
        match e.kind {
            EventType::Arrival => {
                if let Some(a) = arrived {
                    assert!(e.facility > a);
                }
                arrived = Some(e.facility);
            }
            EventType::EvacuationStart => {
                assert_eq!(Some(e.facility), arrived);
                assert_eq!(tl[i - 1].kind, EventType::Arrival);
                let (lo, hi) = STAY[e.facility.index()][tri];
                let hi = if e.facility == Facility::Poi { hi + delay_max } else { hi };
                assert!((lo..=hi).contains(&e.duration), "stay {} at {:?}", e.duration, e.facility);
                assert_eq!(e.next_facility.is_some(), model == FlowModel::Markov);
            }
            EventType::TransitStart => {
                assert_eq!(Some(e.facility), arrived);
                let ev = &tl[i - 1];
                assert_eq!(ev.kind, EventType::EvacuationStart);
                assert_eq!(e.time, ev.time + ev.duration as i64 * TENTH);
                let to = e.to_facility.unwrap();
                assert!(to > e.facility);
                match model {
                    FlowModel::Classic => {
                        assert_eq!(Some(to), e.facility.next());
                        let (lo, hi) = TRANSIT[e.facility.index()][tri];
                        assert!((lo..=hi).contains(&e.duration));
                    }
                    FlowModel::Markov => {
                        assert!(e.duration >= 1);
                        assert_eq!(ev.next_facility, Some(to));
                    }
                    FlowModel::Clinical => unreachable!("this file checks the reference models"),
                }
                let n = &tl[i + 1];
                let end = e.time + e.duration as i64 * TENTH;
                if n.kind == EventType::Arrival {
                    assert_eq!((n.facility, n.time), (to, end));
                } else {
                    assert_eq!(n.kind, EventType::Kia);
                    assert_eq!(n.timing, Some(Timing::DuringTransit));
                    assert_eq!((n.facility, n.to_facility), (e.facility, Some(to)));
                    assert!(n.time > e.time && n.time < end + 1);
                    assert_eq!(n.completed, Some(hrs(n.time - e.time)));
                }
            }
            _ => {
                assert_eq!(i, tl.len() - 1);
                assert_eq!(Some(e.facility), arrived);
            }
        }
    }
    // Terminal details.
    let prev = &tl[tl.len() - 2];
    assert!(term.time > prev.time);
    let arrivals = tl.iter().filter(|e| e.kind == EventType::Arrival).count();
    match model {
        FlowModel::Classic => {
            assert_eq!(term.facilities_visited, None);
            match term.timing.unwrap() {
                Timing::DuringEvacuation => {
                    assert_eq!(prev.kind, EventType::EvacuationStart);
                    let s = term.time - prev.time;
                    assert!(s >= 1 && s <= prev.duration as i64 * TENTH);
                    assert_eq!(term.completed, Some(hrs(s)));
                    assert!(term.kind == EventType::Kia || term.facility != Facility::Role4);
                }
                Timing::AutoRole4 => {
                    assert_eq!((term.kind, term.facility), (EventType::Rtd, Facility::Role4));
                    assert_eq!(term.time, prev.time + prev.duration as i64 * TENTH);
                    assert_eq!(term.completed, Some(prev.duration));
                }
                Timing::DuringTransit => assert_eq!(prev.kind, EventType::TransitStart),
                Timing::MarkovChainDecision => panic!("Markov timing in the classic model"),
            }
        }
        FlowModel::Markov => {
            assert_eq!(term.timing, Some(Timing::MarkovChainDecision));
            assert_eq!(term.facilities_visited, Some(arrivals as u8));
            assert_eq!(term.completed, None);
            assert_eq!(prev.kind, EventType::Arrival);
            let s = term.time - prev.time;
            if term.facility == Facility::Poi {
                assert_eq!(term.kind, EventType::Kia, "no RTD at the POI");
                assert!((360..=3600).contains(&s));
            } else {
                let (_, hi) = STAY[term.facility.index()][tri];
                assert!(s >= 1 && s <= hi as i64 * TENTH);
            }
        }
        FlowModel::Clinical => unreachable!("this file checks the reference models"),
    }
    let expected_status = match term.kind {
        EventType::Kia if term.facility == Facility::Poi => Status::Kia,
        EventType::Kia => Status::Dow,
        EventType::Rtd => Status::Rtd,
        _ => Status::RemainsRole4,
    };
    assert_eq!(rec.status, expected_status);
    assert_eq!(rec.last_facility, term.facility);
}

fn check_visits(rec: &PatientRecord) {
    let arrivals: Vec<&TimelineEvent> = rec.timeline.iter().filter(|e| e.kind == EventType::Arrival).collect();
    assert_eq!(rec.visits.len(), arrivals.len());
    for (v, a) in rec.visits.iter().zip(arrivals) {
        assert_eq!((v.facility, v.date), (a.facility, a.time));
        assert!(!v.treatments.is_empty() && v.treatments.len() <= 5);
        let group = rec.conditions[0].info().group;
        let first = patientgen::internals::data::protocols::cell(group, v.facility)
            .iter()
            .find(|e| e.qualifier.holds(rec.body_part))
            .unwrap();
        assert_eq!(v.treatments[0], first.procedure);
        for (k, t) in v.treatments.iter().enumerate() {
            assert!(!v.treatments[..k].contains(t), "duplicate treatment");
        }
        let bounds = [(30, 200), (50, 200), (6, 50), (60, 100), (330, 415)];
        for (x, (lo, hi)) in v.vitals.iter().zip(bounds) {
            assert!((lo..=hi).contains(x), "{:?}", v.vitals);
        }
    }
}

fn random_patient(r: &mut Xo) -> (PatientRecord, EventContext) {
    let triage = Triage::ALL[r.below(3) as usize];
    let n = 1 + r.below(4) as usize;
    let mut conds = Vec::new();
    while conds.len() < n {
        let c = ConditionId(r.below(CONDITIONS.len() as u64) as u8);
        if !conds.contains(&c) {
            conds.push(c);
        }
    }
    let it = InjuryType::ALL[r.below(3) as usize];
    let bp = BodyPart::ALL[r.below(6) as usize];
    let mut rec = record(triage, &conds, it, bp);
    rec.front = r.below(3) as u16;
    let c = ctx(T0 + r.below(30 * 86_400) as i64, r.below(2) == 1, EnvSet(r.below(512) as u16));
    (rec, c)
}

#[test]
fn every_timeline_satisfies_the_invariants() {
    for (model, seed) in [(FlowModel::Classic, 11u64), (FlowModel::Markov, 12)] {
        let flow = Flow::new(&cfg(model));
        let mut r = Xo::new(seed);
        let mut statuses = [0u32; 4];
        let mut deepest = [0u32; 5];
        for i in 0..200_000u64 {
            let (mut rec, c) = random_patient(&mut r);
            let mut f = patient_stream(seed, i, PatientStream::Flow);
            flow.run(&c, &mut f, &mut rec, &mut Default::default());
            check_timeline(&rec, &c, model);
            let mut m = patient_stream(seed, i, PatientStream::Medical);
            fill_visits(&mut m, &mut rec);
            check_visits(&rec);
            statuses[rec.status.index()] += 1;
            deepest[rec.last_facility.index()] += 1;
        }
        // Every outcome and every last facility occurs.
        assert!(statuses[..3].iter().all(|&n| n > 1000), "{model:?} {statuses:?}");
        assert_eq!(statuses[3], 0);
        assert!(deepest.iter().all(|&n| n > 1000), "{model:?} {deepest:?}");
    }
}

#[test]
fn stays_and_transits_cover_their_whole_ranges() {
    let flow = Flow::new(&cfg(FlowModel::Classic));
    let mut seen_stay = [[[false; 2]; 3]; 5];
    let mut seen_transit = [[[false; 2]; 3]; 4];
    for i in 0..100_000u64 {
        let triage = Triage::ALL[(i % 3) as usize];
        let mut rec = record(triage, &[conditions::BULLET_WOUND], InjuryType::BattleInjury, BodyPart::Torso);
        let c = ctx(T0, false, EnvSet::default());
        flow.run(&c, &mut patient_stream(5, i, PatientStream::Flow), &mut rec, &mut Default::default());
        for e in &rec.timeline {
            let t = triage.index();
            let (tab, (lo, hi)) = match e.kind {
                EventType::EvacuationStart => (&mut seen_stay[e.facility.index()][t], STAY[e.facility.index()][t]),
                EventType::TransitStart => (&mut seen_transit[e.facility.index()][t], TRANSIT[e.facility.index()][t]),
                _ => continue,
            };
            tab[0] |= e.duration == lo;
            tab[1] |= e.duration == hi;
        }
    }
    assert!(seen_stay.iter().flatten().flatten().all(|&b| b));
    assert!(seen_transit.iter().flatten().flatten().all(|&b| b));
}

// ---------------------------------------------------------------- classic outcomes (5.3)

/// Outcome shares of the classic model by the recursion of 5.2.
#[derive(Debug)]
struct Shares {
    kia: f64,
    dow: f64,
    rtd: f64,
    rtd_poi: f64,
    last: [f64; 5],
}

fn reference(kia_rate: [f64; 5], rtd_rate: [f64; 4], triage: Triage) -> Shares {
    let km = [1.5, 1.0, 0.5][triage.index()];
    let rm = [0.8, 1.0, 1.2][triage.index()];
    let mut s = Shares { kia: 0.0, dow: 0.0, rtd: 0.0, rtd_poi: 0.0, last: [0.0; 5] };
    let mut alive = 1.0;
    for l in 0..5 {
        let k = f64::min(1.0, kia_rate[l] * km);
        let die = alive * k;
        if l == 0 {
            s.kia += die;
        } else {
            s.dow += die;
        }
        s.last[l] += die;
        if l == 4 {
            s.rtd += alive * (1.0 - k);
            s.last[4] += alive * (1.0 - k);
            break;
        }
        let r = f64::min(1.0, rtd_rate[l] * rm);
        let back = alive * (1.0 - k) * r;
        s.rtd += back;
        if l == 0 {
            s.rtd_poi = back;
        }
        s.last[l] += back;
        let go = alive * (1.0 - k) * (1.0 - r);
        let transit_death = go * 0.3 * k;
        if l == 0 {
            s.kia += transit_death;
        } else {
            s.dow += transit_death;
        }
        s.last[l] += transit_death;
        alive = go - transit_death;
    }
    s
}

const DEFAULT_KIA: [f64; 5] = [0.20, 0.08, 0.06, 0.04, 0.02];
const DEFAULT_RTD: [f64; 4] = [0.30, 0.25, 0.35, 0.45];

fn within(observed: u64, n: u64, p: f64, what: &str) {
    let o = observed as f64 / n as f64;
    let tol = 4.9 * (p * (1.0 - p) / n as f64).sqrt();
    assert!((o - p).abs() <= tol + 1e-12, "{what}: observed {o:.5}, expected {p:.5} ± {tol:.5}");
}

/// Simulates `n` classic patients of one front and triage and compares with the recursion.
fn simulate_classic(flow: &Flow, front: u16, triage: Triage, expected: &Shares, seed: u64) {
    let n = 200_000u64;
    let mut counts = [0u64; 3];
    let mut rtd_poi = 0;
    let mut last = [0u64; 5];
    for i in 0..n {
        let mut rec = record(triage, &[conditions::OPEN_WOUND], InjuryType::BattleInjury, BodyPart::LeftLeg);
        rec.front = front;
        let c = ctx(T0 + i as i64, i % 2 == 0, env(&[EnvCondition::Storm]));
        flow.run(&c, &mut patient_stream(seed, i, PatientStream::Flow), &mut rec, &mut Default::default());
        counts[rec.status.index()] += 1;
        last[rec.last_facility.index()] += 1;
        if rec.status == Status::Rtd && rec.last_facility == Facility::Poi {
            rtd_poi += 1;
        }
    }
    let tag = format!("front {front} {triage:?}");
    within(counts[0], n, expected.kia, &format!("{tag} KIA"));
    within(counts[1], n, expected.dow, &format!("{tag} DOW"));
    within(counts[2], n, expected.rtd, &format!("{tag} RTD"));
    within(rtd_poi, n, expected.rtd_poi, &format!("{tag} RTD at POI"));
    for (l, (&count, &p)) in last.iter().zip(&expected.last).enumerate() {
        within(count, n, p, &format!("{tag} last facility {l}"));
    }
}

#[test]
fn reference_recursion_reproduces_the_analytic_table() {
    // 5.3: KIA, DOW, RTD, RTD at POI, last facility POI … Role4.
    let table = [
        (0.3479, 0.1243, 0.5278, 0.1680, [0.5159, 0.1556, 0.1191, 0.0857, 0.1237]),
        (0.2336, 0.0881, 0.6783, 0.2400, [0.4736, 0.1719, 0.1418, 0.1017, 0.1110]),
        (0.1173, 0.0455, 0.8372, 0.3240, [0.4413, 0.1878, 0.1641, 0.1141, 0.0927]),
    ];
    for (t, row) in Triage::ALL.iter().zip(table) {
        let s = reference(DEFAULT_KIA, DEFAULT_RTD, *t);
        let close = |a: f64, b: f64| (a - b).abs() <= 0.5e-4 + 1e-12;
        assert!(close(s.kia, row.0) && close(s.dow, row.1) && close(s.rtd, row.2) && close(s.rtd_poi, row.3), "{s:?}");
        for l in 0..5 {
            assert!(close(s.last[l], row.4[l]), "{t:?} {l} {s:?}");
        }
    }
}

#[test]
fn classic_outcomes_match_the_analytic_table() {
    let flow = Flow::new(&cfg(FlowModel::Classic));
    for (k, t) in Triage::ALL.iter().enumerate() {
        simulate_classic(&flow, 0, *t, &reference(DEFAULT_KIA, DEFAULT_RTD, *t), 100 + k as u64);
    }
}

fn over(facility: Facility, front: Option<usize>, kia: Option<f64>, rtd: Option<f64>) -> FacilityOverride {
    FacilityOverride {
        facility,
        front_id: front.map(|f| ["a", "b"][f].to_string()),
        front_index: front,
        kia_rate: kia,
        rtd_rate: rtd,
    }
}

#[test]
fn facility_overrides_apply_field_by_field() {
    let mut c = cfg(FlowModel::Classic);
    c.facility_overrides = vec![
        over(Facility::Poi, None, None, Some(0.1)),
        over(Facility::Role1, None, Some(0.3), Some(0.05)),
        over(Facility::Role1, Some(1), None, Some(0.5)),
        over(Facility::Role2, Some(0), Some(0.0), None),
        over(Facility::Role3, Some(1), Some(0.9), Some(0.9)),
        over(Facility::Role4, None, Some(1.0), Some(0.7)),
    ];
    let flow = Flow::new(&c);
    // (kia_rate, rtd_rate) per facility as 2.4 item 3 resolves them, per front.
    let kia = [[0.20, 0.3, 0.0, 0.04, 1.0], [0.20, 0.3, 0.06, 0.9, 1.0]];
    let rtd = [[0.1, 0.05, 0.35, 0.45], [0.1, 0.5, 0.35, 0.9]];
    for front in 0..2 {
        for t in Triage::ALL {
            let rates = &flow.classic().rates(front)[t.index()];
            let km = [1.5, 1.0, 0.5][t.index()];
            let rm = [0.8, 1.0, 1.2][t.index()];
            for l in 0..5 {
                assert_eq!(rates[l].kia, f64::min(1.0, kia[front][l] * km), "front {front} {t:?} {l}");
                assert_eq!(rates[l].transit_kia, 0.3 * f64::min(1.0, kia[front][l] * km));
                if l < 4 {
                    assert_eq!(rates[l].rtd, f64::min(1.0, rtd[front][l] * rm), "front {front} {t:?} {l}");
                }
            }
        }
    }
    // A front outside the list gets the global entries only.
    assert_eq!(flow.classic().rates(7)[1][2].kia, 0.06);
    assert_eq!(flow.classic().rates(7)[1][1].rtd, 0.05);
    simulate_classic(&flow, 0, Triage::T2, &reference(kia[0], rtd[0], Triage::T2), 200);
    simulate_classic(&flow, 1, Triage::T1, &reference(kia[1], rtd[1], Triage::T1), 201);
}

// ---------------------------------------------------------------- Markov (5.5)

#[test]
fn markov_unadjusted_outcomes_match() {
    let flow = Flow::new(&cfg(FlowModel::Markov));
    for (t, exp, seed) in [(Triage::T2, [0.0500, 0.0683, 0.8817], 300), (Triage::T3, [0.0200, 0.0231, 0.9569], 301)] {
        let n = 200_000u64;
        let mut counts = [0u64; 3];
        for i in 0..n {
            let mut rec = record(
                t,
                &[conditions::BULLET_WOUND, conditions::HEMOTHORAX],
                InjuryType::BattleInjury,
                BodyPart::Head,
            );
            // Rain alone keeps V = 0.8 ≥ 0.5.
            let c = ctx(T0, false, env(&[EnvCondition::Rain]));
            flow.run(&c, &mut patient_stream(seed, i, PatientStream::Flow), &mut rec, &mut Default::default());
            counts[rec.status.index()] += 1;
            assert!(rec.timeline.iter().all(|e| e.timing != Some(Timing::DuringTransit)));
        }
        for k in 0..3 {
            // The table's figures are rounded to four decimals.
            let o = counts[k] as f64 / n as f64;
            let tol = 4.9 * (exp[k] * (1.0 - exp[k]) / n as f64).sqrt() + 0.5e-4;
            assert!((o - exp[k]).abs() <= tol, "{t:?} outcome {k}: {o} vs {}", exp[k]);
        }
    }
}

fn row(d: &Decision) -> Vec<f64> {
    adjusted_row(d).weights().to_vec()
}

#[test]
fn markov_adjustments_in_order() {
    let base = Decision {
        at: Facility::Poi,
        triage: Triage::T2,
        classes: 0,
        mass_casualty: false,
        since_injury: 0,
        degraded: false,
    };
    // Unadjusted rows are the base rows (they already sum to 1).
    assert_eq!(row(&base), vec![0.92, 0.02, 0.01, 0.05]);
    // psych at the POI raises T1's Role1 to .90; the golden hour scales KIA by 0.8.
    let d = Decision { triage: Triage::T1, classes: 8, ..base };
    let s = 0.90 + 0.03 + 0.02 + 0.10 * 0.8;
    assert_eq!(row(&d), vec![0.90 / s, 0.03 / s, 0.02 / s, 0.10 * 0.8 / s]);
    // The psych cap never lowers T2's .92.
    assert_eq!(row(&Decision { classes: 8, ..base }), vec![0.92, 0.02, 0.01, 0.05]);
    // Amputation then TBI at Role1 (T1, after the golden hour, MASCAL, degraded).
    let d = Decision {
        at: Facility::Role1,
        triage: Triage::T1,
        classes: 1 | 4,
        mass_casualty: true,
        since_injury: 3601,
        degraded: true,
    };
    let role2 = f64::min(0.90, f64::min(0.80, f64::min(0.85, 0.75 * 1.5) * 1.5) * 1.3);
    let kia = 0.08 * 1.5 * 1.4 * 1.3;
    let rtd = 0.02 * 0.3 * 0.2 * 0.8;
    let s = role2 + 0.15 + kia + rtd;
    assert_eq!(row(&d), vec![role2 / s, 0.15 / s, kia / s, rtd / s]);
    // Burn and psych at Role1 for T2: Role3 doubled (capped at .60), RTD ·0.2 then min(.75, ·1.5).
    let d = Decision { at: Facility::Role1, classes: 2 | 8, ..base };
    let rtd = f64::min(0.75, 0.25 * 0.2 * 1.5);
    let s = 0.50 + 0.40 + rtd + 0.05;
    assert_eq!(row(&d), vec![0.50 / s, 0.40 / s, rtd / s, 0.05 / s]);
    // Golden hour boundary: exactly 3600 s still counts.
    let d = Decision { at: Facility::Role4, triage: Triage::T1, since_injury: 3600, ..base };
    let s = 0.95 + 0.05 * 0.8;
    assert_eq!(row(&d), vec![0.95 / s, 0.05 * 0.8 / s]);
}

#[test]
fn markov_degraded_environment_raises_poi_kia() {
    let flow = Flow::new(&cfg(FlowModel::Markov));
    let mut kia_poi = [0u32; 2];
    for (k, e) in [EnvSet::default(), env(&[EnvCondition::Storm])].into_iter().enumerate() {
        for i in 0..50_000u64 {
            let mut rec = record(Triage::T1, &[conditions::BULLET_WOUND], InjuryType::BattleInjury, BodyPart::Torso);
            flow.run(
                &ctx(T0, false, e),
                &mut patient_stream(400, i, PatientStream::Flow),
                &mut rec,
                &mut Default::default(),
            );
            kia_poi[k] += (rec.status == Status::Kia) as u32;
        }
    }
    // POI KIA weight .08 → renormalised .08/.98 vs .104/1.024 with V = 0.3.
    within(kia_poi[0] as u64, 50_000, 0.08 / 0.98, "T1 KIA clear");
    within(kia_poi[1] as u64, 50_000, 0.104 / 1.024, "T1 KIA storm");
}

// ---------------------------------------------------------------- POI delay (5.1)

#[test]
fn poi_delay_is_drawn_right_after_the_grid() {
    let flow = Flow::new(&cfg(FlowModel::Classic));
    let markov = Flow::new(&cfg(FlowModel::Markov));
    // Storm (90) + mountainous terrain (60) = 150 min → int(0, 25) tenths.
    let e = env(&[EnvCondition::Storm, EnvCondition::MountainousTerrain]);
    let mut hist = [0u32; 26];
    for i in 0..20_000u64 {
        for fl in [&flow, &markov] {
            let mut rec = record(Triage::T3, &[conditions::COUGH], InjuryType::Disease, BodyPart::Torso);
            let stream = patient_stream(7, i, PatientStream::Flow);
            let mut f = stream.clone();
            fl.run(&ctx(T0, false, e), &mut f, &mut rec, &mut Default::default());
            let mut g = stream.clone();
            if std::ptr::eq(fl, &markov) {
                g.uniform(); // the POI decision comes first
                if rec.last_facility == Facility::Poi {
                    continue;
                }
            }
            let grid = g.grid_tenths(30, 80);
            let delay = g.int(0, 25) as u32;
            assert_eq!(rec.timeline[1].duration, grid + delay);
            hist[delay as usize] += 1;
        }
        // D < 6 (extreme heat: 0 min) draws no delay: the next draw is the KIA coin.
        let mut rec = record(Triage::T3, &[conditions::COUGH], InjuryType::Disease, BodyPart::Torso);
        let mut f = patient_stream(8, i, PatientStream::Flow);
        let mut g = f.clone();
        flow.run(&ctx(T0, false, env(&[EnvCondition::ExtremeHeat])), &mut f, &mut rec, &mut Default::default());
        assert_eq!(rec.timeline[1].duration, g.grid_tenths(30, 80));
        let died_at_poi = g.uniform() < 0.1;
        assert_eq!(died_at_poi, rec.timeline[2].kind == EventType::Kia && rec.timeline[2].facility == Facility::Poi);
    }
    assert!(hist.iter().all(|&n| n > 1000), "{hist:?}");
}

// ---------------------------------------------------------------- treatments (6.8)

fn words_consumed(before: &Xo, after: &Xo) -> usize {
    let mut b = before.clone();
    let target = after.clone().next_u64();
    (0..64).find(|_| b.next_u64() == target).expect("within 64 words")
}

#[test]
fn ortho_at_poi_with_torso_makes_p04_mandatory_and_draws_once_for_p03() {
    let rec = record(Triage::T2, &[conditions::FRACTURE_OF_RIB], InjuryType::NonBattleInjury, BodyPart::Torso);
    let mut with_p03 = 0;
    for s in 0..2000u64 {
        let start = Xo::new(s);
        let mut m = start.clone();
        let t = select_treatments(&mut m, &rec, Facility::Poi);
        assert_eq!(words_consumed(&start, &m), 1);
        let u = start.clone().uniform();
        let expected: Vec<ProcedureId> = if u < 0.3 { vec![P04, P03] } else { vec![P04] };
        assert_eq!(t.to_vec(), expected);
        with_p03 += (t.len() == 2) as u32;
    }
    assert!((500..700).contains(&with_p03), "{with_p03}");
    // With a limb, P05 is mandatory and P04, P03 draw one uniform each.
    let rec = record(Triage::T2, &[conditions::FRACTURE_OF_ANKLE], InjuryType::NonBattleInjury, BodyPart::LeftLeg);
    let start = Xo::new(1);
    let mut m = start.clone();
    let t = select_treatments(&mut m, &rec, Facility::Poi);
    assert_eq!(words_consumed(&start, &m), 2);
    assert_eq!(t[0], P05);
}

#[test]
fn probabilities_zero_and_one_still_draw() {
    // HEAD at Role1: P13 is T1 .5 / 0 — T2 draws one uniform and never applies it.
    let rec = record(Triage::T2, &[conditions::TRAUMATIC_BRAIN_INJURY], InjuryType::BattleInjury, BodyPart::Head);
    // AMP at the POI: P02 has probability 1 and is always applied.
    let amp = record(Triage::T3, &[conditions::TRAUMATIC_AMPUTATION], InjuryType::BattleInjury, BodyPart::RightArm);
    for s in 0..500u64 {
        let start = Xo::new(s);
        let mut m = start.clone();
        assert_eq!(select_treatments(&mut m, &rec, Facility::Role1).to_vec(), vec![P15]);
        assert_eq!(words_consumed(&start, &m), 1);
        let mut m = start.clone();
        let t = select_treatments(&mut m, &amp, Facility::Poi);
        assert_eq!(&t[..2], &[P01, P02]);
        assert_eq!(words_consumed(&start, &m), 2);
    }
    // Single-entry cells draw nothing.
    let rec = record(Triage::T1, &[conditions::INFLUENZA], InjuryType::Disease, BodyPart::Torso);
    let start = Xo::new(3);
    let mut m = start.clone();
    assert_eq!(select_treatments(&mut m, &rec, Facility::Poi).to_vec(), vec![P33]);
    assert_eq!(words_consumed(&start, &m), 0);
}

#[test]
fn secondary_entries_are_appended_without_draws_and_capped_at_five() {
    // HEM primary with a limb: P02 · P01ᴸ .7 · P04 .5; then ORTHO → P05, BURN → P03, ENV → P33.
    let rec = record(
        Triage::T2,
        &[conditions::BULLET_WOUND, conditions::FRACTURE_OF_BONE, conditions::BURN, conditions::FROSTBITE],
        InjuryType::BattleInjury,
        BodyPart::LeftLeg,
    );
    let mut saw_full = false;
    let mut saw_short = false;
    for s in 0..200u64 {
        let start = Xo::new(s);
        let mut g = start.clone();
        let (u1, u2) = (g.uniform(), g.uniform());
        let mut m = start.clone();
        let t = select_treatments(&mut m, &rec, Facility::Poi);
        assert_eq!(words_consumed(&start, &m), 2);
        let mut expected = vec![P02];
        if u1 < 0.7 {
            expected.push(P01);
        }
        if u2 < 0.5 {
            expected.push(P04);
        }
        expected.extend([P05, P03, P33]);
        expected.truncate(5);
        assert_eq!(t.to_vec(), expected);
        saw_full |= t.len() == 5 && !t.contains(&P33);
        saw_short |= t.contains(&P33);
    }
    assert!(saw_full && saw_short);
    // An appended entry already present is not repeated (HEAD's P03 after BURN's P03).
    let rec = record(
        Triage::T3,
        &[conditions::COUGH, conditions::BURN, conditions::TRAUMATIC_BRAIN_INJURY],
        InjuryType::Disease,
        BodyPart::Torso,
    );
    let mut m = Xo::new(9);
    assert_eq!(select_treatments(&mut m, &rec, Facility::Poi).to_vec(), vec![P33, P03]);
}

#[test]
fn visits_follow_arrivals_and_draw_treatments_then_vitals() {
    let flow = Flow::new(&cfg(FlowModel::Classic));
    let mut checked = 0;
    for i in 0..2000u64 {
        let mut rec = record(Triage::T1, &[conditions::PENETRATING_WOUND], InjuryType::BattleInjury, BodyPart::Torso);
        flow.run(
            &ctx(T0, false, EnvSet::default()),
            &mut patient_stream(9, i, PatientStream::Flow),
            &mut rec,
            &mut Default::default(),
        );
        let start = patient_stream(9, i, PatientStream::Medical);
        let mut m = start.clone();
        fill_visits(&mut m, &mut rec);
        check_visits(&rec);
        // Replay: per visit the treatment draws, then the five vitals.
        let mut g = start.clone();
        for v in &rec.visits {
            let t = select_treatments(&mut g, &rec, v.facility);
            assert_eq!(t, v.treatments);
            assert_eq!(draw_vitals(&mut g, Triage::T1, v.facility, -0.8), v.vitals[..5]);
            checked += 1;
        }
        assert_eq!(g.next_u64(), m.next_u64());
    }
    assert!(checked > 3000);
}

// ---------------------------------------------------------------- vital signs (6.9)

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}
fn cdf(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}
fn truncated_mean(mu: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
    let (a, b) = ((lo - mu) / sigma, (hi - mu) / sigma);
    mu + sigma * (phi(a) - phi(b)) / (cdf(b) - cdf(a))
}

#[test]
fn vital_means_per_level_and_triage_match_the_truncated_normal() {
    let mu0 = [75.0, 122.0, 15.0, 98.0];
    let delta = [[45.0, 20.0, 5.0], [-37.0, -12.0, 0.0], [13.0, 5.0, 1.0], [-11.0, -4.0, -1.0]];
    let sigma = [[15.0, 12.0, 10.0], [15.0, 12.0, 10.0], [5.0, 3.0, 2.0], [4.0, 2.0, 1.0]];
    let bounds = [(30.0, 200.0), (50.0, 200.0), (6.0, 50.0), (60.0, 100.0)];
    // Body temperature Δ: BI/NBI, Disease, Hypothermia.
    let temp = [[-0.8, -0.3, 0.0], [1.6, 1.0, 0.4], [-3.0, -3.0, -3.0]];
    let n = 20_000usize;
    let mut m = Xo::new(77);
    for fac in Facility::ALL {
        let level = fac.index() as f64;
        for t in Triage::ALL {
            for (kind, td) in temp.iter().enumerate() {
                let mut sums = [0i64; 5];
                for _ in 0..n {
                    let v = draw_vitals(&mut m, *t, *fac, td[t.index()]);
                    for j in 0..5 {
                        sums[j] += v[j] as i64;
                    }
                }
                let ti = t.index();
                for j in 0..4 {
                    if kind > 0 {
                        break;
                    }
                    let mu = mu0[j] + delta[j][ti] * (1.0 - 0.2 * level);
                    let exp = truncated_mean(mu, sigma[j][ti], bounds[j].0, bounds[j].1);
                    let mean = sums[j] as f64 / n as f64;
                    let tol = 4.9 * sigma[j][ti] / (n as f64).sqrt() + 0.5;
                    assert!((mean - exp).abs() <= tol, "vital {j} {fac:?} {t:?}: {mean} vs {exp}");
                }
                let mu = 36.9 + td[ti] * (1.0 - 0.2 * level);
                let exp = truncated_mean(mu, 0.4, 33.0, 41.5);
                let mean = sums[4] as f64 / n as f64 / 10.0;
                let tol = 4.9 * 0.4 / (n as f64).sqrt() + 0.05;
                assert!((mean - exp).abs() <= tol, "temperature {kind} {fac:?} {t:?}: {mean} vs {exp}");
            }
        }
    }
}

#[test]
fn temperature_follows_injury_type_and_primary_hypothermia() {
    let flow = Flow::new(&cfg(FlowModel::Classic));
    let cases = [
        (InjuryType::NonBattleInjury, vec![conditions::HYPOTHERMIA], -3.0),
        (InjuryType::NonBattleInjury, vec![conditions::FROSTBITE, conditions::HYPOTHERMIA], -0.3),
        (InjuryType::Disease, vec![conditions::INFLUENZA], 1.0),
        (InjuryType::BattleInjury, vec![conditions::BURN], -0.3),
    ];
    for (it, conds, td) in cases {
        let mut rec = record(Triage::T2, &conds, it, BodyPart::Torso);
        flow.run(
            &ctx(T0, false, EnvSet::default()),
            &mut patient_stream(1, 3, PatientStream::Flow),
            &mut rec,
            &mut Default::default(),
        );
        let start = patient_stream(1, 3, PatientStream::Medical);
        let mut m = start.clone();
        fill_visits(&mut m, &mut rec);
        let mut g = start.clone();
        let v = &rec.visits[0];
        select_treatments(&mut g, &rec, v.facility);
        assert_eq!(draw_vitals(&mut g, Triage::T2, Facility::Poi, td), v.vitals[..5], "{conds:?}");
    }
}

// ---------------------------------------------------------------- determinism

fn summary(rec: &PatientRecord) -> Vec<(EventType, Facility, i64, u32, Option<u32>)> {
    rec.timeline.iter().map(|e| (e.kind, e.facility, e.time - T0, e.duration, e.completed)).collect()
}

#[test]
fn pinned_timelines() {
    use EventType::*;
    use Facility::*;
    // Classic T2 at night (D = 20 min): replay the draws of 5.2 by hand.
    let classic = Flow::new(&cfg(FlowModel::Classic));
    let mut rec = record(Triage::T2, &[conditions::PENETRATING_WOUND], InjuryType::BattleInjury, BodyPart::LeftLeg);
    let night = ctx(T0, false, env(&[EnvCondition::NightOperations]));
    classic.run(&night, &mut patient_stream(42, 0, PatientStream::Flow), &mut rec, &mut Default::default());
    let mut g = patient_stream(42, 0, PatientStream::Flow);
    let poi = g.grid_tenths(20, 50) + g.int(0, 3) as u32;
    assert!(!g.bernoulli(0.2) && !g.bernoulli(0.3));
    let transit = g.grid_tenths(10, 30);
    assert!(!g.bernoulli(0.3 * 0.2));
    let role1 = g.grid_tenths(80, 160);
    assert!(!g.bernoulli(0.08) && g.bernoulli(0.25));
    let s = g.int(1, role1 as i64 * TENTH);
    assert_eq!((poi, transit, role1, s), (31, 29, 148, 30_800));
    assert_eq!(
        summary(&rec),
        vec![
            (Arrival, Poi, 0, 0, None),
            (EvacuationStart, Poi, 0, 31, None),
            (TransitStart, Poi, 11_160, 29, None),
            (Arrival, Role1, 21_600, 0, None),
            (EvacuationStart, Role1, 21_600, 148, None),
            (Rtd, Role1, 52_400, 0, Some(86)),
        ]
    );
    assert_eq!((rec.status, rec.last_facility), (Status::Rtd, Role1));
    // Markov T1 MASCAL amputee.
    let markov = Flow::new(&cfg(FlowModel::Markov));
    let mut rec = record(Triage::T1, &[conditions::TRAUMATIC_AMPUTATION], InjuryType::BattleInjury, BodyPart::LeftLeg);
    markov.run(
        &ctx(T0, true, EnvSet::default()),
        &mut patient_stream(42, 1, PatientStream::Flow),
        &mut rec,
        &mut Default::default(),
    );
    assert_eq!(
        summary(&rec),
        vec![
            (Arrival, Poi, 0, 0, None),
            (EvacuationStart, Poi, 0, 14, None),
            (TransitStart, Poi, 5_040, 5, None),
            (Arrival, Role1, 6_840, 0, None),
            (EvacuationStart, Role1, 6_840, 19, None),
            (TransitStart, Role1, 13_680, 8, None),
            (Arrival, Role2, 16_560, 0, None),
            (EvacuationStart, Role2, 16_560, 15, None),
            (TransitStart, Role2, 21_960, 48, None),
            (Arrival, Role4, 39_240, 0, None),
            (Rtd, Role4, 49_634, 0, None),
        ]
    );
    let nexts: Vec<Option<Facility>> = rec.timeline.iter().map(|e| e.next_facility).collect();
    assert_eq!(&nexts[1..9], &[Some(Role1), None, None, Some(Role2), None, None, Some(Role4), None]);
    assert_eq!(rec.timeline[10].facilities_visited, Some(4));
    assert_eq!((rec.status, rec.last_facility), (Status::Rtd, Role4));
}
