//! Evacuation and outcome under the clinical model (stream F; docs/MODEL.md §4–§5).
//!
//! The route follows the care the casualty needs and the MEDEVAC precedence; the times follow the
//! scenario's `evacuation_capability`. The outcome follows from the physiology: a life threat kills
//! at its (blood-slowed) time to death unless what stops it — first aid, surgery, neurosurgery —
//! comes first; a survivor of the acute phase may still die later, more often when surgery was late.

use super::{death_time, lognormal, Physiology, Stop};
use crate::data::vocab::{EvacuationCapability, Facility, InjuryType, Priority, Status};
use crate::patient::flow::TENTH;
use crate::patient::record::{EventType, PatientRecord, TimelineEvent, Timing};
use crate::plan::EventContext;
use crate::rng::Xo;

/// Times of one evacuation capability, in minutes unless named otherwise (docs/MODEL.md §5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capability {
    /// Injury to first aid (median, σ of a log-normal).
    pub first_aid: (f64, f64),
    /// Time at the point of injury by precedence: urgent, priority, routine (median, σ).
    pub poi: [(f64, f64); 3],
    /// Share of urgent casualties lifted by helicopter.
    pub air: f64,
    /// Share of those flown past Role 1 straight to surgery.
    pub bypass: f64,
    /// Helicopter leg (uniform range).
    pub air_leg: (f64, f64),
    /// Ground leg from the point of injury to Role 1.
    pub ground_leg: (f64, f64),
    /// Urgent stay at Role 1 before onward evacuation (damage-control resuscitation).
    pub role1_urgent: (f64, f64),
    /// Hold at Role 1 before evacuation to surgery (prolonged field care), if any.
    pub hold: Option<(f64, f64)>,
    /// Role 1 to Role 2.
    pub role1_role2: (f64, f64),
    /// Role 2 to Role 3.
    pub role2_role3: (f64, f64),
    /// Arrival at Role 4, hours after injury.
    pub strategic_hours: (f64, f64),
    /// Share of the environment's evacuation delay (night, weather; DOMAIN §3.1.5) that applies:
    /// helicopters with night-vision and all-weather equipment lose less of it (assumption).
    pub environment_delay: f64,
}

/// Modern: rotary-wing MEDEVAC under the 60-minute policy (Kotwal et al. 2016: median transport
/// 43 min, about 75 % of casualties at a facility within 60 min; prehospital blood on board).
pub const MODERN: Capability = Capability {
    first_aid: (4.0, 0.5),
    poi: [(12.0, 0.35), (45.0, 0.4), (90.0, 0.5)],
    air: 0.9,
    bypass: 0.7,
    air_leg: (8.0, 20.0),
    ground_leg: (15.0, 45.0),
    role1_urgent: (20.0, 45.0),
    hold: None,
    role1_role2: (20.0, 40.0),
    role2_role3: (45.0, 120.0),
    strategic_hours: (24.0, 72.0),
    environment_delay: 0.5,
};

/// Contested: ground evacuation, helicopters rarely available (assumption: pre-2009 Afghanistan
/// times, Kotwal 2016: median 90 min, about 25 % within 60 min).
pub const CONTESTED: Capability = Capability {
    first_aid: (6.0, 0.5),
    poi: [(40.0, 0.45), (75.0, 0.5), (150.0, 0.5)],
    air: 0.3,
    bypass: 0.5,
    air_leg: (15.0, 35.0),
    ground_leg: (30.0, 60.0),
    role1_urgent: (30.0, 60.0),
    hold: None,
    role1_role2: (45.0, 90.0),
    role2_role3: (120.0, 360.0),
    strategic_hours: (48.0, 120.0),
    environment_delay: 1.0,
};

/// Prolonged field care: no helicopters, slow ground moves, holds of 24–72 h at Role 1 before
/// evacuation to surgery (assumption after the prolonged-field-care definition of Keenan 2015).
pub const PROLONGED: Capability = Capability {
    first_aid: (8.0, 0.5),
    poi: [(90.0, 0.5), (150.0, 0.5), (300.0, 0.5)],
    air: 0.0,
    bypass: 0.0,
    air_leg: (15.0, 40.0),
    ground_leg: (60.0, 180.0),
    role1_urgent: (30.0, 90.0),
    hold: Some((1440.0, 4320.0)),
    role1_role2: (90.0, 240.0),
    role2_role3: (240.0, 720.0),
    strategic_hours: (96.0, 240.0),
    environment_delay: 1.0,
};

/// The times of a capability.
pub fn capability(c: EvacuationCapability) -> &'static Capability {
    match c {
        EvacuationCapability::Modern => &MODERN,
        EvacuationCapability::Contested => &CONTESTED,
        EvacuationCapability::Prolonged => &PROLONGED,
    }
}

