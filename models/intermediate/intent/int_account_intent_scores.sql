{#- One row per universe account per as-of date: how strongly the account is in
    market now. Incremental by as_of_date (a run replaces its own date, earlier
    dates stay as history). Reads the steps of the current as-of date: Bombora
    facts (int_intent_account_surges over int_intent_topic_surges), top topics
    and needs (int_intent_account_top_topics), G2 (int_intent_account_g2_signals).
    Components, each capped at 1: weighted surge / var intent_topic_saturation;
    breadth = the share of the selected topics (seed intent_topics, relevance >
    0) surging recently / var intent_breadth_target; spiking topics / var
    intent_spike_topics_target; G2 weighted signal / var intent_g2_saturation.
    intent_score = 100 x the var intent_weights mix of the four. -#}
{{ config(**partitioned_incremental('as_of_date')) }}
{%- set weights = var('intent_weights') -%}
{%- set double = type_double() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

topics as (
    select * from {{ ref('intent_topics') }}
),

account_surges as (
    select * from {{ ref('int_intent_account_surges') }}
),

top_topics as (
    select * from {{ ref('int_intent_account_top_topics') }}
),

g2_signals as (
    select * from {{ ref('int_intent_account_g2_signals') }}
),

selected_topics as (
    select count(*) as selected_topic_count
    from topics
    where topics.relevance_weight > 0
),

components as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(account_surges.weighted_surge, 0) as weighted_surge,
        coalesce(account_surges.surging_topic_count, 0) as surging_topic_count,
        coalesce(account_surges.spiking_topic_count, 0) as spiking_topic_count,
        coalesce(account_surges.tracked_topic_count, 0) as tracked_topic_count,
        1.0 * coalesce(account_surges.surging_topic_count, 0)
        / nullif(selected_topics.selected_topic_count, 0) as topic_breadth,
        coalesce(g2_signals.g2_signal_count, 0) as g2_signal_count,
        coalesce(g2_signals.g2_weighted_signal, 0) as g2_weighted_signal,
        g2_signals.last_g2_signal_date,
        {{ capped_share('account_surges.weighted_surge', var('intent_topic_saturation')) }}
            as surge_component,
        {{ capped_share(
            '1.0 * account_surges.surging_topic_count / nullif(selected_topics.selected_topic_count, 0)',
            var('intent_breadth_target')) }} as breadth_component,
        {{ capped_share('account_surges.spiking_topic_count', var('intent_spike_topics_target')) }}
            as spike_component,
        {{ capped_share('g2_signals.g2_weighted_signal', var('intent_g2_saturation')) }} as g2_component
    from accounts
    cross join as_of
    cross join selected_topics
    left join account_surges
        on accounts.account_id = account_surges.account_id
    left join g2_signals
        on accounts.account_id = g2_signals.account_id
),

scored as (
    select
        components.*,
        round(100 * (
            {{ weights['surge'] }} * components.surge_component
            + {{ weights['breadth'] }} * components.breadth_component
            + {{ weights['spike'] }} * components.spike_component
            + {{ weights['g2'] }} * components.g2_component
        ), 1) as intent_score
    from components
),

final as (
    select
        scored.account_id,
        scored.as_of_date,
        cast(scored.intent_score as {{ double }}) as intent_score,
        scored.intent_score >= {{ var('intent_account_surge_min_score') }} as is_surging,
        cast(scored.surging_topic_count as {{ dbt.type_int() }}) as surging_topic_count,
        cast(scored.spiking_topic_count as {{ dbt.type_int() }}) as spiking_topic_count,
        cast(scored.tracked_topic_count as {{ dbt.type_int() }}) as tracked_topic_count,
        cast(scored.topic_breadth as {{ double }}) as topic_breadth,
        coalesce(scored.topic_breadth >= {{ var('intent_breadth_target') }}, false) as is_broad_surge,
        cast(scored.weighted_surge as {{ double }}) as weighted_surge,
        cast(scored.g2_signal_count as {{ dbt.type_int() }}) as g2_signal_count,
        cast(scored.g2_weighted_signal as {{ double }}) as g2_weighted_signal,
        scored.last_g2_signal_date,
        top_topics.top_topics,
        top_topics.top_needs,
        top_topics.primary_need,
        top_topics.primary_product_line,
        cast(scored.surge_component as {{ double }}) as surge_component,
        cast(scored.breadth_component as {{ double }}) as breadth_component,
        cast(scored.spike_component as {{ double }}) as spike_component,
        cast(scored.g2_component as {{ double }}) as g2_component
    from scored
    left join top_topics
        on scored.account_id = top_topics.account_id
)

select * from final
