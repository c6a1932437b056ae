{#- One row per account that first became MQA by the as-of date
    (int_journey_stage_dates.mqa_date): the month it did and whether it
    converted, i.e. created a counted opportunity within var
    kpi_mqa_conversion_window_days after (and by the as-of date). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

journey as (
    select stage_dates.*
    from {{ ref('int_journey_stage_dates') }} as stage_dates
    inner join as_of
        on stage_dates.as_of_date = as_of.as_of_date
    where stage_dates.mqa_date is not null
),

counted_opportunities as (
    select * from {{ ref('int_kpi_opportunities') }}
    where is_counted
),

final as (
    select
        journey.account_id,
        cast({{ dbt.date_trunc('month', 'journey.mqa_date') }} as date) as month_start_date,
        journey.mqa_date,
        max(case when counted_opportunities.opportunity_id is not null then 1 else 0 end) = 1 as is_converted
    from journey
    cross join as_of
    left join counted_opportunities
        on
            journey.account_id = counted_opportunities.account_id
            and journey.mqa_date <= counted_opportunities.created_date
            and {{ dbt.dateadd('day', var('kpi_mqa_conversion_window_days'), 'journey.mqa_date') }}
            >= counted_opportunities.created_date
            and as_of.as_of_date >= counted_opportunities.created_date
    group by journey.account_id, journey.mqa_date
)

select * from final
