// The same edge handler on Deno (and Deno Deploy): the package's `deno` entry, one handler per
// isolate, served with Deno.serve. Run: deno run --allow-net --allow-read --allow-env edge/deno.mjs
// PORT (default 8787), PATIENTGEN_MAX_PATIENTS and PATIENTGEN_CORS_ORIGIN play the part of the workerd
// socket and bindings.
import * as pg from "../js/deno.js";
import { makeHandler } from "./handler.mjs";

const handler = makeHandler(pg);
const env = { MAX_PATIENTS: Deno.env.get("PATIENTGEN_MAX_PATIENTS"), CORS_ORIGIN: Deno.env.get("PATIENTGEN_CORS_ORIGIN") };
const port = Number(Deno.env.get("PORT") ?? 8787);

Deno.serve({ hostname: Deno.env.get("HOST") ?? "127.0.0.1", port }, (request) => handler.fetch(request, env));
