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
{%- set days_since_epoch = dbt.datediff("cast('2000-01-03' as date)", 'evaluated_date', 'day') -%}
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

-- Every dated fact of an account: its activity days (with points), its surging weeks and
-- the as-of date. The evaluated dates are their dates.
dated_facts as (
    select
        activity_days.account_id,
        activity_days.activity_date as evaluated_date,
        cast(activity_days.points as {{ exact_decimal() }}) as points,
        0 as surge
    from activity_days

    union all

    select
        surge_weeks.account_id,
        surge_weeks.week_start_date as evaluated_date,
        cast(null as {{ exact_decimal() }}) as points,
        1 as surge
    from surge_weeks

    union all

    select
        accounts.account_id,
        as_of.as_of_date as evaluated_date,
        cast(null as {{ exact_decimal() }}) as points,
        0 as surge
    from accounts
    cross join as_of
),

-- Trailing windows over the day number (RANGE frames over an integer are portable; a
-- frame ending at the current row holds every fact of that date).
windowed as (
    select
        account_id,
        evaluated_date,
        sum(points) over days_window as window_points,
        count(points) over days_window as window_activity_days,
        max(surge) over (
            partition by account_id
            order by {{ days_since_epoch }}
            range between {{ recent_days - 1 }} preceding and current row
        ) as recent_surge
    from dated_facts
    window days_window as (
        partition by account_id
        order by {{ days_since_epoch }}
        range between {{ window_days - 1 }} preceding and current row
    )
),

-- The dates with activity points in their window (every fact of a date has its values).
window_points as (
    select
        account_id,
        evaluated_date,
        cast(max(window_points) as {{ double }}) as points,
        max(recent_surge) = 1 as has_recent_intent
    from windowed
    where window_activity_days > 0
    group by account_id, evaluated_date
),

final as (
    select
        window_points.account_id,
        window_points.points,
        window_points.points >= {{ var('journey_engaged_min_points') }} as is_engaged,
        (
            window_points.points >= {{ var('journey_engaged_min_points') }}
            and window_points.has_recent_intent
        )
        or window_points.points >= {{ var('journey_mqa_min_points') }} as is_mqa,
        window_points.evaluated_date
    from window_points
)

select * from final
