//! The Markov routing model (DOMAIN.md §5.5).

use super::{draw_poi_stay, draw_stay, push, TENTH};
use crate::data::conditions::RoutingClass;
use crate::data::flow_rates::{MarkovNext, MARKOV_ROUTE_MINUTES, MARKOV_ROWS, MARKOV_ROW_MAX};
use crate::data::vocab::{Facility, Status, Triage};
use crate::patient::record::{EventType, PatientRecord, TimelineEvent, Timing};
use crate::plan::EventContext;
use crate::rng::{round_half_away, Xo};

/// Longest time from injury to a decision that still counts as the golden hour, in seconds.
const GOLDEN_HOUR: i64 = 3600;

/// A transition row being adjusted: targets in the listed order and their weights.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    targets: [MarkovNext; MARKOV_ROW_MAX],
    weights: [f64; MARKOV_ROW_MAX],
    len: usize,
}

impl Row {
    /// A copy of the base row of (location, triage).
    pub fn base(at: Facility, triage: Triage) -> Row {
        let mut r = Row { targets: [MarkovNext::Kia; MARKOV_ROW_MAX], weights: [0.0; MARKOV_ROW_MAX], len: 0 };
        for (i, &(n, w)) in MARKOV_ROWS[at.index()][triage.index()].iter().take(MARKOV_ROW_MAX).enumerate() {
            r.targets[i] = n;
            r.weights[i] = w;
            r.len = i + 1;
        }
        r
    }

    /// Applies `g` to the weight of `target` if the row has it (absent targets are skipped).
    #[inline]
    fn adjust(&mut self, target: MarkovNext, g: impl Fn(f64) -> f64) {
        for i in 0..self.len.min(MARKOV_ROW_MAX) {
            if self.targets[i] == target {
                self.weights[i] = g(self.weights[i]);
            }
        }
    }

    /// The weights, in target order.
    pub fn weights(&self) -> &[f64] {
        &self.weights[..self.len.min(MARKOV_ROW_MAX)]
    }

    /// The targets, in row order.
    pub fn targets(&self) -> &[MarkovNext] {
        &self.targets[..self.len.min(MARKOV_ROW_MAX)]
    }

    /// Divides every weight by the row's sum (summed in row order).
    fn normalise(&mut self) {
        let n = self.len.min(MARKOV_ROW_MAX);
        let s = crate::rng::sum_in_order(&self.weights[..n]);
        if s > 0.0 {
            for w in &mut self.weights[..n] {
                *w /= s;
            }
        }
    }
}

/// The situation of one decision: what the adjustments of 5.5 read.
#[derive(Clone, Copy, Debug)]
pub struct Decision {
    /// Where the decision is taken.
    pub at: Facility,
    /// Triage.
    pub triage: Triage,
    /// Union of the routing-class bits of the patient's conditions.
    pub classes: u8,
    /// MASCAL patient.
    pub mass_casualty: bool,
    /// Seconds from injury to the decision.
    pub since_injury: i64,
    /// Event visibility `V < 0.5`.
    pub degraded: bool,
}

