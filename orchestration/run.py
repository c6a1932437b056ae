"""`make run`: materialize every asset through Dagster, then print what happened."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings
from orchestration.defs.schedules import DAILY_REFRESH

LAYERS = ("raw", "staging", "intermediate", "marts")


@dataclass
class CheckTally:
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)


def tally_checks(evaluations: list[dg.AssetCheckEvaluation]) -> CheckTally:
    tally = CheckTally()
    for evaluation in evaluations:
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            tally.passed += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            tally.warned.append(name)
        else:
            tally.failed.append(name)
    return tally


def rows_per_layer(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (?, ?, ?, ?)",
        list(LAYERS),
    ).fetchall()
    counts = dict.fromkeys(LAYERS, 0)
    for schema, table in tables:
        counts[schema] += con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    return counts


def load_summary(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    return con.execute(
        "select status, count(*), coalesce(sum(rows_quarantined), 0) "
        "from raw.load_log group by status order by status"
    ).fetchall()


def print_summary(warehouse: Path, checks: CheckTally, succeeded: bool) -> None:
    print("\n=== ABM warehouse run summary ===")
    print(f"warehouse: {warehouse}")
    print(f"run: {'succeeded' if succeeded else 'FAILED'}")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as error:
        # A failed step can leave its dbt process winding down with the file locked.
        print(f"warehouse not readable for the summary: {error}")
        con = None
    if con is not None:
        with con:
            for layer, rows in rows_per_layer(con).items():
                print(f"rows in {layer:<13} {rows:>12,}")
            for status, files, quarantined in load_summary(con):
                print(f"files {status:<20} {files:>6,}   rows quarantined: {quarantined:,}")
            total_quarantined = con.execute("select count(*) from raw.quarantine").fetchone()[0]
            print(f"rows in quarantine (all runs) {total_quarantined:>8,}")
    print(
        f"checks passed: {checks.passed}, warned: {len(checks.warned)}, "
        f"failed: {len(checks.failed)}"
    )
    for name in checks.failed:
        print(f"  FAILED  {name}")
    for name in checks.warned:
        print(f"  warned  {name}")


def main() -> int:
    from orchestration.definitions import defs

    job = defs.resolve_job_def(DAILY_REFRESH)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    evaluations = result.get_asset_check_evaluations()
    checks = tally_checks(evaluations)
    print_summary(settings.warehouse_path(), checks, result.success)
    return 0 if result.success and not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
