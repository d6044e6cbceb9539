// The edge worker (edge/README.md) in a real local workerd: edge/config.capnp served on a free
// loopback port, driven over HTTP. Run by scripts/test.sh after the native release CLI and the wasm
// package are built (`node --test tests/js/`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const workerdBin = join(root, "node_modules/.bin/workerd");
const sha = (b) => createHash("sha256").update(b).digest("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function nativeBytes(args) {
  return execFileSync(native, ["generate", "--progress", "never", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Starts workerd on edge/config.capnp at a free loopback port; resolves once /health answers. */
async function startWorkerd(env = {}) {
  const port = await freePort();
  const log = [];
  const proc = spawn(workerdBin, ["serve", join(root, "edge/config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout.on("data", (d) => log.push(String(d)));
  proc.stderr.on("data", (d) => log.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`workerd exited with ${proc.exitCode}: ${log.join("")}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`workerd did not answer within 15 s: ${log.join("")}`);
    }
    await sleep(50);
  }
  return {
    base,
    log,
    stop: () =>
      new Promise((r) => {
        if (proc.exitCode !== null) return r();
        proc.once("exit", r);
        proc.kill("SIGTERM");
      }),
  };
}

/** Parses Prometheus text with prometheus_client: `{types: {family: type}, samples: {"name{labels}": value}}`. */
function parsePrometheus(text) {
  const py = spawnSync("python3", ["-c", `
import sys, json
from prometheus_client.parser import text_string_to_metric_families
types, samples = {}, {}
for fam in text_string_to_metric_families(sys.stdin.read()):
    types[fam.name] = fam.type
    for s in fam.samples:
        samples[s.name + json.dumps(s.labels, sort_keys=True)] = s.value
print(json.dumps({"types": types, "samples": samples}))
`], { input: text, encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout);
}

let edge; // workerd with the default cap (MAX_PATIENTS unset → 1,000,000)

async function patientsGenerated(base, format = "ndjson") {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^patients_generated_total\\{format="${format}"\\} (\\d+)$`, "m").exec(text);
  const cancelled = /^patient_generation_errors_total\{error_type="cancelled"\} (\d+)$/m.exec(text);
  return { patients: m ? Number(m[1]) : 0, cancelled: Number(cancelled[1]) };
}

async function readAll(res) {
  const parts = [];
  for await (const c of res.body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

before(async () => {
  for (const f of [native, workerdBin, join(root, "pkg/patientgen_bg.wasm")]) {
    assert.ok(spawnSync("test", ["-e", f]).status === 0, `${f} is missing: run scripts/test.sh (it builds the CLI and the wasm)`);
  }
  edge = await startWorkerd({ PATIENTGEN_MAX_PATIENTS: "" });
});

after(async () => {
  await edge?.stop();
});

// One 200,000-patient request, timed per byte: shared by the equality and the first-byte tests.
let big;
function bigStream() {
  big ??= (async () => {
    const t0 = performance.now();
    const res = await fetch(`${edge.base}/generate?patients=200000&seed=8101`);
    const parts = [];
    let firstByte;
    for await (const c of res.body) {
      firstByte ??= performance.now() - t0;
      parts.push(Buffer.from(c));
    }
    return { res, bytes: Buffer.concat(parts), firstByte, total: performance.now() - t0 };
  })();
  return big;
}

test("GET /generate streams 200,000 patients, byte-identical to the native CLI, with its headers", async () => {
  const { res, bytes } = await bigStream();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/x-ndjson");
  assert.equal(res.headers.get("content-disposition"), 'attachment; filename="patientgen-default-200000-seed8101.ndjson"');
  assert.equal(res.headers.get("x-patientgen-seed"), "8101");
  assert.equal(res.headers.get("x-patientgen-patients"), "200000");
  assert.equal(res.headers.get("x-patientgen-range"), "0..200000/200000");
  const expected = nativeBytes(["--patients", "200000", "--seed", "8101"]);
  assert.equal(bytes.length, expected.length);
  assert.equal(sha(bytes), sha(expected));
});

test("the first byte arrives long before the stream ends", async () => {
  const { firstByte, total } = await bigStream();
  assert.ok(firstByte < 0.5 * total, `time to first byte ${firstByte.toFixed(1)} ms vs total ${total.toFixed(1)} ms`);
});

test("a reader that stops reading holds generation back (pull-based body)", async () => {
  const before0 = (await patientsGenerated(edge.base)).patients;
  const ctl = new AbortController();
  const res = await fetch(`${edge.base}/generate?patients=500000&seed=4`, { signal: ctl.signal });
  const reader = res.body.getReader();
  assert.ok((await reader.read()).value.length > 0);
  await sleep(600);
  const ahead = (await patientsGenerated(edge.base)).patients - before0;
  ctl.abort();
  await reader.cancel().catch(() => {});
  // Only what the socket buffers hold is generated ahead (a few MB, a few thousand records).
  assert.ok(ahead < 50000, `${ahead} patients generated for a reader that read one chunk`);
  await sleep(300);
});

test("a client that disconnects after ~1 MB stops generation", async () => {
  const start = await patientsGenerated(edge.base);
  const ctl = new AbortController();
  const res = await fetch(`${edge.base}/generate?patients=1000000&seed=12`, { signal: ctl.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let received = 0;
  while (received < 1 << 20) {
    const r = await reader.read();
    assert.ok(!r.done, "the stream ended early");
    received += r.value.length;
  }
  ctl.abort();
  await reader.cancel().catch(() => {});
  await sleep(300);
  const a = await patientsGenerated(edge.base);
  await sleep(500);
  const b = await patientsGenerated(edge.base);
  assert.equal(b.patients, a.patients, "patients_generated_total still rising after the disconnect");
  const produced = b.patients - start.patients;
  assert.ok(produced >= 300 && produced < 100000, `${produced} of 1,000,000 patients generated`);
  assert.equal(b.cancelled, start.cancelled + 1, "the cancelled run is counted");
});

test("4 parallel shard requests and 2 ranges concatenate to the single-request bytes (json, with prefix and suffix)", async () => {
  const q = "patients=40000&seed=5&format=json&preset=nato_article_5";
  const single = await readAll(await fetch(`${edge.base}/generate?${q}`));
  assert.equal(sha(single), sha(nativeBytes(["--preset", "nato_article_5", "--patients", "40000", "--seed", "5", "--format", "json"])));
  const shards = await Promise.all([0, 1, 2, 3].map((k) => fetch(`${edge.base}/generate?${q}&shard=${k}/4`)));
  assert.deepEqual(
    shards.map((r) => r.headers.get("x-patientgen-range")),
    ["0..10000/40000", "10000..20000/40000", "20000..30000/40000", "30000..40000/40000"],
  );
  assert.equal(shards[2].headers.get("content-disposition"), 'attachment; filename="patientgen-nato_article_5-40000-seed5-shard2of4.json"');
  const bodies = await Promise.all(shards.map(readAll));
  assert.ok(bodies.every((b) => b.length > 0));
  assert.equal(sha(Buffer.concat(bodies)), sha(single));
  const ranges = await Promise.all(["0..12345", "12345..40000"].map(async (r) => readAll(await fetch(`${edge.base}/generate?${q}&range=${r}`))));
  assert.equal(sha(Buffer.concat(ranges)), sha(single));
});

test("edge/fanout.mjs writes the single-request bytes from parallel shards of a POSTed scenario", async () => {
  const dir = mkdtempSync(join(tmpdir(), "patientgen-fanout-"));
  try {
    const scenario = { preset: "urban_assault", days_of_fighting: 3, demographics: { military: true } };
    writeFileSync(join(dir, "scenario.json"), JSON.stringify(scenario));
    const single = await readAll(
      await fetch(`${edge.base}/generate?patients=9000&seed=77&format=csv`, { method: "POST", body: JSON.stringify(scenario) }),
    );
    const out = join(dir, "out.csv");
    execFileSync("node", [
      join(root, "edge/fanout.mjs"), "--url", edge.base, "--shards", "3", "--patients", "9000", "--seed", "77",
      "--format", "csv", "--config", join(dir, "scenario.json"), "-o", out,
    ], { stdio: ["ignore", "ignore", "pipe"] });
    const written = readFileSync(out);
    assert.ok(written.length > 9000 * 100);
    assert.equal(sha(written), sha(single));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A GET through node:http, which (unlike fetch) neither adds Accept-Encoding nor decodes the body. */
function rawGet(url, headers = {}) {
  return new Promise((resolveGet, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => resolveGet({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

test("Accept-Encoding: gzip compresses uncompressed formats with the core's gzip (Content-Encoding, Vary)", async () => {
  const q = "patients=2500&seed=8&format=csv";
  const gz = await rawGet(`${edge.base}/generate?${q}`, { "Accept-Encoding": "br;q=1, gzip;q=0.8" });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.equal(gz.headers.vary, "Accept-Encoding");
  assert.match(gz.headers["content-type"], /^text\/csv/);
  assert.equal(gz.headers["content-disposition"], 'attachment; filename="patientgen-default-2500-seed8.csv"');
  // The same members as compress=gzip: byte-identical to the native CLI's gzip.
  assert.equal(sha(gz.body), sha(nativeBytes(["--patients", "2500", "--seed", "8", "--format", "csv", "--compress", "gzip"])));
  const plain = nativeBytes(["--patients", "2500", "--seed", "8", "--format", "csv"]);
  assert.equal(sha(gunzipSync(gz.body)), sha(plain));
  for (const ae of [undefined, "identity", "gzip;q=0, br"]) {
    const r = await rawGet(`${edge.base}/generate?${q}`, ae === undefined ? {} : { "Accept-Encoding": ae });
    assert.equal(r.headers["content-encoding"], undefined, String(ae));
    assert.equal(r.headers.vary, "Accept-Encoding");
    assert.equal(sha(r.body), sha(plain), String(ae));
  }
  // Already compressed output is not encoded again.
  const z = await rawGet(`${edge.base}/generate?${q}&compress=gzip&level=1`, { "Accept-Encoding": "gzip" });
  assert.equal(z.headers["content-encoding"], undefined);
  assert.equal(z.headers["content-type"], "application/gzip");
  assert.equal(sha(z.body), sha(nativeBytes(["--patients", "2500", "--seed", "8", "--format", "csv", "--compress", "gzip", "--level", "1"])));
});

test("gzip shards at any level concatenate to the single request's bytes (edge/fanout.mjs too)", async () => {
  const q = "patients=7300&seed=21&format=ndjson&compress=gzip&level=1";
  const single = await readAll(await fetch(`${edge.base}/generate?${q}`));
  assert.equal(sha(single), sha(nativeBytes(["--patients", "7300", "--seed", "21", "--compress", "gzip", "--level", "1"])));
  for (const n of [2, 3, 7]) {
    const bodies = await Promise.all(Array.from({ length: n }, async (_, k) => readAll(await fetch(`${edge.base}/generate?${q}&shard=${k}/${n}`))));
    assert.equal(sha(Buffer.concat(bodies)), sha(single), `${n} shards`);
  }
  const dir = mkdtempSync(join(tmpdir(), "patientgen-fanout-gz-"));
  try {
    const out = join(dir, "out.ndjson.gz");
    execFileSync("node", [
      join(root, "edge/fanout.mjs"), "--url", edge.base, "--shards", "4", "--patients", "7300", "--seed", "21",
      "--compress", "gzip", "--level", "1", "-o", out,
    ], { stdio: ["ignore", "ignore", "pipe"] });
    assert.equal(sha(readFileSync(out)), sha(single));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("zip shards are zip parts; edge/fanout.mjs merges them into the single request's archive", async () => {
  const q = "patients=7300&seed=21&format=csv&compress=zip";
  const single = await readAll(await fetch(`${edge.base}/generate?${q}`));
  assert.equal(sha(single), sha(nativeBytes(["--patients", "7300", "--seed", "21", "--format", "csv", "--compress", "zip"])));
  const dir = mkdtempSync(join(tmpdir(), "patientgen-fanout-zip-"));
  try {
    // A shard is a zip part (trailer magic at its end), the native --shard's bytes.
    const part = await readAll(await fetch(`${edge.base}/generate?${q}&shard=1/3`));
    assert.equal(part.subarray(part.length - 8).toString("latin1"), "PGZPART1");
    assert.equal(sha(part), sha(nativeBytes(["--patients", "7300", "--seed", "21", "--format", "csv", "--compress", "zip", "--shard", "1/3"])));
    for (const n of [1, 3, 7]) {
      const out = join(dir, `out${n}.zip`);
      execFileSync("node", [
        join(root, "edge/fanout.mjs"), "--url", edge.base, "--shards", String(n), "--patients", "7300", "--seed", "21",
        "--format", "csv", "--compress", "zip", "-o", out,
      ], { stdio: ["ignore", "ignore", "pipe"] });
      assert.equal(sha(readFileSync(out)), sha(single), `${n} shards`);
    }
    // The same parts through the native CLI's documented step; the wasm merge's errors name the part.
    const parts = [0, 1, 2].map((k) => join(dir, `p${k}.zip`));
    const bodies = await Promise.all([0, 1, 2].map(async (k) => readAll(await fetch(`${edge.base}/generate?${q}&shard=${k}/3`))));
    for (const [k, f] of parts.entries()) writeFileSync(f, bodies[k]);
    execFileSync(native, ["merge-zip", ...parts, "-o", join(dir, "cli.zip")], { stdio: ["ignore", "ignore", "pipe"] });
    assert.equal(sha(readFileSync(join(dir, "cli.zip"))), sha(single));
    await import("../../js/node.js");
    const wasm = await import("../../pkg/patientgen.js");
    assert.throws(
      () => wasm.zipMergePlan([bodies[0], bodies[2]], [bodies[0].length, bodies[2].length], ["p0", "p2"]),
      /^Error: p2: covers patients 5000\.\.7300 but the merge needs the part that starts at 3000 \(p0 ends there\)$/,
    );
    assert.throws(() => wasm.zipMergePlan([single], [single.length], ["whole.zip"]), /whole\.zip: not a patientgen zip part/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("invalid input: 400 with {errors: [{path, message}]}", async () => {
  const get = async (path, init) => {
    const r = await fetch(`${edge.base}${path}`, init);
    assert.equal(r.status, 400, path);
    assert.match(r.headers.get("content-type"), /^application\/json/);
    const body = await r.json();
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0);
    for (const e of body.errors) assert.equal(typeof e.message, "string");
    return body.errors;
  };
  const q = await get("/generate?patients=ten&format=yaml&compress=rar&seed=-1&shard=4/4&chunk_size=0&colour=red");
  assert.deepEqual(q.map((e) => e.path), ["colour", "format", "compress", "patients", "seed", "chunk_size", "shard"]);
  assert.match(q[1].message, /unknown format "yaml"/);
  assert.deepEqual((await get("/generate?seed=18446744073709551616")).map((e) => e.path), ["seed"]);
  assert.deepEqual((await get("/generate?patients=10&range=5..20")).map((e) => e.path), ["range"]);
  assert.deepEqual((await get("/generate?shard=0/2&range=0..5")).map((e) => e.path), ["range"]);
  assert.deepEqual((await get("/generate?preset=nato_article_6")).map((e) => e.path), ["preset"]);
  const body = await get("/generate?patients=100", {
    method: "POST",
    body: JSON.stringify({ days_of_fighting: 400, warfare_types: { artilery: true } }),
  });
  assert.deepEqual(body, [
    { path: "days_of_fighting", message: "must be between 1 and 365, got 400" },
    { path: "warfare_types.artilery", message: 'unknown warfare type; did you mean "artillery"?' },
  ]);
  const bad = await get("/generate", { method: "POST", body: "{not json" });
  assert.equal(bad[0].path, "");
  assert.match(bad[0].message, /invalid JSON/);
  assert.equal((await get("/generate", { method: "POST", body: "[1, 2]" }))[0].path, "");
  const huge = await fetch(`${edge.base}/generate`, { method: "POST", body: `{"name": "${"x".repeat(1 << 20)}"}` });
  assert.equal(huge.status, 413);
  assert.deepEqual(await huge.json(), { errors: [{ path: "", message: "request body over 1048576 bytes" }] });
  // Without a Content-Length (chunked upload), the bound holds while reading. The worker may answer
  // 413 and close while the client is still sending, so the upload goes through node:http, which
  // delivers the response even when the rest of the body can no longer be written (fetch reports
  // that race as "fetch failed").
  const status = await new Promise((done, fail) => {
    const req = httpRequest(`${edge.base}/generate`, { method: "POST", headers: { "Content-Type": "application/json" } });
    req.on("response", (res) => {
      res.resume();
      done(res.statusCode);
    });
    // A write after the worker closed fails (EPIPE, reset); the answer decides, or the timeout.
    req.on("error", () => {});
    setTimeout(() => fail(new Error("no answer to the chunked upload within 20 s")), 20_000).unref();
    const piece = " ".repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 40) {
        sent++;
        if (!req.write(piece)) return req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
  assert.equal(status, 413);
});

test("past MAX_PATIENTS: 413 (default cap 1,000,000)", async () => {
  const ok = await fetch(`${edge.base}/generate?patients=1000000&shard=0/1000&seed=1`);
  assert.equal(ok.status, 200);
  await readAll(ok);
  const r = await fetch(`${edge.base}/generate?patients=1000001&seed=1`);
  assert.equal(r.status, 413);
  const body = await r.json();
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].path, "patients");
  assert.match(body.errors[0].message, /1000001 patients requested; this worker serves at most 1000000/);
});

test("a fresh isolate with MAX_PATIENTS=5000: the cap applies per request; /metrics counts exactly and parses", async () => {
  const w = await startWorkerd({ PATIENTGEN_MAX_PATIENTS: "5000" });
  try {
    const over = await fetch(`${w.base}/generate?patients=5001`, { method: "POST", body: '{"preset":"peacekeeping"}' });
    assert.equal(over.status, 413);
    assert.equal((await over.json()).errors[0].path, "patients");
    // A 10,000-patient dataset in two 5,000-patient shards is within the cap.
    const half = await fetch(`${w.base}/generate?patients=10000&shard=1/2&seed=3&compress=gzip&format=csv`);
    assert.equal(half.status, 200);
    assert.equal(half.headers.get("content-type"), "application/gzip");
    assert.equal(half.headers.get("content-disposition"), 'attachment; filename="patientgen-default-10000-seed3-shard1of2.csv.gz"');
    assert.equal(half.headers.get("x-patientgen-patients"), "5000");
    const gz = await readAll(half);
    assert.equal(sha(gunzipSync(gz)), sha(nativeBytes(["--patients", "10000", "--seed", "3", "--format", "csv", "--shard", "1/2"])));
    // identity: fetch would otherwise ask for gzip, and the output stage would count gzip bytes.
    const body = await readAll(await fetch(`${w.base}/generate?patients=2500&seed=9&chunk_size=100`, { headers: { "Accept-Encoding": "identity" } }));
    assert.equal(sha(body), sha(nativeBytes(["--patients", "2500", "--seed", "9"])));
    assert.equal((await fetch(`${w.base}/generate?format=tsv`)).status, 400);

    const text = await (await fetch(`${w.base}/metrics`)).text();
    const { types, samples } = parsePrometheus(text);
    assert.deepEqual(types, {
      patientgen_build_info: "gauge",
      patientgen_runs_started: "counter",
      patientgen_active_runs: "gauge",
      patients_generated: "counter",
      patient_generation_duration_seconds: "histogram",
      patient_generation_errors: "counter",
      patientgen_bytes_written: "counter",
      patientgen_chunks: "counter",
      patientgen_requests_rejected: "counter",
      patientgen_wasm_memory_bytes: "gauge",
    });
    // Keys as the parser script writes them: json.dumps(labels, sort_keys=True).
    const s = (name, labels) => samples[`${name}{${Object.keys(labels).sort().map((k) => `"${k}": "${labels[k]}"`).join(", ")}}`];
    // 2,500 ndjson records in chunks of 100 (each well under the 1 MiB chunk bound): 25 chunks.
    assert.equal(s("patients_generated_total", { format: "ndjson" }), 2500);
    assert.equal(s("patientgen_chunks_total", { format: "ndjson" }), 25);
    assert.equal(s("patientgen_bytes_written_total", { format: "ndjson", stage: "serialized" }), body.length);
    assert.equal(s("patientgen_bytes_written_total", { format: "ndjson", stage: "output" }), body.length);
    assert.equal(s("patient_generation_duration_seconds_count", { format: "ndjson" }), 25);
    assert.equal(s("patient_generation_duration_seconds_bucket", { format: "ndjson", le: "+Inf" }), 25);
    assert.ok(s("patient_generation_duration_seconds_bucket", { format: "ndjson", le: "0.001" }) <= 25);
    assert.equal(typeof s("patient_generation_duration_seconds_sum", { format: "ndjson" }), "number");
    // The gzip shard: 5,000 csv records, bytes out = the compressed body, far below the csv text.
    assert.equal(s("patients_generated_total", { format: "csv" }), 5000);
    assert.equal(s("patientgen_bytes_written_total", { format: "csv", stage: "output" }), gz.length);
    assert.ok(s("patientgen_bytes_written_total", { format: "csv", stage: "serialized" }) > 2 * gz.length);
    assert.equal(s("patientgen_chunks_total", { format: "csv" }), s("patient_generation_duration_seconds_count", { format: "csv" }));
    assert.equal(s("patient_generation_errors_total", { error_type: "config_invalid" }), 2);
    for (const e of ["output", "encryption", "cancelled", "internal"]) assert.equal(s("patient_generation_errors_total", { error_type: e }), 0, e);
    // Two runs served and finished; one 413 and one 400 answered; the package's version.
    assert.equal(s("patientgen_runs_started_total", {}), 2);
    assert.equal(s("patientgen_active_runs", {}), 0);
    assert.equal(s("patientgen_requests_rejected_total", { status: "413" }), 1);
    assert.equal(s("patientgen_requests_rejected_total", { status: "400" }), 1);
    assert.equal(s("patientgen_requests_rejected_total", { status: "404" }), 0);
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
    assert.equal(s("patientgen_build_info", { version, output_version: "0.3" }), 1);
    // Freed generators: the linear memory stays at what one run needs (about 2.5 MiB) plus the
    // name tables decoded once per isolate (about 2 MiB; docs/IDENTITIES.md).
    const memory = s("patientgen_wasm_memory_bytes", {});
    assert.ok(memory % 65536 === 0 && memory > 0 && memory <= 6 << 20, String(memory));
  } finally {
    await w.stop();
  }
});

test("/metrics of the long-running isolate parses and holds the counters of the runs above", async () => {
  const r = await fetch(`${edge.base}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  const { types, samples } = parsePrometheus(await r.text());
  assert.equal(types.patients_generated, "counter");
  assert.equal(types.patient_generation_duration_seconds, "histogram");
  assert.ok(samples['patients_generated_total{"format": "ndjson"}'] >= 200000 + 2500);
  assert.ok(samples['patients_generated_total{"format": "json"}'] >= 40000 * 3);
  assert.ok(samples['patients_generated_total{"format": "csv"}'] >= 9000 * 2);
  assert.ok(samples['patient_generation_errors_total{"error_type": "cancelled"}'] >= 1);
});

test("/presets, /health, 404 and 405", async () => {
  const presets = await (await fetch(`${edge.base}/presets`)).json();
  assert.equal(presets.length, 8);
  assert.equal(presets[0].id, "nato_article_5");
  assert.deepEqual(await (await fetch(`${edge.base}/health`)).json(), { status: "ok" });
  const missing = await fetch(`${edge.base}/generat`);
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).errors[0].message, /no route \/generat/);
  assert.equal((await fetch(`${edge.base}/`)).status, 404);
  const put = await fetch(`${edge.base}/generate`, { method: "PUT", body: "{}" });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get("allow"), "GET, POST, HEAD, OPTIONS");
  await put.body?.cancel();
  const post = await fetch(`${edge.base}/metrics`, { method: "POST" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
  await post.body?.cancel();
  assert.equal((await fetch(`${edge.base}/presets`, { method: "DELETE" })).status, 405);
});

test("the handler's metrics render as the engine's (src/metrics.rs), apart from wall times and server families", async () => {
  const pg = await import(join(root, "js/node.js"));
  const { makeHandler } = await import(join(root, "edge/handler.mjs"));
  // Wall times differ; the request and memory families are the server's own.
  const serverOnly = /^(# (HELP|TYPE) )?(patientgen_requests_rejected_total|patientgen_wasm_memory_bytes)\b/;
  const noDurations = (t) =>
    t
      .split("\n")
      .filter((l) => !l.startsWith("patient_generation_duration_seconds_") && !serverOnly.test(l))
      .join("\n");
  for (const [query, options] of [
    ["patients=2500&seed=3&chunk_size=500", { patients: 2500, seed: 3, chunkSize: 500 }],
    ["patients=3000&seed=4&format=xml&compress=gzip", { patients: 3000, seed: 4, format: "xml", compression: "gzip" }],
  ]) {
    const h = makeHandler(pg);
    const res = await h.fetch(new Request(`http://edge.test/generate?${query}`), {});
    assert.equal(res.status, 200);
    await readAll(res);
    const gen = new pg.Generator({}, options);
    for await (const _ of gen.readable());
    assert.equal(noDurations(h.metrics.render()), noDurations(gen.metrics()), query);
    assert.match(h.metrics.render(), /^patient_generation_duration_seconds_count\{format="(ndjson|xml)"\} [1-9]\d*$/m);
    assert.match(h.metrics.render(), /^patientgen_requests_rejected_total\{status="413"\} 0$/m);
  }
});

test("MetricsRegistry: the core's server exposition, with named errors for bad observations", async () => {
  const { MetricsRegistry } = await import(join(root, "js/node.js"));
  const m = new MetricsRegistry();
  m.runStarted();
  m.runStarted();
  m.observeChunk("csv", 1000, 3_000_000, 400_000, 0.02);
  m.runFinished();
  assert.equal(m.activeRuns, 1);
  assert.equal(m.observeRejection(413), true);
  assert.equal(m.observeRejection(500), false);
  m.observeError("no such class");
  const text = m.render();
  for (const line of [
    "patientgen_runs_started_total 2",
    "patientgen_active_runs 1",
    'patients_generated_total{format="csv"} 1000',
    'patient_generation_duration_seconds_bucket{format="csv",le="0.01"} 0',
    'patient_generation_duration_seconds_bucket{format="csv",le="0.05"} 1',
    'patientgen_bytes_written_total{format="csv",stage="output"} 400000',
    'patientgen_requests_rejected_total{status="413"} 1',
    'patientgen_requests_rejected_total{status="400"} 0',
    'patient_generation_errors_total{error_type="internal"} 1',
  ]) {
    assert.ok(text.split("\n").includes(line), line);
  }
  assert.doesNotMatch(text, /status="500"/);
  assert.match(text, /^patientgen_wasm_memory_bytes [1-9]\d*$/m);
  const problem = (fn) => {
    try {
      fn();
    } catch (e) {
      return [e.name, e.errors?.[0]?.path];
    }
    return "no error";
  };
  assert.deepEqual(problem(() => m.observeChunk("yaml", 1, 1, 1, 0)), ["ConfigError", "format"]);
  assert.deepEqual(problem(() => m.observeChunk("csv", -1, 1, 1, 0)), ["ConfigError", "patients"]);
  assert.deepEqual(problem(() => m.observeChunk("csv", 1, 0.5, 1, 0)), ["ConfigError", "serialized"]);
  // Rejected observations change nothing.
  assert.ok(m.render().split("\n").includes('patients_generated_total{format="csv"} 1000'));
  m.free();
});
