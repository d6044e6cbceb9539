// Deno entry: reads the .wasm beside the glue and instantiates it on import.
import * as wasm from "../pkg/patientgen.js";
import { makeApi } from "./generator.js";

const url = new URL("../pkg/patientgen_bg.wasm", import.meta.url);
const bytes = url.protocol === "file:" ? await Deno.readFile(url) : new Uint8Array(await (await fetch(url)).arrayBuffer());
wasm.initSync({ module: bytes });
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
