{#- One row per account, activity date, activity type and known/anonymous:
    how many matched first-party activities happened and their points
    (int_activities_scored, where points and anonymous are defined). Unmatched
    activities are left out (see int_activities_matched_to_accounts for why).
    The compact input of the engagement steps, which apply decay and caps as of
    a date. -#}
with

activities as (
    select * from {{ ref('int_activities_scored') }}
),

-- One row per known person (e-mail) or anonymous group of a day's activities first: the
-- distinct people are then a count, not a count(distinct).
people as (
    select
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.is_anonymous,
        case when not activities.is_anonymous then activities.email end as known_email,
        count(*) as activity_count,
        sum(cast(activities.activity_points as {{ exact_decimal() }})) as activity_points
    from activities
    group by
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.is_anonymous,
        case when not activities.is_anonymous then activities.email end
),

final as (
    select
        account_id,
        activity_date,
        activity_type,
        is_anonymous,
        cast(sum(activity_count) as {{ dbt.type_int() }}) as activity_count,
        cast(count(known_email) as {{ dbt.type_int() }}) as known_people,
        cast(sum(activity_points) as {{ type_double() }}) as activity_points
    from people
    group by
        account_id,
        activity_date,
        activity_type,
        is_anonymous
)

select * from final
