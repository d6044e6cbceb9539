// The web page as users' browsers run it, not as a default test profile does (issue: high-DPI
// screens, private windows): off-the-record Chromium contexts (`browser.newContext()`, like
// Incognito) at device pixel ratios 1, 2 and 3, phone and desktop widths, and a real storage quota
// smaller than the output (set with the browser's own DevTools command
// Storage.overrideQuotaForOrigin; the storage APIs are not mocked). Screenshots at DPR 2 go to
// docs/screenshots.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const shots = join(root, "docs/screenshots");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// The charts' designed CSS heights (www/styles.css).
const CHART_HEIGHTS = { "c-days": 150, "c-triage": 120, "c-outcomes": 120 };

let server;
let browser;
let base;
let origin;

before(async () => {
  server = await serve({ root, port: 0 });
  origin = `http://127.0.0.1:${server.address().port}`;
  base = `${origin}/www/`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");
const nativeSha = (args) =>
  sha(execFileSync(native, ["generate", "--progress", "never", ...args], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] }));

/** An off-the-record context (its own, fresh) and a page of it, loaded and idle. */
async function openPage({ dpr = 1, width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ deviceScaleFactor: dpr, viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForFunction(() => document.documentElement.dataset.run === "idle", null, { timeout: 30_000 });
  return { context, page, errors };
}

/** Document height and, per chart, its CSS height and bitmap size. */
function measure(page) {
  return page.evaluate((ids) => {
    const charts = {};
    for (const id of ids) {
      const c = document.getElementById(id);
      charts[id] = { css: c.getBoundingClientRect().height, bitmapH: c.height, bitmapW: c.width, cssW: c.getBoundingClientRect().width };
    }
    return { docHeight: document.documentElement.scrollHeight, dpr: window.devicePixelRatio, charts };
  }, Object.keys(CHART_HEIGHTS));
}

function assertBounded(m, { width, dpr }, when) {
  const limit = width >= 1000 ? 10_000 : 20_000;
  assert.ok(m.docHeight < limit, `${when}, ${width} px at DPR ${dpr}: the document is ${m.docHeight} px high`);
  assert.equal(m.dpr, dpr);
  for (const [id, h] of Object.entries(CHART_HEIGHTS)) {
    const c = m.charts[id];
    assert.equal(c.css, h, `${when}, ${width} px at DPR ${dpr}: #${id} is ${c.css} px high (CSS), designed ${h}`);
    assert.equal(c.bitmapH, Math.round(h * dpr), `${when}: #${id} bitmap height`);
    assert.ok(Math.abs(c.bitmapW - c.cssW * dpr) <= dpr + 1, `${when}: #${id} bitmap width ${c.bitmapW} for ${c.cssW} CSS px`);
  }
}

/**
 * A screenshot of the whole page (or, on a phone, of the screen). The viewport is made as tall as
 * the page for it: sections with `content-visibility: auto` are painted only near the viewport.
 */
async function shoot(page, name, { width, phone }) {
  mkdirSync(shots, { recursive: true });
  if (phone) {
    await page.screenshot({ path: join(shots, name) });
    return;
  }
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, name) });
  await page.setViewportSize({ width, height: 800 });
}

const patientsShown = (page) =>
  page.evaluate(() => Number(document.getElementById("s-patients").textContent.split("/")[0].replace(/,/g, "")));

