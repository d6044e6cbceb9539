//! Given and family names per nation (docs/IDENTITIES.md#name-sources), compiled at build time from the normative
//! files `data/names/<CODE>.tsv` by `build.rs`, which also enforces their format and packs them
//! (front-coded); they are decoded once per process into leaked static tables.

use std::sync::OnceLock;

use super::vocab::{Nation, Script};

/// One kind of names of a nation (`male`, `female`, `family` or `family_female`), in file order.
///
/// The slices have the same length; [`NameList::sample`] picks an index into `names` and `latin`
/// with probability proportional to `weights`.
#[derive(Clone, Copy, Debug)]
pub struct NameList {
    /// Native spelling (NFC).
    pub names: &'static [&'static str],
    /// Official romanisation; equals the native spelling where the file gives none.
    pub latin: &'static [&'static str],
    /// Relative frequencies (> 0).
    pub weights: &'static [f64],
    /// Running sums of `weights`, in order (the last is the total).
    cumulative: &'static [f64],
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

    /// `categorical(weights)` with one uniform draw `u` ∈ [0, 1): the first index whose running
    /// sum exceeds `u · total` (the index `pick_categorical` returns), found by binary search.
    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = u * total;
        self.cumulative.partition_point(|&c| c <= x).min(self.len().saturating_sub(1))
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

/// The packed tables written by `build.rs` (its `pack` documents the layout).
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.bin"));

/// Reads the little-endian `u32` at `at`.
fn u32_at(b: &[u8], at: usize) -> usize {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// Decodes the lines of one front-coded sequence (see `pack` in build.rs) into `all`, returning
/// each name's byte range; `base` holds the aligned family names for `family_female`.
fn decode_seq(
    prefixes: &[u8],
    text: &[u8],
    pos: &mut (usize, usize),
    count: usize,
    base: Option<&[(usize, usize)]>,
    all: &mut Vec<u8>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(count);
    let mut prev = (0usize, 0usize);
    for k in 0..count {
        let n = prefixes.get(pos.0).copied().unwrap_or(0) as usize;
        pos.0 += 1;
        let end = text.get(pos.1..).and_then(|t| t.iter().position(|&c| c == b'\n')).map_or(text.len(), |e| pos.1 + e);
        let suffix = text.get(pos.1..end).unwrap_or_default();
        pos.1 = end + 1;
        let start = all.len();
        let kept = match base {
            // Drop `n` trailing bytes of the aligned family name.
            Some(b) => b.get(k).map_or((0, 0), |&(s, e)| (s, e.saturating_sub(n).max(s))),
            // Keep the first `n` bytes of the previous name.
            None => (prev.0, (prev.0 + n).min(prev.1)),
        };
        all.extend_from_within(kept.0..kept.1);
        all.extend_from_slice(suffix);
        prev = (start, all.len());
        out.push(prev);
    }
    out
}

/// Decodes [`PACKED`] into leaked, process-wide tables (once per process; the build checked the
/// content, so a malformed list can only come out empty or garbled, never out of bounds).
fn decode() -> Vec<NationNames> {
    let raw = PACKED;
    let lists = Nation::COUNT * 4;
    let header_len = lists * 5;
    let prefix_len = u32_at(raw, header_len);
    let prefixes = raw.get(header_len + 4..header_len + 4 + prefix_len).unwrap_or_default();
    let text_at = header_len + 4 + prefix_len;
    let text_len = u32_at(raw, text_at);
    let text_start = text_at + 4;
    let text = raw.get(text_start..text_start + text_len).unwrap_or_default();
    let weights_text = std::str::from_utf8(raw.get(text_start + text_len..).unwrap_or_default()).unwrap_or("");
    let mut weight_lines = weights_text.lines();

    // Pass 1: every name's byte range in one buffer; per list (native, latin, weights).
    type Ranges = Vec<(usize, usize)>;
    let mut all = Vec::with_capacity(text_len * 2);
    let mut pos = (0, 0);
    let mut decoded: Vec<(Ranges, Option<Ranges>, Vec<f64>)> = Vec::with_capacity(lists);
    for k in 0..lists {
        let count = u32_at(raw, k * 5);
        let flags = raw.get(k * 5 + 4).copied().unwrap_or(0);
        let family = (k % 4 == 3).then(|| k - 1).and_then(|f| decoded.get(f));
        let native = decode_seq(prefixes, text, &mut pos, count, family.map(|f| f.0.as_slice()), &mut all);
        let latin = (flags & 2 != 0).then(|| {
            let base = family.map(|f| f.1.as_ref().unwrap_or(&f.0).as_slice());
            decode_seq(prefixes, text, &mut pos, count, base, &mut all)
        });
        let weights = if flags & 1 != 0 {
            (0..count).map(|_| weight_lines.next().and_then(|l| l.parse().ok()).unwrap_or(1.0)).collect()
        } else {
            vec![1.0; count]
        };
        decoded.push((native, latin, weights));
    }

    // Pass 2: leak the buffer and slice it.
    let all: &'static str = Box::leak(String::from_utf8_lossy(&all).into_owned().into_boxed_str());
    let slice = |r: &Ranges| -> &'static [&'static str] {
        let v: Vec<&'static str> = r.iter().map(|&(s, e)| all.get(s..e).unwrap_or("")).collect();
        Box::leak(v.into_boxed_slice())
    };
    let mut lists_out = decoded.iter().map(|(native, latin, weights)| {
        let names = slice(native);
        let latin = latin.as_ref().map_or(names, slice);
        let mut acc = 0.0;
        let cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        NameList {
            names,
            latin,
            weights: Box::leak(weights.clone().into_boxed_slice()),
            cumulative: Box::leak(cumulative.into_boxed_slice()),
        }
    });
    let mut out = Vec::with_capacity(Nation::COUNT);
    for &nation in Nation::ALL {
        let empty = || NameList { names: &[], latin: &[], weights: &[], cumulative: &[] };
        let male = lists_out.next().unwrap_or_else(empty);
        let female = lists_out.next().unwrap_or_else(empty);
        let family = lists_out.next().unwrap_or_else(empty);
        let ff = lists_out.next().unwrap_or_else(empty);
        out.push(NationNames {
            code: nation.as_str(),
            male,
            female,
            family,
            family_female: (!ff.is_empty()).then_some(ff),
        });
    }
    out
}

