"""`make run`: materialize every asset through Dagster, then print what happened.

Exit codes: 0 published, 1 the refresh failed (the summary says why), 3 refused before
starting (another refresh of this warehouse is running, or nothing has landed yet).
`make` turns any non-zero code into 2, so the summary's last line says which it was.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.jobs import DAILY_REFRESH
from orchestration.lib import progress, settings
from orchestration.lib.build_fingerprint import UNCHANGED_METADATA
from orchestration.lib.check_results import reason_of
from orchestration.lib.ingest.inventory import has_landed_files, unclaimed_files
from orchestration.lib.liveness import reconcile, this_process_tags

LAYERS = ("raw", "staging", "intermediate", "marts")
EXIT_FAILED = 1
# The Dagster step of the Postgres publication (asset serving/postgres), the only step
# after the DuckDB publication.
POSTGRES_STEP = "serving__postgres"
# The DuckDB file and Parquet publication (orchestration/defs/publication.py).
PUBLICATION_KEY = dg.AssetKey(["serving", "publication"])
EXIT_REFUSED = 3
# Set (to anything) for plain step lines even on a terminal.
PLAIN_PROGRESS_ENV = "ABM_PLAIN_PROGRESS"
# Reasons printed per failure, and characters per reason: the full text is in the log.
_MAX_REASON_LINES = 8
_MAX_REASON_CHARS = 600
# Warnings whose reason is printed too (the others are dbt tests: their name says it).
_EXPLAINED_WARNINGS = (
    "every_landed_file_is_claimed",
    "no_file_is_a_copy",
    "loaded_files_unchanged",
    "feed_is_fresh",
)


@dataclass
class CheckTally:
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)


def tally_checks(evaluations: list[dg.AssetCheckEvaluation]) -> CheckTally:
    tally = CheckTally()
    for evaluation in evaluations:
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            tally.passed += 1
            continue
        if evaluation.severity == dg.AssetCheckSeverity.WARN:
            tally.warned.append(name)
        else:
            tally.failed.append(name)
        tally.reasons[name] = reason_of(evaluation)
    return tally


def step_failures(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Each failed step and the reason it gave (a dg.Failure description or the error)."""
    failures = {}
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE" or event.step_failure_data is None:
            continue
        data = event.step_failure_data
        user = data.user_failure_data
        reason = (user.description if user and user.description else None) or (
            data.error.message if data.error else "no reason given"
        )
        if "DagsterExecutionInterruptedError" in reason:
            reason = "stopped by SIGTERM or Ctrl-C before it finished; run again to complete it"
        failures[event.step_key or "?"] = reason.strip()
    return failures


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


def files_loaded_by_run(con: duckdb.DuckDBPyConnection, since: datetime) -> int:
    return con.execute(
        "select count(*) from raw.load_log where status = 'loaded' and _loaded_at >= ?",
        [since.replace(tzinfo=None)],
    ).fetchone()[0]


def icp_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """How the ICP learned this run (its training mode and why) and what its backtest
    said, in sentences; nothing when the warehouse has no ICP backtest yet."""
    try:
        row = con.execute(
            "select training_mode, training_mode_reason, auc, auc_status, total_outcomes,"
            " judged_on from marts.icp_backtest where breakdown = 'overall'"
        ).fetchone()
    except duckdb.Error:
        return []
    if row is None:
        return []
    mode, reason, auc, status, outcomes, judged_on = row
    backtest = f"AUC {auc:.3f} ({status})" if auc is not None else f"no AUC ({status})"
    return [
        f"ICP fit: training mode {mode}. {reason}",
        f"ICP backtest: {backtest} on {outcomes:,} {judged_on} closed after the cutoff.",
    ]


def _print_reason(reason: str) -> None:
    lines = [line for line in reason.splitlines() if line.strip()]
    for line in lines[:_MAX_REASON_LINES]:
        text = line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"
        print(f"      {text}")
    if len(lines) > _MAX_REASON_LINES:
        print(f"      … and {len(lines) - _MAX_REASON_LINES} more (see the log)")


