//! Embedded static tables: vocabularies, medical catalogues, rates, demographics and names.

pub mod conditions;
pub mod demographics;
pub mod environment;
pub mod flow_rates;
pub mod injuries;
pub mod names;
pub mod procedures;
pub mod protocols;
pub mod vitals;
pub mod vocab;
pub mod warfare;