/// Probability that first aid stops its threat (tourniquet, needle decompression, autoinjector):
/// assumption, docs/MODEL.md §4.
pub const FIRST_AID_SUCCESS: f64 = 0.8;
/// Minutes from arrival at a surgical facility to the start of surgery (assumption).
pub const SURGERY_DELAY: (f64, f64) = (10.0, 40.0);
/// Factor on the time at the point of injury in a mass-casualty event (assumption).
pub const MASCAL_DELAY: f64 = 1.25;
/// Minutes from first aid to the first recorded vital signs at the point of injury (assumption:
/// measured after haemorrhage control, airway and breathing).
pub const POI_OBSERVATION: (f64, f64) = (5.0, 15.0);
/// Share of minor casualties (ISS ≤ 2, T3) returned to duty by the unit medic at the point of injury.
pub const POI_RTD: f64 = 0.15;
/// Time-to-surgery penalty on the late risk: `1 + 0.25 per hour beyond 2 h`, at most ×4
/// (assumption representing the 10-1-2 surgical deadline).
pub const LATE_DELAY_PER_HOUR: f64 = 0.25;

/// One stop of the planned route.
#[derive(Clone, Copy, Debug)]
struct Stop1 {
    facility: Facility,
    arrive: f64,
    stay: f64,
}

/// How the route ends if nobody dies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Rtd,
    Remains,
}

/// A planned route.
#[derive(Clone, Copy, Debug)]
struct Route {
    stops: [Stop1; 5],
    len: usize,
    end: End,
}

impl Route {
    fn new() -> Self {
        Route { stops: [Stop1 { facility: Facility::Poi, arrive: 0.0, stay: 0.0 }; 5], len: 0, end: End::Rtd }
    }
    /// Adds a stop after a leg of `leg` minutes (0 for the first stop).
    fn go(&mut self, facility: Facility, leg: f64, stay: f64) {
        let arrive = match self.len {
            0 => 0.0,
            n => self.stops[n - 1].arrive + self.stops[n - 1].stay + whole(leg),
        };
        if self.len < 5 {
            self.stops[self.len] = Stop1 { facility, arrive, stay: whole(stay) };
            self.len += 1;
        }
    }
    fn first_arrival(&self, pred: impl Fn(Facility) -> bool) -> f64 {
        self.stops[..self.len].iter().find(|s| pred(s.facility)).map_or(f64::INFINITY, |s| s.arrive)
    }
    fn end_time(&self) -> f64 {
        self.stops[..self.len].last().map_or(0.0, |s| s.arrive + s.stay)
    }
}

/// Minutes rounded up to whole tenths of an hour (at least one), so that every planned time is a
/// whole number of tenths and the timeline adds up exactly.
fn whole(min: f64) -> f64 {
    (libm::ceil(min.max(0.0) / 6.0)).max(1.0) * 6.0
}

fn range(f: &mut Xo, (lo, hi): (f64, f64)) -> f64 {
    lo + (hi - lo) * f.uniform()
}

/// The care level a casualty needs: 1 Role 1, 2 surgery, 3 specialist care in theatre, 4 strategic
/// evacuation.
fn level(p: &Physiology, iss: u8, f: &mut Xo) -> u8 {
    if iss >= 16 || p.amputation || p.burn_ais >= 3 || p.head_ais >= 4 || p.radiation >= 4 {
        4
    } else if p.needs_neurosurgery || iss >= 9 || p.nerve >= 4 || p.choking >= 4 || p.radiation >= 3 {
        if f.bernoulli(0.5) {
            4
        } else {
            3
        }
    } else if p.needs_surgery || iss >= 4 || p.nerve >= 3 || p.choking >= 3 || p.blister >= 3 || p.burn_ais >= 2 {
        2
    } else {
        1
    }
}

