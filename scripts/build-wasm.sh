#!/usr/bin/env bash
# Builds the npm package's WebAssembly: pkg/patientgen.js (+ .d.ts) and pkg/patientgen_bg.wasm.
# Installs what is missing: the wasm32 target, the pinned wasm-bindgen-cli in .tools/, npm deps.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(.tools/bin/wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into .tools/ (a few minutes, once)" >&2
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root .tools
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi

# The `wasm` profile: release, with the dependencies optimised for size (Cargo.toml). LLVM's
# inline threshold 50 (default 225 at opt-level 2) and unroll threshold 50 (default 150) keep this
# crate's code within the size budget: −31 KB gzipped for ≈ 2–9 % slower ndjson and ≈ 1–6 % slower
# gzip in wasm (docs/PERFORMANCE.md, "Size budget after issue #17"). The flags reach every crate of
# the LTO module, zlib-rs (opt-level 3) included.
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128 -C llvm-args=-inline-threshold=50 -C llvm-args=-unroll-threshold=50" cargo build --lib --profile wasm --locked --target wasm32-unknown-unknown
.tools/bin/wasm-bindgen --target web --out-dir pkg --out-name patientgen \
  target/wasm32-unknown-unknown/wasm/patientgen.wasm
# The producers and target_features custom sections are only read by tools: dropped.
node_modules/.bin/wasm-opt -O3 --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-simd pkg/patientgen_bg.wasm -o pkg/patientgen_bg.wasm
raw=$(stat -c %s pkg/patientgen_bg.wasm)
gz=$(gzip -9 -c pkg/patientgen_bg.wasm | wc -c)
echo "pkg/patientgen_bg.wasm: $raw bytes raw, $gz bytes gzipped" >&2
