//! XML (docs/FIELDS.md#xml): the exact line of the hand-built example record, the exact prefix, and a real XML
//! parser (quick-xml) reading 10,000 generated patients as one well-formed document, also when
//! produced one patient per chunk; element and attribute order agree with the JSON records.

mod common;

#[path = "support/example_record.rs"]
mod example;

use common::run;
use patientgen::format::xml::XmlWriter;
use patientgen::format::{RecordWriter, RunMeta};
use patientgen::{parse_scenario, shard_range, Format, JobOptions, Resolved, OUTPUT_VERSION};
use quick_xml::events::Event;
use quick_xml::XmlVersion;
use serde_json::Value;

fn xml_opts() -> JobOptions {
    JobOptions { format: Format::Xml, ..JobOptions::default() }
}

/// A parsed element.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    fn child(&self, k: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == k)
    }
}

fn element(e: &quick_xml::events::BytesStart) -> Node {
    let name = e.name().as_ref().to_owned();
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            let k = a.key.as_ref().to_owned();
            (k, a.normalized_value(XmlVersion::Explicit1_0).expect("valid attribute value").into_owned())
        })
        .collect();
    Node { name, attrs, ..Node::default() }
}

/// Parses a whole document strictly: one root, matching end tags, only predefined entities.
fn parse_document(bytes: &[u8]) -> Node {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let mut r = quick_xml::Reader::from_str(text);
    r.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut saw_decl = false;
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Decl(d) => {
                assert!(!saw_decl && stack.is_empty() && root.is_none());
                saw_decl = true;
                assert_eq!(d.version().unwrap().as_ref(), "1.0");
                assert_eq!(d.encoding().unwrap().unwrap().as_ref(), "UTF-8");
            }
            Event::Start(e) => {
                assert!(root.is_none(), "content after the root element");
                stack.push(element(&e));
            }
            Event::Empty(e) => {
                let n = element(&e);
                stack.last_mut().expect("element inside the root").children.push(n);
            }
            Event::End(_) => {
                let n = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => root = Some(n),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                match stack.last_mut() {
                    Some(p) => p.text.push_str(&s),
                    None => assert!(s.trim().is_empty(), "text outside the root: {s:?}"),
                }
            }
            Event::GeneralRef(g) => {
                let name = g.into_inner();
                let c = match name.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("undefined entity &{other};"),
                };
                stack.last_mut().expect("reference inside an element").text.push(c);
            }
            Event::Eof => break,
            other => panic!("unexpected event {other:?}"),
        }
    }
    assert!(saw_decl, "missing XML declaration");
    assert!(stack.is_empty(), "unclosed elements");
    root.expect("a root element")
}

const EXAMPLE_LINE: &str = concat!(
    r#"<patient id="377"><nationality>LTU</nationality><gender>male</gender><injury_type>Battle Injury</injury_type>"#,
    r#"<triage_category>T2</triage_category><status>DOW</status><front>Poland</front><final_status>KIA</final_status>"#,
    r#"<last_facility>Role2</last_facility><demographics><family_name>Rimkus</family_name><given_name>Karolis</given_name>"#,
    r#"<gender>male</gender><id_number>39803142153</id_number><birthdate>1998-03-14</birthdate><nationality>LTU</nationality>"#,
    r#"<religion>1041</religion><weight>78.4</weight><blood_type>A+</blood_type></demographics>"#,
    r#"<conditions><condition code="262560006" severity="Moderate to severe">Penetrating wound</condition>"#,
    r#"<condition code="125605004">Fracture of bone</condition></conditions><severity>7</severity><treatments>"#,
    r#"<visit facility="POI" date="2025-06-03T05:42:00Z"><treatment code="26906007">Application of dressing, pressure</treatment>"#,
    r#"<treatment code="20655006">Application of tourniquet</treatment><treatment code="79321009">Application of splint</treatment>"#,
    r#"<observation code="8867-4" value="101" unit="/min">Heart rate</observation>"#,
    r#"<observation code="8480-6" value="106" unit="mm[Hg]">Systolic blood pressure</observation>"#,
    r#"<observation code="9279-1" value="21" unit="/min">Respiratory rate</observation>"#,
    r#"<observation code="59408-5" value="93" unit="%">Oxygen saturation in Arterial blood by Pulse oximetry</observation>"#,
    r#"<observation code="8310-5" value="36.4" unit="Cel">Body temperature</observation></visit>"#,
);

