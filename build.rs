//! Build script: compiles the name tables of `data/names/<CODE>.tsv` into static arrays
//! (docs/IDENTITIES.md#name-sources) and fails the build, with every problem listed, when a file breaks the format.
//!
//! Output: `$OUT_DIR/names.bin`, the packed tables (see [`pack`]) that `src/data/names.rs`
//! includes and decodes once per process, in the canonical nation order (the order of `Nation`).

use std::fmt::Write as _;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

/// The nations in canonical order (the order of `Nation`).
const NATIONS: [&str; 34] = [
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA", "LVA",
    "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA",
    "AUS", "NZL",
];

/// The four row kinds, in the order the tables are emitted.
const KINDS: [&str; 4] = ["male", "female", "family", "family_female"];
/// Minimum rows of `male`, `female` and `family`.
const MIN_NAMES: usize = 20;
/// The column header line.
const HEADER: &str = "kind\tname\tweight\tlatin";

/// One data row.
struct Row {
    name: String,
    weight: f64,
    latin: Option<String>,
}

/// The rows of one file, by kind (index into [`KINDS`]).
type Table = [Vec<Row>; 4];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=data/names");
    let dir = Path::new("data/names");
    let mut errors = Vec::new();
    let mut tables = Vec::with_capacity(NATIONS.len());
    for code in NATIONS {
        let path = dir.join(format!("{code}.tsv"));
        println!("cargo:rerun-if-changed={}", path.display());
        let shown = format!("data/names/{code}.tsv");
        match std::fs::read(&path) {
            Ok(bytes) => tables.push(parse_file(&shown, &bytes, &mut errors)),
            Err(e) => {
                errors.push(format!("{shown}: cannot read the file ({e}); every nation of `Nation` needs one"));
                tables.push(Default::default());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tsv") && !NATIONS.iter().any(|c| *n == format!("{c}.tsv")))
            .collect();
        extra.sort();
        for n in extra {
            errors.push(format!("data/names/{n}: not a nation of `Nation`"));
        }
    }
    if !errors.is_empty() {
        eprintln!("error: invalid names data (docs/IDENTITIES.md#name-sources):\n  {}", errors.join("\n  "));
        std::process::exit(1);
    }
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("names.bin");
    std::fs::write(&out, pack(&tables)).expect("write names.bin");
}

/// Parses and checks one file; problems go to `errors` with `file:line` prefixes.
fn parse_file(shown: &str, bytes: &[u8], errors: &mut Vec<String>) -> Table {
    let mut table: Table = Default::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("{shown}: not valid UTF-8 ({e})"));
            return table;
        }
    };
    if text.starts_with('\u{FEFF}') {
        errors.push(format!("{shown}: starts with a byte-order mark; files are UTF-8 without BOM"));
    }
    if text.contains('\r') {
        errors.push(format!("{shown}: contains CR; line ends must be LF"));
    }
    if !text.ends_with('\n') {
        errors.push(format!("{shown}: the last line must end with LF"));
    }
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    let mut rows_start = None;
    check_header_comment(shown, lines.first().copied(), 1, "# source: ", errors);
    check_header_comment(shown, lines.get(1).copied(), 2, "# licence: ", errors);
    for (i, line) in lines.iter().enumerate().skip(2) {
        if line.starts_with('#') {
            continue;
        }
        if *line == HEADER {
            rows_start = Some(i + 1);
        } else {
            errors.push(format!(
                "{shown}:{}: expected the column header `kind<TAB>name<TAB>weight<TAB>latin` after the `#` lines",
                i + 1
            ));
        }
        break;
    }
    let Some(start) = rows_start else {
        if lines.len() <= 2 || lines.iter().skip(2).all(|l| l.starts_with('#')) {
            errors.push(format!("{shown}: missing the column header `kind<TAB>name<TAB>weight<TAB>latin`"));
        }
        return table;
    };
    for (i, line) in lines.iter().enumerate().skip(start) {
        let at = format!("{shown}:{}", i + 1);
        if let Some((kind, row)) = parse_row(&at, line, errors) {
            let list = &mut table[kind];
            if list.iter().any(|r| r.name == row.name) {
                errors.push(format!("{at}: duplicate {} name `{}`", KINDS[kind], row.name));
            }
            list.push(row);
        }
    }
    for (kind, label) in KINDS.iter().enumerate().take(3) {
        if table[kind].len() < MIN_NAMES {
            errors.push(format!("{shown}: {} `{label}` rows, at least {MIN_NAMES} required", table[kind].len()));
        }
    }
    let (family, female) = (&table[2], &table[3]);
    if !female.is_empty() {
        if female.len() != family.len() {
            errors.push(format!(
                "{shown}: {} `family_female` rows but {} `family` rows; they must be index-aligned",
                female.len(),
                family.len()
            ));
        }
        for (k, (m, f)) in family.iter().zip(female).enumerate() {
            if m.weight != f.weight {
                errors.push(format!(
                    "{shown}: `family_female` row {} (`{}`, weight {}) must repeat the weight {} of the aligned `family` row (`{}`)",
                    k + 1,
                    f.name,
                    f.weight,
                    m.weight,
                    m.name
                ));
            }
        }
    }
    table
}

