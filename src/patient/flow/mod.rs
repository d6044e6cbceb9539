//! Flow models (DOMAIN.md §5): the movement timeline and the outcome, from stream F.
//!
//! [`Flow::new`] resolves everything configuration-dependent once (the classic model's rates per
//! front, facility and triage, with facility overrides applied); [`Flow::run`] then walks one
//! patient's pathway without lookups or allocation.

pub mod classic;
pub mod markov;

use crate::config::Resolved;
use crate::data::flow_rates::STAY_TENTHS;
use crate::data::vocab::{EnvSet, EvacuationCapability, Facility, FlowModel, Triage};
use crate::patient::clinical::Physiology;
use crate::patient::record::{PatientRecord, TimelineEvent};
use crate::plan::EventContext;
use crate::rng::Xo;

/// Seconds in a tenth of an hour.
pub const TENTH: i64 = 360;

/// Flow tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct Flow {
    model: FlowModel,
    classic: classic::Classic,
    capability: EvacuationCapability,
}

impl Flow {
    /// Prepares the tables.
    pub fn new(cfg: &Resolved) -> Self {
        Flow { model: cfg.flow_model, classic: classic::Classic::new(cfg), capability: cfg.evacuation_capability }
    }

    /// Simulates the pathway: fills `rec.timeline`, `rec.status` and `rec.last_facility`
    /// (reads triage, front, conditions and the context; the clinical model also reads `phys`
    /// and records its care times there).
    pub fn run(&self, ctx: &EventContext, f: &mut Xo, rec: &mut PatientRecord, phys: &mut Physiology) {
        rec.timeline.clear();
        match self.model {
            FlowModel::Classic => self.classic.run(ctx, f, rec),
            FlowModel::Markov => markov::run(ctx, f, rec),
            FlowModel::Clinical => crate::patient::clinical::flow::run(ctx, f, rec, phys, self.capability),
        }
        if let Some(last) = rec.timeline.last() {
            rec.last_facility = last.facility;
        }
    }

    /// The classic model's resolved rates (for inspection and tests).
    pub fn classic(&self) -> &classic::Classic {
        &self.classic
    }
}

/// `grid(stay range, triage)` of a location, in tenths (5.1).
#[inline]
fn draw_stay(f: &mut Xo, facility: Facility, triage: Triage) -> u32 {
    let (lo, hi) = STAY_TENTHS[facility.index()][triage.index()];
    f.grid_tenths(lo, hi)
}

/// The POI stay: the grid draw, then the delay `int(0, ⌊D/6⌋)` tenths when D ≥ 6 (5.1).
#[inline]
fn draw_poi_stay(f: &mut Xo, triage: Triage, env: EnvSet) -> u32 {
    let e = draw_stay(f, Facility::Poi, triage);
    let d = env.delay_minutes();
    if d >= 6 {
        e + f.int(0, (d / 6) as i64) as u32
    } else {
        e
    }
}

/// Appends an event; the timeline never exceeds 15 events, so the capacity check never fails.
#[inline]
fn push(rec: &mut PatientRecord, ev: TimelineEvent) {
    let _ = rec.timeline.try_push(ev);
}
