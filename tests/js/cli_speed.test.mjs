// How `npx patientgen generate --threads N` starts its threads (issues #16 and #19): the main
// thread reads and compiles the .wasm once and passes the compiled WebAssembly.Module to the
// workers (js/cli_worker.js), which instantiate it without reading the file again. Speed itself is
// measured in docs/PERFORMANCE.md ("Threads"), not here; this checks the mechanism and the bytes.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const npxBin = join(root, "js/cli.js");
const sha = (b) => createHash("sha256").update(b).digest("hex");

// Preloaded into the main thread and every worker (`--import` is inherited by worker_threads):
// logs each read of patientgen_bg.wasm with the reading thread's id on stderr.
const SPY = `
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { threadId } from "node:worker_threads";
const read = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (String(path).endsWith("patientgen_bg.wasm")) process.stderr.write("wasm-read thread " + threadId + "\\n");
  return read.call(this, path, ...rest);
};
syncBuiltinESMExports();
`;

test("--threads 2: only the main thread reads the .wasm; the workers get the compiled module; native bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-speed-"));
  try {
    const spy = join(dir, "spy.mjs");
    writeFileSync(spy, SPY);
    // 30,000 ndjson patients: 8 blocks of 4,096, so both workers generate and write.
    const args = ["generate", "--patients", "30000", "--seed", "5", "--progress", "never", "-o", "-"];
    const threaded = spawnSync(process.execPath, ["--import", spy, npxBin, ...args, "--threads", "2"], { maxBuffer: 1 << 30 });
    assert.equal(threaded.status, 0, threaded.stderr.toString());
    const reads = threaded.stderr.toString().match(/^wasm-read thread \d+$/gm) ?? [];
    // node.js reads it to instantiate the main thread's engine, cli.js once more to compile the
    // module it shares; thread ids 1 and 2 (the workers) never read it.
    assert.deepEqual(reads, ["wasm-read thread 0", "wasm-read thread 0"], threaded.stderr.toString());
    const single = spawnSync(native, [...args, "--threads", "1"], { maxBuffer: 1 << 30 });
    assert.equal(single.status, 0, single.stderr.toString());
    assert.ok(single.stdout.length > 30000 * 1000, `${single.stdout.length} bytes`);
    assert.equal(sha(threaded.stdout), sha(single.stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
