// The edge worker's CORS, OPTIONS preflight and HEAD answers, in a real local workerd
// (edge/config.capnp on a free loopback port), with the default and a configured allowed origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const workerdBin = join(root, "node_modules/.bin/workerd");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function startWorkerd(env) {
  const port = await freePort();
  const log = [];
  const childEnv = { ...process.env, ...env };
  if (env.PATIENTGEN_CORS_ORIGIN === undefined) delete childEnv.PATIENTGEN_CORS_ORIGIN;
  const proc = spawn(workerdBin, ["serve", join(root, "edge/config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout.on("data", (d) => log.push(String(d)));
  proc.stderr.on("data", (d) => log.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`workerd exited with ${proc.exitCode}: ${log.join("")}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`workerd did not answer within 15 s: ${log.join("")}`);
    }
    await sleep(50);
  }
  const stop = () =>
    new Promise((r) => {
      if (proc.exitCode !== null) return r();
      proc.once("exit", r);
      proc.kill("SIGTERM");
    });
  return { base, stop };
}

let open; // CORS_ORIGIN unset: any origin
let listed; // CORS_ORIGIN = two origins
before(async () => {
  open = await startWorkerd({});
  listed = await startWorkerd({ PATIENTGEN_CORS_ORIGIN: "https://a.example, https://b.example" });
});
after(async () => {
  await open?.stop();
  await listed?.stop();
});

/** Sum of a metric's samples over all label sets. */
const metric = async (base, name) => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const lines = text.split("\n").filter((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  assert.ok(lines.length > 0, `no ${name} in the exposition`);
  return lines.reduce((s, l) => s + Number(l.split(" ").pop()), 0);
};

test("default: every answer allows any origin and exposes the dataset headers", async () => {
  const r = await fetch(`${open.base}/generate?patients=3&seed=1`, { headers: { Origin: "https://x.example" } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  const exposed = r.headers.get("access-control-expose-headers").split(/,\s*/);
  for (const h of ["Content-Disposition", "X-Patientgen-Seed", "X-Patientgen-Patients", "X-Patientgen-Range"]) assert.ok(exposed.includes(h), h);
  assert.equal((await r.text()).trim().split("\n").length, 3);
  // Errors carry them too (a browser could not read the problem otherwise).
  const bad = await fetch(`${open.base}/generate?patients=0`);
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("access-control-allow-origin"), "*");
  assert.match((await bad.json()).errors[0].path, /patients/);
});

test("OPTIONS is a 204 preflight listing the path's methods", async () => {
  const r = await fetch(`${open.base}/generate`, {
    method: "OPTIONS",
    headers: { Origin: "https://x.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get("allow"), "GET, POST, HEAD, OPTIONS");
  assert.equal(r.headers.get("access-control-allow-methods"), "GET, POST, HEAD, OPTIONS");
  assert.equal(r.headers.get("access-control-allow-headers"), "Content-Type");
  assert.equal(r.headers.get("access-control-max-age"), "7200");
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  assert.equal(await r.text(), "");
  const m = await fetch(`${open.base}/metrics`, { method: "OPTIONS" });
  assert.equal(m.status, 204);
  assert.equal(m.headers.get("allow"), "GET, HEAD, OPTIONS");
  // Still 405 for a method the path does not take, with the full Allow list.
  const del = await fetch(`${open.base}/generate`, { method: "DELETE" });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get("allow"), "GET, POST, HEAD, OPTIONS");
  // Unknown paths stay 404 whatever the method.
  assert.equal((await fetch(`${open.base}/nowhere`, { method: "OPTIONS" })).status, 404);
});

test("HEAD answers GET's headers without a body and without generating", async () => {
  const url = `${open.base}/generate?patients=500&seed=7&format=csv`;
  const runs = await metric(open.base, "patientgen_runs_started_total");
  const h = await fetch(url, { method: "HEAD" });
  assert.equal(h.status, 200);
  assert.equal(await h.text(), "");
  assert.equal(await metric(open.base, "patientgen_runs_started_total"), runs, "HEAD started a run");
  const g = await fetch(url);
  const body = await g.arrayBuffer();
  assert.ok(body.byteLength > 1000);
  assert.equal(await metric(open.base, "patientgen_runs_started_total"), runs + 1, "GET started one run");
  for (const name of ["content-type", "content-disposition", "x-patientgen-seed", "x-patientgen-patients", "x-patientgen-range", "access-control-allow-origin"]) {
    assert.equal(h.headers.get(name), g.headers.get(name), name);
  }
  assert.equal(h.headers.get("x-patientgen-patients"), "500");
  // HEAD of a bad request is the same status, no body.
  const bad = await fetch(`${open.base}/generate?format=parquet`, { method: "HEAD" });
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), "");
  const p = await fetch(`${open.base}/presets`, { method: "HEAD" });
  assert.equal(p.status, 200);
  assert.equal(await p.text(), "");
});

test("CORS_ORIGIN list: only a listed Origin is echoed, with Vary: Origin", async () => {
  const a = await fetch(`${listed.base}/health`, { headers: { Origin: "https://b.example" } });
  assert.equal(a.headers.get("access-control-allow-origin"), "https://b.example");
  assert.match(a.headers.get("vary"), /Origin/);
  const x = await fetch(`${listed.base}/health`, { headers: { Origin: "https://evil.example" } });
  assert.equal(x.status, 200);
  assert.equal(x.headers.get("access-control-allow-origin"), null);
  assert.match(x.headers.get("vary"), /Origin/);
  const pre = await fetch(`${listed.base}/generate`, { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), null);
  assert.equal(pre.headers.get("access-control-allow-methods"), null);
  const ok = await fetch(`${listed.base}/generate`, { method: "OPTIONS", headers: { Origin: "https://a.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://a.example");
  assert.equal(ok.headers.get("access-control-allow-methods"), "GET, POST, HEAD, OPTIONS");
});
