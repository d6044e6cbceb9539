// Runs every example of examples/ and checks what it produced against the native CLI: the Node
// script, the CLI recipes, the pandas and DuckDB recipes (a Polish-only CSV keeps every id_number),
// the Cloudflare Worker in workerd, and the Vite page built and loaded in headless Chromium.
// Run by scripts/test.sh after the native release build and the wasm build.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const root = resolve(import.meta.dirname, "../..");
const examples = join(root, "examples");
const native = join(root, "target/release/patientgen");
const sha = (b) => createHash("sha256").update(b).digest("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let work;

before(() => {
  work = mkdtempSync(join(tmpdir(), "pg-examples-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

function nativeBytes(args, scenario) {
  const extra = [];
  if (scenario) {
    const f = join(work, `native-${sha(JSON.stringify(scenario)).slice(0, 8)}.json`);
    writeFileSync(f, JSON.stringify(scenario));
    extra.push("--config", f);
  }
  return execFileSync(native, ["generate", "--progress", "never", ...extra, ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
}

test("node/write-file.mjs writes the native CLI's bytes", () => {
  const out = join(work, "node.ndjson");
  const stdout = execFileSync(process.execPath, [join(examples, "node/write-file.mjs"), out], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(stdout, /wrote 500 patients \(seed 42\)/);
  const want = nativeBytes(["--seed", "42"], { preset: "training_exercise", total_patients: 500, evacuation_capability: "contested" });
  assert.equal(sha(readFileSync(out)), sha(want));
});

let recipes; // output folder of cli/recipes.sh
test("cli/recipes.sh runs every recipe", () => {
  recipes = join(work, "recipes");
  const log = execFileSync("bash", [join(examples, "cli/recipes.sh"), recipes], {
    env: { ...process.env, PATIENTGEN: native },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  assert.match(log, /recipes done/);
  assert.equal(readFileSync(join(recipes, "nato.ndjson"), "utf8").trimEnd().split("\n").length, 1000);
  assert.match(readFileSync(join(recipes, "presets.txt"), "utf8"), /nato_article_5/);
  assert.equal(JSON.parse(readFileSync(join(recipes, "scenario-resolved.json"), "utf8")).total_patients, 300);
  assert.deepEqual(readFileSync(join(recipes, "scenario.schema.json")), execFileSync(native, ["schema"]));
  assert.match(readFileSync(join(recipes, "nato-report.txt"), "utf8"), /KIA/);
  for (const f of ["poland.zip", "cbrn.fhir.ndjson.gz", "urban.csv"]) assert.ok(existsSync(join(recipes, f)), f);
});

/** id_number of every patient of the recipes' Polish-only scenario, from NDJSON (the reference). */
function polishIds() {
  const scenario = JSON.parse(readFileSync(join(recipes, "scenario.json"), "utf8"));
  const lines = nativeBytes(["--seed", "1"], scenario).toString("utf8").trimEnd().split("\n");
  return lines.map((l) => JSON.parse(l).demographics.id_number);
}

function python(script, args) {
  return execFileSync("python3", [script, ...args], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
}

test("python/read_pandas.py: a Polish-only CSV keeps every id_number with the documented dtypes", () => {
  assert.ok(recipes, "the CLI recipes ran first");
  const zip = join(recipes, "poland.zip");
  const out = python(join(examples, "python/read_pandas.py"), [zip]);
  assert.match(out, /^300 patients, \d+ events/);
  const ids = polishIds();
  assert.equal(ids.length, 300);
  const zeros = ids.filter((id) => id.startsWith("0")).length;
  assert.ok(zeros > 0, "the sample has ids with a leading zero (the check can fail)");
  // The recipe's reader, and pandas with the dtype table of docs/FIELDS.md, keep them; inference does not.
  const docs = readFileSync(join(root, "docs/FIELDS.md"), "utf8");
  const dtypes = /DTYPES = (\{[\s\S]*?\n\})/.exec(docs)[1];
  const check = `
import json, sys, zipfile, io
import pandas as pd
sys.path.insert(0, ${JSON.stringify(join(examples, "python"))})
from read_pandas import read_dataset
DTYPES = ${dtypes}
z = zipfile.ZipFile(sys.argv[1])
raw = z.read("patients.csv")
documented = pd.read_csv(io.BytesIO(raw), dtype=DTYPES, keep_default_na=False, na_values=[""],
                         parse_dates=["injury_time", "final_event_time", "birthdate"])
inferred = pd.read_csv(io.BytesIO(raw))
print(json.dumps({
    "recipe": read_dataset(sys.argv[1])["patients"]["id_number"].tolist(),
    "documented": documented["id_number"].tolist(),
    "inferred_dtype": str(inferred["id_number"].dtype),
    "documented_types": {c: str(t) for c, t in documented.dtypes.items()},
}))
`;
  const r = JSON.parse(execFileSync("python3", ["-c", check, zip], { encoding: "utf8", maxBuffer: 1 << 26 }));
  assert.deepEqual(r.recipe, ids);
  assert.deepEqual(r.documented, ids);
  assert.equal(r.inferred_dtype, "int64", "plain inference reads the ids as numbers (what the dtypes prevent)");
  assert.equal(r.documented_types.age, "Int64");
  assert.equal(r.documented_types.injury_time.startsWith("datetime64"), true);
  assert.equal(r.documented_types.mass_casualty, "boolean");
  // The documented table names every patients.csv column but the parsed dates.
  const columns = execFileSync(native, ["schema", "datapackage.json"], { encoding: "utf8" });
  const fields = JSON.parse(columns).resources[0].schema.fields.filter((f) => !["datetime", "date"].includes(f.type));
  assert.deepEqual(Object.keys(r.documented_types).filter((c) => !["injury_time", "final_event_time", "birthdate"].includes(c)).sort(), fields.map((f) => f.name).sort());
});

test("python/read_duckdb.py loads both tables with their types", () => {
  assert.ok(recipes, "the CLI recipes ran first");
  const zip = join(recipes, "poland.zip");
  const out = python(join(examples, "python/read_duckdb.py"), [zip]);
  assert.match(out, /final_status/);
  assert.match(out, /mean_hours_to_arrival/);
  const check = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(examples, "python"))})
import duckdb
from read_duckdb import load
con = duckdb.connect()
load(sys.argv[1], con)
ids = [r[0] for r in con.sql("SELECT id_number FROM patients ORDER BY id").fetchall()]
types = dict(con.sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'patients'").fetchall())
print(json.dumps({"ids": ids, "types": types}))
`;
  const r = JSON.parse(execFileSync("python3", ["-c", check, zip], { encoding: "utf8", maxBuffer: 1 << 26 }));
  assert.deepEqual(r.ids, polishIds());
  assert.equal(r.types.id_number, "VARCHAR");
  assert.equal(r.types.injury_time, "TIMESTAMP");
  assert.equal(r.types.age, "BIGINT");
  assert.equal(r.types.weight, "DOUBLE");
});

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

test("worker/: the Cloudflare Worker runs in workerd with the package as `patientgen`", async () => {
  const toml = readFileSync(join(examples, "worker/wrangler.toml"), "utf8");
  assert.match(toml, /^main = "worker.mjs"$/m);
  const dir = join(work, "workerd");
  mkdirSync(dir);
  const rel = (p) => relative(dir, join(root, p));
  const port = await freePort();
  // The modules as wrangler lays them out: the worker, `patientgen` resolving to the package's
  // workerd entry, and the package files under node_modules/patientgen.
  const pkgFile = (name, path, kind = "esModule") => `(name = "node_modules/patientgen/${name}", ${kind} = embed "${rel(path)}")`;
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "${rel("examples/worker/worker.mjs")}"),
    (name = "patientgen", esModule = "export * from \\"./node_modules/patientgen/js/workerd.js\\";"),
    ${pkgFile("js/workerd.js", "js/workerd.js")},
    ${pkgFile("js/api.js", "js/api.js")},
    ${pkgFile("js/hooks.js", "js/hooks.js")},
    ${pkgFile("js/generator.js", "js/generator.js")},
    ${pkgFile("js/decrypt.js", "js/decrypt.js")},
    ${pkgFile("pkg/patientgen.js", "pkg/patientgen.js")},
    ${pkgFile("pkg/patientgen_bg.wasm", "pkg/patientgen_bg.wasm", "wasm")},
  ],
  compatibilityDate = "${/compatibility_date = "([^"]+)"/.exec(toml)[1]}",
);
`,
  );
  const log = [];
  const proc = spawn(join(root, "node_modules/.bin/workerd"), ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout.on("data", (d) => log.push(String(d)));
  proc.stderr.on("data", (d) => log.push(String(d)));
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15000;
    let r;
    for (;;) {
      assert.equal(proc.exitCode, null, log.join(""));
      try {
        r = await fetch(`${base}/?preset=mass_casualty&patients=250&seed=3`);
        break;
      } catch {
        assert.ok(Date.now() < deadline, `workerd did not answer: ${log.join("")}`);
        await sleep(50);
      }
    }
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-seed"), "3");
    assert.match(r.headers.get("content-disposition"), /filename=/);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(sha(body), sha(nativeBytes(["--preset", "mass_casualty", "--patients", "250", "--seed", "3"])));
    const bad = await fetch(`${base}/?preset=nato`);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).errors[0].path, "preset");
  } finally {
    await new Promise((r) => {
      if (proc.exitCode !== null) return r();
      proc.once("exit", r);
      proc.kill("SIGTERM");
    });
  }
});

test("vite/: the page builds with Vite and generates records in headless Chromium", async () => {
  const dir = join(work, "vite-app");
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const f of ["index.html", "main.js", "vite.config.js"]) cpSync(join(examples, "vite", f), join(dir, f));
  // A project with the package installed: node_modules/patientgen is this repository.
  symlinkSync(root, join(dir, "node_modules/patientgen"));
  symlinkSync(join(root, "node_modules/vite"), join(dir, "node_modules/vite"));
  execFileSync(join(root, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const dist = join(dir, "dist");
  assert.ok(existsSync(join(dist, "index.html")));
  const server = await serve({ root: dist, port: 0 });
  const profile = mkdtempSync(join(tmpdir(), "pg-examples-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await page.click("#run");
    await page.waitForFunction(() => window.patientgenResult || document.getElementById("status").textContent.startsWith("error"), null, { timeout: 60000 });
    const result = await page.evaluate(() => window.patientgenResult);
    assert.ok(result, `${await page.textContent("#status")} ${errors.join("; ")}`);
    assert.equal(result.count, 200);
    assert.equal(result.seed, "1");
    assert.match(result.fileName, /\.ndjson$/);
    assert.equal(result.sha256, sha(nativeBytes(["--preset", "mass_casualty", "--patients", "200", "--seed", "1"])));
    assert.match(await page.textContent("#status"), /generated 200 patients, seed 1/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await new Promise((r) => server.close(r));
    rmSync(profile, { recursive: true, force: true });
  }
});
