{#- One row per account with matched activity on or before the as-of date (the
    current as-of date only): activity counts in the var engagement_window_days
    window, known and anonymous (int_activities_scored defines anonymous), and the
    spike: the last 7 days against the weekly average of the var
    engagement_baseline_weeks weeks before. Spiking = at least var
    engagement_spike_min_activities in the last 7 days and at least var
    engagement_spike_ratio x that average. -#}
{%- set window_days = var('engagement_window_days') -%}
{%- set baseline_weeks = var('engagement_baseline_weeks') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

account_days as (
    select * from {{ ref('int_engagement_account_days') }}
),

days_aged as (
    select
        account_days.account_id,
        account_days.is_anonymous,
        account_days.activity_count,
        {{ dbt.datediff('account_days.activity_date', 'as_of.as_of_date', 'day') }} as age_days  -- noqa: LT05
    from account_days
    cross join as_of
    where account_days.activity_date <= as_of.as_of_date
),

counts as (
    select
        days_aged.account_id,
        sum(case
            when days_aged.age_days < {{ window_days }} then days_aged.activity_count else 0
        end) as activity_count,
        sum(case
            when days_aged.age_days < {{ window_days }} and not days_aged.is_anonymous
                then days_aged.activity_count
            else 0
        end) as known_activity_count,
        sum(case
            when days_aged.age_days < {{ window_days }} and days_aged.is_anonymous
                then days_aged.activity_count
            else 0
        end) as anonymous_activity_count,
        sum(case when days_aged.age_days < 7 then days_aged.activity_count else 0 end)
            as last_7d_activity_count,
        1.0 * sum(case
            when days_aged.age_days >= 7 and days_aged.age_days < 7 * (1 + {{ baseline_weeks }})
                then days_aged.activity_count
            else 0
        end) / {{ baseline_weeks }} as baseline_weekly_activity_count
    from days_aged
    group by days_aged.account_id
),

final as (
    select
        counts.account_id,
        as_of.as_of_date,
        cast(counts.activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(counts.known_activity_count as {{ dbt.type_int() }}) as known_activity_count,
        cast(counts.anonymous_activity_count as {{ dbt.type_int() }}) as anonymous_activity_count,
        cast(counts.last_7d_activity_count as {{ dbt.type_int() }}) as last_7d_activity_count,
        cast(counts.baseline_weekly_activity_count as {{ type_double() }})
            as baseline_weekly_activity_count,
        counts.last_7d_activity_count >= {{ var('engagement_spike_min_activities') }}
        and counts.last_7d_activity_count
        >= {{ var('engagement_spike_ratio') }} * counts.baseline_weekly_activity_count as is_spiking
    from counts
    cross join as_of
)

select * from final
