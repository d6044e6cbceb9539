// Generator.nextChunkView(): the zero-copy pull gives the same bytes as nextChunk(), counts the same
// records, and is a view into the engine's memory (valid until the next call).
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Generator } from "../../js/node.js";

const CONFIG = { total_patients: 2500, seed: 5 };

function digest(options, pull) {
  const gen = new Generator(CONFIG, options);
  const h = createHash("sha256");
  let chunks = 0;
  let views = 0;
  for (let i = 0; ; i++) {
    const c = pull(gen, i);
    if (c === undefined) break;
    chunks += 1;
    // A view shares the engine's (larger) memory; a copied chunk owns its buffer.
    if (c.buffer.byteLength > c.length) views += 1;
    h.update(c);
  }
  const c = gen.counters;
  gen.free();
  return { sha: h.digest("hex"), chunks, views, records: c.recordsWritten, generated: c.patientsGenerated };
}

const copied = (g) => g.nextChunk();
const viewed = (g) => g.nextChunkView();
const mixed = (g, i) => (i % 2 ? g.nextChunk() : g.nextChunkView());

for (const options of [
  { format: "ndjson", chunkSize: 100 },
  { format: "csv", chunkSize: 333 },
  { format: "fhir-r4", chunkSize: 250 },
  { format: "ndjson", compression: "gzip", chunkSize: 200 },
]) {
  test(`nextChunkView gives nextChunk's bytes: ${JSON.stringify(options)}`, () => {
    const a = digest(options, copied);
    const b = digest(options, viewed);
    const m = digest(options, mixed);
    assert.equal(b.sha, a.sha);
    assert.equal(m.sha, a.sha);
    assert.equal(b.chunks, a.chunks);
    assert.ok(a.chunks >= 5, `several chunks (${a.chunks})`);
    assert.equal(a.views, 0, "nextChunk returns chunks that own their buffer");
    assert.equal(b.views, b.chunks, "nextChunkView returns views into the wasm memory");
    assert.deepEqual([b.records, b.generated], [2500, 2500]);
    assert.deepEqual([a.records, m.records], [2500, 2500]);
  });
}

test("a view is overwritten by the next chunk, a copied chunk is not", () => {
  const gen = new Generator(CONFIG, { chunkSize: 100 });
  const first = gen.nextChunkView();
  const firstBytes = Buffer.from(first);
  const kept = gen.nextChunk(); // second chunk, copied
  const keptBytes = Buffer.from(kept);
  assert.ok(firstBytes.toString().startsWith('{"id":0,'));
  assert.ok(keptBytes.toString().startsWith('{"id":100,'));
  // The engine reused its buffer for the second chunk: the old view now shows (the start of) it.
  assert.ok(!Buffer.from(first).equals(firstBytes), "the first view changed");
  gen.nextChunkView();
  assert.ok(Buffer.from(kept).equals(keptBytes), "a copied chunk is the caller's");
  gen.free();
});
