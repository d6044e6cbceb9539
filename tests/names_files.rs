//! The names files are normative artefacts (DOMAIN.md §7.2): their bytes fix the output. This test
//! pins the SHA-256 of every file, so a change is a deliberate decision that comes with an output
//! version bump, and re-checks the content rules independently of `build.rs`.

use std::path::PathBuf;

use patientgen::data::vocab::Nation;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// SHA-256 (lower-case hex) of `data/names/<CODE>.tsv`, in the nation order of §7.1.
const NAMES_SHA256: [(&str, &str); 34] = [
    ("ALB", "da036a6327228641cef691cc7f6ac63a50aa4c537f876b15e50327ee2748ebb3"),
    ("BEL", "e8a79f18de2fa39f0f8e00b4f0c8d3cb148a7143ffff09a36eb3cca67c042b32"),
    ("BGR", "f89642e53faca1936727500c48f8a39267b1e49e01a797c3b13b9ef0f44cd785"),
    ("CAN", "3fb06163124cd6899c3d4f6235b4e6450767767f454e89f2a60d69ae4809d8ab"),
    ("HRV", "9967b520980a964fc90931dc158d14314552437b9c3632a3b3213489cf903c16"),
    ("CZE", "670837775126fbaa94e840d4ce5ecd35f9db14cd5fe05c50fabe1fba9ff40991"),
    ("DNK", "2e7cd32d9d9db80185d0c4fbba2ff08e25b6faa3e9b234eda1b6c1503bd10d7b"),
    ("EST", "55ef935c0c3674fe4d1026a4bb023ab44a676ff7e6918bb942a8bd1d0a3cab7a"),
    ("FIN", "f8af435defd705d42dc10365f6c0df78e19ea73c56728c83b309d841a1f97c33"),
    ("FRA", "fdefe73372df0306835e02e176749f020d216f17d10264c694f730a5556f9615"),
    ("DEU", "714ab01d2de97c0697107a9b56aef499f75023ef5b4efa8da98bddc2561910ee"),
    ("GRC", "adc0dd6689c1554c5f76b22b8b32adbc757def68fc73f44ddd5c348c16fdba08"),
    ("HUN", "df6e0d22a5c8c50c1554a0105e334029abdfa41f52f305a9cb1da9db05458ab5"),
    ("ISL", "67ba953709aad5ab470fc7a25703a8eb7eea9dc62baa325f34ebaaf5e27133cb"),
    ("ITA", "4e531f194da7aca22bcbe136a08211bbc677e803d660c874441fdc0624514625"),
    ("LVA", "c2d88fddc32b625734a7bc01587348410665239bf063e4c75b08ca2037b84e9e"),
    ("LTU", "76ec46a225a2f511495f6ad05e766bdbe9e24214d7561b88bc79269fa2d2417a"),
    ("LUX", "4b0ddb69861e1bcd954e4797341a074b097a854184dea2a49b18ea194c19cd87"),
    ("MNE", "9c2ed3328a5c49382439ee21e13b704b32ad0e9e8a5223194b2242232c4f6165"),
    ("NLD", "a05e82a728048841a846d85445b61d8aee98897f92d241224e5a4f89350555e0"),
    ("MKD", "ecbdbb9e722a709d57163ed0f6ce89351bb62dc89c5c38a98de2c93518682fcf"),
    ("NOR", "ebbb579113768d423dd512fa611175840da10569252d925c77982ebc79d93d58"),
    ("POL", "3d7618b327b161d9f338592ce70b8fe7555bb967473e1a4542e865b4adce11b8"),
    ("PRT", "6d01067bca851bb1cae5b7fdc80b0cc347f2a3d6c5b5dd9be82dc3ae9a2b5d74"),
    ("ROU", "8aa1c8bc902a0fd991f5fdbe0f8345f4ccb9ac79354ff36a3dc1f29d2efffacb"),
    ("SVK", "642df40f51738eade2dd4c6734c8f6d1a1f4ceb98fe043d8a8d28c21bf6c1fce"),
    ("SVN", "870f1d02e8b9a923c8bc22998a27a8317ad7ebbf9c73024eb80c22566e5cff4e"),
    ("ESP", "92edc979bf4f7ca55c7a54571d8b3c1b8b35d1c5850c2c65d2008c739e902d5c"),
    ("SWE", "738635b1377232c3808f021705ecad3153a091b1b915f1296e2b0f91e7b093da"),
    ("TUR", "ac89dfb4546c9d39754a6276dd985aef901b57d1d2480dd4a4a5e85d4760e2d1"),
    ("GBR", "dca86008fb6b145b0756f289fbf6f21955099dc8c0c914421f3772913c54bee6"),
    ("USA", "10cea174e345e56c4ce2a5ce51b66bdc1e2a4dc31cfa6446eff2a71efc54825d"),
    ("AUS", "4496c966dce917bb451e5965d007fe023b6164d593536669d5db4e95feeeb30b"),
    ("NZL", "560a7e4c48c10bc18d087c055d3af41d3bb3478860b9958708b038a824f6d5a9"),
];

