//! The clinical model (docs/MODEL.md): injury first, everything from it.
//!
//! Stream A draws the mechanism, the conditions with their body region and AIS, the ISS, the
//! latent physiology and the triage ([`draw_injury`]); stream F builds the evacuation and the
//! outcome from the physiology and the times to care ([`flow::run`]); stream M records the
//! treatments and the vital signs of each visit at the time of the visit ([`care::fill_visits`]).
//! The latent state that links the three streams is a [`Physiology`], local to one patient.

pub mod care;
pub mod flow;
pub mod tables;

use crate::data::conditions::{self as c, ConditionId, Site};
use crate::data::vocab::{BodyPart, InjuryType, IssRegion, Mechanism, Priority, SeverityText, Triage};
use crate::patient::attributes;
use crate::patient::record::{ClinicalFields, PatientRecord, MAX_CONDITIONS};
use crate::plan::EventContext;
use crate::rng::Xo;
use tables::{Kind, AIS_WEIGHTS};

/// Where a haemorrhage is, which decides what can stop it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bleed {
    /// No haemorrhage that matters.
    #[default]
    None,
    /// Extremity: a tourniquet stops it.
    Compressible,
    /// Junctional (groin, axilla, neck root) or truncal: only surgery stops it.
    NonCompressible,
}

/// What stops the clock of a life-threatening injury.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stop {
    /// Nothing threatens life in the first hours.
    #[default]
    Nothing,
    /// First aid at the point of injury (tourniquet, needle decompression, antidote), or Role 1
    /// if first aid fails.
    FirstAid,
    /// Damage-control surgery (Role 2 or 3).
    Surgery,
    /// Neurosurgery (Role 3).
    Neurosurgery,
    /// Nothing: the injury is not survivable.
    Unsalvageable,
}

/// The latent physiology of one casualty, linking streams A, F and M.
#[derive(Clone, Copy, Debug, Default)]
pub struct Physiology {
    /// Haemorrhage site class.
    pub bleed: Bleed,
    /// AIS of the worst haemorrhage-capable injury (0 when none).
    pub bleed_ais: u8,
    /// Highest AIS in the head/neck region (brain injury).
    pub head_ais: u8,
    /// Highest AIS of a chest injury (haemo/pneumothorax, respiratory failure).
    pub chest_ais: u8,
    /// Highest AIS of a burn.
    pub burn_ais: u8,
    /// Level (1–6) of a chemical agent: nerve, blister or choking.
    pub nerve: u8,
    /// Level (1–6) of blister-agent injury.
    pub blister: u8,
    /// Level (1–6) of choking-agent injury.
    pub choking: u8,
    /// Level (1–6) of radiation injury.
    pub radiation: u8,
    /// Level (1–3) of an illness (disease casualties).
    pub illness: u8,
    /// Febrile illness.
    pub fever: bool,
    /// Highest AIS.
    pub max_ais: u8,
    /// Injury Severity Score.
    pub iss: u8,
    /// A traumatic amputation.
    pub amputation: bool,
    /// A lower-limb injury that stops the casualty walking.
    pub non_walking: bool,
    /// Minutes to death if the clock is not stopped (infinite when nothing threatens life).
    pub t_death: f64,
    /// What stops the clock.
    pub stop: Stop,
    /// Probability of a late death (after the acute phase) with timely surgery.
    pub late_risk: f64,
    /// Needs surgery (Role 2+).
    pub needs_surgery: bool,
    /// Needs neurosurgery (Role 3).
    pub needs_neurosurgery: bool,
    /// Peak blood-loss fraction when the bleeding is not lethal.
    pub bl_cap: f64,
    // Filled by the flow (minutes since injury), read by care.
    /// When first aid reached the casualty.
    pub t_first_aid: f64,
    /// When the first vital signs were taken at the point of injury.
    pub t_observe: f64,
    /// Whether first aid stopped the clock (tourniquet, needle, antidote).
    pub first_aid_ok: bool,
    /// When the clock was stopped (infinite if never).
    pub t_control: f64,
    /// From when resuscitation with blood slowed the clock (infinite if never).
    pub t_blood: f64,
    /// When the casualty died (infinite if alive).
    pub t_dead: f64,
}

