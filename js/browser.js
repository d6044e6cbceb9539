// Browser / bundler / Web Worker entry: call `await init()` once before using the API.
import wasmInit from "../pkg/patientgen.js";

/** Instantiates the WebAssembly module (fetches `patientgen_bg.wasm` beside the glue by default). */
export default function init(input) {
  return wasmInit(input === undefined ? undefined : { module_or_path: input });
}
export * from "./api.js";
