{#- One row per universe account per as-of date: the published form of
    int_account_intent_scores (where the logic and its unit tests live). Incremental by as_of_date:
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

account_intent_scores as (
    select * from {{ ref('int_account_intent_scores') }}
    {% if is_incremental() -%}
    where as_of_date = {{ as_of_date() }}
    {%- endif %}
),

final as (
    select
        account_id,
        as_of_date,
        intent_score,
        is_surging,
        surging_topic_count,
        spiking_topic_count,
        tracked_topic_count,
        topic_breadth,
        is_broad_surge,
        weighted_surge,
        g2_signal_count,
        g2_weighted_signal,
        last_g2_signal_date,
        top_topics,
        top_needs,
        primary_need,
        primary_product_line,
        surge_component,
        breadth_component,
        spike_component,
        g2_component
    from account_intent_scores
)

select * from final
