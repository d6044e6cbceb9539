#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (idempotent).
# `npm test` and .ci/run call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "install: Python test readers (python-stdnum, cryptography >= 44 for Argon2id, prometheus_client, jsonschema, pandas, duckdb)"
python3 - <<'PY' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check python-stdnum 'cryptography>=44' prometheus_client jsonschema pandas duckdb
import stdnum, cryptography, prometheus_client, jsonschema, pandas, duckdb  # noqa: F401
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401
PY

step "install: npm dependencies"
npm ci --no-audit --no-fund

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
step "install: Chromium and Firefox ESR for the browser tests"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "install: Prometheus, promtool and node_exporter (Debian) for the ops/ tests"
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null || ! command -v prometheus-node-exporter >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  # The packages' maintainer scripts start their services (invoke-rc.d on sysvinit,
  # deb-systemd-invoke on systemd), which would leave a Prometheus on :9090 and a node_exporter on
  # :9100 running. Both consult /usr/sbin/policy-rc.d: where there is none, one that denies every
  # start (exit 101) stands for this install only. The tests start their own instances.
  policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 0755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    prometheus prometheus-node-exporter >/dev/null || { [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d
  # A policy-rc.d that allowed the start: stop what this install started.
  for svc in prometheus prometheus-node-exporter; do
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      $SUDO systemctl stop "$svc" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$svc" ] && "/etc/init.d/$svc" status >/dev/null 2>&1; then
      $SUDO "/etc/init.d/$svc" stop >/dev/null || true
    fi
  done
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
