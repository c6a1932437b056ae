{#- One row per universe account per as-of date: the published form of
    int_account_engagement_scores (where the logic and its unit tests live). Incremental by as_of_date:
    a run adds or replaces its own date and keeps earlier dates as history. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=as_of_date_incremental('strategy'),
        partition_by=as_of_date_incremental('partition_by'),
        on_schema_change='append_new_columns',
    )
}}
-- depends_on: {{ ref('int_as_of_date') }}
with

account_engagement_scores as (
    select * from {{ ref('int_account_engagement_scores') }}
    {% if is_incremental() -%}
    where as_of_date = {{ as_of_date() }}
    {%- endif %}
),

final as (
    select
        account_id,
        as_of_date,
        engagement_score,
        is_engaged,
        activity_points,
        known_points,
        known_share,
        activity_count,
        known_activity_count,
        anonymous_activity_count,
        engaged_people,
        engaged_buying_roles,
        last_7d_activity_count,
        baseline_weekly_activity_count,
        is_spiking,
        activity_component,
        people_component,
        roles_component
    from account_engagement_scores
)

select * from final
