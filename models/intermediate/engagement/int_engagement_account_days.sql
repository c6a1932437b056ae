{#- One row per account, activity date, activity type and known/anonymous:
    how many matched first-party activities happened. Known = a person identified
    by email (contact, lead or corporate email domain); anonymous = a reverse-IP
    company visit. Unmatched activities are left out (see
    int_activities_matched_to_accounts for why). Decay and points are applied as of
    a date in account_engagement_scores. -#}
with

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null and activity_date is not null
),

final as (
    select
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.email is not null as is_known,
        cast(count(*) as {{ dbt.type_int() }}) as activity_count,
        cast(count(distinct activities.email) as {{ dbt.type_int() }}) as known_people
    from activities
    group by
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.email is not null
)

select * from final
