"""What SQL cannot see: how the tiers moved since the last publication.

Every rule on one build's rows is a dbt test (tier capacity, keys, allowed values,
ranges; Dagster runs them as asset checks). Drift compares the build with the serving
file, which dbt never reads, so it is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

TARGET_TIERS = ("tier_1", "tier_2", "tier_3")


@dataclass
class CheckOutcome:
    passed: bool
    problems: list[str] = field(default_factory=list)
    rows_checked: int = 0


def latest_tier_sizes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accounts per target tier on the latest as-of date of `marts.account_tiers`."""
    return con.execute(
        "select tier, count(*) as accounts from marts.account_tiers "
        "where as_of_date = (select max(as_of_date) from marts.account_tiers) "
        "and tier in (?, ?, ?) group by tier order by tier",
        list(TARGET_TIERS),
    ).df()


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
        return latest_tier_sizes(con)
