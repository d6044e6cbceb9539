"""Reads the CSV zip of patientgen into pandas with the right column types.

    patientgen generate --format csv --compress zip -o patients.zip
    python3 read_pandas.py patients.zip

The zip holds patients.csv, events.csv and datapackage.json (the Table Schema of both tables); the
dtypes are taken from the descriptor, so `id_number` and the SNOMED codes stay text (leading zeros
kept) and integer columns with empty cells stay integers.
"""
import json
import sys
import zipfile

import pandas as pd

PANDAS_DTYPE = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


def read_table(archive: zipfile.ZipFile, resource: dict) -> pd.DataFrame:
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: PANDAS_DTYPE[f["type"]] for f in fields if f["type"] in PANDAS_DTYPE}
    dates = [f["name"] for f in fields if f["type"] in ("datetime", "date")]
    with archive.open(resource["path"]) as f:
        return pd.read_csv(f, dtype=dtypes, parse_dates=dates, keep_default_na=False, na_values=[""])


def read_dataset(path: str) -> dict:
    with zipfile.ZipFile(path) as z:
        package = json.loads(z.read("datapackage.json"))
        return {r["name"]: read_table(z, r) for r in package["resources"]}


if __name__ == "__main__":
    tables = read_dataset(sys.argv[1])
    patients, events = tables["patients"], tables["events"]
    print(f"{len(patients)} patients, {len(events)} events")
    print(patients.groupby("final_status").size().to_string())
    print(patients[["id", "nationality", "id_number", "injury_time"]].head().to_string())
