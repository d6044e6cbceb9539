//! Locating patients in the plan (DOMAIN.md §1.4): random access by binary search, and the
//! sequential cursor that merges an hour's streams by (offset, rank).
//!
//! Both orders are the same: patients sorted by (injury time, stream rank, slot). The cursor owns
//! one fixed-size lane per stream of the current hour, so walking allocates nothing.

use super::context::{EventContext, EventId, EventKindPrefix};
use crate::data::vocab::{EnvSet, Warfare};

use super::hour::{Individual, Stream, StreamKind};
use super::{Plan, MAX_STREAMS_PER_HOUR};

/// Key of an exhausted lane (larger than any `offset << 5 | rank`).
const DONE: u32 = u32::MAX;

/// Where patient `i` is: hour, second of the hour, stream rank within the hour and slot.
#[derive(Clone, Copy, Debug)]
struct Position {
    hour: usize,
    second: u32,
    rank: usize,
    slot: u64,
}

/// One stream of the current hour, positioned at its next slot and the event containing it.
#[derive(Clone, Copy, Debug, Default)]
struct Lane {
    prefix: EventKindPrefix,
    label: &'static str,
    scenario: Warfare,
    mass_casualty: bool,
    individual: bool,
    ind: Individual,
    size: u64,
    minute: u8,
    rank: u32,
    /// Next slot to emit.
    next: u64,
    /// First slot and one past the last slot of the event containing `next`.
    ev_start: u64,
    ev_end: u64,
    /// Offset in seconds of that event.
    offset: u16,
    /// `offset << 5 | rank`, or [`DONE`].
    key: u32,
}

impl Lane {
    fn new(s: &Stream, ind: Individual, rank: usize, slot: u64) -> Lane {
        let mut lane = Lane {
            prefix: s.kind.prefix(),
            label: s.kind.label(),
            scenario: s.kind.scenario(),
            mass_casualty: s.kind.mass_casualty(),
            individual: matches!(s.kind, StreamKind::Individual(_)),
            ind,
            size: s.size,
            minute: s.minute,
            rank: rank as u32,
            next: slot,
            ..Lane::default()
        };
        lane.enter_event(false);
        lane
    }

    /// Sets the event of slot `next` (`at_start`: `next` is known to start an event).
    #[inline]
    fn enter_event(&mut self, at_start: bool) {
        if self.next >= self.size {
            self.key = DONE;
            return;
        }
        if self.individual {
            self.ev_start = if at_start { self.next } else { self.ind.event_start(self.next) };
            self.ev_end = self.ind.event_end(self.ev_start);
            self.offset = self.ind.start_offset(self.ev_start);
        } else {
            self.ev_start = 0;
            self.ev_end = self.size;
            self.offset = self.minute as u16 * 60;
        }
        self.key = (self.offset as u32) << 5 | self.rank;
    }

    /// Writes slot `next` as patient `index` into `out` and advances.
    #[inline]
    fn emit(&mut self, hour: &HourInfo, index: u64, out: &mut EventContext) {
        out.index = index;
        out.day = hour.day;
        out.hour = hour.hour;
        out.injury_time = hour.base + self.offset as i64;
        out.scenario = self.scenario;
        out.event_id = EventId {
            prefix: self.prefix,
            label: self.label,
            day: hour.day,
            hour: hour.hour,
            minute: (self.offset / 60) as u8,
            seq: if self.individual { self.ev_start } else { 0 },
        };
        out.mass_casualty = self.mass_casualty;
        out.environment = hour.env;
        self.next += 1;
        if self.next >= self.ev_end {
            self.enter_event(true);
        }
    }
}

/// The fixed facts of one hour.
#[derive(Clone, Copy, Debug, Default)]
struct HourInfo {
    /// Global hour index `(d − 1) · 24 + h`.
    index: usize,
    day: u32,
    hour: u8,
    base: i64,
    env: EnvSet,
}

impl Plan {
    fn hour_info(&self, j: usize) -> HourInfo {
        HourInfo {
            index: j,
            day: (j / 24) as u32 + 1,
            hour: (j % 24) as u8,
            base: self.hour_base(j),
            env: self.env[j % 24],
        }
    }

    /// The grouping of every individual stream of hour `j` (default for single events).
    fn individuals(&self, j: usize, streams: &[Stream]) -> [Individual; MAX_STREAMS_PER_HOUR] {
        let mut out = [Individual::default(); MAX_STREAMS_PER_HOUR];
        let (d, h) = ((j / 24) as u32 + 1, (j % 24) as u8);
        for (o, s) in out.iter_mut().zip(streams) {
            if let StreamKind::Individual(t) = s.kind {
                *o = Individual::new(self.seed, d, t.index(), h, s.size);
            }
        }
        out
    }

