//! The event plan through the public API (DOMAIN.md §1.4, §3): exact allocations, special events,
//! streams, and random access against the sequential cursor.

use std::collections::HashSet;

use patientgen::internals::plan::{largest_remainder, Plan, StreamKind};
use patientgen::internals::plan::{EventContext, EventKindPrefix};
use patientgen::vocab::{EnvCondition, Intensity, SpecialEventKind, Tempo, Warfare};
use patientgen::Resolved;

const BASE_2025_06_01: i64 = 1_748_736_000;

fn default_with(n: u64) -> Resolved {
    let mut cfg = Resolved::default_scenario();
    cfg.total_patients = n;
    cfg
}

fn all_contexts(plan: &Plan) -> Vec<EventContext> {
    let mut out = Vec::with_capacity(plan.total() as usize);
    let mut cursor = plan.cursor(0);
    let mut ctx = EventContext::default();
    while cursor.next_into(&mut ctx) {
        out.push(ctx);
    }
    out
}

#[test]
fn largest_remainder_examples() {
    assert_eq!(largest_remainder(10, &[1.0, 1.0, 1.0]), [4, 3, 3]);
    // q = 0.5 and 1.5: equal fractions, the larger weight gets the remainder.
    assert_eq!(largest_remainder(2, &[1.0, 3.0]), [0, 2]);
    // Equal fraction and weight: the lower index.
    assert_eq!(largest_remainder(1, &[2.0, 2.0]), [1, 0]);
    assert_eq!(largest_remainder(9, &[0.0, 1.0, 0.0, 2.0]), [0, 3, 0, 6]);
    assert_eq!(largest_remainder(0, &[1.0, 5.0]), [0, 0]);
    // 12,500 − 2,600 over conventional / artillery / drone: q = 3,535.71…, 4,242.86…, 2,121.43…
    assert_eq!(largest_remainder(9_900, &[1.0, 1.2, 0.6]), [3536, 4243, 2121]);
    for n in [1u64, 7, 1_000_003, 1 << 40] {
        let w = [0.3, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 0.0, 1.3];
        let parts = largest_remainder(n, &w);
        assert_eq!(parts.iter().sum::<u64>(), n);
        assert_eq!(parts[7], 0);
    }
}

#[test]
fn day_totals_are_exact_for_tempos_and_lengths() {
    let tempos: [(Tempo, [f64; 8]); 3] = [
        (Tempo::Sustained, [1.0; 8]),
        (Tempo::Escalating, [0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8]),
        (Tempo::Intermittent, [1.0, 0.3, 1.5, 0.4, 1.2, 0.2, 1.0, 0.5]),
    ];
    for (tempo, w8) in tempos {
        for days in [1u32, 3, 8, 20] {
            for n in [1u64, 13, 1440, 100_000] {
                let mut cfg = default_with(n);
                cfg.tempo = tempo;
                cfg.days_of_fighting = days;
                let plan = Plan::new(&cfg, 3);
                let w: Vec<f64> = (0..days as usize).map(|d| w8[d.min(7)]).collect();
                assert_eq!(plan.day_totals(), &largest_remainder(n, &w)[..], "{tempo:?} {days} {n}");
                assert_eq!(plan.total(), n);
                for d in 1..=days {
                    let hours: u64 = (0..24).map(|h| plan.hour_total(d, h)).sum();
                    assert_eq!(hours, plan.day_totals()[d as usize - 1]);
                }
            }
        }
    }
    let mut cfg = default_with(100_000);
    cfg.tempo = Tempo::Escalating;
    let plan = Plan::new(&cfg, 1);
    // 100,000 · w_d / 8.8: 4,545.45, 6,818.18, 9,090.91, 11,363.64, 13,636.36, 15,909.09, 18,181.82,
    // 20,454.55: the four largest fractions (days 3, 7, 4, 8) get one more.
    assert_eq!(plan.day_totals(), &[4545, 6818, 9091, 11364, 13636, 15909, 18182, 20455]);
}

