{#- One row per universe account per as-of date: how engaged the account is now.
    Incremental by as_of_date (a re-run for a date replaces it). Activities in the
    var engagement_window_days up to the as-of date earn points by type (seed
    engagement_activity_weights) x 0.5 ^ (age / var engagement_half_life_days),
    anonymous ones x var engagement_anonymous_weight; each type's points are capped
    per window by the seed. Breadth: distinct known people and buying roles
    (seed buying_role_rules on their titles and departments) engaged in the window.
    Spike: the last 7 days against the weekly average of the var
    engagement_baseline_weeks weeks before. engagement_score = 100 x the var
    engagement_weights mix of the capped components. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of_date'] if target.type == 'spark' else none),
        on_schema_change='append_new_columns',
    )
}}
{%- set weights = var('engagement_weights') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

account_days as (
    select * from {{ ref('int_engagement_account_days') }}
),

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

role_rules as (
    select * from {{ ref('buying_role_rules') }}
),

activity_weights as (
    select * from {{ ref('engagement_activity_weights') }}
),

days_aged as (
    select
        account_days.account_id,
        account_days.activity_type,
        account_days.is_known,
        account_days.activity_count,
        {{ dbt.datediff('account_days.activity_date', 'as_of.as_of_date', 'day') }} as age_days  -- noqa: LT05
    from account_days
    cross join as_of
    where account_days.activity_date <= as_of.as_of_date
),

type_points as (
    select
        days_aged.account_id,
        days_aged.activity_type,
        cast(sum(cast(
            days_aged.activity_count
            * coalesce(activity_weights.points, 0)
            * {{ tiers_decay('days_aged.age_days', var('engagement_half_life_days')) }}
            * case when days_aged.is_known then 1.0 else {{ var('engagement_anonymous_weight') }} end
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as raw_points,
        cast(sum(cast(case
            when days_aged.is_known
                then
                    days_aged.activity_count
                    * coalesce(activity_weights.points, 0)
                    * {{ tiers_decay('days_aged.age_days', var('engagement_half_life_days')) }}
            else 0
        end as {{ exact_decimal() }})) as {{ identity_type_double() }}) as known_raw_points,
        max(activity_weights.cap_points) as cap_points
    from days_aged
    left join activity_weights
        on days_aged.activity_type = activity_weights.activity_type
    where days_aged.age_days < {{ var('engagement_window_days') }}
    group by days_aged.account_id, days_aged.activity_type
),

point_facts as (
    select
        type_points.account_id,
        cast(sum(cast(
            least(type_points.raw_points, coalesce(type_points.cap_points, 0))
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as activity_points,
        cast(sum(cast(
            type_points.raw_points
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as uncapped_points,
        cast(sum(cast(case
            when type_points.raw_points > 0
                then
                    least(type_points.raw_points, coalesce(type_points.cap_points, 0))
                    * type_points.known_raw_points / type_points.raw_points
            else 0
        end as {{ exact_decimal() }})) as {{ identity_type_double() }}) as known_points
    from type_points
    group by type_points.account_id
),

count_facts as (
    select
        days_aged.account_id,
        sum(case
            when days_aged.age_days < {{ var('engagement_window_days') }} then days_aged.activity_count else 0
        end) as activity_count,
        sum(case
            when days_aged.age_days < {{ var('engagement_window_days') }} and days_aged.is_known
                then days_aged.activity_count
            else 0
        end) as known_activity_count,
        sum(case
            when days_aged.age_days < {{ var('engagement_window_days') }} and not days_aged.is_known
                then days_aged.activity_count
            else 0
        end) as anonymous_activity_count,
        sum(case when days_aged.age_days < 7 then days_aged.activity_count else 0 end) as last_7d_activity_count,
        1.0 * sum(case
            when days_aged.age_days >= 7 and days_aged.age_days < 7 * (1 + {{ var('engagement_baseline_weeks') }})
                then days_aged.activity_count
            else 0
        end) / {{ var('engagement_baseline_weeks') }} as baseline_weekly_activity_count
    from days_aged
    group by days_aged.account_id
),

window_people as (
    select distinct
        activities.account_id,
        activities.email,
        activities.contact_id
    from activities
    cross join as_of
    where
        activities.email is not null
        and activities.activity_date <= as_of.as_of_date
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
        {{ identity_word_text('contacts.title') }} as title_words,
        {{ identity_word_text('contacts.department') }} as department_words
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

components as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(point_facts.activity_points, 0) as activity_points,
        coalesce(point_facts.known_points, 0) as known_points,
        coalesce(count_facts.activity_count, 0) as activity_count,
        coalesce(count_facts.known_activity_count, 0) as known_activity_count,
        coalesce(count_facts.anonymous_activity_count, 0) as anonymous_activity_count,
        coalesce(count_facts.last_7d_activity_count, 0) as last_7d_activity_count,
        coalesce(count_facts.baseline_weekly_activity_count, 0) as baseline_weekly_activity_count,
        coalesce(people_facts.engaged_people, 0) as engaged_people,
        coalesce(role_facts.engaged_buying_roles, 0) as engaged_buying_roles,
        coalesce(
            count_facts.last_7d_activity_count >= {{ var('engagement_spike_min_activities') }}
            and count_facts.last_7d_activity_count
            >= {{ var('engagement_spike_ratio') }} * count_facts.baseline_weekly_activity_count,
            false
        ) as is_spiking,
        {{ tiers_capped_share('point_facts.activity_points', var('engagement_points_saturation')) }}
            as activity_component,
        {{ tiers_capped_share('people_facts.engaged_people', var('engagement_people_target')) }} as people_component,
        {{ tiers_capped_share('role_facts.engaged_buying_roles', var('engagement_roles_target')) }} as roles_component
    from accounts
    cross join as_of
    left join point_facts
        on accounts.account_id = point_facts.account_id
    left join count_facts
        on accounts.account_id = count_facts.account_id
    left join people_facts
        on accounts.account_id = people_facts.account_id
    left join role_facts
        on accounts.account_id = role_facts.account_id
),

scored as (
    select
        components.*,
        round(100 * (
            {{ weights['activity'] }} * components.activity_component
            + {{ weights['people'] }} * components.people_component
            + {{ weights['roles'] }} * components.roles_component
            + {{ weights['spike'] }} * case when components.is_spiking then 1 else 0 end
        ), 1) as engagement_score
    from components
),

final as (
    select
        scored.account_id,
        scored.as_of_date,
        cast(scored.engagement_score as {{ identity_type_double() }}) as engagement_score,
        scored.engagement_score >= {{ var('engagement_engaged_min_score') }} as is_engaged,
        cast(scored.activity_points as {{ identity_type_double() }}) as activity_points,
        cast(scored.known_points as {{ identity_type_double() }}) as known_points,
        cast(
            case when scored.activity_points > 0 then scored.known_points / scored.activity_points end
            as {{ identity_type_double() }}
        ) as known_share,
        cast(scored.activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(scored.known_activity_count as {{ dbt.type_int() }}) as known_activity_count,
        cast(scored.anonymous_activity_count as {{ dbt.type_int() }}) as anonymous_activity_count,
        cast(scored.engaged_people as {{ dbt.type_int() }}) as engaged_people,
        cast(scored.engaged_buying_roles as {{ dbt.type_int() }}) as engaged_buying_roles,
        cast(scored.last_7d_activity_count as {{ dbt.type_int() }}) as last_7d_activity_count,
        cast(scored.baseline_weekly_activity_count as {{ identity_type_double() }}) as baseline_weekly_activity_count,
        scored.is_spiking,
        cast(scored.activity_component as {{ identity_type_double() }}) as activity_component,
        cast(scored.people_component as {{ identity_type_double() }}) as people_component,
        cast(scored.roles_component as {{ identity_type_double() }}) as roles_component
    from scored
)

select * from final
