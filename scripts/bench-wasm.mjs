// The wasm half of `patientgen bench`: generates N patients of the default scenario with the npm
// package's WebAssembly engine in this Node process, into a null sink that counts bytes, and prints
// one line `n= secs= copy_secs= bytes= chunks= rss_kib= wasm_bytes=` (peak process RSS, final
// linear memory).
//
//   node scripts/bench-wasm.mjs --patients 100000 [--format ndjson] [--seed 1] [--reps K] [--no-copy]
//
// `secs` reads each chunk through `Engine.nextChunkView()`, a view into the engine's memory, as the
// native child reads its chunk buffer; `copy_secs` pulls the same chunks with `Engine.nextChunk()`,
// which copies each into a new Uint8Array that the caller owns (what a stream needs). Before the
// timed runs, 50,000 untimed patients let V8 tier the hot functions up from its baseline compiler
// (the native child warms up the same way). Each time is the best of K runs (default: as the native
// child, max(2, min(100, 300000/N))).
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
const reps = Number(flag("reps", String(Math.min(100, Math.max(2, Math.floor(300000 / n))))));
const withCopy = !args.includes("--no-copy");
const WARMUP = 50000;
if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(reps) || reps < 1) {
  console.error("usage: node scripts/bench-wasm.mjs --patients N [--format F] [--seed S] [--reps K] [--no-copy]");
  process.exit(1);
}

// initSync returns the instance's exports, whose `memory` is the linear memory.
const exports = wasm.initSync({ module: readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)) });

/** One run of `patients`: [seconds, bytes, chunks]. */
function run(patients, copy) {
  const t0 = process.hrtime.bigint();
  const engine = new wasm.Engine("{}", { patients, seed, format });
  let counted = 0;
  if (copy) {
    for (let c = engine.nextChunk(); c !== undefined; c = engine.nextChunk()) counted += c.length;
  } else {
    for (let c = engine.nextChunkView(); c !== undefined; c = engine.nextChunkView()) counted += c.length;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const chunks = engine.counters.chunks;
  engine.free();
  return [secs, counted, chunks];
}

function best(copy) {
  let min = Infinity;
  let last;
  for (let r = 0; r < reps; r++) {
    last = run(n, copy);
    min = Math.min(min, last[0]);
  }
  return [min, last[1], last[2]];
}

run(WARMUP, false);
const [secs, bytes, chunks] = best(false);
const copySecs = withCopy ? best(true)[0] : 0;
const rssKib = process.resourceUsage().maxRSS;
console.log(
  `n=${n} secs=${secs.toFixed(9)} copy_secs=${copySecs.toFixed(9)} bytes=${bytes} chunks=${chunks} ` +
    `rss_kib=${rssKib} wasm_bytes=${exports.memory.buffer.byteLength}`,
);
