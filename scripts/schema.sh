#!/usr/bin/env bash
# Regenerates the files derived from src/config/schema.rs: the scenario JSON Schema shipped in the
# npm package, the TypeScript types and the key table of docs/SCENARIO.md (tests/schema.rs checks
# that they are current).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin patientgen
pg=target/release/patientgen
mkdir -p schema
"$pg" schema scenario > schema/scenario.schema.json
"$pg" schema scenario.d.ts > js/scenario.d.ts
"$pg" schema record.d.ts > js/record.d.ts
python3 - "$("$pg" schema keys.md)" <<'PY'
import sys
path = "docs/SCENARIO.md"
text = open(path, encoding="utf-8").read()
start, end = "<!-- keys -->\n", "<!-- /keys -->"
a = text.index(start) + len(start)
b = text.index(end)
open(path, "w", encoding="utf-8").write(text[:a] + sys.argv[1] + "\n" + text[b:])
PY
