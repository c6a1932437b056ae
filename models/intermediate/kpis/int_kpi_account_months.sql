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

account_months as (
    select
        opportunity_months.account_id,
        opportunity_months.month_start_date
    from opportunity_months
    union
    select
        account_month_states.account_id,
        account_month_states.month_start_date
    from account_month_states
    union
    select
        mqa_conversions.account_id,
        mqa_conversions.month_start_date
    from mqa_conversions
    union
    select
        program_costs.account_id,
        program_costs.month_start_date
    from program_costs
),

attributed as (
    select
        account_months.account_id,
        account_months.month_start_date,
        coalesce(
            case when months.tier_basis = 'rules_backfill' then tier_history.rule_tier else tier_history.tier end,
            'not_target'
        ) as kpi_tier
    from account_months
    inner join months
        on account_months.month_start_date = months.month_start_date
    left join tier_history
        on
            account_months.account_id = tier_history.account_id
            and months.tier_run_date = tier_history.as_of_date
),

final as (
    select
        attributed.account_id,
        attributed.month_start_date,
        attributed.kpi_tier,
        cast(opportunity_months.opportunities_created as {{ double }}) as opportunities_created,
        cast(opportunity_months.pipeline_created_usd as {{ double }}) as pipeline_created_usd,
        cast(opportunity_months.closed_deals as {{ double }}) as closed_deals,
        cast(opportunity_months.won_deals as {{ double }}) as won_deals,
        cast(opportunity_months.won_amount_usd as {{ double }}) as won_amount_usd,
        cast(opportunity_months.won_deals_with_amount as {{ double }}) as won_deals_with_amount,
        cast(opportunity_months.won_cycle_days as {{ double }}) as won_cycle_days,
        cast(case when account_month_states.is_active_customer then 1 end as {{ double }}) as active_customers,
        cast(account_month_states.lifetime_value_usd as {{ double }}) as lifetime_value_usd,
        cast(account_month_states.contacts as {{ double }}) as contacts,
        cast(account_month_states.buying_roles_covered as {{ double }}) as buying_roles_covered,
        cast(case when mqa_conversions.account_id is not null then 1 end as {{ double }}) as mqa_accounts,
        cast(
            case when mqa_conversions.is_converted then 1 when mqa_conversions.account_id is not null then 0 end
            as {{ double }}
        ) as mqa_converted_accounts,
        cast(program_costs.program_cost_usd as {{ double }}) as program_cost_usd
    from attributed
    left join opportunity_months
        on
            attributed.account_id = opportunity_months.account_id
            and attributed.month_start_date = opportunity_months.month_start_date
    left join account_month_states
        on
            attributed.account_id = account_month_states.account_id
            and attributed.month_start_date = account_month_states.month_start_date
    left join mqa_conversions
        on
            attributed.account_id = mqa_conversions.account_id
            and attributed.month_start_date = mqa_conversions.month_start_date
    left join program_costs
        on
            attributed.account_id = program_costs.account_id
            and attributed.month_start_date = program_costs.month_start_date
)

select * from final
