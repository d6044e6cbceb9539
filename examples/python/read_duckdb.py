"""Reads the CSV zip of patientgen into DuckDB with the column types of its datapackage.json.

    patientgen generate --format csv --compress zip -o patients.zip
    python3 read_duckdb.py patients.zip

DuckDB's type sniffing would read `id_number` as BIGINT (dropping leading zeros); the types are
given explicitly instead.
"""
import json
import os
import sys
import tempfile
import zipfile

import duckdb

DUCKDB_TYPE = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR",
               "datetime": "TIMESTAMP", "date": "DATE"}


def load(path: str, con: duckdb.DuckDBPyConnection) -> None:
    with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as tmp:
        package = json.loads(z.read("datapackage.json"))
        for r in package["resources"]:
            csv_path = z.extract(r["path"], tmp)
            types = {f["name"]: DUCKDB_TYPE[f["type"]] for f in r["schema"]["fields"]}
            rel = con.read_csv(csv_path, header=True, dtype=types, timestamp_format="%Y-%m-%dT%H:%M:%SZ")
            con.execute(f'CREATE TABLE "{r["name"]}" AS SELECT * FROM rel')


if __name__ == "__main__":
    con = duckdb.connect()
    load(sys.argv[1], con)
    print(con.sql("SELECT final_status, count(*) AS n FROM patients GROUP BY ALL ORDER BY n DESC"))
    print(con.sql("""SELECT p.triage_category, round(avg(e.hours_since_injury), 1) AS mean_hours_to_arrival
                     FROM events e JOIN patients p ON p.id = e.patient_id
                     WHERE e.event_type = 'arrival' AND e.seq > 0 GROUP BY ALL ORDER BY 1"""))
