// Page run times (headless Chromium, OPFS) per output: `node scripts/bench-page-output.mjs [N] [configs] [reps]`
// (after `npm run build`); configs = JSON list of [compression, workers, encrypt]; prints each run and
// the medians (seconds, the page's own elapsed time of the run). docs/PERFORMANCE.md.
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
const root = resolve(import.meta.dirname, "..");
const N = Number(process.argv[2] ?? 100000);
const configs = JSON.parse(process.argv[3] ?? '[["none",1,false],["none",2,false],["gzip",1,false],["gzip",2,false],["none",2,true],["gzip",2,true]]');
const reps = Number(process.argv[4] ?? 3);
const server = await serve({ root, port: 0 });
const base = `http://127.0.0.1:${server.address().port}/www/`;
const profile = mkdtempSync(join(tmpdir(), "pg-bench-"));
const context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"], viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.addInitScript(() => { window.showSaveFilePicker = async ({ suggestedName }) => (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true }); });
await page.goto(base);
await page.waitForFunction(() => document.documentElement.dataset.run === "idle", null, { timeout: 60000 });
await page.fill("#f-patients", String(N));
await page.fill("#f-seed", "1");
const results = {};
for (let r = 0; r < reps; r++) {
  for (const [c, w, enc] of configs) {
    await page.selectOption("#o-compress", c);
    await page.fill("#o-workers", String(w));
    await page.selectOption("#o-save", "auto");
    if (enc) { await page.check("#o-encrypt"); await page.fill("#o-password", "bench password"); } else await page.uncheck("#o-encrypt");
    await page.evaluate(() => (window.__last = window.patientgenPage.lastRun()));
    await page.click("#generate");
    await page.waitForFunction(() => { const l = window.patientgenPage.lastRun(); return l && l !== window.__last; }, null, { timeout: 600000 });
    const last = await page.evaluate(() => window.patientgenPage.lastRun());
    await page.evaluate(async (n) => { const d = await navigator.storage.getDirectory(); await d.removeEntry(n).catch(() => {}); }, last.name);
    const key = `${c}${enc ? "+enc" : ""}@${w}w`;
    (results[key] ??= []).push(last.elapsed);
    console.log(key, last.how, last.elapsed.toFixed(2));
  }
}
for (const [k, v] of Object.entries(results)) { v.sort((a, b) => a - b); console.log("median", k, v[Math.floor(v.length / 2)].toFixed(2), JSON.stringify(v.map((x) => +x.toFixed(2)))); }
await context.close(); server.close(); rmSync(profile, { recursive: true, force: true });
