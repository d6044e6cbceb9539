// The monitoring of ops/ against real components (ops/README.md): promtool checks the scrape
// configuration and the alert rules and runs their unit tests; a real Prometheus on a loopback
// port scrapes the edge worker started as `npm run edge` starts it (scripts/edge.sh) while
// requests run, and node_exporter's textfile collector fed by ops/patientgen-textfile.sh; every
// PromQL expression of the Grafana dashboard must then answer, without error, with the series the
// requests produced. scripts/test.sh installs Debian's prometheus and prometheus-node-exporter.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const ops = join(root, "ops");
const native = join(root, "target/release/patientgen");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

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

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: root, ...options });
  if (r.error) throw r.error;
  return r;
}

/** Starts a long-running process; `ready()` polls `url` until it answers 200 (bounded). */
function start(name, cmd, args, env = {}) {
  const log = [];
  const proc = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout.on("data", (d) => log.push(String(d)));
  proc.stderr.on("data", (d) => log.push(String(d)));
  return {
    log,
    async ready(url, ms = 30000) {
      const deadline = Date.now() + ms;
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}: ${log.join("")}`);
        try {
          const r = await fetch(url);
          await r.body?.cancel();
          if (r.ok) return;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > deadline) throw new Error(`${name} did not answer ${url} within ${ms} ms: ${log.join("")}`);
        await sleep(100);
      }
    },
    stop: () =>
      new Promise((r) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return r();
        const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
        proc.once("exit", () => {
          clearTimeout(timer);
          r();
        });
        proc.kill("SIGTERM");
      }),
  };
}

/** The dashboard's panels and their PromQL, with Grafana's variables for this Prometheus. */
function dashboardQueries(rateInterval) {
  const dash = JSON.parse(readFileSync(join(ops, "grafana-dashboard.json"), "utf8"));
  const out = [];
  for (const p of dash.panels) {
    for (const t of p.targets) {
      out.push({
        panel: p.title,
        expr: t.expr,
        promql: t.expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$job", ".+").replaceAll("$instance", ".+"),
      });
    }
  }
  return { dash, queries: out };
}

test("promtool: the scrape configuration, the alert rules and the rules' unit tests", () => {
  for (const bin of ["promtool", "prometheus", "prometheus-node-exporter"]) {
    assert.equal(run("sh", ["-c", `command -v ${bin}`]).status, 0, `${bin} is missing: scripts/test.sh installs Debian's prometheus and prometheus-node-exporter`);
  }
  const config = run("promtool", ["check", "config", join(ops, "prometheus.yml")]);
  assert.equal(config.status, 0, config.stdout + config.stderr);
  assert.match(config.stdout + config.stderr, /SUCCESS: 1 rule files found/);
  const rules = run("promtool", ["check", "rules", join(ops, "alerts.yml")]);
  assert.equal(rules.status, 0, rules.stdout + rules.stderr);
  assert.match(rules.stdout + rules.stderr, /SUCCESS: 9 rules found/);
  const unit = run("promtool", ["test", "rules", join(ops, "tests/alerts.test.yml")]);
  assert.equal(unit.status, 0, unit.stdout + unit.stderr);
  assert.match(unit.stdout, /SUCCESS/);
  // Every alert of alerts.yml has a unit-test group that makes it fire and one that keeps it silent.
  const alerts = [...readFileSync(join(ops, "alerts.yml"), "utf8").matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]);
  const tests = readFileSync(join(ops, "tests/alerts.test.yml"), "utf8");
  assert.equal(alerts.length, 9);
  for (const a of alerts) {
    const group = tests.split(/\n  - name: /).find((g) => g.startsWith(`${a}\n`));
    assert.ok(group, `no unit-test group for ${a}`);
    assert.match(group, /exp_alerts: \[\]/, `${a}: no silent case`);
    assert.match(group, /exp_labels: /, `${a}: no firing case`);
  }
});

