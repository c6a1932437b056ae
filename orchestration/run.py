"""`make run`: materialize every asset through Dagster, then print what happened."""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


class RefreshAlreadyRunning(RuntimeError):
    pass


@contextmanager
def refresh_lock(warehouse: Path) -> Iterator[None]:
    """One refresh per warehouse at a time, across processes; the OS drops it if we die."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_name(warehouse.name + ".refresh.lock")
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshAlreadyRunning(
                f"another refresh of {warehouse} is running (lock {lock_path}); "
                "wait for it to finish, then run again"
            ) from exc
        yield


LAUNCHED_BY_TAG = "abm/launched_by"
LAUNCHED_BY_CLI = "make_run"


def active_refreshes(instance: dg.DagsterInstance) -> list[str]:
    """Refresh runs in flight elsewhere (the UI, schedule or sensor through the daemon).

    A run this command started earlier and that is still marked in flight can only be a
    crashed one (we hold the lock), so it is marked failed instead of blocking us forever.
    """
    in_flight = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=DAILY_REFRESH, statuses=in_flight))
    others = []
    for run in runs:
        if run.tags.get(LAUNCHED_BY_TAG) == LAUNCHED_BY_CLI:
            instance.report_run_failed(run, "the process running it died (found by make run)")
        else:
            others.append(run.run_id)
    return others


def main() -> int:
    from orchestration.definitions import defs

    job = defs.resolve_job_def(DAILY_REFRESH)
    warehouse = settings.warehouse_path()
    try:
        with refresh_lock(warehouse), dg.DagsterInstance.get() as instance:
            running = active_refreshes(instance)
            if running:
                raise RefreshAlreadyRunning(
                    f"a refresh is already running in Dagster (run {', '.join(running)}); "
                    "wait for it to finish, then run again"
                )
            result = job.execute_in_process(
                instance=instance, raise_on_error=False, tags={LAUNCHED_BY_TAG: LAUNCHED_BY_CLI}
            )
    except RefreshAlreadyRunning as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    evaluations = result.get_asset_check_evaluations()
    checks = tally_checks(evaluations)
    print_summary(warehouse, checks, result.success)
    return 0 if result.success and not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
