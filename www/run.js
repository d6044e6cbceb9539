// A run: where the output goes (file picker, OPFS or an in-memory Blob), the worker pool (one sink
// worker, shard workers with credits), cancel, the check of the saved size, and the result link.

import { $, state, workerUrl } from "./state.js";
import { rawSet } from "./scenario.js";
import { setText } from "./form.js";
import { outputOptions, currentSeed, outputName, updateRunControls, randomSeed, passwordProblem } from "./output.js";
import { requestPreview } from "./preview.js";
import { setStatus, setRunState, fmtInt, fmtDuration, fmtBytes, showProgress } from "./status.js";
import { expectedBytes, updateStorageLine, askPersistence } from "./storage.js";
import { drawCharts } from "./charts.js";

export const UNCOMPRESSED_CHUNK_BYTES = 2 << 20; // per chunk of a shard worker
export const SHARD_CREDITS = 8; // chunks a shard worker may hold ahead of the writer
// With gzip most chunks carry a few bytes (a member is emitted at each 1,000-patient block end), so
// a worker may run further ahead at the same memory: a whole 4,000-patient range, FHIR included.
export const COMPRESSED_SHARD_CREDITS = 64;

// Runs whose output is expected above this size ask for persistent storage first (browser storage
// that is not persistent may be evicted under storage pressure).
export const PERSIST_ABOVE_BYTES = 100e6;

export async function chooseTarget(name, type, mode) {
  const extension = `.${name.split(".").pop()}`;
  if ((mode === "auto" || mode === "picker") && typeof window.showSaveFilePicker === "function") {
    const mime = type.split(";")[0].trim();
    try {
      const handle = await window.showSaveFilePicker({
        suggestedName: name,
        types: [{ description: "patientgen output", accept: { [mime]: [extension] } }],
      });
      return { kind: "handle", handle, name: handle.name ?? name };
    } catch (e) {
      if (e?.name === "AbortError") throw e; // the user closed the picker
      if (mode === "picker") throw e;
      // Not allowed here (e.g. no user activation, or an embedded frame): fall back to OPFS.
    }
  }
  if (mode !== "blob" && navigator.storage && typeof navigator.storage.getDirectory === "function") {
    return { kind: "opfs", name };
  }
  return { kind: "blob", name, contentType: type };
}

export function clearResult() {
  for (const u of state.urls) URL.revokeObjectURL(u);
  state.urls = [];
  $("result").replaceChildren();
}

export async function generate() {
  if (state.run || state.starting || !state.resolved) return;
  state.starting = true;
  updateRunControls();
  try {
    await startRun();
  } finally {
    state.starting = false;
    updateRunControls();
  }
}

export async function startRun() {
  const o = outputOptions();
  if (passwordProblem(o) !== undefined) return;
  if (currentSeed() === null) {
    // The random seed shown in the file name and the preview becomes part of the scenario.
    const obj = state.obj ?? {};
    rawSet(obj, "seed", state.pendingSeed);
    state.pendingSeed = randomSeed();
    setText(JSON.stringify(obj, null, 2), true, "form");
    if (!state.resolved) return;
  }
  const out = outputName();
  if (!out) return;
  const total = state.resolved.total_patients;
  const days = state.resolved.days_of_fighting;
  clearResult();
  let target;
  try {
    target = await chooseTarget(out.name, out.type, $("o-save").value);
  } catch (e) {
    setStatus(e?.name === "AbortError" ? "Save cancelled: nothing was generated." : `Cannot save: ${e?.message ?? e}`, "warn");
    return;
  }

  let storageNote = "";
  if (target.kind === "opfs") {
    // The size estimate of this very scenario and format (the preview worker measures it).
    clearTimeout(state.previewTimer);
    requestPreview();
    for (let i = 0; i < 40 && expectedBytes() === null; i++) await new Promise((r) => setTimeout(r, 50));
    await updateStorageLine();
    const need = expectedBytes();
    if (need !== null && need > PERSIST_ABOVE_BYTES) await askPersistence();
    const est = state.storage;
    if (need !== null && est && Number.isFinite(est.quota)) {
      const free = Math.max(0, est.quota - est.usage);
      storageNote = ` (about ${fmtBytes(need)}; browser storage free: about ${fmtBytes(free)}${need > free ? " — NOT ENOUGH, the run will stop when it is full" : ""})`;
    }
  }

  const run = {
    t0: performance.now(),
    total,
    target,
    shards: [],
    sink: null,
    finished: false,
    last: { patients: 0, bytes: 0, perDay: new Array(days).fill(0), triage: [0, 0, 0], outcomes: [0, 0, 0, 0, 0] },
  };
  state.run = run;
  setRunState("running");
  updateRunControls();
  showProgress(run, run.last, total);
  setStatus(
    `Generating ${fmtInt(total)} patients with ${o.workers} worker${o.workers > 1 ? "s" : ""} into ${target.name}${storageNote}…`,
    storageNote.includes("NOT ENOUGH") ? "warn" : "",
  );
  requestPreview();

  // The shard workers generate (and compress); the sink encrypts the ordered stream with WebCrypto.
  const options = o.single
    ? { format: o.format, compression: o.compression, compressionLevel: o.level }
    : { format: o.format, compression: o.compression, compressionLevel: o.level, chunkBytes: UNCOMPRESSED_CHUNK_BYTES, chunkSize: 1_000_000 };
  const credits = o.compression === "gzip" ? COMPRESSED_SHARD_CREDITS : SHARD_CREDITS;
  const sink = new Worker(workerUrl(), { type: "module", name: "patientgen-sink" });
  run.sink = sink;
  const ports = [];
  for (let i = 0; i < o.workers; i++) {
    const ch = new MessageChannel();
    const w = new Worker(workerUrl(), { type: "module", name: `patientgen-shard-${i}` });
    w.onerror = (ev) => finish("error", { message: ev.message || "worker failed to start" });
    w.postMessage(
      { role: "shard", module: state.module, config: state.text, options, credits, port: ch.port1 },
      [ch.port1],
    );
    run.shards.push(w);
    ports.push(ch.port2);
  }
  sink.onmessage = ({ data }) => {
    if (state.run !== run) return;
    if (data.type === "progress") showProgress(run, data, total);
    else if (data.type === "done") finish("done", data);
    else if (data.type === "cancelled") finish("cancelled");
    else if (data.type === "error") finish("error", data.error);
  };
  sink.onerror = (ev) => finish("error", { message: ev.message || "sink worker failed" });
  const sinkTarget = target.kind === "opfs" ? { kind: "opfs", name: target.name } : target;
  sink.postMessage(
    {
      role: "sink",
      ports,
      total,
      days,
      whole: o.single || o.workers === 1,
      encryption: o.encrypt ? { password: o.password } : null,
      credits,
      grid: o.compression !== "none",
      chunkBytes: UNCOMPRESSED_CHUNK_BYTES,
      target: sinkTarget,
    },
    ports,
  );
}

