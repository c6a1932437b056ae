"""Identity resolution and account facts against the planted truth of the sample data."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.saved_parse import reuse_session_parse

PROJECT_DIR = Path(__file__).resolve().parents[2]
DOMAIN_RULES = ("email_domain", "website_domain")


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def truth(built_warehouse, name: str) -> pd.DataFrame:
    return pd.read_parquet(built_warehouse.truth_dir / f"{name}.parquet")


@pytest.fixture(scope="module")
def account_map(built_warehouse) -> pd.DataFrame:
    crm = truth(built_warehouse, "crm_accounts")
    crm = crm[~crm["is_deleted"].astype(bool)]
    mapped = query(built_warehouse.warehouse_path, "select * from marts.account_id_map")
    return crm.merge(
        mapped,
        left_on="account_id",
        right_on="source_account_id",
        how="left",
        suffixes=("", "_master"),
    )


@pytest.fixture(scope="module")
def leads(built_warehouse, account_map) -> pd.DataFrame:
    master_company = account_map.groupby("account_id_master")["company_key"].first()
    matches = query(built_warehouse.warehouse_path, "select * from marts.lead_account_matches")
    staged = query(
        built_warehouse.warehouse_path,
        "select lead_id, email_domain, is_free_mail, website_domain from staging.stg_crm__leads",
    )
    joined = truth(built_warehouse, "leads").merge(matches, on="lead_id", how="inner")
    joined = joined.merge(staged, on="lead_id", how="left")
    joined["matched_company_key"] = joined["account_id"].map(master_company)
    return joined


def test_every_live_crm_account_maps_to_a_master(account_map):
    assert account_map["account_id_master"].notna().all()


def test_duplicate_accounts_resolve_to_the_right_master(account_map):
    duplicated = account_map.loc[account_map["is_duplicate"].astype(bool), "company_key"].unique()
    assert len(duplicated) > 10, "the sample should plant duplicate accounts"
    masters_per_company = account_map.groupby("company_key")["account_id_master"].nunique()
    resolved = (masters_per_company.loc[duplicated] == 1).mean()
    assert resolved >= 0.98, f"only {resolved:.1%} of duplicated companies have one master"
    companies_per_master = account_map.groupby("account_id_master")["company_key"].nunique()
    assert (companies_per_master == 1).all(), "two companies were merged into one master"


def test_unconverted_leads_land_on_the_right_account(leads):
    matchable = leads[
        ~leads["is_converted"].astype(bool)
        & leads["match_basis"].isin(["email_domain", "website", "company_name"])
    ]
    assert len(matchable) > 100
    right = (matchable["matched_company_key"] == matchable["true_account_company_key"]).mean()
    assert right >= 0.95, (
        f"only {right:.1%} of matchable unconverted leads are on the right account"
    )


def test_converted_leads_follow_their_converted_account(leads):
    converted = leads[leads["match_basis"] == "converted"]
    right = (converted["matched_company_key"] == converted["true_account_company_key"]).mean()
    assert right >= 0.98


def test_no_lead_is_matched_through_a_free_mail_domain(leads):
    by_email = leads[leads["matched_by"] == "email_domain"]
    assert not by_email["email_is_free_mail"].astype(bool).any()
    assert not by_email["is_free_mail"].fillna(False).astype(bool).any()
    free_mail_only = leads[leads["match_basis"] == "free_mail_only"]
    assert len(free_mail_only) > 0
    assert not free_mail_only["matched_by"].isin(DOMAIN_RULES).any()


def test_leads_of_companies_outside_the_crm_never_land_on_a_crm_account(leads):
    outside = leads[leads["match_basis"] == "not_in_crm"]
    assert len(outside) > 0
    assert outside["matched_company_key"].isna().mean() >= 0.98


def test_unmatched_leads_keep_a_reason(leads):
    unmatched = leads[leads["account_id"].isna()]
    assert len(unmatched) > 0
    assert unmatched["unmatched_reason"].notna().all()
    assert leads.loc[leads["account_id"].notna(), "unmatched_reason"].isna().all()


def test_universe_holds_net_new_companies_with_stable_domain_ids(built_warehouse):
    dim = query(
        built_warehouse.warehouse_path,
        "select account_id, domain, is_in_crm, known_by_sources from marts.dim_accounts",
    )
    assert dim["account_id"].is_unique
    net_new = dim[~dim["is_in_crm"]]
    assert len(net_new) > 0
    expected = "dom_" + net_new["domain"].map(lambda d: hashlib.md5(d.encode()).hexdigest()[:16])
    assert (net_new["account_id"] == expected).all()
    assert not net_new["known_by_sources"].str.contains("crm").any()
    assert dim.loc[dim["is_in_crm"], "known_by_sources"].str.startswith("crm").all()

    companies = truth(built_warehouse, "companies")
    outside = companies[
        ~companies["is_in_crm"].astype(bool) & companies["is_in_enrichment"].astype(bool)
    ]
    found = outside["domain"].isin(net_new["domain"]).mean()
    assert found >= 0.95, f"only {found:.1%} of enrichment-only companies are in the universe"


def test_planted_hierarchy_defects_are_flagged(built_warehouse, account_map):
    crm = truth(built_warehouse, "crm_accounts")
    dim = query(
        built_warehouse.warehouse_path,
        "select account_id, hierarchy_status, is_parent_missing, ultimate_parent_account_id "
        "from marts.dim_accounts",
    ).set_index("account_id")
    to_master = account_map.set_index("account_id")["account_id_master"]
    for defect, check in [("cycle", "cycle"), ("dangling", "missing")]:
        planted = crm.loc[
            (crm["parent_defect"] == defect) & ~crm["is_deleted"].astype(bool), "account_id"
        ]
        masters = planted.map(to_master).dropna()
        if masters.empty:
            continue
        rows = dim.loc[masters]
        if check == "cycle":
            assert (rows["hierarchy_status"] == "cycle").all()
            assert (rows["ultimate_parent_account_id"] == rows.index).all()
        else:
            assert rows["is_parent_missing"].all()
    assert dim["ultimate_parent_account_id"].notna().all()


def test_planted_bad_opportunities_are_counted_not_dropped(built_warehouse):
    opportunities = truth(built_warehouse, "opportunities")
    issues = query(
        built_warehouse.warehouse_path,
        "select record_id, issue from marts.data_quality_issues where table_name = 'opportunity'",
    )
    expected = {
        "no_account": {"opportunity_without_account"},
        "future_close": {"closed_in_future"},
        "absurd_amount": {"absurd_amount"},
        "negative_amount": {"negative_amount", "unparseable_value"},
    }
    for defect, accepted in expected.items():
        planted = opportunities.loc[opportunities["planted_defect"] == defect, "opportunity_id"]
        flagged = issues.loc[issues["issue"].isin(accepted), "record_id"]
        share = planted.isin(flagged).mean()
        assert share >= 0.9, f"{defect}: only {share:.0%} flagged"
    counts = query(
        built_warehouse.warehouse_path,
        "select issue, sum(issue_count) as n from marts.data_quality_issue_counts group by issue",
    ).set_index("issue")["n"]
    totals = issues.groupby("issue").size()
    for issue, n in totals.items():
        assert counts[issue] >= n


def test_match_rates_cover_every_record(built_warehouse):
    rates = query(built_warehouse.warehouse_path, "select * from marts.identity_match_rates")
    shares = rates.groupby("record_source")["match_share"].sum()
    assert ((shares - 1.0).abs() < 1e-9).all()
    leads = query(
        built_warehouse.warehouse_path, "select count(*) as n from staging.stg_crm__leads"
    )
    lead_total = rates.loc[rates["record_source"] == "lead", "record_count"].sum()
    assert lead_total == leads["n"].iloc[0]


def test_account_snapshots_are_incremental_by_as_of_date(built_warehouse, tmp_path):
    """Another date adds rows; the same date again replaces its rows."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.warehouse_path, copy)
    before = query(
        copy, "select as_of_date, count(*) as n from marts.fct_account_snapshots group by 1"
    )
    assert len(before) == 1
    accounts = int(before["n"].iloc[0])
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(copy),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    reuse_session_parse(tmp_path / "target", env)
    dbt = str(Path(sys.executable).parent / "dbt")
    for _ in range(2):
        subprocess.run(
            [
                dbt,
                "run",
                "--quiet",
                "--select",
                # the step that computes a date's facts, and the mart that publishes it
                "int_account_snapshots fct_account_snapshots",
                "--vars",
                "{as_of_date: '2026-06-30'}",
            ],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
        )
    after = query(
        copy,
        "select cast(as_of_date as varchar) as as_of_date, count(*) as n, "
        "cast(max(last_won_date) as varchar) as last_won, "
        "cast(max(last_touch_date) as varchar) as last_touch "
        "from marts.fct_account_snapshots group by 1 order by 1",
    )
    assert len(after) == 2
    assert (after["n"] == accounts).all()
    earlier = after[after["as_of_date"] == "2026-06-30"].iloc[0]
    assert earlier["last_won"] <= "2026-06-30"
    assert earlier["last_touch"] <= "2026-06-30"
    latest = after[after["as_of_date"] != "2026-06-30"].iloc[0]
    assert latest["last_touch"] > "2026-06-30"


@pytest.mark.parametrize(
    ("model", "table_name"),
    [
        ("stg_crm__accounts", "account"),
        ("stg_crm__opportunities", "opportunity"),
        ("stg_crm__leads", "lead"),
        ("stg_engagement__activities", "activity"),
    ],
)
def test_unparseable_values_are_reported(built_warehouse, model, table_name):
    staged = query(
        built_warehouse.warehouse_path,
        f"select count(*) as n from staging.{model} where invalid_values is not null",
    )["n"].iloc[0]
    reported = query(
        built_warehouse.warehouse_path,
        "select count(*) as n from marts.data_quality_issues "
        f"where issue = 'unparseable_value' and table_name = '{table_name}'",
    )["n"].iloc[0]
    assert reported == staged
