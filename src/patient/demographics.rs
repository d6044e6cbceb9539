//! Stream D: age, birthdate, names, national id, religion, weight, blood type, rank and service
//! (DOMAIN.md §4.3, §7).

use crate::config::Resolved;
use crate::patient::record::{EventContext, PatientRecord};
use crate::rng::Xo;

/// Demographic tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct DemographicsDraw {}

impl DemographicsDraw {
    /// Prepares the tables.
    pub fn new(cfg: &Resolved) -> Self {
        let _ = cfg;
        DemographicsDraw {}
    }

    /// Draws D1–D10 from stream `d` into `rec.demographics` (reads nationality, gender, scenario).
    pub fn draw(&self, ctx: &EventContext, d: &mut Xo, rec: &mut PatientRecord) {
        let _ = (ctx, d, rec);
    }
}