/// The name tables of every nation, in the order of `Nation` (decoded on first use).
pub fn all() -> &'static [NationNames] {
    static TABLES: OnceLock<Vec<NationNames>> = OnceLock::new();
    TABLES.get_or_init(decode)
}

/// The name tables of a nation.
#[inline]
pub fn names(nation: Nation) -> &'static NationNames {
    // `all()` has one entry per `Nation` (checked by a test); the fallback is never taken.
    &all()[nation.index()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_per_nation_in_canonical_order() {
        assert_eq!(all().len(), Nation::COUNT);
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
                assert_eq!(l.cumulative.len(), l.len());
                assert_eq!(l.latin.len(), l.len());
                assert_eq!(l.weights.len(), l.len());
            }
            if let Some(f) = t.family_female {
                assert_eq!(f.len(), t.family.len(), "{}", t.code);
                assert_eq!(f.weights, t.family.weights, "{}", t.code);
            }
        }
    }

    /// The rows of `kind` in `data/names/<code>.tsv`: (name, weight, latin).
    fn file_rows(code: &str, kind: &str) -> Vec<(String, f64, String)> {
        let path = format!("{}/data/names/{code}.tsv", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .skip_while(|l| !l.starts_with("kind\t"))
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f[0] == kind)
            .map(|f| (f[1].to_string(), f[2].parse().unwrap(), f.get(3).unwrap_or(&f[1]).to_string()))
            .collect()
    }

    #[test]
    fn packed_tables_decode_to_exactly_the_files() {
        for &n in Nation::ALL {
            let t = names(n);
            let lists = [("male", Some(t.male)), ("female", Some(t.female)), ("family", Some(t.family))]
                .into_iter()
                .chain([("family_female", t.family_female)]);
            for (kind, list) in lists {
                let rows = file_rows(n.as_str(), kind);
                let Some(list) = list else {
                    assert!(rows.is_empty(), "{n:?} {kind}");
                    continue;
                };
                assert_eq!(list.len(), rows.len(), "{n:?} {kind}");
                for (k, (name, w, latin)) in rows.iter().enumerate() {
                    assert_eq!((list.names[k], list.weights[k], list.latin[k]), (name.as_str(), *w, latin.as_str()));
                }
                let total: f64 = list.weights.iter().sum();
                assert!((list.cumulative[list.len() - 1] - total).abs() <= 1e-9 * total);
            }
        }
    }

    #[test]
    fn pick_is_the_categorical_index() {
        let t = names(Nation::Usa);
        for k in 0..2_000u64 {
            let u = (k as f64 + 0.5) / 2_000.0;
            assert_eq!(
                t.family.pick(u),
                crate::rng::pick_categorical(t.family.weights, u * crate::rng::sum_in_order(t.family.weights))
            );
        }
        assert_eq!(t.male.pick(0.0), 0);
        assert_eq!(t.male.pick(0.999_999_999_999), t.male.len() - 1);
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
        let k = g.family.names.iter().position(|&n| n == "Αδαμόπουλος").unwrap();
        assert_eq!(g.family.latin[k], "Adamopoulos");
        assert_eq!(g.family_female.map(|f| (f.names[k], f.latin[k])), Some(("Αδαμοπούλου", "Adamopoulou")));
        let b = names(Nation::Bgr);
        let k = b.male.names.iter().position(|&n| n == "Аблен").unwrap();
        assert_eq!(b.male.spellings(Script::Native)[k], "Аблен");
        assert_eq!(b.male.spellings(Script::Latin)[k], "Ablen");
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