#[test]
fn default_scenario_allocations() {
    let plan = Plan::new(&default_with(100_000), 1);
    assert_eq!(plan.day_totals(), &[12_500; 8]);
    assert_eq!(plan.active_types(), &[Warfare::Conventional, Warfare::Artillery, Warfare::Drone]);
    let mut ambush_days = Vec::new();
    for d in 1..=8u32 {
        let events: Vec<_> = plan.special_events().iter().filter(|e| e.day == d).collect();
        let special: u64 = events.iter().map(|e| e.size).sum();
        assert!(special <= 7_500);
        assert!(events.iter().filter(|e| e.kind == SpecialEventKind::MassCasualty).count() <= 1);
        for e in &events {
            match e.kind {
                SpecialEventKind::MassCasualty => {
                    assert_eq!(e.size, 100);
                    assert!((6..=18).contains(&e.hour));
                }
                SpecialEventKind::Ambush => {
                    assert_eq!(e.size, 2_500);
                    assert!([6, 7, 17, 18, 19].contains(&e.hour));
                    ambush_days.push(d);
                }
                SpecialEventKind::MajorOffensive => panic!("major offensive is not enabled"),
            }
            assert!(e.minute < 60);
        }
        let types = [Warfare::Conventional, Warfare::Artillery, Warfare::Drone];
        let expected = largest_remainder(12_500 - special, &[1.0, 1.2, 0.6]);
        for (t, want) in types.iter().zip(expected) {
            assert_eq!(plan.type_day_total(d, *t), want, "day {d} {t:?}");
            assert_eq!(plan.type_hour_totals(d, *t).iter().sum::<u64>(), want);
        }
        assert_eq!(plan.type_day_total(d, Warfare::Urban), 0);
        // Conventional per hour = LR(day count, sustained_combat weights).
        let b = [
            0.3, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.5, 1.3, 1.0, 0.9, 1.0, 1.1, 1.0, 0.9, 1.0, 1.3, 1.5, 1.2, 0.8, 0.6,
            0.5, 0.4, 0.3,
        ];
        let w: Vec<f64> = (0..24)
            .map(|h| match h {
                6..=9 | 16..=19 => b[h] * 2.5,
                0 => b[h] * 0.5 * 0.3 * 0.5,
                1..=5 | 22 | 23 => b[h] * 0.5 * 0.3 * 0.7,
                _ => b[h] * 0.5,
            })
            .collect();
        let conv = plan.type_day_total(d, Warfare::Conventional);
        assert_eq!(plan.type_hour_weights(d, Warfare::Conventional).map(|x| x.to_vec()), Some(w.clone()));
        assert_eq!(&plan.type_hour_totals(d, Warfare::Conventional)[..], &largest_remainder(conv, &w)[..]);
    }
    assert_eq!(ambush_days, [1, 4, 6]);
}

#[test]
fn streams_respect_cluster_rules() {
    let mut cfg = default_with(100_000);
    cfg.warfare_types = [true; 8];
    cfg.special_events = [true; 3];
    cfg.intensity = Intensity::Extreme;
    let plan = Plan::new(&cfg, 11);
    let mut clusters = 0;
    for d in 1..=8u32 {
        for h in 0..24u8 {
            let streams = plan.hour_streams(d, h);
            assert!(streams.iter().all(|s| s.size > 0));
            assert_eq!(streams.iter().map(|s| s.size).sum::<u64>(), plan.hour_total(d, h));
            for s in streams {
                if let StreamKind::Cluster(t) = s.kind {
                    clusters += 1;
                    let hour_count = plan.type_hour_totals(d, t)[h as usize];
                    let (lo, hi) = t.info().map(|i| i.cluster).unwrap_or((0, 0));
                    assert!(hour_count > 5 && s.size >= 2);
                    assert!((lo.max(2) as u64..=hi as u64).contains(&s.size) || s.size == hour_count);
                    assert!(s.minute < 60);
                }
            }
            // Rank order: specials by kind, then clusters/individuals by canonical type order.
            let ranks: Vec<(usize, usize)> = streams
                .iter()
                .map(|s| match s.kind {
                    StreamKind::Special(k) => (0, k.index()),
                    StreamKind::Cluster(t) => (1 + 2 * t.index(), 0),
                    StreamKind::Individual(t) => (2 + 2 * t.index(), 0),
                })
                .collect();
            assert!(ranks.windows(2).all(|p| p[0] < p[1]), "{ranks:?}");
        }
        // Day 2: the major offensive exists and the cap holds.
        let special: u64 = plan.special_events().iter().filter(|e| e.day == d).map(|e| e.size).sum();
        assert!(special <= 7_500);
        if d == 2 {
            assert_eq!(special, 7_500);
        }
    }
    assert!(clusters > 50, "{clusters}");
}

