// Node entry: the module is instantiated on import; `init()` is kept for symmetry.
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import * as wasm from "../pkg/patientgen.js";
import { hooks } from "./hooks.js";

wasm.initSync({ module: readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)) });
// `pipeTo` also takes a Node `stream.Writable` (e.g. `fs.createWriteStream(f)`): adapted with
// `Writable.toWeb`, whose close resolves once the stream has finished (the file is flushed).
const isNodeWritable = (w) =>
  w != null && typeof w.getWriter !== "function" && typeof w.write === "function" && typeof (w.once ?? w.on) === "function";
hooks.writable = (w) => (isNodeWritable(w) ? Writable.toWeb(w) : w);

/** Already initialised on import; resolves immediately. */
export default async function init() {}
export * from "./api.js";
