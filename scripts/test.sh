#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (idempotent).
# `npm test` and .ci/run call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "install: Python test readers (python-stdnum, cryptography >= 44 for Argon2id, prometheus_client)"
python3 - <<'PY' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check python-stdnum 'cryptography>=44' prometheus_client
import stdnum, cryptography, prometheus_client  # noqa: F401
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401
PY

step "install: npm dependencies"
npm ci --no-audit --no-fund

step "install: Chromium for the browser tests"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets; wasm32 library)"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo clippy --all-targets --locked -- -D warnings
cargo clippy --lib --locked --target wasm32-unknown-unknown -- -D warnings

step "cargo test (optimised test profile)"
cargo test --locked --all-targets
cargo test --locked --doc

step "build: native release CLI and the npm package's wasm"
cargo build --release --locked --bin patientgen
bash scripts/build-wasm.sh
bash scripts/test-wasm.sh

step "bench smoke run (native and wasm columns; no speed assertions)"
table=$(target/release/patientgen bench --quick)
echo "$table"
# The wasm column must be there (a ratio in the last column), not skipped.
grep -Eq '^\| 1,000 \|.*\| [0-9]+\.[0-9]{2} \|$' <<<"$table"

step "node --test: the npm package, the page and the edge worker"
node --test --test-concurrency=1 tests/js/