export function terminateShards(run) {
  for (const w of run.shards) w.terminate();
  run.shards = [];
}

export function cancel() {
  const run = state.run;
  if (!run || run.cancelling) return;
  run.cancelling = true;
  // Every shard worker stops now (mid-chunk at the latest); the sink discards the partial output.
  terminateShards(run);
  run.sink.postMessage({ type: "cancel" });
  setStatus("Cancelling…");
  run.cancelTimer = setTimeout(() => finish("cancelled"), 3000);
}

export async function finish(how, info) {
  const run = state.run;
  if (!run || run.finished) return;
  run.finished = true;
  clearTimeout(run.cancelTimer);
  terminateShards(run);
  run.sink.terminate();
  const elapsed = (performance.now() - run.t0) / 1000;
  if (how === "done") {
    // The file must hold every byte generated: its size is checked again here, before any link.
    const problem = await checkSaved(run, info);
    if (problem) {
      how = "error";
      info = problem;
    }
  }
  state.run = null;
  drawCharts(run.last); // with the text descriptions, which are not updated while running
  if (how === "done") {
    showProgress(run, { ...run.last, patients: run.total }, run.total);
    const bytes = info.size;
    const rate = run.total / elapsed;
    setStatus(
      `Done: ${fmtInt(run.total)} patients, ${(bytes / 1e6).toFixed(1)} MB in ${fmtDuration(elapsed)} (${fmtInt(rate)} patients/s).`,
      "ok",
    );
    await showResult(run, info);
    setRunState("done");
  } else if (how === "cancelled") {
    $("s-eta").textContent = "—";
    const removed = await discardPartial(run);
    setStatus(
      `Cancelled after ${fmtInt(run.last.patients)} of ${fmtInt(run.total)} patients; ${removed}`,
      "warn",
    );
    setRunState("cancelled");
  } else {
    $("s-eta").textContent = "—";
    const removed = await discardPartial(run);
    let msg;
    if (info?.storage) {
      msg = await storageErrorText(run, info.storage, removed);
    } else {
      const why = info?.errors ? info.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : info?.message;
      msg = `Generation failed: ${why ?? "unknown error"}; ${removed}`;
    }
    setStatus(msg, "error");
    setRunState("error");
  }
  state.lastRun = { how, elapsed, patients: how === "done" ? run.total : run.last.patients, name: run.target.name };
  updateRunControls();
  updateStorageLine();
}

