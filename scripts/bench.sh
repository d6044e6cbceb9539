#!/usr/bin/env bash
# `npm run bench`: builds what is missing (the release CLI, the npm package's wasm), then prints the
# scaling table of docs/PERFORMANCE.md, native and wasm in Node side by side. Arguments go to
# `patientgen bench` (e.g. `npm run bench -- --large`, `--quick`, `--patients 1000,100000`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x target/release/patientgen ] || [ -n "$(find src build.rs Cargo.toml -newer target/release/patientgen -print -quit)" ]; then
  cargo build --release --locked --bin patientgen >&2
fi
if command -v node >/dev/null && { [ ! -f pkg/patientgen_bg.wasm ] || [ -n "$(find src Cargo.toml -newer pkg/patientgen_bg.wasm -print -quit)" ]; }; then
  bash scripts/build-wasm.sh >&2
fi
exec target/release/patientgen bench "$@"
