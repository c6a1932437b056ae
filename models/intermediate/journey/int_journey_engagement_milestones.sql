{#- One row per account with activity points on or before the as-of date (the
    current as-of date only): the first date it was engaged and an MQA
    (int_journey_engagement_days), and whether it is either on the as-of date
    with the window's points then. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

engagement_days as (
    select * from {{ ref('int_journey_engagement_days') }}
),

milestones as (
    select
        engagement_days.account_id,
        max(case when engagement_days.evaluated_date = as_of.as_of_date then engagement_days.points end)
            as window_points_now,
        max(case
            when engagement_days.evaluated_date = as_of.as_of_date and engagement_days.is_engaged then 1 else 0
        end) as is_engaged_now,
        max(case
            when engagement_days.evaluated_date = as_of.as_of_date and engagement_days.is_mqa then 1 else 0
        end) as is_mqa_now,
        min(case when engagement_days.is_engaged then engagement_days.evaluated_date end) as engaged_date,
        min(case when engagement_days.is_mqa then engagement_days.evaluated_date end) as mqa_date
    from engagement_days
    cross join as_of
    group by engagement_days.account_id
),

final as (
    select
        milestones.account_id,
        as_of.as_of_date,
        milestones.window_points_now,
        milestones.is_engaged_now = 1 as is_engaged_now,
        milestones.is_mqa_now = 1 as is_mqa_now,
        milestones.engaged_date,
        milestones.mqa_date
    from milestones
    cross join as_of
)

select * from final
