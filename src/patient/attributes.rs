//! Stream A: front, nationality, gender, injury type, conditions, triage, severity and body part
//! (DOMAIN.md §4.2, §6.1–§6.6).
//!
//! Removed or excluded items of a weighted sample without replacement get weight 0 in a fixed-size
//! array: `categorical` skips zero weights and a zero adds nothing to its sum, so this equals a
//! categorical over the remaining items in their original order, without allocating.

use crate::config::Resolved;
use crate::data::conditions::{self, ConditionId, Site};
use crate::data::injuries::{self, Pool, MAX_CORRELATED, PATTERN_CONDITIONS};
use crate::data::vocab::{BodyPart, FlowModel, Gender, InjuryType, Nation, SeverityText, Triage, Warfare};
use crate::patient::clinical::{self, Physiology};
use crate::patient::record::{PatientRecord, MAX_CONDITIONS};
use crate::plan::EventContext;
use crate::rng::Xo;

/// Most secondary conditions (6.4).
const MAX_SECONDARIES: usize = MAX_CONDITIONS - 1;

/// Body-part weights for site Limb: Left Leg, Right Leg, Left Arm, Right Arm (6.6).
const LIMB_WEIGHTS: [f64; 4] = [0.35, 0.35, 0.15, 0.15];
const LIMB_PARTS: [BodyPart; 4] = [BodyPart::LeftLeg, BodyPart::RightLeg, BodyPart::LeftArm, BodyPart::RightArm];
/// Body-part weights for site Any: Torso, Head, Left Arm, Right Arm, Left Leg, Right Leg (6.6).
const ANY_WEIGHTS: [f64; 6] = [0.30, 0.15, 0.125, 0.125, 0.15, 0.15];
const ANY_PARTS: [BodyPart; 6] =
    [BodyPart::Torso, BodyPart::Head, BodyPart::LeftArm, BodyPart::RightArm, BodyPart::LeftLeg, BodyPart::RightLeg];

/// The nations of one front with their weights, index for index.
#[derive(Clone, Debug)]
struct FrontNations {
    nations: Vec<Nation>,
    weights: Vec<f64>,
}

/// Attribute tables prepared from the configuration.
#[derive(Clone, Debug)]
pub struct Attributes {
    front_weights: Vec<f64>,
    fronts: Vec<FrontNations>,
    female_share: f64,
    /// The configured injury mix (BI, NBI, Disease), delivered as given among the casualties of
    /// individual events (A4; mass-casualty and special events are battle casualties).
    injury_mix: [f64; 3],
    /// Whether the clinical model draws the injury (docs/MODEL.md) instead of A5–A10.
    clinical: bool,
    /// Triage rows per warfare type and injury type, `triage_override` applied (A8).
    triage: [[[f64; 3]; 3]; 9],
}

impl Attributes {
    /// Prepares the tables.
    pub fn new(cfg: &Resolved) -> Self {
        let front_weights = cfg.fronts.iter().map(|f| f.weight).collect();
        let fronts = cfg
            .fronts
            .iter()
            .map(|f| FrontNations {
                nations: f.nations.iter().map(|&(n, _)| n).collect(),
                weights: f.nations.iter().map(|&(_, w)| w).collect(),
            })
            .collect();
        let mut triage = injuries::TRIAGE;
        for w in Warfare::ALL {
            for (j, row) in cfg.triage_override.iter().enumerate() {
                if let Some(row) = row {
                    triage[w.index()][j] = *row;
                }
            }
        }
        Attributes {
            front_weights,
            fronts,
            female_share: cfg.demographics.female_share,
            injury_mix: cfg.injury_mix,
            clinical: cfg.flow_model == FlowModel::Clinical,
            triage,
        }
    }

    /// Draws A1–A10 from stream `a` into `rec` (under the clinical model A1–A4, then the clinical
    /// injury).
    pub fn draw(&self, ctx: &EventContext, a: &mut Xo, rec: &mut PatientRecord) {
        self.draw_with(ctx, a, rec, &mut Physiology::default());
    }