impl Physiology {
    /// Blood-loss fraction at `t` minutes (ATLS classes: < 0.15 class I … > 0.40 class IV).
    pub fn blood_loss(&self, t: f64) -> f64 {
        if self.bleed == Bleed::None && self.bl_cap == 0.0 {
            return 0.0;
        }
        let lethal = self.t_death.is_finite() && matches!(self.stop, Stop::FirstAid | Stop::Surgery);
        let start = 0.05;
        let raw = if lethal && self.bleed != Bleed::None {
            // Rises to 0.5 (death) at the untreated time to death, slower after blood.
            let clock = clock_at(self, t.min(self.t_control));
            start + 0.45 * (clock / self.t_death).min(1.0)
        } else {
            // Not lethal: rises to its cap within 30 minutes.
            start + (self.bl_cap - start).max(0.0) * (t.min(self.t_control) / 30.0).min(1.0)
        };
        // After control, resuscitation restores volume over 6 hours to class I.
        if t > self.t_control && self.t_control.is_finite() {
            let k = ((t - self.t_control) / 360.0).min(1.0);
            return raw + (0.1_f64.min(raw) - raw) * k;
        }
        raw
    }
}

/// The untreated-equivalent time elapsed at `t`: the clock runs at full speed until blood is
/// given, then at [`tables::BLOOD_RATE`] (docs/MODEL.md §4).
pub fn clock_at(p: &Physiology, t: f64) -> f64 {
    if t <= p.t_blood {
        t
    } else {
        p.t_blood + tables::BLOOD_RATE * (t - p.t_blood)
    }
}

/// Minutes at which the clock reaches `p.t_death`, given the blood time.
pub fn death_time(p: &Physiology) -> f64 {
    if p.t_death <= p.t_blood {
        p.t_death
    } else {
        p.t_blood + (p.t_death - p.t_blood) / tables::BLOOD_RATE
    }
}

/// Draws the clinical injury into `rec` and `phys` (stream A, after A1–A4).
pub fn draw_injury(ctx: &EventContext, a: &mut Xo, rec: &mut PatientRecord, phys: &mut Physiology) {
    *phys = Physiology { t_death: f64::INFINITY, ..Physiology::default() };
    let it = rec.injury_type;
    let mechanism = match it {
        InjuryType::BattleInjury => {
            let w = &tables::MECHANISM_WEIGHTS[ctx.scenario.index()];
            tables::MECHANISMS[a.categorical(w).min(tables::MECHANISMS.len() - 1)]
        }
        InjuryType::NonBattleInjury => Mechanism::NonBattleInjury,
        InjuryType::Disease => Mechanism::Disease,
    };

    // Conditions: the primary from the mechanism's pool (environmental override first for NBI),
    // then secondaries from the same pool without replacement.
    rec.conditions.clear();
    let pool = tables::pool(mechanism);
    let mut primary = None;
    if it == InjuryType::NonBattleInjury {
        primary = attributes::env_override(ctx, a);
    }
    let primary = primary.unwrap_or_else(|| attributes::pick_pool(a, pool));
    rec.conditions.push(primary);
    let poly = tables::polytrauma(mechanism);
    if poly > 0.0 && a.bernoulli(poly) {
        let k = (1 + a.poisson(0.6) as usize).min(MAX_CONDITIONS - 1);
        let mut w = [0.0f64; tables::MAX_POOL];
        let n = pool.conditions.len().min(tables::MAX_POOL);
        w[..n].copy_from_slice(&pool.weights[..n]);
        for (x, &cid) in w[..n].iter_mut().zip(pool.conditions) {
            if cid == primary {
                *x = 0.0;
            }
        }
        for _ in 0..k {
            if w[..n].iter().all(|&x| x == 0.0) {
                break;
            }
            let i = a.categorical(&w[..n]);
            if let (Some(&cid), Some(x)) = (pool.conditions.get(i), w.get_mut(i)) {
                *x = 0.0;
                let _ = rec.conditions.try_push(cid);
            }
        }
    }

    // Body part, ISS region and AIS per condition.
    let mut cf = ClinicalFields { mechanism, ..ClinicalFields::default() };
    let mut region_max = [0u8; 6];
    for (k, &cid) in rec.conditions.iter().enumerate() {
        let part = body_part(a, cid);
        if k == 0 {
            rec.body_part = part;
        }
        let kind = tables::kind(cid);
        let region = iss_region(a, cid, kind, part);
        let group = match region {
            IssRegion::HeadNeck => 0,
            IssRegion::Chest | IssRegion::Abdomen => 1,
            IssRegion::Face | IssRegion::Extremities | IssRegion::External => 2,
        };
        let ais = 1 + a.categorical(&AIS_WEIGHTS[kind as usize][group]).min(5) as u8;
        cf.ais[k] = ais;
        cf.region[k] = region;
        let r = &mut region_max[region.index()];
        *r = (*r).max(ais);
        physiology_of(a, phys, cid, kind, region, part, ais);
    }
    cf.iss = iss(&region_max);
    phys.iss = cf.iss;
    phys.max_ais = region_max.iter().copied().max().unwrap_or(0);
    if it == InjuryType::Disease {
        phys.illness = cf.ais[0].clamp(1, 3);
    }
    lethality(a, phys, cf.iss, it);

    // Life threats named as conditions where there is room: haemorrhagic shock (class III–IV
    // blood loss within the first half hour untreated) and tension pneumothorax.
    if phys.bleed != Bleed::None && phys.bleed_ais >= 4 && rec.conditions.len() < MAX_CONDITIONS {
        cf.ais[rec.conditions.len()] = phys.bleed_ais;
        cf.region[rec.conditions.len()] = IssRegion::External;
        rec.conditions.push(c::HEMORRHAGIC_SHOCK);
    }
    if phys.chest_ais >= 4 && phys.choking == 0 && rec.conditions.len() < MAX_CONDITIONS {
        cf.ais[rec.conditions.len()] = phys.chest_ais;
        cf.region[rec.conditions.len()] = IssRegion::Chest;
        rec.conditions.push(c::TENSION_PNEUMOTHORAX);
    }

    // Triage from physiology at first assessment, then realistic mis-triage.
    let due = triage_due(phys, cf.iss, it);
    let tri = mistriage(a, due);
    rec.triage = tri;
    cf.priority = match tri {
        Triage::T1 if phys.needs_surgery || phys.needs_neurosurgery => Priority::UrgentSurgical,
        Triage::T1 => Priority::Urgent,
        Triage::T2 => Priority::Priority,
        Triage::T3 => Priority::Routine,
    };

    // The text severity and the numeric severity kept from the record of DOMAIN.md §6.5.
    let text = match cf.ais[0] {
        0 | 1 => SeverityText::MildToModerate,
        2 => SeverityText::Moderate,
        3 => SeverityText::ModerateToSevere,
        _ => SeverityText::Severe,
    };
    rec.primary_severity = text;
    rec.severity = text.base() + rec.conditions.len().saturating_sub(1).min(2) as u8;
    rec.clinical = Some(cf);
}

