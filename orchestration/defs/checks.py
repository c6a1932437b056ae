"""Python checks on the marts: only what a dbt test cannot see.

Tier capacity, keys, allowed values and ranges are dbt tests (dagster-dbt runs them as
asset checks, `error` severity blocking). Drift against the last publication compares
the build with the serving file, which dbt never reads.
"""

import dagster as dg
import duckdb
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.dbt_assets import abm_dbt_models
from orchestration.defs.project import WRITER_POOL
from orchestration.defs.resources import AbmSettings
from orchestration.lib.quality import drift_outcome, latest_tier_sizes, published_tier_sizes


@dg.asset_check(
    asset=get_asset_key_for_model([abm_dbt_models], "account_tiers"),
    pool=WRITER_POOL,
    description="Warns when a tier's size moved more than var quality_max_tier_drift_share "
    "(of this run's vars: ABM_DBT_VARS on top of dbt_project.yml) since the last publication "
    "(a feed or rule change worth a look before BI shows it).",
)
def tier_drift_since_last_publication(abm_settings: AbmSettings) -> dg.AssetCheckResult:
    with duckdb.connect(str(abm_settings.warehouse()), read_only=True) as con:
        current = latest_tier_sizes(con)
    max_share = float(abm_settings.run_vars()["quality_max_tier_drift_share"])
    outcome = drift_outcome(current, published_tier_sizes(abm_settings.serving()), max_share)
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_checked": outcome.rows_checked,
            "problems": "\n".join(outcome.problems) or "none",
            "max_share": max_share,
        },
    )