/// The adjusted and renormalised row of a decision (5.5, adjustments 1–4 in order).
pub fn adjusted_row(d: &Decision) -> Row {
    use MarkovNext::{Go, Kia, Rtd};
    let mut row = Row::base(d.at, d.triage);
    let has = |c: RoutingClass| d.classes & c as u8 != 0;
    let role1 = d.at == Facility::Role1;
    if role1 && has(RoutingClass::Amputation) {
        row.adjust(Go(Facility::Role2), |w| f64::min(0.85, w * 1.5));
        row.adjust(Rtd, |w| w * 0.3);
    }
    if role1 && has(RoutingClass::Burn) {
        row.adjust(Go(Facility::Role3), |w| f64::min(0.60, w * 2.0));
        row.adjust(Rtd, |w| w * 0.2);
    }
    if role1 && has(RoutingClass::Tbi) {
        row.adjust(Go(Facility::Role2), |w| f64::min(0.80, w * 1.5));
        row.adjust(Rtd, |w| w * 0.2);
    }
    if has(RoutingClass::Psych) {
        if d.at == Facility::Poi {
            row.adjust(Go(Facility::Role1), |w| f64::max(w, f64::min(0.90, w * 1.5)));
        } else if role1 {
            row.adjust(Rtd, |w| f64::min(0.75, w * 1.5));
        }
    }
    if d.mass_casualty {
        row.adjust(Kia, |w| w * 1.5);
        row.adjust(Rtd, |w| w * 0.8);
        if role1 && d.triage == Triage::T1 {
            row.adjust(Go(Facility::Role2), |w| f64::min(0.90, w * 1.3));
        }
    }
    if d.triage == Triage::T1 {
        if d.since_injury <= GOLDEN_HOUR {
            row.adjust(Kia, |w| w * 0.8);
        } else {
            row.adjust(Kia, |w| w * 1.4);
        }
    }
    if d.degraded {
        row.adjust(Kia, |w| w * 1.3);
    }
    row.normalise();
    row
}

/// Walks the Markov chain from the POI (5.5).
pub fn run(ctx: &EventContext, f: &mut Xo, rec: &mut PatientRecord) {
    let triage = rec.triage;
    let classes = rec.conditions.iter().fold(0u8, |acc, c| acc | c.info().class);
    let degraded = ctx.environment.visibility() < 0.5;
    let t0 = ctx.injury_time;
    let mut t = t0;
    let mut at = Facility::Poi;
    let mut visited = 0u8;
    // Rows only point forward: at most five decisions.
    for _ in 0..Facility::COUNT {
        push(rec, TimelineEvent::new(EventType::Arrival, at, t, t0));
        visited += 1;
        let d = Decision { at, triage, classes, mass_casualty: ctx.mass_casualty, since_injury: t - t0, degraded };
        let row = adjusted_row(&d);
        let i = f.categorical(row.weights());
        let next = row.targets().get(i).copied().unwrap_or(MarkovNext::Rtd);
        let to = match next {
            MarkovNext::Go(to) => to,
            MarkovNext::Kia | MarkovNext::Rtd => {
                let time = if at == Facility::Poi {
                    t + f.int(360, 3600)
                } else {
                    let e = draw_stay(f, at, triage) as i64 * TENTH;
                    t + f.int(1, e)
                };
                let kind = if next == MarkovNext::Kia { EventType::Kia } else { EventType::Rtd };
                let mut ev = TimelineEvent::new(kind, at, time, t0);
                ev.timing = Some(Timing::MarkovChainDecision);
                ev.facilities_visited = Some(visited);
                push(rec, ev);
                rec.status = match next {
                    MarkovNext::Kia if at == Facility::Poi => Status::Kia,
                    MarkovNext::Kia => Status::Dow,
                    _ => Status::Rtd,
                };
                return;
            }
        };
        let e = if at == Facility::Poi { draw_poi_stay(f, triage, ctx.environment) } else { draw_stay(f, at, triage) };
        let mut ev = TimelineEvent::new(EventType::EvacuationStart, at, t, t0);
        ev.duration = e;
        ev.next_facility = Some(to);
        push(rec, ev);
        t += e as i64 * TENTH;
        let (mean, sd) = MARKOV_ROUTE_MINUTES[at.index()][to.index()].unwrap_or((30.0, 15.0));
        let m = f64::max(5.0, f.normal(mean, sd));
        let tr = f64::max(1.0, round_half_away(m / 6.0)) as u32;
        let mut ev = TimelineEvent::new(EventType::TransitStart, at, t, t0);
        ev.to_facility = Some(to);
        ev.duration = tr;
        push(rec, ev);
        t += tr as i64 * TENTH;
        at = to;
    }
}