/// Checks a mandatory `# source: ` / `# licence: ` line.
fn check_header_comment(shown: &str, line: Option<&str>, n: usize, prefix: &str, errors: &mut Vec<String>) {
    match line {
        Some(l) if l.starts_with(prefix) && !l[prefix.len()..].trim().is_empty() => {}
        _ => errors.push(format!("{shown}:{n}: line {n} must be `{}<text>`", prefix)),
    }
}

/// Parses one data row; `None` (with an error) when malformed.
fn parse_row(at: &str, line: &str, errors: &mut Vec<String>) -> Option<(usize, Row)> {
    let fields: Vec<&str> = line.split('\t').collect();
    if !(3..=4).contains(&fields.len()) {
        errors.push(format!(
            "{at}: expected 3 or 4 tab-separated fields (kind, name, weight[, latin]), found {}",
            fields.len()
        ));
        return None;
    }
    let Some(kind) = KINDS.iter().position(|k| *k == fields[0]) else {
        errors.push(format!("{at}: unknown kind `{}` (male, female, family, family_female)", fields[0]));
        return None;
    };
    let name = fields[1];
    let mut ok = check_text(at, "name", name, errors);
    let weight = match fields[2].parse::<f64>() {
        Ok(w) if w.is_finite() && w > 0.0 => w,
        _ => {
            errors.push(format!("{at}: weight `{}` must be a number > 0", fields[2]));
            ok = false;
            0.0
        }
    };
    let latin = match fields.get(3) {
        Some(l) => {
            ok &= check_text(at, "latin", l, errors);
            if !l.chars().all(is_latin_char) {
                errors.push(format!("{at}: latin form `{l}` is not in Latin script"));
                ok = false;
            }
            Some(l.to_string())
        }
        None => None,
    };
    if latin.is_none() && !name.chars().all(is_latin_char) {
        errors.push(format!("{at}: `{name}` is not in Latin script and needs a `latin` romanisation"));
        ok = false;
    }
    ok.then(|| (kind, Row { name: name.to_string(), weight, latin }))
}

/// Non-empty, NFC, no surrounding or doubled spaces, no control characters, no `"` or `\` (the
/// JSON writer copies names verbatim between quotes).
fn check_text(at: &str, what: &str, s: &str, errors: &mut Vec<String>) -> bool {
    if s.is_empty() {
        errors.push(format!("{at}: empty {what}"));
        return false;
    }
    if s.contains(['"', '\\']) {
        errors.push(format!("{at}: {what} `{s}` contains `\"` or `\\`"));
        return false;
    }
    if s.trim() != s || s.contains("  ") || s.chars().any(char::is_control) {
        errors.push(format!("{at}: {what} `{s}` has surrounding or doubled spaces or control characters"));
        return false;
    }
    if s.nfc().collect::<String>() != s {
        errors.push(format!("{at}: {what} `{s}` is not NFC-normalised"));
        return false;
    }
    true
}

