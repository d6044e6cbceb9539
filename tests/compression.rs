//! gzip and the zip container (docs/OUTPUT.md), checked with real tools: `gunzip -t`,
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
            // The last member holds patients 1,000..1,500.
            let tail_len =
                plain.len() - plain.iter().enumerate().filter(|(_, &c)| c == b'\n').nth(999).map_or(0, |(i, _)| i + 1);
            if format == Format::Ndjson {
                assert_eq!(gz[gz.len() - 4..], (tail_len as u32).to_le_bytes());
            }
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
        // The compressed bytes do not depend on the chunk boundaries (no flush at chunk ends).
        assert!(outputs.iter().all(|o| *o == outputs[0]), "{format:?}");
    }
}

#[test]
fn empty_range_is_empty_and_off_grid_ranges_still_concatenate_to_valid_gzip() {
    // An empty range writes nothing (so shards beyond the last block add no bytes).
    assert!(run(CFG, 5, JobOptions { range: Some(700..700), ..opts(Format::Ndjson, Compression::Gzip) }).is_empty());

    // Ranges off the block grid: still a valid multi-member gzip of the whole output.
    let plain = run(CFG, 5, opts(Format::Xml, Compression::None));
    let mut cat = Vec::new();
    for r in [0..500, 500..500, 500..1499, 1499..1500] {
        cat.extend(run(CFG, 5, JobOptions { range: Some(r), ..opts(Format::Xml, Compression::Gzip) }));
    }
    let p = temp_file("multi.xml.gz", &cat);
    assert!(tool("gunzip", &["-t", p.to_str().unwrap()]).status.success());
    assert!(tool("gunzip", &["-c", p.to_str().unwrap()]).stdout == plain);
}

