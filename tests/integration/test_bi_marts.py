"""BI-ready marts (issue 14, item 1) on the sample: a current account table BI can use
alone, and KPI marts whose every SUM is a true total.

The KPI truths are computed here from the intermediate facts, independently of the
tier attribution and the roll-ups the marts go through: a mart that double-counts
(a total row beside its parts, a roll-up level beside another) fails.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.lib.dbt_cli import run_vars
from tests.conftest import BuiltWarehouse

KPI_MARTS = ("abm_kpis", "program_budget", "tam_summary")
# Ratios are for reading one row; each has its numerator and denominator beside it.
RATIOS = {
    "abm_kpis": {
        "win_rate",
        "average_deal_size_usd",
        "sales_cycle_days",
        "average_lifetime_value_usd",
        "contacts_per_account",
        "buying_roles_per_account",
        "mqa_to_opportunity_rate",
        "program_cost_per_opportunity_usd",
    },
    "program_budget": {"cost_per_account_usd"},
    "tam_summary": set(),
}
NUMERIC_TYPES = ("BIGINT", "INTEGER", "DOUBLE", "HUGEINT", "DECIMAL")
PII_COLUMN_PARTS = ("email", "first_name", "last_name", "phone", "full_name", "person")

# The KPI window and the as-of date, from the intermediate layer.
WINDOW = """
    with months as (select * from intermediate.int_kpi_months),
    as_of as (select max(as_of_date) as as_of_date from intermediate.int_account_tiers)
"""

# abm_kpis: flows summed over every row, and month-end balances summed over every row
# (each month's balance across the tier groups, added up over the months).
ABM_KPIS_TRUTH = (
    WINDOW
    + """,
    counted as (
        select * from intermediate.int_kpi_opportunities where is_counted
    ),
    created as (
        select
            count(*) as opportunities_created,
            coalesce(sum(amount_usable), 0) as pipeline_created_usd
        from counted cross join as_of
        where created_date <= as_of.as_of_date
            and date_trunc('month', created_date) in (select month_start_date from months)
    ),
    closed as (
        select
            count(*) as closed_deals,
            count(*) filter (where is_won) as won_deals,
            coalesce(sum(amount_usable) filter (where is_won), 0) as won_amount_usd,
            count(*) filter (where is_won and amount_usable is not null) as won_deals_with_amount,
            coalesce(sum(date_diff('day', created_date, close_date)) filter (where is_won), 0)
                as won_cycle_days
        from counted cross join as_of
        where is_closed and close_date <= as_of.as_of_date and created_date <= close_date
            and date_trunc('month', close_date) in (select month_start_date from months)
    ),
    mqas as (
        select
            count(*) as mqa_accounts,
            count(*) filter (where is_converted) as mqa_converted_accounts
        from intermediate.int_kpi_mqa_conversions
        where month_start_date in (select month_start_date from months)
    ),
    costs as (  -- new-logo programs: a third of the quarter's cost per month
        select coalesce(sum(plans.planned_cost_usd / 3), 0) as program_cost_usd
        from intermediate.int_account_program_plans as plans
        cross join as_of
        inner join months
            on plans.quarter_start_date <= months.month_start_date
            and plans.quarter_start_date + interval 3 month > months.month_start_date
            and months.month_start_date <= as_of.as_of_date
        where plans.plan_tier != 'expansion'
    ),
    sizes as (
        select count(*) as account_count
        from months
        inner join intermediate.int_account_tiers as tiers
            on tiers.as_of_date = months.tier_run_date
    ),
    states as (
        select
            count(*) filter (where is_active_customer) as active_customers,
            coalesce(sum(lifetime_value_usd), 0) as lifetime_value_usd,
            coalesce(sum(contacts), 0) as contacts,
            coalesce(sum(buying_roles_covered), 0) as buying_roles_covered,
            count(buying_roles_covered) as accounts_with_snapshot
        from intermediate.int_kpi_account_month_states
        where month_start_date in (select month_start_date from months)
    )
    select * from created, closed, mqas, costs, sizes, states
"""
)

PROGRAM_BUDGET_TRUTH = """
    select
        count(distinct account_id) as account_count,
        count(*) as plan_item_count,
        coalesce(sum(planned_cost_usd), 0) as planned_cost_usd
    from intermediate.int_account_program_plans
