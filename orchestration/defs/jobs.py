"""The daily refresh: one job over every asset."""

import dagster as dg

from orchestration.lib import settings
from orchestration.lib.liveness import WAREHOUSE_TAG, warehouse_id

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
