//! Stream D: age, birthdate, names, national id, religion, weight, blood type, rank and service
//! (DOMAIN.md §4.3, §7).

use std::sync::OnceLock;

use crate::civil::Date;
use crate::config::Resolved;
use crate::data::demographics::{
    religion_profile, religion_weights, Rank, BLOOD_TYPES, BLOOD_TYPE_WEIGHTS, RANKS, RANK_MIN_AGE, RANK_WEIGHTS,
    RELIGIONS, SERVICES, SERVICE_WEIGHTS, SERVICE_WEIGHTS_NAVAL,
};
use crate::data::names::{names, NameList};
use crate::data::vocab::{Gender, Nation, Script, Warfare};
use crate::patient::identity::IdentitySlots;
use crate::patient::national_id;
use crate::patient::record::PatientRecord;
use crate::plan::EventContext;
use crate::rng::{round_half_away, Xo};

/// Oldest age drawn by D1 (the top of the last age band).
const MAX_AGE: usize = 50;

/// The name lists of one nation: the lists (for their weights) and the spellings in the
/// configured script.
#[derive(Clone, Copy, Debug)]
struct NationLists {
    male: NameList,
    male_spelt: &'static [&'static str],
    female: NameList,
    female_spelt: &'static [&'static str],
    family: NameList,
    family_spelt: &'static [&'static str],
    /// `family_female` where the nation inflects surnames, else `family` again.
    family_female_spelt: &'static [&'static str],
}

/// Rank weights by age: ranks whose minimum age exceeds the age get weight 0 (7.7).
static RANK_WEIGHTS_BY_AGE: [[f64; RANKS.len()]; MAX_AGE + 1] = {
    let mut t = [[0.0; RANKS.len()]; MAX_AGE + 1];
    let mut age = 0;
    while age <= MAX_AGE {
        let mut r = 0;
        while r < RANKS.len() {
            if RANK_MIN_AGE[r] as usize <= age {
                t[age][r] = RANK_WEIGHTS[r];
            }
            r += 1;
        }
        age += 1;
    }
    t
};

/// Demographic tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct DemographicsDraw {
    base_date: Date,
    religion: bool,
    military: bool,
    /// Per nation, in the configured script (built once per process and script).
    lists: &'static [NationLists; Nation::COUNT],
    /// Age, birth date and id serial index per patient (unique ids by construction).
    slots: IdentitySlots,
}

/// The name lists of every nation in `script`, built on first use.
fn nation_lists(script: Script) -> &'static [NationLists; Nation::COUNT] {
    static BY_SCRIPT: [OnceLock<[NationLists; Nation::COUNT]>; Script::COUNT] =
        [const { OnceLock::new() }; Script::COUNT];
    BY_SCRIPT[script.index()].get_or_init(|| {
        core::array::from_fn(|i| {
            let t = names(Nation::ALL[i]);
            let family = t.family.spellings(script);
            NationLists {
                male: t.male,
                male_spelt: t.male.spellings(script),
                female: t.female,
                female_spelt: t.female.spellings(script),
                family: t.family,
                family_spelt: family,
                family_female_spelt: t.family_female.map_or(family, |f| f.spellings(script)),
            }
        })
    })
}

impl DemographicsDraw {
    /// Prepares the tables for a configuration and the run's seed.
    pub fn new(cfg: &Resolved, seed: u64) -> Self {
        DemographicsDraw {
            base_date: cfg.base_date,
            religion: cfg.demographics.religion,
            military: cfg.demographics.military,
            lists: nation_lists(cfg.demographics.script),
            slots: IdentitySlots::new(cfg.total_patients, cfg.base_date, seed),
        }
    }

