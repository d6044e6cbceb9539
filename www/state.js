// Shared state of the page: the element lookup, the one state object every module reads and writes,
// and the worker script's URL.

export const $ = (id) => document.getElementById(id);

export const state = {
  module: null, // compiled WebAssembly.Module, shared with the workers
  presets: [],
  text: "{}",
  obj: {}, // parsed scenario (null when the text is not a JSON object)
  resolved: null, // resolved configuration when valid
  errors: [],
  source: "form", // where the current text came from: "form", "editor" or "import"
  pendingSeed: null, // the seed an empty seed field stands for (written into the scenario at Generate)
  message: { text: "Loading the generator…", kind: "" }, // the last event shown in the status line
  probe: null, // {key, bytesPerPatient} of the chosen format, measured by the preview worker
  storage: null, // last navigator.storage.estimate() result
  fronts: [], // form model: [{id, name, rate, nations: [{code, pct}]}]
  run: null,
  previewWorker: null,
  previewId: 0,
  previewTimer: 0,
  urls: [],
};

/** The URL of the worker script (preview, sink and shard workers all run it). */
export function workerUrl() {
  return new URL("./worker.js", import.meta.url);
}
