//! `patientgen bench` keeps working (issue #7): the table's shape, not the speed.

use std::process::Command;

const COLUMNS: usize = 14;

fn bench(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patientgen"))
        .arg("bench")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs patientgen");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The cells of the table's lines (those starting with `|`).
fn table(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.split_whitespace().next().unwrap_or("").replace(',', "").parse().unwrap_or(f64::NAN)
}

#[test]
fn quick_table_has_a_header_and_one_row_per_size() {
    let (code, stdout, stderr) = bench(&["--quick"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let rows = table(&stdout);
    assert_eq!(rows.len(), 4, "{stdout}");
    assert_eq!(rows[0][0], "N");
    assert_eq!(rows[0][1], "native time");
    assert_eq!(rows[0][6], "wasm time");
    assert_eq!(rows[0][9], "wasm patients/s, copied chunks");
    assert!(rows[1].iter().all(|c| c == "---:"), "{:?}", rows[1]);
    for (row, n) in rows[2..].iter().zip(["100", "1,000"]) {
        assert_eq!(row.len(), COLUMNS, "{row:?}");
        assert_eq!(row[0], n);
        assert!(row[1].ends_with(" ms") || row[1].ends_with(" s"), "{row:?}");
        assert!(number(&row[2]) > 0.0, "patients/s {row:?}");
        assert!(number(&row[3]) > 0.0, "MB/s {row:?}");
        assert!(number(&row[4]) >= 1.0, "chunks {row:?}");
        assert!(row[5].ends_with(" MiB") && number(&row[5]) > 0.0, "RSS {row:?}");
        // The wasm cells are numbers when node and pkg/ are there, dashes otherwise.
        if row[6] == "–" {
            assert!(row[6..].iter().all(|c| c == "–"), "{row:?}");
            assert!(stdout.contains("wasm column: skipped"), "{stdout}");
        } else {
            // patients/s through views and with copied chunks, wasm memory, the ratio.
            assert!(number(&row[7]) > 0.0 && number(&row[9]) > 0.0, "{row:?}");
            assert!(number(&row[11]) > 0.0 && number(&row[13]) > 0.0, "{row:?}");
            assert_eq!(row[4], row[10], "the same chunking natively and in wasm");
        }
    }
    assert!(stdout.contains("Machine: "), "{stdout}");
}

#[test]
fn explicit_sizes_without_wasm() {
    let (code, stdout, _) = bench(&["--patients", "7,30", "--no-wasm"]);
    assert_eq!(code, 0, "{stdout}");
    let rows = table(&stdout);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2][0], "7");
    assert_eq!(rows[3][0], "30");
    assert!(rows[2][6..].iter().all(|c| c == "–"), "{:?}", rows[2]);
    assert_eq!(rows[2][4], "1", "7 patients fit one chunk");
    assert!(stdout.contains("wasm column: skipped (--no-wasm)"), "{stdout}");
}

#[test]
fn child_reports_its_measurement() {
    let (code, stdout, _) = bench(&["--child", "25"]);
    assert_eq!(code, 0);
    let line = stdout.lines().last().unwrap_or("");
    assert!(line.starts_with("n=25 secs="), "{line}");
    let bytes: u64 = line.split_whitespace().find_map(|kv| kv.strip_prefix("bytes=")).unwrap().parse().unwrap();
    assert!(bytes > 25 * 500, "{line}");
}

#[test]
fn rejects_a_zero_size() {
    let (code, _, stderr) = bench(&["--patients", "0"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--patients"), "{stderr}");
}
