//! PGENC1 (docs/ENCRYPTION.md): round trips through the job pipeline, detection
//! of tampering, truncation, reordering and wrong passwords, and an independent Python decryptor
//! (`tests/decrypt_pgenc1.py`, `cryptography` package) reading our output.

use std::io::Read;
use std::process::Command;

use patientgen::sink::encrypt::{derive_key, encrypt, CryptoError, HEADER_LEN, MIN_ITERATIONS, TAG_LEN};
use patientgen::sink::{decrypt_stream, Compression, Decryptor, EncryptionParams, Secret, SinkError};
use patientgen::{parse_scenario, Format, Job, JobError, JobOptions};

const PASSWORD: &str = "correct horse battery";
const SALT: [u8; 16] = *b"0123456789abcdef";
const PREFIX: [u8; 7] = [0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7];

fn params(segment_size: u32) -> EncryptionParams {
    EncryptionParams {
        iterations: MIN_ITERATIONS,
        segment_size,
        ..EncryptionParams::with_password(PASSWORD, SALT, PREFIX)
    }
}

fn key() -> [u8; 32] {
    derive_key(PASSWORD, &SALT, MIN_ITERATIONS)
}

fn run(config: &str, opts: JobOptions) -> Result<Vec<u8>, JobError> {
    let s = parse_scenario(config).expect("valid config");
    let mut job = Job::new(&s.resolved, 17, &opts)?;
    let mut out = Vec::new();
    while !job.next_chunk(&mut out)?.done {}
    Ok(out)
}

fn decrypt_key(data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut d = Decryptor::with_key(key());
    let mut out = Vec::new();
    for part in data.chunks(4093) {
        d.push(part, &mut out)?;
    }
    d.finish(&mut out)?;
    Ok(out)
}

const CFG: &str = r#"{"total_patients": 400}"#;

#[test]
fn job_output_round_trips_for_plain_gzip_and_zip() {
    let plain = run(CFG, JobOptions { format: Format::Csv, ..JobOptions::default() }).unwrap();
    let enc =
        run(CFG, JobOptions { format: Format::Csv, encryption: Some(params(4096)), ..JobOptions::default() }).unwrap();
    assert_eq!(&enc[..HEADER_LEN], &params(4096).header());
    let n = plain.len().div_ceil(4096);
    assert_eq!(enc.len(), HEADER_LEN + plain.len() + n * TAG_LEN);
    let mut out = Vec::new();
    assert_eq!(decrypt_stream(&enc[..], &mut out, PASSWORD).unwrap(), plain.len() as u64);
    assert!(out == plain);

    // The segments depend only on the plaintext stream: chunking does not change the bytes.
    let one = run(
        CFG,
        JobOptions { format: Format::Csv, chunk_size: 1, encryption: Some(params(4096)), ..JobOptions::default() },
    );
    assert!(one.unwrap() == enc);

    let gz = run(
        CFG,
        JobOptions {
            format: Format::Ndjson,
            compression: Compression::Gzip,
            encryption: Some(params(65_536)),
            ..JobOptions::default()
        },
    )
    .unwrap();
    let mut unz = Vec::new();
    flate2::read::MultiGzDecoder::new(&decrypt_key(&gz).unwrap()[..]).read_to_end(&mut unz).unwrap();
    assert!(unz == run(CFG, JobOptions::default()).unwrap());

    let zip = run(
        CFG,
        JobOptions {
            format: Format::Csv,
            compression: Compression::Zip,
            encryption: Some(params(1000)),
            ..JobOptions::default()
        },
    )
    .unwrap();
    let z = decrypt_key(&zip).unwrap();
    assert_eq!(&z[..4], b"PK\x03\x04");
    assert_eq!(&z[z.len() - 22..z.len() - 18], b"PK\x05\x06");
}

#[test]
fn pre_derived_key_gives_the_same_stream_as_the_password() {
    let plain = b"some plaintext spanning a few segments".repeat(20);
    let with_password = encrypt(&params(100), &plain).unwrap();
    let p = EncryptionParams { segment_size: 100, ..EncryptionParams::with_key(key(), SALT, MIN_ITERATIONS, PREFIX) };
    assert!(encrypt(&p, &plain).unwrap() == with_password);
    assert_eq!(decrypt_key(&with_password).unwrap(), plain);
}

