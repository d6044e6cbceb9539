# workerd configuration of the edge worker: `npm run edge` (scripts/edge.sh) serves it on
# 127.0.0.1:8787; tests override the address with `--socket-addr http=127.0.0.1:PORT`.
# Module names are the repository paths, so the relative imports of edge/worker.mjs and of the
# package's js/workerd.js resolve to them.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "patientgen", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "patientgen") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "edge/worker.mjs", esModule = embed "worker.mjs"),
    (name = "edge/handler.mjs", esModule = embed "handler.mjs"),
    (name = "js/workerd.js", esModule = embed "../js/workerd.js"),
    (name = "js/api.js", esModule = embed "../js/api.js"),
    (name = "js/hooks.js", esModule = embed "../js/hooks.js"),
    (name = "js/generator.js", esModule = embed "../js/generator.js"),
    (name = "js/decrypt.js", esModule = embed "../js/decrypt.js"),
    (name = "pkg/patientgen.js", esModule = embed "../pkg/patientgen.js"),
    (name = "pkg/patientgen_bg.wasm", wasm = embed "../pkg/patientgen_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    # Patients one request may produce; unset → 1,000,000 (edge/handler.mjs).
    (name = "MAX_PATIENTS", fromEnvironment = "PATIENTGEN_MAX_PATIENTS"),
    # Allowed CORS origin: "*" (unset), a comma-separated list of origins, or "none".
    (name = "CORS_ORIGIN", fromEnvironment = "PATIENTGEN_CORS_ORIGIN"),
  ],
);
