#!/usr/bin/env bash
# CLI recipes: each command below is a complete, working invocation. Run the whole file with
#   bash examples/cli/recipes.sh OUTDIR
# `patientgen` is the native CLI (cargo install --path . / target/release/patientgen) or the npm
# bin (`npx patientgen`); set PATIENTGEN to choose (default: `patientgen` on the PATH).
set -euo pipefail
out=${1:?usage: recipes.sh OUTDIR}
pg=${PATIENTGEN:-patientgen}
mkdir -p "$out"
cd "$out"

# 1. The shipped presets, and the default scenario's resolved configuration.
$pg presets > presets.txt
echo '{}' | $pg validate - > default-config.json

# 2. A preset, 1,000 patients, a fixed seed: the same bytes on every machine.
$pg generate --preset nato_article_5 --patients 1000 --seed 7 -o nato.ndjson

# 3. Your own scenario file (with $schema for editor completion), checked first.
cat > scenario.json <<'JSON'
{
  "$schema": "https://unpkg.com/patientgen/schema/scenario.schema.json",
  "total_patients": 300,
  "days_of_fighting": 3,
  "front_configs": [{"name": "Vistula", "nationality_distribution": [{"nationality_code": "POL", "percentage": 100}]}],
  "demographics": {"military": true}
}
JSON
$pg validate scenario.json > scenario-resolved.json
$pg generate --config scenario.json --seed 1 --format csv --compress zip -o poland.zip

# 4. Gzip-compressed FHIR R4 bundles.
$pg generate --preset cbrn_incident --patients 200 --seed 3 --format fhir-r4 --compress gzip -o cbrn.fhir.ndjson.gz

# 5. A large run in shards (e.g. on several machines), concatenated: equal to one run.
for k in 0 1 2; do
  $pg generate --preset urban_assault --seed 9 --format csv --shard "$k/3" -o "part$k.csv"
done
cat part0.csv part1.csv part2.csv > urban.csv
$pg generate --preset urban_assault --seed 9 --format csv -o urban-single.csv
cmp urban.csv urban-single.csv

# 6. The calibration report of a file (outcomes, %KIA, %DOW, times to care).
$pg report nato.ndjson > nato-report.txt

# 7. The JSON Schema of a scenario, for editors and validators.
$pg schema > scenario.schema.json
echo "recipes done in $out"