#[test]
fn flipping_any_byte_is_detected() {
    let plain: Vec<u8> = (0..200u32).map(|i| (i * 7) as u8).collect();
    let c = encrypt(&params(64), &plain).unwrap();
    assert_eq!(c.len(), HEADER_LEN + 200 + 4 * TAG_LEN);
    for pos in 0..c.len() {
        for bit in [0x01u8, 0x80] {
            let mut t = c.clone();
            t[pos] ^= bit;
            assert!(decrypt_key(&t).is_err(), "flip of bit {bit:#x} at byte {pos} went unnoticed");
        }
    }
    // The password path notices header changes too (changed salt → different key, or AAD).
    let mut t = c.clone();
    t[20] ^= 1;
    assert!(matches!(decrypt_stream(&t[..], Vec::new(), PASSWORD), Err(CryptoError::Authentication { segment: 0 })));
}

#[test]
fn truncation_reordering_and_appending_are_detected() {
    let plain = vec![0x5au8; 64 * 5 + 10];
    let c = encrypt(&params(64), &plain).unwrap();
    let seg = 64 + TAG_LEN;
    let at = |j: usize| HEADER_LEN + j * seg;
    // Truncation at every segment boundary, and inside segments.
    for j in 0..=5 {
        assert!(decrypt_key(&c[..at(j)]).is_err(), "truncated after {j} segments");
    }
    for cut in [at(2) + 1, at(5) + 5, c.len() - 1, HEADER_LEN - 1, 3] {
        assert!(decrypt_key(&c[..cut]).is_err(), "truncated at {cut}");
    }
    assert!(matches!(decrypt_key(&c[..at(3)]), Err(CryptoError::Authentication { segment: 2 })));
    // Swapping two segments.
    let mut swapped = c.clone();
    let (a, b) = (c[at(1)..at(2)].to_vec(), c[at(2)..at(3)].to_vec());
    swapped[at(1)..at(2)].copy_from_slice(&b);
    swapped[at(2)..at(3)].copy_from_slice(&a);
    assert!(matches!(decrypt_key(&swapped), Err(CryptoError::Authentication { segment: 1 })));
    // Dropping a middle segment.
    let dropped = [&c[..at(1)], &c[at(2)..]].concat();
    assert!(decrypt_key(&dropped).is_err());
    // Appending a segment or any bytes.
    let appended = [&c[..], &c[at(0)..at(1)]].concat();
    assert!(decrypt_key(&appended).is_err());
    assert!(decrypt_key(&[&c[..], b"x"].concat()).is_err());
    // The intact stream still decrypts.
    assert_eq!(decrypt_key(&c).unwrap(), plain);
}

#[test]
fn wrong_password_and_weak_parameters_are_rejected() {
    let c = encrypt(&params(64), b"hello").unwrap();
    assert!(matches!(
        decrypt_stream(&c[..], Vec::new(), "correct horse battery!"),
        Err(CryptoError::Authentication { segment: 0 })
    ));
    assert!(matches!(
        decrypt_stream(&b"PGENC2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"[..], Vec::new(), PASSWORD),
        Err(CryptoError::NotPgenc)
    ));

    let job_err = |p: EncryptionParams| {
        let s = parse_scenario(CFG).unwrap();
        Job::new(&s.resolved, 1, &JobOptions { encryption: Some(p), ..JobOptions::default() }).err()
    };
    let few = EncryptionParams { iterations: 99_999, ..params(64) };
    assert!(matches!(job_err(few), Some(JobError::Sink(SinkError::Crypto(CryptoError::TooFewIterations(99_999))))));
    let short = EncryptionParams { secret: Secret::Password("1234567".into()), ..params(64) };
    assert!(matches!(job_err(short), Some(JobError::Sink(SinkError::Crypto(CryptoError::PasswordTooShort)))));
    assert!(job_err(EncryptionParams { segment_size: 0, ..params(64) }).is_some());
    assert!(job_err(EncryptionParams { segment_size: (1 << 24) + 1, ..params(64) }).is_some());
    assert!(job_err(params(1 << 24)).is_none());
}

#[test]
fn empty_plaintext_is_one_tag_only_segment() {
    let c = encrypt(&params(64), b"").unwrap();
    assert_eq!(c.len(), HEADER_LEN + TAG_LEN);
    assert_eq!(decrypt_key(&c).unwrap(), b"");
    assert!(matches!(decrypt_key(&c[..HEADER_LEN]), Err(CryptoError::Truncated)));
}

