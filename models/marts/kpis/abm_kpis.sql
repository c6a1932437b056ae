{#- One row per month (var kpi_history_months back to the as-of month) and tier
    group (tier_1, tier_2, tier_3, not_target; no total rows, so a SUM over rows
    is a total): the ABM KPIs of the accounts in that group, from the group's
    summed facts (int_kpi_tier_group_months; attribution and the facts are
    defined in the int_kpi_* models). Counts and amounts are 0 without a fact;
    each ratio has its numerator and denominator beside it and is null without
    its denominator. -#}
{%- set double = type_double() -%}
{%- set bigint = dbt.type_bigint() -%}
with

group_months as (
    select * from {{ ref('int_kpi_tier_group_months') }}
),

final as (
    select
        {{ dbt.concat([
            "cast(group_months.month_start_date as " ~ dbt.type_string() ~ ")", "'|'", "group_months.tier_group",
        ]) }} as kpi_row_id,
        group_months.month_start_date,
        group_months.month_end_date,
        group_months.tier_group,
        group_months.tier_group != 'not_target' as is_target,
        group_months.tier_basis,
        group_months.tier_run_date,
        cast(coalesce(group_months.account_count, 0) as {{ bigint }}) as account_count,
        cast(coalesce(group_months.opportunities_created, 0) as {{ bigint }}) as opportunities_created,
        cast(coalesce(group_months.pipeline_created_usd, 0) as {{ double }}) as pipeline_created_usd,
        cast(coalesce(group_months.closed_deals, 0) as {{ bigint }}) as closed_deals,
        cast(coalesce(group_months.won_deals, 0) as {{ bigint }}) as won_deals,
        cast(group_months.won_deals / nullif(group_months.closed_deals, 0) as {{ double }}) as win_rate,
        cast(coalesce(group_months.won_amount_usd, 0) as {{ double }}) as won_amount_usd,
        cast(coalesce(group_months.won_deals_with_amount, 0) as {{ bigint }}) as won_deals_with_amount,
        cast(
            group_months.won_amount_usd / nullif(group_months.won_deals_with_amount, 0) as {{ double }}
        ) as average_deal_size_usd,
        cast(coalesce(group_months.won_cycle_days, 0) as {{ bigint }}) as won_cycle_days,
        cast(group_months.won_cycle_days / nullif(group_months.won_deals, 0) as {{ double }}) as sales_cycle_days,
        cast(coalesce(group_months.active_customers, 0) as {{ bigint }}) as active_customers,
        cast(coalesce(group_months.lifetime_value_usd, 0) as {{ double }}) as lifetime_value_usd,
        cast(
            group_months.lifetime_value_usd / nullif(group_months.active_customers, 0) as {{ double }}
        ) as average_lifetime_value_usd,
        cast(coalesce(group_months.contacts, 0) as {{ bigint }}) as contacts,
        cast(
            coalesce(group_months.contacts, 0) / nullif(group_months.account_count, 0) as {{ double }}
        ) as contacts_per_account,
        cast(coalesce(group_months.buying_roles_covered, 0) as {{ bigint }}) as buying_roles_covered,
        cast(coalesce(group_months.accounts_with_snapshot, 0) as {{ bigint }}) as accounts_with_snapshot,
        cast(case
            when coalesce(group_months.accounts_with_snapshot, 0) > 0
                then group_months.buying_roles_covered / nullif(group_months.account_count, 0)
        end as {{ double }}) as buying_roles_per_account,
        cast(coalesce(group_months.mqa_accounts, 0) as {{ bigint }}) as mqa_accounts,
        cast(coalesce(group_months.mqa_converted_accounts, 0) as {{ bigint }}) as mqa_converted_accounts,
        cast(
            group_months.mqa_converted_accounts / nullif(group_months.mqa_accounts, 0) as {{ double }}
        ) as mqa_to_opportunity_rate,
        cast(group_months.program_cost_usd as {{ double }}) as program_cost_usd,
        cast(
            group_months.program_cost_usd / nullif(group_months.opportunities_created, 0) as {{ double }}
        ) as program_cost_per_opportunity_usd
    from group_months
)

select * from final
