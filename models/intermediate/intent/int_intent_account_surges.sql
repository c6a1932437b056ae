{#- One row per account with a Bombora topic in the lookback window at the
    as-of date (the current as-of date only): the Bombora facts behind the surge,
    breadth and spike components, over the selected topics (relevance > 0) of
    int_intent_topic_surges. weighted_surge sums their topic signals;
    surging_topic_count / spiking_topic_count count those with a recent surge /
    spike; tracked_topic_count counts every topic seen, selected or not. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

topic_surges as (
    select * from {{ ref('int_intent_topic_surges') }}
),

bombora_facts as (
    select
        topic_surges.account_id,
        cast(sum(cast(
            case when topic_surges.relevance_weight > 0 then topic_surges.topic_signal else 0 end
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as weighted_surge,
        sum(case
            when topic_surges.relevance_weight > 0 and topic_surges.is_recent_surge then 1 else 0
        end) as surging_topic_count,
        sum(case
            when topic_surges.relevance_weight > 0 and topic_surges.is_recent_spike then 1 else 0
        end) as spiking_topic_count,
        count(*) as tracked_topic_count
    from topic_surges
    group by topic_surges.account_id
),

final as (
    select
        bombora_facts.account_id,
        as_of.as_of_date,
        bombora_facts.weighted_surge,
        cast(bombora_facts.surging_topic_count as {{ dbt.type_int() }}) as surging_topic_count,
        cast(bombora_facts.spiking_topic_count as {{ dbt.type_int() }}) as spiking_topic_count,
        cast(bombora_facts.tracked_topic_count as {{ dbt.type_int() }}) as tracked_topic_count
    from bombora_facts
    cross join as_of
)

select * from final