#[test]
fn independent_python_decryptor_reads_our_output() {
    if std::env::var("PATIENTGEN_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("skipped: PATIENTGEN_SKIP_PYTHON=1");
        return;
    }
    let dir = std::env::temp_dir().join(format!("patientgen-encryption-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/decrypt_pgenc1.py");
    let py = |input: &std::path::Path, output: &std::path::Path, password: &str| {
        Command::new("python3")
            .arg(script)
            .arg(input)
            .arg(output)
            .env("PATIENTGEN_PASSWORD", password)
            .output()
            .expect("python3 (set PATIENTGEN_SKIP_PYTHON=1 to skip)")
    };
    let cases: [(&str, Format, Compression, u32); 4] = [
        ("csv", Format::Csv, Compression::None, 4096),
        ("fhir-gz", Format::FhirR4, Compression::Gzip, 65_536),
        ("xml-1", Format::Xml, Compression::None, 1),
        ("ndjson-default-iterations", Format::Ndjson, Compression::None, 65_536),
    ];
    for (name, format, compression, segment_size) in cases {
        let p = if name.ends_with("default-iterations") {
            EncryptionParams::with_password(PASSWORD, SALT, PREFIX)
        } else {
            params(segment_size)
        };
        let cfg = if segment_size == 1 { r#"{"total_patients": 5}"# } else { CFG };
        let plain = run(cfg, JobOptions { format, compression, ..JobOptions::default() }).unwrap();
        let enc = run(cfg, JobOptions { format, compression, encryption: Some(p), ..JobOptions::default() }).unwrap();
        let input = dir.join(format!("{name}.pgenc"));
        let output = dir.join(format!("{name}.out"));
        std::fs::write(&input, &enc).unwrap();
        let o = py(&input, &output, PASSWORD);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(std::fs::read(&output).unwrap() == plain, "{name}: content differs");
    }
    // The Python decryptor rejects what ours rejects.
    let enc = encrypt(&params(64), &[1u8; 300]).unwrap();
    let input = dir.join("bad.pgenc");
    let output = dir.join("bad.out");
    let seg = 64 + TAG_LEN;
    let bad: [(&str, Vec<u8>); 4] = [
        ("flip", {
            let mut t = enc.clone();
            t[HEADER_LEN + 70] ^= 4;
            t
        }),
        ("truncate", enc[..HEADER_LEN + 2 * seg].to_vec()),
        (
            "swap",
            [
                &enc[..HEADER_LEN],
                &enc[HEADER_LEN + seg..HEADER_LEN + 2 * seg],
                &enc[HEADER_LEN..HEADER_LEN + seg],
                &enc[HEADER_LEN + 2 * seg..],
            ]
            .concat(),
        ),
        ("header", {
            let mut t = enc.clone();
            t[30] ^= 1;
            t
        }),
    ];
    for (what, data) in bad {
        std::fs::write(&input, &data).unwrap();
        let o = py(&input, &output, PASSWORD);
        assert_eq!(o.status.code(), Some(1), "python accepted a {what}ed stream");
    }
    std::fs::write(&input, &enc).unwrap();
    assert_eq!(py(&input, &output, "not the password").status.code(), Some(1));
    assert!(py(&input, &output, PASSWORD).status.success());
}

/// The class of a decryption failure, as all three decryptors name it (JS `DecryptError.code`,
/// Python `error: CLASS:`).
fn class(e: &CryptoError) -> &'static str {
    match e {
        CryptoError::NotPgenc => "not_pgenc",
        CryptoError::UnsupportedVersion(_) => "version",
        CryptoError::UnsupportedKdf(_) => "kdf",
        CryptoError::TooFewIterations(_) | CryptoError::TooManyIterations(_) | CryptoError::Argon2Cost(_) => "kdf_cost",
        CryptoError::SegmentSize(_) => "segment_size",
        CryptoError::Truncated => "truncated",
        CryptoError::Authentication { .. } => "authentication",
        CryptoError::TooManySegments => "too_many_segments",
        _ => "other",
    }
}

const VECTOR_PASSWORD: &str = "vector password 1";

/// The shared PGENC1 test vectors of `tests/vectors/` (docs/ENCRYPTION.md): each is
/// `(file name, bytes, password, expected class or "ok")`. Deterministic: fixed salts, nonce
/// prefixes and plaintexts, hostile headers made by editing a valid one.
fn vectors() -> Vec<(String, Vec<u8>, &'static str, &'static str)> {
    use patientgen::sink::Argon2Cost;
    let plain: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    let pbkdf2 = EncryptionParams {
        iterations: MIN_ITERATIONS,
        segment_size: 64,
        ..EncryptionParams::with_password(VECTOR_PASSWORD, SALT, PREFIX)
    };
    let argon = EncryptionParams {
        argon2id: Some(Argon2Cost { memory_mib: 19, passes: 2, lanes: 1 }),
        segment_size: 256,
        ..pbkdf2.clone()
    };
    let ok = encrypt(&pbkdf2, &plain).unwrap();
    let ok_argon = encrypt(&argon, &plain).unwrap();
    let empty = encrypt(&pbkdf2, b"").unwrap();
    let with = |base: &[u8], at: usize, bytes: &[u8]| {
        let mut v = base.to_vec();
        v[at..at + bytes.len()].copy_from_slice(bytes);
        v
    };
    let seg = 64 + TAG_LEN;
    let mut v: Vec<(String, Vec<u8>, &str, &str)> = vec![
        ("ok-pbkdf2".into(), ok.clone(), VECTOR_PASSWORD, "ok"),
        ("ok-argon2id".into(), ok_argon.clone(), VECTOR_PASSWORD, "ok"),
        ("ok-empty".into(), empty.clone(), VECTOR_PASSWORD, "ok"),
        ("wrong-password".into(), ok.clone(), "not the password", "authentication"),
        ("wrong-password-argon2id".into(), ok_argon.clone(), "not the password", "authentication"),
        (
            "tampered-byte".into(),
            with(&ok, HEADER_LEN + seg + 5, &[ok[HEADER_LEN + seg + 5] ^ 1]),
            VECTOR_PASSWORD,
            "authentication",
        ),
        ("tampered-header-salt".into(), with(&ok, 20, &[ok[20] ^ 1]), VECTOR_PASSWORD, "authentication"),
        ("cut-at-segment-boundary".into(), ok[..HEADER_LEN + 3 * seg].to_vec(), VECTOR_PASSWORD, "authentication"),
        ("appended-byte".into(), [&ok[..], b"x"].concat(), VECTOR_PASSWORD, "authentication"),
        (
            "segments-swapped".into(),
            [
                &ok[..HEADER_LEN],
                &ok[HEADER_LEN + seg..HEADER_LEN + 2 * seg],
                &ok[HEADER_LEN..HEADER_LEN + seg],
                &ok[HEADER_LEN + 2 * seg..],
            ]
            .concat(),
            VECTOR_PASSWORD,
            "authentication",
        ),
        ("truncated-header".into(), ok[..20].to_vec(), VECTOR_PASSWORD, "truncated"),
        ("header-only".into(), ok[..HEADER_LEN].to_vec(), VECTOR_PASSWORD, "truncated"),
        ("short-tag".into(), ok[..HEADER_LEN + 10].to_vec(), VECTOR_PASSWORD, "truncated"),
        ("empty-file".into(), Vec::new(), VECTOR_PASSWORD, "truncated"),
        (
            "not-pgenc".into(),
            b"this is a plain text file, not a PGENC1 stream at all.\n".to_vec(),
            VECTOR_PASSWORD,
            "not_pgenc",
        ),
        ("not-pgenc-short".into(), b"PGENC2xx".to_vec(), VECTOR_PASSWORD, "not_pgenc"),
        ("version-2".into(), with(&ok, 6, &[2]), VECTOR_PASSWORD, "version"),
        ("kdf-0".into(), with(&ok, 7, &[0]), VECTOR_PASSWORD, "kdf"),
        ("kdf-3".into(), with(&ok, 7, &[3]), VECTOR_PASSWORD, "kdf"),
        ("kdf-255".into(), with(&ok, 7, &[255]), VECTOR_PASSWORD, "kdf"),
    ];
    for it in [0u32, 1, 99_999, 10_000_001, (1 << 31) - 1, u32::MAX] {
        v.push((format!("iterations-{it}"), with(&ok, 8, &it.to_be_bytes()), VECTOR_PASSWORD, "kdf_cost"));
    }
    for s in [0u32, (1 << 24) + 1, u32::MAX] {
        let mut bytes = with(&ok, 35, &s.to_be_bytes());
        if s == u32::MAX {
            bytes.extend(std::iter::repeat_n(0x5a, 1 << 16)); // junk that a decryptor would buffer
        }
        v.push((format!("segment-size-{s}"), bytes, VECTOR_PASSWORD, "segment_size"));
    }
    for (m, t, p) in [
        (18u16, 2u8, 1u8),
        (257, 2, 1),
        (65_535, 2, 1),
        (0, 2, 1),
        (19, 1, 1),
        (19, 11, 1),
        (19, 255, 1),
        (19, 2, 0),
        (19, 2, 9),
    ] {
        let m2 = m.to_be_bytes();
        v.push((
            format!("argon2id-{m}mib-{t}t-{p}p"),
            with(&ok_argon, 8, &[m2[0], m2[1], t, p]),
            VECTOR_PASSWORD,
            "kdf_cost",
        ));
    }
    // Limits apply before the segment size is looked at: a bad KDF cost and a bad segment.
    v.push((
        "iterations-1-segment-0".into(),
        with(&with(&ok, 8, &1u32.to_be_bytes()), 35, &[0, 0, 0, 0]),
        VECTOR_PASSWORD,
        "kdf_cost",
    ));
    v.into_iter().map(|(n, b, p, e)| (format!("{n}.pgenc"), b, p, e)).collect()
}

fn sha_hex(d: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(d).iter().map(|b| format!("{b:02x}")).collect()
}

/// tests/vectors/ holds exactly what [`vectors`] makes (`UPDATE_VECTORS=1` rewrites it), and the
/// Rust decryptor gives each vector its expected result.
#[test]
fn shared_vectors_are_current_and_the_rust_decryptor_meets_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let update = std::env::var("UPDATE_VECTORS").as_deref() == Ok("1");
    let plain: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut manifest = Vec::new();
    for (name, bytes, password, expect) in vectors() {
        let path = dir.join(&name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let stored = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e} (UPDATE_VECTORS=1 writes it)"));
            assert!(stored == bytes, "{name} differs from what the test makes (UPDATE_VECTORS=1 rewrites it)");
        }
        let got = decrypt_stream(&bytes[..], Vec::new(), password);
        match (&got, expect) {
            (Ok(_), "ok") => {}
            (Err(e), want) => assert_eq!(class(e), want, "{name}: {e}"),
            (Ok(_), want) => panic!("{name}: decrypted, expected {want}"),
        }
        let plaintext = match expect {
            "ok" if name == "ok-empty.pgenc" => Some(sha_hex(b"")),
            "ok" => Some(sha_hex(&plain)),
            _ => None,
        };
        manifest.push(serde_json::json!({
            "file": name, "password": password, "expect": expect, "plaintext_sha256": plaintext,
        }));
    }
    let text = serde_json::to_string_pretty(&serde_json::json!({
        "about": "PGENC1 test vectors shared by the Rust, JS and Python decryptors (docs/ENCRYPTION.md); made by tests/encryption.rs",
        "vectors": manifest,
    }))
    .unwrap()
        + "\n";
    let mpath = dir.join("manifest.json");
    if update {
        std::fs::write(&mpath, &text).unwrap();
    } else {
        assert_eq!(std::fs::read_to_string(&mpath).unwrap(), text, "manifest.json is stale (UPDATE_VECTORS=1)");
    }
}

