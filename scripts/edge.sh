#!/usr/bin/env bash
# `npm run edge`: serves the edge worker (edge/worker.mjs) in a local workerd on 127.0.0.1:8787.
# PORT=… picks another port; PATIENTGEN_MAX_PATIENTS=… sets the per-request patient cap.
# Builds the npm package's wasm first when pkg/ has none.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f pkg/patientgen_bg.wasm ] || [ ! -f pkg/patientgen.js ]; then
  bash scripts/build-wasm.sh
fi
if [ ! -x node_modules/.bin/workerd ]; then
  npm ci --no-audit --no-fund
fi

addr="127.0.0.1:${PORT:-8787}"
echo "patientgen edge worker on http://$addr  (GET /generate, POST /generate, /presets, /metrics, /health)" >&2
exec node_modules/.bin/workerd serve edge/config.capnp --socket-addr "http=$addr" "$@"
