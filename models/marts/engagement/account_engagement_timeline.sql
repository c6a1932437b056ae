{#- One row per account, week, channel and buying role with activity in the
    var engagement_timeline_weeks weeks up to the current as-of date: the
    published form of int_engagement_account_weeks (where the logic and its unit
    test live), the Account page's engagement timeline. Rebuilt each run (no
    history: the weeks are the history). -#}
with

account_weeks as (
    select * from {{ ref('int_engagement_account_weeks') }}
),

final as (
    select
        account_id,
        week_start_date,
        channel,
        buying_role,
        activity_count,
        activity_points,
        as_of_date
    from account_weeks
)

select * from final
