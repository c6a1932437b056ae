"""The backfill job re-scores past dates, one run per daily partition, oldest first:
the dbt build gets the partition as `as_of_date`, the dbt tests are evaluated as the
same asset checks as in the unpartitioned daily refresh, and each date's tier history
sees the date before (orchestration/defs/backfill.py)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import dagster as dg
import duckdb
import pytest

from tests.conftest import BuiltWarehouse
from tests.integration.deployments import deploy_copy, failed_checks, file_digest, materialized


@pytest.fixture(scope="module")
def backfilled(built_warehouse: BuiltWarehouse, tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.defs.backfill import BACKFILL_JOB

    deployment = deploy_copy(built_warehouse, tmp_path_factory.mktemp("backfill") / "deploy")
    anchor = date.fromisoformat(
        json.loads((built_warehouse.truth_dir / "meta.json").read_text())["anchor_date"]
    )
    dates = [(anchor - timedelta(days=days)).isoformat() for days in (9, 8)]
    serving_before = file_digest(deployment.serving)
    job = defs.resolve_job_def(BACKFILL_JOB)
    results = []
    with pytest.MonkeyPatch.context() as patch:
        for name, value in deployment.env().items():
            patch.setenv(name, value)
        instance = dg.DagsterInstance.ephemeral()
        for partition in dates:  # the order a backfill's queue runs them in
            results.append(
                job.execute_in_process(
                    instance=instance, partition_key=partition, raise_on_error=False
                )
            )
    return deployment, dates, results, serving_before


def test_the_job_is_partitioned_by_scoring_date_and_the_daily_refresh_is_not() -> None:
    from orchestration.definitions import defs
    from orchestration.defs.backfill import BACKFILL_JOB
    from orchestration.defs.jobs import DAILY_REFRESH

    backfill = defs.resolve_job_def(BACKFILL_JOB)
    assert isinstance(backfill.partitions_def, dg.DailyPartitionsDefinition)
    assert defs.resolve_job_def(DAILY_REFRESH).partitions_def is None


def test_each_date_builds_and_evaluates_the_dbt_checks(backfilled) -> None:
    _, _, results, _ = backfilled
    for result in results:
        assert result.success, failed_checks(result)
        evaluations = result.get_asset_check_evaluations()
        assert len(evaluations) > 100  # the dbt tests, as asset checks
        assert not failed_checks(result)
        assert "intermediate/int_account_tiers" in materialized(result)
        assert "serving/publication" not in materialized(result)


def test_each_date_has_its_tier_history_and_sees_the_date_before(backfilled) -> None:
    deployment, dates, _, serving_before = backfilled
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        per_date = dict(
            con.execute(
                "select cast(as_of_date as varchar), count(*) from intermediate.int_account_tiers "
                "where as_of_date in (?, ?) group by all",
                dates,
            ).fetchall()
        )
        previous = con.execute(
            "select distinct cast(previous_as_of_date as varchar) from "
            "intermediate.int_account_tiers where as_of_date = ? and previous_tier is not null",
            [dates[1]],
        ).fetchall()
    assert set(per_date) == set(dates) and min(per_date.values()) > 0
    assert previous == [(dates[0],)]
    # BI keeps the last daily publication while history fills in.
    assert file_digest(deployment.serving) == serving_before