/// The body part of a condition: fixed by its site, or drawn by Owens 2008's wound distribution.
fn body_part(a: &mut Xo, cid: ConditionId) -> BodyPart {
    use attributes::side;
    match cid.info().site {
        Site::Head => BodyPart::Head,
        Site::Torso => BodyPart::Torso,
        Site::Arm => side(a, BodyPart::LeftArm, BodyPart::RightArm),
        Site::Leg => side(a, BodyPart::LeftLeg, BodyPart::RightLeg),
        Site::Limb => tables::LIMB_PARTS[a.categorical(&tables::LIMB_WEIGHTS).min(3)],
        Site::Any => tables::ANY_PARTS[a.categorical(&tables::ANY_WEIGHTS).min(5)],
    }
}

/// The ISS region of a condition on a body part.
fn iss_region(a: &mut Xo, cid: ConditionId, kind: Kind, part: BodyPart) -> IssRegion {
    match kind {
        Kind::Burn | Kind::SoftMinor | Kind::Illness | Kind::Nerve | Kind::Radiation | Kind::Environmental => {
            IssRegion::External
        }
        Kind::Blister | Kind::Choking => IssRegion::Chest,
        _ => match part {
            BodyPart::Head => {
                if matches!(cid, c::FACIAL_LACERATION) || (kind == Kind::Penetrating && a.bernoulli(0.55)) {
                    // Owens 2008: face, eyes and ears carry 19 of the 30 % of wounds above the neck.
                    IssRegion::Face
                } else {
                    IssRegion::HeadNeck
                }
            }
            BodyPart::Torso => match cid {
                c::BLUNT_INJURY_OF_ABDOMEN | c::ABDOMINAL_PAIN => IssRegion::Abdomen,
                c::HEMOTHORAX | c::RESPIRATORY_DISTRESS | c::FRACTURE_OF_RIB => IssRegion::Chest,
                // Owens 2008: thorax 6 %, abdomen 11 % of wounds.
                _ if a.bernoulli(6.0 / 17.0) => IssRegion::Chest,
                _ => IssRegion::Abdomen,
            },
            _ => IssRegion::Extremities,
        },
    }
}

