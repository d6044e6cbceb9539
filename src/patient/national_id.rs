//! National identity numbers (DOMAIN.md §7.8): one scheme per nation, with check digits and
//! never-issued ranges where the scheme has one, drawn from stream D.

use crate::civil::Date;
use crate::data::vocab::{Gender, Nation};
use crate::patient::record::IdNumber;
use crate::rng::Xo;

/// Writes the id number of a patient into `out` (cleared first), drawing from stream `d` (D5).
pub fn generate(
    nation: Nation,
    birthdate: Date,
    gender: Gender,
    given_name: &str,
    family_name: &str,
    d: &mut Xo,
    out: &mut IdNumber,
) {
    let _ = (nation, birthdate, gender, given_name, family_name, d);
    out.clear();
}