test("promtool: a broken rule fails the unit tests (the tests can fail)", () => {
  const dir = mkdtempSync(join(tmpdir(), "patientgen-ops-"));
  try {
    // The memory threshold raised past the synthetic 100 MiB: the firing case must fail.
    const rules = readFileSync(join(ops, "alerts.yml"), "utf8").replace("> 64 * 1024 * 1024", "> 128 * 1024 * 1024");
    assert.notEqual(rules, readFileSync(join(ops, "alerts.yml"), "utf8"));
    mkdirSync(join(dir, "tests"));
    writeFileSync(join(dir, "alerts.yml"), rules);
    writeFileSync(join(dir, "tests/alerts.test.yml"), readFileSync(join(ops, "tests/alerts.test.yml")));
    const unit = run("promtool", ["test", "rules", join(dir, "tests/alerts.test.yml")]);
    assert.notEqual(unit.status, 0);
    assert.match(unit.stdout + unit.stderr, /alertname: PatientgenWasmMemoryHigh/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the dashboard is importable JSON and every panel's query is documented in ops/README.md", () => {
  const { dash, queries } = dashboardQueries("1m");
  const readme = readFileSync(join(ops, "README.md"), "utf8");
  assert.equal(dash.uid, "patientgen");
  assert.equal(dash.id, null);
  assert.ok(Number.isInteger(dash.schemaVersion));
  assert.deepEqual(dash.templating.list.map((v) => v.name), ["datasource", "job", "instance"]);
  const ids = dash.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
  for (const p of dash.panels) {
    assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
    for (const k of ["x", "y", "w", "h"]) assert.ok(Number.isInteger(p.gridPos[k]), `${p.title}: gridPos.${k}`);
    assert.ok(p.targets.length >= 1, p.title);
    assert.ok(readme.includes(`| ${p.title} |`), `ops/README.md has no row for the panel "${p.title}"`);
  }
  for (const q of queries) assert.ok(readme.includes("`" + q.expr + "`"), `ops/README.md does not document ${q.expr}`);
  // What the issue asks the dashboard to show.
  const exprs = queries.map((q) => q.expr).join("\n");
  for (const needle of ["rate(patients_generated_total", "histogram_quantile(0.99", "patientgen_bytes_written_total", "sum by (error_type)", "patientgen_active_runs"]) {
    assert.ok(exprs.includes(needle), needle);
  }
});

// The live stack: the edge worker, node_exporter over a textfile directory, Prometheus scraping both.
let stack;

before(async () => {
  for (const f of [native, join(root, "pkg/patientgen_bg.wasm"), join(root, "node_modules/.bin/workerd")]) {
    assert.equal(run("test", ["-e", f]).status, 0, `${f} is missing: run scripts/test.sh (it builds the CLI and the wasm)`);
  }
});

after(async () => {
  await stack?.stopAll();
});

async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), "patientgen-ops-"));
  const procs = [];
  const stopAll = async () => {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The edge worker as `npm run edge` starts it, with a small patient cap for the 413 answers.
    const edgePort = await freePort();
    const edge = start("edge worker", "bash", [join(root, "scripts/edge.sh")], { PORT: String(edgePort), PATIENTGEN_MAX_PATIENTS: "100000" });
    procs.push(edge);
    const edgeBase = `http://127.0.0.1:${edgePort}`;
    await edge.ready(`${edgeBase}/health`);

    // Two CLI runs through the textfile recipe: one succeeds, one cannot write its output.
    const textfiles = join(dir, "textfile");
    mkdirSync(textfiles);
    const recipe = join(ops, "patientgen-textfile.sh");
    const env = { ...process.env, TEXTFILE_DIR: textfiles };
    const ok = run(recipe, ["nightly", native, "generate", "--progress", "never", "--patients", "2500", "--seed", "5", "--format", "csv", "-o", join(dir, "out.csv")], { env });
    assert.equal(ok.status, 0, ok.stderr);
    // A run whose output fails mid-way (stdout on a full device): exit 2, its metrics still written.
    const broken = run("sh", ["-c", '"$0" broken "$1" generate --progress never --patients 2500 -o - > /dev/full', recipe, native], { env });
    assert.equal(broken.status, 2, broken.stderr);
    assert.deepEqual(run("ls", ["-A", textfiles]).stdout.trim().split("\n").sort(), ["patientgen-broken.prom", "patientgen-nightly.prom"]);
    for (const f of ["patientgen-broken.prom", "patientgen-nightly.prom"]) {
      const lint = run("promtool", ["check", "metrics"], { input: readFileSync(join(textfiles, f)) });
      assert.equal(lint.status, 0, `${f}: ${lint.stdout}${lint.stderr}`);
    }
    const nodePort = await freePort();
    const node = start("node_exporter", "prometheus-node-exporter", [
      "--collector.disable-defaults",
      "--collector.textfile",
      `--collector.textfile.directory=${textfiles}`,
      `--web.listen-address=127.0.0.1:${nodePort}`,
    ]);
    procs.push(node);
    await node.ready(`http://127.0.0.1:${nodePort}/metrics`);

    // ops/prometheus.yml with this test's ports and a 1 s scrape and evaluation interval.
    const shipped = readFileSync(join(ops, "prometheus.yml"), "utf8");
    const config = shipped
      .replace('targets: ["127.0.0.1:8787"]', `targets: ["127.0.0.1:${edgePort}"]`)
      .replace('targets: ["127.0.0.1:9100"]', `targets: ["127.0.0.1:${nodePort}"]`)
      .replace("scrape_interval: 15s", "scrape_interval: 1s")
      .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
      .replace("  - alerts.yml", `  - ${join(ops, "alerts.yml")}`);
    for (const s of [String(edgePort), String(nodePort), "scrape_interval: 1s", "evaluation_interval: 1s", join(ops, "alerts.yml")]) {
      assert.ok(config.includes(s), `the test could not adapt ops/prometheus.yml (${s})`);
    }
    writeFileSync(join(dir, "prometheus.yml"), config);
    const promPort = await freePort();
    const prom = start("prometheus", "prometheus", [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      "--log.level=warn",
    ]);
    procs.push(prom);
    const promBase = `http://127.0.0.1:${promPort}`;
    await prom.ready(`${promBase}/-/ready`);
    return { dir, edgeBase, promBase, stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function promQuery(promBase, query, time) {
  const url = new URL(`${promBase}/api/v1/query`);
  url.searchParams.set("query", query);
  if (time !== undefined) url.searchParams.set("time", String(time));
  const r = await fetch(url);
  const body = await r.json();
  assert.equal(r.status, 200, `${query}: ${JSON.stringify(body)}`);
  assert.equal(body.status, "success", `${query}: ${JSON.stringify(body)}`);
  assert.equal(body.data.resultType, "vector", query);
  return body.data.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
}

/** Polls a PromQL query until `accept(result)` (bounded); returns the accepted result. */
async function promUntil(promBase, query, accept, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const result = await promQuery(promBase, query);
    if (accept(result)) return result;
    if (Date.now() > deadline) assert.fail(`${query}: not accepted within ${ms} ms: ${JSON.stringify(result)}`);
    await sleep(250);
  }
}

async function drain(res) {
  let n = 0;
  for await (const c of res.body) n += c.byteLength;
  return n;
}

test("a real Prometheus scrapes the edge worker under load: every dashboard query answers", async () => {
  stack = await startStack();
  const { edgeBase, promBase } = stack;
  const up = await promUntil(promBase, "up", (r) => r.length === 2 && r.every((s) => s.value === 1));
  assert.deepEqual(up.map((s) => s.labels.job).sort(), ["node", "patientgen-edge"]);

  // A run whose client stops reading stays active for the whole load phase.
  const stalled = new AbortController();
  const held = await fetch(`${edgeBase}/generate?patients=100000&seed=1`, { signal: stalled.signal });
  assert.equal(held.status, 200);

  // About 6 s of requests over every kind of answer the dashboard shows: 6 scrapes or more.
  const loadStart = Date.now();
  let rounds = 0;
  while (Date.now() - loadStart < 6000) {
    rounds += 1;
    for (const q of ["patients=3000&format=ndjson", "patients=2000&format=csv&compress=gzip", "patients=300&format=fhir-r4", "patients=2000&format=json"]) {
      const r = await fetch(`${edgeBase}/generate?seed=${rounds}&${q}`);
      assert.equal(r.status, 200, q);
      assert.ok((await drain(r)) > 0);
    }
    const bad = await fetch(`${edgeBase}/generate?format=tsv`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const big = await fetch(`${edgeBase}/generate?patients=100001`);
    assert.equal(big.status, 413);
    await big.body?.cancel();
    const lost = await fetch(`${edgeBase}/generat`);
    assert.equal(lost.status, 404);
    await lost.body?.cancel();
    // A client that disconnects after the first chunk: a cancelled run.
    const gone = new AbortController();
    const c = await fetch(`${edgeBase}/generate?patients=100000&seed=${rounds}`, { signal: gone.signal });
    const reader = c.body.getReader();
    await reader.read();
    gone.abort();
    await reader.closed.catch(() => {});
  }
  // Two more scrapes, so the last requests are in Prometheus, then query at one instant.
  await sleep(2500);
  const at = Date.now() / 1000;

  // The variables' query (what Grafana's label_values(patientgen_build_info, job) asks).
  const jobs = await (await fetch(`${promBase}/api/v1/label/job/values?match[]=patientgen_build_info`)).json();
  assert.deepEqual(jobs.data.sort(), ["node", "patientgen-edge"]);

  // A 30 s rate window covers the whole load phase.
  const { queries } = dashboardQueries("30s");
  const results = {};
  for (const q of queries) {
    const result = await promQuery(promBase, q.promql, at);
    assert.ok(result.length > 0, `${q.panel}: ${q.promql} returned no series`);
    for (const s of result) assert.ok(Number.isFinite(s.value), `${q.panel}: ${q.promql} → ${JSON.stringify(s)}`);
    results[q.expr] = result;
  }
  const byLabel = (expr, label) => Object.fromEntries(results[queries.find((q) => q.expr.startsWith(expr)).expr].map((s) => [s.labels[label], s.value]));
  const single = (expr) => {
    const r = results[queries.find((q) => q.expr.startsWith(expr)).expr];
    assert.equal(r.length, 1, expr);
    return r[0].value;
  };

  // Patients/s by format: every format requested, at a plausible rate.
  const perFormat = byLabel("sum by (format) (rate(patients_generated_total", "format");
  for (const f of ["ndjson", "csv", "fhir-r4", "json"]) assert.ok(perFormat[f] > 0, `patients/s of ${f}: ${perFormat[f]}`);
  // Chunk duration quantiles: within the histogram's range and ordered.
  const [p50, p90, p99] = ["histogram_quantile(0.5,", "histogram_quantile(0.9,", "histogram_quantile(0.99,"].map(single);
  assert.ok(p50 >= 0 && p50 <= p90 && p90 <= p99 && p99 <= 30, `${p50} ${p90} ${p99}`);
  // Bytes by stage: gzip requests make output smaller than serialized.
  const stages = byLabel("sum by (stage)", "stage");
  assert.ok(stages.serialized > 0 && stages.output > 0 && stages.output < stages.serialized, JSON.stringify(stages));
  // Errors by type: all five classes exist; 400 and 413 answers and disconnects are counted.
  const errors = byLabel("sum by (error_type)", "error_type");
  assert.deepEqual(Object.keys(errors).sort(), ["cancelled", "config_invalid", "encryption", "internal", "output"]);
  assert.ok(errors.config_invalid > 0 && errors.cancelled > 0, JSON.stringify(errors));
  // Rejections by status: 400, 413 and 404 counted; 405 exists at 0.
  const statuses = byLabel("sum by (status)", "status");
  assert.ok(statuses["400"] > 0 && statuses["413"] > 0 && statuses["404"] > 0, JSON.stringify(statuses));
  assert.equal(statuses["405"], 0);
  // Active runs: exactly the stalled request.
  assert.equal(single("sum(patientgen_active_runs"), 1);
  const activeBy = byLabel("sum by (instance) (patientgen_active_runs", "instance");
  assert.equal(activeBy[new URL(edgeBase).host], 1, JSON.stringify(activeBy));
  for (const [instance, n] of Object.entries(activeBy)) if (instance !== new URL(edgeBase).host) assert.equal(n, 0, instance);
  assert.ok(single("sum(rate(patientgen_runs_started_total") > 0);
  // Build info: this package's version, on the edge and in the two CLI runs' files.
  const versions = results[queries.find((q) => q.expr.startsWith("count by (version")).expr];
  assert.deepEqual(versions.map((s) => [s.labels.version, s.value]), [[version, 3]]);
  // WebAssembly memory: whole 64 KiB pages, and flat over the 100-odd runs of the load: a run
  // needs about 2.5 MiB uncompressed and 4.5 MiB with gzip (docs/PERFORMANCE.md), the load keeps a
  // few runs in flight, and the handler frees each generator when its body ends (before it did,
  // this load grew the memory past the alert's 64 MiB).
  const memory = single("max by (instance) (patientgen_wasm_memory_bytes");
  assert.ok(memory > 0 && memory % 65536 === 0 && memory < 24 * 1024 * 1024, String(memory));

  // The CLI's metrics through node_exporter, and the batch alert firing on the failed run.
  const cli = Object.fromEntries((await promQuery(promBase, 'patients_generated_total{job="node"}', at)).map((s) => [`${s.labels.run} ${s.labels.format}`, s.value]));
  assert.deepEqual(Object.keys(cli).sort(), ["broken ndjson", "nightly csv"]);
  assert.equal(cli["nightly csv"], 2500);
  // The failed run generated its first chunk, then could not write it.
  assert.ok(cli["broken ndjson"] > 0 && cli["broken ndjson"] < 2500, String(cli["broken ndjson"]));
  assert.deepEqual((await promQuery(promBase, 'node_textfile_scrape_error{job="node"}', at)).map((s) => s.value), [0]);
  const firing = await promUntil(promBase, 'ALERTS{alertstate="firing"}', (r) => r.length > 0);
  assert.deepEqual(firing.map((s) => [s.labels.alertname, s.labels.run]), [["PatientgenBatchRunFailed", "broken"]]);
  // Every rule loads and evaluates without error in this Prometheus.
  const rules = await (await fetch(`${promBase}/api/v1/rules`)).json();
  const loaded = rules.data.groups.flatMap((g) => g.rules);
  assert.equal(loaded.length, 9);
  for (const r of loaded) assert.equal(r.health, "ok", `${r.name}: ${r.lastError}`);

  stalled.abort();
  await held.body?.cancel().catch(() => {});
  await promUntil(promBase, "sum(patientgen_active_runs)", (r) => r[0]?.value === 0);
});