    /// Draws D1–D10 from stream `d` into `rec.demographics` (reads nationality, gender, scenario).
    pub fn draw(&self, ctx: &EventContext, d: &mut Xo, rec: &mut PatientRecord) {
        let nation = rec.nationality;
        let gender = rec.gender;
        let female = gender == Gender::Female;
        let lists = &self.lists[nation.index()];
        let dem = &mut rec.demographics;

        // D1, D2: age and birth date from the patient's identity slot (patient::identity); schemes
        // without a birth date leave the day to one draw, uniform over the dates in
        // (base − (age+1) years, base − age years].
        let id = self.slots.identity(ctx.index, nation);
        let age = i32::from(id.age);
        dem.age = id.age;
        dem.birthdate = match id.birthdate {
            Some(b) => b,
            None => {
                let first = self.base_date.minus_years(age + 1);
                let count = self.base_date.minus_years(age).0 - first.0;
                Date(first.0 + 1 + d.below(count as u64) as i32)
            }
        };

        // D3 given name; D4 family name index by the `family` weights, female form for women.
        dem.given_name = if female {
            pick(lists.female_spelt, lists.female.pick(d.uniform()))
        } else {
            pick(lists.male_spelt, lists.male.pick(d.uniform()))
        };
        let k = lists.family.pick(d.uniform());
        dem.family_name = pick(if female { lists.family_female_spelt } else { lists.family_spelt }, k);

        // D5 national id number: the serial index of the slot (no draws).
        national_id::generate(
            nation,
            dem.birthdate,
            gender,
            dem.given_name,
            dem.family_name,
            id.serial,
            &mut dem.id_number,
        );

        // D6 religion; row 12 ("none") has no entry in RELIGIONS.
        dem.religion = if self.religion {
            RELIGIONS.get(d.categorical(religion_weights(religion_profile(nation)))).copied()
        } else {
            None
        };

        // D7 weight in integer tenths of a kilogram.
        let kg = if female { d.truncnormal(65.0, 10.0, 45.0, 110.0) } else { d.truncnormal(80.0, 12.0, 55.0, 130.0) };
        dem.weight_tenths = round_half_away(kg * 10.0) as u32;

        // D8 blood type.
        dem.blood_type = BLOOD_TYPES.get(d.categorical(&BLOOD_TYPE_WEIGHTS)).copied().unwrap_or_default();

        // D9 rank and D10 service come last, so enabling them changes no other field.
        if self.military {
            let weights = &RANK_WEIGHTS_BY_AGE[(age as usize).min(MAX_AGE)];
            dem.rank = Some(Rank(d.categorical(weights) as u8));
            let services = if ctx.scenario == Warfare::Naval { &SERVICE_WEIGHTS_NAVAL } else { &SERVICE_WEIGHTS };
            dem.service = SERVICES.get(d.categorical(services)).copied();
        } else {
            dem.rank = None;
            dem.service = None;
        }
    }
}

