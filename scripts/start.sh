#!/usr/bin/env bash
# `npm start`: builds the wasm package if pkg/ is missing or older than the Rust sources, then serves
# the web page on http://127.0.0.1:8080/www/ (PORT=… to change the port).
set -euo pipefail
cd "$(dirname "$0")/.."

wasm=pkg/patientgen_bg.wasm
if [ ! -f "$wasm" ] || [ ! -f pkg/patientgen.js ] \
  || [ -n "$(find src data build.rs Cargo.toml Cargo.lock -newer "$wasm" -print -quit 2>/dev/null)" ]; then
  echo "building the wasm package (pkg/ is missing or older than src/)" >&2
  bash scripts/build-wasm.sh
fi
exec node scripts/serve.mjs --port "${PORT:-8080}"
