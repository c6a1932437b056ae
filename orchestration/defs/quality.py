"""Blocking checks on the account-level marts (GX suites) and tier drift, before publication."""

import dagster as dg
import duckdb
from dagster_dbt import get_asset_key_for_model

from orchestration import settings
from orchestration.defs.dbt_assets import abm_dbt_models
from orchestration.defs.project import WRITER_POOL
from orchestration.ingest.validation import SuiteRunner
from orchestration.quality import (
    CheckOutcome,
    capacity_outcome,
    checked_marts,
    drift_outcome,
    latest_rows,
    project_vars,
    published_tier_sizes,
    tier_sizes,
    validate_frame,
)


def mart_key(mart: str) -> dg.AssetKey:
    """The key dagster-dbt gave the model (it carries the configured schema)."""
    return get_asset_key_for_model([abm_dbt_models], mart)


def _result(outcome: CheckOutcome, **metadata: object) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        metadata={
            "rows_checked": outcome.rows_checked,
            "problems": "\n".join(outcome.problems) or "none",
            **metadata,
        },
    )


def build_suite_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=mart_key(mart),
        name=f"gx_suite_{mart}",
        blocking=True,
        pool=WRITER_POOL,
        description=f"GX suite marts__{mart} on the latest as-of date: score ranges, one row "
        "per account, allowed values. Failing rows are listed by account_id.",
    )
    def _check() -> dg.AssetCheckResult:
        with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
            frame = latest_rows(con, mart)
        return _result(validate_frame(frame, mart, SuiteRunner()))

    return _check


@dg.asset_check(
    asset=mart_key("account_tiers"),
    blocking=True,
    pool=WRITER_POOL,
    description="No tier (Tier 2: no cluster) holds more accounts than its capacity var.",
)
def tiers_within_capacity() -> dg.AssetCheckResult:
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        tiers = latest_rows(con, "account_tiers")
    return _result(capacity_outcome(tiers, project_vars()))


@dg.asset_check(
    asset=mart_key("account_tiers"),
    pool=WRITER_POOL,
    description="Warns when a tier's size moved more than var quality_max_tier_drift_share "
    "since the last publication (a feed or rule change worth a look before BI shows it).",
)
def tier_drift_since_last_publication() -> dg.AssetCheckResult:
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        current = tier_sizes(latest_rows(con, "account_tiers"))
    max_share = float(project_vars()["quality_max_tier_drift_share"])
    outcome = drift_outcome(current, published_tier_sizes(settings.serving_path()), max_share)
    result = _result(outcome, max_share=max_share)
    return dg.AssetCheckResult(
        passed=result.passed, severity=dg.AssetCheckSeverity.WARN, metadata=result.metadata
    )


mart_suite_checks = [build_suite_check(mart) for mart in checked_marts()]
