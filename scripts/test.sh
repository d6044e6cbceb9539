#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (idempotent).
# Used by README.md ("all tests") and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "install: Python test readers (python-stdnum, cryptography, prometheus_client)"
python3 - <<'PY' || python3 -m pip install --quiet --disable-pip-version-check python-stdnum cryptography prometheus_client
import stdnum, cryptography, prometheus_client  # noqa: F401
PY

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test (optimised test profile)"
cargo test --locked --all-targets
cargo test --locked --doc