/// Builds the timeline and the outcome into `rec`, and the care times into `phys`.
pub fn run(ctx: &EventContext, f: &mut Xo, rec: &mut PatientRecord, phys: &mut Physiology, cap: EvacuationCapability) {
    let c = capability(cap);
    let cf = rec.clinical.unwrap_or_default();
    let iss = cf.iss;
    let disease = rec.injury_type == InjuryType::Disease;
    let battle = rec.injury_type == InjuryType::BattleInjury;
    let mut route = Route::new();
    let mut by_air = false;
    let pi = match cf.priority {
        Priority::Urgent | Priority::UrgentSurgical => 0,
        Priority::Priority => 1,
        Priority::Routine => 2,
    };

    if disease {
        // Illness presents at Role 1 sick call.
        phys.t_first_aid = 0.0;
        match phys.illness {
            3 => {
                route.go(Facility::Role1, 0.0, range(f, (60.0, 240.0)));
                route.go(Facility::Role2, range(f, c.role1_role2), range(f, (360.0, 1440.0)));
                route.go(Facility::Role3, range(f, c.role2_role3), range(f, (3.0 * 1440.0, 10.0 * 1440.0)));
                if f.bernoulli(0.4) {
                    route.go(Facility::Role4, range(f, (480.0, 720.0)), range(f, (14.0 * 1440.0, 30.0 * 1440.0)));
                }
            }
            2 => {
                route.go(Facility::Role1, 0.0, range(f, (120.0, 480.0)));
                route.go(Facility::Role2, range(f, c.role1_role2), range(f, (2.0 * 1440.0, 5.0 * 1440.0)));
            }
            _ => route.go(Facility::Role1, 0.0, range(f, (720.0, 4320.0))),
        }
    } else {
        phys.t_first_aid = lognormal(f, c.first_aid.0, c.first_aid.1);
        phys.t_observe = phys.t_first_aid + range(f, POI_OBSERVATION);
        let lvl = level(phys, iss, f);
        let (m, s) = c.poi[pi];
        let mut poi =
            lognormal(f, m, s).max(phys.t_observe + 1.0) + c.environment_delay * ctx.environment.delay_minutes() as f64;
        if ctx.mass_casualty {
            // Many casualties at once: collection and triage take longer (assumption).
            poi *= MASCAL_DELAY;
        }
        if lvl == 1 && iss <= 2 && rec.triage == crate::data::vocab::Triage::T3 && f.bernoulli(POI_RTD) {
            // Minor trauma treated and returned by the unit medic.
            route.go(Facility::Poi, 0.0, range(f, (30.0, 120.0)).max(phys.t_observe + 1.0));
        } else {
            route.go(Facility::Poi, 0.0, poi);
            by_air = pi == 0 && f.bernoulli(c.air);
            let bypass = by_air && lvl >= 2 && f.bernoulli(c.bypass);
            if !bypass {
                let leg = if by_air { range(f, c.air_leg) } else { range(f, c.ground_leg) };
                let stay = match (lvl, pi) {
                    (1, _) => range(f, (360.0, 2880.0)),
                    (_, 0) => range(f, c.role1_urgent),
                    (_, 1) => range(f, (60.0, 180.0)),
                    _ => range(f, (120.0, 480.0)),
                } + match c.hold {
                    Some(h) if lvl >= 2 => range(f, h),
                    _ => 0.0,
                };
                route.go(Facility::Role1, leg, stay);
            }
            if lvl >= 2 {
                let leg = if bypass {
                    range(f, c.air_leg)
                } else if by_air {
                    range(f, (20.0, 40.0))
                } else {
                    range(f, c.role1_role2)
                };
                let stay = if lvl == 2 {
                    range(f, (2.0 * 1440.0, 5.0 * 1440.0))
                } else if phys.needs_neurosurgery {
                    // Stabilised and moved on to the neurosurgeon at Role 3.
                    range(f, (60.0, 180.0))
                } else if pi == 0 {
                    range(f, (240.0, 1440.0))
                } else {
                    range(f, (720.0, 2880.0))
                };
                route.go(Facility::Role2, leg, stay);
            }
            if lvl >= 3 {
                let leg = range(f, c.role2_role3);
                let stay = if lvl == 3 {
                    range(f, (3.0 * 1440.0, 14.0 * 1440.0))
                } else {
                    // Leave so as to reach Role 4 inside the strategic window, after at least 6 h.
                    let arrive3 = route.end_time() + leg;
                    let flight = range(f, (480.0, 720.0));
                    let target = range(f, c.strategic_hours) * 60.0;
                    (target - flight - arrive3).max(360.0)
                };
                route.go(Facility::Role3, leg, stay);
            }
            if lvl >= 4 {
                let leg = range(f, (480.0, 720.0));
                let days = (14.0 + iss as f64).min(90.0);
                route.go(Facility::Role4, leg, range(f, (days * 0.7, days * 1.3)) * 1440.0);
                let unfit =
                    phys.amputation || phys.head_ais >= 4 || phys.burn_ais >= 4 || iss >= 25 || phys.radiation >= 4;
                route.end = if unfit { End::Remains } else { End::Rtd };
            }
        }
    }

    // Care times.
    let first_mtf = route.first_arrival(|x| x != Facility::Poi);
    let first_surgical = route.first_arrival(|x| matches!(x, Facility::Role2 | Facility::Role3));
    let first_role3 = route.first_arrival(|x| x == Facility::Role3);
    let pickup = route.stops[0].stay;
    phys.t_blood = if by_air && cap == EvacuationCapability::Modern { pickup } else { first_mtf };
    phys.first_aid_ok = f.bernoulli(FIRST_AID_SUCCESS);
    let surgery = first_surgical + range(f, SURGERY_DELAY);
    phys.t_control = match phys.stop {
        Stop::FirstAid if phys.first_aid_ok => phys.t_first_aid,
        Stop::FirstAid => first_mtf + 10.0,
        Stop::Surgery => surgery,
        Stop::Neurosurgery => first_role3 + 60.0,
        Stop::Nothing | Stop::Unsalvageable => f64::INFINITY,
    };

    // Outcome.
    let mut dead = f64::INFINITY;
    if phys.t_death.is_finite() {
        let td = death_time(phys);
        if td < phys.t_control {
            dead = td;
        }
    }
    let late = f.uniform();
    let late_at = lognormal(f, 2160.0, 1.0);
    if dead.is_infinite() && phys.late_risk > 0.0 {
        let mut risk = phys.late_risk;
        if phys.needs_surgery && surgery.is_finite() {
            let h = (surgery / 60.0 - 2.0).max(0.0);
            risk *= (1.0 + LATE_DELAY_PER_HOUR * h).min(4.0);
        } else if phys.needs_surgery {
            risk *= 4.0;
        }
        if late < risk.min(1.0) {
            let from = if first_surgical.is_finite() { surgery } else { first_mtf.min(route.end_time()) };
            let from = if from.is_finite() { from } else { 0.0 };
            dead = (from + 60.0 + late_at).min(route.end_time() - 1.0).max(1.0);
        }
    }
    if phys.stop == Stop::Unsalvageable && dead.is_infinite() {
        dead = phys.t_death;
    }
    phys.t_dead = dead;

    write_timeline(ctx, rec, &route, dead, battle, first_mtf);
}

