//! Record writers: a patient record in, bytes out (docs/FIELDS.md, docs/OUTPUT.md).
//!
//! A writer knows the framing of its format: a prefix emitted by the shard holding index 0, a
//! suffix by the shard holding index N−1, and per-record bytes whose separators depend only on
//! the global index. Writers append to a caller-owned buffer and allocate nothing per record.

pub mod csv;
pub mod csv_schema;
pub mod fhir;
mod json;
pub mod xml;

pub use json::{JsonFraming, JsonWriter};

use crate::config::Resolved;
use crate::patient::record::PatientRecord;

/// The generator's output version (`major.minor` of the release that last changed output bytes,
/// docs/OUTPUT.md#output-version).
pub const OUTPUT_VERSION: &str = "0.3";

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON record per line.
    Ndjson,
    /// A compact JSON array.
    Json,
    /// `{"metadata":…,"patients":[…]}`.
    JsonWrapped,
    /// RFC 4180 CSV (`patients.csv`).
    Csv,
    /// One XML document.
    Xml,
    /// One FHIR R4 Bundle per line.
    FhirR4,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] =
        [Format::Ndjson, Format::Json, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4];

    /// The CLI/JS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::JsonWrapped => "json-wrapped",
            Format::Csv => "csv",
            Format::Xml => "xml",
            Format::FhirR4 => "fhir-r4",
        }
    }

    /// Whether the output carries `config_sha256` (the `json-wrapped` metadata, the XML root).
    pub fn writes_config_digest(self) -> bool {
        matches!(self, Format::JsonWrapped | Format::Xml)
    }

    /// Parses a CLI/JS name.
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// File extension of the uncompressed output (10).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Json | Format::JsonWrapped => "json",
            Format::Csv => "csv",
            Format::Xml => "xml",
            Format::FhirR4 => "fhir.ndjson",
        }
    }

    /// HTTP content type of the uncompressed output.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Json | Format::JsonWrapped => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xml => "application/xml",
            Format::FhirR4 => "application/fhir+ndjson",
        }
    }
}

/// Run metadata written by `json-wrapped` and the XML root (docs/FIELDS.md#run-metadata-json-wrapped-xml).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunMeta {
    /// Seed as a decimal string.
    pub seed: u64,
    /// Patients of the whole run.
    pub total_patients: u64,
    /// `config_sha256`.
    pub config_sha256: String,
    /// `YYYY-MM-DD`.
    pub base_date: String,
    /// Days of fighting.
    pub days_of_fighting: u32,
    /// `classic` / `markov`.
    pub flow_model: &'static str,
}

impl RunMeta {
    /// Metadata of a run of `cfg` with `seed`.
    pub fn new(cfg: &Resolved, seed: u64) -> RunMeta {
        Self::with_digest(cfg, seed, true)
    }

    /// The metadata `format` needs: `config_sha256` (canonical JSON and SHA-256, a good part of
    /// setting up a job) is left empty for the formats that do not write it.
    pub fn for_format(cfg: &Resolved, seed: u64, format: Format) -> RunMeta {
        Self::with_digest(cfg, seed, format.writes_config_digest())
    }

    fn with_digest(cfg: &Resolved, seed: u64, digest: bool) -> RunMeta {
        let mut d = Vec::with_capacity(10);
        crate::text::write_date(&mut d, cfg.base_date);
        RunMeta {
            seed,
            total_patients: cfg.total_patients,
            config_sha256: if digest { cfg.config_sha256() } else { String::new() },
            base_date: String::from_utf8(d).unwrap_or_default(),
            days_of_fighting: cfg.days_of_fighting,
            flow_model: cfg.flow_model.as_str(),
        }
    }
}

/// A record writer.
pub trait RecordWriter: Send {
    /// Bytes before the first record of a full run.
    fn prefix(&mut self, out: &mut Vec<u8>);
    /// The bytes of one record (including any separator, which depends on `rec.id` only).
    fn record(&mut self, rec: &PatientRecord, out: &mut Vec<u8>);
    /// Bytes after the last record of a full run.
    fn suffix(&mut self, out: &mut Vec<u8>);
}

/// The writer for `format`.
pub fn writer(format: Format, cfg: &Resolved, meta: &RunMeta) -> Box<dyn RecordWriter> {
    match format {
        Format::Ndjson => Box::new(JsonWriter::new(JsonFraming::Lines, cfg, meta)),
        Format::Json => Box::new(JsonWriter::new(JsonFraming::Array, cfg, meta)),
        Format::JsonWrapped => Box::new(JsonWriter::new(JsonFraming::Wrapped, cfg, meta)),
        Format::Csv => Box::new(csv::CsvWriter::new(csv::CsvTable::Patients, cfg)),
        Format::Xml => Box::new(xml::XmlWriter::new(cfg, meta)),
        Format::FhirR4 => Box::new(fhir::FhirWriter::new(meta)),
    }
}
