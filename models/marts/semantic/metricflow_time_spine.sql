{#- One row per calendar day from 2010-01-01 to 2035-12-31: MetricFlow's time
    spine (config time_spine in _semantic__models.yml), which metric_time joins
    to for cumulative metrics and gaps. A fixed range, not the wall clock. -#}
with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('2010-01-01' as date)",
        "cast('2036-01-01' as date)",
    ) }}
),

final as (
    select cast(days.date_day as date) as date_day
    from days
)

select * from final