/// Letters of the Latin script (Basic Latin, Latin-1 letters, Latin Extended-A/B and Additional,
/// combining diacritics) plus ASCII punctuation and the typographic apostrophe.
fn is_latin_char(c: char) -> bool {
    c.is_ascii()
        || ('\u{0300}'..='\u{036F}').contains(&c)
        || (('\u{00C0}'..='\u{024F}').contains(&c) && c != '\u{00D7}' && c != '\u{00F7}')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
        || c == '\u{2019}'
}

/// The packed name tables, decoded once per process by `src/data/names.rs`. They are stored
/// uncompressed: the `.wasm` is shipped and served gzip-compressed, which compresses this
/// front-coded text as well as a deflate stream of its own would, without an inflater in the
/// module. Layout:
///
/// * a header of `(count: u32 LE, flags: u8)` per list: 34 nations × the four kinds of [`KINDS`],
///   in order; flags bit 0 = weighted, bit 1 = separate latin spellings;
/// * the names, front-coded: per list its native names, then (bit 1) its latin forms; each name is
///   one prefix byte, the number of bytes shared with the previous name of the same sequence
///   (names are sorted, so this removes most of the text), and its remaining bytes. A
///   `family_female` name is coded against the aligned `family` name instead: the prefix byte is
///   the number of trailing bytes of the family name to drop, then the bytes to append
///   (`Kowalski` → 1, `a` → `Kowalska`). Stored as `u32 LE` count and all prefix bytes, then
///   `u32 LE` length and all remaining bytes, each name's followed by `\n` (two streams
///   compress better than one interleaved stream);
/// * the weights of the weighted lists as decimal text, one per line, as the files write them.
fn pack(tables: &[Table]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut prefixes = Vec::new();
    let mut text = Vec::new();
    let mut weights = String::new();
    for table in tables {
        for (kind, rows) in table.iter().enumerate() {
            let weighted = rows.iter().any(|r| r.weight != 1.0);
            let latin = rows.iter().any(|r| r.latin.as_deref().is_some_and(|l| l != r.name));
            header.extend_from_slice(&(rows.len() as u32).to_le_bytes());
            header.push(u8::from(weighted) | (u8::from(latin) << 1));
            let native: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
            let romanised: Vec<&str> = rows.iter().map(|r| r.latin.as_deref().unwrap_or(&r.name)).collect();
            let mut seqs = vec![native];
            if latin {
                seqs.push(romanised);
            }
            for (si, seq) in seqs.iter().enumerate() {
                if kind == 3 {
                    // Against the aligned family name (same script sequence).
                    let fam = &table[2];
                    for (k, name) in seq.iter().enumerate() {
                        let base = fam.get(k).map_or("", |r| {
                            if si == 0 {
                                &r.name
                            } else {
                                r.latin.as_deref().unwrap_or(&r.name)
                            }
                        });
                        let p = common_prefix(base.as_bytes(), name.as_bytes());
                        prefixes.push((base.len() - p).min(255) as u8);
                        text.extend_from_slice(&name.as_bytes()[p.min(name.len())..]);
                        text.push(b'\n');
                    }
                } else {
                    let mut prev = "";
                    for name in seq {
                        let p = common_prefix(prev.as_bytes(), name.as_bytes());
                        prefixes.push(p as u8);
                        text.extend_from_slice(&name.as_bytes()[p..]);
                        text.push(b'\n');
                        prev = name;
                    }
                }
            }
            if weighted {
                for r in rows {
                    let _ = writeln!(weights, "{}", r.weight);
                }
            }
        }
    }
    let mut raw = header;
    raw.extend_from_slice(&(prefixes.len() as u32).to_le_bytes());
    raw.extend_from_slice(&prefixes);
    raw.extend_from_slice(&(text.len() as u32).to_le_bytes());
    raw.extend_from_slice(&text);
    raw.extend_from_slice(weights.as_bytes());
    raw
}

/// The length of the common prefix of `a` and `b`, at most 255, ending on a UTF-8 character
/// boundary of `b` (so that prefix and suffix are each whole characters).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut p = a.iter().zip(b).take(255).take_while(|(x, y)| x == y).count();
    while p > 0 && p < b.len() && (b[p] & 0xC0) == 0x80 {
        p -= 1;
    }
    p
}