/// ISS (Baker 1974): the sum of the squares of the three highest regional AIS; 75 when any is 6.
pub fn iss(region_max: &[u8; 6]) -> u8 {
    if region_max.contains(&6) {
        return 75;
    }
    let mut v = *region_max;
    v.sort_unstable_by(|x, y| y.cmp(x));
    (v[0] as u32 * v[0] as u32 + v[1] as u32 * v[1] as u32 + v[2] as u32 * v[2] as u32) as u8
}

/// Accumulates what one condition does to the physiology.
fn physiology_of(
    a: &mut Xo,
    p: &mut Physiology,
    cid: ConditionId,
    kind: Kind,
    region: IssRegion,
    part: BodyPart,
    ais: u8,
) {
    match kind {
        Kind::Penetrating | Kind::Amputation | Kind::OpenFracture | Kind::Crush | Kind::Abdominal => {
            let bleeds = kind != Kind::Crush || ais >= 3;
            if bleeds && ais >= 2 && ais > p.bleed_ais {
                p.bleed_ais = ais;
                p.bleed = if region == IssRegion::Extremities && !a.bernoulli(tables::JUNCTIONAL_SHARE) {
                    Bleed::Compressible
                } else {
                    Bleed::NonCompressible
                };
            }
            if ais >= 3 && matches!(region, IssRegion::Chest | IssRegion::Abdomen) {
                p.needs_surgery = true;
            }
            if ais >= 3 && kind != Kind::Penetrating {
                p.needs_surgery = true;
            }
            if region == IssRegion::Chest {
                p.chest_ais = p.chest_ais.max(ais);
            }
            if region == IssRegion::HeadNeck {
                p.head_ais = p.head_ais.max(ais);
            }
        }
        Kind::Fracture => {
            if ais >= 3 {
                p.needs_surgery = true;
            }
            if region == IssRegion::HeadNeck {
                p.head_ais = p.head_ais.max(ais);
            }
            if region == IssRegion::Chest {
                p.chest_ais = p.chest_ais.max(ais.min(3));
            }
        }
        Kind::Tbi | Kind::Concussion => p.head_ais = p.head_ais.max(ais),
        Kind::Chest => {
            p.chest_ais = p.chest_ais.max(ais);
            if cid == c::HEMOTHORAX && ais >= 3 {
                p.bleed_ais = p.bleed_ais.max(ais);
                p.bleed = Bleed::NonCompressible;
                p.needs_surgery = true;
            }
        }
        Kind::Burn => p.burn_ais = p.burn_ais.max(ais),
        Kind::Nerve => p.nerve = p.nerve.max(ais),
        Kind::Blister => {
            p.blister = p.blister.max(ais);
            p.burn_ais = p.burn_ais.max(ais.min(4));
        }
        Kind::Choking => {
            p.choking = p.choking.max(ais);
            p.chest_ais = p.chest_ais.max(ais);
        }
        Kind::Radiation => p.radiation = p.radiation.max(ais),
        Kind::Illness => p.fever |= tables::febrile(cid),
        Kind::BurnPartial => p.burn_ais = p.burn_ais.max(ais),
        Kind::SoftMinor | Kind::Sprain | Kind::Environmental | Kind::Psych => {}
    }
    if kind == Kind::Amputation {
        p.amputation = true;
        p.needs_surgery = true;
    }
    if part.is_limb()
        && matches!(part, BodyPart::LeftLeg | BodyPart::RightLeg)
        && (ais >= 2 && matches!(kind, Kind::Fracture | Kind::OpenFracture | Kind::Amputation | Kind::Penetrating)
            || kind == Kind::Sprain)
    {
        p.non_walking = true;
    }
    // A non-lethal bleed still costs blood: class I–II by AIS.
    if matches!(kind, Kind::Penetrating | Kind::OpenFracture | Kind::Amputation | Kind::Crush) {
        p.bl_cap = p.bl_cap.max(tables::BLEED_CAP[ais.min(6) as usize]);
    }
}