/** Null when the saved output holds exactly the bytes generated, else the error to report. */
export async function checkSaved(run, info) {
  const t = run.target;
  let size;
  try {
    if (t.kind === "opfs") {
      const dir = await navigator.storage.getDirectory();
      size = (await (await dir.getFileHandle(t.name)).getFile()).size;
    } else if (t.kind === "handle") {
      size = (await t.handle.getFile()).size;
    } else {
      size = info.blob?.size;
    }
  } catch (e) {
    // A file chosen with the picker may not be readable back: the worker's own check stands.
    if (t.kind === "handle") return null;
    return { storage: { reason: "missing", written: 0, generated: info.generated, patients: run.total, detail: e?.message } };
  }
  if (size === info.generated && size === info.size) return null;
  return { storage: { reason: "short", written: size ?? 0, generated: info.generated, patients: run.last.patients } };
}

/** Removes (browser storage) or empties (a chosen file) the partial output; says what was done. */
export async function discardPartial(run) {
  const t = run.target;
  if (t.kind === "opfs") {
    try {
      const dir = await navigator.storage.getDirectory();
      await dir.removeEntry(t.name);
      return "the partial file was removed from browser storage.";
    } catch (e) {
      if (e?.name === "NotFoundError") return "nothing was stored.";
      return `the partial file ${t.name} could not be removed from browser storage (${e?.message ?? e}); it is incomplete.`;
    }
  }
  if (t.kind === "handle") {
    try {
      const size = (await t.handle.getFile()).size;
      if (size === 0) return `the file ${t.name} was left empty.`;
      return `the file ${t.name} is INCOMPLETE (${(size / 1e6).toFixed(1)} MB): delete it.`;
    } catch {
      return `the file ${t.name} is incomplete: delete it.`;
    }
  }
  return "the partial output was discarded.";
}

/** The message of a run stopped by a storage error: what was written, what is needed, what to do. */
export async function storageErrorText(run, st, removed) {
  const perPatient = st.patients > 0 && st.generated > 0 ? st.generated / st.patients : state.probe?.bytesPerPatient ?? 0;
  const need = perPatient * run.total;
  let est = null;
  try {
    est = await navigator.storage.estimate();
  } catch {
    /* not available */
  }
  const kind = run.target.kind;
  const where = kind === "opfs" ? "Browser storage is full" : kind === "handle" ? `Writing ${run.target.name} failed` : "Memory ran out";
  const detail = st.reason === "short"
    ? `the saved file holds ${fmtBytes(st.written)} of the ${fmtBytes(st.generated)} generated`
    : `${fmtBytes(st.written)} of about ${fmtBytes(need)} were written (${fmtInt(st.patients)} of ${fmtInt(run.total)} patients)`;
  let space = "";
  if (need > 0) {
    space = ` The file needs about ${fmtBytes(need)}: ${fmtBytes(Math.max(0, need - st.written))} more than ${kind === "blob" ? "memory held" : "the browser accepted"}`;
    const free = est && Number.isFinite(est.quota) ? Math.max(0, est.quota - est.usage) : null;
    // The estimate is only the browser's word: a private window (or a full disk) takes less.
    if (kind === "opfs" && free !== null) {
      space += free > st.written
        ? ` (it reported about ${fmtBytes(free)} free: private windows and full disks hold less than reported)`
        : ` (it reports about ${fmtBytes(free)} free)`;
    }
    space += ".";
  }
  const todo =
    kind === "opfs"
      ? " To save the whole file: choose “a file I choose” under Save to (Chromium, Edge), use a normal (not private) window, free disk space, or generate fewer patients or with gzip."
      : " Free disk space (or memory), or generate fewer patients or with gzip.";
  const cap = `${removed[0].toUpperCase()}${removed.slice(1)}`;
  return `${where}: ${detail}; the run was stopped.${space}${todo} ${cap}${st.detail ? ` (Browser: ${st.detail}.)` : ""}`;
}

export async function showResult(run, info) {
  const box = $("result");
  const t = run.target;
  if (t.kind === "handle") {
    box.textContent = `Saved to ${t.name} (${(info.size / 1e6).toFixed(1)} MB).`;
    return;
  }
  let file;
  if (t.kind === "opfs") {
    const dir = await navigator.storage.getDirectory();
    file = await (await dir.getFileHandle(t.name)).getFile();
  } else {
    file = info.blob;
  }
  const url = URL.createObjectURL(file);
  state.urls.push(url);
  const a = document.createElement("a");
  a.href = url;
  a.download = t.name;
  a.className = "button primary";
  a.id = "download";
  a.textContent = `Download ${t.name} (${(file.size / 1e6).toFixed(1)} MB)`;
  box.replaceChildren(a);
  if (t.kind === "opfs") {
    const rm = document.createElement("button");
    rm.type = "button";
    rm.className = "secondary";
    rm.textContent = "Remove from browser storage";
    rm.addEventListener("click", async () => {
      const dir = await navigator.storage.getDirectory();
      await dir.removeEntry(t.name).catch(() => {});
      clearResult();
      setStatus(`Removed ${t.name} from browser storage.`);
      updateStorageLine();
    });
    box.append(" ", rm);
  }
}
