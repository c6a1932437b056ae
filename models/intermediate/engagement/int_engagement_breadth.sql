{#- One row per account with a known person engaged in the var
    engagement_window_days days up to the as-of date (the current as-of date
    only): distinct known people (emails of known activities; anonymous ones, as
    int_activities_scored defines them, do not count) and the buying roles among
    them (seed buying_role_rules on the titles and departments of the CRM contacts
    the activities matched). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

activities as (
    select * from {{ ref('int_activities_scored') }}
    where not is_anonymous and email is not null
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

role_rules as (
    select * from {{ ref('buying_role_rules') }}
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

engaged_contacts as (
    select distinct
        window_people.account_id,
        contacts.contact_id,
        {{ word_text('contacts.title') }} as title_words,
        {{ word_text('contacts.department') }} as department_words
    from window_people
    inner join contacts
        on window_people.contact_id = contacts.contact_id
),

role_facts as (
    select
        engaged_contacts.account_id,
        count(distinct role_rules.buying_role) as engaged_buying_roles
    from engaged_contacts
    inner join role_rules
        on (
            role_rules.match_field = 'title'
            and engaged_contacts.title_words like {{ dbt.concat(["'% '", "role_rules.pattern", "' %'"]) }}
        )
        or (
            role_rules.match_field = 'department'
            and engaged_contacts.department_words like {{ dbt.concat(["'% '", "role_rules.pattern", "' %'"]) }}
        )
    group by engaged_contacts.account_id
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
