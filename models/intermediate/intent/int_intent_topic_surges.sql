{#- One row per account and Bombora topic with a week in the var
    intent_lookback_weeks weeks up to the as-of date (the current as-of date
    only): how strongly the topic surges for the account. A week surges at var
    intent_surge_min_score or more and weighs the topic's relevance_weight (seed
    intent_topics; var intent_default_topic_weight for a topic missing from it)
    x 0.5 ^ (age / var intent_half_life_days); the topic counts its strongest
    week. Recent surge = a surging week within var intent_recent_weeks; recent
    spike = such a week var intent_spike_min_points or more above the account's
    own baseline for the topic. -#}
{%- set recent_days = 7 * var('intent_recent_weeks') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

topic_weeks as (
    select * from {{ ref('int_intent_topic_weeks') }}
),

topics as (
    select * from {{ ref('intent_topics') }}
),

weeks_in_window as (
    select
        topic_weeks.account_id,
        topic_weeks.topic_name,
        coalesce(topics.need, 'unknown') as need,
        coalesce(topics.product_line, 'unknown') as product_line,
        topic_weeks.score_vs_baseline,
        topic_weeks.baseline_week_count,
        coalesce(topics.relevance_weight, {{ var('intent_default_topic_weight') }}) as relevance_weight,
        {{ dbt.datediff('topic_weeks.week_start_date', 'as_of.as_of_date', 'day') }} as age_days,  -- noqa: LT05
        topic_weeks.composite_score >= {{ var('intent_surge_min_score') }} as is_surging_week
    from topic_weeks
    cross join as_of
    left join topics
        on lower(topic_weeks.topic_name) = lower(trim(topics.topic_name))
    where
        topic_weeks.week_start_date <= as_of.as_of_date
        and topic_weeks.week_start_date
        > {{ dbt.dateadd('day', -7 * var('intent_lookback_weeks'), 'as_of.as_of_date') }}
),

topic_signals as (
    select
        weeks_in_window.account_id,
        weeks_in_window.topic_name,
        max(weeks_in_window.need) as need,
        max(weeks_in_window.product_line) as product_line,
        max(weeks_in_window.relevance_weight) as relevance_weight,
        max(case
            when weeks_in_window.is_surging_week
                then
                    weeks_in_window.relevance_weight
                    * {{ decay_weight('weeks_in_window.age_days', var('intent_half_life_days')) }}
            else 0
        end) as topic_signal,
        max(case
            when weeks_in_window.is_surging_week and weeks_in_window.age_days < {{ recent_days }}
                then 1
            else 0
        end) = 1 as is_recent_surge,
        max(case
            when
                weeks_in_window.is_surging_week
                and weeks_in_window.age_days < {{ recent_days }}
                and weeks_in_window.baseline_week_count > 0
                and weeks_in_window.score_vs_baseline >= {{ var('intent_spike_min_points') }}
                then 1
            else 0
        end) = 1 as is_recent_spike
    from weeks_in_window
    group by weeks_in_window.account_id, weeks_in_window.topic_name
),

final as (
    select
        topic_signals.account_id,
        topic_signals.topic_name,
        as_of.as_of_date,
        topic_signals.need,
        topic_signals.product_line,
        topic_signals.relevance_weight,
        topic_signals.topic_signal,
        topic_signals.is_recent_surge,
        topic_signals.is_recent_spike
    from topic_signals
    cross join as_of
)

select * from final