/// Writes the planned route into the timeline, cut at the death time.
fn write_timeline(ctx: &EventContext, rec: &mut PatientRecord, route: &Route, dead: f64, battle: bool, first_mtf: f64) {
    let t0 = ctx.injury_time;
    let secs = |m: f64| t0 + libm::round(m * 60.0) as i64;
    rec.timeline.clear();
    let death_status = if !battle {
        Status::Nbd
    } else if dead < first_mtf {
        Status::Kia
    } else {
        Status::Dow
    };
    for (k, s) in route.stops[..route.len].iter().enumerate() {
        let arrive = secs(s.arrive);
        push(rec, TimelineEvent::new(EventType::Arrival, s.facility, arrive, t0));
        let mut ev = TimelineEvent::new(EventType::EvacuationStart, s.facility, arrive, t0);
        let stay = (s.stay / 6.0) as u32;
        ev.duration = stay;
        push(rec, ev);
        let depart = s.arrive + s.stay;
        if dead < depart {
            let at = secs(dead).max(arrive + 1).max(t0 + 1);
            terminal(rec, EventType::Kia, s.facility, at, t0, Timing::DuringEvacuation, crate::civil::hrs(at - arrive));
            rec.status = death_status;
            return;
        }
        let Some(next) = route.stops.get(k + 1).filter(|_| k + 1 < route.len) else {
            let at = arrive + stay as i64 * TENTH;
            match route.end {
                End::Remains if s.facility == Facility::Role4 => {
                    push(rec, TimelineEvent::new(EventType::RemainsRole4, s.facility, at, t0));
                    rec.status = Status::RemainsRole4;
                }
                _ => {
                    let timing =
                        if s.facility == Facility::Role4 { Timing::AutoRole4 } else { Timing::DuringEvacuation };
                    terminal(rec, EventType::Rtd, s.facility, at, t0, timing, stay);
                    rec.status = Status::Rtd;
                }
            }
            return;
        };
        let leave = arrive + stay as i64 * TENTH;
        let mut ev = TimelineEvent::new(EventType::TransitStart, s.facility, leave, t0);
        ev.to_facility = Some(next.facility);
        let leg = ((next.arrive - depart) / 6.0).round().max(0.0) as u32;
        ev.duration = leg;
        push(rec, ev);
        if dead < next.arrive {
            let at = secs(dead).max(leave + 1);
            terminal(rec, EventType::Kia, s.facility, at, t0, Timing::DuringTransit, crate::civil::hrs(at - leave));
            if let Some(last) = rec.timeline.last_mut() {
                last.to_facility = Some(next.facility);
            }
            rec.status = death_status;
            return;
        }
    }
}

fn push(rec: &mut PatientRecord, ev: TimelineEvent) {
    let _ = rec.timeline.try_push(ev);
}

fn terminal(rec: &mut PatientRecord, kind: EventType, fac: Facility, time: i64, t0: i64, timing: Timing, done: u32) {
    let mut ev = TimelineEvent::new(kind, fac, time, t0);
    ev.timing = Some(timing);
    ev.completed = Some(done);
    push(rec, ev);
}
