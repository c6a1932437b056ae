"""The daily refresh: one job over every asset, on a schedule from the environment."""

import os

import dagster as dg

from orchestration import settings
from orchestration.liveness import WAREHOUSE_TAG, warehouse_id

DAILY_REFRESH = "daily_refresh"
# dagster.yaml limits runs carrying one value of this tag (one warehouse) to one at a
# time; a second refresh of the same warehouse queues.
REFRESH_TAG = "abm/refresh"

daily_refresh_job = dg.define_asset_job(
    DAILY_REFRESH,
    selection=dg.AssetSelection.all(),
    description="Ingest new landed files, build and test every dbt model, then publish "
    "the BI marts if every blocking check passed.",
    tags={
        REFRESH_TAG: warehouse_id(settings.warehouse_path()),
        WAREHOUSE_TAG: str(settings.warehouse_path().resolve()),
    },
)

daily_refresh_schedule = dg.ScheduleDefinition(
    name="daily_refresh_schedule",
    job=daily_refresh_job,
    cron_schedule=os.environ.get("ABM_SCHEDULE_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("ABM_SCHEDULE_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
