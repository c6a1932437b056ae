"""`dagster/row_count` on materializations: the table's rows, counted after dbt exits."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.dbt_assets import with_row_counts
from orchestration.lib.row_counts import counted_relations, table_row_counts

MANIFEST = {
    "nodes": {
        "model.p.account_tiers": {
            "resource_type": "model",
            "name": "account_tiers",
            "alias": "account_tiers",
            "schema": "marts",
            "config": {"materialized": "table"},
        },
        "model.p.fct_snapshots": {
            "resource_type": "model",
            "name": "fct_snapshots",
            "alias": "fct_snapshots",
            "schema": "marts",
            "config": {"materialized": "incremental"},
        },
        "model.p.stg_accounts": {
            "resource_type": "model",
            "name": "stg_accounts",
            "alias": "stg_accounts",
            "schema": "staging",
            "config": {"materialized": "view"},
        },
        "seed.p.tier_rules": {
            "resource_type": "seed",
            "name": "tier_rules",
            "alias": "tier_rules",
            "schema": "seeds",
            "config": {"materialized": "seed"},
        },
    }
}


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        for schema in ("marts", "staging", "seeds"):
            con.execute(f"create schema {schema}")
        con.execute("create table marts.account_tiers as select range as id from range(7)")
        con.execute("create table marts.fct_snapshots as select range as id from range(3)")
        con.execute("create table seeds.tier_rules as select 1 as id")
        con.execute("create view staging.stg_accounts as select range as id from range(5)")
    return path


def _output(unique_id: str) -> dg.Output:
    name = unique_id.split(".")[-1]
    return dg.Output(None, output_name=name, metadata={"unique_id": unique_id})


def test_tables_are_counted_and_views_are_not(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb")
    relations = counted_relations(MANIFEST, [*MANIFEST["nodes"], "model.p.gone"])
    assert relations == {
        "model.p.account_tiers": ("marts", "account_tiers"),
        "model.p.fct_snapshots": ("marts", "fct_snapshots"),
        "seed.p.tier_rules": ("seeds", "tier_rules"),
    }
    relations["missing"] = ("marts", "not_built")
    assert table_row_counts(warehouse, relations) == {
        "model.p.account_tiers": 7,
        "model.p.fct_snapshots": 3,
        "seed.p.tier_rules": 1,
    }


def test_each_table_materialization_carries_its_row_count(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb")
    check = dg.AssetCheckResult(
        asset_key=dg.AssetKey("account_tiers"), check_name="unique_id", passed=True
    )
    events = [_output(uid) for uid in MANIFEST["nodes"]] + [check]
    counted = with_row_counts(events, MANIFEST, warehouse)
    rows = {
        event.output_name: event.metadata.get("dagster/row_count")
        for event in counted
        if isinstance(event, dg.Output)
    }
    assert {name: getattr(value, "value", value) for name, value in rows.items()} == {
        "account_tiers": 7,
        "fct_snapshots": 3,
        "stg_accounts": None,  # a view: not counted
        "tier_rules": 1,
    }
    assert counted[-1] is check
    # The warehouse is not left open: a writer can take it straight after.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.account_tiers values (99)")
