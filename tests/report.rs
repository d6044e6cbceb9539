//! The calibration report (docs/REPORT.md): figures against a direct computation from the
//! records, in-memory and NDJSON summaries against each other, merging, chunk splitting, the
//! error paths and the `patientgen report` command.

use std::io::Write;
use std::process::{Command, Stdio};

use patientgen::format::{self, RunMeta};
use patientgen::internals::patient::record::PatientRecord;
use patientgen::internals::patient::PatientGenerator;
use patientgen::internals::plan::Plan;
use patientgen::report::{Calibration, CalibrationReader, CaseSummary, Figures, ReportError};
use patientgen::{Format, Job, JobOptions};
use serde_json::Value;

fn resolved(config: &str) -> (patientgen::Resolved, u64) {
    let s = patientgen::parse_scenario(config).expect("valid scenario");
    let seed = s.seed.unwrap_or(1);
    (s.resolved, seed)
}

/// Generates NDJSON with calibration on; returns the bytes and the job's calibration.
fn generate(config: &str, seed: u64, range: Option<std::ops::Range<u64>>) -> (Vec<u8>, Calibration) {
    let (r, _) = resolved(config);
    let opts = JobOptions { calibration: true, range, ..JobOptions::default() };
    let mut job = Job::new(&r, seed, &opts).expect("job");
    let mut out = Vec::new();
    while !job.next_chunk(&mut out).expect("chunk").done {}
    let c = job.calibration().expect("calibration on").clone();
    (out, c)
}

fn read(bytes: &[u8]) -> Calibration {
    let mut r = CalibrationReader::new();
    r.push(bytes).expect("valid NDJSON");
    r.finish().expect("valid NDJSON").clone()
}

fn pct(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| 100.0 * num as f64 / den as f64)
}

fn median(v: &mut [u32]) -> Option<f64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64 / 10.0),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 20.0),
    }
}

fn p95(v: &mut [u32]) -> Option<f64> {
    v.sort_unstable();
    let n = v.len();
    (n > 0).then(|| v[(95 * n).div_ceil(100) - 1] as f64 / 10.0)
}

/// One record, read straight from the JSON value (independently of the report module).
struct Direct {
    injury: String,
    triage: String,
    status: String,
    mascal: bool,
    arrivals: [Option<u32>; 4],
    rtd: Option<(String, u32)>,
    hr_sbp: Option<(u32, u32)>,
}

fn direct(v: &Value) -> Direct {
    let mut arrivals = [None; 4];
    let mut rtd = None;
    for e in v["movement_timeline"].as_array().unwrap() {
        let tenths = (e["hours_since_injury"].as_f64().unwrap() * 10.0).round() as u32;
        let fac = e["facility"].as_str().unwrap();
        match e["event_type"].as_str().unwrap() {
            "arrival" if fac != "POI" => {
                let k = fac[4..].parse::<usize>().unwrap() - 1;
                arrivals[k] = arrivals[k].or(Some(tenths));
            }
            "rtd" => rtd = Some((fac.to_string(), tenths)),
            _ => {}
        }
    }
    let obs = &v["treatments"][0]["observations"];
    let find = |code: &str| {
        obs.as_array()?.iter().find(|o| o["code"] == code).and_then(|o| o["value"].as_f64()).map(|x| x as u32)
    };
    Direct {
        injury: v["injury_type"].as_str().unwrap().into(),
        triage: v["triage_category"].as_str().unwrap().into(),
        status: v["status"].as_str().unwrap().into(),
        mascal: v["mass_casualty"].as_bool().unwrap_or(false),
        arrivals,
        rtd,
        hr_sbp: find("8867-4").zip(find("8480-6")),
    }
}

fn close(f: &Figures, id: &str, want: Option<f64>) {
    let got = f.get(id).unwrap_or_else(|| panic!("figure {id} missing")).value;
    match (got, want) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{id}: report {g}, direct {w}"),
        _ => assert_eq!(got, want, "{id}"),
    }
}

