//! The public Rust API compiled to WebAssembly and run in headless Chromium: the golden scenario
//! gives the native build's SHA-256 (DOMAIN.md §12.1 item 12), and the output streamed chunk by
//! chunk into an OPFS file through a `FileSystemWritableFileStream` reads back byte-identical
//! (hashed both in Rust and with `crypto.subtle`).
//!
//! wasm32 only (empty natively). Run with scripts/test-wasm.sh, or:
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$PWD/.tools/bin/wasm-bindgen-test-runner \
//!  cargo test --target wasm32-unknown-unknown --test wasm_browser`
#![cfg(target_arch = "wasm32")]

#[path = "support/golden_hashes.rs"]
mod golden_hashes;

use golden_hashes::{hash, hex, job, pinned};
use js_sys::Uint8Array;
use patientgen::MAX_CHUNK_BYTES;
use patientgen::{Format, JobOptions};
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
async function root() {
  if (!globalThis.navigator || !navigator.storage || !navigator.storage.getDirectory) {
    throw new Error("no OPFS: navigator.storage.getDirectory is missing");
  }
  return navigator.storage.getDirectory();
}
export async function opfs_create_writable(name) {
  const dir = await root();
  const handle = await dir.getFileHandle(name, { create: true });
  return handle.createWritable();
}
export async function opfs_write(writable, bytes) {
  // `bytes` views wasm memory, which the next chunk overwrites: hand the stream a copy.
  await writable.write(bytes.slice());
}
export async function opfs_close(writable) {
  await writable.close();
}
export async function opfs_read(name) {
  const dir = await root();
  const file = await (await dir.getFileHandle(name)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}
export async function opfs_remove(name) {
  const dir = await root();
  await dir.removeEntry(name);
}
export async function subtle_sha256_hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn opfs_create_writable(name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn opfs_write(writable: &JsValue, bytes: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn opfs_close(writable: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn opfs_read(name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn opfs_remove(name: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn subtle_sha256_hex(bytes: &Uint8Array) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen_test]
fn golden_default_seed_1_every_format_matches_native() {
    for format in Format::ALL {
        let (got, _) = hash("{}", 1, &JobOptions { format, ..JobOptions::default() });
        assert_eq!(got, pinned("default", 1, format), "Chromium and native differ for {}", format.as_str());
    }
}

/// Streams the golden output of `format` into the OPFS file `name` in chunks of `chunk_size`
/// records; returns the number of chunks written.
async fn stream_to_opfs(name: &str, format: Format, chunk_size: u32) -> u64 {
    let writable = opfs_create_writable(name).await.expect("createWritable");
    let opts = JobOptions { format, chunk_size, chunk_bytes: MAX_CHUNK_BYTES, ..JobOptions::default() };
    let mut job = job("{}", 1, &opts);
    let mut buf = Vec::new();
    let mut chunks = 0;
    loop {
        buf.clear();
        let r = job.next_chunk(&mut buf).expect("chunk");
        if !buf.is_empty() {
            opfs_write(&writable, &buf).await.expect("write");
            chunks += 1;
        }
        if r.done {
            break;
        }
    }
    opfs_close(&writable).await.expect("close");
    chunks
}

#[wasm_bindgen_test]
async fn opfs_file_written_in_chunks_reads_back_identical() {
    for (format, chunk_size) in [(Format::Ndjson, 100), (Format::Csv, 333), (Format::FhirR4, 50)] {
        let name = format!("patientgen-test.{}", format.extension());
        let chunks = stream_to_opfs(&name, format, chunk_size).await;
        assert_eq!(chunks, 1440u64.div_ceil(chunk_size as u64), "{}: one write per chunk", format.as_str());

        let back = Uint8Array::new(&opfs_read(&name).await.expect("read back"));
        let expected = pinned("default", 1, format);
        assert_eq!(hex(&Sha256::digest(back.to_vec())), expected, "{} read back from OPFS", format.as_str());
        let subtle = subtle_sha256_hex(&back).await.expect("crypto.subtle").as_string();
        assert_eq!(subtle.as_deref(), Some(expected), "{}: crypto.subtle digest", format.as_str());

        opfs_remove(&name).await.expect("remove");
        assert!(opfs_read(&name).await.is_err(), "{name} was removed");
    }
}
