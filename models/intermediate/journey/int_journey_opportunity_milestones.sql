{#- One row per account with an opportunity created on or before the as-of date
    (the current as-of date only; deals closed in the future by mistake left
    out): the first counted opportunity created (macro
    kpi_is_counted_opportunity), whether a counted one is open on the as-of date,
    the first won close date and the first deal of any kind. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where account_id is not null and not is_closed_in_future
),

milestones as (
    select
        opportunities.account_id,
        max(case
            when
                {{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}
                and not (opportunities.is_closed and opportunities.close_date <= as_of.as_of_date)
                then 1
            else 0
        end) as has_open_opportunity,
        min(case
            when {{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}
                then opportunities.created_date
        end) as opportunity_date,
        min(case when opportunities.is_won then opportunities.close_date end) as first_won_date,
        min(opportunities.created_date) as first_deal_date
    from opportunities
    cross join as_of
    where opportunities.created_date <= as_of.as_of_date
    group by opportunities.account_id
),

final as (
    select
        milestones.account_id,
        as_of.as_of_date,
        milestones.has_open_opportunity = 1 as has_open_opportunity,
        milestones.opportunity_date,
        milestones.first_won_date,
        milestones.first_deal_date
    from milestones
    cross join as_of
)

select * from final
