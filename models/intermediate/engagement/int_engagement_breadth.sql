{#- One row per account with a known person engaged in the var
    engagement_window_days days up to the as-of date (the current as-of date
    only): distinct known people (emails of known activities; anonymous ones, as
    int_activities_scored defines them, do not count) and the buying roles among
    them (int_contact_buying_roles: every role of the CRM contacts the
    activities matched). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

activities as (
    select * from {{ ref('int_activities_scored') }}
    where not is_anonymous and email is not null
),

contact_roles as (
    select * from {{ ref('int_contact_buying_roles') }}
),

window_people as (
    select distinct
        activities.account_id,
        activities.email,
        activities.contact_id
    from activities
    cross join as_of
    where
        activities.activity_date <= as_of.as_of_date
        and activities.activity_date
        > {{ dbt.dateadd('day', -1 * var('engagement_window_days'), 'as_of.as_of_date') }}
),

people_facts as (
    select
        window_people.account_id,
        count(distinct window_people.email) as engaged_people
    from window_people
    group by window_people.account_id
),

role_facts as (
    select
        window_people.account_id,
        count(distinct contact_roles.buying_role) as engaged_buying_roles
    from window_people
    inner join contact_roles
        on window_people.contact_id = contact_roles.contact_id
    group by window_people.account_id
),

final as (
    select
        people_facts.account_id,
        as_of.as_of_date,
        cast(people_facts.engaged_people as {{ dbt.type_int() }}) as engaged_people,
        cast(coalesce(role_facts.engaged_buying_roles, 0) as {{ dbt.type_int() }}) as engaged_buying_roles
    from people_facts
    cross join as_of
    left join role_facts
        on people_facts.account_id = role_facts.account_id
)

select * from final
