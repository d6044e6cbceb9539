//! Largest-remainder allocation `LR(n, w)` (DOMAIN.md §3.2): every split of the plan is exact.

/// Splits `n` into `w.len()` non-negative parts proportional to the weights, summing exactly to `n`.
///
/// `q_j = n · (w_j / W)` in binary64 (`W` summed in index order), `b_j = ⌊q_j⌋`; the
/// `n − Σ b_j` parts with the largest fractional part `q_j − b_j` get one more, ties going to the
/// larger weight, then the lower index. Zero weights get 0. When every weight is 0 (or `n = 0`)
/// all parts are 0.
///
/// ```
/// use patientgen::internals::plan::allocation::largest_remainder;
/// assert_eq!(largest_remainder(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
/// assert_eq!(largest_remainder(5, &[0.0, 2.0, 1.0]), vec![0, 3, 2]);
/// ```
pub fn largest_remainder(n: u64, w: &[f64]) -> Vec<u64> {
    let mut out = vec![0; w.len()];
    largest_remainder_into(n, w, &mut out);
    out
}

/// [`largest_remainder`] into a caller-owned slice (`out.len()` must equal `w.len()`; extra
/// entries of either are ignored).
pub fn largest_remainder_into(n: u64, w: &[f64], out: &mut [u64]) {
    let k = w.len().min(out.len());
    let (w, out) = (&w[..k], &mut out[..k]);
    out.fill(0);
    let mut total = 0.0;
    for &x in w {
        total += x;
    }
    // Weights are ≥ 0 by contract; a non-positive or non-finite sum has nothing to share by.
    if n == 0 || total.is_nan() || total <= 0.0 || !total.is_finite() {
        return;
    }
    let nf = n as f64;
    let mut fractions = Vec::with_capacity(k);
    let mut floors: u64 = 0;
    for (j, (&x, o)) in w.iter().zip(out.iter_mut()).enumerate() {
        // Zero (and, defensively, negative or NaN) weights get nothing.
        if x.is_nan() || x <= 0.0 {
            continue;
        }
        let q = nf * (x / total);
        let b = q.floor();
        // q ≤ n(1 + 25ε) for k ≤ 365 and n ≤ 2^40, so `b` fits u64 and Σ b ≤ n (DOMAIN §1.7).
        *o = b as u64;
        floors = floors.saturating_add(*o);
        fractions.push((q - b, x, j));
    }
    // Defensive: rounding cannot make Σ b exceed n for valid inputs; trim from the end if it did.
    let mut excess = floors.saturating_sub(n);
    for o in out.iter_mut().rev() {
        let cut = excess.min(*o);
        *o -= cut;
        excess -= cut;
    }
    let mut remaining = n - floors.min(n);
    if fractions.is_empty() {
        return;
    }
    // Largest fraction first, then larger weight, then lower index: a total order.
    let order = |a: &(f64, f64, usize), b: &(f64, f64, usize)| {
        b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
    };
    if remaining == 0 {
        return;
    }
    if (remaining as usize) < fractions.len() {
        // The usual case: each of the first R in that order gets one more. Selecting them is
        // cheaper than sorting (the plan does this for every day, type and hour), and because the
        // order is total the set is the one a full sort would give.
        let r = remaining as usize;
        fractions.select_nth_unstable_by(r - 1, order);
        for &(_, _, j) in &fractions[..r] {
            out[j] += 1;
        }
        return;
    }
    fractions.sort_by(order);
    // R < (number of positive weights) + 1 for valid inputs; cycling keeps the sum exact anyway.
    while remaining > 0 {
        for &(_, _, j) in &fractions {
            if remaining == 0 {
                break;
            }
            out[j] += 1;
            remaining -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule by its definition: floors, then +1 in the full sorted order, cycling.
    fn by_full_sort(n: u64, w: &[f64]) -> Vec<u64> {
        let total: f64 = w.iter().sum();
        let mut out = vec![0u64; w.len()];
        let mut fr = Vec::new();
        for (j, &x) in w.iter().enumerate() {
            if x > 0.0 {
                let q = n as f64 * (x / total);
                out[j] = q.floor() as u64;
                fr.push((q - q.floor(), x, j));
            }
        }
        fr.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut rem = n - out.iter().sum::<u64>();
        while rem > 0 {
            for &(_, _, j) in &fr {
                if rem > 0 {
                    out[j] += 1;
                    rem -= 1;
                }
            }
        }
        out
    }

    #[test]
    fn selection_gives_the_sorted_rule() {
        let mut x = 7u64;
        let mut next = || {
            x = crate::rng::mix64(x);
            x
        };
        for case in 0..20_000u64 {
            let k = 1 + (next() % 30) as usize;
            // Few distinct weights (many ties) in half the cases, zeros now and then.
            let w: Vec<f64> = (0..k)
                .map(|_| match next() % 8 {
                    0 => 0.0,
                    v if case % 2 == 0 => (v % 3 + 1) as f64,
                    _ => (next() % 1000) as f64 / 7.0 + 0.01,
                })
                .collect();
            if w.iter().all(|&v| v == 0.0) {
                continue;
            }
            let n = next() % 200;
            assert_eq!(largest_remainder(n, &w), by_full_sort(n, &w), "n {n}, w {w:?}");
        }
    }

    #[test]
    fn equal_weights_go_to_lower_index() {
        assert_eq!(largest_remainder(10, &[1.0, 1.0, 1.0]), [4, 3, 3]);
        assert_eq!(largest_remainder(2, &[1.0, 1.0, 1.0]), [1, 1, 0]);
        assert_eq!(largest_remainder(0, &[1.0, 2.0]), [0, 0]);
    }

    #[test]
    fn ties_in_fraction_go_to_larger_weight() {
        // q = 0.5, 1.0, 0.5: equal fractions and weights, the lower index wins.
        assert_eq!(largest_remainder(2, &[1.0, 2.0, 1.0]), [1, 1, 0]);
        // q = 0.5, 1.5: equal fractions, the larger weight wins.
        assert_eq!(largest_remainder(2, &[1.0, 3.0]), [0, 2]);
        // 3 · (1/4) = 0.75, 3 · (3/4) = 2.25: the larger fraction wins.
        assert_eq!(largest_remainder(3, &[1.0, 3.0]), [1, 2]);
        // n = 1 over [0.5, 0.5, 1.0]: q = 0.25, 0.25, 0.5 → index 2.
        assert_eq!(largest_remainder(1, &[0.5, 0.5, 1.0]), [0, 0, 1]);
    }

    #[test]
    fn zero_weights_get_nothing() {
        assert_eq!(largest_remainder(7, &[0.0, 1.0, 0.0, 1.0]), [0, 4, 0, 3]);
        assert_eq!(largest_remainder(7, &[0.0, 0.0]), [0, 0]);
        assert_eq!(largest_remainder(5, &[]), Vec::<u64>::new());
    }

    #[test]
    fn sums_are_exact_for_large_n() {
        for n in [1u64, 99, 12_345, 1 << 33, (1 << 40) - 1, 1 << 40] {
            let w: Vec<f64> = (0..365).map(|d| 0.1 + (d % 7) as f64 * 0.3).collect();
            let parts = largest_remainder(n, &w);
            assert_eq!(parts.iter().sum::<u64>(), n);
        }
    }
}
