// Resuming in JS: `new Generator(cfg, {startIndex})` continues a run after its last complete
// record and `range` pieces concatenate to the whole (docs/OUTPUT.md), including an
// interruption at a random moment; the native CLI's --resume gives the same bytes.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Generator } from "../../js/node.js";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const CONFIG = { total_patients: 2500, seed: 4242, front_configs: [
  { name: 'Ridge "A", east', nationality_distribution: [{ nationality_code: "GBR", percentage: 3 }, { nationality_code: "NOR", percentage: 1 }] },
] };

function run(options = {}) {
  const gen = new Generator(CONFIG, { chunkSize: 97, ...options });
  const parts = [];
  for (let c = gen.nextChunk(); c !== undefined; c = gen.nextChunk()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Byte offset just after the k-th complete record (csv: the header counts as a record first). */
function afterRecords(bytes, k, format) {
  const sep = format === "csv" ? Buffer.from("\r\n") : Buffer.from("\n");
  let at = 0;
  const records = format === "csv" ? k + 1 : k; // csv rows of these configs hold no CR LF
  for (let i = 0; i < records; i++) at = bytes.indexOf(sep, at) + sep.length;
  return k === 0 ? 0 : at;
}

for (const format of ["ndjson", "csv"]) {
  test(`${format}: startIndex k continues after the k-th record`, () => {
    const whole = run({ format });
    for (const k of [0, 1, 96, 97, 1234, 2499, 2500]) {
      const rest = run({ format, startIndex: k, chunkSize: 1 + (k % 300) });
      const prefix = whole.subarray(0, afterRecords(whole, k, format));
      assert.ok(Buffer.concat([prefix, rest]).equals(whole), `${format}: resumed at ${k}`);
    }
  });
}

for (const format of ["ndjson", "json", "json-wrapped", "csv", "xml", "fhir-r4"]) {
  test(`${format}: range pieces concatenate to the whole run`, () => {
    const whole = run({ format });
    const cuts = [0, 1, 700, 700, 1999, 2500];
    const pieces = [];
    for (let i = 0; i + 1 < cuts.length; i++) pieces.push(run({ format, range: [cuts[i], cuts[i + 1]] }));
    assert.ok(Buffer.concat(pieces).equals(whole), format);
    // startIndex inside a range resumes within it.
    const a = run({ format, range: [700, 1999] });
    const b = Buffer.concat([run({ format, range: [700, 1000] }), run({ format, range: [700, 1999], startIndex: 1000 })]);
    assert.ok(a.equals(b), `${format}: startIndex within a range`);
  });
}

test("an interruption at a random moment resumes to identical bytes", async () => {
  const whole = run();
  for (let round = 0; round < 3; round++) {
    const ac = new AbortController();
    const parts = [];
    // Interrupted after a random number of chunks (of 193), from inside the sink.
    const stopAt = 1 + Math.floor(Math.random() * 190);
    const writable = new WritableStream({
      write(c) {
        parts.push(Buffer.from(c));
        if (parts.length === stopAt) ac.abort(new Error(`interrupted after ${stopAt} chunks`));
      },
    });
    const gen = new Generator(CONFIG, { chunkSize: 13 });
    await assert.rejects(gen.pipeTo(writable, { signal: ac.signal }), /interrupted/);
    const got = Buffer.concat(parts);
    const done = gen.counters.recordsWritten;
    assert.ok(done < CONFIG.total_patients, `round ${round}: interrupted`);
    assert.equal(done, got.toString().split("\n").length - 1, `round ${round} (${stopAt} chunks): counters match the bytes`);
    const rest = run({ startIndex: done });
    assert.ok(Buffer.concat([got, rest]).equals(whole), `round ${round} (${stopAt} chunks): resumed at ${done}`);
  }
});

test("the native CLI's --resume refuses a file the JS API wrote (no fingerprint) and leaves it untouched", { skip: !existsSync(native) && "no native build" }, () => {
  // Issue #15: a file without the run's fingerprint cannot be verified, so it is not continued
  // (it could hold another scenario's records); in JavaScript, resume with startIndex instead.
  const dir = mkdtempSync(join(tmpdir(), "patientgen-resume-"));
  try {
    const cfg = join(dir, "scenario.json");
    writeFileSync(cfg, JSON.stringify(CONFIG));
    for (const format of ["ndjson", "csv"]) {
      const whole = run({ format });
      const out = join(dir, `out.${format}`);
      const k = 1717;
      const cut = whole.subarray(0, afterRecords(whole, k, format) + 123);
      writeFileSync(out, cut);
      const r = spawnSync(native, ["generate", "--config", cfg, "--format", format, "--progress", "never", "--resume", "-o", out], { encoding: "utf8" });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /no interrupted run to continue/);
      assert.ok(readFileSync(out).equals(cut), `${format}: the file is untouched`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
