{#- One row per account and evaluated date with activity points in the trailing
    var journey_engaged_window_days window: whether the account was engaged and
    an MQA on that date. Engaged = the window's points (int_journey_activity_days)
    reach var journey_engaged_min_points; MQA = engaged while a relevant Bombora
    topic (seed intent_topics relevance > 0, var intent_default_topic_weight when
    missing) surged (>= var intent_surge_min_score) in a week starting within var
    intent_recent_weeks weeks, or points >= var journey_mqa_min_points. Both can
    only switch on at an event date, so the evaluated dates are the account's
    activity days, surging-week dates and the as-of date: exact, and cheap. -#}
{%- set window_days = var('journey_engaged_window_days') | int -%}
{%- set recent_days = 7 * (var('intent_recent_weeks') | int) -%}
{%- set double = type_double() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

activity_days as (
    select * from {{ ref('int_journey_activity_days') }}
),

topic_weeks as (
    select * from {{ ref('int_intent_topic_weeks') }}
),

intent_topics as (
    select * from {{ ref('intent_topics') }}
),

surge_weeks as (
    select distinct
        topic_weeks.account_id,
        topic_weeks.week_start_date
    from topic_weeks
    cross join as_of
    left join intent_topics
        on topic_weeks.topic_name = intent_topics.topic_name
    where
        topic_weeks.week_start_date <= as_of.as_of_date
        and topic_weeks.composite_score >= {{ var('intent_surge_min_score') }}
        and coalesce(intent_topics.relevance_weight, {{ var('intent_default_topic_weight') }}) > 0
),

candidate_dates as (
    select
        activity_days.account_id,
        activity_days.activity_date as evaluated_date
    from activity_days

    union

    select
        surge_weeks.account_id,
        surge_weeks.week_start_date as evaluated_date
    from surge_weeks

    union

    select
        accounts.account_id,
        as_of.as_of_date as evaluated_date
    from accounts
    cross join as_of
),

window_points as (
    select
        candidate_dates.account_id,
        candidate_dates.evaluated_date,
        cast(sum(cast(activity_days.points as {{ exact_decimal() }})) as {{ double }}) as points
    from candidate_dates
    inner join activity_days
        on
            candidate_dates.account_id = activity_days.account_id
            and candidate_dates.evaluated_date >= activity_days.activity_date
            and {{ dbt.dateadd('day', -1 * window_days, 'candidate_dates.evaluated_date') }}
            < activity_days.activity_date
    group by candidate_dates.account_id, candidate_dates.evaluated_date
),

recent_intent as (
    select distinct
        candidate_dates.account_id,
        candidate_dates.evaluated_date
    from candidate_dates
    inner join surge_weeks
        on
            candidate_dates.account_id = surge_weeks.account_id
            and candidate_dates.evaluated_date >= surge_weeks.week_start_date
            and {{ dbt.dateadd('day', -1 * recent_days, 'candidate_dates.evaluated_date') }}
            < surge_weeks.week_start_date
),

final as (
    select
        window_points.account_id,
        window_points.points,
        window_points.points >= {{ var('journey_engaged_min_points') }} as is_engaged,
        (
            window_points.points >= {{ var('journey_engaged_min_points') }}
            and recent_intent.account_id is not null
        )
        or window_points.points >= {{ var('journey_mqa_min_points') }} as is_mqa,
        window_points.evaluated_date
    from window_points
    left join recent_intent
        on
            window_points.account_id = recent_intent.account_id
            and window_points.evaluated_date = recent_intent.evaluated_date
)

select * from final
