//! The column types of the two CSV tables as a Frictionless Data Package descriptor
//! (`datapackage.json`, Table Schema per resource), written beside `patients.csv` and `events.csv`
//! in zip output, and the pandas `dtype` mapping docs/FIELDS.md documents. The column lists are
//! checked against the writers' headers ([`super::csv::PATIENTS_HEADER`], [`super::csv::EVENTS_HEADER`],
//! [`super::csv::CLINICAL_COLUMNS`]) by the tests.

use super::csv::CsvTable;

/// A CSV column: name, Table Schema type, meaning.
pub type Column = (&'static str, &'static str, &'static str);

/// Columns of `patients.csv` (the clinical ones last).
pub const PATIENT_COLUMNS: [Column; 41] = [
    ("id", "integer", "Index of the patient in the run, from 0."),
    ("injury_time", "datetime", "Time of injury, UTC (YYYY-MM-DDThh:mm:ssZ)."),
    ("day", "string", "Day of fighting, \"Day 1\" first."),
    ("scenario", "string", "Warfare type of the event that caused the casualty."),
    ("event_id", "string", "Id of the event: <MC|IND|SE>_<label>_<day>_<hhmm>_<seq>."),
    ("mass_casualty", "boolean", "Whether the event was a mass-casualty event (true/false)."),
    ("environmental_conditions", "string", "Conditions in effect at the injury, joined by ';' (empty when none)."),
    ("front", "string", "Name of the front."),
    ("nationality", "string", "ISO 3166-1 alpha-3 code."),
    ("gender", "string", "male or female."),
    ("family_name", "string", "Family name."),
    ("given_name", "string", "Given name."),
    ("birthdate", "date", "Date of birth (YYYY-MM-DD)."),
    ("age", "integer", "Completed years at the injury."),
    ("id_number", "string", "National identity number, kept as text (it may start with 0)."),
    ("religion", "string", "Religion code (empty with demographics.religion false)."),
    ("weight", "number", "Body weight in kg, one decimal."),
    ("blood_type", "string", "ABO and Rh blood group."),
    ("rank", "string", "NATO rank code (empty unless demographics.military)."),
    ("service", "string", "Service branch (empty unless demographics.military)."),
    ("injury_type", "string", "Battle Injury, Non-Battle Injury or Disease."),
    ("triage_category", "string", "T1, T2 or T3."),
    ("severity", "integer", "Severity score of the primary condition."),
    ("primary_condition_code", "string", "SNOMED CT id of the primary condition (an id, not a number)."),
    ("primary_condition_name", "string", "SNOMED CT display name of the primary condition."),
    ("primary_condition_severity", "string", "Severity text of the primary condition."),
    ("secondary_condition_codes", "string", "SNOMED CT ids of the other conditions, joined by ';'."),
    ("secondary_condition_names", "string", "Their display names, joined by ';'."),
    ("body_part", "string", "Body part of the primary injury."),
    ("status", "string", "Outcome: KIA, DOW, RTD, Remains_Role4 or NBD."),
    ("final_status", "string", "Outcome with DOW counted as KIA."),
    ("last_facility", "string", "Last facility reached (POI, Role1…Role4)."),
    ("facilities_visited", "string", "Facilities arrived at, in order, joined by '>'."),
    ("final_event_time", "datetime", "Time of the terminal event, UTC."),
    ("hours_to_final", "number", "Hours from injury to the terminal event, one decimal."),
    ("treatment_count", "integer", "Procedures over all visits."),
    ("mechanism", "string", "Mechanism of injury (clinical model only)."),
    ("iss", "integer", "Injury Severity Score (clinical model only)."),
    ("evacuation_priority", "string", "urgent, urgent_surgical, priority or routine (clinical model only)."),
    ("condition_ais", "string", "AIS of each condition in order, joined by ';' (clinical model only)."),
    ("condition_body_regions", "string", "ISS body region of each condition, joined by ';' (clinical model only)."),
];

/// Columns of `patients.csv` that only the clinical model writes (the last ones).
pub const CLINICAL_COLUMN_COUNT: usize = 5;

/// Columns of `events.csv`.
pub const EVENT_COLUMNS: [Column; 14] = [
    ("patient_id", "integer", "id of the patient (patients.csv)."),
    ("seq", "integer", "Position of the event in the patient's timeline, from 0."),
    ("event_type", "string", "arrival, evacuation_start, transit_start, kia, rtd or remains_role4."),
    ("facility", "string", "Where it happened."),
    ("timestamp", "datetime", "When, UTC."),
    ("hours_since_injury", "number", "Hours from the injury, one decimal."),
    ("duration_hours", "number", "evacuation_start: length of the stay; transit_start: length of the leg."),
    ("from_facility", "string", "transit_start: facility left."),
    ("to_facility", "string", "transit_start: destination; kia/rtd in transit: where the leg was going."),
    ("next_facility", "string", "evacuation_start: the next facility."),
    ("timing", "string", "kia/rtd: during_evacuation, during_transit, auto_role4 or markov_chain_decision."),
    ("hours_completed", "number", "kia/rtd: hours of the stay or leg completed."),
    ("triage_category", "string", "evacuation_start, transit_start: the patient's triage."),
    ("facilities_visited", "integer", "kia/rtd (markov model): facilities visited."),
];

/// The columns of `table` (`clinical`: whether `patients.csv` has the clinical model's columns).
pub fn columns(table: CsvTable, clinical: bool) -> &'static [Column] {
    match table {
        CsvTable::Patients if clinical => &PATIENT_COLUMNS,
        CsvTable::Patients => &PATIENT_COLUMNS[..PATIENT_COLUMNS.len() - CLINICAL_COLUMN_COUNT],
        CsvTable::Events => &EVENT_COLUMNS,
    }
}