/// The clock of the worst life threat and the late risk (docs/MODEL.md §4).
fn lethality(a: &mut Xo, p: &mut Physiology, iss: u8, it: InjuryType) {
    let mut candidates: [(f64, Stop); 6] = [(f64::INFINITY, Stop::Nothing); 6];
    if p.max_ais >= 6 {
        candidates[0] = (a.uniform() * 5.0, Stop::Unsalvageable);
    }
    if p.bleed_ais >= 4 || (p.bleed_ais == 3 && a.bernoulli(tables::AIS3_BLEED_LETHAL)) {
        let (median, sigma) = tables::BLEED_CLOCK[(p.bleed_ais.min(5) - 3) as usize];
        let stop = if p.bleed == Bleed::Compressible { Stop::FirstAid } else { Stop::Surgery };
        candidates[1] = (lognormal(a, median, sigma), stop);
    }
    if p.head_ais >= 4 {
        let (unsalvageable, median, sigma) = tables::HEAD_CLOCK[(p.head_ais.min(5) - 4) as usize];
        if a.bernoulli(unsalvageable) {
            candidates[2] = (lognormal(a, median, sigma), Stop::Unsalvageable);
        } else if p.head_ais >= 4 {
            p.needs_neurosurgery = true;
            candidates[2] =
                (lognormal(a, tables::NEUROSURGERY_CLOCK.0, tables::NEUROSURGERY_CLOCK.1), Stop::Neurosurgery);
        }
    }
    if p.chest_ais >= 4 && p.choking == 0 {
        candidates[3] = (lognormal(a, tables::CHEST_CLOCK.0, tables::CHEST_CLOCK.1), Stop::FirstAid);
    }
    if p.nerve >= 3 {
        let (median, sigma) = tables::NERVE_CLOCK[(p.nerve.min(5) - 3) as usize];
        candidates[4] = (lognormal(a, median, sigma), Stop::FirstAid);
    }
    if p.choking >= 4 {
        // Delayed pulmonary oedema: ventilation at a surgical facility stops it.
        candidates[5] = (lognormal(a, tables::CHOKING_CLOCK.0, tables::CHOKING_CLOCK.1), Stop::Surgery);
    }
    let mut best = (f64::INFINITY, Stop::Nothing);
    for c in candidates {
        if c.0 < best.0 {
            best = c;
        }
    }
    p.t_death = best.0;
    p.stop = best.1;
    let band = tables::ISS_BANDS.iter().position(|&b| iss < b).unwrap_or(tables::ISS_BANDS.len());
    let mut late = tables::LATE_RISK[band];
    if p.burn_ais >= 4 {
        late = late.max(tables::BURN_LATE_RISK[(p.burn_ais.min(6) - 4) as usize]);
    }
    if p.radiation >= 4 {
        late = late.max(tables::RADIATION_LATE_RISK[(p.radiation.min(6) - 4) as usize]);
    }
    if it == InjuryType::Disease {
        late = tables::ILLNESS_LATE_RISK[(p.illness.clamp(1, 3) - 1) as usize];
    }
    p.late_risk = late;
}

/// `exp(N(ln median, σ))` minutes.
pub fn lognormal(a: &mut Xo, median: f64, sigma: f64) -> f64 {
    median * libm::exp(a.normal(0.0, sigma))
}

/// Heart rate, systolic pressure, respiratory rate, SpO2 and GCS without noise at `t` minutes.
pub fn expected_vitals(p: &Physiology, t: f64) -> [f64; 5] {
    let bl = p.blood_loss(t);
    let shock = (bl - 0.1).max(0.0);
    // Pain and the stress response of major trauma (ISS) raise the heart rate a little.
    let pain = 3.0 * p.max_ais as f64 + 0.4 * (p.iss.min(50) as f64);
    let mut hr = 75.0 + 170.0 * shock + pain;
    let mut sbp = 122.0 - 300.0 * (bl - 0.25).max(0.0) - 0.2 * (p.iss.min(50) as f64);
    let mut rr = 16.0 + 60.0 * (bl - 0.15).max(0.0);
    let mut spo2 = 98.0 - if bl > 0.35 { 4.0 } else { 0.0 };
    let mut gcs = 15.0 - tables::GCS_DROP[p.head_ais.min(6) as usize];
    if bl > 0.4 {
        gcs -= 3.0;
    }
    if p.chest_ais >= 3 {
        let k = (p.chest_ais - 2) as f64;
        rr += 4.0 * k;
        spo2 -= 4.0 * k;
        hr += 4.0 * k;
    }
    if p.nerve >= 2 {
        // Cholinergic crisis: bradycardia, bronchorrhoea, falling consciousness.
        let k = (p.nerve - 1) as f64;
        hr -= 8.0 * k;
        rr += 3.0 * k;
        spo2 -= 2.5 * k;
        gcs -= 2.0 * (p.nerve as f64 - 2.0).max(0.0);
    }
    if p.burn_ais >= 3 {
        hr += 10.0 * (p.burn_ais - 2) as f64;
    }
    if p.fever {
        hr += 12.0;
        rr += 2.0;
    }
    if p.illness >= 2 {
        hr += 8.0 * (p.illness - 1) as f64;
        sbp -= 6.0 * (p.illness - 1) as f64;
    }
    // Recovery after the clock was stopped: chest and agent effects fade over 12 h.
    if t > p.t_control && p.t_control.is_finite() {
        let k = ((t - p.t_control) / 720.0).min(1.0);
        spo2 += (97.0 - spo2).max(0.0) * k;
        rr += (17.0 - rr).min(0.0) * k;
    }
    [hr, sbp, rr, spo2.min(100.0), gcs.clamp(3.0, 15.0)]
}

