//! The event plan (DOMAIN.md §3): per-hour casualty streams derived from (configuration, seed),
//! and the location of any patient index in it (§1.4).
//!
//! The plan costs O(days × 24 × warfare types) time and memory, independent of `total_patients`,
//! and is computed identically by every shard. Building it: the days split `N` by tempo (§3.3);
//! each day draws its special events (§3.4), splits the rest over the active warfare types (§3.5)
//! and each type's share over the hours by its pattern (§3.6); each (day, type, hour) may hold a
//! MASCAL cluster and holds an individual stream (§3.7). Patients are then numbered in
//! chronological order (§1.4): [`Plan::locate`] finds any index by binary search,
//! [`Plan::cursor`] walks them in O(1) per patient.
//!
//! The accessors ([`Plan::day_totals`], [`Plan::special_events`], [`Plan::type_day_total`],
//! [`Plan::type_hour_totals`], [`Plan::hour_streams`], …) expose every allocation for tests and
//! counters.

pub mod allocation;
mod context;
pub mod hour;
mod locate;
pub mod patterns;
pub mod special_events;

use crate::civil::DAY;
use crate::config::{Resolved, MAX_DAYS, MAX_PATIENTS};
use crate::data::environment::active_at;
use crate::data::vocab::{EnvSet, Warfare};
use crate::data::warfare::WARFARE;
use crate::rng::{keyed, tag, Xo};

pub use allocation::largest_remainder;
pub use context::{EventContext, EventId, EventKindPrefix};
pub use hour::{Stream, StreamKind};
pub use locate::Cursor;
pub use special_events::SpecialEvent;

use allocation::largest_remainder_into;
use hour::mascal_cluster;

/// Most streams in one hour: three special events plus a cluster and an individual stream for
/// each of the eight warfare types.
pub const MAX_STREAMS_PER_HOUR: usize = 3 + 2 * 8;

/// `r_{d,t}` and the hour weights of one (day, active type).
#[derive(Clone, Debug)]
struct TypeDay {
    total: u64,
    weights: [f64; 24],
}

/// The event plan of a run.
#[derive(Clone, Debug)]
pub struct Plan {
    seed: u64,
    total: u64,
    days: u32,
    base_midnight: i64,
    /// Active environmental conditions by hour of the day.
    env: [EnvSet; 24],
    /// Active warfare types in canonical order.
    active: Vec<Warfare>,
    day_totals: Vec<u64>,
    /// Special events by day, then kind.
    special: Vec<SpecialEvent>,
    /// `(d − 1) · active.len() + a`.
    type_days: Vec<TypeDay>,
    /// Patients before hour `j = (d − 1) · 24 + h`; `days · 24 + 1` entries.
    hour_cum: Vec<u64>,
    /// First stream of hour `j` in `streams`; `days · 24 + 1` entries.
    hour_first: Vec<u32>,
    /// Every hour's streams in rank order, hour after hour.
    streams: Vec<Stream>,
}

impl Plan {
    /// Builds the plan for a resolved configuration and seed.
    ///
    /// Never panics. Out-of-range values that validation rejects are clamped (days to 1…365,
    /// patients to 2^40); with no active warfare type only special events are placed, so
    /// [`Plan::total`] is then smaller than `total_patients`.
    pub fn new(cfg: &Resolved, seed: u64) -> Plan {
        let days = cfg.days_of_fighting.clamp(1, MAX_DAYS);
        let n = cfg.total_patients.min(MAX_PATIENTS);
        let ef = cfg.intensity.event_frequency();
        let mm = cfg.intensity.mascal_multiplier();
        let mut env = [EnvSet::default(); 24];
        for (h, e) in env.iter_mut().enumerate() {
            *e = active_at(&cfg.environmental_conditions, h as u8);
        }
        let active: Vec<Warfare> = Warfare::TYPES.iter().copied().filter(|t| cfg.warfare_types[t.index()]).collect();
        let type_weights: Vec<f64> = active.iter().map(|t| WARFARE[t.index()].weight).collect();
        let day_weights: Vec<f64> = (1..=days).map(|d| cfg.tempo.day_weight(d)).collect();
        let day_totals = largest_remainder(n, &day_weights);

        let hours_total = days as usize * 24;
        let mut plan = Plan {
            seed,
            total: 0,
            days,
            base_midnight: cfg.base_date.midnight(),
            env,
            active,
            day_totals,
            special: Vec::new(),
            type_days: Vec::with_capacity(days as usize * type_weights.len()),
            hour_cum: Vec::with_capacity(hours_total + 1),
            hour_first: Vec::with_capacity(hours_total + 1),
            streams: Vec::new(),
        };
        plan.hour_cum.push(0);
        plan.hour_first.push(0);

        let a_count = plan.active.len();
        let mut type_totals = vec![0u64; a_count];
        let mut hour_counts = vec![[0u64; 24]; a_count];
        let mut cum = 0u64;
        for d in 1..=days {
            let n_d = plan.day_totals.get(d as usize - 1).copied().unwrap_or(0);
            let first_special = plan.special.len();
            special_events::day_events(seed, d, n_d, &cfg.special_events, ef, &mut plan.special);
            let special_sum: u64 = plan.special[first_special..].iter().map(|e| e.size).sum();
            largest_remainder_into(n_d.saturating_sub(special_sum), &type_weights, &mut type_totals);
            for (a, &t) in plan.active.iter().enumerate() {
                let mut p = Xo::new(keyed(seed, tag::HOUR_PATTERN, d as u64, t.index() as u64, 0));
                let weights = patterns::hour_weights(WARFARE[t.index()].pattern, ef, &mut p);
                largest_remainder_into(type_totals[a], &weights, &mut hour_counts[a]);
                plan.type_days.push(TypeDay { total: type_totals[a], weights });
            }
            for h in 0..24u8 {
                let before = plan.streams.len();
                for e in plan.special[first_special..].iter().filter(|e| e.hour == h) {
                    let kind = StreamKind::Special(e.kind);
                    plan.streams.push(Stream { kind, size: e.size, minute: e.minute });
                }
                for (a, &t) in plan.active.iter().enumerate() {
                    let n_h = hour_counts[a][h as usize];
                    if n_h == 0 {
                        continue;
                    }
                    let (m, minute) = mascal_cluster(seed, d, t.index(), h, n_h, mm).unwrap_or((0, 0));
                    if m > 0 {
                        plan.streams.push(Stream { kind: StreamKind::Cluster(t), size: m, minute });
                    }
                    if n_h > m {
                        plan.streams.push(Stream { kind: StreamKind::Individual(t), size: n_h - m, minute: 0 });
                    }
                }
                cum += plan.streams[before..].iter().map(|s| s.size).sum::<u64>();
                plan.hour_cum.push(cum);
                plan.hour_first.push(plan.streams.len() as u32);
            }
        }
        plan.total = cum;
        plan
    }

