"""Backfills of past scoring dates: one run per date, oldest first.

The scheduled `daily_refresh` stays unpartitioned. This job partitions its *run config*,
not its assets: each daily partition key is the `as_of_date` the dbt build scores
(`DbtRunConfig` of the dbt asset), so the dbt assets and their asset checks are the same
definitions in both jobs (a partitioned dbt asset cannot have its checks evaluated in
the unpartitioned daily run: Dagster 1.13 raises "Cannot access partition_key for a
non-partitioned run"). The job builds and tests dbt only: it neither ingests nor
publishes, so BI keeps the last daily publication while history fills in.

Date order: tier stability (int_tiers_previous_run) reads the date before. The runs
carry the daily refresh's per-warehouse tag, which dagster.yaml limits to one run at a
time, and the queue starts them in the order the backfill submitted them: by date.
"""

import dagster as dg

from orchestration.defs.dbt_assets import abm_dbt_models
from orchestration.defs.jobs import REFRESH_TAG
from orchestration.lib import settings
from orchestration.lib.liveness import WAREHOUSE_TAG, warehouse_id

BACKFILL_JOB = "backfill_scoring_dates"

scoring_dates = dg.DailyPartitionsDefinition(
    start_date=settings.BACKFILL_START.value(), end_offset=1
)


def backfill_run_config(partition_key: str) -> dict:
    """The run config of one backfilled date: the dbt build scores that date."""
    return {"ops": {abm_dbt_models.op.name: {"config": {"as_of_date": partition_key}}}}


backfill_job = dg.define_asset_job(
    BACKFILL_JOB,
    selection=dg.AssetSelection.assets(abm_dbt_models),
    config=dg.PartitionedConfig(
        partitions_def=scoring_dates, run_config_for_partition_key_fn=backfill_run_config
    ),
    description="Re-score past dates: one run per scoring date (a daily partition), "
    "oldest first; dbt build and tests only (no ingestion, no publication).",
    tags={
        REFRESH_TAG: warehouse_id(settings.warehouse_path()),
        WAREHOUSE_TAG: str(settings.warehouse_path().resolve()),
    },
)
