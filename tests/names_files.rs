//! The names files are normative artefacts (DOMAIN.md §7.2): their bytes fix the output. This test
//! pins the SHA-256 of every file, so a change is a deliberate decision that comes with an output
//! version bump, and re-checks the content rules independently of `build.rs`.

use std::path::PathBuf;

use patientgen::vocab::Nation;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// SHA-256 (lower-case hex) of `data/names/<CODE>.tsv`, in the nation order of §7.1.
const NAMES_SHA256: [(&str, &str); 34] = [
    ("ALB", "da036a6327228641cef691cc7f6ac63a50aa4c537f876b15e50327ee2748ebb3"),
    ("BEL", "690c8a26b4bbce7a86c547d97f58f8b86d33371b88cf5c9f45421cc05cb52af7"),
    ("BGR", "63ee8fcd5f09adc28ba67be8910dcde82b87e6f5afbc4d0a0e26737cf3cd2aa9"),
    ("CAN", "600d025a58001c4806c57215329c3e97177e0c2324d7eec13c1e924e2ccb5d3f"),
    ("HRV", "b7db82882821867f7a10b37348e24c014e53449c464c3df3acd7834ecbd63f13"),
    ("CZE", "220e0727b63299ab0cc71278b824ca3d6202bcd6715090d15ab37e16497b5a7d"),
    ("DNK", "d73d360951900c10e8dd239c9bac3dccf475d72ae29b45eae5d53a87275659ec"),
    ("EST", "5276ed646a38990ac95d65a1d944c4dc77c633b4a0dfee1edef21d2301aa23d9"),
    ("FIN", "f3813621654baae1bb1ce71b2b51a70de7dbf5c8451ef972056fc90aa32c9096"),
    ("FRA", "4274b3c70b7e035c731efc7383e52468c2a5dcc1be1c92df1955b3d04eb52ba3"),
    ("DEU", "e48f78c8e1648092a450633699dfbc1ed090038f2c24ffd6fe2afa8829a8024e"),
    ("GRC", "9cbcf705946db20d7dbcbfd8e703f916b5d3b54c898985b81cd1efe1d2b15668"),
    ("HUN", "b8d17cdfdd083471179f6d647f4031c67aa2ea3da99913a6745c6ab1f7c9f812"),
    ("ISL", "17f1f23ce34057cdc2f384e68fa97bb537d54f891551671c5954fd44d37f6814"),
    ("ITA", "55ff74c219cdd6664772612b960ff47eb17432c5cba43c88f0d602ed3491d2e9"),
    ("LVA", "9f5ac3441b8babe12ea7246960a7d721217b714f474229a7020e16df7644eead"),
    ("LTU", "e25ae86b18c42e8a9ab40c7fab8294e1458968144bffc6940d1a55fb0d9b8ae6"),
    ("LUX", "b859ed7a0d233714ee99fe79a2693311b8cf40071489e112388bce43becba9e1"),
    ("MNE", "c20f83013df10be9d40922738d35f5ccd9d9229687f2b4ee20e4122dd7d54606"),
    ("NLD", "59546b646a846cae33898f7ae785d2e6b0be63e0995cadc0435146e618b61ca5"),
    ("MKD", "14c91deaed807bf5da5d14492b9f38268270d9c33b5c3b8304513a616a9a19d6"),
    ("NOR", "9caaafcfaa717fe8d35943fd3359638da7936a78fa2b4d5167f950dd1f0cc983"),
    ("POL", "07265444102d15ef0448242e792f0e0a0868611c65d3588f96a0660f38f96439"),
    ("PRT", "683af37c5baa7e567edb93b4a336c4de62ef729709e9631b569ff5df3c70708e"),
    ("ROU", "3d0f9e6c38eb0980a9ae8b18ab374d96a4fb65d8ae146027770eba6d1a3cf3f9"),
    ("SVK", "81559ff2769c67792924a2a8cabc23d9cdd3db31ade223c935830817ba992dc5"),
    ("SVN", "ecc5f676958fc7ac0c9b3e9bb3aa0632927e064bb4795d944082aa5dbd40a76c"),
    ("ESP", "a4f98eb51b1a071d870c207b5fb28b4399b5f7a3f9479562e59317684ce10f60"),
    ("SWE", "63b36bb3c040fe6b1f2c3e075a29e88240c76f9d35159c3779f1ee0d787d17b4"),
    ("TUR", "23cda5083f36f22e5e004cb5235455d16f99a4da325a21c3a0200b2df39ceb51"),
    ("GBR", "fe5a817eeaf92a21420207e6010bc6cb9e765f3a2e4dc73d62004d8062840aed"),
    ("USA", "8e822e9883a249fc0861cb0991b4fc49ffa0f80b90d702521410fbe592081482"),
    ("AUS", "ce45e7e7f8ee97586626c318d443bbfa0c247c75484bcd155320cdcbc3b12ef8"),
    ("NZL", "d5fe20b4bc8ed2d0b05060112d0e36e242e131e2e3095df3e1b8c63a5bf9e70c"),
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
