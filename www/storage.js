// Storage: where the file goes, how much it needs, how much the browser allows.

import { $, state } from "./state.js";
import { outputOptions, seededText } from "./output.js";
import { fmtBytes } from "./status.js";

/** Where a run with the current "Save to" choice writes: "handle" (picker), "opfs" or "blob". */
export function saveKind() {
  const mode = $("o-save").value;
  if ((mode === "auto" || mode === "picker") && typeof window.showSaveFilePicker === "function") return "handle";
  if (mode !== "blob" && navigator.storage && typeof navigator.storage.getDirectory === "function") return "opfs";
  return "blob";
}

/** Expected output size in bytes (uncompressed when compressing: an upper bound), or null. */
export function expectedBytes() {
  if (!state.probe || !state.resolved || state.probe.key !== `${$("o-format").value}\n${seededText()}`) return null;
  return state.probe.bytesPerPatient * state.resolved.total_patients;
}

export function scheduleStorageLine() {
  clearTimeout(state.storageTimer);
  state.storageTimer = setTimeout(updateStorageLine, 300);
}

/** The line under the file name: the expected size and, for browser storage, the estimate. */
export async function updateStorageLine() {
  const call = (state.storageCall = (state.storageCall ?? 0) + 1);
  const line = $("storage-line");
  const need = expectedBytes();
  const kind = saveKind();
  const o = outputOptions();
  const size = need === null ? null : `${o.compression !== "none" ? "at most " : "about "}${fmtBytes(need)}`;
  let text = "";
  let warn = false;
  if (kind === "handle") {
    text = size ? `This file: ${size}, written straight to the file you choose.` : "";
  } else if (kind === "blob") {
    text = size ? `This file: ${size}, kept in memory until you download it.` : "";
    warn = need !== null && need > 1e9;
    if (warn) text += " That much may not fit in memory: choose browser storage, gzip or fewer patients.";
  } else {
    let est = null;
    try {
      est = await navigator.storage.estimate();
    } catch {
      /* not available */
    }
    if (call !== state.storageCall) return; // a later call shows the current state
    state.storage = est;
    if (est && Number.isFinite(est.quota)) {
      const free = Math.max(0, est.quota - est.usage);
      text = `Browser storage: about ${fmtBytes(free)} free for this page (quota ${fmtBytes(est.quota)}, ${fmtBytes(est.usage)} in use${state.persisted === true ? ", persistent" : ""})`;
      text += size ? `; this file: ${size}.` : ".";
      if (need !== null && need > free) {
        warn = true;
        text += ` Not enough: the run would stop when storage is full. Choose fewer patients, gzip, “a file I choose” (Chromium, Edge) or a normal (not private) window.`;
      }
    } else {
      text = size ? `This file: ${size}, in browser storage.` : "";
    }
  }
  line.textContent = text;
  line.className = warn ? "hint warn" : "hint";
}

/** Asks the browser to keep this page's storage (not evicted under pressure) before a large run. */
export async function askPersistence() {
  if (!navigator.storage?.persist || state.persisted === true || state.persistAsked) return;
  state.persistAsked = true;
  try {
    state.persisted = await navigator.storage.persisted();
  } catch {
    state.persisted = false;
  }
  if (state.persisted) return;
  // Not awaited: Firefox asks the user and the answer may come later (or never).
  navigator.storage.persist().then(
    (granted) => {
      state.persisted = granted;
      updateStorageLine();
    },
    () => {},
  );
}
