//! Identities (docs/IDENTITIES.md): full names rarely repeat in an exercise, and names are drawn
//! with the frequencies of their source. The expectations are read from `data/names/*.tsv`
//! here, independently of the generator's packed tables.

use std::collections::HashMap;

use patientgen::internals::patient::attributes::Attributes;
use patientgen::internals::patient::demographics::DemographicsDraw;
use patientgen::internals::patient::record::PatientRecord;
use patientgen::internals::plan::EventContext;
use patientgen::internals::rng::{patient_stream, PatientStream, Xo};
use patientgen::vocab::{Gender, Nation};

/// Runs plan contexts, attributes and demographics of every patient of a scenario.
fn demographics_of(res: &patientgen::Resolved, seed: u64, mut f: impl FnMut(&PatientRecord)) {
    let plan = patientgen::internals::plan::Plan::new(res, seed);
    let attributes = Attributes::new(res);
    let demographics = DemographicsDraw::new(res, seed);
    let mut rec = PatientRecord::default();
    for ctx in plan.cursor(0).take(res.total_patients as usize) {
        let mut a = patient_stream(seed, ctx.index, PatientStream::Attributes);
        attributes.draw(&ctx, &mut a, &mut rec);
        let mut d = patient_stream(seed, ctx.index, PatientStream::Demographics);
        demographics.draw(&ctx, &mut d, &mut rec);
        f(&rec);
    }
}

#[test]
fn full_names_rarely_repeat_in_the_default_exercise() {
    // Issue 13: at most 2 % of the 1,440 patients of the default scenario share their full name
    // (given + family) with another patient, for seeds 1–5.
    let sc = patientgen::parse_scenario("{}").unwrap();
    assert_eq!(sc.resolved.total_patients, 1440);
    for seed in 1..=5u64 {
        let mut counts: HashMap<(String, String), u32> = HashMap::new();
        demographics_of(&sc.resolved, seed, |r| {
            *counts
                .entry((r.demographics.given_name.to_string(), r.demographics.family_name.to_string()))
                .or_default() += 1;
        });
        let shared: u32 = counts.values().filter(|&&c| c > 1).sum();
        let share = f64::from(shared) / 1440.0;
        let worst = counts.iter().max_by_key(|(_, &c)| c).unwrap();
        eprintln!("seed {seed}: {shared} of 1440 patients share a full name ({:.2} %)", share * 100.0);
        assert!(share <= 0.02, "seed {seed}: {shared} of 1440 share a full name ({share:.4}); worst {worst:?}");
        assert!(*worst.1 <= 3, "seed {seed}: {worst:?}");
    }
}

/// The `kind` rows of a names file: (name, weight).
fn file_weights(code: &str, kind: &str) -> Vec<(String, f64)> {
    let path = format!("{}/data/names/{code}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip_while(|l| !l.starts_with("kind\t"))
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == kind)
        .map(|f| (f[1].to_string(), f[2].parse().unwrap()))
        .collect()
}

/// χ² over the 50 most frequent names of the file plus one cell for all others (50 degrees of
/// freedom), for `observed` counts of `n` draws; `expected_weights` gives the file's weights.
fn chi_square_top50(rows: &[(String, f64)], observed: &HashMap<String, u64>, n: u64) -> f64 {
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let mut by_weight: Vec<&(String, f64)> = rows.iter().collect();
    by_weight.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top = &by_weight[..50];
    let mut chi = 0.0;
    let (mut rest_p, mut rest_o) = (1.0, n as f64);
    for (name, w) in top {
        let p = w / total;
        let e = n as f64 * p;
        let o = observed.get(name).copied().unwrap_or(0) as f64;
        chi += (o - e).powi(2) / e;
        rest_p -= p;
        rest_o -= o;
    }
    let e = n as f64 * rest_p;
    chi + (rest_o - e).powi(2) / e
}

/// χ²(50) upper 1e-6 quantile: Wilson–Hilferty, k (1 − 2/(9k) + z √(2/(9k)))³ with z = 4.7534.
const CHI2_50_1E6: f64 = 113.0;

#[test]
fn name_frequencies_follow_the_source_weights() {
    let mut cfg = patientgen::parse_scenario("{}").unwrap().resolved;
    cfg.total_patients = 1_000_000;
    let dd = DemographicsDraw::new(&cfg, 3);
    let n = 300_000u64;
    // Three nations whose source carries weights: US family names (Census), Swedish male and
    // Finnish female given names.
    let cases: [(Nation, Gender, &str); 3] = [
        (Nation::Usa, Gender::Male, "family"),
        (Nation::Swe, Gender::Male, "male"),
        (Nation::Fin, Gender::Female, "female"),
    ];
    for (nation, gender, kind) in cases {
        let rows = file_weights(nation.as_str(), kind);
        assert!(rows.len() > 50 && rows.iter().any(|r| r.1 != rows[0].1), "{nation:?} {kind} is weighted");
        let mut observed: HashMap<String, u64> = HashMap::new();
        for i in 0..n {
            let mut rec = PatientRecord { nationality: nation, gender, ..Default::default() };
            let ctx = EventContext { index: i, ..Default::default() };
            dd.draw(&ctx, &mut Xo::new(0x5EED ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)), &mut rec);
            let name = if kind == "family" { rec.demographics.family_name } else { rec.demographics.given_name };
            *observed.entry(name.to_string()).or_default() += 1;
        }
        let chi = chi_square_top50(&rows, &observed, n);
        assert!(chi < CHI2_50_1E6, "{nation:?} {kind}: χ² = {chi:.1} ≥ {CHI2_50_1E6}");
        // The test can fail: the same counts against equal weights are far off.
        let flat: Vec<(String, f64)> = rows.iter().map(|(s, _)| (s.clone(), 1.0)).collect();
        let chi_flat = chi_square_top50(&flat, &observed, n);
        assert!(chi_flat > 10.0 * CHI2_50_1E6, "{nation:?} {kind}: uniform χ² only {chi_flat:.1}");
    }
}
