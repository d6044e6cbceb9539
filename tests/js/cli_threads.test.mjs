// `npx patientgen` at parity with the native CLI (issues #16 and #19): `--help` on every
// subcommand, did-you-mean for flags and subcommands, the valid values of enumerated options,
// no warning on stderr, and `--threads 2` (worker_threads) writing the native CLI's bytes.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const npxBin = join(root, "js/cli.js");

/** Runs the npm bin as `npx patientgen` runs it (node js/cli.js ARGS). */
const npx = (args, opts = {}) => spawnSync(process.execPath, [npxBin, ...args], { maxBuffer: 1 << 30, ...opts });
const sha = (b) => createHash("sha256").update(b).digest("hex");

test("every subcommand answers --help with its flags and their descriptions, exit 0", () => {
  const expected = {
    generate: ["--patients <N>", "--format <FORMAT>", "--level <LEVEL>", "--threads <N>", "--progress <WHEN>", "-o, --output <FILE>"],
    validate: ["FILE"],
    presets: ["--help"],
    decrypt: ["--password-file <F>", "IN OUT"],
    report: ["--json"],
    bench: ["--patients <N,N,…>", "--quick"],
    schema: ["Usage: patientgen schema [WHAT]", "[WHAT]  Which document [default: scenario]", "[possible values: scenario, record, scenario.d.ts"],
  };
  for (const [cmd, words] of Object.entries(expected)) {
    for (const flag of ["--help", "-h"]) {
      const r = npx([cmd, flag]);
      assert.equal(r.status, 0, `${cmd} ${flag}: ${r.stderr}`);
      const text = r.stdout.toString();
      assert.match(text, new RegExp(`Usage: patientgen ${cmd}`), text);
      for (const w of words) assert.ok(text.includes(w), `${cmd} --help lists ${w}:\n${text}`);
      assert.equal(r.stderr.length, 0, r.stderr.toString());
    }
  }
  // A description beside a flag, and the possible values of an enumerated one.
  const gen = npx(["generate", "--help"]).stdout.toString();
  assert.match(gen, /--patients <N>\s+Override the scenario's total_patients\./);
  assert.match(gen, /--format <FORMAT>.*\[possible values: ndjson, json, json-wrapped, csv, xml, fhir-r4\]/);
  const top = npx(["--help"]);
  assert.equal(top.status, 0);
  for (const cmd of Object.keys(expected)) assert.ok(top.stdout.toString().includes(`  ${cmd}`), cmd);
});

test("a mistyped flag, subcommand or value gets a did-you-mean or the list of valid values, exit 1", () => {
  const cases = [
    [["generate", "--patiens", "5"], ["unexpected argument '--patiens'", "a similar argument exists: '--patients'"]],
    [["generate", "--chunk-sise", "5"], ["a similar argument exists: '--chunk-size'"]],
    [["report", "--jsn", "x"], ["a similar argument exists: '--json'"]],
    [["generat"], ["unrecognized subcommand 'generat'", "a similar subcommand exists: 'generate'"]],
    [["generate", "--format", "parquet"], ["invalid value 'parquet' for '--format <FORMAT>'", "[possible values: ndjson, json, json-wrapped, csv, xml, fhir-r4]"]],
    [["generate", "--format", "ndjsn"], ["a similar value exists: 'ndjson'"]],
    [["generate", "--compress", "bzip2"], ["[possible values: none, gzip, zip]"]],
    [["generate", "--progress", "sometimes"], ["[possible values: auto, always, never]"]],
    [["generate", "--threads", "0"], ["invalid value '0' for '--threads'"]],
    [["generate", "--level", "12"], ["invalid value '12' for '--level <LEVEL>': 12 is not in 1..=9"]],
    [["generate", "--level", "0"], ["invalid value '0' for '--level <LEVEL>'"]],
    [["schema", "recrd"], ["invalid value 'recrd' for '[WHAT]'", "[possible values: scenario, record,", "a similar value exists: 'record'"]],
    [["schema", "record", "scenario"], ["unexpected argument 'scenario'"]],
  ];
  for (const [args, needles] of cases) {
    const r = npx(args);
    const err = r.stderr.toString();
    assert.equal(r.status, 1, `${args.join(" ")}: ${err}`);
    assert.equal(r.stdout.length, 0, args.join(" "));
    for (const n of needles) assert.ok(err.includes(n), `${args.join(" ")}: expected ${JSON.stringify(n)} in:\n${err}`);
  }
  // Far from every flag: no suggestion.
  const far = npx(["generate", "--zzzzzzzz"]).stderr.toString();
  assert.ok(far.includes("unexpected argument '--zzzzzzzz'") && !far.includes("tip:"), far);
});

test("a 100,000-patient run to a file prints no warning on stderr, with 1 and 2 threads", () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-cli-threads-"));
  try {
    for (const threads of ["1", "2"]) {
      const out = join(dir, `out-${threads}.ndjson`);
      const r = npx(["generate", "--patients", "100000", "--seed", "6", "--threads", threads, "-o", out]);
      const err = r.stderr.toString();
      assert.equal(r.status, 0, err);
      assert.ok(!/warning/i.test(err), `stderr has a warning:\n${err}`);
      assert.deepEqual(err.trim().split("\n"), ["patientgen (wasm): 100000 patients, seed 6, format ndjson"]);
      assert.ok(statSync(out).size > 100000 * 1000, "the file holds the records");
    }
    assert.ok(readFileSync(join(dir, "out-1.ndjson")).equals(readFileSync(join(dir, "out-2.ndjson"))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--threads 2 writes the native CLI's bytes for every format, range and shard", { skip: !existsSync(native) && "no native release build" }, () => {
  const runs = [
    ["--patients", "5000", "--format", "ndjson"],
    ["--patients", "5000", "--format", "json", "--range", "123..4321", "--chunk-size", "7"],
    ["--patients", "3000", "--format", "json-wrapped"],
    ["--patients", "30000", "--format", "csv", "--shard", "1/3"],
    ["--patients", "3000", "--format", "xml", "--chunk-size", "1"],
    ["--patients", "1000", "--format", "fhir-r4", "--shard", "2/3"],
    ["--patients", "3000", "--format", "csv", "--compress", "gzip"],
  ];
  for (const args of runs) {
    const base = ["generate", "--seed", "11", "--progress", "never", ...args];
    const want = spawnSync(native, [...base, "--threads", "1"], { maxBuffer: 1 << 30 });
    assert.equal(want.status, 0, want.stderr.toString());
    for (const threads of ["1", "2", "3"]) {
      const r = npx([...base, "--threads", threads]);
      assert.equal(r.status, 0, r.stderr.toString());
      assert.equal(sha(r.stdout), sha(want.stdout), `${args.join(" ")} --threads ${threads}`);
    }
  }
});

test("gzip with --threads 2 and 3 writes the native CLI's bytes: levels, ranges off the grid, shards", { skip: !existsSync(native) && "no native release build" }, () => {
  // npm blocks of gzip output are whole blocks of the 1,000-patient grid (5,000 ndjson/xml,
  // 33,000 csv, 1,000 fhir-r4 patients), so each run below spans several blocks.
  const runs = [
    ["--patients", "12000", "--format", "ndjson"],
    ["--patients", "12000", "--format", "ndjson", "--level", "1", "--chunk-size", "7"],
    ["--patients", "12000", "--format", "ndjson", "--level", "9", "--range", "1234..11111"],
    ["--patients", "12000", "--format", "xml", "--shard", "1/2"],
    ["--patients", "70000", "--format", "csv", "--level", "1"],
    ["--patients", "2500", "--format", "fhir-r4", "--level", "1", "--range", "501..2500"],
  ];
  for (const args of runs) {
    const base = ["generate", "--seed", "12", "--progress", "never", "--compress", "gzip", ...args];
    const want = spawnSync(native, [...base, "--threads", "1"], { maxBuffer: 1 << 30 });
    assert.equal(want.status, 0, want.stderr.toString());
    assert.ok(want.stdout.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])), "gzip");
    for (const threads of ["2", "3"]) {
      const r = npx([...base, "--threads", threads]);
      assert.equal(r.status, 0, r.stderr.toString());
      assert.equal(sha(r.stdout), sha(want.stdout), `${args.join(" ")} --threads ${threads}`);
    }
  }
  // --level changes the bytes (and the native CLI agrees on each level, above).
  const level = (l) => npx(["generate", "--patients", "3000", "--compress", "gzip", "--level", l, "--progress", "never"]).stdout;
  assert.ok(level("1").length > level("9").length, "level 1 is larger than level 9");
});

