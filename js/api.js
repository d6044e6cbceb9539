// The package API bound to the package's WebAssembly module: one list of exports shared by every
// runtime entry (js/browser.js, node.js, deno.js, workerd.js), which instantiate the module their
// way and re-export this file. The API itself is js/generator.js's `makeApi`.
import * as wasm from "../pkg/patientgen.js";
import { makeApi } from "./generator.js";
import { hooks } from "./hooks.js";

const api = makeApi(wasm, { writable: (w) => hooks.writable(w) });

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