for (const dpr of [1, 2, 3]) {
  for (const width of [1280, 390]) {
    test(`DPR ${dpr}, ${width} px wide: bounded page and charts at their CSS size before, during and after a run, and on resize`, async () => {
      const { context, page, errors } = await openPage({ dpr, width });
      const shots2 = dpr === 2;
      const phone = width < 1000;
      // The bug grew the page within half a second of the first ResizeObserver callbacks.
      await page.waitForTimeout(700);
      assertBounded(await measure(page), { width, dpr }, "before");
      // The first patients are shown on first load (a random seed stands for the empty seed field).
      await page.locator("#preview-table tbody tr").nth(49).waitFor();
      if (phone) {
        // The action bar (Generate, Cancel, progress, status) is on screen without scrolling.
        const box = await page.locator("#generate").boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= 800, `Generate at ${JSON.stringify(box)}`);
      }
      if (shots2) await shoot(page, phone ? "phone-idle.png" : "idle.png", { width, phone });

      await page.fill("#f-patients", "300000");
      await page.fill("#f-seed", String(40 + dpr));
      await page.selectOption("#o-save", "opfs");
      await page.fill("#o-workers", "2");
      await page.click("#generate");
      await page.waitForFunction(() => {
        const t = document.getElementById("s-patients").textContent;
        return Number(t.split("/")[0].replace(/,/g, "")) >= 20000;
      }, null, { timeout: 60_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.run), "running");
      assertBounded(await measure(page), { width, dpr }, "during");
      if (shots2) {
        if (phone) await page.evaluate(() => window.scrollTo(0, 1500)); // mid-form: the bar stays in view
        await shoot(page, phone ? "phone-running.png" : "running.png", { width, phone });
      }
      if (phone) {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        const box = await page.locator("#cancel").boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= 800, `Cancel at ${JSON.stringify(box)} after scrolling`);
      }
      // Resize while it runs: narrower and back.
      await page.setViewportSize({ width: phone ? 700 : 900, height: 800 });
      await page.waitForTimeout(300);
      assertBounded(await measure(page), { width: phone ? 700 : 900, dpr }, "after a resize during the run");
      await page.setViewportSize({ width, height: 800 });
      await page.waitForTimeout(300);
      assertBounded(await measure(page), { width, dpr }, "after resizing back");

      await page.waitForFunction(() => document.documentElement.dataset.run !== "running", null, { timeout: 180_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.run), "done", await page.locator("#status").textContent());
      await page.waitForTimeout(500);
      assertBounded(await measure(page), { width, dpr }, "after");
      assert.equal(await patientsShown(page), 300000);
      // About 890 MB into browser storage: persistent storage was asked for first.
      assert.equal((await page.evaluate(() => window.patientgenPage.persistence())).asked, true);
      if (shots2 && !phone) await shoot(page, "done.png", { width, phone });
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}

/** Presses Generate and waits for that run's end (done, error or cancelled). */
async function runOnce(page) {
  await page.evaluate(() => (window.__lastRun = window.patientgenPage.lastRun()));
  await page.click("#generate");
  await page.waitForFunction(() => {
    const r = window.patientgenPage.lastRun();
    return r !== null && r !== window.__lastRun;
  }, null, { timeout: 60_000 });
}

/** Limits this origin's storage quota in the context of `page` (Chromium's own quota mechanism). */
async function limitQuota(context, page, bytes) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: bytes });
  return cdp;
}

