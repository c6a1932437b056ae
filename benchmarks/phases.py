"""Single benchmark phases, each run in its own process so its peak memory is its own."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

READERS = {
    ".csv": "read_csv('{path}', all_varchar = true, header = true)",
    ".gz": "read_csv('{path}', all_varchar = true, header = true)",
    ".parquet": "read_parquet('{path}')",
    ".jsonl": "read_json('{path}', format = 'newline_delimited')",
}


def lower_bound_scan(*folders: Path) -> int:
    """Read every landed file once with DuckDB and nothing else: the floor for ingestion."""
    rows = 0
    con = duckdb.connect()
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    for path in files:
        reader = READERS.get(path.suffix)
        if reader is None:
            continue
        rows += con.execute(f"select count(*) from {reader.format(path=path)}").fetchone()[0]
    return rows


def ingest(landing: Path, warehouse: Path) -> int:
    from orchestration.lib.ingest import ingest_all

    results = ingest_all(warehouse, landing)
    return sum(f.rows_loaded for r in results for f in r.files)


def main() -> None:
    # scan LANDING WAREHOUSE [MORE_FOLDERS...]: every file of every folder given
    phase, landing, warehouse = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    started = time.perf_counter()
    if phase == "scan":
        rows = lower_bound_scan(landing, *(Path(folder) for folder in sys.argv[4:]))
    elif phase == "ingest":
        rows = ingest(landing, warehouse)
    else:
        raise SystemExit(f"unknown phase {phase!r}")
    print(f"rows={rows} seconds={time.perf_counter() - started:.2f}")


if __name__ == "__main__":
    main()
