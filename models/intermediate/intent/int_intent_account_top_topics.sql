{#- One row per account with a surging selected topic (signal > 0, relevance >
    0) in the lookback window at the as-of date (the current as-of date only):
    its top three topics by signal (ties by name), its top three needs by the
    summed signal of their topics (seed intent_topics; 'none' and 'unknown'
    needs left out), the primary need and the product line of the top topic. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

topic_surges as (
    select * from {{ ref('int_intent_topic_surges') }}
),

ranked_topics as (
    select
        topic_surges.account_id,
        topic_surges.topic_name,
        topic_surges.need,
        topic_surges.product_line,
        topic_surges.topic_signal,
        row_number() over (
            partition by topic_surges.account_id
            order by topic_surges.topic_signal desc, topic_surges.topic_name asc
        ) as topic_rank
    from topic_surges
    where topic_surges.topic_signal > 0 and topic_surges.relevance_weight > 0
),

need_signals as (
    select
        ranked_topics.account_id,
        ranked_topics.need,
        cast(sum(cast(
            ranked_topics.topic_signal
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as need_signal
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
        {{ dbt.listagg('ranked_topics.topic_name', "', '", 'order by ranked_topics.topic_rank') }} as top_topics,
        max(case when ranked_topics.topic_rank = 1 then ranked_topics.product_line end) as primary_product_line
    from ranked_topics
    where ranked_topics.topic_rank <= 3
    group by ranked_topics.account_id
),

top_needs as (
    select
        ranked_needs.account_id,
        {{ dbt.listagg('ranked_needs.need', "', '", 'order by ranked_needs.need_rank') }} as top_needs,
        max(case when ranked_needs.need_rank = 1 then ranked_needs.need end) as primary_need
    from ranked_needs
    where ranked_needs.need_rank <= 3
    group by ranked_needs.account_id
),

final as (
    select
        top_topics.account_id,
        as_of.as_of_date,
        top_topics.top_topics,
        top_needs.top_needs,
        top_needs.primary_need,
        top_topics.primary_product_line
    from top_topics
    cross join as_of
    left join top_needs
        on top_topics.account_id = top_needs.account_id
)

select * from final
