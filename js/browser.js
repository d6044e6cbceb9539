// Browser / bundler / Web Worker entry: call `await init()` once before using the API.
import wasmInit, * as wasm from "../pkg/patientgen.js";
import { makeApi } from "./generator.js";

const api = makeApi(wasm);

/** Instantiates the WebAssembly module (fetches `patientgen_bg.wasm` beside the glue by default). */
export default function init(input) {
  return wasmInit(input === undefined ? undefined : { module_or_path: input });
}
export const {
  Generator,
  ConfigError,
  validateConfig,
  presets,
  MetricsRegistry,
  Report,
  mergeCalibrations,
  calibrationFigures,
  calibrationMarkdown,
  decryptStream,
  fileName,
  checkOptions,
  contentType,
  shardRange,
  parseShard,
  parseRange,
  formats,
  compressions,
  warfareTypes,
  nations,
} = api;
export { DecryptError, LIMITS } from "./decrypt.js";