@dataclass
class RunReport:
    warehouse: Path
    checks: CheckTally
    succeeded: bool
    started_at: datetime
    steps_failed: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    # Whether this run materialized the serving publication (a run can succeed while a
    # skipped publication step did nothing: then the last publication stands).
    published: bool = True
    # When nothing changed since the last publication, its time: the dbt build and the
    # publication were skipped and the published marts stand (build_fingerprint.py).
    unchanged_since: str | None = None


def print_summary(report: RunReport) -> None:
    checks = report.checks
    print("\n=== ABM warehouse run summary ===")
    print(f"warehouse: {report.warehouse}")
    print(f"run: {'succeeded' if report.succeeded else 'FAILED'}")
    try:
        con = duckdb.connect(str(report.warehouse), read_only=True)
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
            for sentence in icp_summary(con):
                print(sentence)
            if report.unchanged_since is not None:
                print(
                    f"nothing new since {report.unchanged_since}: the published marts stay "
                    "as they are (dbt build and publication skipped; ABM_FORCE_REBUILD=1 "
                    "rebuilds anyway)"
                )
            elif files_loaded_by_run(con, report.started_at) == 0:
                print(
                    "no new files were loaded by this run: the marts were rebuilt from the "
                    "same raw data (land new files under the landing folder to change them)"
                )
    for unclaimed in unclaimed_files(settings.landing_dir()):
        print(f"not loaded: {unclaimed.message}")
    print(
        f"checks passed: {checks.passed}, warned: {len(checks.warned)}, "
        f"failed: {len(checks.failed)}"
    )
    for name in checks.failed:
        print(f"  FAILED  {name}")
        _print_reason(checks.reasons.get(name, ""))
    for name in checks.warned:
        print(f"  warned  {name}")
        if name.split(":")[-1] in _EXPLAINED_WARNINGS:
            _print_reason(checks.reasons.get(name, ""))
    for step, reason in report.steps_failed.items():
        print(f"  step FAILED  {step}")
        _print_reason(reason)
    if report.succeeded:
        print_top_tier_1(settings.serving_path())
    if report.log_path is not None:
        print(f"full log: {report.log_path}")
    if report.succeeded and not checks.failed and report.published:
        print("result: PUBLISHED")
    elif report.succeeded and not checks.failed and report.unchanged_since is not None:
        print(f"result: UP TO DATE - the publication of {report.unchanged_since} stands")
    elif report.succeeded and not checks.failed:
        print(
            "result: FAILED - the run finished but its publication step did not run; the "
            "last publication is unchanged. See the full log for the skipped step."
        )
    elif not checks.failed and set(report.steps_failed) == {POSTGRES_STEP}:
        print(
            "result: FAILED - published to the serving file and Parquet, but not to "
            "Postgres; the last Postgres publication is unchanged. Fix what is listed "
            "above and run again."
        )
    else:
        print(
            "result: FAILED - nothing was published; the last publication is unchanged. "
            "Fix what is listed above and run again."
        )


def print_top_tier_1(serving: Path, limit: int = 5) -> None:
    """The best tier 1 accounts of the publication, each with its reason."""
    from orchestration.lib import serving_reader

    try:
        with serving_reader.open_serving(serving) as con:
            accounts = serving_reader.top_tier_1(con, limit)
    except (duckdb.Error, serving_reader.ServingFileMissing) as error:
        print(f"top tier 1 accounts not readable: {error}")
        return
    print(f"top tier 1 accounts ({len(accounts)} shown; `abm targets --tier tier_1` for all):")
    for account in accounts:
        owner = account["owner_name"] or "no owner"
        print(f"  {account['account_name']} ({account['domain']}, {owner})")
        _print_reason(account["tier_reason"] or "")


class RefreshAlreadyRunning(RuntimeError):
    pass


class NothingLanded(RuntimeError):
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


def active_refreshes(instance: dg.DagsterInstance, warehouse: Path) -> list[str]:
    """Live refresh runs of this warehouse elsewhere (the UI, schedule or sensor).

    Runs whose process is gone are marked failed and their pool slots freed; slots still
    held by finished runs are freed too; runs of other warehouses are left alone.
    """
    outcome = reconcile(instance, DAILY_REFRESH, warehouse)
    for run_id in outcome.marked_failed:
        print(f"marked dead run {run_id} failed (its process is gone) and freed its pool slot")
    for run_id in outcome.slots_freed:
        print(f"freed the pool slot still held by finished run {run_id}")
    return [run.run_id for run in outcome.live_same_warehouse]


