//! Stream A: front, nationality, gender, injury type, conditions, triage, severity and body part
//! (DOMAIN.md §4.2, §6.1–§6.6).

use crate::config::Resolved;
use crate::patient::record::{EventContext, PatientRecord};
use crate::rng::Xo;

/// Attribute tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct Attributes {}

impl Attributes {
    /// Prepares the tables.
    pub fn new(cfg: &Resolved) -> Self {
        let _ = cfg;
        Attributes {}
    }

    /// Draws A1–A10 from stream `a` into `rec`.
    pub fn draw(&self, ctx: &EventContext, a: &mut Xo, rec: &mut PatientRecord) {
        let _ = (ctx, a, rec);
    }
}
