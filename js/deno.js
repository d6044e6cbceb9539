// Deno entry: reads the .wasm beside the glue and instantiates it on import.
import * as wasm from "../pkg/patientgen.js";

const url = new URL("../pkg/patientgen_bg.wasm", import.meta.url);
const bytes = url.protocol === "file:" ? await Deno.readFile(url) : new Uint8Array(await (await fetch(url)).arrayBuffer());
wasm.initSync({ module: bytes });

/** Already initialised on import; resolves immediately. */
export default async function init() {}
export * from "./api.js";
