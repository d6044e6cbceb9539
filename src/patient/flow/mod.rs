//! Flow models (DOMAIN.md §5): the movement timeline and the outcome, from stream F.

pub mod classic;
pub mod markov;

use crate::config::Resolved;
use crate::patient::record::{EventContext, PatientRecord};
use crate::rng::Xo;

/// Flow tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct Flow {}

impl Flow {
    /// Prepares the tables.
    pub fn new(cfg: &Resolved) -> Self {
        let _ = cfg;
        Flow {}
    }

    /// Simulates the pathway: fills `rec.timeline`, `rec.status` and `rec.last_facility`
    /// (reads triage, front, conditions and the context).
    pub fn run(&self, ctx: &EventContext, f: &mut Xo, rec: &mut PatientRecord) {
        let _ = (ctx, f, rec);
    }
}