def _interrupt_on_sigterm() -> None:
    """SIGTERM stops a run as Ctrl-C does: Dagster ends the step (and dbt) and records it."""

    def forward(_signum: int, _frame: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    signal.signal(signal.SIGTERM, forward)


def run_config(log_path: Path) -> dict:
    return {
        "loggers": {
            "console": {"config": {"log_level": "CRITICAL"}},
            "progress": {"config": {"enabled": True}},
            "file": {"config": {"path": str(log_path)}},
        }
    }


def _log_path(started_at: datetime) -> Path:
    return settings.PROJECT_DIR / "logs" / f"refresh-{started_at:%Y%m%dT%H%M%S}.log"


def job_step_keys(job: dg.JobDefinition) -> list[str]:
    """The run's steps (one per op of the asset job: ingest tables, dbt, checks, publication)."""
    return [node.name for node in job.graph.nodes]


def main() -> int:
    from orchestration.definitions import defs
    from orchestration.defs.project import dbt_project

    job = defs.resolve_job_def(DAILY_REFRESH)
    warehouse = settings.warehouse_path()
    landing = settings.landing_dir()
    started_at = datetime.now(UTC)
    log_path = _log_path(started_at)
    _interrupt_on_sigterm()
    try:
        if not has_landed_files(landing) and not warehouse.exists():
            elsewhere = "".join(f"\n  {u.message}" for u in unclaimed_files(landing))
            raise NothingLanded(
                f"no data has landed yet: put files under {landing}/<source>/<table>/ "
                "(e.g. crm/account/accounts.csv; see docs/data-model.md), or run "
                f"`make sample` for sample data{elsewhere}"
            )
        with refresh_lock(warehouse), dg.DagsterInstance.get() as instance:
            running = active_refreshes(instance, warehouse)
            if running:
                raise RefreshAlreadyRunning(
                    f"a refresh of {warehouse} is already running in Dagster "
                    f"(run {', '.join(running)}); wait for it to finish, then run again"
                )
            print(f"refreshing {warehouse} from {landing} (full log: {log_path})", flush=True)
            log_path.parent.mkdir(parents=True, exist_ok=True)
            # Bars on a terminal, step lines elsewhere, on stdout as it is before the
            # redirect: dbt's own lines (dagster-dbt echoes them) go to the log file.
            display = progress.renderer_for(
                sys.stdout,
                job_step_keys(job),
                progress.dbt_node_total(dbt_project.manifest_path),
                force_lines=bool(os.environ.get(PLAIN_PROGRESS_ENV)),
            )
            with (
                log_path.open("a", encoding="utf-8", buffering=1) as log,
                progress.showing(display),
                redirect_stdout(log),
            ):
                result = job.execute_in_process(
                    instance=instance,
                    raise_on_error=False,
                    run_config=run_config(log_path),
                    tags={LAUNCHED_BY_TAG: LAUNCHED_BY_CLI, **this_process_tags(warehouse)},
                )
    except (RefreshAlreadyRunning, NothingLanded) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        print("result: REFUSED - nothing ran", file=sys.stderr)
        return EXIT_REFUSED
    checks = tally_checks(result.get_asset_check_evaluations())
    published = PUBLICATION_KEY in {
        event.asset_key for event in result.get_asset_materialization_events()
    }
    report = RunReport(
        warehouse,
        checks,
        result.success,
        started_at,
        step_failures(result),
        log_path,
        published,
        unchanged_since(result),
    )
    print_summary(report)
    done = published or report.unchanged_since is not None
    return 0 if result.success and not checks.failed and done else EXIT_FAILED


def unchanged_since(result: dg.ExecuteInProcessResult) -> str | None:
    """When the standing publication was made, if this run skipped its build as unchanged."""
    for event in result.get_asset_observation_events():
        observation = event.event_specific_data.asset_observation
        value = observation.metadata.get(UNCHANGED_METADATA)
        if value is not None:
            return str(getattr(value, "value", value))
    return None


if __name__ == "__main__":
    sys.exit(main())
