//! The NFC check of the configuration's kept strings: the quick check of Unicode Standard Annex
//! #15 §9 ("Detecting Normalization Forms") on two generated property tables
//! (`nfc_tables.rs`), without the composition tables a full normaliser needs.
//!
//! A `Maybe` answer of the quick check (a character that might compose with the one before it,
//! such as U+0301 COMBINING ACUTE ACCENT or a Hangul medial vowel) counts as "not NFC": the check
//! never accepts a string that is not NFC, and refuses the rare NFC string holding such a
//! character after a letter it does not compose with (e.g. "q\u{301}"). Precomposed text in any
//! script passes.

use super::nfc_tables::{CCC, NFC_QC};

/// The value of the sorted range table `table` at `c`, if a range holds it.
fn lookup<T: Copy>(table: &[(u32, u32, T)], c: char) -> Option<T> {
    let c = c as u32;
    let i = table.partition_point(|&(_, last, _)| last < c);
    table.get(i).filter(|&&(first, _, _)| first <= c).map(|&(_, _, v)| v)
}

/// The canonical combining class of `c` (0 for starters).
fn combining_class(c: char) -> u8 {
    lookup(CCC, c).unwrap_or(0)
}

/// Whether `s` is certainly in Unicode Normalization Form C: the UAX #15 quick check answered
/// Yes. `false` for every string that is not NFC (quick check No or Maybe), and for NFC strings
/// whose quick check is Maybe.
pub(crate) fn is_nfc(s: &str) -> bool {
    let mut last_class = 0u8;
    for c in s.chars() {
        if c.is_ascii() {
            last_class = 0;
            continue;
        }
        let class = combining_class(c);
        if last_class > class && class != 0 {
            return false;
        }
        // NFC_Quick_Check: No and Maybe both refuse.
        if lookup(NFC_QC, c).is_some() {
            return false;
        }
        last_class = class;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{is_nfc_quick, IsNormalized};

    /// Sorted runs of consecutive code points with the same `Some` value.
    fn ranges<T: Copy + PartialEq>(f: impl Fn(char) -> Option<T>) -> Vec<(u32, u32, T)> {
        let mut out: Vec<(u32, u32, T)> = Vec::new();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let Some(v) = f(c) else { continue };
            let c = c as u32;
            match out.last_mut() {
                // Surrogates are not chars: a run may step over them.
                Some((_, last, w)) if *w == v && (*last + 1 == c || (*last == 0xD7FF && c == 0xE000)) => *last = c,
                _ => out.push((c, c, v)),
            }
        }
        out
    }

    /// Writes `ranges` as the body of a Rust slice, four ranges a line.
    fn rows<T: Copy>(ranges: &[(u32, u32, T)], show: impl Fn(T) -> String) -> String {
        let mut s = String::new();
        for line in ranges.chunks(4) {
            s.push_str("   ");
            for &(first, last, v) in line {
                s.push_str(&format!(" (0x{first:04X}, 0x{last:04X}, {}),", show(v)));
            }
            s.push('\n');
        }
        s
    }

    /// The text of `nfc_tables.rs`, from `unicode-normalization`.
    fn generated() -> String {
        let (a, b, c) = unicode_normalization::UNICODE_VERSION;
        let ccc = ranges(|c| Some(canonical_combining_class(c)).filter(|&k| k != 0));
        let qc = ranges(|c| match is_nfc_quick(std::iter::once(c)) {
            IsNormalized::Yes => None,
            IsNormalized::No => Some(false),
            IsNormalized::Maybe => Some(true),
        });
        format!(
            "//! Generated from the `unicode-normalization` crate (Unicode {a}.{b}.{c}) by the test\n\
             //! `config::nfc::tests::tables_are_generated`; do not edit. To rewrite after an update of\n\
             //! that crate: `UPDATE_NFC_TABLES=1 cargo test --lib tables_are_generated`.\n\
             \n\
             /// The code points with a nonzero canonical combining class: sorted, disjoint ranges\n\
             /// `(first, last, class)` of consecutive code points with the same class.\n\
             pub(super) static CCC: &[(u32, u32, u8)] = &[\n{}];\n\
             \n\
             /// The code points whose NFC_Quick_Check is not Yes: sorted, disjoint ranges\n\
             /// `(first, last, maybe)`, `maybe` false for No and true for Maybe.\n\
             pub(super) static NFC_QC: &[(u32, u32, bool)] = &[\n{}];\n",
            rows(&ccc, |k| k.to_string()),
            rows(&qc, |m| m.to_string()),
        )
    }

    #[test]
    fn tables_are_generated() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/config/nfc_tables.rs");
        let want = generated();
        if std::env::var_os("UPDATE_NFC_TABLES").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap();
        assert!(have == want, "{path} is stale: rerun with UPDATE_NFC_TABLES=1");
    }

    #[test]
    fn tables_give_the_properties_of_every_code_point() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(combining_class(c), canonical_combining_class(c), "U+{:04X}", c as u32);
            let qc = match lookup(NFC_QC, c) {
                None => IsNormalized::Yes,
                Some(false) => IsNormalized::No,
                Some(true) => IsNormalized::Maybe,
            };
            assert_eq!(qc, is_nfc_quick(std::iter::once(c)), "U+{:04X}", c as u32);
        }
        // A sample of known values (UnicodeData.txt, DerivedNormalizationProps.txt).
        assert_eq!(combining_class('\u{301}'), 230);
        assert_eq!(combining_class('\u{323}'), 220);
        assert_eq!(combining_class('\u{94D}'), 9);
        assert_eq!(combining_class('a'), 0);
        assert_eq!(lookup(NFC_QC, '\u{301}'), Some(true));
        assert_eq!(lookup(NFC_QC, '\u{340}'), Some(false));
        assert_eq!(lookup(NFC_QC, '\u{212B}'), Some(false));
        assert_eq!(lookup(NFC_QC, '\u{1161}'), Some(true));
        assert_eq!(lookup(NFC_QC, 'é'), None);
    }

    #[test]
    fn unit_cases() {
        for ok in ["", "Cafe", "é", "Café Nørd", "Ελλάδα", "Łódź", "한국", "Москва", "हिन्दी", "Nguyễn", "ǘ"]
        {
            assert!(is_nfc(ok), "{ok:?}");
            assert!(unicode_normalization::is_nfc(ok), "{ok:?}");
        }
        // Decomposed accents and a Hangul jamo sequence (Maybe), a Kelvin sign (No), marks out of
        // canonical order (dot below, class 220, after acute, class 230).
        for bad in ["e\u{301}", "Cafe\u{301}", "a\u{30a}", "\u{212A}", "\u{1100}\u{1161}", "a\u{301}\u{323}"] {
            assert!(!is_nfc(bad), "{bad:?}");
            assert!(!unicode_normalization::is_nfc(bad), "{bad:?}");
        }
        // Out of order with marks of quick check Yes, so only the canonical-order test refuses it:
        // overline (230) before grave accent below (220); the other order is NFC and accepted.
        assert!(!is_nfc("a\u{305}\u{316}"));
        assert!(!unicode_normalization::is_nfc("a\u{305}\u{316}"));
        assert!(is_nfc("a\u{316}\u{305}"));
        assert!(unicode_normalization::is_nfc("a\u{316}\u{305}"));
        // NFC but refused: a mark that composes with nothing before it (the quick check's Maybe).
        assert!(unicode_normalization::is_nfc("q\u{301}"));
        assert!(!is_nfc("q\u{301}"));
        // Likewise ą followed by an acute accent (no precomposed ą́ exists).
        assert!(!is_nfc("\u{105}\u{301}"));
        assert!(unicode_normalization::is_nfc("\u{105}\u{301}"));
    }

    /// Characters from the ranges where NFC matters: ASCII, Latin letters with and without
    /// precomposed accents, combining marks U+0300–U+036F, Greek, Cyrillic, Devanagari (nukta,
    /// virama), Hangul jamo and syllables, and a few singletons (Kelvin, Ångström, U+0340).
    fn interesting() -> impl Strategy<Value = char> {
        let r = |a: u32, b: u32| (a..=b).prop_map(|x| char::from_u32(x).unwrap_or('?'));
        prop_oneof![
            r(0x20, 0x7E),
            r(0xC0, 0x24F),
            r(0x300, 0x36F),
            r(0x370, 0x3FF),
            r(0x1F00, 0x1FFF),
            r(0x400, 0x4FF),
            r(0x900, 0x97F),
            r(0x1100, 0x11FF),
            r(0xAC00, 0xD7A3),
            r(0x1E00, 0x1EFF),
            r(0x2126, 0x212B),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn never_accepts_a_non_nfc_string(v in proptest::collection::vec(interesting(), 0..8)) {
            let s: String = v.into_iter().collect();
            let reference = unicode_normalization::is_nfc(&s);
            if !reference {
                prop_assert!(!is_nfc(&s), "{:?}", s);
            }
            if is_nfc(&s) {
                prop_assert!(reference, "{:?}", s);
            }
            // Its NFC form is accepted unless it holds a Maybe character.
            use unicode_normalization::UnicodeNormalization;
            let n: String = s.nfc().collect();
            let maybe = n.chars().any(|c| lookup(NFC_QC, c) == Some(true));
            prop_assert_eq!(is_nfc(&n), !maybe, "{:?}", n);
        }
    }
}
