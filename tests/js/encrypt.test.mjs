// The WebCrypto PGENC1 encryptor (js/encrypt.js) writes the Rust encryptor's bytes: the shared
// vectors of tests/vectors/ (made by tests/encryption.rs) re-encrypted from their own header's
// salt, nonce prefix and segment size are byte-identical, whatever the push sizes; fresh output is
// accepted by the independent Python decryptor, the native `patientgen decrypt` and the JS one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { decryptStream } from "../../js/node.js";
import { Encryptor, deriveKeyBytes, pbkdf2Header } from "../../js/encrypt.js";

const root = resolve(import.meta.dirname, "../..");
const vectorsDir = join(root, "tests/vectors");
const manifest = JSON.parse(readFileSync(join(vectorsDir, "manifest.json"), "utf8"));
const native = join(root, "target/release/patientgen");
const sha = (b) => createHash("sha256").update(b).digest("hex");

async function jsDecrypt(bytes, password) {
  const parts = [];
  for await (const c of new Blob([bytes]).stream().pipeThrough(decryptStream(password))) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function encryptAll(enc, plaintext, piece) {
  const out = [];
  for (let at = 0; at < plaintext.length; at += piece) out.push(...(await enc.push(plaintext.subarray(at, at + piece))));
  out.push(...(await enc.finish()));
  return Buffer.concat(out);
}

test("re-encrypting the PBKDF2 vectors with their header gives the Rust bytes, whatever the push sizes", async () => {
  const oks = manifest.vectors.filter((v) => v.expect === "ok" && /pbkdf2|empty/.test(v.file));
  assert.ok(oks.length >= 2);
  for (const v of oks) {
    const file = readFileSync(join(vectorsDir, v.file));
    const plaintext = await jsDecrypt(file, v.password);
    assert.equal(sha(plaintext), v.plaintext_sha256, v.file);
    const header = file.subarray(0, 39);
    const dv = new DataView(header.buffer, header.byteOffset, 39);
    const iterations = dv.getUint32(8);
    const salt = header.slice(12, 28);
    const noncePrefix = header.slice(28, 35);
    const segmentSize = dv.getUint32(35);
    assert.deepEqual(pbkdf2Header({ iterations, salt, noncePrefix, segmentSize }), new Uint8Array(header));
    const key = await deriveKeyBytes(v.password, salt, iterations);
    for (const piece of [1000, 7777, segmentSize, Math.max(1, plaintext.length)]) {
      const again = await encryptAll(new Encryptor({ key, header }), plaintext, piece);
      assert.equal(sha(again), sha(file), `${v.file}, pushes of ${piece}`);
    }
  }
});

test("fresh WebCrypto output of a dataset opens in the Python, native and JS decryptors", async () => {
  const plain = spawnSync(native, ["generate", "--progress", "never", "--patients", "3000", "--seed", "4", "--compress", "gzip"], {
    maxBuffer: 1 << 30,
  }).stdout;
  assert.ok(plain.length > 100_000);
  const password = "correct horse battery";
  const enc = await Encryptor.withPassword(password, { iterations: 100_000, segmentSize: 4096 });
  const sealed = await encryptAll(enc, plain, 65_537);
  // Segments: one tag per 4,096 plaintext bytes (the last one partial).
  assert.equal(sealed.length, 39 + plain.length + 16 * Math.ceil(plain.length / 4096));
  const dir = mkdtempSync(join(tmpdir(), "patientgen-encrypt-"));
  try {
    const inFile = join(dir, "out.gz.pgenc");
    writeFileSync(inFile, sealed);
    const env = { ...process.env, PATIENTGEN_PASSWORD: password };
    const py = spawnSync("python3", [join(root, "tests/decrypt_pgenc1.py"), inFile, join(dir, "py.out")], { env });
    assert.equal(py.status, 0, String(py.stderr));
    assert.equal(sha(readFileSync(join(dir, "py.out"))), sha(plain));
    const rs = spawnSync(native, ["decrypt", inFile, join(dir, "rs.out")], { env });
    assert.equal(rs.status, 0, String(rs.stderr));
    assert.equal(sha(readFileSync(join(dir, "rs.out"))), sha(plain));
    assert.equal(sha(await jsDecrypt(sealed, password)), sha(plain));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
