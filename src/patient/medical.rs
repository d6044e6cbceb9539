//! Stream M: treatments (protocols, 6.8) and vital signs (6.9) per visit.

use crate::patient::record::PatientRecord;
use crate::rng::Xo;

/// Builds `rec.visits` from the timeline's arrivals, drawing treatments then vitals per visit.
pub fn fill_visits(m: &mut Xo, rec: &mut PatientRecord) {
    let _ = m;
    rec.visits.clear();
}
