{#- One row per account and month of the KPI history with any KPI fact: every
    measure side by side (null where the account has none that month) and the
    tier the month's events count for (kpi_tier). Attribution: the account's
    tier in the month's account_tiers run (int_kpi_months, tier_basis run);
    before the first run, the first run's rule_tier (tier_basis rules_backfill):
    the rules alone, before capacity, overrides and the customer exclusion,
    because a customer's current not_target says nothing about the account before
    it bought (else every past win would land in not_target). An account missing
    from the run counts as not_target. -#}
{%- set double = type_double() -%}
{%- set fact_ctes = ['account_month_states', 'opportunity_months', 'mqa_conversions', 'program_costs'] -%}
with

months as (
    select * from {{ ref('int_kpi_months') }}
),

tier_history as (
    select * from {{ ref('int_account_tiers') }}
),

opportunity_months as (
    select * from {{ ref('int_kpi_opportunity_months') }}
),

account_month_states as (
    select * from {{ ref('int_kpi_account_month_states') }}
),

mqa_conversions as (
    select * from {{ ref('int_kpi_mqa_conversions') }}
),

program_costs as (
    select * from {{ ref('int_kpi_program_costs') }}
),

-- Every fact CTE has one row per account and month: full outer joins line them up,
-- each joined on the key of the rows joined before it (coalesced).
account_facts as (
    select
        {{ coalesced_column(fact_ctes, 'account_id') }} as account_id,
        {{ coalesced_column(fact_ctes, 'month_start_date') }} as month_start_date,
        opportunity_months.opportunities_created,
        opportunity_months.pipeline_created_usd,
        opportunity_months.closed_deals,
        opportunity_months.won_deals,
        opportunity_months.won_amount_usd,
        opportunity_months.won_deals_with_amount,
        opportunity_months.won_cycle_days,
        account_month_states.is_active_customer,
        account_month_states.lifetime_value_usd,
        account_month_states.contacts,
        account_month_states.buying_roles_covered,
        mqa_conversions.account_id is not null as is_mqa,
        mqa_conversions.is_converted as is_mqa_converted,
        program_costs.program_cost_usd
    from account_month_states
    full outer join opportunity_months
        on
            account_month_states.account_id = opportunity_months.account_id
            and account_month_states.month_start_date = opportunity_months.month_start_date
    full outer join mqa_conversions
        on
            {{ coalesced_column(fact_ctes[:2], 'account_id') }} = mqa_conversions.account_id
            and {{ coalesced_column(fact_ctes[:2], 'month_start_date') }} = mqa_conversions.month_start_date
    full outer join program_costs
        on
            {{ coalesced_column(fact_ctes[:3], 'account_id') }} = program_costs.account_id
            and {{ coalesced_column(fact_ctes[:3], 'month_start_date') }} = program_costs.month_start_date
),

final as (
    select
        account_facts.account_id,
        account_facts.month_start_date,
        coalesce(
            case when months.tier_basis = 'rules_backfill' then tier_history.rule_tier else tier_history.tier end,
            'not_target'
        ) as kpi_tier,
        cast(account_facts.opportunities_created as {{ double }}) as opportunities_created,
        cast(account_facts.pipeline_created_usd as {{ double }}) as pipeline_created_usd,
        cast(account_facts.closed_deals as {{ double }}) as closed_deals,
        cast(account_facts.won_deals as {{ double }}) as won_deals,
        cast(account_facts.won_amount_usd as {{ double }}) as won_amount_usd,
        cast(account_facts.won_deals_with_amount as {{ double }}) as won_deals_with_amount,
        cast(account_facts.won_cycle_days as {{ double }}) as won_cycle_days,
        cast(case when account_facts.is_active_customer then 1 end as {{ double }}) as active_customers,
        cast(account_facts.lifetime_value_usd as {{ double }}) as lifetime_value_usd,
        cast(account_facts.contacts as {{ double }}) as contacts,
        cast(account_facts.buying_roles_covered as {{ double }}) as buying_roles_covered,
        cast(case when account_facts.is_mqa then 1 end as {{ double }}) as mqa_accounts,
        cast(
            case when account_facts.is_mqa_converted then 1 when account_facts.is_mqa then 0 end
            as {{ double }}
        ) as mqa_converted_accounts,
        cast(account_facts.program_cost_usd as {{ double }}) as program_cost_usd
    from account_facts
    inner join months
        on account_facts.month_start_date = months.month_start_date
    left join tier_history
        on
            account_facts.account_id = tier_history.account_id
            and months.tier_run_date = tier_history.as_of_date
)

select * from final
