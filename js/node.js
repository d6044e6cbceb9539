// Node entry: the module is instantiated on import; `init()` is kept for symmetry.
import { readFileSync } from "node:fs";
import * as wasm from "../pkg/patientgen.js";
import { makeApi } from "./generator.js";

wasm.initSync({ module: readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)) });
const api = makeApi(wasm);

/** Already initialised on import; resolves immediately. */
export default async function init() {}
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
} = api;
export { DecryptError, LIMITS } from "./decrypt.js";
