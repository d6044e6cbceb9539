// Output options: format, compression, encryption and workers as chosen, the seed of the next run,
// the suggested file name, and the state of the Generate/Cancel controls.

import { $, state } from "./state.js";
import { isObject, rawGet, rawSet } from "./scenario.js";
import { refreshStatus } from "./status.js";
import { checkOptions, contentType, fileName } from "../js/browser.js";

export function outputOptions() {
  const format = $("o-format").value;
  const compression = $("o-compress").value;
  const encrypt = $("o-encrypt").checked;
  const level = Number($("o-level").value) || 6;
  // gzip members and encryption segments are produced in parallel (docs/OUTPUT.md); a zip still
  // needs one worker (its parts' merge is not exported to the page yet).
  const single = compression === "zip";
  const asked = Math.max(1, Math.min(64, Math.floor(Number($("o-workers").value) || 1)));
  return { format, compression, level, encrypt, password: $("o-password").value, workers: single ? 1 : asked, single };
}

export function currentSeed() {
  const s = rawGet(state.obj ?? {}, "seed");
  return s === undefined ? null : String(s);
}

/** The seed of the next run: the scenario's, or the random one an empty seed field stands for. */
export function effectiveSeed() {
  return currentSeed() ?? String(state.pendingSeed);
}

/** The scenario text with the effective seed in it (what Generate will run). */
export function seededText() {
  if (currentSeed() !== null || !isObject(state.obj)) return state.text;
  const obj = structuredClone(state.obj);
  rawSet(obj, "seed", state.pendingSeed);
  return JSON.stringify(obj, null, 2);
}

/**
 * Suggested file name and content type, e.g. patientgen-default-1440-seed42.ndjson: the core's
 * (the same name the edge worker and `Generator.fileName` give).
 */
export function outputName() {
  const o = outputOptions();
  if (!state.resolved) return null;
  const flags = { encrypted: o.encrypt };
  try {
    return {
      name: fileName(state.text, { format: o.format, compression: o.compression, seed: effectiveSeed() }, flags),
      type: contentType(o.format, o.compression, flags),
    };
  } catch {
    return null;
  }
}

/** What is wrong with the encryption password, by the core's rule (undefined when nothing). */
export function passwordProblem(o = outputOptions()) {
  return o.encrypt ? checkOptions({ encryption: { password: o.password } })[0]?.message : undefined;
}

export function updateFileName() {
  const n = outputName();
  $("file-name").textContent = n ? n.name : "—";
}

export function updateRunControls() {
  const o = outputOptions();
  const running = !!state.run;
  const problem = passwordProblem(o);
  const pwBad = problem !== undefined;
  $("o-password-error").textContent = pwBad ? `The password ${problem}.` : "";
  if (pwBad) $("o-password").setAttribute("aria-invalid", "true");
  else $("o-password").removeAttribute("aria-invalid");
  $("generate").disabled = running || !state.module || !state.resolved || pwBad || !!state.starting;
  $("cancel").disabled = !running;
  $("o-workers-hint").textContent = o.single
    ? "zip output: one worker runs the whole job."
    : `${navigator.hardwareConcurrency || 1} cores available.`;
  $("o-level").disabled = running || o.compression === "none";
  for (const id of ["o-format", "o-compress", "o-workers", "o-save", "o-encrypt", "preset", "import-file"]) {
    $(id).disabled = running;
  }
  $("o-password").disabled = running || !o.encrypt;
  refreshStatus();
  // The scenario stays editable while a run is going: the run took its own copy of the text.
  // (Locking the whole form would restyle and relayout ~1,000 elements on the main thread.)
}

export function randomSeed() {
  const w = crypto.getRandomValues(new Uint32Array(2));
  const v = (BigInt(w[0]) << 32n) | BigInt(w[1]);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
