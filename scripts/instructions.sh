#!/usr/bin/env bash
# Instructions per patient, counted by callgrind: a measure of speed that a noisy machine does not
# disturb, to compare commits (docs/PERFORMANCE.md). Generates the default scenario (ndjson unless
# FORMAT is set) for N and 2N patients into /dev/null and prints (I(2N) − I(N)) / N, which leaves out
# start-up and plan construction. N defaults to 10,000.
#
#   bash scripts/instructions.sh            # release CLI, built if missing or stale
#   FORMAT=csv N=5000 bash scripts/instructions.sh
#   KEEP=1 bash scripts/instructions.sh     # keep target/callgrind.out.<2N> for callgrind_annotate
#   WASM=1 bash scripts/instructions.sh     # the npm package's wasm (pkg/) in Node instead, run with
#                                           # --single-threaded --no-liftoff so the JIT is repeatable
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
FORMAT=${FORMAT:-ndjson}
SEED=${SEED:-1}
BIN=${BIN:-target/release/patientgen}

command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
if [ -n "${WASM:-}" ]; then
  [ -f pkg/patientgen_bg.wasm ] || bash scripts/build-wasm.sh >&2
elif [ "$BIN" = target/release/patientgen ] && { [ ! -x "$BIN" ] || [ -n "$(find src build.rs Cargo.toml -newer "$BIN" -print -quit)" ]; }; then
  cargo build --release --locked --bin patientgen >&2
fi

count() {
  local n=$1 out=target/callgrind.out.$1
  if [ -n "${WASM:-}" ]; then
    valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$out" \
      node --single-threaded --no-liftoff scripts/bench-wasm.mjs --patients "$n" --seed "$SEED" --format "$FORMAT" \
      --reps 1 --no-copy >/dev/null 2>&1
  else
    valgrind --tool=callgrind --callgrind-out-file="$out" \
      "$BIN" generate --patients "$n" --seed "$SEED" --format "$FORMAT" --progress never -o - >/dev/null 2>/dev/null
  fi
  # The "summary:" line of the output file is the total instruction count (event Ir).
  awk '/^summary:/ { print $2 }' "$out"
  if [ -z "${KEEP:-}" ]; then rm -f "$out"; fi
}

a=$(count "$N")
b=$(count $((2 * N)))
per=$(( (b - a) / N ))
echo "instructions: $a for $N patients, $b for $((2 * N)) patients" >&2
echo "$per instructions/patient (${WASM:+wasm in Node, }$FORMAT, default scenario, seed $SEED, $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
