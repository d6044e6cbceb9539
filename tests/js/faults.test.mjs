// Sink faults in the JS API: a WritableStream that errors (quota exceeded, client gone) stops
// generation cleanly, pipeTo rejects with the sink's own error, and `counters.recordsWritten`
// says how many complete records the sink accepted — so a caller can resume from there.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator } from "../../js/node.js";

const CONFIG = { total_patients: 3000, seed: 77 };
const CHUNK = 100;

function whole(options = {}) {
  const gen = new Generator(CONFIG, { chunkSize: CHUNK, ...options });
  const parts = [];
  for (let c = gen.nextChunk(); c !== undefined; c = gen.nextChunk()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

const lines = (b) => b.toString("utf8").split("\n").filter((l) => l.length > 0);

/** A sink that accepts `okChunks` writes, then fails the next one with `error` (sync or async). */
function failingSink(okChunks, error, { async = false } = {}) {
  const parts = [];
  let writes = 0;
  const writable = new WritableStream({
    write(chunk) {
      writes += 1;
      if (writes > okChunks) {
        if (async) return new Promise((_, reject) => setTimeout(() => reject(error), 5));
        throw error;
      }
      parts.push(Buffer.from(chunk));
      return async ? new Promise((resolve) => setTimeout(resolve, 1)) : undefined;
    },
  });
  return { writable, bytes: () => Buffer.concat(parts), writes: () => writes };
}

async function assertStopsCleanly(sink, error, okChunks) {
  const gen = new Generator(CONFIG, { chunkSize: CHUNK });
  await assert.rejects(gen.pipeTo(sink.writable), (e) => {
    assert.equal(e, error, "pipeTo rejects with the sink's own error");
    return true;
  });
  const c = gen.counters;
  assert.equal(c.recordsWritten, okChunks * CHUNK, "records the sink accepted");
  // Generation stopped at the failing chunk: nothing beyond it was generated.
  assert.ok(c.patientsGenerated <= (okChunks + 1) * CHUNK, `generated ${c.patientsGenerated}`);
  assert.equal(sink.writes(), okChunks + 1, "no write after the failure");
  // What the sink holds is the run's prefix, ending at a record boundary.
  const got = sink.bytes();
  const all = whole();
  assert.ok(all.subarray(0, got.length).equals(got), "the sink holds a prefix of the run");
  if (got.length > 0) assert.equal(got.at(-1), 0x0a, "ends at a record boundary");
  assert.equal(lines(got).length, c.recordsWritten);
  assert.throws(() => gen.nextChunk(), /generator has failed/);
  assert.match(gen.metrics(), /output/, "the error is counted in the metrics");
  return { gen, got, all };
}

test("a sink that throws QuotaExceededError stops generation and pipeTo rejects with it", async () => {
  const quota = new DOMException("The quota has been exceeded.", "QuotaExceededError");
  await assertStopsCleanly(failingSink(4, quota), quota, 4);
});

test("a sink whose write rejects later (client gone) stops generation and pipeTo rejects with it", async () => {
  const gone = new Error("client disconnected");
  await assertStopsCleanly(failingSink(7, gone, { async: true }), gone, 7);
});

test("a failure on the very first write leaves zero records written", async () => {
  const e = new TypeError("sink closed");
  await assertStopsCleanly(failingSink(0, e), e, 0);
});

test("a stream errored from outside (connection reset) rejects pipeTo with that error", async () => {
  const reset = new Error("ECONNRESET");
  let controller;
  let writes = 0;
  const writable = new WritableStream({
    start(c) {
      controller = c;
    },
    write() {
      writes += 1;
      if (writes === 3) setTimeout(() => controller.error(reset), 0);
      return new Promise((resolve) => setTimeout(resolve, 2));
    },
  });
  const gen = new Generator(CONFIG, { chunkSize: CHUNK });
  await assert.rejects(gen.pipeTo(writable), (e) => e === reset);
  const c = gen.counters;
  assert.ok(c.recordsWritten <= writes * CHUNK && c.recordsWritten % CHUNK === 0, `${c.recordsWritten}`);
  assert.ok(c.patientsGenerated < CONFIG.total_patients, "generation stopped early");
});

test("after a sink fault, startIndex = recordsWritten resumes to the whole run", async () => {
  const quota = new DOMException("quota", "QuotaExceededError");
  const sink = failingSink(11, quota);
  const gen = new Generator(CONFIG, { chunkSize: CHUNK });
  await assert.rejects(gen.pipeTo(sink.writable));
  const done = gen.counters.recordsWritten;
  assert.equal(done, 1100);
  const rest = whole({ startIndex: done });
  assert.ok(Buffer.concat([sink.bytes(), rest]).equals(whole()), "prefix + resumed = whole");
});

test("an abort stops within one chunk at a record boundary and counts what was written", async () => {
  const ac = new AbortController();
  const parts = [];
  const writable = new WritableStream({
    async write(c) {
      parts.push(Buffer.from(c));
      if (parts.length === 5) ac.abort();
    },
  });
  const gen = new Generator(CONFIG, { chunkSize: CHUNK });
  await assert.rejects(gen.pipeTo(writable, { signal: ac.signal }), (e) => e.name === "AbortError");
  const got = Buffer.concat(parts);
  assert.equal(gen.counters.recordsWritten, lines(got).length);
  assert.ok(gen.counters.patientsGenerated <= gen.counters.recordsWritten + CHUNK);
  assert.ok(whole().subarray(0, got.length).equals(got));
});

test("a successful pipeTo counts every record as written", async () => {
  const parts = [];
  const gen = new Generator(CONFIG, { chunkSize: 128 });
  await gen.pipeTo(new WritableStream({ write: (c) => void parts.push(Buffer.from(c)) }));
  assert.equal(gen.counters.recordsWritten, CONFIG.total_patients);
  assert.equal(gen.counters.patientsGenerated, CONFIG.total_patients);
  assert.ok(Buffer.concat(parts).equals(whole()));
});

test("nextChunk and iteration count the records they hand over", async () => {
  // chunkBytes above what 250 records take, so that chunkSize alone cuts the chunks.
  const gen = new Generator(CONFIG, { chunkSize: 250, chunkBytes: 1 << 26 });
  gen.nextChunk();
  gen.nextChunk();
  assert.equal(gen.counters.recordsWritten, 500);
  let n = 0;
  for await (const _ of new Generator(CONFIG, { chunkSize: 250, chunkBytes: 1 << 26 })) n += 1;
  assert.equal(n, 12);
});

// Issue #15, 6: a run has one consumer, and free() ends it.

test("nextChunk() and a second consumer throw once pipeTo has started; the sink gets every record", async () => {
  const gen = new Generator({ total_patients: 500, seed: 3 }, { chunkSize: 100 });
  const parts = [];
  const writable = new WritableStream({
    async write(c) {
      parts.push(Buffer.from(c));
      // In the middle of the run: every synchronous or second consumer is refused.
      assert.throws(() => gen.nextChunk(), /consumed by pipeTo/);
      assert.throws(() => gen.nextChunkView(), /consumed by pipeTo/);
      assert.throws(() => gen.readable(), /already started/);
      await assert.rejects(gen[Symbol.asyncIterator]().next(), /already started/);
    },
  });
  const running = gen.pipeTo(writable);
  assert.throws(() => gen.nextChunk(), /consumed by pipeTo/);
  await assert.rejects(gen.pipeTo(new WritableStream()), /already started/);
  await running;
  const got = lines(Buffer.concat(parts));
  assert.equal(got.length, 500, "the sink has all 500 records");
  assert.deepEqual(got.map((l) => JSON.parse(l).id), [...Array(500).keys()], "records 0…499 in order");
  assert.equal(gen.counters.recordsWritten, 500);
});

test("readable() and iteration are single consumers too", async () => {
  const a = new Generator({ total_patients: 300, seed: 3 }, { chunkSize: 100 });
  const reader = a.readable().getReader();
  await reader.read();
  assert.throws(() => a.nextChunk(), /consumed by pipeTo, readable\(\) or iteration/);
  await assert.rejects(a.pipeTo(new WritableStream()), /already started/);
  const b = new Generator({ total_patients: 300, seed: 3 }, { chunkSize: 100 });
  const it = b[Symbol.asyncIterator]();
  await it.next();
  assert.throws(() => b.nextChunkView(), /consumed/);
  assert.throws(() => b.readable(), /already started/);
  // Synchronous use first claims the run too: no stream can start after it.
  const c = new Generator({ total_patients: 300, seed: 3 }, { chunkSize: 100 });
  c.nextChunk();
  await assert.rejects(c.pipeTo(new WritableStream()), /already started/);
});

test("free() during pipeTo aborts the sink; afterwards every method throws 'generator was freed'", async () => {
  const gen = new Generator({ total_patients: 100000, seed: 3 }, { chunkSize: 100 });
  let aborted;
  let writes = 0;
  const writable = new WritableStream({
    write() {
      writes += 1;
      if (writes === 3) gen.free();
      return new Promise((r) => setTimeout(r, 1));
    },
    abort(reason) {
      aborted = reason;
    },
  });
  await assert.rejects(gen.pipeTo(writable), /generator was freed/);
  assert.ok(aborted, "the sink was aborted");
  assert.match(String(aborted?.message ?? aborted), /generator was freed/);
  assert.ok(writes <= 4, `no chunk after free (${writes} writes)`);
  const calls = {
    nextChunk: () => gen.nextChunk(),
    nextChunkView: () => gen.nextChunkView(),
    metrics: () => gen.metrics(),
    readable: () => gen.readable(),
    iterate: () => gen[Symbol.asyncIterator]().next(),
    seed: () => gen.seed,
    fileName: () => gen.fileName,
    contentType: () => gen.contentType,
    done: () => gen.done,
    counters: () => gen.counters,
  };
  for (const [name, call] of Object.entries(calls)) {
    let error;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    assert.equal(error?.message, "generator was freed", name);
  }
  await assert.rejects(gen.pipeTo(new WritableStream()), { message: "generator was freed" });
  gen.free(); // a second free() is harmless
});

test("free() while a readable() is being read errors the stream", async () => {
  const gen = new Generator({ total_patients: 100000, seed: 3 }, { chunkSize: 100 });
  const reader = gen.readable().getReader();
  await reader.read();
  gen.free();
  await assert.rejects(reader.read(), /generator was freed/);
});
