{#- One row per account, week, channel and buying role with activity in the var
    engagement_timeline_weeks calendar weeks (Monday to Sunday) up to the as-of
    date, the current week counting up to the as-of date only (current as-of date
    only): activities and their points before decay and caps
    (int_activities_scored). channel = the activity's channel, lower-cased
    ('unknown' without one). buying_role = the primary role of the CRM contact
    the activity matched (int_contact_buying_roles); 'other' for a known person
    with no role (a lead, a contact whose title and department match no rule);
    'anonymous' for a reverse-IP visit. Each activity counts once, so the roles
    of a week add up to the account's activities. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

activities as (
    select * from {{ ref('int_activities_scored') }}
),

contact_roles as (
    select * from {{ ref('int_contact_buying_roles') }}
    where is_primary_role
),

timeline_window as (
    select
        as_of.as_of_date,
        {{ dbt.dateadd(
            'day',
            -7 * (var('engagement_timeline_weeks') - 1),
            'cast(' ~ dbt.date_trunc('week', 'as_of.as_of_date') ~ ' as date)',
        ) }} as first_week_start_date
    from as_of
),

windowed as (
    select
        activities.account_id,
        activities.activity_points,
        timeline_window.as_of_date,
        cast({{ dbt.date_trunc('week', 'activities.activity_date') }} as date) as week_start_date,
        coalesce(lower(activities.channel), 'unknown') as channel,
        case
            when activities.is_anonymous then 'anonymous'
            else coalesce(contact_roles.buying_role, 'other')
        end as buying_role
    from activities
    cross join timeline_window
    left join contact_roles
        on activities.contact_id = contact_roles.contact_id
    where
        activities.activity_date <= timeline_window.as_of_date
        and activities.activity_date >= timeline_window.first_week_start_date
),

final as (
    select
        -- ids
        windowed.account_id,
        windowed.week_start_date,
        -- strings
        windowed.channel,
        windowed.buying_role,
        -- numerics
        cast(count(*) as {{ dbt.type_int() }}) as activity_count,
        cast(sum(cast(
            windowed.activity_points as {{ exact_decimal() }}
        )) as {{ type_double() }}) as activity_points,
        -- dates
        windowed.as_of_date
    from windowed
    group by
        windowed.account_id,
        windowed.week_start_date,
        windowed.channel,
        windowed.buying_role,
        windowed.as_of_date
)

select * from final
