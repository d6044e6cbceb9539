//! Treatments and vital signs under the clinical model (stream M; docs/MODEL.md §6).
//!
//! Each visit records what the facility can do for the casualty's conditions and physiology
//! (TCCC MARCH at the point of injury and Role 1, damage-control surgery from Role 2, neurosurgery
//! at Role 3, burn unit and rehabilitation at Role 4), and the seven vital signs measured a few
//! minutes after arrival, from the physiology at that time. The dead have no vital signs.

use arrayvec::ArrayVec;

use super::{expected_vitals, Bleed, Physiology};
use crate::data::conditions::{self as c, Group};
use crate::data::procedures::*;
use crate::data::vocab::{Facility, InjuryType};
use crate::patient::record::{EventType, PatientRecord, Visit, DIASTOLIC, GCS, MAX_TREATMENTS};
use crate::rng::{round_half_away, Xo};

/// Builds `rec.visits` from the timeline's arrivals.
pub fn fill_visits(m: &mut Xo, rec: &mut PatientRecord, phys: &Physiology) {
    rec.visits.clear();
    let t0 = rec.context.injury_time;
    for i in 0..rec.timeline.len() {
        let ev = rec.timeline[i];
        if ev.kind != EventType::Arrival {
            continue;
        }
        let arrive = (ev.time - t0) as f64 / 60.0;
        let at = if ev.facility == Facility::Poi && rec.injury_type != InjuryType::Disease {
            phys.t_observe
        } else {
            arrive + 5.0
        };
        let mut visit =
            Visit { facility: ev.facility, date: ev.time, treatments: ArrayVec::new(), vitals: [0; 7], n_vitals: 0 };
        if at < phys.t_dead {
            let expected = expected_vitals(phys, at);
            visit.treatments = treatments(rec, phys, ev.facility, at, &expected);
            visit.vitals = vitals(m, rec, phys, at, &expected);
            visit.n_vitals = 7;
        }
        let _ = rec.visits.try_push(visit);
    }
}

/// The seven vital signs at `t` minutes: heart rate, systolic pressure, respiratory rate, SpO2,
/// temperature (tenths), diastolic pressure, GCS.
/// `e` is [`expected_vitals`] at `t`.
fn vitals(m: &mut Xo, rec: &PatientRecord, p: &Physiology, t: f64, e: &[f64; 5]) -> [i32; 7] {
    let bl = p.blood_loss(t);
    let hr = m.truncnormal(e[0], 6.0, 30.0, 220.0);
    let sbp = m.truncnormal(e[1], 7.0, 40.0, 200.0);
    let rr = m.truncnormal(e[2], 2.0, 4.0, 60.0);
    let spo2 = m.truncnormal(e[3], 1.0, 50.0, 100.0);
    let mut temp = 36.8;
    if bl > 0.3 && t < p.t_control {
        temp -= 0.8;
    }
    if p.fever {
        temp += 1.0 + 0.5 * p.illness as f64;
    }
    match rec.conditions.first() {
        Some(&c::HYPOTHERMIA) => temp = 34.0,
        Some(&c::DEHYDRATION) => temp += 0.4,
        _ => {}
    }
    let temp = m.truncnormal(temp, 0.25, 30.0, 42.0);
    let dbp_mean = (78.0 - 200.0 * (bl - 0.2).max(0.0)).min(sbp - 15.0);
    let dbp = m.truncnormal(dbp_mean, 5.0, 20.0, 130.0).min(sbp - 10.0);
    // A fully alert casualty scores 15: the assessment noise applies only below that.
    let noise = m.normal(0.0, 0.5);
    let gcs = if e[4] >= 15.0 { 15.0 } else { (e[4] + noise).clamp(3.0, 14.0) };
    let mut v = [0i32; 7];
    v[0] = round_half_away(hr) as i32;
    v[1] = round_half_away(sbp) as i32;
    v[2] = round_half_away(rr) as i32;
    v[3] = round_half_away(spo2) as i32;
    v[4] = round_half_away(temp * 10.0) as i32;
    v[DIASTOLIC] = round_half_away(dbp.max(10.0)) as i32;
    v[GCS] = round_half_away(gcs) as i32;
    v
}

fn add(out: &mut ArrayVec<ProcedureId, MAX_TREATMENTS>, p: ProcedureId) {
    if !out.contains(&p) {
        let _ = out.try_push(p);
    }
}