#[test]
fn random_access_equals_sequential_order_default_100k() {
    let plan = Plan::new(&default_with(100_000), 1);
    let seq = all_contexts(&plan);
    assert_eq!(seq.len(), 100_000);
    for (i, ctx) in seq.iter().enumerate() {
        assert_eq!(ctx.index, i as u64);
        assert_eq!(plan.locate(i as u64), *ctx, "index {i}");
    }
    // Mid-run cursors equal random access.
    for start in [1u64, 33_333, 66_667, 99_999] {
        let mut cursor = plan.cursor(start);
        let mut ctx = EventContext::default();
        for i in start..(start + 2_000).min(100_000) {
            assert!(cursor.next_into(&mut ctx));
            assert_eq!(ctx, seq[i as usize], "start {start} index {i}");
        }
    }
    let mut end = plan.cursor(100_000);
    assert!(!end.next_into(&mut EventContext::default()));
    assert_eq!(plan.locate(100_000).index, 100_000);
}

#[test]
fn records_are_chronological_and_ids_parse_back() {
    let plan = Plan::new(&default_with(100_000), 1);
    let seq = all_contexts(&plan);
    let mut per_day = [0u64; 8];
    let mut finished = HashSet::new();
    let mut run_len = 0u64;
    let mut ind_events = 0;
    for (i, c) in seq.iter().enumerate() {
        if i > 0 {
            assert!(c.injury_time >= seq[i - 1].injury_time, "index {i}");
        }
        let secs = c.injury_time - BASE_2025_06_01;
        let (day, hour, minute) = (secs / 86_400 + 1, secs % 86_400 / 3600, secs % 3600 / 60);
        assert_eq!((c.day as i64, c.hour as i64), (day, hour));
        let id = c.event_id;
        assert_eq!((id.day as i64, id.hour as i64, id.minute as i64), (day, hour, minute), "index {i}");
        per_day[c.day as usize - 1] += 1;
        match id.prefix {
            EventKindPrefix::Se => {
                assert_eq!(c.scenario, Warfare::Mixed);
                assert!(c.mass_casualty && id.seq == 0 && secs % 60 == 0);
                assert!(SpecialEventKind::parse(id.label).is_some());
            }
            EventKindPrefix::Mc => {
                assert!(c.mass_casualty && id.seq == 0 && secs % 60 == 0);
                assert_eq!(id.label, c.scenario.as_str());
            }
            EventKindPrefix::Ind => {
                assert!(!c.mass_casualty);
                assert_eq!(id.label, c.scenario.as_str());
            }
        }
        let night = !(6..20).contains(&c.hour);
        assert_eq!(c.environment.contains(EnvCondition::NightOperations), night);
        // Events are contiguous: an id never comes back once another one started.
        let same_as_prev = i > 0 && seq[i - 1].event_id == id;
        if same_as_prev {
            run_len += 1;
        } else {
            if i > 0 {
                let prev = seq[i - 1].event_id;
                if prev.prefix == EventKindPrefix::Ind {
                    assert!((1..=3).contains(&run_len), "IND event of {run_len}");
                    ind_events += 1;
                }
                if prev.prefix == EventKindPrefix::Mc {
                    assert!(run_len >= 2);
                }
                let key = (prev.prefix.as_str(), prev.label, prev.day, prev.hour, prev.minute, prev.seq);
                assert!(finished.insert(key), "event {prev:?} split");
            }
            run_len = 1;
        }
    }
    assert_eq!(per_day, [12_500; 8]);
    assert!(ind_events > 10_000, "{ind_events}");
    // The written id parses back to the context.
    for c in seq.iter().step_by(997) {
        let mut buf = Vec::new();
        c.event_id.write(&mut buf);
        let text = String::from_utf8(buf).unwrap();
        let parts: Vec<&str> = text.split('_').collect();
        let n = parts.len();
        assert_eq!(parts[0], c.event_id.prefix.as_str());
        assert_eq!(parts[1..n - 3].join("_"), c.event_id.label);
        assert_eq!(parts[n - 3].parse::<u32>().unwrap(), c.day);
        let secs = c.injury_time - BASE_2025_06_01;
        assert_eq!(parts[n - 2], format!("{:02}{:02}", c.hour, secs % 3600 / 60));
        assert_eq!(parts[n - 1].parse::<u64>().unwrap(), c.event_id.seq);
    }
}

