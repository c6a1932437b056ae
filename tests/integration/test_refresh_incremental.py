"""A failing blocking check stops the publication, the next good run publishes, and an
incremental run over stored history equals a full build."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.conftest import BuiltWarehouse
from tests.integration.deployments import (
    deploy_copy,
    differing_tables,
    failed_checks,
    file_digest,
    materialized,
    publication_run_id,
    run_refresh,
)

# --- a failing blocking check, then an incremental run, against a full build ----------

# Incremental models and the rows of them that a full build on the same inputs must equal:
# the whole weekly intent table, and the latest as-of date of the per-date facts.
INCREMENTAL_LATEST = {
    "int_intent_topic_weeks": ("intermediate", ""),
    "fct_account_snapshots": ("marts", "as_of_date"),
    "account_intent_scores": ("marts", "as_of_date"),
    "account_engagement_scores": ("marts", "as_of_date"),
    "account_journey": ("marts", "as_of_date"),
}


@pytest.fixture(scope="module")
def withheld_then_delivered(built_warehouse: BuiltWarehouse, tmp_path_factory):
    """Day 1: the last day's files have not landed yet and a blocking dbt test fails.
    Day 2: they land and the rule is fixed: an incremental run over the stored history."""
    deployment = deploy_copy(
        built_warehouse, tmp_path_factory.mktemp("incremental") / "deploy", with_warehouse=False
    )
    anchor = json.loads((built_warehouse.truth_dir / "meta.json").read_text())["anchor_date"]
    withheld = deployment.root / "withheld"
    for path in sorted(deployment.landing.rglob(f"{anchor}_*")):
        target = withheld / path.relative_to(deployment.landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    assert any(withheld.rglob("*"))
    serving_before = file_digest(deployment.serving)
    # No AUC can reach 1.01: the blocking backtest test fails on an otherwise good build.
    failing, _ = run_refresh(deployment, {"ABM_DBT_VARS": '{"icp_backtest_auc_fail_below": 1.01}'})
    serving_after_failure = file_digest(deployment.serving)
    for path in sorted(p for p in withheld.rglob("*") if p.is_file()):
        target = deployment.landing / path.relative_to(withheld)
        shutil.copy2(path, target)
    incremental, _ = run_refresh(deployment)
    return deployment, failing, incremental, serving_before, serving_after_failure


def test_a_failing_blocking_check_stops_the_publication(withheld_then_delivered) -> None:
    _, failing, _, serving_before, serving_after_failure = withheld_then_delivered
    assert not failing.success
    assert "assert_icp_backtest_auc_not_below_fail" in failed_checks(failing)
    assert "serving/publication" not in materialized(failing)
    assert serving_after_failure == serving_before


def test_the_next_good_run_publishes(withheld_then_delivered) -> None:
    deployment, _, incremental, serving_before, _ = withheld_then_delivered
    assert incremental.success, failed_checks(incremental)
    assert "serving/publication" in materialized(incremental)
    assert file_digest(deployment.serving) != serving_before
    assert publication_run_id(deployment.serving) == incremental.run_id


def test_an_incremental_run_equals_a_full_build(withheld_then_delivered, built_warehouse) -> None:
    deployment, *_ = withheld_then_delivered
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        dates = con.execute(
            "select count(distinct as_of_date) from marts.account_intent_scores"
        ).fetchone()[0]
    assert dates == 2  # day 1 and day 2 are both stored: day 2 really ran incrementally
    differences = {}
    for model, (schema, date_column) in INCREMENTAL_LATEST.items():
        where = (
            f'where {date_column} = (select max({date_column}) from l.{schema}."{{table}}")'
            if date_column
            else ""
        )
        differences |= differing_tables(
            deployment.warehouse, built_warehouse.warehouse_path, schema, [model], where
        )
    assert differences == {}


def test_each_table_materialization_carries_its_row_count(withheld_then_delivered) -> None:
    """dagster/row_count on the run's materializations equals the table's rows after it:
    every raw table an ingest asset loaded and every dbt table, seed and snapshot."""
    from orchestration.definitions import defs

    deployment, _, incremental, *_ = withheld_then_delivered
    # dbt assets name their table (database.schema.table); raw assets are raw/<table>.
    tables = {
        spec.key: ".".join(str(spec.metadata["dagster/table_name"]).split(".")[-2:])
        for spec in defs.resolve_all_asset_specs()
        if "dagster/table_name" in spec.metadata
    }
    reported = {}
    for event in incremental.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if "dagster/row_count" in materialization.metadata:
            key = materialization.asset_key
            table = tables.get(key, ".".join(key.path))
            reported[table] = materialization.metadata["dagster/row_count"].value
    assert "raw.crm__account" in reported and "marts.account_tiers" in reported
    assert len(reported) > 50  # every table, not a sample
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        stored = {
            name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in reported
        }
    assert reported == stored
