//! Given and family names per nation (DOMAIN.md §7.2), compiled at build time from the normative
//! files `data/names/<CODE>.tsv` by `build.rs`, which also enforces their format.

use super::vocab::{Nation, Script};

/// One kind of names of a nation (`male`, `female`, `family` or `family_female`), in file order.
///
/// The three slices have the same length; `categorical` draws over `weights` pick an index into
/// `names` and `latin`.
#[derive(Clone, Copy, Debug)]
pub struct NameList {
    /// Native spelling (NFC).
    pub names: &'static [&'static str],
    /// Official romanisation; equals the native spelling where the file gives none.
    pub latin: &'static [&'static str],
    /// Relative frequencies (> 0).
    pub weights: &'static [f64],
}

impl NameList {
    /// The number of names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the list is empty (never for a shipped nation).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The spellings emitted for `script`: native, or the romanised forms.
    pub fn spellings(&self, script: Script) -> &'static [&'static str] {
        match script {
            Script::Native => self.names,
            Script::Latin => self.latin,
        }
    }
}

/// The names of one nation.
#[derive(Clone, Copy, Debug)]
pub struct NationNames {
    /// ISO 3166-1 alpha-3 code (the file name).
    pub code: &'static str,
    /// Male given names.
    pub male: NameList,
    /// Female given names.
    pub female: NameList,
    /// Family names (the male form where the nation inflects them).
    pub family: NameList,
    /// Female forms, index-aligned with `family`, for nations whose surnames inflect by gender;
    /// draws use the `family` weights.
    pub family_female: Option<NameList>,
}

include!(concat!(env!("OUT_DIR"), "/names_tables.rs"));

/// The name tables of a nation.
#[inline]
pub fn names(nation: Nation) -> &'static NationNames {
    // NATION_NAMES has exactly one entry per `Nation` (checked by a test), so the index is in bounds.
    &NATION_NAMES[nation.index()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_per_nation_in_canonical_order() {
        assert_eq!(NATION_NAMES.len(), Nation::COUNT);
        for &n in Nation::ALL {
            assert_eq!(names(n).code, n.as_str());
        }
    }

    #[test]
    fn lists_are_consistent_and_large_enough() {
        for &n in Nation::ALL {
            let t = names(n);
            for l in [t.male, t.female, t.family] {
                assert!(l.len() >= 20, "{}", t.code);
                assert_eq!(l.latin.len(), l.len());
                assert_eq!(l.weights.len(), l.len());
            }
            if let Some(f) = t.family_female {
                assert_eq!(f.len(), t.family.len(), "{}", t.code);
                assert_eq!(f.weights, t.family.weights, "{}", t.code);
            }
        }
    }

    #[test]
    fn inflecting_nations_have_female_family_names() {
        use Nation::*;
        for n in [Pol, Cze, Svk, Ltu, Lva, Bgr, Mkd, Grc, Isl] {
            assert!(names(n).family_female.is_some(), "{n:?}");
        }
        for n in [Deu, Fra, Gbr, Ita, Esp, Hrv, Nzl] {
            assert!(names(n).family_female.is_none(), "{n:?}");
        }
    }

    #[test]
    fn non_latin_scripts_carry_romanisations() {
        let g = names(Nation::Grc);
        assert_eq!(g.family.names[0], "Παπαδόπουλος");
        assert_eq!(g.family.latin[0], "Papadopoulos");
        assert_eq!(g.family_female.map(|f| f.latin[0]), Some("Papadopoulou"));
        let b = names(Nation::Bgr);
        assert_eq!(b.male.spellings(Script::Native)[0], "Георги");
        assert_eq!(b.male.spellings(Script::Latin)[0], "Georgi");
        // Latin-script names romanise to themselves.
        let p = names(Nation::Pol);
        assert_eq!(p.male.spellings(Script::Latin), p.male.names);
        for &n in Nation::ALL {
            let t = names(n);
            for l in [t.male, t.female, t.family].into_iter().chain(t.family_female) {
                for s in l.latin {
                    assert!(s.chars().all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c)), "{s}");
                }
            }
        }
    }
}
