{#- One row per matched, dated engagement activity: its points and whether it
    is anonymous, defined here once for engagement scores and the journey.
    Anonymous = only the reverse-IP company tied it to the account (matched_by
    'ip_domain'), with or without an email: a free-mail or other-company address
    seen on the account's network says who the person is, not that they work
    there. Known = matched through a person (contact or lead email, corporate
    email domain). activity_points = the type's points (seed
    engagement_activity_weights; 0 for a type missing from it), x var
    engagement_anonymous_weight when anonymous. Decay, caps and windows depend on
    the as-of date and are applied downstream. -#}
with

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null and activity_date is not null
),

activity_weights as (
    select * from {{ ref('engagement_activity_weights') }}
),

flagged as (
    select
        activities.activity_id,
        activities.account_id,
        activities.contact_id,
        activities.email,
        activities.activity_type,
        activities.channel,
        activities.matched_by,
        activities.activity_date,
        coalesce(activities.matched_by = 'ip_domain', false) as is_anonymous
    from activities
),

final as (
    select
        flagged.activity_id,
        flagged.account_id,
        flagged.contact_id,
        flagged.email,
        flagged.activity_type,
        flagged.channel,
        flagged.matched_by,
        cast(
            coalesce(activity_weights.points, 0)
            * case when flagged.is_anonymous then {{ var('engagement_anonymous_weight') }} else 1 end
            as {{ type_double() }}
        ) as activity_points,
        flagged.is_anonymous,
        flagged.activity_date
    from flagged
    left join activity_weights
        on flagged.activity_type = activity_weights.activity_type
)

select * from final
