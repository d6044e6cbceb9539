//! Did-you-mean suggestions for unknown keys and values (docs/SCENARIO.md#validation).

/// Keys longer than this get no suggestion (bounds the work on hostile input).
const MAX_LEN: usize = 128;

/// Damerau–Levenshtein distance (unrestricted: adjacent transpositions may be edited again) over
/// Unicode scalar values.
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let inf = n + m;
    let w = m + 2;
    // d[(i + 1) * w + (j + 1)] = distance between a[..i] and b[..j]; row and column 0 hold `inf`.
    let mut d = vec![0usize; (n + 2) * w];
    d[0] = inf;
    for i in 0..=n {
        d[(i + 1) * w] = inf;
        d[(i + 1) * w + 1] = i;
    }
    for j in 0..=m {
        d[j + 1] = inf;
        d[w + j + 1] = j;
    }
    // The last row (1-based) of `a` in which each character was seen.
    let mut last_row: Vec<(char, usize)> = Vec::new();
    for i in 1..=n {
        let mut last_col = 0;
        for j in 1..=m {
            let i1 = last_row.iter().find(|(c, _)| *c == b[j - 1]).map_or(0, |&(_, r)| r);
            let j1 = last_col;
            let cost = if a[i - 1] == b[j - 1] {
                last_col = j;
                0
            } else {
                1
            };
            let sub = d[i * w + j] + cost;
            let ins = d[(i + 1) * w + j] + 1;
            let del = d[i * w + j + 1] + 1;
            let tra = d[i1 * w + j1] + (i - i1 - 1) + 1 + (j - j1 - 1);
            d[(i + 1) * w + j + 1] = sub.min(ins).min(del).min(tra);
        }
        match last_row.iter_mut().find(|(c, _)| *c == a[i - 1]) {
            Some(e) => e.1 = i,
            None => last_row.push((a[i - 1], i)),
        }
    }
    d[(n + 1) * w + m + 1]
}

/// The candidate closest to `key` (compared case-insensitively) if its distance is at most 2;
/// ties go to the alphabetically first candidate.
pub fn suggest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let k = key.to_lowercase();
    let klen = k.chars().count();
    if klen > MAX_LEN {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        if cl.chars().count().abs_diff(klen) > 2 {
            continue;
        }
        let dist = damerau_levenshtein(&k, &cl);
        if dist > 2 {
            continue;
        }
        best = match best {
            Some((bd, bc)) if bd < dist || (bd == dist && bc <= c) => Some((bd, bc)),
            _ => Some((dist, c)),
        };
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(damerau_levenshtein("artilery", "artillery"), 1);
        assert_eq!(damerau_levenshtein("ca", "abc"), 2);
        assert_eq!(damerau_levenshtein("seed", "sede"), 1);
        assert_eq!(damerau_levenshtein("", "abc"), 3);
        assert_eq!(damerau_levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        let c = ["artillery", "urban", "naval", "drone"];
        assert_eq!(suggest("artilery", c), Some("artillery"));
        assert_eq!(suggest("xyzzy", c), None);
        // Ties are broken alphabetically.
        assert_eq!(suggest("ab", ["ax", "aa"]), Some("aa"));
        assert_eq!(suggest("SEED", ["seed"]), Some("seed"));
    }
}
