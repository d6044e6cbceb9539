// workerd / Cloudflare Workers entry: the .wasm is imported as a WebAssembly.Module.
import module from "../pkg/patientgen_bg.wasm";
import * as wasm from "../pkg/patientgen.js";

wasm.initSync({ module });

/** Already initialised on import; resolves immediately. */
export default async function init() {}
export * from "./api.js";