"""


def tam_truth(fit_grades: list[str]) -> str:
    grades = ", ".join(f"'{grade}'" for grade in fit_grades) or "''"
    return f"""
    with as_of as (select max(as_of_date) as as_of_date from intermediate.int_account_tiers),
    accounts as (
        select
            accounts.is_in_crm,
            coalesce(accounts.is_customer, false) as is_customer,
            coalesce(accounts.employee_count, 0) as employees,
            coalesce(tiers.expected_acv, 0) as acv,
            coalesce(tiers.fit_grade in ({grades}) and not tiers.is_excluded, false) as is_icp
        from intermediate.int_accounts as accounts
        cross join as_of
        left join intermediate.int_account_tiers as tiers
            on accounts.account_id = tiers.account_id and tiers.as_of_date = as_of.as_of_date
    )
    select
        count(*) as account_count,
        sum(employees) as employee_count,
        sum(acv) as revenue_potential_usd,
        count(*) filter (where is_icp) as icp_account_count,
        coalesce(sum(employees) filter (where is_icp), 0) as icp_employee_count,
        coalesce(sum(acv) filter (where is_icp), 0) as icp_revenue_potential_usd,
        count(*) filter (where is_in_crm) as crm_account_count,
        coalesce(sum(employees) filter (where is_in_crm), 0) as crm_employee_count,
        coalesce(sum(acv) filter (where is_in_crm), 0) as crm_revenue_potential_usd,
        count(*) filter (where is_icp and not is_in_crm) as icp_net_new_account_count,
        coalesce(sum(employees) filter (where is_icp and not is_in_crm), 0)
            as icp_net_new_employee_count,
        coalesce(sum(acv) filter (where is_icp and not is_in_crm), 0)
            as icp_net_new_revenue_potential_usd,
        count(*) filter (where is_customer) as customer_account_count
    from accounts
    """


def query(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).df()


def summable_columns(path: Path, mart: str) -> list[str]:
    columns = query(
        path,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    )
    numeric = columns[columns.data_type.str.startswith(NUMERIC_TYPES)].column_name
    return [column for column in numeric if column not in RATIOS[mart]]


@pytest.fixture(scope="module")
def truths(built_warehouse: BuiltWarehouse) -> dict[str, pd.Series]:
    path = built_warehouse.warehouse_path
    return {
        "abm_kpis": query(path, ABM_KPIS_TRUTH).iloc[0],
        "program_budget": query(path, PROGRAM_BUDGET_TRUTH).iloc[0],
        "tam_summary": query(path, tam_truth(run_vars()["tam_icp_fit_grades"])).iloc[0],
    }


@pytest.mark.parametrize("mart", KPI_MARTS)
def test_every_kpi_sum_over_all_rows_is_the_true_total(
    built_warehouse: BuiltWarehouse, truths: dict[str, pd.Series], mart: str
) -> None:
    """What a BI tool does by default - SUM a numeric column over the rows - is right."""
    serving = built_warehouse.serving_path
    columns = summable_columns(serving, mart)
    truth = truths[mart]
    # Every summable column has an independent truth: a new one must be added here.
    assert sorted(columns) == sorted(truth.index), mart
    sums = query(
        serving, "select " + ", ".join(f"sum({c}) as {c}" for c in columns) + f" from marts.{mart}"
    ).iloc[0]
    assert truth.astype(float).abs().sum() > 0, f"{mart}: the sample has nothing to sum"
    for column in columns:
        assert float(sums[column]) == pytest.approx(float(truth[column]), rel=1e-9, abs=1e-6), (
            f"{mart}.{column}"
        )


def test_kpi_ratios_re_aggregate_from_the_published_parts(
    built_warehouse: BuiltWarehouse,
) -> None:
    """A ratio over several rows is SUM(numerator) / SUM(denominator) of its columns."""
    kpis = query(built_warehouse.serving_path, "select * from marts.abm_kpis")
    assert set(kpis.tier_group) == {"tier_1", "tier_2", "tier_3", "not_target"}
    rows = kpis[kpis.closed_deals > 0]
    assert (rows.win_rate == rows.won_deals / rows.closed_deals).all()
    rows = kpis[kpis.won_deals_with_amount > 0]
    assert rows.average_deal_size_usd.to_numpy() == pytest.approx(
        (rows.won_amount_usd / rows.won_deals_with_amount).to_numpy()
    )
    rows = kpis[kpis.won_deals > 0]
    assert rows.sales_cycle_days.to_numpy() == pytest.approx(
        (rows.won_cycle_days / rows.won_deals).to_numpy()
    )
    rows = kpis[kpis.accounts_with_snapshot > 0]
    assert rows.buying_roles_per_account.to_numpy() == pytest.approx(
        (rows.buying_roles_covered / rows.account_count).to_numpy()
    )


@pytest.fixture(scope="module")
def current(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    return query(built_warehouse.serving_path, "select * from marts.account_targets_current")


def test_current_mart_has_one_row_per_account(
    built_warehouse: BuiltWarehouse, current: pd.DataFrame
) -> None:
    accounts = query(built_warehouse.warehouse_path, "select account_id from marts.dim_accounts")
    assert current.account_id.is_unique
    assert sorted(current.account_id) == sorted(accounts.account_id)
    assert current.as_of_date.nunique() == 1
    latest = query(
        built_warehouse.warehouse_path,
        "select account_id, tier, tier_reason from marts.account_tiers "
        "where as_of_date = (select max(as_of_date) from marts.account_tiers)",
    )
    merged = current.merge(latest, on="account_id", suffixes=("", "_history"))
    assert len(merged) == len(current)
    assert (merged.tier == merged.tier_history).all()
    assert (merged.tier_reason == merged.tier_reason_history).all()


def test_current_mart_names_every_tier_1_account(
    built_warehouse: BuiltWarehouse, current: pd.DataFrame
) -> None:
    tier_1 = current[current.tier == "tier_1"]
    assert len(tier_1) > 0
    assert tier_1.account_name.notna().all()
    assert (tier_1.account_name.str.strip() != "").all()
    assert tier_1.tier_reason.notna().all()
    owned = current[current.owner_id.notna()]
    assert len(owned) > 0
    assert owned.owner_name.notna().all(), "an owner id without the sales user's name"
    assert set(current.crm_status) <= {"in_crm", "net_new"}
    assert (current.is_in_crm == (current.crm_status == "in_crm")).all()
    assert current.journey_stage.notna().all()


def test_serving_file_alone_lists_tier_1_accounts_with_name_domain_owner_and_reason(
    built_warehouse: BuiltWarehouse,
) -> None:
    """The first query a marketing-ops user runs, on the published file only."""
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        rows = con.execute(
            """
            select account_name, domain, owner_name, tier_reason, fit_reasons
            from marts.account_targets_current
            where tier = 'tier_1'
            order by fit_score desc
            """
        ).df()
    assert len(rows) > 0
    assert rows[["account_name", "tier_reason"]].notna().all().all()
    assert rows.domain.notna().mean() >= 0.9
    assert rows.owner_name.notna().any()


def test_current_mart_has_no_contact_or_lead_pii(
    built_warehouse: BuiltWarehouse, current: pd.DataFrame
) -> None:
    assert not [c for c in current.columns if any(part in c for part in PII_COLUMN_PARTS)]
    with duckdb.connect(str(built_warehouse.warehouse_path), read_only=True) as con:
        people = {
            value
            for (value,) in con.execute(
                "select lower(trim(email)) from raw.crm__contact where email is not null "
                "union select lower(trim(email)) from raw.crm__lead where email is not null "
                "union select lower(trim(first_name || ' ' || last_name)) from raw.crm__contact "
                "where first_name is not null and last_name is not null"
            ).fetchall()
        }
        employees = {
            value
            for (value,) in con.execute(
                "select lower(trim(name)) from raw.crm__user where name is not null"
            ).fetchall()
        }
    assert len(people) > 100
    for column in current.select_dtypes(include=["object", "str"]).columns:
        values = current[column].dropna().astype(str)
        if column in ("owner_name", "proposed_owner_name"):
            # A sales user (an employee); the sample draws users and contacts from one pool.
            assert values.str.strip().str.lower().isin(employees).all()
            continue
        assert not values.str.contains(r"@.+\.", regex=True).any(), column
        assert not values.str.strip().str.lower().isin(people).any(), column
