// The wasm boundary (#17) and the Node API (#16): options are read and checked by the core (unknown
// keys with a did-you-mean), `pipeTo` takes a Node `Writable`, `records()` gives the NDJSON records
// as objects, and the page, the edge worker and the Node API name a dataset with one core function.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import * as pg from "../../js/node.js";
import { makeHandler } from "../../edge/handler.mjs";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const nativeBytes = (args) =>
  execFileSync(native, ["generate", "--progress", "never", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });

test("an unknown option key is a ConfigError naming its path, with a did-you-mean", () => {
  assert.throws(
    () => new pg.Generator({}, { pattients: 5 }),
    (e) => {
      assert.ok(e instanceof pg.ConfigError);
      assert.deepEqual(e.errors, [{ path: "pattients", message: 'unknown option; did you mean "patients"?', suggestion: "patients" }]);
      return true;
    },
  );
  // Nested keys and values too, every problem at once, in document order.
  assert.throws(
    () => new pg.Generator({}, { shard: { index: 0, cuont: 2 }, format: "ndjsn", compressionLevel: 12 }),
    (e) => {
      assert.deepEqual(
        e.errors.map((x) => [x.path, x.suggestion]),
        [["shard.cuont", "count"], ["shard.count", undefined], ["format", "ndjson"], ["compressionLevel", undefined]],
      );
      return true;
    },
  );
  // The password rule is the core's: 8 Unicode characters, not UTF-16 units ("abcdef😀" is 7).
  assert.throws(() => new pg.Generator({}, { encryption: { password: "abcdef😀" } }), (e) => e.errors[0].path === "encryption.password");
  new pg.Generator({}, { encryption: { password: "abcdefg😀" } }).free();
});

test("pipeTo(fs.createWriteStream(f)) writes the native CLI's bytes and resolves once the file is flushed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "patientgen-writable-"));
  for (const format of ["ndjson", "csv"]) {
    const f = join(dir, `out.${format}`);
    const gen = new pg.Generator({}, { patients: 5000, seed: 31, format, chunkSize: 300 });
    await gen.pipeTo(createWriteStream(f));
    const expected = nativeBytes(["--patients", "5000", "--seed", "31", "--format", format]);
    assert.ok(readFileSync(f).equals(expected), `${format}: the file holds the native bytes`);
    assert.equal(gen.counters.recordsWritten, 5000);
  }
  // gzip: the same bytes after decompression (member boundaries follow the chunks).
  const gz = join(dir, "out.ndjson.gz");
  await new pg.Generator({}, { patients: 3000, seed: 31, compression: "gzip" }).pipeTo(createWriteStream(gz));
  assert.ok(gunzipSync(readFileSync(gz)).equals(nativeBytes(["--patients", "3000", "--seed", "31"])));
});

test("records() yields objects equal to the parsed NDJSON lines, across presets and formats", async () => {
  const presets = pg.presets().map((p) => p.id);
  assert.ok(presets.length >= 3);
  for (const [i, preset] of presets.slice(0, 4).entries()) {
    const options = { patients: 300, seed: 100 + i, chunkSize: 64 };
    const lines = nativeBytes(["--preset", preset, "--patients", "300", "--seed", String(100 + i)]).toString("utf8").trimEnd().split("\n");
    const got = [];
    // The records do not depend on the output format chosen for the bytes.
    for await (const r of new pg.Generator({ preset }, { ...options, format: i % 2 ? "csv" : "ndjson" }).records()) got.push(r);
    assert.equal(got.length, 300, preset);
    for (const [k, line] of lines.entries()) assert.deepStrictEqual(got[k], JSON.parse(line), `${preset} record ${k}`);
  }
});

test("the page, the edge worker and the Node API give a dataset the same file name", async () => {
  const cases = [
    [{ preset: "nato_article_5" }, { patients: 4000, seed: 5, format: "json" }, "patientgen-nato_article_5-4000-seed5.json"],
    [{}, { seed: 8, format: "csv", compression: "gzip" }, "patientgen-default-1440-seed8.csv.gz"],
    [{ days_of_fighting: 3 }, { patients: 10, seed: 1, compression: "zip" }, "patientgen-custom-10-seed1.zip"],
  ];
  const edge = makeHandler(pg);
  for (const [scenario, options, name] of cases) {
    // Node API.
    const gen = new pg.Generator(scenario, options);
    assert.equal(gen.fileName, name);
    gen.free();
    // The page's call (www/: the core's fileName of the scenario and the form's options).
    assert.equal(pg.fileName(scenario, options), name);
    // The edge worker's Content-Disposition.
    const q = new URLSearchParams({ patients: String(options.patients ?? 1440), seed: String(options.seed), format: options.format ?? "ndjson", compress: options.compression ?? "none" });
    const init = Object.keys(scenario).length && !scenario.preset ? { method: "POST", body: JSON.stringify(scenario) } : {};
    if (scenario.preset) q.set("preset", scenario.preset);
    const res = await edge.fetch(new Request(`http://x/generate?${q}`, init));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-disposition"), `attachment; filename="${name}"`);
    await res.body.cancel();
  }
  assert.equal(pg.fileName({}, { seed: 3, shard: "1/2", patients: 10 }), "patientgen-default-10-seed3-shard1of2.ndjson");
  assert.equal(pg.fileName({}, { seed: 3 }, { encrypted: true }), "patientgen-default-1440-seed3.ndjson.pgenc");
  assert.equal(pg.contentType("ndjson", "gzip", { encrypted: true }), "application/octet-stream");
  assert.deepEqual(pg.shardRange(2, 4, 40000), [20000, 30000]);
});

test("no JavaScript file re-derives the core's answers (shard ranges, file names, content types, Prometheus text)", () => {
  const files = [
    ...readdirSync(join(root, "js")).filter((f) => f.endsWith(".js")).map((f) => `js/${f}`),
    ...readdirSync(join(root, "www"), { recursive: true }).filter((f) => f.endsWith(".js")).map((f) => `www/${f}`),
    ...readdirSync(join(root, "edge")).filter((f) => f.endsWith(".mjs")).map((f) => `edge/${f}`),
  ];
  const forbidden = [
    [/\(\s*2n?\s*\*\s*(BigInt\()?k/, "the shard formula"],
    [/\\d\{?[0-9,]*\}?\)\\\//, "K/N parsing"],
    [/\)\\\.\\\.\(\\d/, "A..B parsing"],
    [/`patientgen-\$\{/, "a dataset file name"],
    [/\.pgenc"/, "the encrypted file suffix"],
    [/"application\/(gzip|zip|x-ndjson)"/, "a content type"],
    [/# (TYPE|HELP) /, "Prometheus text"],
    [/password\)?\.length\s*<\s*8/, "the password rule"],
  ];
  const found = [];
  for (const f of files) {
    const text = readFileSync(join(root, f), "utf8");
    for (const [re, what] of forbidden) if (re.test(text)) found.push(`${f}: ${what}`);
  }
  assert.deepEqual(found, []);
});
