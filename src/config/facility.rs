//! Facility matching for `facility_configs` entries (docs/SCENARIO.md#facility-overrides).

use crate::data::vocab::Facility;

/// The facilities named by a string: lower-cased, split into alphanumeric tokens, `role` + a
/// single-digit token merged into `role<d>`; `role<d>` / `r<d>` (d = 1…4) name `Role<d>`, `poi`
/// names `POI`. Returns a bit set indexed by facility level.
pub fn facilities_named(s: &str) -> u8 {
    let lower = s.to_lowercase();
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let mut set = 0u8;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let next_digit = tokens.get(i + 1).filter(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit());
        let level = match (t, next_digit) {
            ("role", Some(d)) => {
                i += 1;
                role_digit(d)
            }
            ("poi", _) => Some(0),
            _ => t.strip_prefix("role").or_else(|| t.strip_prefix('r')).and_then(role_digit),
        };
        if let Some(l) = level {
            set |= 1 << l;
        }
        i += 1;
    }
    set
}

fn role_digit(d: &str) -> Option<u8> {
    match d {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        "4" => Some(4),
        _ => None,
    }
}

/// The outcome of matching an entry's `id` and `name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FacilityMatch {
    /// Exactly one facility.
    One(Facility),
    /// No facility.
    None,
    /// Two different facilities (the first two in chain order).
    Two(Facility, Facility),
}

/// Matches an entry from its `id` and `name` (either may be absent).
pub fn match_facility(id: Option<&str>, name: Option<&str>) -> FacilityMatch {
    let set = id.map_or(0, facilities_named) | name.map_or(0, facilities_named);
    let mut found = Facility::ALL.iter().copied().filter(|f| set & (1 << f.index()) != 0);
    match (found.next(), found.next()) {
        (None, _) => FacilityMatch::None,
        (Some(f), None) => FacilityMatch::One(f),
        (Some(a), Some(b)) => FacilityMatch::Two(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        let one = |s| match_facility(Some(s), None);
        assert_eq!(one("Role2"), FacilityMatch::One(Facility::Role2));
        assert_eq!(one("R2"), FacilityMatch::One(Facility::Role2));
        assert_eq!(one("role2_front_1"), FacilityMatch::One(Facility::Role2));
        assert_eq!(one("Role 2 - Forward Surgical Team"), FacilityMatch::One(Facility::Role2));
        assert_eq!(one("poi"), FacilityMatch::One(Facility::Poi));
        assert_eq!(one("role-4"), FacilityMatch::One(Facility::Role4));
        assert_eq!(one("role 12"), FacilityMatch::None);
        assert_eq!(one("r5"), FacilityMatch::None);
        assert_eq!(one("hospital"), FacilityMatch::None);
        assert_eq!(one("R1 to R3"), FacilityMatch::Two(Facility::Role1, Facility::Role3));
        assert_eq!(match_facility(Some("r3"), Some("Role 3 hospital")), FacilityMatch::One(Facility::Role3));
    }
}
