{#- One row per month of the KPI history and tier group (tier_1, tier_2,
    tier_3, not_target; no total group, so the rows add up): the group's
    accounts in the month's tier run (rule_tier before the first run, as in
    int_kpi_account_months) and the sums of its accounts' KPI facts (null when
    none). -#}
{%- set double = type_double() -%}
{%- set decimal = exact_decimal() -%}
with

months as (
    select * from {{ ref('int_kpi_months') }}
),

tier_history as (
    select * from {{ ref('int_account_tiers') }}
),

account_months as (
    select * from {{ ref('int_kpi_account_months') }}
),

-- Each tier is its own group, once: totals are sums of the groups.
tier_groups as (
    select
        tier_group_map.kpi_tier,
        tier_group_map.tier_group
    from (
        values
        ('tier_1', 'tier_1'),
        ('tier_2', 'tier_2'),
        ('tier_3', 'tier_3'),
        ('not_target', 'not_target')
    ) as tier_group_map (kpi_tier, tier_group)
),

group_facts as (
    select
        account_months.month_start_date,
        tier_groups.tier_group,
        sum(account_months.opportunities_created) as opportunities_created,
        cast(sum(cast(account_months.pipeline_created_usd as {{ decimal }})) as {{ double }}) as pipeline_created_usd,
        sum(account_months.closed_deals) as closed_deals,
        sum(account_months.won_deals) as won_deals,
        cast(sum(cast(account_months.won_amount_usd as {{ decimal }})) as {{ double }}) as won_amount_usd,
        sum(account_months.won_deals_with_amount) as won_deals_with_amount,
        sum(account_months.won_cycle_days) as won_cycle_days,
        sum(account_months.active_customers) as active_customers,
        cast(sum(cast(account_months.lifetime_value_usd as {{ decimal }})) as {{ double }}) as lifetime_value_usd,
        sum(account_months.contacts) as contacts,
        sum(account_months.buying_roles_covered) as buying_roles_covered,
        sum(account_months.mqa_accounts) as mqa_accounts,
        sum(account_months.mqa_converted_accounts) as mqa_converted_accounts,
        cast(sum(cast(account_months.program_cost_usd as {{ decimal }})) as {{ double }}) as program_cost_usd,
        sum(case when account_months.buying_roles_covered is not null then 1 else 0 end) as accounts_with_snapshot
    from account_months
    inner join tier_groups
        on account_months.kpi_tier = tier_groups.kpi_tier
    group by account_months.month_start_date, tier_groups.tier_group
),

distinct_groups as (
    select distinct tier_groups.tier_group
    from tier_groups
),

run_dates as (
    select distinct months.tier_run_date as run_date
    from months
),

run_group_sizes as (
    select
        tier_history.as_of_date as run_date,
        tier_groups.tier_group,
        sum(case when tier_history.tier = tier_groups.kpi_tier then 1 else 0 end) as run_accounts,
        sum(case when tier_history.rule_tier = tier_groups.kpi_tier then 1 else 0 end) as rule_accounts
    from tier_history
    inner join run_dates
        on tier_history.as_of_date = run_dates.run_date
    cross join tier_groups
    group by tier_history.as_of_date, tier_groups.tier_group
),

grid as (
    select
        months.month_start_date,
        months.month_end_date,
        months.tier_run_date,
        months.tier_basis,
        distinct_groups.tier_group,
        case
            when months.tier_basis = 'rules_backfill' then run_group_sizes.rule_accounts
            else run_group_sizes.run_accounts
        end as account_count
    from months
    cross join distinct_groups
    left join run_group_sizes
        on
            months.tier_run_date = run_group_sizes.run_date
            and distinct_groups.tier_group = run_group_sizes.tier_group
),

final as (
    select
        grid.month_start_date,
        grid.month_end_date,
        grid.tier_group,
        grid.tier_basis,
        grid.tier_run_date,
        grid.account_count,
        group_facts.opportunities_created,
        group_facts.pipeline_created_usd,
        group_facts.closed_deals,
        group_facts.won_deals,
        group_facts.won_amount_usd,
        group_facts.won_deals_with_amount,
        group_facts.won_cycle_days,
        group_facts.active_customers,
        group_facts.lifetime_value_usd,
        group_facts.contacts,
        group_facts.buying_roles_covered,
        group_facts.mqa_accounts,
        group_facts.mqa_converted_accounts,
        group_facts.program_cost_usd,
        group_facts.accounts_with_snapshot
    from grid
    left join group_facts
        on
            grid.month_start_date = group_facts.month_start_date
            and grid.tier_group = group_facts.tier_group
)

select * from final
