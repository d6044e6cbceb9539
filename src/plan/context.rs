//! Where a patient stands in the plan: the [`EventContext`] of a patient index (its day, hour,
//! injury time, warfare type, event id and environment), computed from the plan without draws.
//! The plan produces it ([`super::Plan::locate`], [`super::Cursor`]); the patient generator and
//! the record writers read it.

use crate::data::vocab::{EnvSet, Warfare};
use crate::text::Out;

/// Kind prefix of an event id (3.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EventKindPrefix {
    /// A MASCAL cluster of one warfare type.
    #[default]
    Mc,
    /// An individual event of 1–3 casualties.
    Ind,
    /// A special event.
    Se,
}

impl EventKindPrefix {
    /// `MC`, `IND` or `SE`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKindPrefix::Mc => "MC",
            EventKindPrefix::Ind => "IND",
            EventKindPrefix::Se => "SE",
        }
    }
}

/// An event id `<MC|IND|SE>_<label>_<day>_<hhmm>_<seq>` in parts (written by the formats).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EventId {
    /// MC, IND or SE.
    pub prefix: EventKindPrefix,
    /// Warfare type (MC, IND) or special-event kind (SE), as written.
    pub label: &'static str,
    /// 1-based day.
    pub day: u32,
    /// Hour of the event time.
    pub hour: u8,
    /// Minute of the event time.
    pub minute: u8,
    /// 0 for MC and SE, the first slot index for IND.
    pub seq: u64,
}

impl EventId {
    /// Appends the id's text.
    pub fn write<O: Out + ?Sized>(&self, out: &mut O) {
        let mut b = itoa::Buffer::new();
        out.put(self.prefix.as_str().as_bytes());
        out.byte(b'_');
        out.put(self.label.as_bytes());
        out.byte(b'_');
        out.put(b.format(self.day).as_bytes());
        out.byte(b'_');
        out.put(&[b'0' + self.hour / 10, b'0' + self.hour % 10, b'0' + self.minute / 10, b'0' + self.minute % 10]);
        out.byte(b'_');
        out.put(b.format(self.seq).as_bytes());
    }
}

/// Where a patient stands in the plan: everything of §4.1, computed without draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EventContext {
    /// Global patient index `i`.
    pub index: u64,
    /// 1-based day.
    pub day: u32,
    /// Hour of the day (0–23).
    pub hour: u8,
    /// Injury time, seconds since the epoch (UTC).
    pub injury_time: i64,
    /// Warfare type of the stream, or `Mixed` for special events.
    pub scenario: Warfare,
    /// Event id.
    pub event_id: EventId,
    /// MC and SE events.
    pub mass_casualty: bool,
    /// Active environmental conditions of the event (3.1.5).
    pub environment: EnvSet,
}
