"""The scoring date as a daily partition: a partitioned run gives dbt as_of_date = the
partition key, a backfill range builds its dates in date order, and the unpartitioned
refresh (schedule, sensor, `make run`) scores as it always did."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from orchestration.defs.dbt_assets import SCORING_DATES, abm_dbt_models, scoring_dates
from orchestration.defs.jobs import DAILY_REFRESH
from orchestration.defs.resources import AbmSettings
from orchestration.defs.schedules import daily_refresh_schedule
from orchestration.lib.dbt_cli import SCHEDULED_BUILD, dbt_build_args

TIERS = '{"tiers_capacity": {"tier_1": 5, "tier_2": 25, "tier_3": 100}}'


def _vars(args: list[str]) -> dict:
    assert args[: len(SCHEDULED_BUILD)] == SCHEDULED_BUILD
    assert args[-2] == "--vars"
    return json.loads(args[-1])


def _dbt_commands(context: dg.AssetExecutionContext, resource: AbmSettings) -> list[list[str]]:
    """The dbt commands the dbt asset runs for this context, in the order it runs them."""
    dates = scoring_dates(context)
    if not dates:
        return [resource.dbt_build_args()]
    return [resource.partition_build_args(date) for date in dates]


def test_a_partitioned_run_gives_dbt_the_partition_key_as_as_of_date() -> None:
    context = dg.build_asset_context(partition_key="2026-11-10")
    resource = AbmSettings(as_of="2026-12-01", dbt_vars=TIERS)
    (command,) = _dbt_commands(context, resource)
    dbt_vars = _vars(command)
    # The partition key wins over ABM_AS_OF; the run's other vars still apply.
    assert dbt_vars["as_of_date"] == "2026-11-10"
    assert dbt_vars["tiers_capacity"] == {"tier_1": 5, "tier_2": 25, "tier_3": 100}


def test_the_partition_key_wins_over_an_as_of_date_in_abm_dbt_vars() -> None:
    resource = AbmSettings(dbt_vars='{"as_of_date": "2025-01-01"}')
    assert _vars(resource.partition_build_args("2026-11-10")) == {"as_of_date": "2026-11-10"}


def test_a_backfill_range_builds_each_date_in_date_order() -> None:
    context = dg.build_asset_context(
        partition_key_range=dg.PartitionKeyRange("2026-11-08", "2026-11-11")
    )
    commands = _dbt_commands(context, AbmSettings(as_of="", dbt_vars=""))
    assert [_vars(c)["as_of_date"] for c in commands] == [
        "2026-11-08",
        "2026-11-09",
        "2026-11-10",
        "2026-11-11",
    ]


def test_an_unpartitioned_run_scores_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABM_AS_OF", raising=False)
    monkeypatch.delenv("ABM_DBT_VARS", raising=False)
    context = dg.build_asset_context()
    assert scoring_dates(context) == []
    assert _dbt_commands(context, AbmSettings(as_of="", dbt_vars="")) == [SCHEDULED_BUILD]
    resource = AbmSettings(as_of="2026-11-23", dbt_vars="")
    assert _dbt_commands(context, resource) == [dbt_build_args("", "2026-11-23")]


def test_backfills_are_one_run_over_daily_partitions_and_the_schedule_stays_unpartitioned() -> None:
    assert isinstance(abm_dbt_models.partitions_def, dg.DailyPartitionsDefinition)
    assert abm_dbt_models.backfill_policy == dg.BackfillPolicy.single_run()
    from orchestration.definitions import defs

    assert defs.resolve_job_def(DAILY_REFRESH).partitions_def == SCORING_DATES
    with dg.build_schedule_context() as context:
        (request,) = daily_refresh_schedule.evaluate_tick(context).run_requests
    assert request.partition_key is None
