"""No personal data reaches BI: published marts carry no person column or value, and
the one way a person key may appear, hash_pii, is salted from ABM_PII_SALT."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, BuiltWarehouse, dbt_bin
from tests.saved_parse import reuse_session_parse

PII_NAME_PARTS = ("email", "first_name", "last_name", "phone", "full_name", "person_name")
# Columns that name a CRM user (a sales employee, not a contact or lead): their values
# are checked against the CRM users instead - the sample draws both from one name pool.
EMPLOYEE_NAME_COLUMNS = {
    ("account_targets_current", "owner_name"),
    ("account_targets_current", "proposed_owner_name"),
    ("owner_capacity", "owner_name"),
}


def published(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'marts' "
        "and table_name <> '_publication' order by 1, 2"
    ).fetchall()


def test_no_published_mart_has_a_person_column(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        columns = published(con)
    assert len({table for table, _, _ in columns}) >= 10
    assert {"account_targets_current", "account_tiers", "abm_kpis"} <= {t for t, _, _ in columns}
    offending = [
        (table, column)
        for table, column, _ in columns
        if any(part in column for part in PII_NAME_PARTS)
    ]
    assert offending == []


def test_no_published_value_is_an_email_or_a_contact_name(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        con.execute(f"attach '{built_warehouse.warehouse_path}' as build (read_only)")
        con.execute(
            "create temp table people as "
            "select distinct lower(trim(email)) as value from build.raw.crm__contact "
            "where email is not null "
            "union select distinct lower(trim(email)) from build.raw.crm__lead "
            "where email is not null "
            "union select distinct lower(trim(first_name || ' ' || last_name)) "
            "from build.raw.crm__contact where first_name is not null and last_name is not null"
        )
        assert con.execute("select count(*) from people").fetchone()[0] > 100
        con.execute(
            "create temp table employees as "
            "select distinct lower(trim(name)) as value from build.raw.crm__user "
            "where name is not null"
        )
        hits = {}
        for table, column, data_type in published(con):
            if data_type != "VARCHAR":
                continue
            if (table, column) in EMPLOYEE_NAME_COLUMNS:
                found = con.execute(
                    f'select count(*) from marts."{table}" as published '
                    f'where published."{column}" like \'%@%\' '
                    f'or lower(trim(published."{column}")) not in (select value from employees)'
                ).fetchone()[0]
                if found:
                    hits[f"{table}.{column} (not a CRM user)"] = found
                continue
            found = con.execute(
                f'select count(*) from marts."{table}" as published '
                f'where published."{column}" like \'%@%.%\' '
                f'or lower(trim(published."{column}")) in (select value from people)'
            ).fetchone()[0]
            if found:
                hits[f"{table}.{column}"] = found
    assert hits == {}


@pytest.mark.parametrize("salt", ["", "pepper"])
def test_hash_pii_is_salted_from_the_environment(salt: str, tmp_path) -> None:
    # A scratch warehouse (dbt show opens it) under the name the saved parse is for.
    warehouse = str(tmp_path / "warehouse.duckdb")
    env = {**os.environ, "ABM_WAREHOUSE_PATH": warehouse, "ABM_PII_SALT": salt}
    env.pop("ABM_DBT_TARGET", None)
    reuse_session_parse(tmp_path / "target", env)
    completed = subprocess.run(
        [
            dbt_bin(),
            "show",
            "--inline",
            "select {{ hash_pii(\"'Jane@Acme.com '\") }} as person_key",
            "--output",
            "json",
            "--log-format",
            "json",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    previews = [
        json.loads(line)["data"]["preview"]
        for line in completed.stdout.splitlines()
        if line.startswith("{") and '"preview"' in line
    ]
    (row,) = json.loads(previews[0])
    assert row["person_key"] == hashlib.sha256(f"{salt}jane@acme.com".encode()).hexdigest()
