{#- One row per account and activity type with activity in the engagement
    window at the as-of date (the var engagement_window_days days up to it; the
    current as-of date only). Each day's points (int_engagement_account_days)
    decay x 0.5 ^ (age / var engagement_half_life_days); the type's decayed points
    are capped per window by the seed engagement_activity_weights (cap_points; a
    type missing from it earns nothing). known_capped_points is the known
    (non-anonymous) share of the capped points. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

account_days as (
    select * from {{ ref('int_engagement_account_days') }}
),

activity_weights as (
    select * from {{ ref('engagement_activity_weights') }}
),

days_decayed as (
    select
        account_days.account_id,
        account_days.activity_type,
        account_days.is_anonymous,
        account_days.activity_points
        * {{ decay_weight(
            dbt.datediff('account_days.activity_date', 'as_of.as_of_date', 'day'),
            var('engagement_half_life_days')) }} as decayed_points
    from account_days
    cross join as_of
    where
        account_days.activity_date <= as_of.as_of_date
        and account_days.activity_date
        > {{ dbt.dateadd('day', -1 * var('engagement_window_days'), 'as_of.as_of_date') }}
),

type_points as (
    select
        days_decayed.account_id,
        days_decayed.activity_type,
        cast(sum(cast(
            days_decayed.decayed_points as {{ exact_decimal() }}
        )) as {{ type_double() }}) as raw_points,
        cast(sum(cast(
            case when days_decayed.is_anonymous then 0 else days_decayed.decayed_points end
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as known_raw_points
    from days_decayed
    group by days_decayed.account_id, days_decayed.activity_type
),

capped as (
    select
        type_points.account_id,
        type_points.activity_type,
        type_points.raw_points,
        type_points.known_raw_points,
        activity_weights.cap_points,
        least(type_points.raw_points, coalesce(activity_weights.cap_points, 0)) as capped_points
    from type_points
    left join activity_weights
        on type_points.activity_type = activity_weights.activity_type
),

final as (
    select
        capped.account_id,
        capped.activity_type,
        as_of.as_of_date,
        cast(capped.raw_points as {{ type_double() }}) as raw_points,
        cast(capped.known_raw_points as {{ type_double() }}) as known_raw_points,
        cast(capped.cap_points as {{ type_double() }}) as cap_points,
        cast(capped.capped_points as {{ type_double() }}) as capped_points,
        cast(
            case
                when capped.raw_points > 0
                    then capped.capped_points * capped.known_raw_points / capped.raw_points
                else 0
            end as {{ type_double() }}
        ) as known_capped_points
    from capped
    cross join as_of
)

select * from final
