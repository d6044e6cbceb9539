// One PGENC1 decryptor contract (issue #15, 5; docs/ENCRYPTION.md): the shared vectors of
// tests/vectors/ (valid and hostile files, made by tests/encryption.rs, which also runs the Rust
// and Python decryptors on them) through the JS `decryptStream`, `npx patientgen decrypt` and the
// native `patientgen decrypt`: the same result, the same error class, the same exit code, and OUT
// untouched on every failure. Also: bounded memory and a cancellable key derivation in JS.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DecryptError, LIMITS, decryptStream } from "../../js/node.js";

const root = resolve(import.meta.dirname, "../..");
const vectorsDir = join(root, "tests/vectors");
const manifest = JSON.parse(readFileSync(join(vectorsDir, "manifest.json"), "utf8"));
const native = join(root, "target/release/patientgen");
const npxBin = join(root, "js/cli.js");
const sha = (b) => createHash("sha256").update(b).digest("hex");

async function jsDecrypt(bytes, password, options) {
  const parts = [];
  const src = new Blob([bytes]).stream();
  for await (const c of src.pipeThrough(decryptStream(password, options))) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

test("the limits are the documented ones", () => {
  assert.deepEqual(
    { ...LIMITS, argon2: { ...LIMITS.argon2 } },
    {
      minIterations: 100000,
      maxIterations: 10000000,
      minSegmentSize: 1,
      maxSegmentSize: 16777216,
      argon2: { minMemoryMib: 19, maxMemoryMib: 256, minPasses: 2, maxPasses: 10, minLanes: 1, maxLanes: 8 },
    },
  );
  const doc = readFileSync(join(root, "docs/ENCRYPTION.md"), "utf8");
  for (const n of ["100,000", "10,000,000", "2^24", "19", "256", "2", "10", "8"]) assert.ok(doc.includes(n), n);
});

test(`decryptStream meets every shared vector (${manifest.vectors.length})`, async () => {
  assert.ok(manifest.vectors.length >= 30);
  for (const v of manifest.vectors) {
    const bytes = readFileSync(join(vectorsDir, v.file));
    const t0 = performance.now();
    if (v.expect === "ok") {
      const out = await jsDecrypt(bytes, v.password);
      assert.equal(sha(out), v.plaintext_sha256, v.file);
    } else {
      await assert.rejects(jsDecrypt(bytes, v.password), (e) => {
        assert.ok(e instanceof DecryptError, `${v.file}: ${e}`);
        assert.equal(e.code, v.expect, `${v.file}: ${e.message}`);
        return true;
      });
      if (["kdf", "kdf_cost", "segment_size", "version", "not_pgenc"].includes(v.expect)) {
        // A hostile header is refused before any key derivation.
        assert.ok(performance.now() - t0 < 1000, `${v.file} took ${performance.now() - t0} ms`);
      }
    }
  }
});

test(
  "native and npx decrypt give every vector the same exit code, and OUT is replaced only on success",
  { skip: !existsSync(native) && "no native release build" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "pgenc-vectors-"));
    try {
      for (const v of manifest.vectors) {
        const codes = {};
        for (const [who, cmd, pre] of [["native", native, []], ["npx", process.execPath, [npxBin]]]) {
          const out = join(dir, `${who}.out`);
          writeFileSync(out, "previous\n");
          const r = spawnSync(cmd, [...pre, "decrypt", join(vectorsDir, v.file), out], {
            env: { ...process.env, PATIENTGEN_PASSWORD: v.password },
            encoding: "utf8",
          });
          codes[who] = r.status;
          assert.ok(!/panicked|at .*\.js:\d+/.test(r.stderr), `${who} ${v.file}: ${r.stderr}`);
          if (v.expect === "ok") assert.equal(sha(readFileSync(out)), v.plaintext_sha256, `${who} ${v.file}`);
          else assert.equal(readFileSync(out, "utf8"), "previous\n", `${who} ${v.file}: OUT must be untouched`);
        }
        assert.deepEqual(codes, { native: v.expect === "ok" ? 0 : 1, npx: v.expect === "ok" ? 0 : 1 }, v.file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("hostile arguments give the same exit codes natively and through npx", { skip: !existsSync(native) && "no native release build" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pgenc-args-"));
  try {
    const ok = join(vectorsDir, "ok-pbkdf2.pgenc");
    const copy = join(dir, "x.pgenc");
    const env = { ...process.env, PATIENTGEN_PASSWORD: "vector password 1" };
    const cases = [
      ["decrypt X X", (c) => ["decrypt", c, c], 1],
      ["missing input", () => ["decrypt", join(dir, "nope.pgenc"), join(dir, "o")], 2],
      ["device as OUT", () => ["decrypt", ok, "/dev/null"], 1],
      ["device as -o", () => ["generate", "--patients", "5", "--seed", "1", "-o", "/dev/null"], 1],
      ["stdout OUT", () => ["decrypt", ok, "-"], 0],
    ];
    for (const [name, args, want] of cases) {
      const got = {};
      for (const [who, cmd, pre] of [["native", native, []], ["npx", process.execPath, [npxBin]]]) {
        writeFileSync(copy, readFileSync(ok));
        const r = spawnSync(cmd, [...pre, ...args(copy)], { env, encoding: "buffer" });
        got[who] = r.status;
        assert.ok(readFileSync(copy).equals(readFileSync(ok)), `${who} ${name}: the input is intact`);
      }
      assert.deepEqual(got, { native: want, npx: want }, name);
    }
    assert.ok(existsSync("/dev/null") && !readFileSync("/dev/null").length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A PGENC1 header with PBKDF2 `iterations` and `segmentSize`. */
function header(iterations, segmentSize) {
  const h = new Uint8Array(39);
  h.set(new TextEncoder().encode("PGENC1"), 0);
  h[6] = 1;
  h[7] = 1;
  const dv = new DataView(h.buffer);
  dv.setUint32(8, iterations);
  h.fill(7, 12, 35);
  dv.setUint32(35, segmentSize);
  return h;
}

test("memory is bounded: a largest-segment stream of junk fails after one segment, not at its end", async () => {
  const segment = LIMITS.maxSegmentSize;
  let pulled = 0;
  const chunk = new Uint8Array(1 << 20).fill(0x5a);
  const total = 64; // MiB of junk offered
  const src = new ReadableStream({
    start(c) {
      c.enqueue(header(LIMITS.minIterations, segment));
    },
    pull(c) {
      if (pulled >= total) return c.close();
      pulled += 1;
      c.enqueue(chunk);
    },
  });
  await assert.rejects(
    (async () => {
      for await (const _ of src.pipeThrough(decryptStream("vector password 1"))) {
        /* drain */
      }
    })(),
    (e) => e.code === "authentication",
  );
  // One segment (16 MiB + 16) and a few chunks in flight, not all 64 MiB.
  assert.ok(pulled <= 20, `read ${pulled} MiB before failing`);
});

test("the key derivation can be cancelled: an abort rejects at once, not after PBKDF2 finishes", async () => {
  // The largest accepted iteration count (seconds of PBKDF2), then abort after 50 ms.
  const bytes = new Uint8Array(39 + 32);
  bytes.set(header(LIMITS.maxIterations, 16));
  const ac = new AbortController();
  const t0 = performance.now();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(jsDecrypt(bytes, "vector password 1", { signal: ac.signal }), (e) => e.name === "AbortError");
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `rejected after ${ms.toFixed(0)} ms`);
  // An already aborted signal derives nothing.
  const t1 = performance.now();
  await assert.rejects(jsDecrypt(bytes, "vector password 1", { signal: AbortSignal.abort() }), (e) => e.name === "AbortError");
  assert.ok(performance.now() - t1 < 200);
});

test("JS Argon2id encryption (core) round trips through the native and JS decryptors", { skip: !existsSync(native) && "no native release build" }, async () => {
  const { Generator } = await import("../../js/node.js");
  const password = "correct horse battery staple";
  const gen = new Generator({}, { patients: 300, seed: 5, encryption: { password, kdf: "argon2id" } });
  const parts = [];
  await gen.pipeTo(new WritableStream({ write: (c) => parts.push(Buffer.from(c)) }));
  const enc = Buffer.concat(parts);
  assert.equal(enc[7], 2, "KDF id 2 (Argon2id)");
  assert.deepEqual([enc.readUInt16BE(8), enc[10], enc[11]], [64, 3, 4], "RFC 9106 second recommended option");
  const plain = spawnSync(native, ["generate", "--patients", "300", "--seed", "5", "--progress", "never"], { maxBuffer: 1 << 26 }).stdout;
  assert.equal(sha(await jsDecrypt(enc, password)), sha(plain));
  const dir = mkdtempSync(join(tmpdir(), "pgenc-argon-"));
  try {
    writeFileSync(join(dir, "a.pgenc"), enc);
    const r = spawnSync(native, ["decrypt", join(dir, "a.pgenc"), join(dir, "a.out")], { env: { ...process.env, PATIENTGEN_PASSWORD: password } });
    assert.equal(r.status, 0, String(r.stderr));
    assert.equal(sha(readFileSync(join(dir, "a.out"))), sha(plain));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stdout or stderr that cannot be written: exit 2 natively and through npx, OUT untouched", { skip: !existsSync(native) && "no native release build" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-streams-"));
  try {
    const ok = join(dir, "ok.json");
    writeFileSync(ok, "{}");
    const out = join(dir, "g.ndjson");
    const cases = [
      ["validate > /dev/full", ["validate", ok], "stdout"],
      ["presets > /dev/full", ["presets"], "stdout"],
      ["generate > /dev/full", ["generate", "--patients", "50", "--seed", "1", "--progress", "never"], "stdout"],
      ["generate -o F 2> /dev/full", ["generate", "--patients", "50", "--seed", "1", "--progress", "never", "-o", out], "stderr"],
    ];
    for (const [name, args, stream] of cases) {
      const got = {};
      for (const [who, cmd, pre] of [["native", native, []], ["npx", process.execPath, [npxBin]]]) {
        writeFileSync(out, "before\n");
        const full = openSync("/dev/full", "w");
        try {
          const stdio = stream === "stdout" ? ["ignore", full, "pipe"] : ["ignore", "pipe", full];
          const r = spawnSync(cmd, [...pre, ...args], { stdio, encoding: "utf8" });
          got[who] = r.status;
          if (stream === "stdout") assert.match(r.stderr, /no space left on device/i, `${who} ${name}`);
        } finally {
          closeSync(full);
        }
        assert.equal(readFileSync(out, "utf8"), "before\n", `${who} ${name}: OUT untouched`);
      }
      assert.deepEqual(got, { native: 2, npx: 2 }, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
