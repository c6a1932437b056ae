{#- One row per counted CRM opportunity (int_kpi_opportunities.is_counted: the
    types that count as pipeline, win rate, deal size and cycle) created by the
    as-of date: its amount, whether it closed and was won by the as-of date, the
    days from created to closed, and its account's tier at the as-of date. The
    opportunity grain MetricFlow's opportunity metrics aggregate; the same rules
    as abm_kpis (a deal closes in the month of its close date, not before it was
    created; negative or absurd amounts are unknown). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

opportunities as (
    select * from {{ ref('int_kpi_opportunities') }}
    where is_counted
),

tiers as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    inner join as_of
        on account_tiers.as_of_date = as_of.as_of_date
),

closed as (
    select
        opportunities.*,
        as_of.as_of_date,
        coalesce(
            opportunities.is_closed
            and opportunities.close_date <= as_of.as_of_date
            and opportunities.created_date <= opportunities.close_date,
            false
        ) as is_closed_by_as_of
    from opportunities
    cross join as_of
    where opportunities.created_date <= as_of.as_of_date
),

final as (
    select
        -- ids
        closed.opportunity_id,
        closed.account_id,
        -- strings
        closed.opportunity_type,
        coalesce(tiers.tier, 'not_target') as account_tier,
        -- numerics
        cast(closed.amount_usable as {{ type_double() }}) as amount_usd,
        cast(case
            when closed.is_closed_by_as_of
                then {{ dbt.datediff('closed.created_date', 'closed.close_date', 'day') }}
        end as {{ dbt.type_bigint() }}) as sales_cycle_days,
        -- booleans
        closed.is_closed_by_as_of as is_closed,
        closed.is_closed_by_as_of and closed.is_won as is_won,
        -- dates
        closed.created_date,
        case when closed.is_closed_by_as_of then closed.close_date end as closed_date,
        closed.as_of_date
    from closed
    left join tiers
        on closed.account_id = tiers.account_id
)

select * from final