#[test]
fn example_record_line_is_exact() {
    let cfg = Resolved::default_scenario();
    let meta = RunMeta::new(&cfg, 42);
    let mut w = XmlWriter::new(&cfg, &meta);
    let mut out = Vec::new();
    w.record(&example::example_record(), &mut out);
    let line = String::from_utf8(out).unwrap();
    assert!(line.starts_with(EXAMPLE_LINE), "{line}");
    assert!(line.ends_with(concat!(
        r#"<event event_type="kia" facility="Role2" timestamp="2025-06-04T03:47:05Z" hours_since_injury="22.1" "#,
        r#"kia_timing="during_evacuation" evacuation_hours_completed="2.7"/></movement_timeline>"#,
        r#"<injury_time>2025-06-03T05:42:00Z</injury_time><scenario>artillery</scenario>"#,
        r#"<event_id>MC_artillery_3_0542_0</event_id><mass_casualty>true</mass_casualty><day>Day 3</day>"#,
        r#"<body_part>Left Leg</body_part><environmental_conditions><environmental_condition>night_operations"#,
        r#"</environmental_condition></environmental_conditions></patient>"#,
        "\n"
    )));
    assert!(line.contains(concat!(
        r#"<movement_timeline><event event_type="arrival" facility="POI" timestamp="2025-06-03T05:42:00Z" hours_since_injury="0.0"/>"#,
        r#"<event event_type="evacuation_start" facility="POI" timestamp="2025-06-03T05:42:00Z" hours_since_injury="0.0" "#,
        r#"evacuation_duration_hours="3.6" triage_category="T2"/><event event_type="transit_start" facility="POI" "#,
        r#"timestamp="2025-06-03T09:18:00Z" hours_since_injury="3.6" from_facility="POI" to_facility="Role1" "#,
        r#"transit_duration_hours="1.7" triage_category="T2"/>"#
    )));
    assert_eq!(line.matches('\n').count(), 1);
}

