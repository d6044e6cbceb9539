// The calibration report on the npm side (docs/REPORT.md): `npx patientgen report` prints the
// native CLI's bytes (Markdown and --json, file and stdin, error lines and exit codes), the
// `Report` class reads chunks split anywhere, and live calibration counts of generators merge
// across shards into the report of the whole file.
// Run by scripts/test.sh after the native release build and the wasm build (`node --test tests/js/`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Generator, Report, mergeCalibrations, calibrationFigures, calibrationMarkdown } from "../../js/node.js";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const npmBin = join(root, "js/cli.js");
let dir;
let file;
let bytes;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "patientgen-report-"));
  file = join(dir, "patients.ndjson");
  execFileSync(native, ["generate", "--progress", "never", "--preset", "nato_article_5", "--seed", "11", "-o", file], { stdio: "ignore" });
  bytes = readFileSync(file);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function both(args, input) {
  const opts = { input, maxBuffer: 1 << 28 };
  const n = spawnSync(native, args, opts);
  const j = spawnSync(process.execPath, [npmBin, ...args], opts);
  return [n, j];
}

for (const json of [false, true]) {
  test(`report ${json ? "--json " : ""}FILE: the npm bin prints the native CLI's bytes`, () => {
    const args = ["report", file, ...(json ? ["--json"] : [])];
    const [n, j] = both(args);
    assert.equal(n.status, 0, n.stderr.toString());
    assert.equal(j.status, 0, j.stderr.toString());
    assert.ok(n.stdout.length > 1000);
    assert.ok(n.stdout.equals(j.stdout), "identical output");
    if (json) {
      const r = JSON.parse(n.stdout);
      assert.equal(r.patients, 2500);
      assert.ok(r.figures.find((f) => f.id === "cfr").definition.includes("KIA + DOW"));
    } else {
      assert.match(n.stdout.toString(), /^# Calibration report\n\nPatients: 2,500\n/);
    }
  });
}

test("report - reads stdin; both bins fail alike on an invalid line", () => {
  const [n, j] = both(["report", "-"], bytes);
  assert.equal(n.status, 0);
  assert.ok(n.stdout.equals(j.stdout));
  const broken = Buffer.concat([bytes.subarray(0, bytes.indexOf("\n") + 1), Buffer.from('{"injury_type":"Battle Injury","triage_category":"T1","status":"RTD","mass_casualty":1}\n')]);
  const [bn, bj] = both(["report", "-"], broken);
  assert.equal(bn.status, 1);
  assert.equal(bj.status, 1);
  assert.equal(bn.stdout.length + bj.stdout.length, 0);
  assert.match(bn.stderr.toString(), /^error: line 2: mass_casualty: invalid type: integer `1`, expected a boolean\n/);
  assert.equal(bj.stderr.toString(), bn.stderr.toString());
  const [mn, mj] = both(["report", join(dir, "absent.ndjson")]);
  assert.equal(mn.status, 2);
  assert.equal(mj.status, 2);
});

test("Report reads chunks split anywhere; live counts of shards merge into the file's report", () => {
  const whole = new Report();
  whole.push(bytes);
  const expected = whole.json();
  for (const size of [1, 13, 65536]) {
    const r = new Report();
    for (let at = 0; at < bytes.length; at += size) r.push(bytes.subarray(at, at + size));
    assert.equal(r.json(), expected, `chunks of ${size}`);
    r.free();
  }
  const counts = [];
  for (let index = 0; index < 3; index++) {
    const gen = new Generator({ preset: "nato_article_5" }, { seed: 11, shard: { index, count: 3 }, calibration: true });
    while (gen.nextChunkView() !== undefined);
    counts.push(gen.calibrationCounts());
    gen.free();
  }
  const merged = mergeCalibrations(counts);
  assert.equal(merged, whole.counts());
  assert.deepEqual(calibrationFigures(merged), JSON.parse(expected));
  assert.equal(calibrationMarkdown(merged), execFileSync(native, ["report", file]).toString());
  assert.equal(new Generator({}, { patients: 10 }).calibrationCounts(), undefined, "off by default");
  const bad = new Report();
  assert.throws(() => bad.push('{"injury_type":"Disease"}\n'), (e) => e.name === "ReportError" && e.line === 1 && /missing field `triage_category`/.test(e.message));
  assert.throws(() => mergeCalibrations(['{"cases":1}']), (e) => e.name === "ReportError" && e.path === "cases");
});
