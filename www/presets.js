// Presets, import and export: the preset picker (and its description), the scenario's label in file
// names, importing a scenario file and exporting the editor's text.

import { $, state } from "./state.js";
import { rawGet } from "./scenario.js";
import { selectInEditor } from "./editor.js";
import { setText } from "./form.js";
import { setStatus } from "./status.js";
import { presets as listPresets } from "../js/browser.js";

export function describePreset() {
  const p = state.presets.find((x) => x.id === $("preset").value);
  const custom = scenarioLabel().endsWith("custom");
  let text = p
    ? `${p.description} (${p.total_patients.toLocaleString("en")} patients, ${p.days_of_fighting} days, ${p.warfare_types.join(", ")}, ${p.difficulty})`
    : "The embedded default scenario: 1,440 patients over 8 days; conventional, artillery and drone warfare; three fronts.";
  if (custom) text = `Edited or imported scenario${p ? `, based on “${p.name}”` : ""}: see the form and the JSON below.`;
  $("preset-desc").textContent = text;
}

export function presetChanged() {
  const id = $("preset").value;
  const obj = id ? { preset: id } : {};
  const seed = rawGet(state.obj ?? {}, "seed");
  if (seed !== undefined) obj.seed = seed;
  setText(JSON.stringify(obj, null, 2), true, "form");
  describePreset();
}

export function scenarioLabel() {
  const obj = state.obj ?? {};
  const preset = rawGet(obj, "preset");
  const scenarioKeys = Object.keys(obj).filter((k) => !["seed", "total_patients", "count", "preset"].includes(k));
  if (scenarioKeys.length === 0 && typeof preset === "string") return preset;
  if (scenarioKeys.length === 0) return "default";
  return typeof preset === "string" ? `${preset}-custom` : "custom";
}

export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportConfig() {
  const seed = rawGet(state.obj ?? {}, "seed");
  const name = `patientgen-config-${scenarioLabel()}${seed !== undefined ? `-seed${seed}` : ""}.json`;
  const text = state.text.endsWith("\n") ? state.text : `${state.text}\n`;
  download(new Blob([text], { type: "application/json" }), name);
}

export async function importConfig(file) {
  const text = await file.text();
  setText(text, true, "import");
  setStatus(`Imported ${file.name}.`);
  if (state.errors.length) {
    const first = state.marks?.[0];
    if (first) selectInEditor(first);
    $("json-wrap").scrollIntoView({ block: "nearest" });
  }
}

/** Fills the preset picker with the generator's presets (after the wasm module is loaded). */
export function fillPresets() {
  state.presets = listPresets();
  const sel = $("preset");
  const dflt = document.createElement("option");
  dflt.value = "";
  dflt.textContent = "Default scenario";
  sel.append(dflt);
  for (const p of state.presets) {
    const o = document.createElement("option");
    o.value = p.id;
    o.textContent = p.name;
    sel.append(o);
  }
}