#[test]
fn tiny_and_empty_runs() {
    for n in [0u64, 1, 2, 5] {
        let plan = Plan::new(&default_with(n), 9);
        assert_eq!(plan.total(), n);
        let seq = all_contexts(&plan);
        assert_eq!(seq.len() as u64, n);
        for (i, c) in seq.iter().enumerate() {
            assert_eq!(plan.locate(i as u64), *c);
        }
    }
    let mut cfg = default_with(1);
    cfg.days_of_fighting = 1;
    let plan = Plan::new(&cfg, 0);
    assert_eq!(plan.day_totals(), &[1]);
    let c = plan.locate(0);
    assert_eq!(c.day, 1);
}

#[test]
fn extreme_scale_builds_and_locates() {
    let mut cfg = default_with(1 << 40);
    cfg.days_of_fighting = 365;
    cfg.warfare_types = [true; 8];
    cfg.special_events = [true; 3];
    cfg.environmental_conditions = [true; 9];
    cfg.intensity = Intensity::Extreme;
    cfg.tempo = Tempo::Surge;
    let plan = Plan::new(&cfg, u64::MAX);
    assert_eq!(plan.total(), 1 << 40);
    assert_eq!(plan.day_totals().len(), 365);
    assert_eq!(plan.day_totals().iter().sum::<u64>(), 1 << 40);
    let last = (1u64 << 40) - 1;
    for i in [0u64, 1, 12_345_678_901, 1 << 39, last - 1, last] {
        let c = plan.locate(i);
        assert_eq!(c.index, i);
        assert!((1..=365).contains(&c.day));
        let mut cursor = plan.cursor(i);
        let mut prev = 0;
        for j in i..(i + 50).min(last + 1) {
            let mut ctx = EventContext::default();
            assert!(cursor.next_into(&mut ctx));
            assert_eq!(ctx, plan.locate(j), "index {j}");
            assert!(ctx.injury_time >= prev);
            prev = ctx.injury_time;
        }
    }
    assert_eq!(plan.locate(last).day, 365);
    // Every type is active with some patients on day 1, the major offensive on day 2.
    for t in Warfare::TYPES {
        assert!(plan.type_day_total(1, t) > 0, "{t:?}");
    }
    assert!(plan.special_events().iter().any(|e| e.day == 2 && e.kind == SpecialEventKind::MajorOffensive));
}

#[test]
fn every_type_alone_gets_the_whole_rest() {
    for t in Warfare::TYPES {
        let mut cfg = default_with(5_000);
        cfg.warfare_types = [false; 8];
        cfg.warfare_types[t.index()] = true;
        cfg.special_events = [false; 3];
        let plan = Plan::new(&cfg, 4);
        for d in 1..=8u32 {
            assert_eq!(plan.type_day_total(d, t), 625);
            assert_eq!(plan.type_hour_totals(d, t).iter().sum::<u64>(), 625);
        }
        let seq = all_contexts(&plan);
        assert_eq!(seq.len(), 5_000);
        assert!(seq.iter().all(|c| c.scenario == t));
        for i in (0..5_000).step_by(37) {
            assert_eq!(plan.locate(i as u64), seq[i]);
        }
    }
}

