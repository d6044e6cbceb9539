// The generation threads of `npx patientgen generate --threads N` (js/cli.js), and the synchronous
// write both use. A thread instantiates the WebAssembly.Module the main thread compiled (passed in
// workerData): it neither reads nor compiles the .wasm again, and the threads share the module's
// compiled code, V8's tier-up included.
import { writeSync } from "node:fs";
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/**
 * Writes all of `bytes` to `fd` synchronously, so that a view into wasm memory is written before
 * the next chunk reuses it. A full non-blocking pipe (EAGAIN) is waited on, 1 ms at a time.
 */
const pause = new Int32Array(new SharedArrayBuffer(4));
export function writeFully(fd, bytes) {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * A worker thread: generates blocks `index, index + workers, …` of the run, each as one chunk in
 * its engine's memory, waits for its turn (the shared counter reaching the block's number) and
 * writes the block to the output straight from that memory — no copy, no transfer — then passes
 * the turn on. A turn of -1 means the run stopped.
 */
async function worker() {
  const { module, config, options, fd, name, turn: shared, index, workers, blocks, start, end, size, firstEnd } = workerData;
  const turn = new Int32Array(shared);
  try {
    const wasm = await import("../pkg/patientgen.js");
    const { makeApi } = await import("./generator.js");
    wasm.initSync({ module });
    const { Generator } = makeApi(wasm);
    for (let k = index; k < blocks; k += workers) {
      const a = k === 0 ? start : Math.min(end, firstEnd + (k - 1) * size);
      const b = k === 0 ? firstEnd : Math.min(end, a + size);
      const gen = new Generator(config, { ...options, range: [a, b], chunkSize: size, chunkBytes: 32 << 20 });
      let v = gen.nextChunkView();
      // gzip: a chunk ends at every grid line, so a block of several grid blocks is several
      // chunks; they are compressed before the turn and kept as copies (compressed, so small).
      const ready = [];
      if (options.compression !== "none") {
        for (; v !== undefined; v = gen.nextChunkView()) ready.push(v.slice());
      }
      for (let t = Atomics.load(turn, 0); t !== k; t = Atomics.load(turn, 0)) {
        if (t < 0) return gen.free();
        Atomics.wait(turn, 0, t);
      }
      let bytes = 0;
      for (const c of ready) {
        try {
          writeFully(fd, c);
        } catch (e) {
          throw new Error(`writing ${name}: ${e.message}`);
        }
        bytes += c.length;
      }
      // Uncompressed, the whole block is normally one chunk, written from the engine's memory; a
      // block larger than the chunk budget is written chunk by chunk during this worker's turn.
      for (; v !== undefined; v = gen.nextChunkView()) {
        try {
          writeFully(fd, v);
        } catch (e) {
          throw new Error(`writing ${name}: ${e.message}`);
        }
        bytes += v.length;
      }
      const patients = gen.counters.patientsGenerated;
      gen.free();
      Atomics.store(turn, 0, k + 1);
      Atomics.notify(turn, 0);
      parentPort.postMessage({ patients, bytes });
    }
  } catch (e) {
    Atomics.store(turn, 0, -1);
    Atomics.notify(turn, 0);
    parentPort.postMessage({ error: e.message });
  }
}

if (!isMainThread && workerData?.patientgenWorker) worker();