fn path(code: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/names").join(format!("{code}.tsv"))
}

fn read(code: &str) -> String {
    let p = path(code);
    String::from_utf8(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).expect("UTF-8")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn names_files_match_their_pinned_hashes() {
    let codes: Vec<&str> = NAMES_SHA256.iter().map(|(c, _)| *c).collect();
    let nations: Vec<&str> = Nation::ALL.iter().map(|n| n.as_str()).collect();
    assert_eq!(codes, nations, "one pinned hash per nation, in the order of DOMAIN.md §7.1");
    let mut changed = Vec::new();
    for (code, want) in NAMES_SHA256 {
        let got = hex(&Sha256::digest(read(code).as_bytes()));
        if got != want {
            changed.push(format!("{code}.tsv: {got}"));
        }
    }
    assert!(
        changed.is_empty(),
        "names files are normative: bump the output version (DOMAIN.md §1.1 rule 6) and update this table\n  {}",
        changed.join("\n  ")
    );
}

#[test]
fn no_names_file_outside_the_table() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/names");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tsv"))
        .collect();
    files.sort();
    let mut want: Vec<String> = NAMES_SHA256.iter().map(|(c, _)| format!("{c}.tsv")).collect();
    want.sort();
    assert_eq!(files, want);
}

#[test]
fn names_files_hold_enough_nfc_names_with_source_and_licence() {
    for (code, _) in NAMES_SHA256 {
        let text = read(code);
        assert!(!text.starts_with('\u{feff}') && !text.contains('\r'), "{code}: no BOM, LF line ends");
        assert_eq!(text.nfc().collect::<String>(), text, "{code}: the file is NFC");
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("# source: "), "{code}");
        assert!(lines.next().unwrap().starts_with("# licence: "), "{code}");
        let mut lines = lines.skip_while(|l| l.starts_with('#'));
        assert_eq!(lines.next(), Some("kind\tname\tweight\tlatin"), "{code}");
        let mut count = [0usize; 4];
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(f.len() == 3 || f.len() == 4, "{code}: {line}");
            let kind = ["male", "female", "family", "family_female"].iter().position(|k| *k == f[0]);
            count[kind.unwrap_or_else(|| panic!("{code}: kind {}", f[0]))] += 1;
            assert!(f[2].parse::<f64>().unwrap() > 0.0, "{code}: {line}");
            for s in &f[1..] {
                assert_eq!(s.nfc().collect::<String>(), *s, "{code}: {s} is NFC");
            }
        }
        assert!(count[..3].iter().all(|&c| c >= 20), "{code}: {count:?}");
        assert!(count[3] == 0 || count[3] == count[2], "{code}: {count:?}");
    }
}

#[test]
fn unchecked_lists_keep_uniform_weights() {
    // A list compiled without a statistic must not invent frequencies (DOMAIN.md §7.2).
    for (code, _) in NAMES_SHA256 {
        let text = read(code);
        if text
            .starts_with("# source: compiled from general knowledge of common names; not checked against a statistic\n")
        {
            for line in text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("kind\t")) {
                assert_eq!(line.split('\t').nth(2), Some("1.00"), "{code}: {line}");
            }
        }
    }
}

#[test]
fn non_latin_scripts_have_a_latin_column() {
    for code in ["GRC", "BGR", "MKD"] {
        let text = read(code);
        let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("kind\t")).collect();
        assert!(rows.len() >= 60);
        for line in rows {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(!f[1].is_ascii(), "{code}: {line}");
            assert!(f.len() == 4 && f[3].is_ascii() && !f[3].is_empty(), "{code}: {line}");
        }
    }
}