/// The Python decryptor gives every shared vector the same result and class as the Rust one,
/// and writes OUT only on success.
#[test]
fn shared_vectors_the_python_decryptor_meets_them() {
    if std::env::var("PATIENTGEN_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("skipped: PATIENTGEN_SKIP_PYTHON=1");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/decrypt_pgenc1.py");
    let dir = std::env::temp_dir().join(format!("patientgen-vectors-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes, password, expect) in vectors() {
        let input = dir.join(&name);
        let output = dir.join("out.bin");
        std::fs::write(&input, &bytes).unwrap();
        std::fs::write(&output, b"previous").unwrap();
        let o = Command::new("python3")
            .arg(script)
            .arg(&input)
            .arg(&output)
            .env("PATIENTGEN_PASSWORD", password)
            .output()
            .expect("python3 (set PATIENTGEN_SKIP_PYTHON=1 to skip)");
        let stderr = String::from_utf8_lossy(&o.stderr);
        if expect == "ok" {
            assert!(o.status.success(), "{name}: {stderr}");
            let want = decrypt_stream(&bytes[..], Vec::new(), password).map(|_| ()).is_ok();
            assert!(want);
        } else {
            assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
            assert!(stderr.contains(&format!("error: {expect}:")), "{name}: expected class {expect} in {stderr}");
            assert_eq!(std::fs::read(&output).unwrap(), b"previous", "{name}: OUT must be untouched");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
