"""Write-audit-publish: copy the checked BI marts to where BI reads them.

The build writes `ABM_WAREHOUSE_PATH`; BI reads `ABM_SERVING_PATH` (a DuckDB file
with schema `marts`) and `ABM_EXPORTS_DIR/<mart>/` (Parquet). Publication builds a
complete new serving file beside the old one and swaps it in with one rename, so
a reader holding the old file keeps reading the old, whole publication and the next
open sees the new one. Nothing here runs unless every blocking check upstream
passed; a failed run never reaches this module, so the last publication stays.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib import settings
from orchestration.lib.build_fingerprint import built_fingerprint
from orchestration.lib.check_results import COLUMNS as CHECK_COLUMNS
from orchestration.lib.check_results import CheckResult, as_rows

PUBLISH_TAG = "bi"
# BI drivers bundling DuckDB 1.x must be able to open the serving file.
SERVING_STORAGE_VERSION = "v1.4.0"


@dataclass(frozen=True)
class Publication:
    serving_path: Path
    exports_dir: Path
    row_counts: dict[str, int]
    published_at: str


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def copy_comments(con: duckdb.DuckDBPyConnection, mart: str) -> None:
    """The mart's table and column descriptions (dbt `persist_docs`) travel with it,
    so a BI tool browsing the serving file shows what each column means."""
    table = con.execute(
        "select comment from duckdb_tables() "
        "where database_name = 'build' and schema_name = 'marts' and table_name = ?",
        [mart],
    ).fetchone()
    if table and table[0]:
        con.execute(f'comment on table marts."{mart}" is {_quoted(table[0])}')
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'build' "
        "and schema_name = 'marts' and table_name = ? and comment is not null",
        [mart],
    ).fetchall()
    for column, comment in columns:
        con.execute(f'comment on column marts."{mart}"."{column}" is {_quoted(comment)}')


def _account_order(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """Account-level marts are stored by account_id: the dashboard's and `abm explain`'s
    one-account lookups then read a few row groups (DuckDB's min/max zone maps), not all."""
    has_account_id = con.execute(
        "select count(*) from duckdb_columns() where database_name = 'build' "
        "and schema_name = 'marts' and table_name = ? and column_name = 'account_id'",
        [mart],
    ).fetchone()[0]
    return " order by account_id" if has_account_id else ""


def load_summary(con: duckdb.DuckDBPyConnection, top: int = 20) -> str | None:
    """What ingestion did, for the dashboard's Data health page (JSON; None without raw).

    Files per load status, rows in quarantine, the latest rejected files with their
    message, and the most frequent quarantine reasons: the serving file is all BI reads.
    """
    raw_tables = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'build' and schema_name = 'raw'"
        ).fetchall()
    }
    if not {"load_log", "quarantine"} <= raw_tables:
        return None
    files = dict(
        con.execute("select status, count(*) from build.raw.load_log group by all").fetchall()
    )
    rejected = con.execute(
        "select source, table_name, _source_file, message, cast(_loaded_at as varchar) "
        "from build.raw.load_log where status <> 'loaded' "
        f"order by _loaded_at desc limit {int(top)}"
    ).fetchall()
    reasons = con.execute(
        "select source, table_name, reason, count(*) from build.raw.quarantine "
        f"group by all order by 4 desc, 1, 2, 3 limit {int(top)}"
    ).fetchall()
    keys = ("source", "table_name", "file", "message", "at")
    summary = {
        "files": files,
        "rows_quarantined": con.execute("select count(*) from build.raw.quarantine").fetchone()[0],
        "rejected_files": [dict(zip(keys, row, strict=True)) for row in rejected],
        "quarantine_reasons": [
            dict(zip(("source", "table_name", "reason", "rows"), row, strict=True))
            for row in reasons
        ],
    }
    return json.dumps(summary, sort_keys=True)