#[test]
fn prefix_and_suffix_are_exact() {
    let cfg = parse_scenario(r#"{"total_patients": 10}"#).unwrap().resolved;
    let meta = RunMeta::new(&cfg, 9);
    let mut w = XmlWriter::new(&cfg, &meta);
    let mut out = Vec::new();
    w.prefix(&mut out);
    w.suffix(&mut out);
    let expected = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<patients xmlns=\"https://patientgen.dev/ns/patients/1\" \
generator=\"patientgen\" output_version=\"{OUTPUT_VERSION}\" seed=\"9\" total_patients=\"10\" config_sha256=\"{}\" \
base_date=\"2025-06-01\" days_of_fighting=\"8\" flow_model=\"clinical\">\n</patients>\n",
        cfg.config_sha256()
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn escaping_survives_a_real_parser() {
    let mut cfg = Resolved::default_scenario();
    cfg.fronts[0].name = "A & B <C> \"D\" 'E' – Ø".into();
    let meta = RunMeta::new(&cfg, 1);
    let mut w = XmlWriter::new(&cfg, &meta);
    let mut rec = example::example_record();
    rec.demographics.family_name = "Dvořák & <Sons> \"Ltd\"";
    let mut out = Vec::new();
    w.prefix(&mut out);
    w.record(&rec, &mut out);
    w.suffix(&mut out);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("<front>A &amp; B &lt;C&gt; \"D\" 'E' – Ø</front>"));
    let root = parse_document(&out);
    let p = &root.children[0];
    assert_eq!(p.child("front").unwrap().text, "A & B <C> \"D\" 'E' – Ø");
    assert_eq!(p.child("demographics").unwrap().child("family_name").unwrap().text, "Dvořák & <Sons> \"Ltd\"");
}

fn json_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn ten_thousand_patients_form_one_document_that_mirrors_the_json() {
    let cfg = r#"{"total_patients": 10000, "demographics": {"military": true}}"#;
    let whole = run(cfg, 77, xml_opts());
    let one_per_chunk = run(cfg, 77, JobOptions { chunk_size: 1, ..xml_opts() });
    assert!(whole == one_per_chunk, "chunk size 1 changes the bytes");
    assert_eq!(whole.iter().filter(|&&b| b == b'\n').count(), 10_000 + 3);

    let root = parse_document(&one_per_chunk);
    assert_eq!(root.name, "patients");
    assert_eq!(root.attr("xmlns"), Some("https://patientgen.dev/ns/patients/1"));
    assert_eq!(root.attr("seed"), Some("77"));
    assert_eq!(root.attr("total_patients"), Some("10000"));
    let names: Vec<&str> = root.attrs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "xmlns",
            "generator",
            "output_version",
            "seed",
            "total_patients",
            "config_sha256",
            "base_date",
            "days_of_fighting",
            "flow_model"
        ]
    );
    assert_eq!(root.children.len(), 10_000);

    let json = run(cfg, 77, JobOptions { format: Format::Ndjson, ..JobOptions::default() });
    let records = json.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    for (p, line) in root.children.iter().zip(records) {
        let rec: Value = serde_json::from_slice(line).unwrap();
        let obj = rec.as_object().unwrap();
        assert_eq!(p.name, "patient");
        assert_eq!(p.attr("id").unwrap(), rec["id"].to_string());
        // One child per JSON key, in JSON order, `id` only as the attribute.
        let keys: Vec<&str> = obj.keys().map(|k| k.as_str()).filter(|k| *k != "id").collect();
        let children: Vec<&str> = p.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(children, keys);
        for (k, v) in obj {
            if !v.is_object() && !v.is_array() && k != "id" {
                assert_eq!(p.child(k).unwrap().text, json_scalar(v), "{k}");
            }
        }
        let demo = p.child("demographics").unwrap();
        let dkeys: Vec<&str> = rec["demographics"].as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(demo.children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), dkeys);
        for (k, v) in rec["demographics"].as_object().unwrap() {
            assert_eq!(demo.child(k).unwrap().text, json_scalar(v), "demographics.{k}");
        }
        let conds = p.child("conditions").unwrap();
        for (c, j) in conds.children.iter().zip(rec["conditions"].as_array().unwrap()) {
            assert_eq!(c.attr("code").unwrap(), j["code"].as_str().unwrap());
            assert_eq!(c.attr("severity"), j.get("severity").and_then(|s| s.as_str()));
            assert_eq!(c.attr("ais").map(str::to_owned), j.get("ais").map(|a| a.to_string()));
            assert_eq!(c.attr("body_region"), j.get("body_region").and_then(|s| s.as_str()));
            assert_eq!(c.text, j["name"].as_str().unwrap());
        }
        let visits = p.child("treatments").unwrap();
        for (v, j) in visits.children.iter().zip(rec["treatments"].as_array().unwrap()) {
            assert_eq!(v.attr("date").unwrap(), j["date"].as_str().unwrap());
            let obs: Vec<&Node> = v.children.iter().filter(|c| c.name == "observation").collect();
            // Seven under the clinical model (none for a casualty dead before the observation).
            assert_eq!(obs.len(), j["observations"].as_array().unwrap().len());
            assert!(matches!(obs.len(), 0 | 7));
            for (o, jo) in obs.iter().zip(j["observations"].as_array().unwrap()) {
                assert_eq!(o.attr("value").unwrap(), jo["value"].to_string());
                assert_eq!(o.text, jo["display"].as_str().unwrap());
            }
        }
        let events = p.child("movement_timeline").unwrap();
        let jevents = rec["movement_timeline"].as_array().unwrap();
        assert_eq!(events.children.len(), jevents.len());
        for (e, je) in events.children.iter().zip(jevents) {
            let pairs: Vec<(String, String)> =
                je.as_object().unwrap().iter().map(|(k, v)| (k.clone(), json_scalar(v))).collect();
            assert_eq!(e.attrs, pairs, "every event field as an attribute, in JSON order");
        }
    }
}

#[test]
fn shards_concatenate_byte_identically() {
    let cfg = r#"{"total_patients": 1500}"#;
    let whole = run(cfg, 5, xml_opts());
    for count in [2u64, 3, 5] {
        let mut cat = Vec::new();
        for k in 0..count {
            let range = shard_range(1500, k, count).unwrap();
            cat.extend(run(cfg, 5, JobOptions { range: Some(range), chunk_size: 97, ..xml_opts() }));
        }
        assert!(cat == whole, "{count} shards");
    }
    parse_document(&whole);
}