/// What the facility does at `t` minutes for this casualty (docs/MODEL.md §6); `e` is
/// [`expected_vitals`] at `t`.
fn treatments(
    rec: &PatientRecord,
    p: &Physiology,
    at: Facility,
    t: f64,
    e: &[f64; 5],
) -> ArrayVec<ProcedureId, MAX_TREATMENTS> {
    let mut out = ArrayVec::new();
    let o = &mut out;
    let bl = p.blood_loss(t);
    let groups = rec.conditions.iter().fold(0u32, |g, c| g | 1 << c.info().group as u32);
    let has = |g: Group| groups & (1 << g as u32) != 0;
    let wound = has(Group::Hem) || has(Group::Amp) || rec.conditions.contains(&c::OPEN_FRACTURE);
    let limb_fracture = rec.conditions.iter().any(|c| c.info().group == Group::Ortho) && rec.body_part.is_limb();
    if rec.injury_type == InjuryType::Disease {
        return illness(rec, p, at);
    }
    match at {
        Facility::Poi => {
            // TCCC MARCH: massive haemorrhage, airway, respiration, circulation, hypothermia.
            // A tourniquet for life-threatening limb haemorrhage (AIS ≥ 3), a haemostatic agent
            // where none fits (junctional), a pressure dressing otherwise.
            if p.bleed_ais >= 3 && p.bleed == Bleed::Compressible {
                add(o, P01);
            } else if p.bleed_ais >= 3 && rec.body_part.is_limb() {
                add(o, P38);
            } else if wound {
                add(o, P02);
            }
            if p.chest_ais >= 3 && wound {
                add(o, P39);
            }
            if p.chest_ais >= 4 {
                add(o, P34);
            }
            if p.nerve >= 2 {
                add(o, P18);
            }
            if p.burn_ais >= 1 {
                add(o, P03);
            }
            if (limb_fracture || p.amputation) && o.len() < 3 {
                add(o, P05);
            }
            if bl >= 0.15 || rec.clinical.is_some_and(|cf| cf.iss >= 9) {
                add(o, P36);
            }
            if p.max_ais >= 2 && e[4] > 12.0 {
                add(o, P04);
            }
            if o.is_empty() {
                add(o, if limb_fracture || has(Group::Ortho) { P05 } else { P03 });
            }
        }
        Facility::Role1 => {
            if bl >= 0.25 {
                add(o, P37);
                add(o, P35);
            } else if p.max_ais >= 2 || p.burn_ais >= 2 || p.nerve >= 2 {
                add(o, P07);
            }
            if p.chest_ais >= 4 {
                add(o, P12);
            } else if p.chest_ais >= 3 || p.choking >= 2 || p.nerve >= 3 {
                add(o, P15);
            }
            if e[4] <= 8.0 {
                add(o, P13);
            }
            if p.nerve >= 2 {
                add(o, P18);
            }
            if wound {
                add(o, P16);
                add(o, P20);
            }
            if p.burn_ais >= 2 {
                add(o, P22);
            }
            if o.is_empty() {
                if limb_fracture {
                    add(o, P06);
                } else if has(Group::Soft) {
                    add(o, P19);
                } else if has(Group::Psy) {
                    add(o, P32);
                } else if has(Group::Env) {
                    add(o, P07);
                } else {
                    add(o, P21);
                }
                add(o, P04);
            }
        }
        Facility::Role2 => {
            if p.needs_surgery {
                // Laparotomy for a serious abdominal injury (AIS ≥ 3), other damage control otherwise.
                let abdomen = rec.clinical.is_some_and(|cf| {
                    cf.region[..rec.conditions.len()]
                        .iter()
                        .zip(&cf.ais)
                        .any(|(&r, &a)| r == crate::data::vocab::IssRegion::Abdomen && a >= 3)
                });
                if abdomen {
                    add(o, P10);
                } else {
                    add(o, P09);
                }
            }
            if bl >= 0.2 {
                add(o, P08);
            }
            if p.chest_ais >= 3 {
                add(o, P12);
            }
            if p.amputation || wound {
                add(o, P11);
            }
            if limb_fracture {
                add(o, P28);
            }
            if p.burn_ais >= 2 {
                add(o, P22);
            }
            if rec.clinical.is_some_and(|cf| cf.iss >= 16) || p.choking >= 3 || p.nerve >= 4 {
                add(o, P24);
            }
            if o.is_empty() {
                add(o, P21);
                add(o, P17);
            }
        }
        Facility::Role3 => {
            if p.needs_neurosurgery {
                add(o, P27);
                add(o, P25);
            }
            if rec.clinical.is_some_and(|cf| cf.iss >= 16) || p.choking >= 3 {
                add(o, P24);
            }
            if wound || p.amputation {
                add(o, P11);
                add(o, P17);
            }
            if limb_fracture || p.amputation {
                add(o, P26);
            }
            if p.burn_ais >= 2 {
                add(o, P22);
            }
            if o.is_empty() {
                add(o, P21);
            }
        }
        Facility::Role4 => {
            if p.burn_ais >= 3 {
                add(o, P23);
            }
            if p.head_ais >= 3 {
                add(o, P31);
            }
            if limb_fracture || p.amputation {
                add(o, P26);
                add(o, P29);
            }
            add(o, P30);
        }
    }
    out
}

/// Treatments of an illness.
fn illness(rec: &PatientRecord, p: &Physiology, at: Facility) -> ArrayVec<ProcedureId, MAX_TREATMENTS> {
    let mut out = ArrayVec::new();
    let o = &mut out;
    let g = rec.conditions.first().map_or(Group::Viral, |c| c.info().group);
    let serious = at >= Facility::Role2 || p.illness >= 2;
    match g {
        Group::Inf => add(o, if serious { P17 } else { P16 }),
        Group::Gi => {
            if serious {
                add(o, P07);
            }
            add(o, P18);
        }
        Group::Psy => add(o, P32),
        Group::CardioResp => {
            add(o, P15);
            add(o, P18);
        }
        _ => add(o, P18),
    }
    if p.illness >= 3 && at >= Facility::Role2 {
        add(o, P07);
        add(o, P24);
    }
    if at == Facility::Role1 && p.illness == 1 {
        add(o, P33);
    }
    out
}
