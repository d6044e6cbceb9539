//! gzip (DOMAIN.md §10.1) and the zip container (§10.2), checked with real tools: `gunzip -t`,
//! `unzip -t`, Python's `zipfile`, and content equality with the uncompressed output.

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use patientgen::sink::Compression;
use patientgen::{parse_scenario, Format, Job, JobError, JobOptions};
use serde_json::Value;

fn job(config: &str, seed: u64, opts: &JobOptions) -> Job {
    let s = parse_scenario(config).expect("valid config");
    Job::new(&s.resolved, seed, opts).expect("job")
}

fn run(config: &str, seed: u64, opts: JobOptions) -> Vec<u8> {
    let mut j = job(config, seed, &opts);
    let mut out = Vec::new();
    while !j.next_chunk(&mut out).expect("chunk").done {}
    out
}

fn opts(format: Format, compression: Compression) -> JobOptions {
    JobOptions { format, compression, ..JobOptions::default() }
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("patientgen-compression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tool(cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is required for this test: {e}"))
}

fn gunzip_rust(b: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    flate2::read::MultiGzDecoder::new(b).read_to_end(&mut v).unwrap();
    v
}

const CFG: &str = r#"{"total_patients": 1500}"#;

#[test]
fn gzip_round_trips_for_every_format_and_chunking() {
    for format in [Format::Ndjson, Format::JsonWrapped, Format::Csv, Format::Xml, Format::FhirR4] {
        let plain = run(CFG, 3, opts(format, Compression::None));
        let mut outputs = Vec::new();
        for (chunk_size, chunk_bytes) in [(1000, 1 << 20), (7, 1 << 20), (1, 1 << 20), (1000, 10_000)] {
            let o = JobOptions { chunk_size, chunk_bytes, ..opts(format, Compression::Gzip) };
            let gz = run(CFG, 3, o.clone());
            assert_eq!(&gz[..10], &[0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
            assert_eq!(gz[gz.len() - 4..], (plain.len() as u32).to_le_bytes());
            assert!(gunzip_rust(&gz) == plain, "{format:?} chunk {chunk_size}/{chunk_bytes}");
            let p = temp_file(&format!("{}-{chunk_size}-{chunk_bytes}.gz", format.as_str()), &gz);
            let t = tool("gunzip", &["-t", p.to_str().unwrap()]);
            assert!(t.status.success(), "gunzip -t: {}", String::from_utf8_lossy(&t.stderr));
            let c = tool("gunzip", &["-c", p.to_str().unwrap()]);
            assert!(c.stdout == plain, "gunzip -c content for {format:?}");
            // Bytes are a function of the chunk boundaries: the same options give the same bytes.
            assert!(run(CFG, 3, o) == gz);
            outputs.push(gz);
        }
        // The compressed bytes depend on the chunk boundaries (one sync flush per chunk).
        assert!(outputs[0] != outputs[1], "{format:?}");
    }
}

#[test]
fn every_gzip_chunk_is_decodable_when_emitted() {
    let plain = run(CFG, 4, opts(Format::Ndjson, Compression::None));
    let mut j = job(CFG, 4, &JobOptions { chunk_size: 100, ..opts(Format::Ndjson, Compression::Gzip) });
    let mut out = Vec::new();
    let mut records = 0;
    loop {
        let r = j.next_chunk(&mut out).unwrap();
        records += r.patients as usize;
        // Everything emitted so far decodes to whole records (sync flush at the chunk end).
        let mut d = flate2::read::DeflateDecoder::new(&out[10..]);
        let mut got = Vec::new();
        let _ = d.read_to_end(&mut got);
        assert_eq!(got.iter().filter(|&&c| c == b'\n').count(), records);
        assert!(plain.starts_with(&got));
        if r.done {
            break;
        }
    }
    assert_eq!(records, 1500);
}

#[test]
fn empty_range_is_a_valid_gzip_member_and_shards_concatenate() {
    let empty = run(CFG, 5, JobOptions { range: Some(700..700), ..opts(Format::Ndjson, Compression::Gzip) });
    let p = temp_file("empty.gz", &empty);
    assert!(tool("gunzip", &["-t", p.to_str().unwrap()]).status.success());
    assert!(gunzip_rust(&empty).is_empty());

    let plain = run(CFG, 5, opts(Format::Xml, Compression::None));
    let mut cat = Vec::new();
    for r in [0..500, 500..500, 500..1499, 1499..1500] {
        cat.extend(run(CFG, 5, JobOptions { range: Some(r), ..opts(Format::Xml, Compression::Gzip) }));
    }
    let p = temp_file("multi.xml.gz", &cat);
    assert!(tool("gunzip", &["-t", p.to_str().unwrap()]).status.success());
    assert!(tool("gunzip", &["-c", p.to_str().unwrap()]).stdout == plain);
}

fn python_zip_listing(path: &str) -> Value {
    let script = "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n\
print(json.dumps([[i.filename,list(i.date_time),i.file_size,i.compress_type,i.flag_bits] for i in z.infolist()]))";
    let o = tool("python3", &["-c", script, path]);
    assert!(o.status.success(), "python zipfile: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn zip_of_csv_holds_patients_and_events() {
    let cfg = r#"{"total_patients": 2000, "base_date": "2025-06-01"}"#;
    let patients_csv = run(cfg, 6, opts(Format::Csv, Compression::None));
    let mut j = job(cfg, 6, &JobOptions { chunk_size: 333, ..opts(Format::Csv, Compression::Zip) });
    let mut zip = Vec::new();
    let mut reported = 0;
    while !j
        .next_chunk(&mut zip)
        .map(|r| {
            reported += r.patients;
            r.done
        })
        .unwrap()
    {}
    // The second pass does not count patients again.
    assert_eq!(reported, 2000);
    assert_eq!(j.counters().patients_generated, 2000);

    let p = temp_file("patients-csv.zip", &zip);
    let path = p.to_str().unwrap();
    let t = tool("unzip", &["-t", path]);
    assert!(
        t.status.success(),
        "unzip -t: {}{}",
        String::from_utf8_lossy(&t.stdout),
        String::from_utf8_lossy(&t.stderr)
    );
    let listing = python_zip_listing(path);
    let names: Vec<&str> = listing.as_array().unwrap().iter().map(|e| e[0].as_str().unwrap()).collect();
    assert_eq!(names, ["patients.csv", "events.csv", "datapackage.json"]);
    // The descriptor of both tables (Frictionless Data Package), the clinical columns included.
    let dp: Value = serde_json::from_slice(&tool("unzip", &["-p", path, "datapackage.json"]).stdout).unwrap();
    assert_eq!(dp, serde_json::from_str::<Value>(&patientgen::format::csv_schema::datapackage(true)).unwrap());
    assert_eq!(dp["resources"][0]["path"], "patients.csv");
    assert_eq!(dp["resources"][1]["path"], "events.csv");
    for e in listing.as_array().unwrap() {
        assert_eq!(e[1], serde_json::json!([2025, 6, 1, 0, 0, 0]));
        assert_eq!(e[3], 8, "deflate");
        assert_eq!(e[4].as_u64().unwrap() & 0x0808, 0x0808, "flag bits 3 and 11");
    }
    let pcsv = tool("unzip", &["-p", path, "patients.csv"]).stdout;
    assert!(pcsv == patients_csv, "patients.csv equals the plain csv output");
    let ecsv = tool("unzip", &["-p", path, "events.csv"]).stdout;

    // events.csv: one row per timeline event, mapped from the JSON fields (9.2).
    let json = run(cfg, 6, opts(Format::Ndjson, Compression::None));
    let mut expected_rows = Vec::new();
    for line in json.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let rec: Value = serde_json::from_slice(line).unwrap();
        for (seq, e) in rec["movement_timeline"].as_array().unwrap().iter().enumerate() {
            let s =
                |k: &str| e.get(k).map_or(String::new(), |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            let or = |a: &str, b: &str| if e.get(a).is_some() { s(a) } else { s(b) };
            expected_rows.push(vec![
                rec["id"].to_string(),
                seq.to_string(),
                s("event_type"),
                s("facility"),
                s("timestamp"),
                s("hours_since_injury"),
                or("evacuation_duration_hours", "transit_duration_hours"),
                s("from_facility"),
                or("to_facility", "destination_facility"),
                s("next_facility"),
                or("kia_timing", "rtd_timing"),
                or("evacuation_hours_completed", "transit_hours_completed"),
                s("triage_category"),
                s("facilities_visited"),
            ]);
        }
    }
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(&ecsv[..]);
    assert_eq!(r.headers().unwrap().len(), 14);
    let rows: Vec<Vec<String>> =
        r.records().map(|x| x.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
    assert_eq!(rows.len(), expected_rows.len());
    assert!(rows.len() > 2000 * 3);
    for (got, want) in rows.iter().zip(&expected_rows) {
        assert_eq!(got, want);
    }

    // Deterministic, and content-invariant under chunking.
    let again = run(cfg, 6, JobOptions { chunk_size: 333, ..opts(Format::Csv, Compression::Zip) });
    assert!(again == zip);
    let one = run(cfg, 6, JobOptions { chunk_size: 1, ..opts(Format::Csv, Compression::Zip) });
    let p1 = temp_file("patients-csv-1.zip", &one);
    assert!(tool("unzip", &["-t", p1.to_str().unwrap()]).status.success());
    assert!(tool("unzip", &["-p", p1.to_str().unwrap(), "events.csv"]).stdout == ecsv);
}

#[test]
fn zip_of_other_formats_has_one_entry() {
    for (format, name) in
        [(Format::Ndjson, "patients.ndjson"), (Format::FhirR4, "patients.fhir.ndjson"), (Format::Xml, "patients.xml")]
    {
        let plain = run(CFG, 7, opts(format, Compression::None));
        let zip = run(CFG, 7, JobOptions { chunk_size: 100, ..opts(format, Compression::Zip) });
        let p = temp_file(&format!("{name}.zip"), &zip);
        let path = p.to_str().unwrap();
        assert!(tool("unzip", &["-t", path]).status.success(), "{name}");
        let listing = python_zip_listing(path);
        assert_eq!(listing[0][0], name);
        assert_eq!(listing.as_array().unwrap().len(), 1);
        assert_eq!(listing[0][2], plain.len());
        assert!(tool("unzip", &["-p", path, name]).stdout == plain);
    }
}

#[test]
fn zip_dates_before_1980_are_clamped_and_empty_runs_are_valid() {
    let cfg = r#"{"total_patients": 50, "base_date": "1975-03-04"}"#;
    let zip = run(cfg, 1, opts(Format::Csv, Compression::Zip));
    let p = temp_file("old.zip", &zip);
    assert!(tool("unzip", &["-t", p.to_str().unwrap()]).status.success());
    let listing = python_zip_listing(p.to_str().unwrap());
    assert_eq!(listing[0][1], serde_json::json!([1980, 1, 1, 0, 0, 0]));

    // Zero patients: two entries holding nothing at all.
    if let Ok(s) = parse_scenario(r#"{"total_patients": 0}"#) {
        let mut j = Job::new(&s.resolved, 1, &opts(Format::Csv, Compression::Zip)).unwrap();
        let mut out = Vec::new();
        while !j.next_chunk(&mut out).unwrap().done {}
        let p = temp_file("empty.zip", &out);
        assert!(tool("unzip", &["-t", p.to_str().unwrap()]).status.success());
        let l = python_zip_listing(p.to_str().unwrap());
        assert_eq!(l[1][2], 0);
    }
}

#[test]
fn zip_requires_the_full_run() {
    let s = parse_scenario(CFG).unwrap();
    let o = JobOptions { range: Some(0..10), ..opts(Format::Ndjson, Compression::Zip) };
    assert!(matches!(Job::new(&s.resolved, 1, &o), Err(JobError::Unsupported(_))));
    let o = JobOptions { range: Some(0..1500), ..opts(Format::Ndjson, Compression::Zip) };
    assert!(Job::new(&s.resolved, 1, &o).is_ok());
}
