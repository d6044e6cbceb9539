// The package's TypeScript types as a user compiles them: `tsc --strict` with `skipLibCheck: false`,
// with and without the DOM lib and @types/node, accepts a correct scenario and rejects a typo key;
// real records of the native CLI type-check as `PatientRecord[]` and validate against the record
// JSON Schema (ajv); the package ships the scenario schema equal to `patientgen schema`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const tsc = join(root, "node_modules/.bin/tsc");
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "pg-types-"));
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules/patientgen"));
  symlinkSync(join(root, "node_modules/@types/node"), join(dir, "node_modules/@types/node"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tsc on `file` (written with `source`); returns {status, out}. */
function compile(file, source, { dom, node }) {
  writeFileSync(join(dir, file), source);
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: dom ? ["ES2022", "DOM"] : ["ES2022"],
      types: node ? ["node"] : [],
    },
    files: [file],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
  const r = spawnSync(tsc, ["-p", dir], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

const GOOD = `import { Generator, validateConfig, type Scenario, type PresetId } from "patientgen";
const preset: PresetId = "arctic_operation";
const s: Scenario = {
  $schema: "./node_modules/patientgen/schema/scenario.schema.json",
  preset, total_patients: 10, days_of_fighting: 3, intensity: "extreme", flow_model: "clinical",
  evacuation_capability: "prolonged", seed: "18446744073709551615",
  front_configs: [{ name: "A", nationality_distribution: [{ nationality_code: "POL", percentage: 1 }] }],
  demographics: { script: "latin", female_share: 0.2 },
};
validateConfig(s);
export const g = new Generator({ days_of_fighting: 2 }, { format: "ndjson" });
`;
const TYPO = `import type { Scenario } from "patientgen";
export const s: Scenario = { days_of_figthing: 3 };
`;
const TYPO_IN_CALL = `import { Generator } from "patientgen";
export const g = new Generator({ days_of_figthing: 3 });
`;
const BAD_ENUM = `import type { Scenario } from "patientgen";
export const s: Scenario = { intensity: "hgh" };
`;

for (const dom of [false, true]) {
  for (const node of [false, true]) {
    const env = `${dom ? "with" : "without"} DOM, ${node ? "with" : "without"} @types/node`;
    test(`tsc --strict (${env}, skipLibCheck false): a correct scenario compiles, typos do not`, () => {
      const ok = compile("good.ts", GOOD, { dom, node });
      assert.equal(ok.status, 0, ok.out);
      const typo = compile("typo.ts", TYPO, { dom, node });
      assert.notEqual(typo.status, 0);
      assert.match(typo.out, /TS2561.*'days_of_figthing'.*Did you mean to write 'days_of_fighting'/);
      const call = compile("call.ts", TYPO_IN_CALL, { dom, node });
      assert.notEqual(call.status, 0);
      assert.match(call.out, /days_of_figthing/);
      const bad = compile("enum.ts", BAD_ENUM, { dom, node });
      assert.notEqual(bad.status, 0);
      assert.match(bad.out, /"hgh"/);
    });
  }
}

/** NDJSON records of the native CLI for scenarios that between them write every optional field. */
function records() {
  const scenarios = [
    { total_patients: 300, demographics: { military: true } },
    { preset: "cbrn_incident", total_patients: 200 },
    { preset: "mass_casualty", total_patients: 200, demographics: { religion: false } },
    { total_patients: 300, flow_model: "classic" },
    { total_patients: 300, flow_model: "markov", environmental_conditions: {} },
  ];
  const out = [];
  for (const [i, s] of scenarios.entries()) {
    const f = join(dir, `s${i}.json`);
    writeFileSync(f, JSON.stringify(s));
    const text = execFileSync(native, ["generate", "--config", f, "--seed", "5", "--progress", "never"], { encoding: "utf8", maxBuffer: 1 << 28 });
    out.push(...text.trim().split("\n").map((l) => JSON.parse(l)));
  }
  return out;
}

test("real records validate against the record schema and type-check as PatientRecord[]", () => {
  const recs = records();
  const schema = JSON.parse(execFileSync(native, ["schema", "record"], { encoding: "utf8" }));
  const Ajv = createRequire(import.meta.url)("ajv");
  const validate = new Ajv({ allErrors: true }).compile(schema);
  for (const r of recs) assert.ok(validate(r), JSON.stringify(validate.errors));
  // Every optional field of the schema occurs in some record (the sample exercises the whole type).
  const seen = new Set();
  const walk = (prefix, v) => {
    if (Array.isArray(v)) v.forEach((x) => walk(prefix, x));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) { seen.add(`${prefix}${k}`); walk(`${prefix}${k}.`, x); }
  };
  recs.forEach((r) => walk("", r));
  for (const k of ["demographics.rank", "demographics.religion", "mechanism", "decontaminated", "mass_casualty", "environmental_conditions", "movement_timeline.kia_timing", "movement_timeline.facilities_visited", "conditions.ais"]) {
    assert.ok(seen.has(k), `no record has ${k}`);
  }
  // A record with a field the schema does not know fails it (the check can fail).
  assert.equal(validate({ ...recs[0], extra: 1 }), false);
  // tsc: object literals are checked for excess and missing properties and literal unions.
  const sample = recs.filter((_, i) => i % 20 === 0);
  const src = `import type { PatientRecord } from "patientgen";\nexport const rs: PatientRecord[] = ${JSON.stringify(sample)};\n`;
  const ok = compile("records.ts", src, { dom: false, node: false });
  assert.equal(ok.status, 0, ok.out.slice(0, 2000));
  const wrong = compile("wrong.ts", src.replace('"status":"', '"status":"X'), { dom: false, node: false });
  assert.notEqual(wrong.status, 0);
});

test("the package ships schema/scenario.schema.json equal to `patientgen schema`, the types and the licences", () => {
  const shipped = readFileSync(join(root, "schema/scenario.schema.json"), "utf8");
  assert.equal(shipped, execFileSync(native, ["schema"], { encoding: "utf8" }));
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }));
  const files = new Set(pack.files.map((f) => f.path));
  for (const f of ["schema/scenario.schema.json", "js/index.d.ts", "js/scenario.d.ts", "js/record.d.ts", "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md", "README.md", "docs/SCENARIO.md", "docs/FIELDS.md"]) {
    assert.ok(files.has(f), `${f} is not in the package`);
  }
  // Importable by name (package exports), e.g. for ajv in a user's project.
  const resolved = createRequire(join(dir, "consumer.js")).resolve("patientgen/schema/scenario.schema.json");
  assert.equal(readFileSync(resolved, "utf8"), shipped);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.ok(pkg.repository && pkg.homepage && pkg.bugs && pkg.keywords.length > 0);
});
