// The npm package as a user meets it: packed, installed into a temp project, imported by name.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
let project;
let pg; // the imported package

const sha = (b) => createHash("sha256").update(b).digest("hex");

before(() => {
  project = mkdtempSync(join(tmpdir(), "patientgen-pkg-"));
  const packDir = join(project, "pack");
  mkdirSync(packDir);
  execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz")));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], { cwd: project, stdio: "inherit" });
});

async function load() {
  if (!pg) {
    // Resolve "patientgen" from inside the consumer project, like a user's import would.
    const entry = join(project, "entry.mjs");
    writeFileSync(entry, 'export * from "patientgen"; export { default } from "patientgen";\n');
    pg = await import(pathToFileURL(entry).href);
  }
  return pg;
}

function nativeBytes(args) {
  return execFileSync(native, ["generate", "--progress", "never", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
}

function collect() {
  const parts = [];
  const writable = new WritableStream({ write(c) { parts.push(Buffer.from(c)); } });
  return { writable, bytes: () => Buffer.concat(parts) };
}

test("package ships only what it needs and exports every runtime", () => {
  const pkg = JSON.parse(readFileSync(join(project, "node_modules/patientgen/package.json"), "utf8"));
  assert.equal(pkg.type, "module");
  assert.equal(pkg.sideEffects, false);
  for (const cond of ["browser", "node", "workerd", "deno", "default", "types"]) assert.ok(pkg.exports["."][cond], cond);
  assert.ok(pkg.exports["./patientgen_bg.wasm"]);
  const files = readdirSync(join(project, "node_modules/patientgen/js")).sort();
  assert.ok(files.includes("index.d.ts"));
  assert.ok(!readdirSync(join(project, "node_modules/patientgen")).includes("src"), "Rust sources are not shipped");
  // The compiled-in names come from Faker and @faker-js/faker (MIT): their notices ship too.
  const notices = readFileSync(join(project, "node_modules/patientgen/data/names/LICENSES"), "utf8");
  assert.ok(notices.includes("Copyright (c) 2012 Daniele Faraglia") && notices.includes("Faker - Copyright (c) 2022-2025"));
  assert.ok(!readdirSync(join(project, "node_modules/patientgen/data/names")).some((f) => f.endsWith(".tsv")), "only the notices");
});

for (const format of ["ndjson", "json"]) {
  test(`pipeTo, readable(), the npm bin and the native CLI give identical bytes (${format})`, async () => {
    const { Generator } = await load();
    const args = ["--patients", "3000", "--seed", "77", "--format", format];
    const expected = sha(nativeBytes(args));

    const a = collect();
    await new Generator({}, { patients: 3000, seed: 77, format, chunkSize: 250 }).pipeTo(a.writable);
    assert.equal(sha(a.bytes()), expected, "pipeTo");

    const parts = [];
    for await (const c of new Generator({}, { patients: 3000, seed: 77, format }).readable()) parts.push(Buffer.from(c));
    assert.equal(sha(Buffer.concat(parts)), expected, "readable()");

    const bin = execFileSync(join(project, "node_modules/.bin/patientgen"), ["generate", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
    assert.equal(sha(bin), expected, "npm bin");

    const it = [];
    for await (const c of new Generator({}, { patients: 3000, seed: 77, format, chunkSize: 999 })) it.push(Buffer.from(c));
    assert.equal(sha(Buffer.concat(it)), expected, "async iteration");
  });
}

test("a slow consumer holds generation to one chunk ahead; timers keep firing", async () => {
  const { Generator } = await load();
  const gen = new Generator({}, { patients: 4000, seed: 5, chunkSize: 200 });
  let written = 0;
  let maxAhead = 0;
  const writable = new WritableStream(
    {
      async write() {
        written++;
        await new Promise((r) => setTimeout(r, 50));
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  await gen.pipeTo(writable, {
    onProgress: (c) => {
      maxAhead = Math.max(maxAhead, c.chunks - written);
    },
  });
  clearInterval(timer);
  assert.equal(gen.counters.chunks, 20);
  assert.ok(maxAhead <= 1, `generation ran ${maxAhead} chunks ahead of the consumer`);
  assert.ok(ticks >= 50, `timer fired only ${ticks} times in ~1 s`);
});

test("readable() generates nothing before it is pulled", async () => {
  const { Generator } = await load();
  const gen = new Generator({}, { patients: 1000, seed: 1, chunkSize: 100 });
  const stream = gen.readable();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gen.counters.patientsGenerated, 0);
  const reader = stream.getReader();
  await reader.read();
  assert.equal(gen.counters.chunks, 1);
  await reader.cancel();
});

test("abort after the 3rd chunk: AbortError, no further chunk, output ends at a record boundary", async () => {
  const { Generator } = await load();
  const gen = new Generator({}, { patients: 5000, seed: 9, chunkSize: 100 });
  const ctl = new AbortController();
  const parts = [];
  let aborted = false;
  const writable = new WritableStream({
    write(c) {
      parts.push(Buffer.from(c));
      if (parts.length === 3) ctl.abort();
    },
    abort() {
      aborted = true;
    },
  });
  await assert.rejects(gen.pipeTo(writable, { signal: ctl.signal }), (e) => e.name === "AbortError");
  assert.ok(aborted, "the writer was aborted");
  assert.ok(gen.counters.chunks <= 4, `chunks produced: ${gen.counters.chunks}`);
  const bytes = Buffer.concat(parts);
  assert.equal(bytes.at(-1), 0x0a, "ends with a complete record");
  for (const line of bytes.toString("utf8").trimEnd().split("\n")) JSON.parse(line);
});

test("an invalid config rejects with a ConfigError listing paths", async () => {
  const { Generator, ConfigError, validateConfig } = await load();
  const bad = { days_of_fighting: 400, warfare_types: { artilery: true } };
  assert.throws(() => new Generator(bad), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.name, "ConfigError");
    const paths = e.errors.map((x) => x.path);
    assert.deepEqual(paths, ["days_of_fighting", "warfare_types.artilery"]);
    return true;
  });
  assert.throws(() => validateConfig('{"seed": -1}'), (e) => e instanceof ConfigError && e.errors[0].path === "seed");
  const resolved = validateConfig({});
  assert.equal(resolved.total_patients, 1440);
});

test("metrics() parses with prometheus_client and equals the counters", async () => {
  const { Generator } = await load();
  const gen = new Generator({}, { patients: 2500, seed: 3, chunkSize: 500 });
  const sink = collect();
  await gen.pipeTo(sink.writable);
  const text = gen.metrics();
  const py = spawnSync("python3", ["-c", `
import sys, json
from prometheus_client.parser import text_string_to_metric_families
out = {}
for fam in text_string_to_metric_families(sys.stdin.read()):
    for s in fam.samples:
        out[s.name + json.dumps(s.labels, sort_keys=True)] = s.value
print(json.dumps(out))
`], { input: text, encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  const m = JSON.parse(py.stdout);
  const c = gen.counters;
  assert.equal(m['patients_generated_total{"format": "ndjson"}'], c.patientsGenerated);
  assert.equal(m['patientgen_chunks_total{"format": "ndjson"}'], c.chunks);
  assert.equal(m['patientgen_bytes_written_total{"format": "ndjson", "stage": "output"}'], c.bytesOut);
  assert.equal(m['patientgen_bytes_written_total{"format": "ndjson", "stage": "serialized"}'], c.bytesSerialized);
  assert.equal(m['patient_generation_duration_seconds_count{"format": "ndjson"}'], c.chunks);
  assert.equal(c.patientsGenerated, 2500);
  assert.equal(c.outcomes.KIA + c.outcomes.DOW + c.outcomes.RTD + c.outcomes.Remains_Role4, 2500);
});

test("encryption round trips: JS encrypt → native decrypt, native encrypt → JS decryptStream", async () => {
  const { Generator, decryptStream } = await load();
  const password = "correct horse battery staple";
  const plain = nativeBytes(["--patients", "2000", "--seed", "12"]);
  // WebCrypto-derived key (600,000 iterations), gzip inside.
  const gen = new Generator({}, { patients: 2000, seed: 12, compression: "gzip", encryption: { password, segmentSize: 4096 } });
  // The dataset's name, as the page and the edge worker give it (#16).
  assert.equal(gen.fileName, "patientgen-default-2000-seed12.ndjson.gz.pgenc");
  const enc = collect();
  await gen.pipeTo(enc.writable);
  const dir = mkdtempSync(join(tmpdir(), "pgenc-"));
  writeFileSync(join(dir, "pw"), password + "\n");
  writeFileSync(join(dir, "a.pgenc"), enc.bytes());
  execFileSync(native, ["decrypt", "--password-file", join(dir, "pw"), join(dir, "a.pgenc"), join(dir, "a.gz")]);
  const { gunzipSync } = await import("node:zlib");
  assert.equal(sha(gunzipSync(readFileSync(join(dir, "a.gz")))), sha(plain));

  // Native CLI encrypts, the package's decryptStream decrypts.
  execFileSync(native, ["generate", "--patients", "2000", "--seed", "12", "--encrypt", "--password-file", join(dir, "pw"), "-o", join(dir, "b.pgenc")], { stdio: "ignore" });
  const parts = [];
  const src = new Blob([readFileSync(join(dir, "b.pgenc"))]).stream();
  for await (const c of src.pipeThrough(decryptStream(password))) parts.push(Buffer.from(c));
  assert.equal(sha(Buffer.concat(parts)), sha(plain));

  // A wrong password fails cleanly.
  await assert.rejects(async () => {
    for await (const _ of new Blob([readFileSync(join(dir, "b.pgenc"))]).stream().pipeThrough(decryptStream("wrong password!"))) {
      /* drain */
    }
  }, /authentication failed/);
  // Too short a password is a ConfigError before any work.
  assert.throws(() => new Generator({}, { encryption: { password: "short" } }), (e) => e.name === "ConfigError");
});

test("the npm bin prints what the native CLI prints: presets, validate, and the same exit codes", () => {
  const bin = join(project, "node_modules/.bin/patientgen");
  const run = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" });
  const dir = mkdtempSync(join(tmpdir(), "pg-validate-"));
  assert.equal(run(bin, ["presets"]).stdout, run(native, ["presets"]).stdout);
  for (const [name, text] of [
    ["default", "{}"],
    ["preset", '{"preset": "training_exercise", "seed": 3}'],
    ["reference", '{"configuration": {"total_patients": 10, "warfare_types": {"naval": true}}, "name": "x"}'],
  ]) {
    writeFileSync(join(dir, `${name}.json`), text);
    const a = run(bin, ["validate", join(dir, `${name}.json`)]);
    const b = run(native, ["validate", join(dir, `${name}.json`)]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, b.stdout, name);
  }
  writeFileSync(join(dir, "bad.json"), '{"days_of_fighting": 0, "tempo": "fast"}');
  const a = run(bin, ["validate", join(dir, "bad.json")]);
  const b = run(native, ["validate", join(dir, "bad.json")]);
  assert.equal(a.status, 1);
  assert.equal(b.status, 1);
  assert.equal(a.stderr, b.stderr);
});

test("npx patientgen bench --quick prints the wasm scaling table", () => {
  const out = execFileSync(join(project, "node_modules/.bin/patientgen"), ["bench", "--quick"], { encoding: "utf8" });
  const rows = out.split("\n").filter((l) => /^\| [\d,]+ \|/.test(l));
  assert.deepEqual(rows.map((r) => r.split("|")[1].trim()), ["100", "1,000"]);
  for (const r of rows) assert.equal(r.split("|").length, 8, r);
});