/// A job's bytes with every chunk limit, shard split and level: the single run's bytes, for gzip
/// concatenated and for zip merged from the shards' zip parts (docs/OUTPUT.md).
#[test]
fn compressed_bytes_are_invariant_under_chunking_and_shard_splits() {
    let cfg = r#"{"total_patients": 2600, "base_date": "2025-06-01"}"#;
    let s = parse_scenario(cfg).unwrap();
    let total = s.resolved.total_patients;
    let mut checked = 0;
    for format in [Format::Ndjson, Format::Json, Format::Csv, Format::Xml, Format::FhirR4] {
        for compression in [Compression::Gzip, Compression::Zip] {
            for level in [1, 6] {
                let base = JobOptions { compression_level: level, ..opts(format, compression) };
                let whole = run(cfg, 9, base.clone());
                for (chunk_size, chunk_bytes) in [(1, 1 << 20), (7, 1 << 20), (1000, 1 << 20), (1000, 20_000)] {
                    let o = JobOptions { chunk_size, chunk_bytes, ..base.clone() };
                    assert!(
                        run(cfg, 9, o) == whole,
                        "{format:?} {compression:?} level {level} chunk {chunk_size}/{chunk_bytes}"
                    );
                    checked += 1;
                }
                for count in 1..=7 {
                    let parts: Vec<Vec<u8>> = (0..count)
                        .map(|k| {
                            let range = patientgen::shard_range(total, k, count).unwrap();
                            assert!(range.start % patientgen::BLOCK_PATIENTS == 0 || range.start == total);
                            run(
                                cfg,
                                9,
                                JobOptions { range: Some(range), chunk_size: 7 + k as u32 * 300, ..base.clone() },
                            )
                        })
                        .collect();
                    let joined = match compression {
                        Compression::Zip if count > 1 => {
                            let refs: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
                            let mut z = Vec::new();
                            patientgen::sink::merge_zip_parts(&refs, &mut z).unwrap();
                            z
                        }
                        _ => parts.concat(),
                    };
                    assert!(joined == whole, "{format:?} {compression:?} level {level} in {count} shards");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 2 * (4 + 7));
}

#[test]
fn gzip_members_start_on_the_block_grid() {
    let plain = run(CFG, 3, opts(Format::Ndjson, Compression::None));
    let gz = run(CFG, 3, opts(Format::Ndjson, Compression::Gzip));
    // 1,500 patients: two members, the second starting at patient 1,000.
    let mut d = flate2::bufread::GzDecoder::new(&gz[..]);
    let mut first = Vec::new();
    d.read_to_end(&mut first).unwrap();
    assert_eq!(first.iter().filter(|&&c| c == b'\n').count(), 1000);
    let rest = d.into_inner();
    assert_eq!(&rest[..10], &[0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
    let mut second = Vec::new();
    flate2::read::GzDecoder::new(rest).read_to_end(&mut second).unwrap();
    assert!([first, second].concat() == plain);
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

    // events.csv: one row per timeline event, mapped from the JSON fields.
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
fn zip_parts_of_shards_merge_into_an_archive_that_unzip_and_python_accept() {
    let cfg = r#"{"total_patients": 3500, "base_date": "2025-06-01"}"#;
    let s = parse_scenario(cfg).unwrap();
    let total = s.resolved.total_patients;
    let plain = run(cfg, 2, opts(Format::Csv, Compression::None));
    let parts: Vec<Vec<u8>> = (0..3)
        .map(|k| {
            let range = patientgen::shard_range(total, k, 3).unwrap();
            run(cfg, 2, JobOptions { range: Some(range), ..opts(Format::Csv, Compression::Zip) })
        })
        .collect();
    // A part is not an archive: it ends with its trailer.
    assert_eq!(&parts[1][parts[1].len() - 8..], b"PGZPART1");
    let refs: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
    let mut zip = Vec::new();
    patientgen::sink::merge_zip_parts(&refs, &mut zip).unwrap();
    let p = temp_file("merged.zip", &zip);
    let path = p.to_str().unwrap();
    assert!(tool("unzip", &["-t", path]).status.success());
    let listing = python_zip_listing(path);
    assert_eq!(listing[0][0], "patients.csv");
    assert_eq!(listing[0][2], plain.len());
    assert!(tool("unzip", &["-p", path, "patients.csv"]).stdout == plain);
    // Parts out of order are refused, naming the part that does not continue the previous one.
    let err = patientgen::sink::merge_zip_parts(&[refs[1], refs[0], refs[2]], &mut Vec::new()).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "part 0: covers patients 1000..3000 but the merge needs the part that starts at 0 (the first part)"
        ),
        "{err}"
    );
    let err = patientgen::sink::merge_zip_parts(&[refs[0], refs[1]], &mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "part 1: ends at patient 3000, but the run has 3500 patients (a part is missing at the end)"
    );
}

/// `patientgen merge-zip`: the shards' zip parts, in any order, become the single run's archive
/// (atomically); a file that is not a part, a missing shard or a part of another run is refused
/// with the file's name and the output is left as it was.
#[test]
fn merge_zip_subcommand_writes_the_single_run_archive() {
    let bin = env!("CARGO_BIN_EXE_patientgen");
    let dir = std::env::temp_dir().join(format!("patientgen-merge-zip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let gen = |patients: &str, extra: &[&str], out: &str| {
        let mut args = vec!["generate", "--patients", patients, "--seed", "9", "--format", "csv", "--compress", "zip"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["-o", out]);
        let o = Command::new(bin).args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    gen("4100", &[], &p("single.zip"));
    for k in 0..3 {
        gen("4100", &["--shard", &format!("{k}/3")], &p(&format!("part{k}.zip")));
    }
    gen("4000", &["--shard", "1/3"], &p("other.zip"));
    let merge = |parts: &[&str], out: &str| {
        let mut args = vec!["merge-zip".to_string()];
        args.extend(parts.iter().map(|n| p(n)));
        args.extend(["-o".to_string(), out.to_string()]);
        Command::new(bin).args(&args).output().unwrap()
    };
    let single = std::fs::read(p("single.zip")).unwrap();
    let o = merge(&["part2.zip", "part0.zip", "part1.zip"], &p("merged.zip"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(p("merged.zip")).unwrap() == single, "merged archive differs from the single run's");
    assert!(!dir.join("merged.zip.partial").exists());
    let o = merge(&["part0.zip", "part1.zip", "part2.zip"], "-");
    assert!(o.stdout == single);
    // Refusals name the file and leave the output untouched.
    std::fs::write(p("keep.zip"), b"previous").unwrap();
    let refused = |parts: &[&str], want: &str| {
        let o = merge(parts, &p("keep.zip"));
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(want), "{err}");
        assert_eq!(std::fs::read(p("keep.zip")).unwrap(), b"previous");
        assert!(!dir.join("keep.zip.partial").exists());
    };
    refused(&["part0.zip", "single.zip", "part2.zip"], &format!("{}: not a patientgen zip part", p("single.zip")));
    refused(
        &["part0.zip", "part2.zip"],
        &format!("{}: covers patients 3000..4100 but the merge needs the part that starts at 2000", p("part2.zip")),
    );
    refused(&["part0.zip", "part1.zip"], &format!("{}: ends at patient 3000, but the run has 4100", p("part1.zip")));
    refused(&["part0.zip", "other.zip", "part2.zip"], &format!("{}: belongs to another run", p("other.zip")));
    let o = merge(&["part0.zip", "missing.zip"], &p("keep.zip"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("opening {}", p("missing.zip"))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compression_level_outside_1_to_9_is_refused() {
    let s = parse_scenario(CFG).unwrap();
    for level in [0, 10] {
        let o = JobOptions { compression_level: level, ..opts(Format::Ndjson, Compression::Gzip) };
        assert!(matches!(Job::new(&s.resolved, 1, &o), Err(JobError::Level(l)) if l == level));
    }
}

/// gzip then PGENC1 with fixed salt and nonce prefix: the same bytes for chunk sizes 1, 7 and
/// 1,000 (the core's encryptor), the same bytes again from segments sealed by index in any order
/// (`SegmentSealer`, as worker threads do), and the independent Python decryptor opens them.
#[test]
fn encrypted_gzip_is_invariant_under_chunking_and_segments_seal_independently() {
    use patientgen::sink::{EncryptionParams, SegmentSealer};
    let cfg = r#"{"total_patients": 2600}"#;
    let mut params = EncryptionParams::with_password("chunked password", [7; 16], [9; 7]);
    params.iterations = 100_000;
    params.segment_size = 4096;
    let gz = run(cfg, 5, opts(Format::Csv, Compression::Gzip));
    let mut outputs = Vec::new();
    for chunk_size in [1, 7, 1000] {
        let o = JobOptions { chunk_size, encryption: Some(params.clone()), ..opts(Format::Csv, Compression::Gzip) };
        outputs.push(run(cfg, 5, o));
    }
    assert!(outputs.iter().all(|o| *o == outputs[0]), "encrypted bytes depend on the chunking");
    let sealer = SegmentSealer::new(&params).unwrap();
    let segments: Vec<&[u8]> = gz.chunks(4096).collect();
    let mut sealed: Vec<Vec<u8>> = vec![Vec::new(); segments.len()];
    for j in (0..segments.len()).rev() {
        sealer.seal(j as u64, segments[j], j + 1 == segments.len(), &mut sealed[j]).unwrap();
    }
    let by_index = [sealer.header().to_vec(), sealed.concat()].concat();
    assert!(by_index == outputs[0]);
    assert!(sealer.seal(0, &segments[0][..100], false, &mut Vec::new()).is_err());
    let p = temp_file("enc.csv.gz.pgenc", &outputs[0]);
    let out = p.with_extension("out");
    let py = Command::new("python3")
        .args(["tests/decrypt_pgenc1.py", p.to_str().unwrap(), out.to_str().unwrap()])
        .env("PATIENTGEN_PASSWORD", "chunked password")
        .output()
        .expect("python3");
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    assert!(std::fs::read(&out).unwrap() == gz);
}
