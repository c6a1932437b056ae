{#- One row per universe account per as-of date: the published form of
    int_account_tiers (where the logic and its unit tests live). Incremental by as_of_date:
    a run adds or replaces its own date and keeps earlier dates as history. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of_date'] if target.type == 'spark' else none),
        on_schema_change='append_new_columns',
    )
}}
-- as_of_date() refs int_as_of_date only inside is_incremental(): declare it.
-- depends_on: {{ ref('int_as_of_date') }}
with

account_tiers as (
    select * from {{ ref('int_account_tiers') }}
    {% if is_incremental() -%}
    where as_of_date = {{ as_of_date() }}
    {%- endif %}
),

final as (
    select
        account_id,
        as_of_date,
        tier,
        tier_rank,
        motion,
        tier_reason,
        reason_code,
        tier_source,
        rule_tier,
        previous_tier,
        previous_as_of_date,
        runs_below_bar,
        is_override,
        override_owner,
        override_expires_on,
        account_program,
        expansion_play,
        cluster_key,
        priority_score,
        fit_score,
        fit_grade,
        estimated_win_probability,
        intent_score,
        is_surging,
        primary_need,
        top_topics,
        engagement_score,
        is_engaged,
        size_band,
        expected_acv,
        acv_class,
        is_in_crm,
        is_customer,
        is_excluded
    from account_tiers
)

select * from final
