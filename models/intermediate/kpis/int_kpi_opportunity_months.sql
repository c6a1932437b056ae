{#- One row per account and calendar month up to the as-of date in which it
    created or closed a counted opportunity (int_kpi_opportunities.is_counted):
    pipeline created, deals closed and won, won amounts and cycle days. A deal
    closes in the month of its close date, not before it was created. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

counted_opportunities as (
    select * from {{ ref('int_kpi_opportunities') }}
    where is_counted
),

created_facts as (
    select
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.created_date') }} as date) as month_start_date,
        count(*) as opportunities_created,
        cast(sum(cast(
            counted_opportunities.amount_usable
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as pipeline_created_usd
    from counted_opportunities
    cross join as_of
    where counted_opportunities.created_date <= as_of.as_of_date
    group by
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.created_date') }} as date)
),

closed_facts as (
    select
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.close_date') }} as date) as month_start_date,
        count(*) as closed_deals,
        sum(case when counted_opportunities.is_won then 1 else 0 end) as won_deals,
        cast(sum(cast(
            case when counted_opportunities.is_won then counted_opportunities.amount_usable end
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as won_amount_usd,
        sum(
            case when counted_opportunities.is_won and counted_opportunities.amount_usable is not null then 1 else 0 end
        ) as won_deals_with_amount,
        sum(case
            when counted_opportunities.is_won
                then {{ dbt.datediff('counted_opportunities.created_date', 'counted_opportunities.close_date', 'day') }}
        end) as won_cycle_days
    from counted_opportunities
    cross join as_of
    where
        counted_opportunities.is_closed
        and counted_opportunities.close_date <= as_of.as_of_date
        and counted_opportunities.created_date <= counted_opportunities.close_date
    group by
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.close_date') }} as date)
),

final as (
    select
        coalesce(created_facts.account_id, closed_facts.account_id) as account_id,
        coalesce(created_facts.month_start_date, closed_facts.month_start_date) as month_start_date,
        created_facts.opportunities_created,
        created_facts.pipeline_created_usd,
        closed_facts.closed_deals,
        closed_facts.won_deals,
        closed_facts.won_amount_usd,
        closed_facts.won_deals_with_amount,
        closed_facts.won_cycle_days
    from created_facts
    full outer join closed_facts
        on
            created_facts.account_id = closed_facts.account_id
            and created_facts.month_start_date = closed_facts.month_start_date
)

select * from final