def write_check_results(con: duckdb.DuckDBPyConnection, results: list[CheckResult]) -> None:
    """marts._check_results: one row per check of the run that did not pass (empty
    when every check passed), so BI sees the warnings of the run it reads."""
    con.execute(
        "create table marts._check_results (asset varchar, check_name varchar, "
        "severity varchar, status varchar, failed_rows bigint, message varchar)"
    )
    if results:
        placeholders = ", ".join("?" for _ in CHECK_COLUMNS)
        con.executemany(
            f"insert into marts._check_results values ({placeholders})", as_rows(results)
        )


def bi_marts(manifest_path: Path) -> list[str]:
    """Models tagged `bi` in the dbt manifest: the tables BI may read."""
    manifest = json.loads(manifest_path.read_text())
    return sorted(
        node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and PUBLISH_TAG in node["tags"]
    )


def _swap_in(staged: Path, target: Path) -> None:
    """Replace `target` by `staged`; for a file this is one atomic rename."""
    if staged.is_dir() and target.exists():
        retired = target.with_name(f".{target.name}.retired-{uuid.uuid4().hex[:8]}")
        target.rename(retired)
        staged.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staged, target)


def publish(
    build_path: Path,
    marts: list[str],
    serving_path: Path | None = None,
    exports_dir: Path | None = None,
    run_id: str = "",
    check_results: list[CheckResult] | None = None,
) -> Publication:
    """Copy `marts` to a new serving file and exports, then swap them in.

    `check_results`: the run's checks that did not pass (warned, or failed without
    blocking), written to `marts._check_results` for the Data health page.
    """
    serving_path = serving_path or settings.serving_path()
    exports_dir = exports_dir or settings.exports_dir()
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    exports_dir.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    staged_file = serving_path.with_name(f".{serving_path.name}.staged-{token}")
    staged_exports = exports_dir.with_name(f".{exports_dir.name}.staged-{token}")
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    row_counts: dict[str, int] = {}
    try:
        with duckdb.connect(
            str(staged_file), config={"storage_compatibility_version": SERVING_STORAGE_VERSION}
        ) as con:
            con.execute(f"attach '{build_path}' as build (read_only)")
            con.execute("create schema marts")
            for mart in marts:
                con.execute(
                    f'create table marts."{mart}" as select * from build.marts."{mart}"'
                    f"{_account_order(con, mart)}"
                )
                copy_comments(con, mart)
                row_counts[mart] = con.execute(f'select count(*) from marts."{mart}"').fetchone()[0]
                mart_dir = staged_exports / mart
                mart_dir.mkdir(parents=True)
                # Sorted rows: two runs on the same inputs write the same bytes, so a
                # checksum of the export proves "nothing changed".
                con.execute(
                    f"copy (select * from marts.\"{mart}\" order by all) "
                    f"to '{mart_dir / 'data.parquet'}' (format parquet)"
                )
            # What the published build was built from, when this run built it: the next
            # refresh skips its build if nothing differs (orchestration/lib/build_fingerprint.py).
            built_run, fingerprint = built_fingerprint(con, "build")
            con.execute(
                "create table marts._publication as select ? as published_at, ? as run_id, "
                "? as row_counts, ? as load_summary, cast(? as varchar) as build_fingerprint",
                [
                    published_at,
                    run_id,
                    json.dumps(row_counts, sort_keys=True),
                    load_summary(con),
                    fingerprint if run_id and built_run == run_id else None,
                ],
            )
            write_check_results(con, check_results or [])
            con.execute("detach build")
        staged_exports.mkdir(parents=True, exist_ok=True)
        _swap_in(staged_exports, exports_dir)
        _swap_in(staged_file, serving_path)
    finally:
        staged_file.unlink(missing_ok=True)
        Path(f"{staged_file}.wal").unlink(missing_ok=True)
        shutil.rmtree(staged_exports, ignore_errors=True)
    return Publication(serving_path, exports_dir, row_counts, published_at)
