//! Per-patient generation (DOMAIN.md §4–§7): patient `i` is a pure function of (configuration,
//! seed, plan context, i), drawn from its own four random streams.

pub mod attributes;
pub mod clinical;
pub mod demographics;
pub mod flow;
pub mod identity;
pub mod medical;
pub mod national_id;
pub mod record;

use crate::config::Resolved;
use crate::plan::EventContext;
use crate::rng::{patient_stream, PatientStream};
use record::PatientRecord;

/// Generates patients into a reused [`PatientRecord`]; holds the tables prepared from the
/// configuration so the per-patient path does no setup work.
#[derive(Clone, Debug)]
pub struct PatientGenerator {
    seed: u64,
    attributes: attributes::Attributes,
    demographics: demographics::DemographicsDraw,
    flow: flow::Flow,
    /// Whether visits are filled by the clinical model's care (else by the reference models').
    clinical: bool,
}

impl PatientGenerator {
    /// Prepares the generator for a resolved configuration and seed.
    pub fn new(cfg: &Resolved, seed: u64) -> Self {
        PatientGenerator {
            seed,
            attributes: attributes::Attributes::new(cfg),
            demographics: demographics::DemographicsDraw::new(cfg, seed),
            flow: flow::Flow::new(cfg),
            clinical: cfg.flow_model == crate::data::vocab::FlowModel::Clinical,
        }
    }

    /// Generates patient `ctx.index` into `rec` (overwriting every field).
    pub fn generate(&self, ctx: &EventContext, rec: &mut PatientRecord) {
        rec.id = ctx.index;
        rec.context = *ctx;
        let mut phys = clinical::Physiology::default();
        let mut a = patient_stream(self.seed, ctx.index, PatientStream::Attributes);
        self.attributes.draw_with(ctx, &mut a, rec, &mut phys);
        let mut d = patient_stream(self.seed, ctx.index, PatientStream::Demographics);
        self.demographics.draw(ctx, &mut d, rec);
        let mut f = patient_stream(self.seed, ctx.index, PatientStream::Flow);
        self.flow.run(ctx, &mut f, rec, &mut phys);
        let mut m = patient_stream(self.seed, ctx.index, PatientStream::Medical);
        if self.clinical {
            clinical::care::fill_visits(&mut m, rec, &phys);
        } else {
            medical::fill_visits(&mut m, rec);
        }
    }
}
