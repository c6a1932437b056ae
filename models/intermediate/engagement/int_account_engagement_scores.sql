{#- One row per universe account per as-of date: how engaged the account is now.
    Incremental by as_of_date (a run replaces its own date, earlier dates stay as
    history). Reads the steps of the current as-of date: capped points per
    activity type (int_engagement_type_points), counts and spike
    (int_engagement_activity_counts), breadth in people and buying roles
    (int_engagement_breadth). engagement_score = 100 x the var engagement_weights
    mix of the components, each capped at 1: activity points / var
    engagement_points_saturation, people / var engagement_people_target, roles /
    var engagement_roles_target, and the spike (0 or 1). -#}
{{ config(**partitioned_incremental('as_of_date')) }}
{%- set weights = var('engagement_weights') -%}
{%- set double = type_double() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

type_points as (
    select * from {{ ref('int_engagement_type_points') }}
),

activity_counts as (
    select * from {{ ref('int_engagement_activity_counts') }}
),

breadth as (
    select * from {{ ref('int_engagement_breadth') }}
),

point_facts as (
    select
        type_points.account_id,
        cast(sum(cast(type_points.capped_points as {{ exact_decimal() }})) as {{ double }}) as activity_points,
        cast(sum(cast(type_points.known_capped_points as {{ exact_decimal() }})) as {{ double }}) as known_points
    from type_points
    group by type_points.account_id
),

components as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(point_facts.activity_points, 0) as activity_points,
        coalesce(point_facts.known_points, 0) as known_points,
        coalesce(activity_counts.activity_count, 0) as activity_count,
        coalesce(activity_counts.known_activity_count, 0) as known_activity_count,
        coalesce(activity_counts.anonymous_activity_count, 0) as anonymous_activity_count,
        coalesce(activity_counts.last_7d_activity_count, 0) as last_7d_activity_count,
        coalesce(activity_counts.baseline_weekly_activity_count, 0) as baseline_weekly_activity_count,
        coalesce(breadth.engaged_people, 0) as engaged_people,
        coalesce(breadth.engaged_buying_roles, 0) as engaged_buying_roles,
        coalesce(activity_counts.is_spiking, false) as is_spiking,
        {{ capped_share('point_facts.activity_points', var('engagement_points_saturation')) }}
            as activity_component,
        {{ capped_share('breadth.engaged_people', var('engagement_people_target')) }} as people_component,
        {{ capped_share('breadth.engaged_buying_roles', var('engagement_roles_target')) }} as roles_component
    from accounts
    cross join as_of
    left join point_facts
        on accounts.account_id = point_facts.account_id
    left join activity_counts
        on accounts.account_id = activity_counts.account_id
    left join breadth
        on accounts.account_id = breadth.account_id
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
        cast(scored.engagement_score as {{ double }}) as engagement_score,
        scored.engagement_score >= {{ var('engagement_engaged_min_score') }} as is_engaged,
        cast(scored.activity_points as {{ double }}) as activity_points,
        cast(scored.known_points as {{ double }}) as known_points,
        cast(
            case when scored.activity_points > 0 then scored.known_points / scored.activity_points end
            as {{ double }}
        ) as known_share,
        cast(scored.activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(scored.known_activity_count as {{ dbt.type_int() }}) as known_activity_count,
        cast(scored.anonymous_activity_count as {{ dbt.type_int() }}) as anonymous_activity_count,
        cast(scored.engaged_people as {{ dbt.type_int() }}) as engaged_people,
        cast(scored.engaged_buying_roles as {{ dbt.type_int() }}) as engaged_buying_roles,
        cast(scored.last_7d_activity_count as {{ dbt.type_int() }}) as last_7d_activity_count,
        cast(scored.baseline_weekly_activity_count as {{ double }}) as baseline_weekly_activity_count,
        scored.is_spiking,
        cast(scored.activity_component as {{ double }}) as activity_component,
        cast(scored.people_component as {{ double }}) as people_component,
        cast(scored.roles_component as {{ double }}) as roles_component
    from scored
)

select * from final
