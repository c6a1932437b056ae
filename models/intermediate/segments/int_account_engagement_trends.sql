{#- One row per universe account at the as-of date: its engagement in the last
    var segments_trend_window_days days (recent) against the same span before
    (prior), from matched activities: counts, distinct channels, the primary
    channel (most activities in both windows; ties alphabetical) and the trend:
    inactive (none in either window), falling (recent below var
    segments_falling_ratio x prior, prior at least var
    segments_trend_min_activities), rising (recent at least var
    segments_rising_ratio x prior) or steady. -#}
{%- set trend_days = var('segments_trend_window_days') | int -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

matched_activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null
),

-- Activities of the two trend windows: recent (last N days) and prior (N before).
windowed_activities as (
    select
        matched_activities.account_id,
        coalesce(matched_activities.channel, 'unknown') as channel,
        case
            when
                matched_activities.activity_date
                > {{ dbt.dateadd('day', -1 * trend_days, 'as_of.as_of_date') }}
                then 1
            else 0
        end as is_recent
    from matched_activities
    cross join as_of
    where
        matched_activities.activity_date <= as_of.as_of_date
        and matched_activities.activity_date
        > {{ dbt.dateadd('day', -2 * trend_days, 'as_of.as_of_date') }}
),

channel_counts as (
    select
        windowed_activities.account_id,
        windowed_activities.channel,
        count(*) as activity_count
    from windowed_activities
    group by windowed_activities.account_id, windowed_activities.channel
),

primary_channels as (
    select
        ranked.account_id,
        ranked.channel as primary_channel
    from (
        select
            channel_counts.account_id,
            channel_counts.channel,
            row_number() over (
                partition by channel_counts.account_id
                order by channel_counts.activity_count desc, channel_counts.channel asc
            ) as channel_rank
        from channel_counts
    ) as ranked
    where ranked.channel_rank = 1
),

activity_counts as (
    select
        windowed_activities.account_id,
        sum(windowed_activities.is_recent) as recent_activity_count,
        sum(1 - windowed_activities.is_recent) as prior_activity_count,
        count(distinct windowed_activities.channel) as channel_count
    from windowed_activities
    group by windowed_activities.account_id
),

counted as (
    select
        accounts.account_id,
        as_of.as_of_date,
        primary_channels.primary_channel,
        coalesce(activity_counts.channel_count, 0) as channel_count,
        coalesce(activity_counts.recent_activity_count, 0) as recent_activity_count,
        coalesce(activity_counts.prior_activity_count, 0) as prior_activity_count
    from accounts
    cross join as_of
    left join primary_channels
        on accounts.account_id = primary_channels.account_id
    left join activity_counts
        on accounts.account_id = activity_counts.account_id
),

final as (
    select
        counted.account_id,
        counted.as_of_date,
        counted.primary_channel,
        counted.channel_count,
        counted.recent_activity_count,
        counted.prior_activity_count,
        case
            when counted.recent_activity_count = 0 and counted.prior_activity_count = 0 then 'inactive'
            when
                counted.prior_activity_count >= {{ var('segments_trend_min_activities') }}
                and counted.recent_activity_count < {{ var('segments_falling_ratio') }} * counted.prior_activity_count
                then 'falling'
            when counted.recent_activity_count >= {{ var('segments_rising_ratio') }} * counted.prior_activity_count
                then 'rising'
            else 'steady'
        end as engagement_trend
    from counted
)

select * from final
