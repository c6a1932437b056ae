"""Checks on the account-level marts before they are published.

The rules live in GX suites (`expectations/expectations/marts__<mart>.json`); they
run on a pandas batch of the latest as-of date's rows, read through a read-only
DuckDB connection (GX's SQL datasource does not work on DuckDB). Row-level rules
over whole-history tables are dbt tests instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from orchestration.ingest.contracts import EXPECTATIONS_DIR, load_suite
from orchestration.ingest.validation import SuiteRunner
from orchestration.settings import PROJECT_DIR

MAX_LISTED_ROWS = 10
TARGET_TIERS = ("tier_1", "tier_2", "tier_3")


@dataclass
class CheckOutcome:
    passed: bool
    problems: list[str] = field(default_factory=list)
    rows_checked: int = 0


def checked_marts(expectations_dir: Path = EXPECTATIONS_DIR) -> list[str]:
    return sorted(
        path.stem.removeprefix("marts__")
        for path in (expectations_dir / "expectations").glob("marts__*.json")
    )


def latest_rows(con: duckdb.DuckDBPyConnection, mart: str) -> pd.DataFrame:
    """The mart's rows for its latest as-of date (every row when it has no such column)."""
    columns = {row[0] for row in con.execute(f'describe marts."{mart}"').fetchall()}
    where = (
        f'where as_of_date = (select max(as_of_date) from marts."{mart}")'
        if "as_of_date" in columns
        else ""
    )
    return con.execute(f'select * from marts."{mart}" {where}').df()


def validate_frame(
    frame: pd.DataFrame, mart: str, runner: SuiteRunner, expectations_dir: Path = EXPECTATIONS_DIR
) -> CheckOutcome:
    suite = load_suite(expectations_dir / "expectations" / f"marts__{mart}.json")
    key_column = suite.meta.get("key_column", "account_id")
    result = runner.validate(frame.reset_index(drop=True), suite)
    problems = []
    for expectation in result.results:
        if expectation.success:
            continue
        config = expectation.expectation_config
        column = config.kwargs.get("column", "")
        reason = (config.meta or {}).get("reason", config.type)
        indexes = expectation.result.get("unexpected_index_list") or []
        listed = [
            f"{frame.at[i, key_column]}: "
            + reason.format(column=column, value=frame.at[i, column], value_set="")
            for i in indexes[:MAX_LISTED_ROWS]
        ]
        more = (
            f" (+{len(indexes) - MAX_LISTED_ROWS} more)" if len(indexes) > MAX_LISTED_ROWS else ""
        )
        problems.append(
            f"{config.type} on {column}: {len(indexes)} rows; " + "; ".join(listed) + more
        )
    return CheckOutcome(passed=not problems, problems=problems, rows_checked=len(frame))


def project_vars(project_dir: Path = PROJECT_DIR) -> dict:
    """The vars of the run being checked: dbt_project.yml, then ABM_DBT_VARS on top, as
    dbt itself got them (`dbt build --vars`): a check never judges by other rules."""
    from orchestration.defs.dbt_assets import dbt_build_args

    dbt_vars = yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]
    args = dbt_build_args()
    if "--vars" in args:
        dbt_vars = {**dbt_vars, **json.loads(args[args.index("--vars") + 1])}
    return dbt_vars


def tier_sizes(tiers: pd.DataFrame) -> pd.DataFrame:
    targeted = tiers[tiers["tier"].isin(TARGET_TIERS)]
    return targeted.groupby("tier").size().rename("accounts").reset_index()


def capacity_outcome(tiers: pd.DataFrame, dbt_vars: dict) -> CheckOutcome:
    """No tier (or tier cluster, where capacity is per cluster) holds more than its capacity."""
    capacity = dbt_vars["tiers_capacity"]
    per_cluster = set(dbt_vars.get("tiers_capacity_per_cluster", []))
    problems = []
    for tier in TARGET_TIERS:
        members = tiers[tiers["tier"] == tier]
        if tier in per_cluster:
            groups = members.groupby("cluster_key").size().to_dict()
        else:
            groups = {"(all)": len(members)}
        for group, count in groups.items():
            if count > capacity[tier]:
                problems.append(f"{tier} {group}: {count} accounts > capacity {capacity[tier]}")
    return CheckOutcome(passed=not problems, problems=problems, rows_checked=len(tiers))


def drift_outcome(
    current: pd.DataFrame, published: pd.DataFrame | None, max_share: float
) -> CheckOutcome:
    """A tier whose size moved by more than max_share since the last publication."""
    if published is None or published.empty:
        return CheckOutcome(passed=True, problems=["no earlier publication to compare with"])
    before = dict(zip(published["tier"], published["accounts"], strict=True))
    problems = []
    for tier, now in zip(current["tier"], current["accounts"], strict=True):
        was = before.get(tier, 0)
        change = abs(now - was) / was if was else (1.0 if now else 0.0)
        if change > max_share:
            problems.append(f"{tier}: {was} -> {now} accounts ({change:.0%} > {max_share:.0%})")
    return CheckOutcome(passed=not problems, problems=problems, rows_checked=len(current))


def published_tier_sizes(serving_path: Path) -> pd.DataFrame | None:
    if not serving_path.exists():
        return None
    with duckdb.connect(str(serving_path), read_only=True) as con:
        has_tiers = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'account_tiers'"
        ).fetchone()[0]
        if not has_tiers:
            return None
        return tier_sizes(latest_rows(con, "account_tiers"))
