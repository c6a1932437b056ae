{#- One row per account and day with matched activity on or before the as-of
    date (the current as-of date only): the day's activity points, as
    int_activities_scored defines them (seed engagement_activity_weights,
    anonymous x var engagement_anonymous_weight), before any decay. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

activities as (
    select * from {{ ref('int_activities_scored') }}
),

final as (
    select
        activities.account_id,
        as_of.as_of_date,
        cast(sum(cast(
            activities.activity_points as {{ exact_decimal() }}
        )) as {{ type_double() }}) as points,
        activities.activity_date
    from activities
    cross join as_of
    where activities.activity_date <= as_of.as_of_date
    group by activities.account_id, as_of.as_of_date, activities.activity_date
)

select * from final
