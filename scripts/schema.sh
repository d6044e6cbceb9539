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
"$pg" schema record > schema/record.schema.json
"$pg" schema datapackage.json > schema/datapackage.json
"$pg" schema scenario.d.ts > js/scenario.d.ts
"$pg" schema record.d.ts > js/record.d.ts
# The generated tables of the docs, between their markers.
fill() { # FILE MARKER DOCUMENT
  python3 - "$1" "$2" "$("$pg" schema "$3")" <<'PY'
import sys
path, marker, table = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
start, end = f"<!-- {marker} -->\n", f"<!-- /{marker} -->"
a = text.index(start) + len(start)
b = text.index(end)
open(path, "w", encoding="utf-8").write(text[:a] + table + "\n" + text[b:])
PY
}
fill docs/SCENARIO.md keys keys.md
fill docs/FIELDS.md record record.md
fill docs/FIELDS.md csv csv.md
