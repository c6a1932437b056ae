"""Net-new accounts and the TAM against the planted truth of the sample data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from publicsuffixlist import PublicSuffixList

from orchestration.lib.dbt_cli import run_vars

MY_NODES = ("net_new_accounts", "tam_summary", "assert_tam_", "assert_net_new_")
MEASURES = (
    "account_count",
    "employee_count",
    "revenue_potential_usd",
    "icp_account_count",
    "icp_employee_count",
    "icp_revenue_potential_usd",
    "crm_account_count",
    "crm_employee_count",
    "crm_revenue_potential_usd",
    "icp_net_new_account_count",
    "icp_net_new_employee_count",
    "icp_net_new_revenue_potential_usd",
    "customer_account_count",
)


PROJECT_DIR = Path(__file__).resolve().parents[2]


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def domain_account_id(domain: str) -> str:
    """The id a company known only by its domain must get: a pure function of it."""
    return "dom_" + hashlib.md5(domain.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def companies(built_warehouse) -> pd.DataFrame:
    return pd.read_parquet(built_warehouse.truth_dir / "companies.parquet")


@pytest.fixture(scope="module")
def live_crm_domains(built_warehouse, companies) -> set[str]:
    """Domains of companies whose master CRM account is live and has a website."""
    crm = pd.read_parquet(built_warehouse.truth_dir / "crm_accounts.parquet")
    live = crm[crm["is_primary"] & ~crm["is_deleted"] & crm["has_website"]]
    return set(companies.loc[companies["company_key"].isin(live["company_key"]), "domain"])


@pytest.fixture(scope="module")
def accounts(built_warehouse) -> pd.DataFrame:
    return query(
        built_warehouse.warehouse_path,
        "select account_id, domain, is_in_crm, known_by_sources from marts.dim_accounts",
    )


@pytest.fixture(scope="module")
def net_new(built_warehouse) -> pd.DataFrame:
    return query(
        built_warehouse.warehouse_path, "select * from marts.net_new_accounts order by net_new_rank"
    )


@pytest.fixture(scope="module")
def tam(built_warehouse) -> pd.DataFrame:
    return query(built_warehouse.warehouse_path, "select * from marts.tam_summary")


def test_net_new_and_tam_checks_pass(built_warehouse, net_new, tam):
    mine = [
        check for check in built_warehouse.failed_checks if any(node in check for node in MY_NODES)
    ]
    assert mine == []
    assert len(net_new) > 0
    assert len(tam) > 0


def test_enrichment_only_company_is_one_account_with_a_domain_id(companies, accounts):
    outside = companies.loc[~companies["is_in_crm"] & companies["is_in_enrichment"], ["domain"]]
    assert len(outside) > 100
    matched = outside.merge(accounts, on="domain", how="left")
    assert matched["account_id"].notna().all(), "an enrichment-only company has no account"
    assert not matched["domain"].duplicated().any(), "an enrichment-only company has two accounts"
    assert not matched["is_in_crm"].any()
    assert matched["known_by_sources"].str.contains("enrichment").all()
    # Stable across runs: the id is the domain's hash, computed here independently.
    assert (matched["account_id"] == matched["domain"].map(domain_account_id)).all()


def test_intent_and_visit_subdomains_are_the_crm_account(
    built_warehouse, accounts, live_crm_domains
):
    """www./blog. Bombora domains, G2 domains and vpn./eu. visit domains of CRM companies."""
    raw_hosts = query(
        built_warehouse.warehouse_path,
        """
        select lower(trim(domain)) as host from raw.intent__bombora_surge
        union
        select lower(trim(domain)) as host from raw.intent__g2_buyer_intent
        union
        select lower(trim(ip_domain)) as host from raw.engagement__activity
        """,
    ).dropna()
    # Registrable domains by the same ICANN list the public_suffixes seed is made from.
    suffixes = PublicSuffixList(only_icann=True)
    raw_hosts["registrable_domain"] = raw_hosts["host"].map(suffixes.privatesuffix)
    hosts = raw_hosts[
        raw_hosts["registrable_domain"].notna()
        & (raw_hosts["host"] != raw_hosts["registrable_domain"])
    ]
    of_crm = hosts[hosts["registrable_domain"].isin(live_crm_domains)]
    assert len(of_crm) > 20, "the sample should plant subdomains of CRM companies"
    resolved = of_crm.merge(accounts, left_on="registrable_domain", right_on="domain", how="left")
    assert resolved["is_in_crm"].fillna(False).astype(bool).all()
    # No company of the CRM reappears as a net-new account, under its domain or a subdomain.
    net_new_domains = accounts.loc[~accounts["is_in_crm"], "domain"].dropna()
    assert not net_new_domains.isin(live_crm_domains).any()
    assert not net_new_domains.str.split(".", n=1).str[1].isin(live_crm_domains).any()


def test_most_planted_net_new_targets_are_listed_near_the_top(companies, net_new):
    targets = companies.loc[companies["is_planted_net_new_target"], ["domain"]]
    assert len(targets) >= 5
    listed = targets.merge(net_new[["domain", "net_new_rank", "tier"]], on="domain", how="left")
    share = listed["net_new_rank"].notna().mean()
    print(f"planted net-new targets listed: {share:.0%} of {len(targets)}")
    assert share >= 0.8
    found = listed.dropna(subset=["net_new_rank"])
    assert found["net_new_rank"].median() <= net_new["net_new_rank"].median()
    assert found["tier"].isin(["tier_1", "tier_2", "tier_3"]).mean() >= 0.8


def test_listed_companies_are_outside_the_crm(companies, net_new, live_crm_domains):
    assert not net_new["domain"].isin(live_crm_domains).any()
    truth = net_new.merge(companies[["domain", "is_in_crm"]], on="domain", how="left")
    # Only companies whose CRM account was deleted or has no website may be in the CRM's truth.
    assert truth["is_in_crm"].fillna(False).mean() < 0.05


def test_net_new_companies_are_scored_and_tiered_like_crm_accounts(built_warehouse, companies):
    scored = query(
        built_warehouse.warehouse_path,
        """
        with latest as (select max(as_of_date) as as_of_date from marts.account_tiers)
        select
            accounts.domain,
            accounts.known_by_sources,
            fit.fit_score,
            intent.is_surging,
            engagement.anonymous_activity_count,
            tiers.tier
        from marts.dim_accounts as accounts
        cross join latest
        left join marts.account_fit_scores as fit
            on accounts.account_id = fit.account_id and fit.as_of_date = latest.as_of_date
        left join marts.account_intent_scores as intent
            on accounts.account_id = intent.account_id and intent.as_of_date = latest.as_of_date
        left join marts.account_engagement_scores as engagement
            on accounts.account_id = engagement.account_id
            and engagement.as_of_date = latest.as_of_date
        left join marts.account_tiers as tiers
            on accounts.account_id = tiers.account_id and tiers.as_of_date = latest.as_of_date
        where not accounts.is_in_crm
        """,
    )
    assert (
        scored[["fit_score", "is_surging", "anonymous_activity_count", "tier"]].notna().all().all()
    )
    truth = scored.merge(companies[["domain", "fit_segment", "is_in_market"]], on="domain")
    fit_by_segment = truth.groupby("fit_segment")["fit_score"].mean()
    assert fit_by_segment["high"] - fit_by_segment["low"] >= 20, fit_by_segment.to_dict()
    assert truth.loc[truth["is_in_market"], "is_surging"].mean() >= 0.8
    assert truth.loc[~truth["is_in_market"], "is_surging"].mean() <= 0.1
    visited = scored["known_by_sources"].str.contains("engagement")
    assert (scored.loc[visited, "anonymous_activity_count"] > 0).mean() >= 0.5


def test_net_new_reason_says_why_in_plain_words(net_new):
    assert net_new["net_new_reason"].str.startswith("Not in the CRM").all()
    assert net_new["net_new_reason"].str.contains(r"Fit [ABCD] \(\d+/100").all()
    assert net_new["net_new_reason"].str.contains("Tier: ").all()
    surging = net_new[net_new["is_surging"] & net_new["top_topics"].notna()]
    assert len(surging) > 0
    pairs = zip(surging["top_topics"], surging["net_new_reason"], strict=True)
    assert all(topics in reason for topics, reason in pairs)
    assert net_new[["account_name", "domain"]].notna().all().all()
    assert net_new["net_new_rank"].tolist() == list(range(1, len(net_new) + 1))


DIMENSIONS = ("crm_status", "fit_grade", "segment", "industry", "size_band", "region", "tier")


def test_tam_rows_are_cells_that_add_up_by_any_dimension(tam):
    """SUM-safe: one row per combination of the dimensions, so every dimension's
    groups add up to the same whole market, measure by measure."""
    assert not tam[list(DIMENSIONS)].duplicated().any()
    assert tam[list(DIMENSIONS)].notna().all().all()
    total = tam[list(MEASURES)].sum()
    for dimension in DIMENSIONS:
        sums = tam.groupby(dimension)[list(MEASURES)].sum().sum()
        for measure in MEASURES:
            assert sums[measure] == pytest.approx(total[measure], rel=1e-9), (dimension, measure)


def test_tam_covers_the_universe_and_its_parts(built_warehouse, companies, tam, accounts):
    total = tam[list(MEASURES)].sum()
    assert total["account_count"] == len(accounts)
    assert total["crm_account_count"] == accounts["is_in_crm"].sum()
    assert (
        0 < total["icp_net_new_account_count"] < total["icp_account_count"] < total["account_count"]
    )
    assert 0 < total["icp_revenue_potential_usd"] < total["revenue_potential_usd"]
    net_new_row = tam[tam["crm_status"] == "net_new"][list(MEASURES)].sum()
    planted_outside = int((~companies["is_in_crm"]).sum())
    # Companies whose CRM account was deleted (or has no website) come back as net-new.
    assert abs(net_new_row["account_count"] - planted_outside) <= 0.03 * planted_outside
    grades = ", ".join(f"'{grade}'" for grade in run_vars()["tam_icp_fit_grades"])
    icp = query(
        built_warehouse.warehouse_path,
        f"""
        select count(*) as n
        from marts.account_tiers
        where
            as_of_date = (select max(as_of_date) from marts.account_tiers)
            and fit_grade in ({grades}) and not is_excluded
        """,
    )
    assert total["icp_account_count"] == icp["n"].iloc[0]
