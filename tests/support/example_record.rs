//! The hand-built record of DOMAIN.md §8.4 (Lithuanian soldier, DOW at Role 2), shared by the
//! format tests.

#![allow(dead_code)]

use arrayvec::ArrayVec;
use patientgen::internals::civil::Date;
use patientgen::internals::data::conditions::{FRACTURE_OF_BONE, PENETRATING_WOUND};
use patientgen::internals::data::demographics::{BloodType, Religion};
use patientgen::internals::data::procedures::{P01, P02, P05, P06, P07, P08, P09, P16, P28};
use patientgen::internals::patient::record::{
    Demographics, EventType, IdNumber, PatientRecord, TimelineEvent, Timing, Visit,
};
use patientgen::internals::plan::{EventContext, EventId, EventKindPrefix};
use patientgen::vocab::{
    BodyPart, EnvCondition, EnvSet, Facility, Gender, InjuryType, Nation, SeverityText, Status, Triage, Warfare,
};

/// 2025-06-03T05:42:00Z.
pub fn injury_time() -> i64 {
    Date::parse("2025-06-03").unwrap().midnight() + 5 * 3600 + 42 * 60
}

fn visit(
    facility: Facility,
    date: i64,
    treatments: &[patientgen::internals::data::procedures::ProcedureId],
    vitals: [i32; 5],
) -> Visit {
    let [a, b, c, d, e] = vitals;
    Visit {
        facility,
        date,
        treatments: treatments.iter().copied().collect(),
        vitals: [a, b, c, d, e, 0, 0],
        n_vitals: 5,
    }
}

/// The §8.4 example record.
pub fn example_record() -> PatientRecord {
    let t0 = injury_time();
    let ev = |kind, facility, dt: i64| TimelineEvent::new(kind, facility, t0 + dt, t0);
    let mut timeline = ArrayVec::new();
    timeline.push(ev(EventType::Arrival, Facility::Poi, 0));
    let mut e = ev(EventType::EvacuationStart, Facility::Poi, 0);
    e.duration = 36;
    timeline.push(e);
    let mut e = ev(EventType::TransitStart, Facility::Poi, 12_960);
    e.to_facility = Some(Facility::Role1);
    e.duration = 17;
    timeline.push(e);
    timeline.push(ev(EventType::Arrival, Facility::Role1, 19_080));
    let mut e = ev(EventType::EvacuationStart, Facility::Role1, 19_080);
    e.duration = 112;
    timeline.push(e);
    let mut e = ev(EventType::TransitStart, Facility::Role1, 59_400);
    e.to_facility = Some(Facility::Role2);
    e.duration = 29;
    timeline.push(e);
    timeline.push(ev(EventType::Arrival, Facility::Role2, 69_840));
    let mut e = ev(EventType::EvacuationStart, Facility::Role2, 69_840);
    e.duration = 75;
    timeline.push(e);
    let mut e = ev(EventType::Kia, Facility::Role2, 69_840 + 9_665);
    e.timing = Some(Timing::DuringEvacuation);
    e.completed = Some(27);
    timeline.push(e);

    let mut visits = ArrayVec::new();
    visits.push(visit(Facility::Poi, t0, &[P02, P01, P05], [101, 106, 21, 93, 364]));
    visits.push(visit(Facility::Role1, t0 + 19_080, &[P07, P16, P06], [93, 115, 18, 96, 368]));
    visits.push(visit(Facility::Role2, t0 + 69_840, &[P09, P08, P28], [108, 98, 22, 94, 365]));

    let mut environment = EnvSet::default();
    environment.insert(EnvCondition::NightOperations);
    let context = EventContext {
        index: 377,
        day: 3,
        hour: 5,
        injury_time: t0,
        scenario: Warfare::Artillery,
        event_id: EventId { prefix: EventKindPrefix::Mc, label: "artillery", day: 3, hour: 5, minute: 42, seq: 0 },
        mass_casualty: true,
        environment,
    };
    PatientRecord {
        clinical: None,
        id: 377,
        front: 0,
        nationality: Nation::Ltu,
        gender: Gender::Male,
        injury_type: InjuryType::BattleInjury,
        triage: Triage::T2,
        status: Status::Dow,
        last_facility: Facility::Role2,
        demographics: Demographics {
            family_name: "Rimkus",
            given_name: "Karolis",
            id_number: IdNumber::from("39803142153").unwrap(),
            birthdate: Date::parse("1998-03-14").unwrap(),
            age: 27,
            religion: Some(Religion::RomanCatholic),
            weight_tenths: 784,
            blood_type: BloodType::APos,
            rank: None,
            service: None,
        },
        conditions: [PENETRATING_WOUND, FRACTURE_OF_BONE].into_iter().collect(),
        primary_severity: SeverityText::ModerateToSevere,
        severity: 7,
        visits,
        timeline,
        context,
        body_part: BodyPart::LeftLeg,
    }
}
