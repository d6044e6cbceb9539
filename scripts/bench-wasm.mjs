// The wasm half of `patientgen bench`: generates N patients of the default scenario with the npm
// package's WebAssembly engine in this Node process, into a null sink that counts bytes, and prints
// one line `n= secs= bytes= chunks= rss_kib= wasm_bytes=` (peak process RSS, final linear memory).
//
//   node scripts/bench-wasm.mjs --patients 100000 [--format ndjson] [--seed 1] [--reps K]
//
// The time is the best of K runs (default: as the native child, max(1, min(100, 300000/N))).
import { readFileSync } from "node:fs";
import * as wasm from "../pkg/patientgen.js";

const args = process.argv.slice(2);
function flag(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const n = Number(flag("patients", "100000"));
const format = flag("format", "ndjson");
const seed = flag("seed", "1");
const reps = Number(flag("reps", String(Math.min(100, Math.max(1, Math.floor(300000 / n))))));
if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(reps) || reps < 1) {
  console.error("usage: node scripts/bench-wasm.mjs --patients N [--format F] [--seed S] [--reps K]");
  process.exit(1);
}

// initSync returns the instance's exports, whose `memory` is the linear memory.
const exports = wasm.initSync({ module: readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)) });

let best = Infinity;
let bytes = 0;
let chunks = 0;
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  const engine = new wasm.Engine("{}", { patients: n, seed, format });
  let counted = 0;
  for (;;) {
    const chunk = engine.nextChunk();
    if (chunk === undefined) break;
    counted += chunk.length;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  chunks = engine.counters.chunks;
  engine.free();
  best = Math.min(best, secs);
  bytes = counted;
}
const rssKib = process.resourceUsage().maxRSS;
console.log(`n=${n} secs=${best.toFixed(9)} bytes=${bytes} chunks=${chunks} rss_kib=${rssKib} wasm_bytes=${exports.memory.buffer.byteLength}`);
