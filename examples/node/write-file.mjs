// Writes a dataset to a file with the npm package: `node write-file.mjs [FILE]`.
// In your project: `npm install patientgen`, then run this file as it is.
import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { Generator } from "patientgen";

const file = process.argv[2] ?? "patients.ndjson";

/** @type {import("patientgen").Scenario} */
const scenario = {
  preset: "training_exercise",
  total_patients: 500,
  evacuation_capability: "contested",
};

const gen = new Generator(scenario, { format: "ndjson", seed: 42 });
// A Node stream as a web WritableStream: pipeTo honours its backpressure.
await gen.pipeTo(Writable.toWeb(createWriteStream(file)), {
  onProgress: (c) => process.stderr.write(`\r${c.patientsGenerated} / ${c.totalPatients} patients`),
});
process.stderr.write("\n");
console.log(`wrote ${gen.counters.patientsGenerated} patients (seed ${gen.seed}) to ${file}`);
