// The edge worker (edge/README.md) for workerd and Cloudflare Workers: the package's `workerd`
// entry (the .wasm imported as a WebAssembly.Module, initialised on import) behind the handler.
// One handler per isolate, made at module scope, so /metrics counts every request it served.
import * as pg from "../js/workerd.js";
import { makeHandler } from "./handler.mjs";

const handler = makeHandler(pg);

export default {
  fetch: (request, env, ctx) => handler.fetch(request, env, ctx),
};