/// The pandas `dtype` of a Table Schema type (`datetime`/`date` columns are read as `string` and
/// parsed with `parse_dates`; `Int64` and `boolean` are pandas' nullable types, for empty cells).
pub fn pandas_dtype(table_schema_type: &str) -> &'static str {
    match table_schema_type {
        "integer" => "Int64",
        "number" => "float64",
        "boolean" => "boolean",
        _ => "string",
    }
}

/// `s` as a JSON string (the descriptions hold no control characters).
fn q(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// One resource of the package, indented as `serde_json::to_string_pretty` would (written by hand:
/// the WebAssembly build then needs no JSON serialiser for it).
fn resource(out: &mut String, table: CsvTable, clinical: bool) {
    let name = table.file_name();
    out.push_str("    {\n      \"name\": ");
    q(out, name.trim_end_matches(".csv"));
    out.push_str(",\n      \"path\": ");
    q(out, name);
    out.push_str(
        ",\n      \"profile\": \"tabular-data-resource\",\n      \"format\": \"csv\",\n      \"mediatype\": \"text/csv\",\n      \
         \"encoding\": \"utf-8\",\n      \"dialect\": {\n        \"delimiter\": \",\",\n        \"lineTerminator\": \"\\r\\n\",\n        \
         \"quoteChar\": \"\\\"\",\n        \"doubleQuote\": true,\n        \"header\": true\n      },\n      \"schema\": {\n        \"fields\": [\n",
    );
    let cols = columns(table, clinical);
    for (k, (name, ty, description)) in cols.iter().enumerate() {
        out.push_str("          {\n            \"name\": ");
        q(out, name);
        out.push_str(",\n            \"type\": ");
        q(out, ty);
        out.push_str(",\n            \"description\": ");
        q(out, description);
        if *ty == "datetime" {
            out.push_str(",\n            \"format\": \"%Y-%m-%dT%H:%M:%SZ\"");
        }
        out.push_str(if k + 1 < cols.len() { "\n          },\n" } else { "\n          }\n" });
    }
    out.push_str("        ],\n        \"missingValues\": [\n          \"\"\n        ],\n        \"primaryKey\": [\n");
    match table {
        CsvTable::Patients => out.push_str("          \"id\"\n        ]\n"),
        CsvTable::Events => out.push_str(
            "          \"patient_id\",\n          \"seq\"\n        ],\n        \"foreignKeys\": [\n          {\n            \
             \"fields\": [\n              \"patient_id\"\n            ],\n            \"reference\": {\n              \
             \"resource\": \"patients\",\n              \"fields\": [\n                \"id\"\n              ]\n            }\n          }\n        ]\n",
        ),
    }
    out.push_str("      }\n    }");
}

/// The `datapackage.json` of a CSV zip (Frictionless Data Package with the Table Schema of both
/// tables), pretty-printed with a final newline.
pub fn datapackage(clinical: bool) -> String {
    let mut s = String::with_capacity(12 * 1024);
    s.push_str(
        "{\n  \"profile\": \"tabular-data-package\",\n  \"name\": \"patientgen\",\n  \
         \"title\": \"patientgen synthetic casualty dataset\",\n  \"description\": \"Synthetic (not real) military casualty \
         records; column meanings in docs/FIELDS.md of the patientgen package.\",\n  \"resources\": [\n",
    );
    resource(&mut s, CsvTable::Patients, clinical);
    s.push_str(",\n");
    resource(&mut s, CsvTable::Events, clinical);
    s.push_str("\n  ]\n}\n");
    s
}

/// The CSV section of docs/FIELDS.md: per table, every column with its type, pandas dtype and
/// meaning.
pub fn fields_markdown() -> String {
    let mut s = String::new();
    for table in [CsvTable::Patients, CsvTable::Events] {
        s.push_str(&format!(
            "\n#### `{}`\n\n| column | type | pandas dtype | meaning |\n|---|---|---|---|\n",
            table.file_name()
        ));
        for (name, ty, d) in columns(table, true) {
            s.push_str(&format!("| `{name}` | {ty} | `{}` | {} |\n", pandas_dtype(ty), d.replace('|', "\\|")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::csv::{CLINICAL_COLUMNS, EVENTS_HEADER, PATIENTS_HEADER};
    use super::*;
    use serde_json::Value;

    #[test]
    fn columns_are_the_headers() {
        let names = |t, c| columns(t, c).iter().map(|x| x.0).collect::<Vec<_>>().join(",");
        assert_eq!(names(CsvTable::Patients, false), PATIENTS_HEADER);
        assert_eq!(names(CsvTable::Patients, true), format!("{PATIENTS_HEADER}{CLINICAL_COLUMNS}"));
        assert_eq!(names(CsvTable::Events, true), EVENTS_HEADER);
    }

    /// The descriptor as `serde_json` would build and pretty-print it.
    fn reference(clinical: bool) -> String {
        use serde_json::json;
        let resource = |table: CsvTable| {
            let fields: Vec<Value> = columns(table, clinical)
                .iter()
                .map(|(name, ty, description)| {
                    let mut f = json!({"name": name, "type": ty, "description": description});
                    if *ty == "datetime" {
                        f["format"] = "%Y-%m-%dT%H:%M:%SZ".into();
                    }
                    f
                })
                .collect();
            let mut schema = json!({"fields": fields, "missingValues": [""]});
            if table == CsvTable::Patients {
                schema["primaryKey"] = json!(["id"]);
            } else {
                schema["primaryKey"] = json!(["patient_id", "seq"]);
                schema["foreignKeys"] =
                    json!([{"fields": ["patient_id"], "reference": {"resource": "patients", "fields": ["id"]}}]);
            }
            let name = table.file_name();
            json!({
                "name": name.trim_end_matches(".csv"), "path": name, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
                "schema": schema
            })
        };
        let v = json!({
            "profile": "tabular-data-package",
            "name": "patientgen",
            "title": "patientgen synthetic casualty dataset",
            "description": "Synthetic (not real) military casualty records; column meanings in docs/FIELDS.md of the patientgen package.",
            "resources": [resource(CsvTable::Patients), resource(CsvTable::Events)]
        });
        serde_json::to_string_pretty(&v).unwrap() + "\n"
    }

    #[test]
    fn datapackage_is_the_pretty_json_of_the_descriptor() {
        for clinical in [false, true] {
            assert_eq!(datapackage(clinical), reference(clinical));
        }
    }

    #[test]
    fn datapackage_types_id_number_as_string() {
        let v: Value = serde_json::from_str(&datapackage(true)).unwrap();
        let fields = v["resources"][0]["schema"]["fields"].as_array().unwrap();
        let f = fields.iter().find(|f| f["name"] == "id_number").unwrap();
        assert_eq!(f["type"], "string");
        assert_eq!(fields.len(), 41);
        let v: Value = serde_json::from_str(&datapackage(false)).unwrap();
        assert_eq!(v["resources"][0]["schema"]["fields"].as_array().unwrap().len(), 36);
        assert_eq!(pandas_dtype("integer"), "Int64");
    }
}
