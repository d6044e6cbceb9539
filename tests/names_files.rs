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
    ("BEL", "6ca386b3eba505fdfce36653c064484ea8d367e9bfbf443c8246de8269e0711f"),
    ("BGR", "e2238362765b0292ec2bf3539f3e42dd8b5f6e89e363f6e272bea7eeb0a1159d"),
    ("CAN", "7a46349289c3d20254fc8e2a09dd2c02cc0b64c393f48823b49cbd5841ec44de"),
    ("HRV", "58664a3cbb2fcd4dcd7f3eb3c5444081ce7ca90a870cb5f36a9ad706e442fd26"),
    ("CZE", "c181dc8ed658eca0850e0f260552a734445c73aaa5b5deaf415e805e6144b6d6"),
    ("DNK", "040070b603693dcfba04316dd5c1d6c03c45258100d97b9319a6ddfa8a833221"),
    ("EST", "4350e3e7b7934d826cb9a916c3cc8853197b5242846cbd7839af67ef51a70f15"),
    ("FIN", "808e7f993f180986bb059ca979cc571ba39836ae620fd591690732bb53903be2"),
    ("FRA", "3fc482d0c61990112be6edd647ec8284098eef3cd66d63af3505226cc180d314"),
    ("DEU", "5ff32eac5a71555da587e64411e62fe667909576181e21fb1dc34f6279cf4d9f"),
    ("GRC", "dfd447885f39c570befc7a39377e8444bcf642be34d286f9df6641af91527736"),
    ("HUN", "ddd00d93be1bcfe2b3e0aee723602511b30e87560883b7b18bbef6411208f255"),
    ("ISL", "bfd401db11d2632b9e5a2b1e22e9ff4b7ba62ee08a59d5a4819882c433e72a5b"),
    ("ITA", "2bfc276fb0d1fcc18771bc9845dd5ab05f6c9ad52e02cd421b99bcfbd68606a7"),
    ("LVA", "e44fc999aad78d5a04510b2ba9ff67642bb91320ba71f4674f2dd7c573085f89"),
    ("LTU", "3cfaa8c5c3e268c1ec8836fbd0b3ec8c0f7ac1d34c2cdb1c90367f848a2cc7a8"),
    ("LUX", "08c3f276abcd5fffe67be94fe156164dd38ac0bdbb36d558188938148813961a"),
    ("MNE", "c70c75245e527fe9f0ef7428fd6b192bc75491eb567a6dfa27d6ffdbdcf767e5"),
    ("NLD", "453841a7322631edc3870c6ddc12da4e8a90386769f04ef33e6810f4c0a05e3b"),
    ("MKD", "aa701ea1512a07a3919a735ec788c0465c30cbb040af5cc80351b58e42fb333a"),
    ("NOR", "b4b43314bdeaabddc6a2db8683046ce336f7102c2dd0d4bef3837c71d0a1065f"),
    ("POL", "b146b5effcf34f30b6b2c20fffc75696ba2e5bac1eb5b4be197b5b39c6e0260c"),
    ("PRT", "3f90baccb8cf5150aa8ebc6c1f18d5d0eb630c12c593ddb7e9cb3805a2fbe054"),
    ("ROU", "38f3814379e6aad146ba3335ae8a404f35b042b654287fd1880645ed8a27063f"),
    ("SVK", "835c4f77a27f2c33ad57202889010edf9912d316f0820b122ab838d5ed5f14ca"),
    ("SVN", "c518b6751185a78d06b44d47d22cd14d0bba20678d7a6762bec9b2e649bb17c4"),
    ("ESP", "bf53a286a88a86bb0228e84ae9171d41f90834412627e2f17bf8f8b686c17a1e"),
    ("SWE", "84b9f1cd934061b6e74b5ca5edf73b6f4c85bf59021d424ffb1acdea6933081e"),
    ("TUR", "29c450fb2d8ade6fef42d926a37117a59a3c7e8ac0f5c60929bc855c3967608b"),
    ("GBR", "14a8a8c6cce97a3c19309de7c81892b48b1aedac6de40c86d29074cb17992730"),
    ("USA", "75a38ce001608e4a6b5d34e9ea90a939736d0a958fcebf2ca89c31105070c5a3"),
    ("AUS", "7a6720d109838a71d26834eeed24affa3c0b1072e682b8cb8ba26c871c215bf9"),
    ("NZL", "c77fd889d196ae7a597911a7bff874a4f28b252f2582403ada93240e9ef45fad"),
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
fn sourced_files_name_package_version_and_licence() {
    // Every nation but ALB (no source has an Albanian locale) is generated from Faker or
    // @faker-js/faker; the header names the package version and the MIT licence, whose notices
    // are in data/names/LICENSES (shipped in the npm package too).
    let licences = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/names/LICENSES"))
        .expect("data/names/LICENSES");
    assert!(licences.contains("Copyright (c) 2012 Daniele Faraglia"));
    assert!(licences.contains("Faker - Copyright (c) 2022-2025"));
    assert!(licences.matches("Permission is hereby granted, free of charge").count() >= 2);
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/package.json")).unwrap())
            .unwrap();
    assert!(package["files"].as_array().unwrap().iter().any(|f| f == "data/names/LICENSES"));
    for (code, _) in NAMES_SHA256 {
        let text = read(code);
        let source = text.lines().next().unwrap();
        let licence = text.lines().nth(1).unwrap();
        if code == "ALB" {
            assert!(licence.contains("CC0-1.0"), "{licence}");
            continue;
        }
        assert!(
            source.contains("Faker 40.63.0 (Python") || source.contains("@faker-js/faker 10.6.0 (npm)"),
            "{code}: {source}"
        );
        assert!(licence.starts_with("# licence: MIT") && licence.contains("data/names/LICENSES"), "{code}");
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
