// workerd / Cloudflare Workers entry: the .wasm is imported as a WebAssembly.Module.
import module from "../pkg/patientgen_bg.wasm";
import * as wasm from "../pkg/patientgen.js";
import { makeApi } from "./generator.js";

wasm.initSync({ module });
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