#[test]
fn no_active_type_places_only_special_events() {
    let mut cfg = default_with(1_000);
    cfg.warfare_types = [false; 8];
    let plan = Plan::new(&cfg, 2);
    let special: u64 = plan.special_events().iter().map(|e| e.size).sum();
    assert_eq!(plan.total(), special);
    assert_eq!(all_contexts(&plan).len() as u64, special);
}

#[test]
fn same_seed_same_plan_other_seed_other_plan() {
    let cfg = default_with(10_000);
    let a = Plan::new(&cfg, 5);
    let b = Plan::new(&cfg, 5);
    let c = Plan::new(&cfg, 6);
    let ids = |p: &Plan| all_contexts(p).iter().map(|x| x.injury_time).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert_ne!(ids(&a), ids(&c));
    assert_eq!(a.special_events(), b.special_events());
}

#[test]
fn sequential_order_equals_brute_force_sort() {
    use patientgen::internals::plan::hour::Individual;
    let seed = 77;
    let mut cfg = default_with(20_000);
    cfg.warfare_types = [true, true, true, true, true, true, true, true];
    cfg.special_events = [true; 3];
    let plan = Plan::new(&cfg, seed);
    // (time, rank, slot, id parts) for every slot of every stream, sorted.
    let mut all = Vec::new();
    for d in 1..=8u32 {
        for h in 0..24u8 {
            let base = BASE_2025_06_01 + (d as i64 - 1) * 86_400 + h as i64 * 3600;
            for (rank, s) in plan.hour_streams(d, h).iter().enumerate() {
                let ind = match s.kind {
                    StreamKind::Individual(t) => Some(Individual::new(seed, d, t.index(), h, s.size)),
                    _ => None,
                };
                for k in 0..s.size {
                    let (offset, seq) = match &ind {
                        Some(ind) => (ind.slot_offset(k) as i64, ind.event_start(k)),
                        None => (s.minute as i64 * 60, 0),
                    };
                    all.push((base + offset, rank, k, seq, s.kind));
                }
            }
        }
    }
    all.sort_by_key(|x| (x.0, x.1, x.2));
    let seq = all_contexts(&plan);
    assert_eq!(seq.len(), all.len());
    for (c, (time, _, _, first, kind)) in seq.iter().zip(&all) {
        assert_eq!(c.injury_time, *time, "index {}", c.index);
        assert_eq!(c.event_id.seq, *first);
        assert_eq!(c.event_id.prefix, kind.prefix());
        assert_eq!(c.event_id.label, kind.label());
        assert_eq!(c.scenario, kind.scenario());
        assert_eq!(c.mass_casualty, kind.mass_casualty());
    }
}

/// Throughput of the sequential cursor (run with `--ignored --nocapture`; prints ns per patient).
#[test]
#[ignore]
fn cursor_throughput() {
    let plan = Plan::new(&default_with(10_000_000), 1);
    let mut ctx = EventContext::default();
    let t = std::time::Instant::now();
    let mut cursor = plan.cursor(0);
    let mut acc = 0i64;
    while cursor.next_into(&mut ctx) {
        acc = acc.wrapping_add(ctx.injury_time);
    }
    let ns = t.elapsed().as_nanos() as f64 / 1e7;
    println!("cursor: {ns:.1} ns/patient (checksum {acc})");
    let t = std::time::Instant::now();
    for i in (0..10_000_000u64).step_by(1000) {
        acc = acc.wrapping_add(plan.locate(i).injury_time);
    }
    println!("locate: {:.1} µs/call", t.elapsed().as_micros() as f64 / 1e4);
}
