// The patientgen web page (www/README.md): scenario form + JSON editor, generation in Web Workers,
// live counters and charts, a preview of the first patients. Plain ES modules, no build step.
// This entry loads the generator and wires the modules together:
//   state.js     the element lookup, the shared state, the worker script's URL
//   scenario.js  the scenario's vocabulary and raw (alias-aware) key access
//   editor.js    the JSON editor: validation, errors at their fields and marked in the text
//   form.js      the scenario form ↔ the scenario's JSON
//   fronts.js    the fronts editor
//   presets.js   the preset picker, import, export
//   output.js    output options, the next run's seed, the file name, the Generate/Cancel controls
//   preview.js   the first patients and the selected one's timeline (the preview worker)
//   charts.js    the live charts (plain canvas)
//   status.js    the status line and the live counters
//   run.js       a run: save target (picker, OPFS, Blob), the worker pool, cancel, the result
//   storage.js   expected size, the browser's storage estimate, persistent storage
import init from "../js/browser.js";
import { drawCharts, emptyCounters, observeCharts } from "./charts.js";
import { wireEditor } from "./editor.js";
import { buildForm, setText } from "./form.js";
import { addFront } from "./fronts.js";
import { exportConfig, fillPresets, importConfig, presetChanged } from "./presets.js";
import { outputName, randomSeed, updateFileName, updateRunControls } from "./output.js";
import { requestPreview, startPreview } from "./preview.js";
import { cancel, generate } from "./run.js";
import { $, state } from "./state.js";
import { setRunState, setStatus } from "./status.js";
import { scheduleStorageLine } from "./storage.js";

function buildStaticForm() {
  buildForm();
  $("output-form").addEventListener("submit", (e) => {
    e.preventDefault();
    generate();
  });
  $("add-front").addEventListener("click", addFront);
  wireEditor();

  $("preset").addEventListener("change", presetChanged);
  $("import-file").addEventListener("change", async (e) => {
    const f = e.target.files?.[0];
    if (f) await importConfig(f);
    e.target.value = "";
  });
  $("export-config").addEventListener("click", exportConfig);

  $("o-workers").value = String(navigator.hardwareConcurrency || 1);
  for (const id of ["o-format", "o-compress", "o-workers", "o-encrypt", "o-password", "o-save"]) {
    $(id).addEventListener("input", () => {
      updateRunControls();
      updateFileName();
      if (id === "o-format") requestPreview(); // measures the new format's size
      if (id !== "o-password") scheduleStorageLine();
    });
  }
  $("cancel").addEventListener("click", cancel);
  // Narrow screens: the action bar is fixed at the bottom; the page keeps room for it below.
  new ResizeObserver(() => {
    const bar = $("actionbar");
    const fixed = getComputedStyle(bar).position === "fixed";
    document.body.style.setProperty("--bar-space", fixed ? `${Math.ceil(bar.offsetHeight) + 8}px` : "0px");
  }).observe($("actionbar"));
  observeCharts();
}

async function compileModule() {
  const url = new URL("../pkg/patientgen_bg.wasm", import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url.pathname}: HTTP ${res.status} (run \`npm start\` to build pkg/)`);
  if (typeof WebAssembly.compileStreaming === "function" && res.headers.get("content-type")?.startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer()); // a server without the wasm MIME type
}

async function start() {
  buildStaticForm();
  try {
    state.module = await compileModule();
    await init(state.module);
  } catch (e) {
    setStatus(`The generator could not be loaded: ${e?.message ?? e}`, "error");
    setRunState("error");
    return;
  }
  fillPresets();
  startPreview(state.module);
  state.pendingSeed = randomSeed();
  setText("{}", true, "form");
  drawCharts(emptyCounters());
  setStatus("Ready. Choose a scenario and press Generate.");
  setRunState("idle");
  updateRunControls();
}

/** Hooks for the end-to-end tests and the curious: live worker count and the last run. */
window.patientgenPage = {
  activeWorkers: () => (state.run ? state.run.shards.length + (state.run.sink ? 1 : 0) : 0),
  lastRun: () => state.lastRun ?? null,
  fileName: () => outputName()?.name ?? null,
  // Whether persistent storage was asked for (before a large run into browser storage) and granted.
  persistence: () => ({ asked: !!state.persistAsked, persisted: state.persisted ?? null }),
};

start();
