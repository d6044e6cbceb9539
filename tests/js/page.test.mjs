// End-to-end tests of the web page (www/, www/README.md) in the system Chromium with playwright-core.
// Run by scripts/test.sh after the native release build and the wasm build (`node --test tests/js/`).
// The page's output is read back from OPFS inside the page and compared by SHA-256 with the native CLI.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let server;
let context;
let profile;
let work;
let base;

before(async () => {
  server = await serve({ root, port: 0 });
  base = `http://127.0.0.1:${server.address().port}/www/`;
  profile = mkdtempSync(join(tmpdir(), "patientgen-chromium-"));
  work = mkdtempSync(join(tmpdir(), "patientgen-page-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
});

after(async () => {
  await context?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** The native CLI's calibration figures (`patientgen report --json`) of a run, by id. */
function nativeFigures(args) {
  const out = execFileSync(native, ["generate", "--progress", "never", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
  const json = execFileSync(native, ["report", "--json", "-"], { input: out, maxBuffer: 1 << 26 });
  return Object.fromEntries(JSON.parse(json).figures.map((f) => [f.id, f.text]));
}

function nativeSha(args) {
  const out = execFileSync(native, ["generate", "--progress", "never", ...args], {
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return sha(out);
}

/** A fresh page whose showSaveFilePicker returns an OPFS handle (headless Chromium's picker always rejects). */
async function openPage({ viewport } = {}) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.showSaveFilePicker = async ({ suggestedName }) => {
      const dir = await navigator.storage.getDirectory();
      return dir.getFileHandle(suggestedName, { create: true });
    };
  });
  await page.goto(base);
  await page.waitForFunction(() => document.documentElement.dataset.run === "idle", null, { timeout: 30_000 });
  return { page, errors };
}

async function setScenario(page, { preset, patients, seed }) {
  if (preset !== undefined) await page.selectOption("#preset", preset);
  if (patients !== undefined) await page.fill("#f-patients", String(patients));
  if (seed !== undefined) await page.fill("#f-seed", String(seed));
}

async function setOutput(page, { format = "ndjson", compression = "none", workers = 1, save = "auto" } = {}) {
  await page.selectOption("#o-format", format);
  await page.selectOption("#o-compress", compression);
  await page.fill("#o-workers", String(workers));
  await page.selectOption("#o-save", save);
}

async function runToEnd(page, { keyboard = false, timeout = 120_000 } = {}) {
  // The run's end is a new lastRun() (the state attribute may still show the previous run's end).
  await page.evaluate(() => (window.__lastRun = window.patientgenPage.lastRun()));
  if (keyboard) {
    await page.focus("#generate");
    await page.keyboard.press("Enter");
  } else {
    await page.click("#generate");
  }
  await page.waitForFunction(
    () => {
      const r = window.patientgenPage.lastRun();
      return r !== null && r !== window.__lastRun;
    },
    null,
    { timeout },
  );
  const state = await page.evaluate(() => document.documentElement.dataset.run);
  const status = await page.locator("#status").textContent();
  assert.equal(state, "done", status);
  return page.evaluate(() => window.patientgenPage.lastRun());
}

/** SHA-256 of an OPFS file, computed in the page; the file is removed afterwards. */
function opfsSha(page, name) {
  return page.evaluate(async (n) => {
    const dir = await navigator.storage.getDirectory();
    const file = await (await dir.getFileHandle(n)).getFile();
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    await dir.removeEntry(n);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }, name);
}

test("the page starts on the default scenario; patients + seed give the CLI's bytes (2 workers)", async () => {
  const { page, errors } = await openPage();
  assert.equal((await page.locator("#json").inputValue()).trim(), "{}");
  assert.equal(await page.inputValue("#f-patients"), "1440");
  assert.equal(await page.inputValue("#f-days"), "8");
  assert.equal(await page.locator("#m-warfare_types-artillery").isChecked(), true);
  assert.equal(await page.inputValue("#fr-0-name"), "Poland");
  // The default model is the clinical one, with modern evacuation; both are form fields.
  assert.equal(await page.inputValue("#f-flow"), "clinical");
  assert.equal(await page.inputValue("#f-evac"), "modern");
  await setScenario(page, { patients: 12345, seed: 42 });
  assert.deepEqual(JSON.parse(await page.locator("#json").inputValue()), { total_patients: 12345, seed: 42 });
  await setOutput(page, { workers: 2 });
  assert.equal(await page.locator("#file-name").textContent(), "patientgen-default-12345-seed42.ndjson");
  const run = await runToEnd(page);
  assert.equal(run.name, "patientgen-default-12345-seed42.ndjson");
  assert.equal(await opfsSha(page, run.name), nativeSha(["--patients", "12345", "--seed", "42"]));
  // The charts and the preview were filled.
  assert.match(await page.locator("#c-days-desc").textContent(), /day 1: \d+/);
  // The calibration figures beside the counters are the core's report of this run (merged over
  // both workers): the native report of the same data prints the same figures.
  const want = nativeFigures(["--patients", "12345", "--seed", "42"]);
  for (const id of ["pct_kia", "pct_dow", "cfr", "t1_alive_mtf_within_1h", "t1_surgical_median", "t1_surgical_within_2h"]) {
    assert.equal((await page.locator(`#k-${id}`).textContent()).trim(), want[id], id);
  }
  assert.match(want.cfr, /^\d+\.\d %$/);
  assert.equal(await page.locator("#preview-table tbody tr").count(), 50);
  await page.locator("#preview-table tbody tr").nth(3).locator("button").click();
  assert.match(await page.locator("#timeline-h").textContent(), /Timeline of patient 3/);
  assert.ok((await page.locator("#timeline .events li").count()) >= 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test("preset + patients + seed, one worker, to OPFS: same SHA-256 as the native CLI", async () => {
  const { page, errors } = await openPage();
  await setScenario(page, { preset: "nato_article_5", patients: 20000, seed: 7 });
  await setOutput(page, { workers: 1 });
  const run = await runToEnd(page);
  assert.equal(run.name, "patientgen-nato_article_5-20000-seed7.ndjson");
  const expected = nativeSha(["--preset", "nato_article_5", "--patients", "20000", "--seed", "7"]);
  assert.equal(await opfsSha(page, run.name), expected);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [format, workers] of [
  ["json", 3],
  ["json-wrapped", 2],
  ["csv", 2],
  ["xml", 4],
  ["fhir-r4", 2],
]) {
  test(`several workers (${workers}) merge their blocks in index order: ${format} equals the CLI`, async () => {
    const { page, errors } = await openPage();
    await setScenario(page, { preset: "urban_assault", patients: 12000, seed: 99 });
    await setOutput(page, { format, workers });
    const run = await runToEnd(page);
    const expected = nativeSha(["--preset", "urban_assault", "--patients", "12000", "--seed", "99", "--format", format]);
    assert.equal(await opfsSha(page, run.name), expected);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("gzip on 1, 2 and 4 workers (started from the keyboard) equals the CLI's gzip, at levels 6 and 1", async () => {
  const { page, errors } = await openPage();
  await setScenario(page, { preset: "peacekeeping", patients: 15000, seed: 3 });
  for (const [level, workers] of [[6, 1], [6, 2], [6, 4], [1, 2]]) {
    await setOutput(page, { compression: "gzip", workers });
    await page.selectOption("#o-level", String(level));
    assert.match(await page.locator("#o-workers-hint").textContent(), /cores available/);
    const run = await runToEnd(page, { keyboard: true });
    assert.equal(run.name, "patientgen-peacekeeping-15000-seed3.ndjson.gz");
    const expected = nativeSha(["--preset", "peacekeeping", "--patients", "15000", "--seed", "3", "--compress", "gzip", "--level", String(level)]);
    assert.equal(await opfsSha(page, run.name), expected, `level ${level}, ${workers} workers`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("encrypted gzip on 2 workers (WebCrypto in the sink) opens in the independent Python decryptor to the CLI's gzip", async () => {
  const { page, errors } = await openPage();
  await setScenario(page, { preset: "peacekeeping", patients: 6000, seed: 9 });
  await setOutput(page, { compression: "gzip", workers: 2 });
  await page.check("#o-encrypt");
  await page.fill("#o-password", "page password 1");
  const run = await runToEnd(page);
  assert.equal(run.name, "patientgen-peacekeeping-6000-seed9.ndjson.gz.pgenc");
  const b64 = await page.evaluate(async (n) => {
    const dir = await navigator.storage.getDirectory();
    const bytes = new Uint8Array(await (await (await dir.getFileHandle(n)).getFile()).arrayBuffer());
    await dir.removeEntry(n);
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, run.name);
  const file = join(work, "page.pgenc");
  writeFileSync(file, Buffer.from(b64, "base64"));
  const py = spawnSync("python3", [join(root, "tests/decrypt_pgenc1.py"), file, `${file}.out`], {
    env: { ...process.env, PATIENTGEN_PASSWORD: "page password 1" },
  });
  assert.equal(py.status, 0, String(py.stderr));
  const expected = nativeSha(["--preset", "peacekeeping", "--patients", "6000", "--seed", "9", "--compress", "gzip"]);
  assert.equal(sha(readFileSync(`${file}.out`)), expected);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a reference configuration file imports into the form and generates the CLI's bytes", async () => {
  const file = join(work, "reference-request.json");
  const config = {
    name: "Exercise Northern Shield",
    description: "Reference generator request with the scenario nested under configuration",
    output_formats: ["json"],
    use_compression: false,
    configuration: {
      count: 3000,
      days_of_fighting: 4,
      base_date: "2025-09-15",
      warfare_types: { conventional: true, artillery: true, urban: false, guerrilla: true },
      intensity: "medium",
      tempo: "escalating",
      special_events: { mass_casualty: true, ambush: false, major_offensive: true },
      environmental_conditions: { rain: true, extreme_weather: false, urban_environment: false },
      injury_distribution: { BATTLE_TRAUMA: 0.6, NON_BATTLE: 0.25, Disease: 0.15 },
      front_configs: [
        {
          id: "north",
          name: "North",
          casualty_rate: 0.7,
          description: "coastal sector",
          nationality_distribution: [
            { nationality_code: "NOR", percentage: 60 },
            { nationality_code: "DNK", percentage: 40 },
          ],
        },
        { id: "south", name: "South", casualty_rate: 0.3, nationality_distribution: [{ nationality_code: "DEU", percentage: 100 }] },
      ],
    },
    seed: 2024,
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  const { page, errors } = await openPage();
  await page.setInputFiles("#import-file", file);
  await page.waitForFunction(() => document.getElementById("f-days").value === "4");
  assert.equal(await page.inputValue("#f-patients"), "3000");
  assert.equal(await page.inputValue("#f-seed"), "2024");
  assert.equal(await page.inputValue("#f-tempo"), "escalating");
  assert.equal(await page.locator("#m-warfare_types-guerrilla").isChecked(), true);
  assert.equal(await page.locator("#m-environmental_conditions-rain").isChecked(), true);
  assert.equal(await page.inputValue("#f-injury-0"), "60");
  assert.equal(await page.inputValue("#fr-1-name"), "South");
  assert.equal(await page.locator("#json-error").textContent(), "");
  await setOutput(page, { workers: 2 });
  const run = await runToEnd(page);
  assert.equal(await opfsSha(page, run.name), nativeSha(["--config", file]));

  // A form edit lands in the nested configuration (a top-level copy would be an error).
  await page.fill("#f-days", "5");
  const edited = JSON.parse(await page.locator("#json").inputValue());
  assert.equal(edited.configuration.days_of_fighting, 5);
  assert.equal(edited.days_of_fighting, undefined);
  assert.equal(await page.locator("#json-error").textContent(), "");
  assert.deepEqual(errors, []);
  await page.close();
});

test("validation errors appear at their fields, unmapped ones at the JSON editor", async () => {
  const { page, errors } = await openPage();
  await page.fill("#f-days", "400");
  await page.locator("#f-days-error").filter({ hasText: "between 1 and 365" }).waitFor();
  assert.match(await page.locator("#f-days-error").textContent(), /days_of_fighting: must be between 1 and 365, got 400/);
  assert.equal(await page.getAttribute("#f-days", "aria-invalid"), "true");
  assert.equal(await page.isDisabled("#generate"), true);
  assert.equal(await page.locator("#json-error").textContent(), "");

  await page.fill("#f-days", "6");
  assert.equal(await page.locator("#f-days-error").textContent(), "");
  assert.equal(await page.isDisabled("#generate"), false);

  // A nation percentage: the error path names front 0, nation 1.
  await page.fill("#fr-0-n1-pct", "-5");
  assert.match(
    await page.locator("#fr-0-n1-error").textContent(),
    /front_configs\[0\]\.nationality_distribution\[1\]\.percentage: /,
  );
  assert.equal(await page.getAttribute("#fr-0-n1-pct", "aria-invalid"), "true");
  await page.fill("#fr-0-n1-pct", "25");

  // No warfare type: the error belongs to the warfare fieldset.
  for (const t of ["conventional", "artillery", "drone"]) await page.uncheck(`#m-warfare_types-${t}`);
  assert.match(await page.locator("#g-warfare-error").textContent(), /at least one warfare type/);
  await page.check("#m-warfare_types-naval");
  assert.equal(await page.locator("#g-warfare-error").textContent(), "");

  // Edits in the JSON editor: an unknown key has no field, so its error shows at the editor.
  await page.fill("#json", '{"days_of_fighting": 3, "warfare_typos": {"urban": true}}');
  await page.locator("#json").blur();
  await page.locator("#json-error").filter({ hasText: "warfare_typos" }).waitFor();
  assert.match(await page.locator("#json-error").textContent(), /did you mean "warfare_types"/);
  assert.equal(await page.inputValue("#f-days"), "3");
  await page.fill("#json", '{"days_of_fighting": 0}');
  await page.locator("#json").blur();
  await page.locator("#f-days-error").filter({ hasText: "between 1 and 365" }).waitFor();
  assert.equal(await page.inputValue("#f-days"), "0");
  await page.fill("#json", '{"days_of_fighting": 3,');
  await page.locator("#json").blur();
  await page.locator("#json-error").filter({ hasText: "invalid JSON" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("cancel mid-run: the run stops, the page says cancelled, the ETA is cleared, every worker is gone", async () => {
  const { page, errors } = await openPage();
  await setScenario(page, { preset: "nato_article_5", patients: 1000000, seed: 42 });
  await setOutput(page, { workers: 2 });
  await page.click("#generate");
  await page.waitForFunction(() => {
    const t = document.getElementById("s-patients").textContent;
    return Number(t.split("/")[0].replace(/,/g, "")) >= 60000;
  }, null, { timeout: 60_000 });
  assert.notEqual(await page.locator("#s-eta").textContent(), "—");
  assert.equal(await page.evaluate(() => window.patientgenPage.activeWorkers()), 3);
  await page.click("#cancel");
  await page.waitForFunction(() => document.documentElement.dataset.run === "cancelled", null, { timeout: 5000 });
  assert.match(await page.locator("#status").textContent(), /Cancelled after [\d,]+ of 1,000,000 patients; the file .* was left empty/);
  assert.equal(await page.locator("#s-eta").textContent(), "—");
  assert.equal(await page.evaluate(() => window.patientgenPage.activeWorkers()), 0);
  const stopped = await page.locator("#s-patients").textContent();
  await page.waitForTimeout(500);
  assert.equal(await page.locator("#s-patients").textContent(), stopped, "no progress after the cancel");
  const last = await page.evaluate(() => window.patientgenPage.lastRun());
  assert.ok(last.patients < 1000000);
  // The partial output was discarded (the picker's file is left empty) and the controls work again.
  const size = await page.evaluate(async (n) => {
    const dir = await navigator.storage.getDirectory();
    const handle = await dir.getFileHandle(n).catch(() => null);
    const bytes = handle ? (await handle.getFile()).size : 0;
    if (handle) await dir.removeEntry(n);
    return bytes;
  }, last.name);
  assert.equal(size, 0, "partial output left in the file");
  assert.equal(await page.isDisabled("#generate"), false);
  assert.equal(await page.isDisabled("#cancel"), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the main thread has no long task (> 50 ms) during a 200,000-patient run on every core", async (t) => {
  const { page, errors } = await openPage();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await setOutput(page, { workers: cores });
  // A long task is wall time: on a machine loaded by other processes the main thread can be
  // descheduled for > 50 ms while doing < 5 ms of work (seen in traces). So the run is repeated
  // (up to 5 times, other seeds) and the test needs one run without any long task.
  const attempts = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await setScenario(page, { patients: 200000, seed: 11 + attempt });
    await page.locator("#preview-table tbody tr").nth(49).waitFor();
    await page.evaluate(() => {
      window.__longTasks = [];
      window.__maxGap = 0;
      window.__observer?.disconnect();
      window.__observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
      });
      // buffered: true also delivers the tasks of the page load; they are dropped below, only
      // tasks during generation count.
      window.__observer.observe({ type: "longtask", buffered: true });
      // A 10 ms ticker: its largest lateness is the largest task the main thread ran.
      let last = performance.now();
      clearInterval(window.__ticker);
      window.__ticker = setInterval(() => {
        const now = performance.now();
        window.__maxGap = Math.max(window.__maxGap, now - last - 10);
        last = now;
      }, 10);
    });
    await new Promise((r) => setTimeout(r, 50));
    await page.evaluate(() => {
      window.__longTasks.length = 0;
      window.__maxGap = 0;
    });
    const run = await runToEnd(page);
    const { longTasks, maxGap } = await page.evaluate(() => {
      clearInterval(window.__ticker);
      return { longTasks: window.__longTasks, maxGap: window.__maxGap };
    });
    await page.evaluate(async (n) => (await navigator.storage.getDirectory()).removeEntry(n), run.name);
    attempts.push({ rate: Math.round(run.patients / run.elapsed), longTasks, maxGap: Math.round(maxGap) });
    if (longTasks.length === 0) break;
  }
  t.diagnostic(
    `200,000 patients with ${cores} workers, load average ${os.loadavg()[0].toFixed(1)}: ` +
      attempts.map((a) => `${a.rate} patients/s, long tasks ${JSON.stringify(a.longTasks)}, largest ticker delay ${a.maxGap} ms`).join("; "),
  );
  assert.deepEqual(attempts.at(-1).longTasks, [], "long tasks during generation");
  assert.deepEqual(errors, []);
  await page.close();
});

test("phone width (375 px): no horizontal scrolling, every control reachable", async () => {
  const { page, errors } = await openPage({ viewport: { width: 375, height: 800 } });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `page is ${width}px wide`);
  for (const id of ["#preset", "#f-patients", "#f-seed", "#json", "#o-format", "#generate"]) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375.5, `${id} is outside the viewport: ${JSON.stringify(box)}`);
  }
  // Every input and select has a label.
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
      .map((el) => el.id),
  );
  assert.deepEqual(unlabeled, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("in the browser, an invalid config throws a ConfigError listing paths (package API)", async () => {
  const { page, errors } = await openPage();
  const result = await page.evaluate(async () => {
    const pg = await import("../js/browser.js");
    await pg.default();
    try {
      new pg.Generator({ days_of_fighting: 400, warfare_types: { artilery: true } });
      return { thrown: false };
    } catch (e) {
      return { thrown: true, name: e.name, isConfigError: e instanceof pg.ConfigError, errors: e.errors };
    }
  });
  assert.equal(result.thrown, true);
  assert.equal(result.name, "ConfigError");
  assert.equal(result.isConfigError, true);
  assert.deepEqual(
    result.errors.map((e) => e.path),
    ["days_of_fighting", "warfare_types.artilery"],
  );
  assert.match(result.errors[1].message, /did you mean "artillery"/);
  assert.deepEqual(errors, []);
  await page.close();
});

// The invalid inputs of issue 14 item 3: errors inside front_configs, and a typo in a map key.
const INVALID = [
  {
    what: "a negative casualty_rate",
    json: '{"front_configs": [{"name": "A", "casualty_rate": -1, "nationality_distribution": [{"nationality_code": "USA", "percentage": 100}]}]}',
    path: "front_configs[0].casualty_rate",
    marked: '"casualty_rate": -1',
    field: "#fr-0-rate-error",
  },
  {
    what: 'nation "XXX"',
    json: '{"front_configs": [{"name": "A", "casualty_rate": 1, "nationality_distribution": [{"nationality_code": "XXX", "percentage": 100}]}]}',
    path: "front_configs[0].nationality_distribution[0].nationality_code",
    marked: '"nationality_code": "XXX"',
    field: "#fr-0-n0-error",
  },
  {
    what: "a distribution given as an object",
    json: '{"front_configs": [{"name": "A", "casualty_rate": 1, "nationality_distribution": {"USA": 100}}]}',
    path: "front_configs[0].nationality_distribution",
    marked: '"nationality_distribution": {"USA": 100}',
    field: "#fr-0-nat-error",
  },
  {
    what: "warfare_types.artilery",
    json: '{"warfare_types": {"artilery": true}}',
    path: "warfare_types.artilery",
    marked: '"artilery": true',
    field: "#g-warfare-error",
  },
];

async function assertShownAtEditor(page, c, how) {
  await page.locator("#json-error").filter({ hasText: c.path }).waitFor({ timeout: 5000 });
  const editor = await page.locator("#json-error").textContent();
  assert.match(editor, new RegExp(`Line 1 — ${c.path.replace(/[[\].]/g, "\\$&")}: `), `${how}, ${c.what}: ${editor}`);
  assert.deepEqual(await page.locator("#json-marks mark").allTextContents(), [c.marked], `${how}, ${c.what}: marked text`);
  assert.equal(await page.getAttribute("#json", "aria-invalid"), "true");
  const status = await page.locator("#status").textContent();
  assert.match(status, /^Generate is disabled: the scenario has a problem \(see the JSON editor\) — /, `${how}, ${c.what}`);
  assert.ok(status.includes(c.path), `${how}, ${c.what}: the status line does not name ${c.path}: ${status}`);
  assert.equal(await page.isDisabled("#generate"), true);
  // The form shows it too, at the field (the fronts are rebuilt from the text, errors included).
  assert.ok((await page.locator(c.field).textContent()).includes(c.path), `${how}, ${c.what}: not at ${c.field}`);
  // The editor's error names its line; selecting it selects the marked text.
  await page.locator("#json-error button").first().click();
  const selected = await page.evaluate(() => {
    const ta = document.getElementById("json");
    return ta.value.slice(ta.selectionStart, ta.selectionEnd);
  });
  assert.equal(selected, c.marked);
}

test("errors typed in the JSON editor or imported: marked in the editor, named in the status line", async () => {
  const { page, errors } = await openPage();
  for (const [k, c] of INVALID.entries()) {
    await page.fill("#json", c.json);
    await page.locator("#json").blur();
    await assertShownAtEditor(page, c, "typed");
    // Fixed: the status line is back to an event, Generate is enabled.
    await page.fill("#json", "{}");
    await page.locator("#json").blur();
    await page.waitForFunction(() => !document.getElementById("generate").disabled);
    assert.doesNotMatch(await page.locator("#status").textContent(), /disabled/);
    assert.equal(await page.locator("#json-marks mark").count(), 0);

    const file = join(work, `invalid-${k}.json`);
    writeFileSync(file, c.json);
    await page.setInputFiles("#import-file", file);
    await assertShownAtEditor(page, c, "imported");
  }
  // A JSON syntax error: its line is marked.
  await page.fill("#json", '{\n  "seed": 1,\n  "days_of_fighting": 3 x\n}');
  await page.locator("#json").blur();
  await page.locator("#json-error").filter({ hasText: "invalid JSON" }).waitFor();
  assert.match(await page.locator("#json-error").textContent(), /^Line 3 — invalid JSON/);
  assert.equal((await page.locator("#json-marks mark").allTextContents()).length, 1);
  assert.match(await page.locator("#status").textContent(), /Generate is disabled: .*invalid JSON/);
  // The password: the status line says why Generate is disabled.
  await page.fill("#json", "{}");
  await page.locator("#json").blur();
  await page.check("#o-encrypt");
  assert.equal(await page.locator("#status").textContent(), "Generate is disabled: the encryption password needs at least 8 characters.");
  await page.fill("#o-password", "long enough");
  assert.doesNotMatch(await page.locator("#status").textContent(), /disabled/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("first load: the preview and the file name use a drawn seed, which Generate writes into the scenario", async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.locator('label:has(#m-warfare_types-cbrn)').textContent(), " CBRN");
  await page.locator("#preview-table tbody tr").nth(49).waitFor();
  assert.equal(await page.inputValue("#f-seed"), "");
  const name = await page.locator("#file-name").textContent();
  const m = /^patientgen-default-1440-seed(\d+)\.ndjson$/.exec(name);
  assert.ok(m, `file name ${name}`);
  assert.match(await page.locator("#preview-note").textContent(), new RegExp(`seed ${m[1]} \\(drawn at random`));
  await setOutput(page, { workers: 2, save: "opfs" });
  const run = await runToEnd(page);
  assert.equal(run.name, name);
  assert.equal(await page.inputValue("#f-seed"), m[1]);
  assert.equal(String(JSON.parse(await page.locator("#json").inputValue()).seed), m[1]);
  assert.equal(await opfsSha(page, run.name), nativeSha(["--seed", m[1]]));
  assert.deepEqual(errors, []);
  await page.close();
});