/// The triage a correct sieve gives at first assessment (docs/MODEL.md §3).
fn triage_due(p: &Physiology, iss: u8, it: InjuryType) -> Triage {
    if it == InjuryType::Disease {
        return match p.illness {
            3 => Triage::T1,
            2 => Triage::T2,
            _ => Triage::T3,
        };
    }
    let v = expected_vitals(p, 10.0);
    let catastrophic = p.bleed_ais >= 4 || p.t_death < 120.0;
    if catastrophic || v[0] > 120.0 || v[1] < 90.0 || v[2] > 30.0 || v[3] < 90.0 || v[4] <= 12.0 || iss >= 25 {
        Triage::T1
    } else if iss >= 9 || p.max_ais >= 3 || p.non_walking || p.needs_surgery {
        Triage::T2
    } else {
        Triage::T3
    }
}

/// Over- and under-triage (docs/MODEL.md §3).
fn mistriage(a: &mut Xo, due: Triage) -> Triage {
    let u = a.uniform();
    match due {
        Triage::T1 if u < tables::UNDERTRIAGE => Triage::T2,
        Triage::T2 if u < tables::OVERTRIAGE => Triage::T1,
        Triage::T2 if u < tables::OVERTRIAGE + tables::T2_DOWN => Triage::T3,
        Triage::T3 if u < tables::T3_UP => Triage::T2,
        t => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iss_sums_the_three_worst_regions() {
        assert_eq!(iss(&[3, 0, 4, 0, 2, 1]), 9 + 16 + 4);
        assert_eq!(iss(&[1, 0, 0, 0, 0, 0]), 1);
        assert_eq!(iss(&[6, 0, 0, 0, 1, 0]), 75);
        assert_eq!(iss(&[5, 5, 5, 5, 0, 0]), 75);
    }

    #[test]
    fn shock_follows_the_atls_classes() {
        let mut p = Physiology {
            t_death: f64::INFINITY,
            t_control: f64::INFINITY,
            t_blood: f64::INFINITY,
            ..Default::default()
        };
        p.bleed = Bleed::Compressible;
        for (cap, hr_lo, hr_hi, sbp_lo) in [(0.12, 70.0, 100.0, 115.0), (0.5, 140.0, 200.0, 0.0)] {
            p.bl_cap = cap;
            let v = expected_vitals(&p, 60.0);
            assert!(v[0] >= hr_lo && v[0] <= hr_hi, "{cap}: {v:?}");
            assert!(v[1] >= sbp_lo, "{cap}: {v:?}");
        }
        p.bl_cap = 0.5;
        assert!(expected_vitals(&p, 60.0)[1] < 70.0);
    }

    #[test]
    fn blood_slows_the_clock() {
        let p = Physiology { t_death: 60.0, t_blood: 30.0, ..Default::default() };
        assert_eq!(death_time(&p), 30.0 + 30.0 / tables::BLOOD_RATE);
        assert_eq!(clock_at(&p, 50.0), 30.0 + 20.0 * tables::BLOOD_RATE);
        let q = Physiology { t_death: 20.0, t_blood: 30.0, ..Default::default() };
        assert_eq!(death_time(&q), 20.0);
    }
}