#[test]
fn figures_equal_a_direct_computation_on_the_default_scenario() {
    let (bytes, live) = generate(r#"{"total_patients":20000}"#, 1, None);
    let records: Vec<Direct> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| direct(&serde_json::from_slice(l).unwrap()))
        .collect();
    assert_eq!(records.len(), 20_000);
    let from_file = read(&bytes);
    assert_eq!(live, from_file, "the job's live calibration equals the report of its NDJSON");
    let f = from_file.figures();
    assert_eq!(f.patients, 20_000);

    let death = |d: &Direct| matches!(d.status.as_str(), "KIA" | "DOW" | "NBD");
    let battle: Vec<&Direct> = records.iter().filter(|d| d.injury == "Battle Injury").collect();
    let kia = battle.iter().filter(|d| d.status == "KIA").count();
    let dow = battle.iter().filter(|d| d.status == "DOW").count();
    let wia = battle.len() - kia;
    let rtd = battle.iter().filter(|d| d.status == "RTD" && d.rtd.as_ref().is_some_and(|r| r.1 <= 720)).count();
    assert!(kia > 0 && dow > 0 && rtd > 0 && rtd < wia, "the sample exercises every term");
    close(&f, "battle_casualties", Some(battle.len() as f64));
    close(&f, "kia", Some(kia as f64));
    close(&f, "dow", Some(dow as f64));
    close(&f, "wia", Some(wia as f64));
    close(&f, "rtd", Some(rtd as f64));
    close(&f, "pct_kia", pct(kia, kia + wia - rtd));
    close(&f, "pct_dow", pct(dow, wia - rtd));
    close(&f, "cfr", pct(kia + dow, kia + wia));

    for t in ["T1", "T2", "T3", "T4"] {
        let b: Vec<_> = battle.iter().filter(|d| d.triage == t).collect();
        let a: Vec<_> = records.iter().filter(|d| d.triage == t).collect();
        let lc = t.to_lowercase();
        close(&f, &format!("mortality_{lc}_battle"), pct(b.iter().filter(|d| death(d)).count(), b.len()));
        close(&f, &format!("mortality_{lc}_all"), pct(a.iter().filter(|d| death(d)).count(), a.len()));
    }
    let dnbi: Vec<_> = records.iter().filter(|d| d.injury != "Battle Injury").collect();
    close(&f, "mortality_dnbi", pct(dnbi.iter().filter(|d| death(d)).count(), dnbi.len()));
    close(&f, "mortality_all", pct(records.iter().filter(|d| death(d)).count(), records.len()));

    for k in 0..4 {
        let mut times: Vec<u32> = records.iter().filter_map(|d| d.arrivals[k]).collect();
        close(&f, &format!("time_role{}_median", k + 1), median(&mut times));
        close(&f, &format!("time_role{}_p95", k + 1), p95(&mut times));
    }

    let t1: Vec<&&Direct> = battle.iter().filter(|d| d.triage == "T1").collect();
    close(&f, "t1_share_of_battle", pct(t1.len(), battle.len()));
    let first_mtf = |d: &Direct| d.arrivals.iter().flatten().min().copied();
    let surgical = |d: &Direct| d.arrivals[1..].iter().flatten().min().copied();
    close(&f, "t1_mtf_within_1h", pct(t1.iter().filter(|d| first_mtf(d).is_some_and(|h| h <= 10)).count(), t1.len()));
    close(&f, "t1_mtf_within_2h", pct(t1.iter().filter(|d| first_mtf(d).is_some_and(|h| h <= 20)).count(), t1.len()));
    let mut surg: Vec<u32> = t1.iter().filter_map(|d| surgical(d)).collect();
    close(&f, "t1_surgical_median", median(&mut surg));
    close(&f, "t1_surgical_within_2h", pct(surg.iter().filter(|h| **h <= 20).count(), t1.len()));
    let bypass = t1.iter().filter(|d| surgical(d).is_some() && d.arrivals[0].is_none()).count();
    close(&f, "t1_bypass_role1", pct(bypass, surg.len()));
    let rtd_poi = records.iter().filter(|d| d.triage == "T1" && d.rtd.as_ref().is_some_and(|r| r.0 == "POI")).count();
    close(&f, "t1_rtd_poi", Some(rtd_poi as f64));
    let mc: Vec<_> = records.iter().filter(|d| d.mascal).collect();
    assert!(!mc.is_empty());
    close(&f, "mascal_battle_share", pct(mc.iter().filter(|d| d.injury == "Battle Injury").count(), mc.len()));

    // AUC by counting every (death, survivor) pair on the binned scores.
    let si = |(hr, sbp): (u32, u32)| (100 * hr).checked_div(sbp).map_or(500, |v| v.min(500));
    let died: Vec<(u32, u32)> = battle.iter().filter(|d| death(d)).filter_map(|d| d.hr_sbp).collect();
    let lived: Vec<(u32, u32)> = battle.iter().filter(|d| !death(d)).filter_map(|d| d.hr_sbp).collect();
    let pairs = (died.len() * lived.len()) as f64;
    let (mut si_u, mut sbp_u) = (0.0, 0.0);
    for d in &died {
        for s in &lived {
            si_u += match si(*d).cmp(&si(*s)) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                _ => 0.0,
            };
            sbp_u += match d.1.min(300).cmp(&s.1.min(300)) {
                std::cmp::Ordering::Less => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                _ => 0.0,
            };
        }
    }
    let g = |id: &str| f.get(id).unwrap().value.unwrap();
    assert!((g("auc_shock_index") - si_u / pairs).abs() < 1e-12, "{} vs {}", g("auc_shock_index"), si_u / pairs);
    assert!((g("auc_systolic") - sbp_u / pairs).abs() < 1e-12);
    close(&f, "no_first_vitals", Some((battle.len() - died.len() - lived.len()) as f64));

    // The counts tables.
    let row = |name: &str| f.by_injury_triage.iter().find(|(n, _)| *n == name).unwrap().1;
    let n_bi_t2 = battle.iter().filter(|d| d.triage == "T2").count() as u64;
    assert_eq!(row("Battle Injury")[1], n_bi_t2);
    assert_eq!(row("total")[4], 20_000);
    let out = |name: &str| f.outcomes_by_injury.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(out("Battle Injury")[0], kia as u64);
    assert_eq!(out("Battle Injury")[4], rtd as u64);
    let disease_deaths = records.iter().filter(|d| d.injury == "Disease" && death(d)).count() as u64;
    assert_eq!(out("Disease")[6], disease_deaths);
}