    /// Number of patients in the plan (= `total_patients` for every valid configuration).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The run seed the plan was built with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Days of fighting `D`.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// `n_d` for d = 1…D (index `d − 1`): the day split of §3.3, special events included.
    pub fn day_totals(&self) -> &[u64] {
        &self.day_totals
    }

    /// `n_{d,h}`: patients of hour `h` (0–23) of day `d` (1-based); 0 outside the plan.
    pub fn hour_total(&self, d: u32, h: u8) -> u64 {
        match self.hour_index(d, h) {
            Some(j) => self.hour_cum[j + 1] - self.hour_cum[j],
            None => 0,
        }
    }

    /// Patients before hour `h` of day `d` (the first index of that hour); `None` outside the plan.
    pub fn patients_before(&self, d: u32, h: u8) -> Option<u64> {
        self.hour_index(d, h).map(|j| self.hour_cum[j])
    }

    /// Every special event of the plan (size > 0), ordered by day, then kind
    /// (mass_casualty, major_offensive, ambush).
    pub fn special_events(&self) -> &[SpecialEvent] {
        &self.special
    }

    /// The active warfare types in canonical order.
    pub fn active_types(&self) -> &[Warfare] {
        &self.active
    }

    /// `r_{d,t}`: patients of warfare type `t` on day `d` (1-based), 0 for inactive types.
    pub fn type_day_total(&self, d: u32, t: Warfare) -> u64 {
        self.type_day(d, t).map_or(0, |x| x.total)
    }

    /// The 24 pattern weights `w_h` of (day `d`, type `t`) (§3.6); `None` for an inactive type.
    pub fn type_hour_weights(&self, d: u32, t: Warfare) -> Option<&[f64; 24]> {
        self.type_day(d, t).map(|x| &x.weights)
    }

    /// `n_{d,t,h}` for h = 0…23: patients of type `t` per hour of day `d` (cluster plus individual
    /// stream), equal to `LR(r_{d,t}, w)`.
    pub fn type_hour_totals(&self, d: u32, t: Warfare) -> [u64; 24] {
        let mut out = [0u64; 24];
        for (h, o) in out.iter_mut().enumerate() {
            *o = self
                .hour_streams(d, h as u8)
                .iter()
                .filter(|s| matches!(s.kind, StreamKind::Cluster(x) | StreamKind::Individual(x) if x == t))
                .map(|s| s.size)
                .sum();
        }
        out
    }

    /// The streams of hour `h` of day `d` in rank order (empty streams omitted): special events,
    /// then per active type its MASCAL cluster and its individual stream (§3.7).
    pub fn hour_streams(&self, d: u32, h: u8) -> &[Stream] {
        match self.hour_index(d, h) {
            Some(j) => self.streams_of(j),
            None => &[],
        }
    }

    /// Global hour index `(d − 1) · 24 + h`, if inside the plan.
    fn hour_index(&self, d: u32, h: u8) -> Option<usize> {
        if d == 0 || d > self.days || h > 23 {
            return None;
        }
        Some((d as usize - 1) * 24 + h as usize)
    }

    /// The streams of global hour `j`.
    fn streams_of(&self, j: usize) -> &[Stream] {
        let (a, b) = (self.hour_first[j] as usize, self.hour_first[j + 1] as usize);
        self.streams.get(a..b).unwrap_or(&[])
    }

    fn type_day(&self, d: u32, t: Warfare) -> Option<&TypeDay> {
        let a = self.active.iter().position(|&x| x == t)?;
        if d == 0 || d > self.days {
            return None;
        }
        self.type_days.get((d as usize - 1) * self.active.len() + a)
    }

    /// Injury time of second 0 of global hour `j`.
    fn hour_base(&self, j: usize) -> i64 {
        self.base_midnight + (j / 24) as i64 * DAY + (j % 24) as i64 * 3600
    }
}