    /// [`Attributes::draw`], keeping the clinical model's latent physiology in `phys`.
    pub fn draw_with(&self, ctx: &EventContext, a: &mut Xo, rec: &mut PatientRecord, phys: &mut Physiology) {
        // A1 front, A2 nationality.
        let k = a.categorical(&self.front_weights);
        rec.front = k as u16;
        let (nations, weights): (&[Nation], &[f64]) = match self.fronts.get(k) {
            Some(f) => (&f.nations, &f.weights),
            None => (&[], &[]),
        };
        let n = a.categorical(weights);
        rec.nationality = nations.get(n).copied().unwrap_or_default();

        // A3 gender.
        rec.gender = if a.bernoulli(self.female_share) { Gender::Female } else { Gender::Male };

        // A4 injury type: mass-casualty and special events are battle casualties; the other
        // casualties follow the configured mix exactly.
        let injury_type = if ctx.mass_casualty {
            InjuryType::BattleInjury
        } else {
            match a.categorical(&self.injury_mix) {
                0 => InjuryType::BattleInjury,
                1 => InjuryType::NonBattleInjury,
                _ => InjuryType::Disease,
            }
        };
        rec.injury_type = injury_type;
        if self.clinical {
            clinical::draw_injury(ctx, a, rec, phys);
            return;
        }
        rec.clinical = None;

        // A5 environment override, A6 primary condition.
        let pattern = ctx.scenario.injury_pattern();
        let mut primary = None;
        if injury_type == InjuryType::NonBattleInjury {
            primary = env_override(ctx, a);
        }
        let primary = match primary {
            Some(p) => p,
            None => match injury_type {
                InjuryType::BattleInjury => pick(a, &PATTERN_CONDITIONS, pattern.weights()),
                InjuryType::NonBattleInjury => pick_pool(a, &injuries::NBI_POOL),
                InjuryType::Disease if ctx.scenario == Warfare::Cbrn => pick_pool(a, &injuries::CBRN_POOL),
                InjuryType::Disease => pick_pool(a, &injuries::DISEASE_POOL),
            },
        };
        rec.conditions.clear();
        rec.conditions.push(primary);

        // A7 polytrauma.
        if injury_type == InjuryType::BattleInjury && a.bernoulli(pattern.polytrauma_rate()) {
            let k = (a.poisson(1.5) as usize).clamp(1, MAX_SECONDARIES);
            let list = injuries::correlated(primary);
            if list.is_empty() {
                let mut w = *pattern.weights();
                for (x, &c) in w.iter_mut().zip(PATTERN_CONDITIONS.iter()) {
                    if c == primary || c == conditions::STRESS {
                        *x = 0.0;
                    }
                }
                let available = w.iter().filter(|&&x| x > 0.0).count();
                sample_without_replacement(a, &PATTERN_CONDITIONS, &mut w, k.min(available), rec);
            } else {
                let mut w = [0.0; MAX_CORRELATED];
                let len = list.len().min(MAX_CORRELATED);
                for x in &mut w[..len] {
                    *x = 1.0;
                }
                sample_without_replacement(a, &list[..len], &mut w[..len], k.min(len), rec);
            }
        }

        // A8 triage.
        let triage = match a.categorical(&self.triage[ctx.scenario.index()][injury_type.index()]) {
            0 => Triage::T1,
            1 => Triage::T2,
            _ => Triage::T3,
        };
        rec.triage = triage;

        // A9 text severity of the primary.
        let text = match triage {
            Triage::T1 => SeverityText::Severe,
            Triage::T2 => {
                if a.bernoulli(0.5) {
                    SeverityText::ModerateToSevere
                } else {
                    SeverityText::Moderate
                }
            }
            Triage::T3 => SeverityText::MildToModerate,
        };
        rec.primary_severity = text;
        let secondaries = rec.conditions.len().saturating_sub(1).min(2) as u8;
        rec.severity = text.base() + secondaries;

        // A10 body part.
        rec.body_part = match primary.info().site {
            Site::Head => BodyPart::Head,
            Site::Torso => BodyPart::Torso,
            Site::Arm => side(a, BodyPart::LeftArm, BodyPart::RightArm),
            Site::Leg => side(a, BodyPart::LeftLeg, BodyPart::RightLeg),
            Site::Limb => LIMB_PARTS[a.categorical(&LIMB_WEIGHTS).min(LIMB_PARTS.len() - 1)],
            Site::Any => ANY_PARTS[a.categorical(&ANY_WEIGHTS).min(ANY_PARTS.len() - 1)],
        };
    }
}

/// A5: the first active condition whose NBI override succeeds fixes the primary condition.
pub(crate) fn env_override(ctx: &EventContext, a: &mut Xo) -> Option<ConditionId> {
    for c in ctx.environment.iter() {
        if let Some((p, first, second)) = c.info().nbi_override {
            if a.bernoulli(p) {
                return Some(match second {
                    None => first,
                    Some(second) => {
                        if a.bernoulli(0.5) {
                            first
                        } else {
                            second
                        }
                    }
                });
            }
        }
    }
    None
}

/// `bernoulli(0.5)` → left, else right.
pub(crate) fn side(a: &mut Xo, left: BodyPart, right: BodyPart) -> BodyPart {
    if a.bernoulli(0.5) {
        left
    } else {
        right
    }
}

/// One `categorical` over `weights`, mapped to the condition at that index.
fn pick(a: &mut Xo, conditions: &[ConditionId], weights: &[f64]) -> ConditionId {
    let i = a.categorical(weights);
    conditions.get(i).copied().unwrap_or(conditions::STRESS)
}

pub(crate) fn pick_pool(a: &mut Xo, pool: &Pool) -> ConditionId {
    pick(a, pool.conditions, pool.weights)
}

/// Appends `k` secondaries drawn without replacement (one `categorical` each; a drawn item's
/// weight becomes 0). `k` must not exceed the number of positive weights.
fn sample_without_replacement(
    a: &mut Xo,
    items: &[ConditionId],
    weights: &mut [f64],
    k: usize,
    rec: &mut PatientRecord,
) {
    for _ in 0..k.min(MAX_SECONDARIES) {
        let i = a.categorical(weights);
        if let (Some(&c), Some(w)) = (items.get(i), weights.get_mut(i)) {
            *w = 0.0;
            let _ = rec.conditions.try_push(c);
        }
    }
}