/// `list[i]`; the build-time checks keep `i` in bounds (aligned lists of ≥ 20 names).
#[inline]
fn pick(list: &'static [&'static str], i: usize) -> &'static str {
    list.get(i).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::demographics::{Religion, Service, AGE_BANDS, AGE_BAND_WEIGHTS};
    use crate::data::vocab::Script;

    fn cfg(base: &str) -> Resolved {
        let mut c = Resolved::default_scenario();
        c.base_date = Date::parse(base).unwrap();
        c.total_patients = 1_000_000;
        c
    }

    /// The context of patient `i` (the identity slot depends on the index).
    fn ctx_of(i: u64) -> EventContext {
        EventContext { index: i, ..Default::default() }
    }

    fn patient(nation: Nation, gender: Gender) -> PatientRecord {
        PatientRecord { nationality: nation, gender, ..Default::default() }
    }

    /// Whole years from `birth` to `at` (a 29 February birthday counts from 1 March in common years).
    fn age_at(birth: Date, at: Date) -> i32 {
        let (by, bm, bd) = birth.ymd();
        let (y, m, d) = at.ymd();
        y - by - i32::from((m, d) < (bm, bd))
    }

    #[test]
    fn birthdate_gives_exactly_the_drawn_age() {
        for base in ["2025-06-01", "2024-02-29", "2023-02-28", "2024-03-01", "2000-01-01", "2030-12-31"] {
            let dd = DemographicsDraw::new(&cfg(base), 7);
            let at = Date::parse(base).unwrap();
            let mut seen_feb29 = false;
            for i in 0..20_000u64 {
                let mut rec = patient(Nation::ALL[i as usize % Nation::COUNT], Gender::Male);
                let mut d = Xo::new(i ^ 0xD1);
                dd.draw(&ctx_of(i), &mut d, &mut rec);
                let dem = &rec.demographics;
                assert!((18..=50).contains(&dem.age), "{}", dem.age);
                assert_eq!(age_at(dem.birthdate, at), dem.age as i32, "base {base} birth {:?}", dem.birthdate.ymd());
                seen_feb29 |= dem.birthdate.ymd().1 == 2 && dem.birthdate.ymd().2 == 29;
            }
            assert!(seen_feb29, "some leap-day birthdays over 20,000 draws at {base}");
        }
    }

    #[test]
    fn birthdate_interval_at_a_leap_day() {
        // Age 20 at 2024-02-29: born 2003-03-01 … 2004-02-29, 366 dates.
        let at = Date::parse("2024-02-29").unwrap();
        let first = at.minus_years(21);
        assert_eq!(first.ymd(), (2003, 2, 28));
        assert_eq!(at.minus_years(20).0 - first.0, 366);
        // Every patient of age 20 is born in that interval, for dated and undated schemes.
        let dd = DemographicsDraw::new(&cfg("2024-02-29"), 7);
        let mut days = std::collections::HashSet::new();
        for i in 0..200_000u64 {
            let nation = if i % 2 == 0 { Nation::Deu } else { Nation::Pol };
            let mut rec = patient(nation, Gender::Male);
            dd.draw(&ctx_of(i), &mut Xo::new(i), &mut rec);
            if rec.demographics.age == 20 {
                let b = rec.demographics.birthdate;
                assert!(b.0 > first.0 && b.0 <= at.minus_years(20).0, "{:?}", b.ymd());
                days.insert(b.0);
            }
        }
        assert_eq!(days.len(), 366, "every date of the interval occurs");
    }

    #[test]
    fn age_band_shares() {
        let dd = DemographicsDraw::new(&cfg("2025-06-01"), 7);
        let n = 100_000u64;
        let mut counts = [0u64; 7];
        let mut ages = [0u64; 51];
        for i in 0..n {
            let mut rec = patient(Nation::Fra, Gender::Female);
            let mut d = Xo::new(0xA6E ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            dd.draw(&ctx_of(i), &mut d, &mut rec);
            let a = rec.demographics.age;
            ages[a as usize] += 1;
            counts[AGE_BANDS.iter().position(|&(lo, hi)| (lo..=hi).contains(&a)).unwrap()] += 1;
        }
        for (b, &c) in counts.iter().enumerate() {
            let p = AGE_BAND_WEIGHTS[b];
            let sigma = (n as f64 * p * (1.0 - p)).sqrt();
            assert!((c as f64 - n as f64 * p).abs() < 4.9 * sigma, "band {b}: {c}");
        }
        // Every age of every band occurs; none outside 18–50.
        assert!(ages[..18].iter().all(|&c| c == 0));
        assert!(ages[18..].iter().all(|&c| c > 0));
    }

    #[test]
    fn weight_bounds_per_gender() {
        let dd = DemographicsDraw::new(&cfg("2025-06-01"), 7);
        let ctx = EventContext::default();
        for (gender, lo, hi, mean) in [(Gender::Male, 550, 1300, 805.6), (Gender::Female, 450, 1100, 655.5)] {
            let mut sum = 0u64;
            let n = 20_000u64;
            for i in 0..n {
                let mut rec = patient(Nation::Usa, gender);
                let mut d = Xo::new(i + 77);
                dd.draw(&ctx, &mut d, &mut rec);
                let w = rec.demographics.weight_tenths;
                assert!((lo..=hi).contains(&w), "{gender:?} {w}");
                sum += w as u64;
            }
            // Means of the truncated normals (80.56 and 65.55 kg); standard error ≈ 0.8 tenths.
            let m = sum as f64 / n as f64;
            assert!((m - mean).abs() < 4.0, "{gender:?} mean {m}");
        }
    }

    #[test]
    fn religion_absent_when_disabled_and_drawn_by_profile_when_enabled() {
        let ctx = EventContext::default();
        let mut c = cfg("2025-06-01");
        c.demographics.religion = false;
        let off = DemographicsDraw::new(&c, 7);
        c.demographics.religion = true;
        let on = DemographicsDraw::new(&c, 7);
        let mut tur_islam = 0;
        let mut grc_orthodox = 0;
        let mut none = 0;
        for i in 0..4_000u64 {
            let mut rec = patient(Nation::Tur, Gender::Male);
            off.draw(&ctx, &mut Xo::new(i), &mut rec);
            assert_eq!(rec.demographics.religion, None);
            on.draw(&ctx, &mut Xo::new(i), &mut rec);
            match rec.demographics.religion {
                Some(Religion::Islam) => tur_islam += 1,
                None => none += 1,
                _ => {}
            }
            let mut rec = patient(Nation::Grc, Gender::Female);
            on.draw(&ctx, &mut Xo::new(i), &mut rec);
            assert_ne!(rec.demographics.religion, Some(Religion::Lutheran));
            grc_orthodox += i32::from(rec.demographics.religion == Some(Religion::EasternOrthodox));
        }
        // ISLM: Islam .75, none .14; ORTH: Eastern Orthodox .72.
        assert!((2_800..3_200).contains(&tur_islam), "{tur_islam}");
        assert!((430..700).contains(&none), "{none}");
        assert!((2_680..3_080).contains(&grc_orthodox), "{grc_orthodox}");
    }

    #[test]
    fn rank_respects_minimum_age_and_military_changes_nothing_else() {
        let mut c = cfg("2025-06-01");
        c.demographics.religion = true;
        c.demographics.military = false;
        let off = DemographicsDraw::new(&c, 7);
        c.demographics.military = true;
        let on = DemographicsDraw::new(&c, 7);
        let mut ranks = [0u32; 14];
        for i in 0..30_000u64 {
            let nation = Nation::ALL[i as usize % Nation::COUNT];
            let gender = if i % 3 == 0 { Gender::Female } else { Gender::Male };
            let scenario = if i % 2 == 0 { Warfare::Naval } else { Warfare::Urban };
            let ctx = EventContext { scenario, index: i, ..Default::default() };
            let mut a = patient(nation, gender);
            off.draw(&ctx, &mut Xo::new(i), &mut a);
            assert_eq!((a.demographics.rank, a.demographics.service), (None, None));
            let mut b = patient(nation, gender);
            on.draw(&ctx, &mut Xo::new(i), &mut b);
            let (x, y) = (&a.demographics, &b.demographics);
            assert_eq!(
                (x.age, x.birthdate, x.given_name, x.family_name, x.id_number, x.religion, x.weight_tenths),
                (y.age, y.birthdate, y.given_name, y.family_name, y.id_number, y.religion, y.weight_tenths)
            );
            assert_eq!(x.blood_type, y.blood_type);
            let rank = y.rank.unwrap();
            assert!(RANK_MIN_AGE[rank.0 as usize] <= y.age, "{} at {}", rank.as_str(), y.age);
            assert!(y.service.is_some());
            ranks[rank.0 as usize] += 1;
        }
        assert!(ranks.iter().all(|&r| r > 0), "{ranks:?}");
    }

    #[test]
    fn rank_at_eighteen_is_or1_to_or3_and_naval_service_mix() {
        let w = &RANK_WEIGHTS_BY_AGE;
        assert_eq!(&w[18][..4], &[0.04, 0.10, 0.14, 0.0]);
        assert!(w[18][3..].iter().all(|&x| x == 0.0));
        assert_eq!(w[50], RANK_WEIGHTS);
        assert_eq!(w[21][9], 0.07);
        assert_eq!(w[20][9], 0.0);

        let mut c = cfg("2025-06-01");
        c.demographics.military = true;
        let dd = DemographicsDraw::new(&c, 7);
        let mut navy = [0u32; 2];
        for (k, scenario) in [Warfare::Naval, Warfare::Conventional].into_iter().enumerate() {
            let ctx = EventContext { scenario, ..Default::default() };
            for i in 0..10_000u64 {
                let mut rec = patient(Nation::Gbr, Gender::Male);
                dd.draw(&ctx, &mut Xo::new(i), &mut rec);
                navy[k] += u32::from(rec.demographics.service == Some(Service::Navy));
            }
        }
        // Navy .35 at sea, .15 otherwise.
        assert!((3_300..3_700).contains(&navy[0]), "{navy:?}");
        assert!((1_330..1_670).contains(&navy[1]), "{navy:?}");
    }

    #[test]
    fn female_family_names_use_the_female_forms() {
        let ctx = EventContext::default();
        let dd = DemographicsDraw::new(&cfg("2025-06-01"), 7);
        for nation in [Nation::Pol, Nation::Ltu, Nation::Cze, Nation::Lva, Nation::Isl, Nation::Grc, Nation::Bgr] {
            let t = names(nation);
            let ff = t.family_female.unwrap();
            for i in 0..500u64 {
                let mut m = patient(nation, Gender::Male);
                dd.draw(&ctx, &mut Xo::new(i), &mut m);
                let mut f = patient(nation, Gender::Female);
                dd.draw(&ctx, &mut Xo::new(i), &mut f);
                // Same stream: D1–D4 consume the same words, so k is the same.
                let k = t.family.names.iter().position(|&s| s == m.demographics.family_name).unwrap();
                assert_eq!(f.demographics.family_name, ff.names[k]);
                assert!(t.male.names.contains(&m.demographics.given_name));
                assert!(t.female.names.contains(&f.demographics.given_name));
            }
        }
        // Spot checks of the alignment.
        let pol = names(Nation::Pol);
        let k = pol.family.names.iter().position(|&s| s == "Kowalski").unwrap();
        assert_eq!(pol.family_female.unwrap().names[k], "Kowalska");
        // Icelandic patronymics: -son for men, -dóttir for women, on the same stem.
        let isl = names(Nation::Isl);
        for (m, f) in isl.family.names.iter().zip(isl.family_female.unwrap().names) {
            let stem = m.strip_suffix("son").unwrap();
            assert_eq!(*f, format!("{stem}dóttir"));
        }
        // Non-inflecting nations give women the same family names.
        let deu = names(Nation::Deu);
        let mut f = patient(Nation::Deu, Gender::Female);
        dd.draw(&ctx, &mut Xo::new(3), &mut f);
        assert!(deu.family.names.contains(&f.demographics.family_name));
    }

    #[test]
    fn latin_script_emits_romanised_names() {
        let ctx = EventContext::default();
        let native = DemographicsDraw::new(&cfg("2025-06-01"), 7);
        let mut c = cfg("2025-06-01");
        c.demographics.script = Script::Latin;
        let latin = DemographicsDraw::new(&c, 7);
        for nation in [Nation::Grc, Nation::Bgr, Nation::Mkd] {
            let t = names(nation);
            for i in 0..200u64 {
                for gender in [Gender::Male, Gender::Female] {
                    let mut a = patient(nation, gender);
                    native.draw(&ctx, &mut Xo::new(i), &mut a);
                    let mut b = patient(nation, gender);
                    latin.draw(&ctx, &mut Xo::new(i), &mut b);
                    let given = if gender == Gender::Male { t.male } else { t.female };
                    let g = given.names.iter().position(|&s| s == a.demographics.given_name).unwrap();
                    assert_eq!(b.demographics.given_name, given.latin[g]);
                    assert!(b.demographics.family_name.is_ascii(), "{}", b.demographics.family_name);
                    assert!(!a.demographics.family_name.is_ascii());
                    assert_eq!(a.demographics.birthdate, b.demographics.birthdate);
                }
            }
        }
        // Latin-script nations are unchanged.
        let mut a = patient(Nation::Pol, Gender::Female);
        native.draw(&ctx, &mut Xo::new(9), &mut a);
        let mut b = patient(Nation::Pol, Gender::Female);
        latin.draw(&ctx, &mut Xo::new(9), &mut b);
        assert_eq!(
            (a.demographics.given_name, a.demographics.family_name),
            (b.demographics.given_name, b.demographics.family_name)
        );
    }
}
