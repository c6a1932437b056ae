{#- One row per universe account per as-of date: how strongly the account is in
    market now. Incremental by as_of_date (a re-run for a date replaces it).
    Bombora: a topic week is surging at var intent_surge_min_score or more; each
    surging week weighs relevance_weight (seed intent_topics; var
    intent_default_topic_weight for topics missing from it) x 0.5 ^ (age / var
    intent_half_life_days), a topic counts its strongest week. Breadth is the share
    of the selected topics (relevance > 0) surging within var intent_recent_weeks;
    a spike is a recent surging week var intent_spike_min_points above the
    account's own baseline. G2 signals weigh their activity type (seed
    g2_activity_weights) with var intent_g2_half_life_days decay. intent_score =
    100 x the var intent_weights mix of the four capped components. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of_date'] if target.type == 'spark' else none),
        on_schema_change='append_new_columns',
    )
}}
{%- set weights = var('intent_weights') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

topic_weeks as (
    select * from {{ ref('int_intent_topic_weeks') }}
),

topics as (
    select * from {{ ref('intent_topics') }}
),

g2_signals as (
    select * from {{ ref('stg_intent__g2_signals') }}
),

g2_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'g2' and account_id is not null
),

g2_weights as (
    select * from {{ ref('g2_activity_weights') }}
),

selected_topics as (
    select count(*) as selected_topic_count
    from topics
    where topics.relevance_weight > 0
),

weeks_in_window as (
    select
        topic_weeks.account_id,
        topic_weeks.topic_name,
        topic_weeks.week_start_date,
        topic_weeks.composite_score,
        topic_weeks.score_vs_baseline,
        topic_weeks.baseline_week_count,
        topics.topic_name is not null as is_in_topic_seed,
        coalesce(topics.relevance_weight, {{ var('intent_default_topic_weight') }}) as relevance_weight,
        coalesce(topics.need, 'unknown') as need,
        coalesce(topics.product_line, 'unknown') as product_line,
        topic_weeks.composite_score >= {{ var('intent_surge_min_score') }} as is_surging_week,
        {{ dbt.datediff('topic_weeks.week_start_date', 'as_of.as_of_date', 'day') }} as age_days  -- noqa: LT05
    from topic_weeks
    cross join as_of
    left join topics
        on lower(topic_weeks.topic_name) = lower(trim(topics.topic_name))
    where
        topic_weeks.week_start_date <= as_of.as_of_date
        and topic_weeks.week_start_date
        > {{ dbt.dateadd('day', -7 * var('intent_lookback_weeks'), 'as_of.as_of_date') }}
),

topic_signals as (
    select
        weeks_in_window.account_id,
        weeks_in_window.topic_name,
        max(weeks_in_window.relevance_weight) as relevance_weight,
        max(weeks_in_window.need) as need,
        max(weeks_in_window.product_line) as product_line,
        max(case
            when weeks_in_window.is_surging_week
                then
                    weeks_in_window.relevance_weight
                    * {{ tiers_decay('weeks_in_window.age_days', var('intent_half_life_days')) }}
            else 0
        end) as topic_signal,
        max(case
            when weeks_in_window.is_surging_week and weeks_in_window.age_days < 7 * {{ var('intent_recent_weeks') }}
                then 1
            else 0
        end) = 1 as is_recent_surge,
        max(case
            when
                weeks_in_window.is_surging_week
                and weeks_in_window.age_days < 7 * {{ var('intent_recent_weeks') }}
                and weeks_in_window.baseline_week_count > 0
                and weeks_in_window.score_vs_baseline >= {{ var('intent_spike_min_points') }}
                then 1
            else 0
        end) = 1 as is_recent_spike
    from weeks_in_window
    group by weeks_in_window.account_id, weeks_in_window.topic_name
),

ranked_topics as (
    select
        topic_signals.*,
        row_number() over (
            partition by topic_signals.account_id
            order by topic_signals.topic_signal desc, topic_signals.topic_name asc
        ) as topic_rank
    from topic_signals
    where topic_signals.topic_signal > 0 and topic_signals.relevance_weight > 0
),

