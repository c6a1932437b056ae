"""The semantic layer (MetricFlow over the marts) answers what hand-written SQL answers.

`mf query` runs in a subprocess against a copy of the session's built warehouse (mf
opens it for writing; other test processes read the session's build meanwhile). The
semantic manifest names every table by its database, which is the warehouse file's
name, so the project is parsed against that file first, in a project view of its own:
mf reads `target/semantic_manifest.json` from the project root, and the session's
shared `target/` stays as it is.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What dbt and mf read from the project root; target/ and logs/ are the view's own.
PROJECT_ENTRIES = (
    "dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots", "data-tests",
)

# Hand-written SQL: the same facts from the intermediate models the marts are built
# on, and each account's tier at the latest as-of date from the published tiers.
COUNTED_OPPORTUNITIES = """
    with as_of as (select as_of_date from intermediate.int_as_of_date),
    tiers as (
        select account_id, tier from marts.account_tiers
        where as_of_date = (select max(as_of_date) from marts.account_tiers)
    )
    select
        opportunities.*,
        tiers.tier,
        coalesce(
            opportunities.is_closed
            and opportunities.close_date <= as_of.as_of_date
            and opportunities.created_date <= opportunities.close_date,
            false
        ) as is_closed_by_as_of
    from intermediate.int_kpi_opportunities as opportunities
    cross join as_of
    left join tiers on opportunities.account_id = tiers.account_id
    where opportunities.is_counted and opportunities.created_date <= as_of.as_of_date
"""

PIPELINE_AND_WIN_RATE_BY_TIER_AND_MONTH = f"""
    with opportunities as ({COUNTED_OPPORTUNITIES}),
    created as (
        select tier, date_trunc('month', created_date) as month, sum(amount_usable) as pipeline
        from opportunities group by all
    ),
    closed as (
        select
            tier, date_trunc('month', close_date) as month,
            sum(case when is_won then 1 else 0 end) / count(*) as win_rate
        from opportunities where is_closed_by_as_of group by all
    )
    select
        coalesce(created.tier, closed.tier) as tier,
        cast(coalesce(created.month, closed.month) as date) as month,
        closed.win_rate,
        created.pipeline
    from created
    full outer join closed
        on created.tier is not distinct from closed.tier and created.month = closed.month
"""

WIN_RATE_BY_TIER = f"""
    with opportunities as ({COUNTED_OPPORTUNITIES})
    select tier, sum(case when is_won then 1 else 0 end) / count(*) as win_rate
    from opportunities where is_closed_by_as_of group by all
"""

ACCOUNTS_BY_TIER = """
    select tier, count(*) as accounts
    from marts.account_tiers
    where as_of_date = (select max(as_of_date) from marts.account_tiers)
    group by all
"""


@pytest.fixture(scope="module")
def mf_project(built_warehouse, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("mf_project")
    # mf opens the warehouse for writing: a copy, so other test processes keep reading.
    warehouse = root / "warehouse.duckdb"
    shutil.copy2(built_warehouse.warehouse_path, warehouse)
    for entry in PROJECT_ENTRIES:
        (root / entry).symlink_to(PROJECT_DIR / entry)
    env = {
        **os.environ,
        "ABM_DBT_TARGET": "duckdb",
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(root),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    subprocess.run([str(BIN / "dbt"), "parse", "--quiet"], cwd=root, env=env, check=True)
    return root, env


def mf_query(mf_project: tuple[Path, dict[str, str]], metrics: str, group_by: str) -> list[dict]:
    root, env = mf_project
    out = root / f"{metrics}-{group_by}.csv".replace(",", "+")
    result = subprocess.run(
        [str(BIN / "mf"), "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out)],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0 and out.exists(), result.stdout + result.stderr
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def hand_sql(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def number(text: str | None) -> float | None:
    return None if text in (None, "", "None", "nan") else float(text)


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def test_semantic_configs_validate_against_the_warehouse(mf_project):
    root, env = mf_project
    result = subprocess.run(
        [str(BIN / "mf"), "validate-configs"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERRORS: 0" in result.stdout


def test_win_rate_and_pipeline_by_tier_and_month_match_hand_sql(built_warehouse, mf_project):
    rows = mf_query(mf_project, "win_rate,pipeline_created", "account__tier,metric_time__month")
    got = {
        (row["account__tier"] or None, row["metric_time__month"][:10]): (
            number(row["win_rate"]), number(row["pipeline_created"]),
        )
        for row in rows
    }
    expected = {
        (tier, month.isoformat()): (win_rate, pipeline)
        for tier, month, win_rate, pipeline in hand_sql(
            built_warehouse.warehouse_path, PIPELINE_AND_WIN_RATE_BY_TIER_AND_MONTH
        )
    }
    assert len(expected) > 12 and {tier for tier, _ in expected} >= {"tier_1", "not_target"}
    assert set(got) == set(expected)
    mismatched = {
        key: (got[key], expected[key]) for key in expected
        if not (same(got[key][0], expected[key][0]) and same(got[key][1], expected[key][1]))
    }
    assert mismatched == {}


def test_win_rate_by_tier_re_aggregates_over_all_months(built_warehouse, mf_project):
    """A ratio metric: won deals / closed deals over the whole period, not an average
    of monthly rates."""
    rows = mf_query(mf_project, "win_rate", "account__tier")
    got = {row["account__tier"] or None: number(row["win_rate"]) for row in rows}
    expected = dict(hand_sql(built_warehouse.warehouse_path, WIN_RATE_BY_TIER))
    assert set(got) == set(expected)
    assert all(same(got[tier], expected[tier]) for tier in expected), (got, expected)


def test_accounts_by_tier_count_each_account_once(built_warehouse, mf_project):
    rows = mf_query(mf_project, "accounts", "account__tier")
    got = {row["account__tier"]: number(row["accounts"]) for row in rows}
    counts = hand_sql(built_warehouse.warehouse_path, ACCOUNTS_BY_TIER)
    expected = {tier: float(n) for tier, n in counts}
    assert got == expected
