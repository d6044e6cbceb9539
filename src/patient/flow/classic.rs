//! The classic sequential evacuation-chain model (DOMAIN.md §5.2).

use super::{draw_poi_stay, draw_stay, push, TENTH};
use crate::civil::hrs;
use crate::config::Resolved;
use crate::data::flow_rates::{KIA_MOD, KIA_RATE, RTD_MOD, RTD_RATE, TRANSIT_DEATH_FACTOR, TRANSIT_TENTHS};
use crate::data::vocab::{Facility, Status, Triage};
use crate::patient::record::{EventType, PatientRecord, TimelineEvent, Timing};
use crate::plan::EventContext;
use crate::rng::Xo;

/// The probabilities of one (front, triage, facility) (5.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepRates {
    /// `k_F = min(1, kia_rate_F · kia_mod)`.
    pub kia: f64,
    /// `r_F = min(1, rtd_rate_F · rtd_mod)` (unused at Role 4).
    pub rtd: f64,
    /// `0.3 · k_F`, death in the transit leaving F.
    pub transit_kia: f64,
}

/// Rates of every (triage, facility).
pub type RateTable = [[StepRates; 5]; 3];

/// The classic model with its rates resolved per front (2.4 item 3).
#[derive(Clone, Debug)]
pub struct Classic {
    /// `[front]` → rates; fronts beyond the list use `global`.
    per_front: Vec<RateTable>,
    /// Rates with only the global overrides applied.
    global: RateTable,
}

/// The base `(kia_rate, rtd_rate)` of a facility for a front, after overrides: each field is the
/// front-specific entry's value if it gives one, else the global entry's, else the default.
pub fn base_rates(cfg: &Resolved, front: Option<usize>, facility: Facility) -> (f64, f64) {
    let l = facility.index();
    let mut kia = KIA_RATE[l];
    let mut rtd = RTD_RATE.get(l).copied().unwrap_or(0.0);
    let global = cfg.facility_overrides.iter().find(|o| o.facility == facility && o.front_index.is_none());
    let specific = front
        .and_then(|fi| cfg.facility_overrides.iter().find(|o| o.facility == facility && o.front_index == Some(fi)));
    for o in [global, specific].into_iter().flatten() {
        if let Some(k) = o.kia_rate {
            kia = k;
        }
        if let Some(r) = o.rtd_rate {
            rtd = r;
        }
    }
    (kia, rtd)
}

fn table(cfg: &Resolved, front: Option<usize>) -> RateTable {
    let mut t = [[StepRates { kia: 0.0, rtd: 0.0, transit_kia: 0.0 }; 5]; 3];
    for tri in Triage::ALL {
        for fac in Facility::ALL {
            let (kia_rate, rtd_rate) = base_rates(cfg, front, *fac);
            let kia = f64::min(1.0, kia_rate * KIA_MOD[tri.index()]);
            let rtd = f64::min(1.0, rtd_rate * RTD_MOD[tri.index()]);
            t[tri.index()][fac.index()] = StepRates { kia, rtd, transit_kia: TRANSIT_DEATH_FACTOR * kia };
        }
    }
    t
}

impl Classic {
    /// Resolves the rates of every front, triage and facility.
    pub fn new(cfg: &Resolved) -> Self {
        Classic { per_front: (0..cfg.fronts.len()).map(|f| table(cfg, Some(f))).collect(), global: table(cfg, None) }
    }

    /// The rates for a patient of front `front` (index into the configuration's fronts).
    #[inline]
    pub fn rates(&self, front: usize) -> &RateTable {
        self.per_front.get(front).unwrap_or(&self.global)
    }

    /// Walks the chain POI → Role 4 (5.2).
    pub fn run(&self, ctx: &EventContext, f: &mut Xo, rec: &mut PatientRecord) {
        let triage = rec.triage;
        let rates = &self.rates(rec.front as usize)[triage.index()];
        let t0 = ctx.injury_time;
        let mut t = t0;
        for fac in Facility::ALL.iter().copied() {
            let r = rates[fac.index()];
            push(rec, TimelineEvent::new(EventType::Arrival, fac, t, t0));
            let e = if fac == Facility::Poi {
                draw_poi_stay(f, triage, ctx.environment)
            } else {
                draw_stay(f, fac, triage)
            };
            let mut ev = TimelineEvent::new(EventType::EvacuationStart, fac, t, t0);
            ev.duration = e;
            push(rec, ev);
            let e_s = e as i64 * TENTH;
            if f.bernoulli(r.kia) {
                let s = f.int(1, e_s);
                terminal(rec, EventType::Kia, fac, t + s, t0, Timing::DuringEvacuation, hrs(s));
                return;
            }
            let next = match fac.next() {
                Some(n) => n,
                None => {
                    // Role 4: automatic RTD at the end of the stay.
                    terminal(rec, EventType::Rtd, fac, t + e_s, t0, Timing::AutoRole4, e);
                    return;
                }
            };
            if f.bernoulli(r.rtd) {
                let s = f.int(1, e_s);
                terminal(rec, EventType::Rtd, fac, t + s, t0, Timing::DuringEvacuation, hrs(s));
                return;
            }
            t += e_s;
            let (lo, hi) = TRANSIT_TENTHS[fac.index().min(3)][triage.index()];
            let tr = f.grid_tenths(lo, hi);
            let mut ev = TimelineEvent::new(EventType::TransitStart, fac, t, t0);
            ev.to_facility = Some(next);
            ev.duration = tr;
            push(rec, ev);
            let tr_s = tr as i64 * TENTH;
            if f.bernoulli(r.transit_kia) {
                let s = f.int(1, tr_s);
                terminal(rec, EventType::Kia, fac, t + s, t0, Timing::DuringTransit, hrs(s));
                if let Some(last) = rec.timeline.last_mut() {
                    last.to_facility = Some(next);
                }
                return;
            }
            t += tr_s;
        }
    }
}

/// Appends the terminal event and sets the status (5.7).
fn terminal(rec: &mut PatientRecord, kind: EventType, fac: Facility, time: i64, t0: i64, timing: Timing, done: u32) {
    let mut ev = TimelineEvent::new(kind, fac, time, t0);
    ev.timing = Some(timing);
    ev.completed = Some(done);
    push(rec, ev);
    rec.status = match kind {
        EventType::Kia if fac == Facility::Poi => Status::Kia,
        EventType::Kia => Status::Dow,
        _ => Status::Rtd,
    };
}
