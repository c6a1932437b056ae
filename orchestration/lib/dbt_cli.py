"""The dbt command a refresh runs, the vars it runs with, and what its failures say.

Pure functions: the Dagster asset (`orchestration/defs/dbt_assets.py`) and the checks
call them, and so do the tests.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from orchestration.lib import settings


def dbt_var_overrides(vars_json: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """The vars a run gives dbt on top of dbt_project.yml.

    `ABM_DBT_VARS` (a JSON object) overrides dbt_project.yml vars for one run, e.g.
    `ABM_DBT_VARS='{"tiers_capacity": {"tier_1": 5, "tier_2": 25, "tier_3": 100}}'`;
    `ABM_AS_OF` sets `as_of_date` unless ABM_DBT_VARS names it. Both default to the
    environment.
    """
    vars_json = settings.DBT_VARS.value(vars_json)
    as_of = settings.AS_OF.value(as_of)
    overrides: dict[str, Any] = {}
    if vars_json:
        try:
            overrides = json.loads(vars_json)
        except json.JSONDecodeError as exc:
            raise ValueError(f"ABM_DBT_VARS is not valid JSON: {exc}") from exc
        if not isinstance(overrides, dict):
            raise ValueError("ABM_DBT_VARS must be a JSON object of dbt var names to values")
    if as_of:
        overrides = {"as_of_date": as_of, **overrides}
    return overrides


# dbt unit tests pin a model's logic on fixture rows, not the day's data: they run in CI
# (tests/integration/test_dbt_unit_tests.py) and in the analyst's dev build, not in every
# scheduled refresh (dbt's own advice; they were a quarter of each refresh's dbt time).
SCHEDULED_BUILD = ["build", "--exclude-resource-type", "unit_test"]


# Local Spark has no Delta, which dbt-spark's snapshots need: on the `spark` target the
# tier history (snapshot account_tiers_snapshot and its tests) is left out.
SPARK_EXCLUDE = ["--exclude", "resource_type:snapshot+"]


# ABM_SKIP_DBT_TESTS=1 (settings.py): seeds and models only, no data tests. Off by
# default; a switch for trying a build by hand (README "Running on Spark").
SKIP_TESTS = ["--exclude-resource-type", "test"]
# ABM_DBT_TEST_EXCLUDE (settings.py): some data tests left out, each criterion limited to
# tests. Off by default; the sameness test's Spark side keeps a few seeds' tests with it.
TEST_EXCLUDE = "--exclude"


def dbt_build_args(
    vars_json: str | None = None,
    as_of: str | None = None,
    target: str | None = None,
) -> list[str]:
    """`dbt build` runs seeds, models, snapshots and their data tests in dependency order,
    with the run's vars but the scoring date (`dbt_build_env` gives it); `target` is the
    dbt target (default ABM_DBT_TARGET; Spark leaves snapshots out)."""
    # The scoring date reaches dbt as SCORING_DATE_ENV (dbt_build_env), not as a var.
    overrides = dbt_var_overrides(vars_json, as_of)
    overrides.pop("as_of_date", None)
    args = list(SCHEDULED_BUILD)
    if (target or os.environ.get("ABM_DBT_TARGET")) == "spark":
        args += SPARK_EXCLUDE
    if settings.skip_dbt_tests():
        args += SKIP_TESTS
    elif exclusions := settings.dbt_test_exclusions():
        args += [TEST_EXCLUDE, " ".join(exclusions)]
    if not overrides:
        return args
    return [*args, "--vars", json.dumps(overrides, sort_keys=True)]


# The run window (orchestration/lib/run_window.py) and the scoring date reach dbt as
# environment variables, not vars: dbt's partial parsing starts over when the command
# line's vars change (~18 CPU-s instead of ~6), and both move every day (a backfill:
# every date). macros/tests/run_window.sql and macros/scoring/as_of_date.sql read them
# only while dbt executes, so they never enter the parse state.
ROWS_SINCE_ENV = "ABM_TEST_ROWS_SINCE"
SCORING_DATE_ENV = "ABM_SCORING_DATE"


def dbt_build_env(
    rows_since: str | None,
    vars_json: str | None = None,
    as_of: str | None = None,
    as_of_date: str | None = None,
) -> dict[str, str]:
    """The environment the dbt build adds: `rows_since` scopes the tests on history tables
    unless the run's vars set `test_rows_since` themselves (empty: every row is checked);
    the scoring date is `as_of_date` (a backfill's date), else ABM_AS_OF / ABM_DBT_VARS'
    `as_of_date`, else empty (the latest event date in the data)."""
    overrides = dbt_var_overrides(vars_json, as_of)
    if "test_rows_since" in overrides:
        rows_since = None
    scoring_date = as_of_date or str(overrides.get("as_of_date") or "").strip()
    return {ROWS_SINCE_ENV: rows_since or "", SCORING_DATE_ENV: scoring_date}


@contextmanager
def environ_set(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in os.environ for the block (a child process started in it inherits them),
    the previous values back after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_vars(
    vars_json: str | None = None,
    as_of: str | None = None,
    project_dir: Path = settings.PROJECT_DIR,
) -> dict[str, Any]:
    """The vars of the run being checked: dbt_project.yml, then the run's overrides on top,
    as dbt itself got them (`dbt build --vars`): a check never judges by other rules."""
    dbt_vars = yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]
    return {**dbt_vars, **dbt_var_overrides(vars_json, as_of)}


def dbt_failure_summary(run_results: Mapping[str, Any]) -> str:
    """One line per dbt node that errored or failed: its name and dbt's own message."""
    lines = []
    for result in run_results.get("results", []):
        if result.get("status") not in ("error", "fail", "runtime error"):
            continue
        name = result.get("unique_id", "?").split(".", 2)[-1]
        message = " ".join((result.get("message") or "").split())
        failures = result.get("failures")
        detail = f" ({failures} failing rows)" if failures else ""
        lines.append(f"{name}: {message[:400]}{detail}")
    if not lines:
        return "dbt build failed before running any node: see the full log"
    hint = (
        "fix the model or the data it names; `dbt build -s <name>` reproduces it, "
        "`dbt test -s <name> --store-failures` shows a test's rows"
    )
    return "\n".join([*lines, hint])


def dbt_build_failure(target_path: Path, returncode: int | None) -> str:
    """Why a dbt invocation failed: its failing nodes from `run_results.json`, or, when dbt
    ended before writing that file (killed from outside, out of memory, a crash), its exit
    code and where its log is."""
    results_file = target_path / "run_results.json"
    if results_file.exists():
        return dbt_failure_summary(json.loads(results_file.read_text()))
    log = target_path / "dbt.log"
    if returncode is not None and returncode < 0:
        return (
            f"dbt was stopped by signal {-returncode} before writing its results "
            f"({results_file.name}): it was killed from outside (out of memory, a stopped "
            f"run). Nothing was published. Its log: {log}. Run the job again; if it ends "
            "the same way, look at the log's last lines and the machine's memory."
        )
    return (
        f"dbt exited with code {returncode} before writing its results "
        f"({results_file.name}): it failed before its first node (the project's parse, "
        f"the profile or the connection). Nothing was published. Its log: {log}; "
        "`dbt parse` and `dbt debug` show the error."
    )


# Each dbt invocation from Dagster gets its own target folder (artifacts, compiled SQL,
# dbt.log: about 21 MB at 3,000 accounts); without pruning a daily refresh grows the
# checkout's target/ by that much every day.
KEEP_RUN_FOLDERS = 10


def prune_run_folders(current: Path, keep: int = KEEP_RUN_FOLDERS) -> list[Path]:
    """Delete the oldest of the per-invocation target folders beside `current` (same
    asset-name prefix), keeping the newest `keep` and always `current`; returns them."""
    prefix = current.name.split("-", 1)[0] + "-"
    siblings = [p for p in current.parent.glob(f"{prefix}*") if p.is_dir() and p != current]
    siblings.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    removed = siblings[max(keep - 1, 0) :]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