test("off the record, a quota smaller than the output: the run stops with the shortfall, no Done, no link", async (t) => {
  const { context, page, errors } = await openPage({ dpr: 2 });
  const cdp = await limitQuota(context, page, 12e6);
  await page.fill("#f-patients", "20000");
  await page.fill("#f-seed", "5");
  await page.selectOption("#o-save", "opfs");
  await page.fill("#o-workers", "2");
  // Before the run the page shows the browser's estimate and the expected size. (Chromium's
  // estimate() does not report the overridden quota; the quota is enforced all the same.)
  await page.locator("#storage-line").filter({ hasText: /^Browser storage: .*this file: about [\d.]+ MB\.$/ }).waitFor({ timeout: 10_000 });
  const line = await page.locator("#storage-line").textContent();
  const est = /^Browser storage: about [\d.]+ [MG]B free for this page \(quota [\d.]+ [MG]B, [\d.]+ [MG]B in use\); this file: about ([\d.]+) MB\.$/.exec(line);
  assert.ok(est, line);
  // The estimate (bytes per patient measured on 400 patients) is within 15 % of the real size.
  const real = execFileSync(native, ["generate", "--progress", "never", "--patients", "20000", "--seed", "5"], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] }).length;
  t.diagnostic(`size estimate ${est[1]} MB, real ${(real / 1e6).toFixed(1)} MB`);
  assert.ok(Math.abs(Number(est[1]) * 1e6 - real) / real < 0.15, `estimate ${est[1]} MB, real ${(real / 1e6).toFixed(1)} MB`);
  await runOnce(page);
  const status = await page.locator("#status").textContent();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.run), "error", status);
  assert.doesNotMatch(status, /Done/);
  // What was written, what the file needs, the shortfall, what to do.
  assert.match(status, /Browser storage is full: [\d.]+ MB of about [\d.]+ MB were written \([\d,]+ of 20,000 patients\)/);
  const m = /The file needs about ([\d.]+) MB: ([\d.]+) MB more than the browser accepted/.exec(status);
  assert.ok(m, status);
  const written = Number(/full: ([\d.]+) MB of about/.exec(status)[1]);
  assert.ok(written <= 12.0 && written > 8, `written ${written} MB with a 12 MB quota`);
  assert.ok(Math.abs(Number(m[1]) - written - Number(m[2])) <= 0.11, "needed = written + shortfall");
  assert.match(status, /a file I choose/);
  assert.match(status, /The partial file was removed from browser storage/);
  assert.equal(await page.locator("#result a").count(), 0, "a download link after a failed run");
  assert.equal(await page.locator("#s-eta").textContent(), "—");
  const name = await page.evaluate(() => window.patientgenPage.lastRun().name);
  const left = await page.evaluate(async (n) => {
    const dir = await navigator.storage.getDirectory();
    return (await dir.getFileHandle(n).catch(() => null)) !== null;
  }, name);
  assert.equal(left, false, "the partial file is still in browser storage");
  await shoot(page, "storage-full.png", { width: 1280, phone: false });

  // With enough quota the same run completes and the file is the CLI's.
  await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: 500e6 });
  await runOnce(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.run), "done", await page.locator("#status").textContent());
  const link = page.locator("#result a#download");
  assert.match(await link.textContent(), /Download patientgen-default-20000-seed5\.ndjson/);
  const digest = await page.evaluate(async (href) => {
    const buf = await (await fetch(href)).arrayBuffer();
    const d = await crypto.subtle.digest("SHA-256", buf);
    return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }, await link.getAttribute("href"));
  assert.equal(digest, nativeSha(["--patients", "20000", "--seed", "5"]));
  assert.deepEqual(errors, []);
  await context.close();
});

test("DPR 2 screenshot of an error typed in the JSON editor: the text is marked, the status line says why", async () => {
  const { context, page, errors } = await openPage({ dpr: 2 });
  const json = {
    total_patients: 5000,
    seed: 7,
    front_configs: [
      { name: "North", casualty_rate: 0.7, nationality_distribution: [{ nationality_code: "NOR", percentage: 100 }] },
      { name: "South", casualty_rate: -0.3, nationality_distribution: [{ nationality_code: "XXX", percentage: 100 }] },
    ],
  };
  await page.fill("#json", JSON.stringify(json, null, 2));
  await page.locator("#json").blur();
  await page.locator("#json-error li").nth(1).waitFor();
  assert.deepEqual(await page.locator("#json-marks mark").allTextContents(), ['"casualty_rate": -0.3', '"nationality_code": "XXX"']);
  // The marks sit exactly under their text: the backdrop and the textarea lay out alike.
  const aligned = await page.evaluate(() => {
    const ta = document.getElementById("json");
    const mark = document.querySelector("#json-marks mark");
    const line = ta.value.slice(0, ta.value.indexOf('"casualty_rate": -0.3')).split("\n").length - 1;
    const lh = parseFloat(getComputedStyle(ta).lineHeight);
    const top = ta.getBoundingClientRect().top + ta.clientTop + parseFloat(getComputedStyle(ta).paddingTop) - ta.scrollTop;
    return { markTop: mark.getBoundingClientRect().top, expected: top + line * lh, lh };
  });
  assert.ok(Math.abs(aligned.markTop - aligned.expected) < aligned.lh / 2, JSON.stringify(aligned));
  assert.match(await page.locator("#status").textContent(), /^Generate is disabled: the scenario has 2 problems \(see the JSON editor\)/);
  await page.locator("#json-wrap").scrollIntoViewIfNeeded();
  mkdirSync(shots, { recursive: true });
  await page.locator("#json-wrap").screenshot({ path: join(shots, "editor-errors.png") });
  assert.deepEqual(errors, []);
  await context.close();
});
