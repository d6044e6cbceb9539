// What setting up a job costs in the wasm engine: `new Engine("{}", …)` + `free()`, and the same with
// one patient generated, averaged over many engines (the native counterpart is
// `cargo bench --bench stages -- setup/`).
//
//   node scripts/bench-setup.mjs [--engines 20000]
import { readFileSync } from "node:fs";
import * as wasm from "../pkg/patientgen.js";

const i = process.argv.indexOf("--engines");
const n = i > 0 ? Number(process.argv[i + 1]) : 20000;
wasm.initSync({ module: readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)) });

function perEngine(withPatient) {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < n; k++) {
    const e = new wasm.Engine("{}", { patients: 1, seed: "1", format: "ndjson" });
    if (withPatient) e.nextChunkView();
    e.free();
  }
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

let setup = Infinity;
let one = Infinity;
for (let r = 0; r < 3; r++) {
  setup = Math.min(setup, perEngine(false));
  one = Math.min(one, perEngine(true));
}
console.log(`wasm engine setup: ${setup.toFixed(1)} µs; setup + 1 patient: ${one.toFixed(1)} µs (best of 3 × ${n} engines)`);
