//! Stream M: treatments (protocols) and vital signs per visit.
//!
//! Visits are the timeline's arrivals in order. Per visit, the treatment selection comes first,
//! then the five vital signs; nothing else reads stream M (docs/GENERATION.md#streams).

use arrayvec::ArrayVec;

use crate::data::conditions::HYPOTHERMIA;
use crate::data::procedures::ProcedureId;
use crate::data::protocols::{cell, Entry};
use crate::data::vitals::{
    mean, BODY_TEMPERATURE, TEMPERATURE_DELTA_DISEASE, TEMPERATURE_DELTA_HYPOTHERMIA, VITAL_SPECS,
};
use crate::data::vocab::{BodyPart, Facility, InjuryType, Triage};
use crate::patient::record::{EventType, PatientRecord, Visit, MAX_TREATMENTS};
use crate::rng::{round_half_away, Xo};

/// Builds `rec.visits` from the timeline's arrivals, drawing treatments then vitals per visit.
pub fn fill_visits(m: &mut Xo, rec: &mut PatientRecord) {
    rec.visits.clear();
    let temp_delta = temperature_delta(rec);
    for i in 0..rec.timeline.len() {
        let ev = rec.timeline[i];
        if ev.kind != EventType::Arrival {
            continue;
        }
        let treatments = select_treatments(m, rec, ev.facility);
        let v = draw_vitals(m, rec.triage, ev.facility, temp_delta);
        let vitals = [v[0], v[1], v[2], v[3], v[4], 0, 0];
        let _ = rec.visits.try_push(Visit { facility: ev.facility, date: ev.time, treatments, vitals, n_vitals: 5 });
    }
}

/// The first eligible entry of a cell.
#[inline]
fn first_eligible(entries: &[Entry], body_part: BodyPart) -> Option<&Entry> {
    entries.iter().find(|e| e.qualifier.holds(body_part))
}

/// The treatments of one visit: the primary condition's cell, then the first eligible entry
/// of each secondary condition's cell when not yet present, at most five.
pub fn select_treatments(m: &mut Xo, rec: &PatientRecord, at: Facility) -> ArrayVec<ProcedureId, MAX_TREATMENTS> {
    let mut out = ArrayVec::new();
    let Some((primary, secondaries)) = rec.conditions.split_first() else {
        return out;
    };
    let mut first = true;
    for e in cell(primary.info().group, at) {
        if !e.qualifier.holds(rec.body_part) {
            continue;
        }
        if first {
            first = false;
            let _ = out.try_push(e.procedure);
        } else if m.bernoulli(e.prob.for_triage(rec.triage)) {
            let _ = out.try_push(e.procedure);
        }
    }
    for c in secondaries {
        if let Some(e) = first_eligible(cell(c.info().group, at), rec.body_part) {
            if !out.contains(&e.procedure) {
                let _ = out.try_push(e.procedure);
            }
        }
    }
    out
}

/// Body-temperature Δ for the patient's triage: Hypothermia as primary, else by injury type.
fn temperature_delta(rec: &PatientRecord) -> f64 {
    if rec.conditions.first() == Some(&HYPOTHERMIA) {
        TEMPERATURE_DELTA_HYPOTHERMIA
    } else if rec.injury_type == InjuryType::Disease {
        TEMPERATURE_DELTA_DISEASE[rec.triage.index()]
    } else {
        VITAL_SPECS[BODY_TEMPERATURE].delta[rec.triage.index()]
    }
}

/// The five vital signs of a visit: integers, body temperature in tenths of a degree.
pub fn draw_vitals(m: &mut Xo, triage: Triage, at: Facility, temp_delta: f64) -> [i32; 5] {
    let mut v = [0i32; 5];
    let t = triage.index();
    for (j, (out, spec)) in v.iter_mut().zip(VITAL_SPECS.iter()).enumerate() {
        let delta = if j == BODY_TEMPERATURE { temp_delta } else { spec.delta[t] };
        let x = m.truncnormal(mean(spec.mu0, delta, at.index()), spec.sigma[t], spec.lo, spec.hi);
        *out = if j == BODY_TEMPERATURE { round_half_away(x * 10.0) } else { round_half_away(x) } as i32;
    }
    v
}
