// Generates a dataset in the browser with the npm package, bundled by Vite (`npx vite build`).
// `init()` fetches the .wasm, which Vite emits as an asset next to the bundle.
import init, { Generator } from "patientgen";

const $ = (id) => document.getElementById(id);

async function run() {
  await init();
  const gen = new Generator({ preset: "mass_casualty" }, { patients: 200, seed: 1, format: "ndjson" });
  const parts = [];
  for await (const chunk of gen) parts.push(chunk);
  const blob = new Blob(parts, { type: gen.contentType });
  const text = await blob.text();
  const records = text.trimEnd().split("\n").map((line) => JSON.parse(line));
  const link = $("download");
  link.href = URL.createObjectURL(blob);
  link.download = gen.fileName;
  link.hidden = false;
  $("preview").textContent = records.slice(0, 3).map((r) => `${r.id} ${r.nationality} ${r.triage_category} ${r.final_status}`).join("\n");
  $("status").textContent = `generated ${records.length} patients, seed ${gen.seed}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  window.patientgenResult = { count: records.length, seed: gen.seed, bytes: blob.size, sha256, fileName: gen.fileName };
}

$("run").addEventListener("click", () => run().catch((e) => ($("status").textContent = `error: ${e.message}`)));
