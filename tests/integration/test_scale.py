"""Bulk paths at volume: generation and ingestion of a larger sample, exact against the truth.

Marked `scale`; CI runs it at ABM_SCALE_ACCOUNTS (default 20,000 accounts, about 600k
Bombora rows, so ingestion validates in several 250k-row chunks). `make bench` times
the same paths at 10k / 100k / 1M accounts; no test here looks at a clock.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.ingest import ingest_all
from sample_data import generate

SCALE_ACCOUNTS = int(os.environ.get("ABM_SCALE_ACCOUNTS", "20000"))


@pytest.mark.scale
def test_a_large_sample_ingests_exactly(tmp_path: Path) -> None:
    landing, truth, warehouse = tmp_path / "landing", tmp_path / "truth", tmp_path / "w.duckdb"
    generate(SCALE_ACCOUNTS, 11, landing, truth)
    meta = json.loads((truth / "meta.json").read_text())
    assert meta["counts"]["rows"]["intent/bombora_surge"] > 250_000  # more than one chunk

    results = ingest_all(warehouse, landing)

    assert all(f.status == "loaded" for r in results for f in r.files)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for result in results:
            key = f"{result.source}/{result.table}"
            stored = con.execute(
                f"select count(*) from raw.{result.source}__{result.table}"
            ).fetchone()[0]
            quarantined = con.execute(
                "select count(*) from raw.quarantine where source = ? and table_name = ?",
                [result.source, result.table],
            ).fetchone()[0]
            assert stored + quarantined == meta["counts"]["rows"][key], key
        bad_rows = truth / "bad_rows.parquet"
        missed = con.execute(
            f"select count(*) from '{bad_rows}' as planted anti join raw.quarantine as q "
            "on q._source_file = planted.file and q._row_number = planted.row_number"
        ).fetchone()[0]
        extra = con.execute(
            f"select count(*) from raw.quarantine as q anti join '{bad_rows}' as planted "
            "on q._source_file = planted.file and q._row_number = planted.row_number"
        ).fetchone()[0]
    assert (missed, extra) == (0, 0)
