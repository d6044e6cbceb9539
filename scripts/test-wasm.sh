#!/usr/bin/env bash
# Runs the WebAssembly test suites: tests/wasm_node.rs in Node, then tests/wasm_browser.rs in
# headless Chromium. Needs the pinned wasm-bindgen-test-runner in .tools/ (scripts/build-wasm.sh
# installs it), Node, and chromium + chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNNER="$PWD/.tools/bin/wasm-bindgen-test-runner"
if [ ! -x "$RUNNER" ]; then
  echo "missing $RUNNER: run scripts/build-wasm.sh first" >&2
  exit 1
fi
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$RUNNER"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

printf '\n== wasm-bindgen-test: Node (tests/wasm_node.rs)\n'
cargo test --locked --target wasm32-unknown-unknown --test wasm_node

printf '\n== wasm-bindgen-test: headless Chromium (tests/wasm_browser.rs)\n'
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}" \
  cargo test --locked --target wasm32-unknown-unknown --test wasm_browser
