#!/usr/bin/env node
// CPU seconds of the wasm engine (what the edge worker and the page run) per format × compression:
// `node scripts/bench-compression.mjs [--patients N]` (default 50,000; after `npm run build`).
// Prints, per row, the median of 3 runs and the figure per 100,000 patients (docs/PERFORMANCE.md).
import { Generator } from "../js/node.js";

const i = process.argv.indexOf("--patients");
const N = i > 0 ? Number(process.argv[i + 1]) : 50_000;
console.log("format\tcompression\tCPU s (median of 3)\tCPU s per 100,000\toutput bytes");
for (const format of ["ndjson", "json", "csv", "xml", "fhir-r4"]) {
  for (const [compression, level] of [["none", 6], ["gzip", 6], ["gzip", 1], ["zip", 6]]) {
    const t = [];
    let bytes = 0;
    for (let r = 0; r < 3; r++) {
      const c0 = process.cpuUsage();
      const gen = new Generator({}, { patients: N, seed: 1, format, compression, compressionLevel: level });
      bytes = 0;
      for await (const chunk of gen) bytes += chunk.byteLength;
      const c = process.cpuUsage(c0);
      t.push((c.user + c.system) / 1e6);
      gen.free?.();
    }
    t.sort((a, b) => a - b);
    const name = compression === "gzip" ? `gzip-${level}` : compression;
    console.log(`${format}\t${name}\t${t[1].toFixed(2)}\t${((t[1] * 100_000) / N).toFixed(1)}\t${bytes}`);
  }
}