/// Patients generated one by one: each record's in-memory summary equals its NDJSON line's.
#[test]
fn from_record_and_from_json_line_agree_on_every_patient() {
    for config in [
        "{}",
        r#"{"preset":"mass_casualty"}"#,
        r#"{"preset":"cbrn_incident"}"#,
        r#"{"preset":"peacekeeping"}"#,
        r#"{"preset":"urban_assault"}"#,
        r#"{"flow_model":"markov","total_patients":1500}"#,
    ] {
        let (r, seed) = resolved(config);
        let plan = Plan::new(&r, seed);
        let generator = PatientGenerator::new(&r, seed);
        let mut writer = format::writer(Format::Ndjson, &r, &RunMeta::for_format(&r, seed, Format::Ndjson));
        let mut cursor = plan.cursor(0);
        let mut ctx = Default::default();
        let mut rec = PatientRecord::default();
        let mut buf = Vec::new();
        let n = r.total_patients.min(3000);
        let (mut with_rtd, mut with_arrival) = (0, 0);
        for i in 0..n {
            cursor.next_into(&mut ctx);
            generator.generate(&ctx, &mut rec);
            buf.clear();
            writer.record(&rec, &mut buf);
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let from_json = CaseSummary::from_json_line(line).unwrap_or_else(|e| panic!("{config} #{i}: {e}"));
            let from_rec = CaseSummary::from_record(&rec);
            assert_eq!(from_rec, from_json, "{config}, patient {i}");
            with_rtd += from_rec.rtd.is_some() as u32;
            with_arrival += from_rec.first_arrival.iter().any(|a| a.is_some()) as u32;
        }
        assert!(with_rtd > 0 && with_arrival > 0, "{config}: the comparison covers timelines");
    }
}

