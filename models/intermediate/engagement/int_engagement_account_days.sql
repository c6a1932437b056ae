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

final as (
    select
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.is_anonymous,
        cast(count(*) as {{ dbt.type_int() }}) as activity_count,
        cast(
            count(distinct case when not activities.is_anonymous then activities.email end)
            as {{ dbt.type_int() }}
        ) as known_people,
        cast(sum(cast(
            activities.activity_points as {{ exact_decimal() }}
        )) as {{ type_double() }}) as activity_points
    from activities
    group by
        activities.account_id,
        activities.activity_date,
        activities.activity_type,
        activities.is_anonymous
)

select * from final