test("schema [WHAT] prints the native CLI's documents byte for byte", { skip: !existsSync(native) && "no native release build" }, () => {
  const all = ["scenario", "record", "scenario.d.ts", "record.d.ts", "keys.md", "record.md", "datapackage.json", "csv.md"];
  for (const what of [[], ...all.map((w) => [w])]) {
    const want = spawnSync(native, ["schema", ...what], { maxBuffer: 1 << 30 });
    assert.equal(want.status, 0, want.stderr.toString());
    const r = npx(["schema", ...what]);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.ok(r.stdout.length > 200, `schema ${what}: ${r.stdout.length} bytes`);
    assert.ok(r.stdout.equals(want.stdout), `schema ${what.join("") || "(default)"} differs from the native CLI's`);
  }
  assert.equal(JSON.parse(npx(["schema"]).stdout).$schema, "http://json-schema.org/draft-07/schema#");
});

test("--progress always draws a bar with the rate and ETA on stderr", () => {
  const r = npx(["generate", "--patients", "3000", "--seed", "1", "--progress", "always", "--threads", "2"]);
  assert.equal(r.status, 0, r.stderr.toString());
  const err = r.stderr.toString();
  assert.match(err, /█+░*|█*░+/);
  assert.match(err, /3,000\/3,000 patients\s+[\d,]+\/s\s+ETA \d+:\d\d:\d\d/);
  assert.match(err, /\n3000 patients in [\d.]+ s \(\d+ patients\/s\)/);
});
