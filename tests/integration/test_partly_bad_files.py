"""Files that are partly bad still publish: bad lines are bad rows, hosts have one
spelling, decimal commas are flagged, and what nothing loads is named, not ignored."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import duckdb
import idna
import pytest

from tests.conftest import BuiltWarehouse
from tests.integration.deployments import (
    deploy_copy,
    failed_checks,
    publication_run_id,
    run_refresh,
)

RAISED_CAPACITIES = '{"tiers_capacity": {"tier_1": 40, "tier_2": 150, "tier_3": 600}}'
IDN_DOMAIN = "münchen-prüfwerk.de"
IDN_PUNYCODE = idna.encode(IDN_DOMAIN).decode()


def _cut_jsonl(records: int, cut: int) -> str:
    lines = [
        json.dumps({"domain": f"part{i}.example", "name": f"Part {i}", "updated_at": "2026-11-10"})
        for i in range(records)
    ]
    lines[cut - 1] = lines[cut - 1][:-12]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def partly_bad(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory):
    deployment = deploy_copy(built_warehouse, tmp_path_factory.mktemp("partly_bad") / "deploy")
    landing = deployment.landing
    (landing / "enrichment/company/p1_partly_bad.jsonl").write_text(_cut_jsonl(2_000, cut=16))
    (landing / "crm/account/p2_idn_and_decimals.csv").write_text(
        "Id,Name,Website,AnnualRevenue,NumberOfEmployees,LastModifiedDate\n"
        f"IDN1,München Prüfwerk GmbH,https://www.{IDN_DOMAIN}/kontakt,,,2026-11-10\n"
        'DEC1,Decimal Comma SA,decimal-comma.example,"1234567,89","100,5",2026-11-10\n'
        'DEC2,Thousands Inc,thousands.example,"1,234,567.89","1,005",2026-11-10\n',
        encoding="utf-8",
    )
    (landing / "enrichment/company/p3_idn.csv").write_text(
        f"Domain,Name,Employees,UpdatedAt\n{IDN_PUNYCODE},Muenchen Pruefwerk,120,2026-11-10\n"
    )
    for folder in ("crm/accounts", "hubspot/companies"):
        (landing / folder).mkdir(parents=True)
        (landing / folder / "misplaced.csv").write_text("Id,Name,LastModifiedDate\n")
    original = sorted((landing / "crm/user").iterdir())[0]
    shutil.copy2(original, landing / "crm/user" / f"resent_{original.name}")
    # Capacities raised for this run only, as the README shows: every check reads them.
    result, _ = run_refresh(deployment, {"ABM_DBT_VARS": RAISED_CAPACITIES})
    return deployment, result, original


def _warned(result: dg.ExecuteInProcessResult, check: str) -> dg.AssetCheckEvaluation:
    found = [e for e in result.get_asset_check_evaluations() if e.check_name == check]
    failing = [e for e in found if not e.passed]
    assert failing, f"{check} did not warn"
    assert all(e.severity == dg.AssetCheckSeverity.WARN for e in failing)
    return failing[0]


def test_a_partly_bad_refresh_publishes(partly_bad) -> None:
    deployment, result, _ = partly_bad
    assert result.success, failed_checks(result)
    assert publication_run_id(deployment.serving) == result.run_id


def test_capacities_raised_through_abm_dbt_vars_publish_larger_tiers(
    partly_bad, built_warehouse: BuiltWarehouse
) -> None:
    deployment, result, _ = partly_bad
    capacity = [e for e in result.get_asset_check_evaluations() if "capacity" in e.check_name]
    assert capacity and all(e.passed for e in capacity)

    def targeted(serving) -> int:
        with duckdb.connect(str(serving), read_only=True) as con:
            return con.execute(
                "select count(*) from marts.account_tiers "
                "where tier in ('tier_1', 'tier_2', 'tier_3') "
                "and as_of_date = (select max(as_of_date) from marts.account_tiers)"
            ).fetchone()[0]

    assert targeted(deployment.serving) > targeted(built_warehouse.serving_path)


def test_one_cut_json_line_is_one_quarantined_row(partly_bad) -> None:
    deployment, *_ = partly_bad
    rel = "enrichment/company/p1_partly_bad.jsonl"
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        loaded = con.execute(
            "select count(*) from raw.enrichment__company where _source_file = ?", [rel]
        ).fetchone()[0]
        quarantined = con.execute(
            "select _row_number, reason, record from raw.quarantine where _source_file = ?", [rel]
        ).fetchall()
    assert loaded == 1_999
    ((row_number, reason, record),) = quarantined
    assert row_number == 16
    assert reason.startswith("line 16: not valid JSON")
    assert record.startswith('{"domain": "part15.example"')  # the raw text as delivered


def test_unicode_and_punycode_spellings_are_one_account(partly_bad) -> None:
    deployment, *_ = partly_bad
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        rows = con.execute(
            "select account_id, domain, is_in_crm from marts.dim_accounts "
            "where domain in (?, ?)",
            [IDN_DOMAIN, IDN_PUNYCODE],
        ).fetchall()
        matched = con.execute(
            "select count(*) from raw.enrichment__company where domain = ?", [IDN_DOMAIN]
        ).fetchone()[0]
    assert rows == [("IDN1", IDN_DOMAIN, True)]
    assert matched == 1  # the punycode enrichment record landed in its Unicode spelling


def test_decimal_commas_are_flagged_never_other_numbers(partly_bad) -> None:
    deployment, *_ = partly_bad
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        rows = dict(
            (row[0], row[1:])
            for row in con.execute(
                "select account_id, annual_revenue, number_of_employees, invalid_values "
                "from staging.stg_crm__accounts where account_id in ('DEC1', 'DEC2')"
            ).fetchall()
        )
    revenue, employees, invalid = rows["DEC1"]
    assert revenue is None and employees is None
    assert "annual_revenue" in invalid and "number_of_employees" in invalid
    assert rows["DEC2"][:2] == (pytest.approx(1234567.89), 1005)


def test_files_in_unknown_folders_are_named_with_the_nearest_folder(partly_bad) -> None:
    _, result, _ = partly_bad
    description = _warned(result, "every_landed_file_is_claimed").description
    assert "crm/accounts/misplaced.csv is not in a <source>/<table>/ folder" in description
    assert "(did you mean crm/account/?)" in description
    assert "hubspot/companies/misplaced.csv" in description


def test_a_copy_under_a_new_name_is_not_loaded_again(partly_bad) -> None:
    deployment, result, original = partly_bad
    copy = f"crm/user/resent_{original.name}"
    evaluation = _warned(result, "no_file_is_a_copy")
    assert copy in str(evaluation.metadata["copies"].value)
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        loaded = con.execute(
            "select count(*) from raw.crm__user where _source_file = ?", [copy]
        ).fetchone()[0]
    assert loaded == 0