need_signals as (
    select
        ranked_topics.account_id,
        ranked_topics.need,
        cast(sum(cast(
            ranked_topics.topic_signal
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as need_signal
    from ranked_topics
    where ranked_topics.need not in ('none', 'unknown')
    group by ranked_topics.account_id, ranked_topics.need
),

ranked_needs as (
    select
        need_signals.*,
        row_number() over (
            partition by need_signals.account_id
            order by need_signals.need_signal desc, need_signals.need asc
        ) as need_rank
    from need_signals
),

top_topics as (
    select
        ranked_topics.account_id,
        {{ dbt.listagg('ranked_topics.topic_name', "', '", 'order by ranked_topics.topic_rank') }} as top_topics
    from ranked_topics
    where ranked_topics.topic_rank <= 3
    group by ranked_topics.account_id
),

top_needs as (
    select
        ranked_needs.account_id,
        max(case when ranked_needs.need_rank = 1 then ranked_needs.need end) as primary_need,
        {{ dbt.listagg('ranked_needs.need', "', '", 'order by ranked_needs.need_rank') }} as top_needs
    from ranked_needs
    where ranked_needs.need_rank <= 3
    group by ranked_needs.account_id
),

top_product_lines as (
    select
        ranked_topics.account_id,
        max(ranked_topics.product_line) as primary_product_line
    from ranked_topics
    where ranked_topics.topic_rank = 1
    group by ranked_topics.account_id
),

bombora_facts as (
    select
        topic_signals.account_id,
        cast(sum(cast(
            case when topic_signals.relevance_weight > 0 then topic_signals.topic_signal else 0 end
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }})
            as weighted_surge,
        sum(case
            when topic_signals.relevance_weight > 0 and topic_signals.is_recent_surge then 1 else 0
        end) as surging_topic_count,
        sum(case
            when topic_signals.relevance_weight > 0 and topic_signals.is_recent_spike then 1 else 0
        end) as spiking_topic_count,
        count(*) as tracked_topic_count
    from topic_signals
    group by topic_signals.account_id
),

g2_facts as (
    select
        g2_domains.account_id,
        count(*) as g2_signal_count,
        max(g2_signals.signal_date) as last_g2_signal_date,
        cast(sum(cast(
            coalesce(g2_weights.weight, 0)
            * {{ tiers_decay(dbt.datediff('g2_signals.signal_date', 'as_of.as_of_date', 'day'),
                             var('intent_g2_half_life_days')) }}
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as g2_weighted_signal
    from g2_signals
    cross join as_of
    inner join g2_domains
        on lower(trim(g2_signals.domain)) = g2_domains.domain
    left join g2_weights
        on g2_signals.activity_type = g2_weights.activity_type
    where
        g2_signals.signal_date <= as_of.as_of_date
        and g2_signals.signal_date
        > {{ dbt.dateadd('day', -1 * var('intent_g2_window_days'), 'as_of.as_of_date') }}
    group by g2_domains.account_id
),

components as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(bombora_facts.weighted_surge, 0) as weighted_surge,
        coalesce(bombora_facts.surging_topic_count, 0) as surging_topic_count,
        coalesce(bombora_facts.spiking_topic_count, 0) as spiking_topic_count,
        coalesce(bombora_facts.tracked_topic_count, 0) as tracked_topic_count,
        1.0 * coalesce(bombora_facts.surging_topic_count, 0)
        / nullif(selected_topics.selected_topic_count, 0) as topic_breadth,
        coalesce(g2_facts.g2_signal_count, 0) as g2_signal_count,
        coalesce(g2_facts.g2_weighted_signal, 0) as g2_weighted_signal,
        g2_facts.last_g2_signal_date,
        {{ tiers_capped_share('bombora_facts.weighted_surge', var('intent_topic_saturation')) }} as surge_component,
        {{ tiers_capped_share(
            '1.0 * bombora_facts.surging_topic_count / nullif(selected_topics.selected_topic_count, 0)',
            var('intent_breadth_target')) }} as breadth_component,
        {{ tiers_capped_share('bombora_facts.spiking_topic_count', var('intent_spike_topics_target')) }}
            as spike_component,
        {{ tiers_capped_share('g2_facts.g2_weighted_signal', var('intent_g2_saturation')) }} as g2_component
    from accounts
    cross join as_of
    cross join selected_topics
    left join bombora_facts
        on accounts.account_id = bombora_facts.account_id
    left join g2_facts
        on accounts.account_id = g2_facts.account_id
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
        cast(scored.intent_score as {{ identity_type_double() }}) as intent_score,
        scored.intent_score >= {{ var('intent_account_surge_min_score') }} as is_surging,
        cast(scored.surging_topic_count as {{ dbt.type_int() }}) as surging_topic_count,
        cast(scored.spiking_topic_count as {{ dbt.type_int() }}) as spiking_topic_count,
        cast(scored.tracked_topic_count as {{ dbt.type_int() }}) as tracked_topic_count,
        cast(scored.topic_breadth as {{ identity_type_double() }}) as topic_breadth,
        coalesce(scored.topic_breadth >= {{ var('intent_breadth_target') }}, false) as is_broad_surge,
        cast(scored.weighted_surge as {{ identity_type_double() }}) as weighted_surge,
        cast(scored.g2_signal_count as {{ dbt.type_int() }}) as g2_signal_count,
        cast(scored.g2_weighted_signal as {{ identity_type_double() }}) as g2_weighted_signal,
        scored.last_g2_signal_date,
        top_topics.top_topics,
        top_needs.top_needs,
        top_needs.primary_need,
        top_product_lines.primary_product_line,
        cast(scored.surge_component as {{ identity_type_double() }}) as surge_component,
        cast(scored.breadth_component as {{ identity_type_double() }}) as breadth_component,
        cast(scored.spike_component as {{ identity_type_double() }}) as spike_component,
        cast(scored.g2_component as {{ identity_type_double() }}) as g2_component
    from scored
    left join top_topics
        on scored.account_id = top_topics.account_id
    left join top_needs
        on scored.account_id = top_needs.account_id
    left join top_product_lines
        on scored.account_id = top_product_lines.account_id
)

select * from final
