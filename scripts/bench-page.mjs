// The page's throughput: generates N patients (default 1,000,000) in headless Chromium into OPFS with
// 1 worker and with every core, and prints patients/s and the largest main-thread task.
//   node scripts/bench-page.mjs [--patients N]      (after `npm run build`)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const i = process.argv.indexOf("--patients");
const patients = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
const root = resolve(import.meta.dirname, "..");
const server = await serve({ root, port: 0 });
const profile = mkdtempSync(join(tmpdir(), "patientgen-bench-page-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const cores = await (await context.newPage()).evaluate(() => navigator.hardwareConcurrency);
  for (const workers of [...new Set([1, cores])]) {
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.showSaveFilePicker = async ({ suggestedName }) =>
        (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });
    });
    await page.goto(`http://127.0.0.1:${server.address().port}/www/`);
    await page.waitForFunction(() => document.documentElement.dataset.run === "idle");
    await page.fill("#f-patients", String(patients));
    await page.fill("#f-seed", "1");
    await page.fill("#o-workers", String(workers));
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: "longtask" });
    });
    await page.click("#generate");
    await page.waitForFunction(() => ["done", "error", "cancelled"].includes(document.documentElement.dataset.run), null, {
      timeout: 600_000,
    });
    const run = await page.evaluate(() => window.patientgenPage.lastRun());
    const longest = await page.evaluate(() => window.__longest);
    const name = await page.evaluate(() => window.patientgenPage.fileName());
    await page.evaluate(async (n) => (await navigator.storage.getDirectory()).removeEntry(n).catch(() => {}), name);
    console.log(
      `${workers} worker(s): ${run.patients} patients in ${run.elapsed.toFixed(2)} s = ` +
        `${Math.round(run.patients / run.elapsed).toLocaleString("en")} patients/s; largest main-thread task ${Math.round(longest)} ms`,
    );
    await page.close();
  }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