    /// §1.4: the hour by binary search over cumulative totals, then the second `x*` with
    /// `C(x*) ≤ r < C(x* + 1)`, then the stream and slot at that second in rank order.
    fn position(&self, i: u64) -> Option<Position> {
        if i >= self.total {
            return None;
        }
        let hour = self.hour_cum.partition_point(|&c| c <= i).checked_sub(1)?;
        let r = i - self.hour_cum.get(hour)?;
        let streams = self.streams_of(hour);
        let inds = self.individuals(hour, streams);
        let c = |x: u32| -> u64 { streams.iter().zip(&inds).map(|(s, ind)| s.count_before(ind, x)).sum() };
        // C(0) = 0 ≤ r < C(3600) = hour total.
        let (mut lo, mut hi) = (0u32, 3600u32);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if c(mid) <= r {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let mut rest = r - c(lo);
        for (rank, (s, ind)) in streams.iter().zip(&inds).enumerate() {
            let before = s.count_before(ind, lo);
            let here = s.count_before(ind, lo + 1) - before;
            if rest < here {
                return Some(Position { hour, second: lo, rank, slot: before + rest });
            }
            rest -= here;
        }
        None
    }

    /// Random access: the event context of patient `i` (§1.4), O(log) in the plan size.
    ///
    /// Past the end (`i ≥ total()`) the context is the default one with `index = i`.
    pub fn locate(&self, i: u64) -> EventContext {
        let mut out = EventContext { index: i, ..Default::default() };
        if let Some(p) = self.position(i) {
            let streams = self.streams_of(p.hour);
            let inds = self.individuals(p.hour, streams);
            if let (Some(s), Some(&ind)) = (streams.get(p.rank), inds.get(p.rank)) {
                Lane::new(s, ind, p.rank, p.slot).emit(&self.hour_info(p.hour), i, &mut out);
            }
        }
        out
    }

    /// A sequential cursor positioned at patient `start` (positioned by random access, then
    /// O(1) amortised per patient and allocation-free).
    pub fn cursor(&self, start: u64) -> Cursor<'_> {
        let mut c = Cursor {
            plan: self,
            index: start,
            hour: HourInfo::default(),
            hours: self.hour_cum.len().saturating_sub(1),
            lanes: [Lane::default(); MAX_STREAMS_PER_HOUR],
            n_lanes: 0,
            current: None,
        };
        match self.position(start) {
            Some(p) => c.load_hour(p.hour, Some(p)),
            None => c.hour.index = c.hours,
        }
        c
    }
}

/// Sequential walk through the plan in patient order, O(1) amortised per patient.
///
/// Within an hour it repeatedly takes the stream whose next slot has the smallest
/// (offset, rank), emitting a whole run of equal keys without searching again.
#[derive(Clone, Debug)]
pub struct Cursor<'p> {
    plan: &'p Plan,
    /// Index of the next patient.
    index: u64,
    hour: HourInfo,
    /// Number of hours of the plan.
    hours: usize,
    lanes: [Lane; MAX_STREAMS_PER_HOUR],
    n_lanes: usize,
    /// The lane holding the smallest key, while its key is unchanged.
    current: Option<usize>,
}

impl Cursor<'_> {
    /// Loads the lanes of hour `j`: at slot 0, or at the patient of position `p` (§1.4: streams
    /// ranked before `p`'s have emitted their slots at offsets ≤ x*, later ones those < x*).
    fn load_hour(&mut self, j: usize, p: Option<Position>) {
        let plan = self.plan;
        let streams = plan.streams_of(j);
        let inds = plan.individuals(j, streams);
        self.hour = plan.hour_info(j);
        self.n_lanes = streams.len().min(MAX_STREAMS_PER_HOUR);
        self.current = None;
        for (rank, ((lane, s), &ind)) in self.lanes.iter_mut().zip(streams).zip(&inds).enumerate() {
            let slot = match p {
                None => 0,
                Some(p) if rank < p.rank => s.count_before(&ind, p.second + 1),
                Some(p) if rank == p.rank => p.slot,
                Some(p) => s.count_before(&ind, p.second),
            };
            *lane = Lane::new(s, ind, rank, slot);
        }
    }

    /// Writes the context of the next patient into `out`; `false` past the end.
    #[inline]
    pub fn next_into(&mut self, out: &mut EventContext) -> bool {
        if self.index >= self.plan.total {
            return false;
        }
        let c = loop {
            if let Some(c) = self.current {
                break c;
            }
            let mut best = DONE;
            let mut pick = None;
            for (i, lane) in self.lanes[..self.n_lanes].iter().enumerate() {
                if lane.key < best {
                    best = lane.key;
                    pick = Some(i);
                }
            }
            if pick.is_some() {
                self.current = pick;
                continue;
            }
            // Hour exhausted: the next hour with patients.
            let mut j = self.hour.index + 1;
            while j < self.hours && self.plan.hour_cum[j + 1] == self.plan.hour_cum[j] {
                j += 1;
            }
            if j >= self.hours {
                return false;
            }
            self.load_hour(j, None);
        };
        let Some(lane) = self.lanes.get_mut(c) else {
            return false;
        };
        let key = lane.key;
        lane.emit(&self.hour, self.index, out);
        if lane.key != key {
            self.current = None;
        }
        self.index += 1;
        true
    }
}

impl Iterator for Cursor<'_> {
    type Item = EventContext;

    fn next(&mut self) -> Option<EventContext> {
        let mut ctx = EventContext::default();
        self.next_into(&mut ctx).then_some(ctx)
    }
}