#[test]
fn merging_shards_and_splitting_chunks_equal_one_pass() {
    let (whole_bytes, whole) = generate(r#"{"preset":"nato_article_5"}"#, 3, None);
    let mut merged = Calibration::new();
    for range in [0..700, 700..1901, 1901..2500] {
        merged.merge(&generate(r#"{"preset":"nato_article_5"}"#, 3, Some(range)).1);
    }
    assert_eq!(merged, whole);
    // A csv zip generates the range twice (patients.csv, events.csv): patients are counted once.
    let (r, _) = resolved(r#"{"preset":"nato_article_5"}"#);
    let opts = JobOptions {
        calibration: true,
        format: Format::Csv,
        compression: patientgen::Compression::Zip,
        ..JobOptions::default()
    };
    let mut zip = Job::new(&r, 3, &opts).expect("job");
    zip.run(|_| Ok::<(), ()>(())).expect("run");
    assert_eq!(zip.calibration(), Some(&whole));
    assert_eq!(Job::new(&r, 3, &JobOptions::default()).expect("job").calibration(), None, "off by default");
    assert_eq!(merged.figures().to_markdown(), whole.figures().to_markdown());
    // Counts survive their JSON form.
    assert_eq!(Calibration::from_json(&whole.to_json()).unwrap(), whole);
    // Chunks of 1, 7 and 4093 bytes (inside lines and UTF-8 sequences) read like the whole.
    for size in [1usize, 7, 4093] {
        let mut r = CalibrationReader::new();
        for chunk in whole_bytes.chunks(size) {
            r.push(chunk).unwrap();
        }
        assert_eq!(r.finish().unwrap(), &whole, "chunks of {size}");
    }
    // Without the final newline, with CRLF line ends and with blank lines: the same.
    let text = String::from_utf8(whole_bytes.clone()).unwrap();
    assert_eq!(read(text.trim_end().as_bytes()), whole);
    assert_eq!(read(text.replace('\n', "\r\n\n").as_bytes()), whole);
}

fn line_error(input: &str) -> ReportError {
    let mut r = CalibrationReader::new();
    let e = r.push(input.as_bytes()).and_then(|_| r.finish().map(|_| ())).expect_err("invalid input");
    // After an error every call repeats it.
    assert_eq!(r.push(b"{}\n"), Err(e.clone()));
    e
}

const OK: &str = r#"{"injury_type":"Disease","triage_category":"T3","status":"RTD"}"#;

#[test]
fn invalid_lines_are_named_with_their_line_and_path() {
    let e = line_error(&format!("{OK}\n{OK}\n{{\"injury_type\": \n"));
    assert_eq!(e.line(), Some(3));
    assert!(e.to_string().starts_with("line 3: "), "{e}");

    let e = line_error(&format!("{OK}\n{}\n", OK.replace("RTD", "alive")));
    assert_eq!((e.line(), e.path()), (Some(2), "status"));
    assert!(e.to_string().contains("unknown variant `alive`"), "{e}");

    let e = line_error(&format!("\n{}\n", OK.replace("T3", "T9")));
    assert_eq!((e.line(), e.path()), (Some(2), "triage_category"));

    let bad_time = r#"{"injury_type":"Battle Injury","triage_category":"T1","status":"DOW","movement_timeline":[
        {"event_type":"arrival","facility":"POI","hours_since_injury":0.0},
        {"event_type":"arrival","facility":"Role1","hours_since_injury":-1.5}]}"#
        .replace('\n', "");
    let e = line_error(&format!("{OK}\n{bad_time}\n"));
    assert_eq!((e.line(), e.path()), (Some(2), "movement_timeline[1].hours_since_injury"));
    assert_eq!(e.to_string(), "line 2: movement_timeline[1].hours_since_injury: expected a non-negative number");

    let bad_facility = bad_time.replace("-1.5", "1.5").replace("Role1", "Role9");
    assert_eq!(line_error(&bad_facility).path(), "movement_timeline[1].facility");

    let bad_type = OK.replace(r#""status":"RTD""#, r#""status":"RTD","mass_casualty":"yes""#);
    let e = line_error(&bad_type);
    assert_eq!((e.line(), e.path()), (Some(1), "mass_casualty"));

    let bad_vital = OK.replace('}', r#","treatments":[{"observations":[{"code":"8867-4","value":"fast"}]}]}"#);
    assert_eq!(line_error(&bad_vital).path(), "treatments[0].observations[0].value");

    let e = line_error(&format!("{OK}\n{OK} trailing\n"));
    assert_eq!(e.line(), Some(2));

    let missing = r#"{"injury_type":"Disease","status":"RTD"}"#;
    assert!(line_error(missing).to_string().contains("missing field `triage_category`"));

    // A line longer than the cap is refused without being buffered.
    let mut r = CalibrationReader::new();
    r.push(format!("{OK}\n").as_bytes()).unwrap();
    let big = vec![b' '; patientgen::report::MAX_LINE_BYTES / 2 + 1];
    r.push(&big).unwrap();
    let e = r.push(&big).unwrap_err();
    assert_eq!(e, ReportError::LineTooLong { line: 2, max: patientgen::report::MAX_LINE_BYTES });

    // Counts documents name their path too.
    let e = Calibration::from_json(r#"{"cases":[]}"#).unwrap_err();
    assert!(e.to_string().starts_with("calibration counts: cases"), "{e}");
    let mut v: Value = serde_json::from_str(&Calibration::new().to_json()).unwrap();
    v["t1_battle_surgical"] = serde_json::json!([[2400, 1], [5000, 1]]);
    let e = Calibration::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.path(), "t1_battle_surgical");
    assert!(e.to_string().contains("bin 5000 is outside 0..2401"), "{e}");
}

#[test]
fn unknown_fields_t4_nbd_and_absent_fields_are_read() {
    let lines = [
        r#"{"injury_type":"Battle Injury","triage_category":"T4","status":"DOW","mass_casualty":true,"mechanism":"blast","iss":34,"movement_timeline":[{"event_type":"arrival","facility":"POI","hours_since_injury":0.0},{"event_type":"triage","facility":"POI","hours_since_injury":0.1},{"event_type":"arrival","facility":"Role2","hours_since_injury":0.9},{"event_type":"kia","facility":"Role2","hours_since_injury":3.0}],"treatments":[{"observations":[{"code":"85354-9","components":[]},{"code":"8867-4","value":130},{"code":"8480-6","value":70}]}]}"#,
        r#"{"injury_type":"Disease","triage_category":"T2","status":"NBD"}"#,
        r#"{"injury_type":"Battle Injury","triage_category":"T1","status":"RTD","movement_timeline":[{"event_type":"rtd","facility":"POI","hours_since_injury":2.0}]}"#,
    ];
    let c = read(lines.join("\n").as_bytes());
    let f = c.figures();
    assert_eq!(f.patients, 3);
    let out = |name: &str| f.outcomes_by_injury.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(out("Disease"), [0, 0, 1, 0, 0, 0, 1]);
    assert_eq!(f.get("mortality_t4_battle").unwrap().text, "100.0 %");
    assert_eq!(f.get("mascal_battle_share").unwrap().value, Some(100.0));
    assert_eq!(f.get("t1_rtd_poi").unwrap().value, Some(1.0));
    assert_eq!(f.get("time_role2_median").unwrap().text, "0.9 h");
    // The T4 DOW did have first vitals; the T1 RTD did not.
    assert_eq!(f.get("no_first_vitals").unwrap().value, Some(1.0));
    assert_eq!(f.get("auc_shock_index").unwrap().value, None);
    assert_eq!(f.get("auc_shock_index").unwrap().text, "—");
}

fn cli(args: &[&str], stdin: Option<&[u8]>) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_patientgen"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run patientgen");
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_report_command_prints_the_core_report() {
    let (bytes, c) = generate(r#"{"preset":"urban_assault"}"#, 9, Some(0..1500));
    let dir = std::env::temp_dir().join(format!("patientgen-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("patients.ndjson");
    std::fs::write(&file, &bytes).unwrap();
    let path = file.to_str().unwrap();

    let (code, out, _) = cli(&["report", path], None);
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(out).unwrap(), c.figures().to_markdown());
    let (code, out, _) = cli(&["report", "--json", "-"], Some(&bytes));
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(out).unwrap(), c.figures().to_json());
    let parsed: Value = serde_json::from_str(&c.figures().to_json()).unwrap();
    assert_eq!(parsed["patients"], 1500);
    assert!(parsed["figures"].as_array().unwrap().iter().any(|f| f["id"] == "cfr" && f["definition"].is_string()));

    let mut broken = bytes.clone();
    broken.extend_from_slice(b"{\"injury_type\":\"Battle Injury\",\"triage_category\":\"T1\",\"status\":\"MIA\"}\n");
    let (code, out, err) = cli(&["report", "-"], Some(&broken));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.starts_with("error: line 1501: status: unknown variant `MIA`"), "{err}");

    let (code, _, err) = cli(&["report", dir.join("absent.ndjson").to_str().unwrap()], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("absent.ndjson"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
