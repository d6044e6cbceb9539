// The status line (why Generate is disabled, else the last event), the run state on <html>, and the
// live counters of a run: progress, rate, MB written, elapsed, ETA and the calibration figures.

import { $, state } from "./state.js";
import { outputOptions, passwordProblem } from "./output.js";
import { drawCharts } from "./charts.js";
import { mergeCalibrations, calibrationFigures } from "../js/browser.js";

/** Shows an event (progress, outcome of a run) in the status line, unless Generate is disabled. */
export function setStatus(text, kind) {
  state.message = { text, kind: kind ?? "" };
  refreshStatus();
}

/** Why Generate is disabled (null when it is enabled or a run is going). */
export function disabledReason() {
  if (state.run || state.starting) return null;
  if (!state.module) return null; // the loading message (or the loading error) is shown
  if (!state.resolved) {
    const n = state.errors.length;
    const first = state.errors[0];
    const what = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : "invalid scenario";
    const where = state.source === "form" ? "see the marked fields" : "see the JSON editor";
    return `Generate is disabled: the scenario has ${n === 1 ? "a problem" : `${n} problems`} (${where}) — ${what}${n > 1 ? " …" : ""}`;
  }
  const o = outputOptions();
  const problem = passwordProblem(o);
  if (problem !== undefined) return `Generate is disabled: the encryption password ${problem}.`;
  return null;
}

export function refreshStatus() {
  const reason = disabledReason();
  const s = $("status");
  const text = reason ?? state.message.text;
  const kind = reason ? "error" : state.message.kind;
  if (s.textContent !== text) s.textContent = text;
  if (s.className !== kind) s.className = kind;
}

export function setRunState(name) {
  document.documentElement.dataset.run = name;
}

export const fmtInt = (n) => Math.round(n).toLocaleString("en");
export function fmtDuration(s) {
  if (!Number.isFinite(s)) return "—";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

export const fmtBytes = (n) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

export function showProgress(run, p, total) {
  const elapsed = (performance.now() - run.t0) / 1000;
  const rate = elapsed > 0 ? p.patients / elapsed : 0;
  $("progress").value = Math.min(1, p.patients / total);
  $("s-patients").textContent = `${fmtInt(p.patients)} / ${fmtInt(total)}`;
  $("s-rate").textContent = rate > 0 ? fmtInt(rate) : "—";
  $("s-mb").textContent = (p.bytes / 1e6).toFixed(1);
  $("s-elapsed").textContent = fmtDuration(elapsed);
  $("s-eta").textContent = rate > 0 && p.patients < total ? fmtDuration((total - p.patients) / rate) : p.patients >= total ? "0 s" : "—";
  run.last = p;
  run.rate = rate;
  state.lastCounters = p;
  drawCharts(p);
  showCalibration(p.calibration);
}

/** The figures of the calibration report shown beside the live counters, by id (docs/REPORT.md). */
export const CALIBRATION_SHOWN = [
  ["pct_kia", "%KIA"],
  ["pct_dow", "%DOW"],
  ["cfr", "CFR"],
  ["t1_alive_mtf_within_1h", "T1 at a facility ≤ 1 h"],
  ["t1_surgical_median", "T1 to surgery, median"],
  ["t1_surgical_within_2h", "T1 at surgery ≤ 2 h"],
  ["t1_bypass_role1", "T1 past Role 1"],
];

/** Renders the run's calibration figures (counts from every worker, merged and computed by the core). */
export function showCalibration(counts) {
  const box = $("calibration");
  if (!box) return;
  if (!counts || counts.length === 0) {
    for (const [id] of CALIBRATION_SHOWN) $(`k-${id}`).textContent = "—";
    return;
  }
  let report;
  try {
    report = calibrationFigures(mergeCalibrations(counts));
  } catch {
    return;
  }
  for (const [id] of CALIBRATION_SHOWN) {
    const f = report.figures.find((x) => x.id === id);
    const cell = $(`k-${id}`);
    cell.textContent = f ? f.text : "—";
    cell.title = f ? `${f.definition} (${f.basis})` : "";
  }
}
